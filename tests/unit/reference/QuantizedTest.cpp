//===- tests/unit/reference/QuantizedTest.cpp - Integer golden model ------===//
//
// Hand-computed expectations for the integer kernels of
// ir/reference/Quantized.cpp (quantize, dequantize, requantize, qconv,
// qmatmul, qadd, integer average pooling, relu/clip on quantized values),
// plus im2col and the fused activations of the float Conv and Gemm.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include "ir/QuantMath.h"

using namespace rtc;
using namespace rtc::test;

namespace {
TensorType qtype(DType t, llvm::ArrayRef<int64_t> shape, float scale,
                 int64_t zp, int64_t bits = 0) {
  TensorType type(t, shape);
  type.quant = QuantParams{{scale}, {zp}, -1, bits};
  return type;
}

TensorType axisType(DType t, llvm::ArrayRef<int64_t> shape, int64_t axis,
                    llvm::SmallVector<float, 1> scales,
                    llvm::SmallVector<int64_t, 1> zps) {
  TensorType type(t, shape);
  type.quant = QuantParams{scales, zps, axis, 0};
  return type;
}

/// A tensor of \p type holding \p values.
Tensor ints(const TensorType &type, std::initializer_list<int64_t> values) {
  Tensor t(type);
  EXPECT_EQ(size_t(t.getNumElements()), values.size());
  int64_t i = 0;
  for (int64_t v : values)
    t.setFromDouble(i++, double(v));
  return t;
}

void expectInts(const Tensor &t, const TensorType &type,
                std::initializer_list<int64_t> values) {
  ASSERT_EQ(t.getType(), type) << t.getType().str() << " vs " << type.str();
  ASSERT_EQ(size_t(t.getNumElements()), values.size());
  int64_t i = 0;
  for (int64_t v : values) {
    EXPECT_EQ(t.getAsInt64(i), v) << "element " << i;
    ++i;
  }
}

RequantAttrs requant(DType outType, QuantParams outQuant,
                     llvm::SmallVector<int32_t, 1> multipliers,
                     llvm::SmallVector<int32_t, 1> shifts, int64_t lo,
                     int64_t hi) {
  RequantAttrs r;
  r.outType = outType;
  r.outQuant = std::move(outQuant);
  r.multipliers = std::move(multipliers);
  r.shifts = std::move(shifts);
  r.clampMin = lo;
  r.clampMax = hi;
  return r;
}

constexpr int32_t kHalf = 1 << 30;               // 0.5 with shift 31
constexpr int32_t kThreeQuarters = 1610612736;   // 0.75 with shift 31
} // namespace

TEST(ReferenceQuantized, Quantize) {
  QuantizeAttrs attrs{DType::I8, QuantParams{{0.5f}, {-3}, -1, 4}};
  TensorType out = qtype(DType::I8, {5}, 0.5f, -3, 4);
  auto r = evalOp(OpKind::Quantize, attrs,
                  {f32({5}, {1.25f, 1.75f, -1.25f, 100.0f, -100.0f})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // rhe(2.5) - 3, rhe(3.5) - 3, rhe(-2.5) - 3, 4-bit saturation at 7 / -8.
  expectInts(*r, out, {-1, 1, -5, 7, -8});
}

TEST(ReferenceQuantized, QuantizePerAxis) {
  QuantizeAttrs attrs{DType::U8, QuantParams{{1.0f, 2.0f}, {0, 1}, 0, 0}};
  TensorType out = axisType(DType::U8, {2, 2}, 0, {1.0f, 2.0f}, {0, 1});
  auto r = evalOp(OpKind::Quantize, attrs, {f32({2, 2}, {1, 2, 3, 4})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // Row 1: rhe(1.5) + 1 = 3, rhe(2) + 1 = 3.
  expectInts(*r, out, {1, 2, 3, 3});
}

TEST(ReferenceQuantized, Dequantize) {
  TensorType in = qtype(DType::I8, {3}, 0.5f, -3);
  auto r = evalF32(OpKind::Dequantize, NoAttrs{}, {ints(in, {-3, -1, 127})},
                   {3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {3}, {0.0, 1.0, 65.0}, 0, 0);
}

TEST(ReferenceQuantized, Requantize) {
  TensorType in = qtype(DType::I8, {4}, 1.0f, 2);
  TensorType out = qtype(DType::I8, {4}, 2.0f, -1);
  RequantAttrs attrs = requant(DType::I8, *out.quant, {kHalf}, {31}, -128, 127);
  auto r = evalOp(OpKind::Requantize, attrs, {ints(in, {2, 5, 7, -128})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // (x - 2) * 0.5 = 0, 1.5, 2.5, -65 -> 0, 2, 2, -65; then - 1.
  expectInts(*r, out, {-1, 1, 1, -66});
}

TEST(ReferenceQuantized, QConvPerChannel) {
  // x - 2 = [[1, 2, 3], [4, 5, 6], [7, 0, 0]].
  TensorType xt = qtype(DType::U8, {1, 1, 3, 3}, 0.1f, 2);
  Tensor x = ints(xt, {3, 4, 5, 6, 7, 8, 9, 2, 2});
  // w0 - 0 = [[1, 0], [0, -1]], w1 - 1 = [[1, 0], [0, 0]].
  TensorType wt = axisType(DType::I8, {2, 1, 2, 2}, 0, {0.5f, 0.25f}, {0, 1});
  Tensor w = ints(wt, {1, 0, 0, -1, 2, 1, 1, 1});
  Tensor bias = typed<int32_t>({2}, {10, -3});
  QConvAttrs attrs;
  attrs.conv.kernelShape = {2, 2};
  attrs.conv.strides = {1, 1};
  attrs.conv.dilations = {1, 1};
  attrs.conv.pads = {0, 0, 0, 0};
  attrs.requant = requant(DType::I8, QuantParams{{1.0f}, {5}, -1, 0},
                          {kHalf, kThreeQuarters}, {31, 31}, -128, 127);
  TensorType out = qtype(DType::I8, {1, 2, 2, 2}, 1.0f, 5);
  auto r = evalOp(OpKind::QConv, attrs, {x, w, bias}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // ch0 acc = x[i][j] - x[i+1][j+1] + 10 = 6, 6, 14, 15; * 0.5 = 3, 3, 7,
  // 7.5 -> 8; + 5. ch1 acc = x[i][j] - 3 = -2, -1, 1, 2; * 0.75 = -1.5 -> -2,
  // -0.75 -> -1, 0.75 -> 1, 1.5 -> 2; + 5.
  expectInts(*r, out, {8, 8, 12, 13, 3, 4, 6, 7});
}

TEST(ReferenceQuantized, QConvPaddedRawAccumulator) {
  TensorType xt = qtype(DType::U8, {1, 1, 3, 3}, 0.1f, 2);
  Tensor x = ints(xt, {3, 4, 5, 6, 7, 8, 9, 2, 2});
  TensorType wt = qtype(DType::I8, {1, 1, 2, 2}, 0.5f, 0);
  Tensor w = ints(wt, {1, 0, 0, -1});
  QConvAttrs attrs;
  attrs.conv.kernelShape = {2, 2};
  attrs.conv.strides = {2, 2};
  attrs.conv.dilations = {1, 1};
  attrs.conv.pads = {1, 1, 1, 1};
  attrs.requant = requant(DType::I32, QuantParams(), {}, {}, 0, 0);
  TensorType out(DType::I32, {1, 1, 2, 2});
  auto r = evalOp(OpKind::QConv, attrs, {x, w}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // Windows start at (-1, -1), (-1, 1), (1, -1), (1, 1); padding adds 0:
  // -1 * 1, -1 * 3, -1 * 7, 1 * 5 + (-1) * 0.
  expectInts(*r, out, {-1, -3, -7, 5});
}

TEST(ReferenceQuantized, QConvOverflowIsAnError) {
  TensorType xt = qtype(DType::I16, {1, 1, 1, 1}, 1.0f, -32768);
  TensorType wt = qtype(DType::I16, {1, 1, 1, 1}, 1.0f, -32768);
  QConvAttrs attrs;
  attrs.conv.kernelShape = {1, 1};
  attrs.conv.strides = {1, 1};
  attrs.conv.dilations = {1, 1};
  attrs.conv.pads = {0, 0, 0, 0};
  attrs.requant = requant(DType::I32, QuantParams(), {}, {}, 0, 0);
  auto r = evalOp(OpKind::QConv, attrs, {ints(xt, {32767}), ints(wt, {32767})},
                  TensorType(DType::I32, {1, 1, 1, 1}));
  ASSERT_FALSE(bool(r));
  // 65535 * 65535 = 4294836225 does not fit int32.
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: qconv: int32 accumulator overflow: output "
            "element 0 accumulates to 4294836225");
}

TEST(ReferenceQuantized, QMatMulWithBiasAndClamp) {
  // a - 1 = [[1, 2, 0], [-1, 0, 3]].
  TensorType at = qtype(DType::I8, {2, 3}, 0.5f, 1);
  Tensor a = ints(at, {2, 3, 1, 0, 1, 4});
  // b - zb, per column: col0 [1, 2, 0], col1 (zp 2) [1, 0, 3].
  TensorType bt = axisType(DType::I8, {3, 2}, 1, {1.0f, 1.0f}, {0, 2});
  Tensor b = ints(bt, {1, 3, 2, 2, 0, 5});
  Tensor bias = typed<int32_t>({2}, {5, -4});
  TensorType out = qtype(DType::I8, {2, 2}, 1.0f, 0);
  RequantAttrs attrs =
      requant(DType::I8, *out.quant, {kHalf}, {31}, -1, 127);
  auto r = evalOp(OpKind::QMatMul, attrs, {a, b, bias}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // acc = [[5 + 5, 1 - 4], [-1 + 5, 8 - 4]] = [[10, -3], [4, 4]];
  // * 0.5 = 5, -1.5 -> -2 (clamped to -1), 2, 2.
  expectInts(*r, out, {5, -1, 2, 2});
}

TEST(ReferenceQuantized, QAddRescalesBothInputs) {
  TensorType at = qtype(DType::I8, {2}, 0.5f, 1);
  TensorType bt = qtype(DType::I8, {1}, 0.25f, 0);
  TensorType out = qtype(DType::I8, {2}, 1.0f, 0);
  // ma = 0.5 / 1 * 2^4 = 8, mb = 0.25 / 1 * 2^4 = 4.
  QAddAttrs attrs{DType::I8, *out.quant, 8, 4, 4, -128, 127};
  auto r = evalOp(OpKind::QAdd, attrs, {ints(at, {3, -1}), ints(bt, {3})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // Reals 1 + 0.75 = 1.75 -> 2 and -1 + 0.75 = -0.25 -> 0.
  expectInts(*r, out, {2, 0});
}

TEST(ReferenceQuantized, QAddTiesAndSaturation) {
  TensorType at = qtype(DType::I8, {3}, 1.0f, 1);
  TensorType bt = qtype(DType::I8, {1}, 1.0f, 0);
  TensorType out = qtype(DType::I8, {3}, 2.0f, -100, 0);
  QAddAttrs attrs{DType::I8, *out.quant, 1, 1, 1, -128, 127};
  auto r = evalOp(OpKind::QAdd, attrs, {ints(at, {3, 4, -128}), ints(bt, {3})},
                  out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // (2 + 3) / 2 = 2.5 -> 2, (3 + 3) / 2 = 3, (-129 + 3) / 2 = -63; - 100,
  // the last saturating at -128.
  expectInts(*r, out, {-98, -97, -128});
}

TEST(ReferenceQuantized, AvgPoolRoundsHalfToEven) {
  PoolAttrs attrs;
  attrs.kernelShape = {1, 2};
  attrs.strides = {1, 2};
  attrs.dilations = {1, 1};
  attrs.pads = {0, 0, 0, 0};
  TensorType in = qtype(DType::I8, {1, 1, 1, 6}, 1.0f, 0);
  TensorType out = qtype(DType::I8, {1, 1, 1, 3}, 1.0f, 0);
  auto r = evalOp(OpKind::AveragePool, attrs,
                  {ints(in, {1, 2, 3, 4, -2, -3})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectInts(*r, out, {2, 4, -2}); // 1.5, 3.5, -2.5
  // With a zero point the average is of q - z: 0.5 -> 0, 2.5 -> 2.
  TensorType inZ = qtype(DType::I8, {1, 1, 1, 4}, 1.0f, 1);
  TensorType outZ = qtype(DType::I8, {1, 1, 1, 2}, 1.0f, 1);
  auto z = evalOp(OpKind::AveragePool, attrs, {ints(inZ, {1, 2, 3, 4})}, outZ);
  ASSERT_TRUE(bool(z)) << errorText(z.takeError());
  expectInts(*z, outZ, {1, 3});
}

TEST(ReferenceQuantized, AvgPoolCountIncludePad) {
  PoolAttrs attrs;
  attrs.kernelShape = {1, 2};
  attrs.strides = {1, 2};
  attrs.dilations = {1, 1};
  attrs.pads = {0, 1, 0, 1};
  TensorType in = qtype(DType::U8, {1, 1, 1, 2}, 1.0f, 0);
  TensorType out = qtype(DType::U8, {1, 1, 1, 2}, 1.0f, 0);
  auto excl = evalOp(OpKind::AveragePool, attrs, {ints(in, {4, 6})}, out);
  ASSERT_TRUE(bool(excl)) << errorText(excl.takeError());
  expectInts(*excl, out, {4, 6});
  attrs.countIncludePad = true;
  auto incl = evalOp(OpKind::AveragePool, attrs, {ints(in, {4, 6})}, out);
  ASSERT_TRUE(bool(incl)) << errorText(incl.takeError());
  expectInts(*incl, out, {2, 3});
}

TEST(ReferenceQuantized, GlobalAvgPoolPerChannelZeroPoint) {
  TensorType in = axisType(DType::I8, {1, 2, 2, 2}, 1, {1.0f, 1.0f}, {0, 2});
  TensorType out = axisType(DType::I8, {1, 2, 1, 1}, 1, {1.0f, 1.0f}, {0, 2});
  auto r = evalOp(OpKind::GlobalAveragePool, NoAttrs{},
                  {ints(in, {1, 2, 3, 5, 2, 3, 4, 4})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // ch0: 11 / 4 = 2.75 -> 3; ch1: (0 + 1 + 2 + 2) / 4 = 1.25 -> 1, + 2.
  expectInts(*r, out, {3, 3});
}

TEST(ReferenceQuantized, ReluAndClip) {
  TensorType t = qtype(DType::I8, {4}, 0.5f, -3);
  auto relu = evalOp(OpKind::Relu, NoAttrs{}, {ints(t, {-5, -3, 0, 10})}, t);
  ASSERT_TRUE(bool(relu)) << errorText(relu.takeError());
  expectInts(*relu, t, {-3, -3, 0, 10});
  // [0, 6] -> [0 / 0.5 - 3, 6 / 0.5 - 3] = [-3, 9].
  auto clip = evalOp(OpKind::Clip, ClipAttrs{0.0f, 6.0f},
                     {ints(t, {-5, -3, 0, 10})}, t);
  ASSERT_TRUE(bool(clip)) << errorText(clip.takeError());
  expectInts(*clip, t, {-3, -3, 0, 9});
}

TEST(ReferenceQuantized, ResultParametersMustMatch) {
  TensorType t = qtype(DType::I8, {2}, 0.5f, -3);
  TensorType other = qtype(DType::I8, {2}, 0.25f, -3);
  auto r = evalOp(OpKind::Relu, NoAttrs{}, {ints(t, {1, 2})}, other);
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: relu: result type tensor<2xi8, q<0.25, -3>> "
            "does not carry the kernel's output parameters: expected "
            "tensor<2xi8, q<0.5, -3>>");
}

TEST(ReferenceQuantized, Im2Col) {
  Im2ColAttrs attrs;
  attrs.kernelShape = {2, 2};
  attrs.strides = {1, 1};
  attrs.dilations = {1, 1};
  attrs.pads = {0, 0, 0, 0};
  auto r = evalF32(OpKind::Im2Col, attrs, {iota({1, 1, 3, 3})}, {1, 4, 4});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 4, 4},
            {0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8}, 0, 0);
}

TEST(ReferenceQuantized, Im2ColPadValue) {
  Im2ColAttrs attrs;
  attrs.kernelShape = {1, 2};
  attrs.strides = {1, 1};
  attrs.dilations = {1, 1};
  attrs.pads = {0, 1, 0, 1};
  attrs.padValue = 5;
  TensorType in = qtype(DType::I8, {1, 1, 1, 2}, 1.0f, 5);
  TensorType out = qtype(DType::I8, {1, 2, 3}, 1.0f, 5);
  auto r = evalOp(OpKind::Im2Col, attrs, {ints(in, {1, 2})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectInts(*r, out, {5, 1, 2, 1, 2, 5});
}

TEST(ReferenceFusedActivation, ConvRelu) {
  ConvAttrs attrs;
  attrs.kernelShape = {1, 1};
  attrs.strides = {1, 1};
  attrs.dilations = {1, 1};
  attrs.pads = {0, 0, 0, 0};
  attrs.activation.kind = ActivationKind::Relu;
  auto r = evalF32(OpKind::Conv, attrs,
                   {f32({1, 1, 1, 3}, {-1, 0.5f, 2}), f32({1, 1, 1, 1}, {2}),
                    f32({1}, {-0.5f})},
                   {1, 1, 1, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 1, 3}, {0, 0.5, 3.5}, 0, 0);
}

TEST(ReferenceFusedActivation, GemmClip) {
  GemmAttrs attrs;
  attrs.activation = FusedActivation{ActivationKind::Clip, 0.0f, 6.0f};
  auto r = evalF32(OpKind::Gemm, attrs,
                   {f32({1, 3}, {-1, 2, 4}), f32({3, 3}, {1, 0, 0, 0, 1, 0, 0,
                                                          0, 2})},
                   {1, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 3}, {0, 2, 6}, 0, 0);
}

TEST(ReferenceQuantized, MaxPoolKeepsParameters) {
  PoolAttrs attrs;
  attrs.kernelShape = {1, 2};
  attrs.strides = {1, 2};
  attrs.dilations = {1, 1};
  attrs.pads = {0, 0, 0, 0};
  TensorType in = qtype(DType::U8, {1, 1, 1, 4}, 0.5f, 3);
  TensorType out = qtype(DType::U8, {1, 1, 1, 2}, 0.5f, 3);
  auto r = evalOp(OpKind::MaxPool, attrs, {ints(in, {1, 200, 7, 5})}, out);
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectInts(*r, out, {200, 7});
  TensorType gOut = qtype(DType::U8, {1, 1, 1, 1}, 0.5f, 3);
  auto g = evalOp(OpKind::GlobalMaxPool, NoAttrs{},
                  {ints(in, {1, 200, 7, 5})}, gOut);
  ASSERT_TRUE(bool(g)) << errorText(g.takeError());
  expectInts(*g, gOut, {200});
}

//===- tests/unit/ir/QuantShapeInferenceTest.cpp - Quantized op typing ----===//
//
// Typing rules of im2col and the quantized ops (ir/QuantShapeInference.cpp)
// and the fused-activation check of conv/gemm, with hand-derived shapes.
//
//===----------------------------------------------------------------------===//
#include "ir/ShapeInference.h"

#include <gtest/gtest.h>

using namespace rtc;

namespace {
TensorType q8(DType t, llvm::ArrayRef<int64_t> shape, float scale, int64_t zp,
              int64_t axis = -1, size_t n = 1) {
  TensorType type(t, shape);
  type.quant = QuantParams{llvm::SmallVector<float, 1>(n, scale),
                           llvm::SmallVector<int64_t, 1>(n, zp), axis, 0};
  return type;
}

std::string inferError(OpKind kind, llvm::ArrayRef<TensorType> ops,
                       const Attrs &attrs) {
  auto r = inferResultTypes(kind, ops, attrs);
  if (r)
    return "no error";
  return llvm::toString(r.takeError());
}

TensorType inferOne(OpKind kind, llvm::ArrayRef<TensorType> ops,
                    const Attrs &attrs) {
  auto r = inferResultTypes(kind, ops, attrs);
  EXPECT_TRUE(bool(r)) << llvm::toString(r.takeError());
  return r ? (*r)[0] : TensorType();
}

RequantAttrs perTensorRequant(int64_t channels) {
  RequantAttrs r;
  r.outType = DType::I8;
  r.outQuant = QuantParams{{0.5f}, {-1}, -1, 0};
  r.multipliers.assign(size_t(channels), 1 << 30);
  r.shifts.assign(size_t(channels), 31);
  r.clampMin = -128;
  r.clampMax = 127;
  return r;
}
} // namespace

TEST(QuantShapeInference, Im2Col) {
  Im2ColAttrs a;
  a.kernelShape = {3, 3};
  a.strides = {2, 2};
  a.dilations = {1, 1};
  a.pads = {1, 1, 1, 1};
  // out = floor((5 + 2 - 3) / 2) + 1 = 3 per dim: [2, 4 * 9, 9].
  TensorType x = q8(DType::I8, {2, 4, 5, 5}, 0.1f, 3);
  TensorType want = q8(DType::I8, {2, 36, 9}, 0.1f, 3);
  EXPECT_EQ(inferOne(OpKind::Im2Col, {x}, a), want);
  a.padValue = 300;
  EXPECT_EQ(inferError(OpKind::Im2Col, {x}, a),
            "pad_value 300 does not fit element type i8");
}

TEST(QuantShapeInference, QuantizeAndDequantize) {
  QuantizeAttrs a{DType::U8, QuantParams{{0.1f}, {128}, -1, 0}};
  TensorType x(DType::F32, {2, 3});
  EXPECT_EQ(inferOne(OpKind::Quantize, {x}, a),
            q8(DType::U8, {2, 3}, 0.1f, 128));
  a.params.axis = 1;
  EXPECT_EQ(inferError(OpKind::Quantize, {x}, a),
            "params: per-axis quantization on axis 1 has 1 scales, but the dim "
            "has size 3");
  EXPECT_EQ(inferOne(OpKind::Dequantize, {q8(DType::I8, {4}, 0.5f, 0)},
                     NoAttrs{}),
            TensorType(DType::F32, {4}));
  EXPECT_EQ(inferError(OpKind::Dequantize, {x}, NoAttrs{}),
            "operand #0 (x) must be a quantized integer tensor, got "
            "tensor<2x3xf32>");
}

TEST(QuantShapeInference, QConv) {
  QConvAttrs a;
  a.conv.kernelShape = {3, 3};
  a.conv.strides = {1, 1};
  a.conv.dilations = {1, 1};
  a.conv.pads = {0, 0, 0, 0};
  a.requant = perTensorRequant(4);
  TensorType x = q8(DType::U8, {1, 2, 5, 5}, 0.1f, 0);
  TensorType w = q8(DType::I8, {4, 2, 3, 3}, 0.01f, 0, 0, 4);
  TensorType b(DType::I32, {4});
  EXPECT_EQ(inferOne(OpKind::QConv, {x, w, b}, a),
            q8(DType::I8, {1, 4, 3, 3}, 0.5f, -1));
  // Raw accumulator output.
  QConvAttrs raw = a;
  raw.requant = RequantAttrs{DType::I32, QuantParams(), {}, {}, 0, 0};
  EXPECT_EQ(inferOne(OpKind::QConv, {x, w}, raw),
            TensorType(DType::I32, {1, 4, 3, 3}));
  a.requant.multipliers.pop_back();
  EXPECT_EQ(inferError(OpKind::QConv, {x, w, b}, a),
            "3 multipliers but 4 shifts");
  a.requant = perTensorRequant(1);
  EXPECT_EQ(inferError(OpKind::QConv, {x, w, TensorType(DType::F32, {4})}, a),
            "operand #2 (bias) must be tensor<4xi32>, got tensor<4xf32>");
  a.requant.clampMin = -129;
  EXPECT_EQ(inferError(OpKind::QConv, {x, w, b}, a),
            "clamp [-129, 127] must be a non-empty part of the range [-128, "
            "127] of the result");
}

TEST(QuantShapeInference, QMatMulAndQAdd) {
  TensorType a = q8(DType::I8, {2, 8}, 0.1f, 0);
  TensorType b = q8(DType::I8, {8, 3}, 0.1f, 0, 1, 3);
  EXPECT_EQ(inferOne(OpKind::QMatMul, {a, b, TensorType(DType::I32, {3})},
                     perTensorRequant(3)),
            q8(DType::I8, {2, 3}, 0.5f, -1));
  TensorType wrongAxis = q8(DType::I8, {8, 3}, 0.1f, 0, 0, 8);
  EXPECT_EQ(inferError(OpKind::QMatMul, {a, wrongAxis}, perTensorRequant(1)),
            "operand #1 (b) must be quantized per tensor or per axis 1 with 3 "
            "entries, got tensor<8x3xi8, q<axis 0: [0.1, 0.1, 0.1, 0.1, 0.1, "
            "0.1, 0.1, 0.1], [0, 0, 0, 0, 0, 0, 0, 0]>>");
  QAddAttrs add{DType::I8, QuantParams{{1.0f}, {0}, -1, 0}, 8, 4, 4, -128, 127};
  EXPECT_EQ(inferOne(OpKind::QAdd, {q8(DType::I8, {2, 3}, 0.5f, 0),
                                    q8(DType::I8, {3}, 0.25f, 0)},
                     add),
            q8(DType::I8, {2, 3}, 1.0f, 0));
}

TEST(QuantShapeInference, FusedActivation) {
  ConvAttrs c;
  c.kernelShape = {1, 1};
  c.strides = {1, 1};
  c.dilations = {1, 1};
  c.pads = {0, 0, 0, 0};
  c.activation = FusedActivation{ActivationKind::Clip, 6.0f, 0.0f};
  TensorType x(DType::F32, {1, 1, 2, 2}), w(DType::F32, {1, 1, 1, 1});
  EXPECT_EQ(inferError(OpKind::Conv, {x, w}, c),
            "fused clip activation needs act_min <= act_max, got [6, 0]");
  c.activation = FusedActivation{ActivationKind::Relu};
  EXPECT_EQ(inferOne(OpKind::Conv, {x, w}, c), x);
}

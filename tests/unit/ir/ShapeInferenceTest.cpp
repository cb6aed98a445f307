//===- tests/unit/ir/ShapeInferenceTest.cpp - Per-op typing rules ---------===//
//
// Expected shapes are hand-computed from the ONNX operator definitions (the
// conv/pool/matmul ones were cross-checked against PyTorch's output shapes).
// Error cases check that the message names the thing at fault.
//
//===----------------------------------------------------------------------===//
#include "ir/ShapeInference.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace rtc;

namespace {

using Dims = std::vector<int64_t>;

TensorType f32(Dims shape) { return TensorType(DType::F32, shape); }
TensorType i8(Dims shape) { return TensorType(DType::I8, shape); }

TensorType withQuant(TensorType t, float scale, int64_t zeroPoint) {
  t.quant = QuantParams{{scale}, {zeroPoint}, -1};
  return t;
}

TensorType withAxisQuant(TensorType t, int64_t axis) {
  QuantParams q;
  q.axis = axis;
  for (int64_t i = 0; i < t.shape[axis]; ++i) {
    q.scales.push_back(0.5f + float(i));
    q.zeroPoints.push_back(0);
  }
  t.quant = q;
  return t;
}

/// Infers a single result type; fails the test on error.
TensorType infer(OpKind kind, std::vector<TensorType> ops, Attrs attrs) {
  auto types = inferResultTypes(kind, ops, attrs);
  if (!types) {
    ADD_FAILURE() << "unexpected error: " << llvm::toString(types.takeError());
    return TensorType();
  }
  EXPECT_EQ(types->size(), 1u);
  return types->front();
}

Dims inferShape(OpKind kind, std::vector<TensorType> ops, Attrs attrs) {
  TensorType t = infer(kind, std::move(ops), std::move(attrs));
  return Dims(t.shape.begin(), t.shape.end());
}

/// \returns the error message, or "<no error>".
std::string inferError(OpKind kind, std::vector<TensorType> ops, Attrs attrs) {
  auto types = inferResultTypes(kind, ops, attrs);
  if (types)
    return "<no error>";
  return llvm::toString(types.takeError());
}

/// Succeeds if \p haystack contains \p needle.
::testing::AssertionResult contains(const std::string &haystack,
                                    const std::string &needle) {
  if (haystack.find(needle) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "message '" << haystack << "' does not contain '" << needle << "'";
}

ConvAttrs convAttrs(Dims kernel, Dims strides, Dims dilations, Dims pads,
                    int64_t group = 1) {
  ConvAttrs a;
  a.kernelShape.assign(kernel.begin(), kernel.end());
  a.strides.assign(strides.begin(), strides.end());
  a.dilations.assign(dilations.begin(), dilations.end());
  a.pads.assign(pads.begin(), pads.end());
  a.group = group;
  return a;
}

ConvAttrs conv2d(Dims kernel, int64_t stride = 1, int64_t pad = 0,
                 int64_t dilation = 1, int64_t group = 1) {
  return convAttrs(kernel, {stride, stride}, {dilation, dilation},
                   {pad, pad, pad, pad}, group);
}

PoolAttrs poolAttrs(Dims kernel, Dims strides, Dims pads, bool ceilMode) {
  PoolAttrs a;
  a.kernelShape.assign(kernel.begin(), kernel.end());
  a.strides.assign(strides.begin(), strides.end());
  a.dilations.assign(kernel.size(), 1);
  a.pads.assign(pads.begin(), pads.end());
  a.ceilMode = ceilMode;
  return a;
}

GemmAttrs gemm(bool transA, bool transB) {
  GemmAttrs a;
  a.transA = transA;
  a.transB = transB;
  return a;
}

AxesAttrs axes(Dims list) {
  AxesAttrs a;
  a.axes.assign(list.begin(), list.end());
  return a;
}

PadAttrs padAttrs(Dims pads, PadMode mode = PadMode::Constant) {
  PadAttrs a;
  a.pads.assign(pads.begin(), pads.end());
  a.mode = mode;
  return a;
}

ReshapeAttrs reshape(Dims shape) {
  ReshapeAttrs a;
  a.shape.assign(shape.begin(), shape.end());
  return a;
}

TransposeAttrs perm(Dims p) {
  TransposeAttrs a;
  a.perm.assign(p.begin(), p.end());
  return a;
}

Dims broadcast(Dims a, Dims b) {
  auto r = broadcastShapes(a, b);
  if (!r) {
    ADD_FAILURE() << llvm::toString(r.takeError());
    return {};
  }
  return Dims(r->begin(), r->end());
}

} // namespace

//===----------------------------------------------------------------------===//
// Generic checks
//===----------------------------------------------------------------------===//

TEST(ShapeInference, OperandCountChecked) {
  EXPECT_TRUE(contains(inferError(OpKind::Add, {f32({2})}, NoAttrs{}),
                       "'add' expects 2 operands, got 1"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Relu, {f32({2}), f32({2})}, NoAttrs{}),
               "'relu' expects 1 operand, got 2"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 1, 3, 3})}, ConvAttrs{}),
               "'conv' expects 2 to 3 operands, got 1"));
  EXPECT_TRUE(contains(inferError(OpKind::Concat, {}, AxisAttrs{}),
                       "'concat' expects at least 1 operands, got 0"));
  EXPECT_TRUE(contains(inferError(OpKind::BatchNorm,
                                  {f32({1, 3}), f32({3}), f32({3}), f32({3})},
                                  BatchNormAttrs{}),
                       "expects 5 operands, got 4"));
}

TEST(ShapeInference, AttrsKindChecked) {
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 1, 3, 3}), f32({1, 1, 3, 3})},
                          NoAttrs{}),
               "'conv' expects ConvAttrs attributes"));
  EXPECT_TRUE(contains(inferError(OpKind::Relu, {f32({2})}, AxisAttrs{}),
                       "'relu' expects NoAttrs attributes"));
}

TEST(ShapeInference, ConstantIsValueType) {
  Tensor value(withQuant(i8({2, 3}), 0.25f, 1));
  TensorType t = infer(OpKind::Constant, {}, ConstantAttrs{value});
  EXPECT_EQ(t, withQuant(i8({2, 3}), 0.25f, 1));
}

TEST(ShapeInference, IdentityKeepsTypeAndQuant) {
  TensorType in = withAxisQuant(i8({4, 2}), 0);
  EXPECT_EQ(infer(OpKind::Identity, {in}, NoAttrs{}), in);
}

//===----------------------------------------------------------------------===//
// Broadcasting and element-wise ops
//===----------------------------------------------------------------------===//

TEST(ShapeInference, BroadcastShapes) {
  // The numpy documentation examples.
  EXPECT_EQ(broadcast({8, 1, 6, 1}, {7, 1, 5}), (Dims{8, 7, 6, 5}));
  EXPECT_EQ(broadcast({256, 256, 3}, {3}), (Dims{256, 256, 3}));
  EXPECT_EQ(broadcast({5, 4}, {1}), (Dims{5, 4}));
  EXPECT_EQ(broadcast({15, 3, 5}, {15, 1, 5}), (Dims{15, 3, 5}));
  EXPECT_EQ(broadcast({}, {2, 2}), (Dims{2, 2}));
  EXPECT_EQ(broadcast({}, {}), Dims{});
  EXPECT_EQ(broadcast({0}, {1}), Dims{0});
  EXPECT_EQ(broadcast({1}, {0}), Dims{0});
}

TEST(ShapeInference, BroadcastShapesErrors) {
  auto r = broadcastShapes(Dims{2, 3}, Dims{4, 3});
  ASSERT_FALSE(r);
  std::string msg = llvm::toString(r.takeError());
  EXPECT_TRUE(contains(msg, "[2, 3] and [4, 3] are not broadcastable"));
  EXPECT_TRUE(contains(msg, "dim 0"));
  auto r2 = broadcastShapes(Dims{8, 4, 3}, Dims{2, 1});
  ASSERT_FALSE(r2);
  EXPECT_TRUE(contains(llvm::toString(r2.takeError()), "dim 1"));
}

TEST(ShapeInference, BinaryOpsBroadcast) {
  for (OpKind k : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div})
    EXPECT_EQ(inferShape(k, {f32({2, 1, 4}), f32({3, 1})}, NoAttrs{}),
              (Dims{2, 3, 4}));
  EXPECT_EQ(inferShape(OpKind::Add, {f32({}), f32({5})}, NoAttrs{}), (Dims{5}));
  EXPECT_EQ(infer(OpKind::Mul, {i8({3}), i8({3})}, NoAttrs{}).elemType,
            DType::I8);
}

TEST(ShapeInference, BinaryOpsErrors) {
  EXPECT_TRUE(
      contains(inferError(OpKind::Add, {f32({2, 3}), f32({3, 2})}, NoAttrs{}),
               "not broadcastable"));
  EXPECT_TRUE(contains(inferError(OpKind::Mul, {f32({3}), i8({3})}, NoAttrs{}),
                       "operand #1 has element type i8, expected f32"));
}

TEST(ShapeInference, BinaryOpsDropQuant) {
  TensorType a = withQuant(i8({4}), 0.5f, 0);
  EXPECT_FALSE(infer(OpKind::Add, {a, a}, NoAttrs{}).quant.has_value());
}

TEST(ShapeInference, UnaryOps) {
  EXPECT_EQ(infer(OpKind::Relu, {i8({2, 3})}, NoAttrs{}), i8({2, 3}));
  EXPECT_EQ(infer(OpKind::Clip, {f32({4})}, ClipAttrs{}), f32({4}));
  EXPECT_EQ(infer(OpKind::Sigmoid, {f32({1, 2})}, NoAttrs{}), f32({1, 2}));
  EXPECT_EQ(infer(OpKind::LeakyRelu, {f32({7})}, LeakyReluAttrs{}), f32({7}));
  // Relu and Clip on quantized integers clamp in the quantized domain and
  // keep the parameters; the float-only ops never see quantized types.
  EXPECT_EQ(infer(OpKind::Relu, {withQuant(i8({2}), 0.1f, 0)}, NoAttrs{}),
            withQuant(i8({2}), 0.1f, 0));
}

TEST(ShapeInference, UnaryFloatOnlyErrors) {
  EXPECT_TRUE(
      contains(inferError(OpKind::Sigmoid, {i8({2})}, NoAttrs{}),
               "operand #0 has element type i8, expected a float type"));
  EXPECT_TRUE(
      contains(inferError(OpKind::LeakyRelu, {TensorType(DType::I32, {2})},
                          LeakyReluAttrs{}),
               "element type i32, expected a float type"));
}

TEST(ShapeInference, Softmax) {
  EXPECT_EQ(inferShape(OpKind::Softmax, {f32({2, 10})}, AxisAttrs{1}),
            (Dims{2, 10}));
  EXPECT_TRUE(
      contains(inferError(OpKind::Softmax, {f32({2, 10})}, AxisAttrs{2}),
               "axis 2 is out of range for rank 2"));
  EXPECT_TRUE(contains(inferError(OpKind::Softmax, {i8({2, 10})}, AxisAttrs{1}),
                       "expected a float type"));
}

//===----------------------------------------------------------------------===//
// MatMul and Gemm
//===----------------------------------------------------------------------===//

TEST(ShapeInference, MatMul2D) {
  EXPECT_EQ(inferShape(OpKind::MatMul, {f32({2, 3}), f32({3, 4})}, NoAttrs{}),
            (Dims{2, 4}));
}

TEST(ShapeInference, MatMulVectors) {
  // [K] x [K, N] -> [N]; [M, K] x [K] -> [M]; [K] x [K] -> scalar.
  EXPECT_EQ(inferShape(OpKind::MatMul, {f32({3}), f32({3, 4})}, NoAttrs{}),
            (Dims{4}));
  EXPECT_EQ(inferShape(OpKind::MatMul, {f32({2, 3}), f32({3})}, NoAttrs{}),
            (Dims{2}));
  EXPECT_EQ(inferShape(OpKind::MatMul, {f32({3}), f32({3})}, NoAttrs{}),
            Dims{});
  // A vector against a batched matrix: [K] x [B, K, N] -> [B, N].
  EXPECT_EQ(inferShape(OpKind::MatMul, {f32({3}), f32({5, 3, 4})}, NoAttrs{}),
            (Dims{5, 4}));
}

TEST(ShapeInference, MatMulBatchedBroadcast) {
  EXPECT_EQ(inferShape(OpKind::MatMul, {f32({2, 1, 4, 3}), f32({5, 3, 6})},
                       NoAttrs{}),
            (Dims{2, 5, 4, 6}));
  EXPECT_EQ(
      inferShape(OpKind::MatMul, {f32({7, 4, 3}), f32({3, 6})}, NoAttrs{}),
      (Dims{7, 4, 6}));
}

TEST(ShapeInference, MatMulErrors) {
  std::string inner =
      inferError(OpKind::MatMul, {f32({2, 3}), f32({4, 5})}, NoAttrs{});
  EXPECT_TRUE(contains(inner, "inner dimensions differ"));
  EXPECT_TRUE(contains(inner, "3 columns"));
  EXPECT_TRUE(contains(inner, "4 rows"));
  std::string batch =
      inferError(OpKind::MatMul, {f32({2, 4, 3}), f32({3, 3, 6})}, NoAttrs{});
  EXPECT_TRUE(contains(batch, "batch dims"));
  EXPECT_TRUE(contains(batch, "not broadcastable"));
  EXPECT_TRUE(
      contains(inferError(OpKind::MatMul, {f32({}), f32({3})}, NoAttrs{}),
               "operand #0 has rank 0, expected at least 1"));
}

TEST(ShapeInference, GemmTransposes) {
  EXPECT_EQ(
      inferShape(OpKind::Gemm, {f32({2, 3}), f32({3, 4})}, gemm(false, false)),
      (Dims{2, 4}));
  EXPECT_EQ(
      inferShape(OpKind::Gemm, {f32({3, 2}), f32({3, 4})}, gemm(true, false)),
      (Dims{2, 4}));
  EXPECT_EQ(
      inferShape(OpKind::Gemm, {f32({2, 3}), f32({4, 3})}, gemm(false, true)),
      (Dims{2, 4}));
  EXPECT_EQ(
      inferShape(OpKind::Gemm, {f32({3, 2}), f32({4, 3})}, gemm(true, true)),
      (Dims{2, 4}));
}

TEST(ShapeInference, GemmBiasBroadcast) {
  TensorType a = f32({2, 3}), b = f32({3, 4});
  for (Dims c : {Dims{4}, Dims{1}, Dims{}, Dims{2, 1}, Dims{1, 4}, Dims{2, 4}})
    EXPECT_EQ(inferShape(OpKind::Gemm, {a, b, f32(c)}, GemmAttrs{}),
              (Dims{2, 4}));
  // C = [2] would need bidirectional broadcasting ([2] vs N = 4).
  EXPECT_TRUE(contains(inferError(OpKind::Gemm, {a, b, f32({2})}, GemmAttrs{}),
                       "operand #2 (C) of shape [2] cannot be broadcast to the "
                       "result shape [2, 4]"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Gemm, {a, b, f32({1, 2, 4})}, GemmAttrs{}),
               "cannot be broadcast"));
}

TEST(ShapeInference, GemmErrors) {
  EXPECT_TRUE(contains(
      inferError(OpKind::Gemm, {f32({2, 3}), f32({4, 5})}, GemmAttrs{}),
      "inner dimensions differ"));
  // Without transB, B = [4, 3] has K = 4, A has K = 3.
  EXPECT_TRUE(contains(
      inferError(OpKind::Gemm, {f32({2, 3}), f32({4, 3})}, gemm(false, false)),
      "inner dimensions differ"));
  EXPECT_TRUE(contains(
      inferError(OpKind::Gemm, {f32({1, 2, 3}), f32({3, 4})}, GemmAttrs{}),
      "operand #0 has rank 3, expected 2"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Gemm, {f32({2, 3}), f32({3})}, GemmAttrs{}),
               "operand #1 has rank 1, expected 2"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Gemm, {f32({2, 3}), i8({3, 4})}, GemmAttrs{}),
               "operand #1 has element type i8"));
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

TEST(ShapeInference, ConvSamePadding) {
  EXPECT_EQ(inferShape(OpKind::Conv, {f32({1, 3, 32, 32}), f32({16, 3, 3, 3})},
                       conv2d({3, 3}, 1, 1)),
            (Dims{1, 16, 32, 32}));
}

TEST(ShapeInference, ConvStridesPads) {
  // floor((32 + 2 - 3) / 2) + 1 = 16.
  EXPECT_EQ(inferShape(OpKind::Conv, {f32({1, 3, 32, 32}), f32({16, 3, 3, 3})},
                       conv2d({3, 3}, 2, 1)),
            (Dims{1, 16, 16, 16}));
}

TEST(ShapeInference, ConvAsymmetricPads) {
  // H: 10 + 0 + 2 - 3 + 1 = 10; W: 12 + 1 + 3 - 3 + 1 = 14.
  EXPECT_EQ(inferShape(OpKind::Conv, {f32({1, 4, 10, 12}), f32({6, 4, 3, 3})},
                       convAttrs({3, 3}, {1, 1}, {1, 1}, {0, 1, 2, 3})),
            (Dims{1, 6, 10, 14}));
}

TEST(ShapeInference, ConvDilations) {
  // Effective kernel 2 * (3 - 1) + 1 = 5: 32 - 5 + 1 = 28.
  EXPECT_EQ(inferShape(OpKind::Conv, {f32({1, 3, 32, 32}), f32({8, 3, 3, 3})},
                       conv2d({3, 3}, 1, 0, 2)),
            (Dims{1, 8, 28, 28}));
}

TEST(ShapeInference, ConvGroups) {
  EXPECT_EQ(inferShape(OpKind::Conv, {f32({2, 8, 7, 7}), f32({12, 4, 3, 3})},
                       conv2d({3, 3}, 1, 0, 1, 2)),
            (Dims{2, 12, 5, 5}));
}

TEST(ShapeInference, ConvDepthwise) {
  // floor((14 + 2 - 3) / 2) + 1 = 7.
  EXPECT_EQ(inferShape(OpKind::Conv,
                       {f32({1, 32, 14, 14}), f32({32, 1, 3, 3}), f32({32})},
                       conv2d({3, 3}, 2, 1, 1, 32)),
            (Dims{1, 32, 7, 7}));
}

TEST(ShapeInference, Conv1D) {
  // floor((10 - 3) / 2) + 1 = 4.
  EXPECT_EQ(inferShape(OpKind::Conv, {f32({1, 2, 10}), f32({4, 2, 3})},
                       convAttrs({3}, {2}, {1}, {0, 0})),
            (Dims{1, 4, 4}));
}

TEST(ShapeInference, Conv3D) {
  // D: 8 + 2 - 3 + 1 = 8; H: floor(6 / 2) + 1 = 4; W: floor(7 / 3) + 1 = 3.
  EXPECT_EQ(inferShape(
                OpKind::Conv, {f32({1, 1, 8, 9, 10}), f32({2, 1, 3, 3, 3})},
                convAttrs({3, 3, 3}, {1, 2, 3}, {1, 1, 1}, {1, 0, 0, 1, 0, 0})),
            (Dims{1, 2, 8, 4, 3}));
}

TEST(ShapeInference, ConvWithBiasDropsQuant) {
  TensorType t = infer(
      OpKind::Conv,
      {withQuant(f32({1, 3, 5, 5}), 0.5f, 0), f32({4, 3, 1, 1}), f32({4})},
      conv2d({1, 1}));
  EXPECT_EQ(t, f32({1, 4, 5, 5}));
}

TEST(ShapeInference, ConvGroupErrors) {
  EXPECT_TRUE(contains(inferError(OpKind::Conv,
                                  {f32({1, 64, 8, 8}), f32({12, 21, 3, 3})},
                                  conv2d({3, 3}, 1, 1, 1, 3)),
                       "group 3 does not divide 64 input channels"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 4, 8, 8}), f32({6, 1, 3, 3})},
                          conv2d({3, 3}, 1, 1, 1, 4)),
               "group 4 does not divide 6 output channels"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 4, 8, 8}), f32({8, 3, 3, 3})},
                          conv2d({3, 3})),
               "weight has 3 input channels per group (dim 1), expected 4"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 4, 8, 8}), f32({8, 4, 3, 3})},
                          conv2d({3, 3}, 1, 0, 1, 0)),
               "group 0 must be >= 1"));
}

TEST(ShapeInference, ConvRankErrors) {
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 3, 8, 8}), f32({8, 3})},
                          conv2d({3, 3})),
               "operand #1 has rank 2, expected 4"));
  EXPECT_TRUE(contains(
      inferError(OpKind::Conv, {f32({3, 8}), f32({8, 3})}, conv2d({3, 3})),
      "operand #0 has rank 2, expected at least 3"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv,
                          {f32({1, 3, 8, 8}), f32({8, 3, 3, 3}), f32({1, 8})},
                          conv2d({3, 3})),
               "operand #2 has rank 2, expected 1"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv,
                          {f32({1, 3, 8, 8}), f32({16, 3, 3, 3}), f32({8})},
                          conv2d({3, 3})),
               "bias has 8 entries, expected 16"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 3, 8, 8}), i8({16, 3, 3, 3})},
                          conv2d({3, 3})),
               "operand #1 has element type i8, expected f32"));
}

TEST(ShapeInference, ConvAttrErrors) {
  TensorType x = f32({1, 3, 8, 8}), w = f32({16, 3, 5, 5});
  EXPECT_TRUE(contains(inferError(OpKind::Conv, {x, w}, conv2d({3, 3})),
                       "kernel_shape [3, 3] does not match weight spatial dims "
                       "[5, 5]"));
  w = f32({16, 3, 3, 3});
  EXPECT_TRUE(contains(inferError(OpKind::Conv, {x, w},
                                  convAttrs({3}, {1, 1}, {1, 1}, {0, 0, 0, 0})),
                       "kernel_shape [3] has 1 entries, expected 2"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {x, w},
                          convAttrs({3, 3}, {0, 1}, {1, 1}, {0, 0, 0, 0})),
               "strides [0, 1] has entry 0, expected every entry >= 1"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {x, w},
                          convAttrs({3, 3}, {1, 1, 1}, {1, 1}, {0, 0, 0, 0})),
               "strides [1, 1, 1] has 3 entries, expected 2"));
  EXPECT_TRUE(contains(inferError(OpKind::Conv, {x, w},
                                  convAttrs({3, 3}, {1, 1}, {1}, {0, 0, 0, 0})),
                       "dilations [1] has 1 entries, expected 2"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {x, w},
                          convAttrs({3, 3}, {1, 1}, {1, 0}, {0, 0, 0, 0})),
               "dilations [1, 0] has entry 0"));
  EXPECT_TRUE(contains(inferError(OpKind::Conv, {x, w},
                                  convAttrs({3, 3}, {1, 1}, {1, 1}, {1, 1})),
                       "pads [1, 1] has 2 entries, expected 4"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {x, w},
                          convAttrs({3, 3}, {1, 1}, {1, 1}, {0, -1, 0, 0})),
               "pads [0, -1, 0, 0] has entry -1, expected every entry >= 0"));
}

TEST(ShapeInference, ConvOutputTooSmall) {
  // H: 2 - 5 + 1 = -2 (dim 2); W is fine.
  std::string msg = inferError(
      OpKind::Conv, {f32({1, 1, 2, 8}), f32({1, 1, 5, 1})}, conv2d({5, 1}));
  EXPECT_TRUE(contains(msg, "output spatial dim #0 (dim 2) would be -2"));
  EXPECT_TRUE(contains(msg, "input 2, kernel 5"));
  // W: 3 - 2 * (3 - 1) - 1 = -2 -> floor(-2 / 1) + 1 = -1 with dilation 2.
  EXPECT_TRUE(
      contains(inferError(OpKind::Conv, {f32({1, 1, 8, 3}), f32({1, 1, 3, 3})},
                          conv2d({3, 3}, 1, 0, 2)),
               "output spatial dim #1 (dim 3) would be -1"));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST(ShapeInference, WindowOutputSize) {
  // (in, kernel, stride, dilation, padBegin, padEnd, ceil)
  EXPECT_EQ(computeWindowOutputSize(5, 2, 2, 1, 0, 0, false), 2);
  EXPECT_EQ(computeWindowOutputSize(5, 2, 2, 1, 0, 0, true), 3);
  EXPECT_EQ(computeWindowOutputSize(6, 2, 2, 1, 0, 0, true), 3);
  EXPECT_EQ(computeWindowOutputSize(6, 3, 2, 1, 0, 0, false), 2);
  EXPECT_EQ(computeWindowOutputSize(6, 3, 2, 1, 0, 0, true), 3);
  EXPECT_EQ(computeWindowOutputSize(7, 3, 2, 1, 1, 1, false), 4);
  EXPECT_EQ(computeWindowOutputSize(32, 3, 1, 2, 0, 0, false), 28);
  // in 5, k 2, s 2, pads 1+1: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th
  // window would start at 6 >= 5 + 1 (in the end padding): dropped -> 3.
  EXPECT_EQ(computeWindowOutputSize(5, 2, 2, 1, 1, 1, true), 3);
  // in 4, k 2, s 2, pad end 1: 3rd window would start at 4 >= 4: dropped.
  EXPECT_EQ(computeWindowOutputSize(4, 2, 2, 1, 0, 1, true), 2);
  // Too-large windows give non-positive sizes (floor division).
  EXPECT_EQ(computeWindowOutputSize(2, 5, 1, 1, 0, 0, false), -2);
  EXPECT_EQ(computeWindowOutputSize(2, 5, 2, 1, 0, 0, false), -1);
  EXPECT_EQ(computeWindowOutputSize(2, 3, 2, 1, 0, 0, false), 0);
}

TEST(ShapeInference, MaxPoolFloorAndCeil) {
  TensorType x = f32({1, 3, 5, 5});
  EXPECT_EQ(inferShape(OpKind::MaxPool, {x},
                       poolAttrs({2, 2}, {2, 2}, {0, 0, 0, 0}, false)),
            (Dims{1, 3, 2, 2}));
  EXPECT_EQ(inferShape(OpKind::MaxPool, {x},
                       poolAttrs({2, 2}, {2, 2}, {0, 0, 0, 0}, true)),
            (Dims{1, 3, 3, 3}));
}

TEST(ShapeInference, PoolCeilDropsWindowStartingInPadding) {
  // See WindowOutputSize: 4 without the rule, 3 with it (PyTorch gives 3).
  EXPECT_EQ(inferShape(OpKind::MaxPool, {f32({1, 1, 5})},
                       poolAttrs({2}, {2}, {1, 1}, true)),
            (Dims{1, 1, 3}));
}

TEST(ShapeInference, AveragePool) {
  // floor((7 + 2 - 3) / 2) + 1 = 4.
  EXPECT_EQ(inferShape(OpKind::AveragePool, {f32({1, 2, 7, 7})},
                       poolAttrs({3, 3}, {2, 2}, {1, 1, 1, 1}, false)),
            (Dims{1, 2, 4, 4}));
  // 1-D, ceil: ceil((6 - 3) / 2) + 1 = 3.
  EXPECT_EQ(inferShape(OpKind::AveragePool, {f32({2, 4, 6})},
                       poolAttrs({3}, {2}, {0, 0}, true)),
            (Dims{2, 4, 3}));
}

TEST(ShapeInference, PoolErrors) {
  EXPECT_TRUE(contains(inferError(OpKind::MaxPool, {f32({3, 8})},
                                  poolAttrs({2}, {2}, {0, 0}, false)),
                       "operand #0 has rank 2, expected at least 3"));
  EXPECT_TRUE(contains(inferError(OpKind::MaxPool, {f32({1, 3, 8, 8})},
                                  poolAttrs({2}, {2}, {0, 0}, false)),
                       "kernel_shape [2] has 1 entries, expected 2"));
  EXPECT_TRUE(
      contains(inferError(OpKind::AveragePool, {f32({1, 1, 2, 2})},
                          poolAttrs({3, 3}, {1, 1}, {0, 0, 0, 0}, false)),
               "output spatial dim #0 (dim 2) would be 0"));
  EXPECT_TRUE(
      contains(inferError(OpKind::AveragePool, {f32({1, 1, 8, 8})},
                          poolAttrs({3, 3}, {1, 1}, {0, 0, 0, -1}, false)),
               "pads [0, 0, 0, -1] has entry -1"));
}

TEST(ShapeInference, PoolQuantPropagation) {
  PoolAttrs a = poolAttrs({2, 2}, {2, 2}, {0, 0, 0, 0}, false);
  TensorType perTensor = withQuant(i8({1, 2, 4, 4}), 0.5f, -3);
  TensorType t = infer(OpKind::MaxPool, {perTensor}, a);
  EXPECT_EQ(t, withQuant(i8({1, 2, 2, 2}), 0.5f, -3));
  // Per-channel survives max pooling, a spatial axis does not.
  TensorType perChannel = withAxisQuant(i8({1, 2, 4, 4}), 1);
  EXPECT_EQ(infer(OpKind::MaxPool, {perChannel}, a).quant, perChannel.quant);
  EXPECT_FALSE(infer(OpKind::MaxPool, {withAxisQuant(i8({1, 2, 4, 4}), 2)}, a)
                   .quant.has_value());
  // Integer average pooling keeps the parameters (the golden model averages
  // quantized values); float average pooling drops them.
  EXPECT_EQ(infer(OpKind::AveragePool, {perTensor}, a),
            withQuant(i8({1, 2, 2, 2}), 0.5f, -3));
  TensorType floatQuant = f32({1, 2, 4, 4});
  floatQuant.quant = perTensor.quant;
  EXPECT_FALSE(infer(OpKind::AveragePool, {floatQuant}, a).quant.has_value());
}

TEST(ShapeInference, GlobalPools) {
  EXPECT_EQ(
      inferShape(OpKind::GlobalAveragePool, {f32({2, 3, 7, 5})}, NoAttrs{}),
      (Dims{2, 3, 1, 1}));
  EXPECT_EQ(
      inferShape(OpKind::GlobalMaxPool, {f32({1, 4, 2, 3, 4})}, NoAttrs{}),
      (Dims{1, 4, 1, 1, 1}));
  EXPECT_EQ(inferShape(OpKind::GlobalMaxPool, {f32({1, 4, 9})}, NoAttrs{}),
            (Dims{1, 4, 1}));
  EXPECT_TRUE(
      contains(inferError(OpKind::GlobalAveragePool, {f32({2, 3})}, NoAttrs{}),
               "operand #0 has rank 2, expected at least 3"));
}

//===----------------------------------------------------------------------===//
// BatchNorm
//===----------------------------------------------------------------------===//

TEST(ShapeInference, BatchNorm) {
  TensorType c = f32({3});
  EXPECT_EQ(inferShape(OpKind::BatchNorm, {f32({1, 3, 4, 4}), c, c, c, c},
                       BatchNormAttrs{}),
            (Dims{1, 3, 4, 4}));
  EXPECT_EQ(inferShape(OpKind::BatchNorm, {f32({2, 3}), c, c, c, c},
                       BatchNormAttrs{}),
            (Dims{2, 3}));
}

TEST(ShapeInference, BatchNormErrors) {
  TensorType c = f32({3}), x = f32({1, 3, 4, 4});
  EXPECT_TRUE(contains(
      inferError(OpKind::BatchNorm, {x, f32({4}), c, c, c}, BatchNormAttrs{}),
      "operand #1 (scale) has 4 entries, expected 3"));
  EXPECT_TRUE(contains(inferError(OpKind::BatchNorm, {x, c, c, c, f32({1, 3})},
                                  BatchNormAttrs{}),
                       "operand #4 has rank 2, expected 1"));
  EXPECT_TRUE(contains(
      inferError(OpKind::BatchNorm, {f32({3}), c, c, c, c}, BatchNormAttrs{}),
      "operand #0 has rank 1, expected at least 2"));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

TEST(ShapeInference, Concat) {
  EXPECT_EQ(inferShape(OpKind::Concat,
                       {f32({1, 2, 3}), f32({1, 5, 3}), f32({1, 1, 3})},
                       AxisAttrs{1}),
            (Dims{1, 8, 3}));
  EXPECT_EQ(inferShape(OpKind::Concat, {f32({4, 2})}, AxisAttrs{0}),
            (Dims{4, 2}));
}

TEST(ShapeInference, ConcatErrors) {
  EXPECT_TRUE(
      contains(inferError(OpKind::Concat, {f32({1, 2, 3}), f32({2, 5, 3})},
                          AxisAttrs{1}),
               "operand #1 has dim 0 = 2, expected 1"));
  EXPECT_TRUE(contains(
      inferError(OpKind::Concat, {f32({1, 2, 3}), f32({1, 2})}, AxisAttrs{1}),
      "operand #1 has rank 2, expected 3"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Concat, {f32({1, 2, 3}), f32({1, 2, 3})},
                          AxisAttrs{3}),
               "axis 3 is out of range for rank 3"));
  EXPECT_TRUE(contains(
      inferError(OpKind::Concat, {f32({1, 2}), i8({1, 2})}, AxisAttrs{0}),
      "operand #1 has element type i8, expected f32"));
}

TEST(ShapeInference, ConcatQuant) {
  TensorType a = withQuant(i8({1, 2}), 0.5f, 1);
  EXPECT_EQ(infer(OpKind::Concat, {a, a}, AxisAttrs{1}),
            withQuant(i8({1, 4}), 0.5f, 1));
  TensorType b = withQuant(i8({1, 2}), 0.25f, 1);
  EXPECT_FALSE(infer(OpKind::Concat, {a, b}, AxisAttrs{1}).quant.has_value());
  EXPECT_FALSE(
      infer(OpKind::Concat, {a, i8({1, 2})}, AxisAttrs{1}).quant.has_value());
  // Per-axis on the concatenation axis cannot be kept as is.
  TensorType c = withAxisQuant(i8({2, 2}), 0);
  EXPECT_FALSE(infer(OpKind::Concat, {c, c}, AxisAttrs{0}).quant.has_value());
  EXPECT_EQ(infer(OpKind::Concat, {c, c}, AxisAttrs{1}).quant, c.quant);
}

TEST(ShapeInference, Flatten) {
  TensorType x = f32({2, 3, 4, 5});
  EXPECT_EQ(inferShape(OpKind::Flatten, {x}, AxisAttrs{0}), (Dims{1, 120}));
  EXPECT_EQ(inferShape(OpKind::Flatten, {x}, AxisAttrs{1}), (Dims{2, 60}));
  EXPECT_EQ(inferShape(OpKind::Flatten, {x}, AxisAttrs{2}), (Dims{6, 20}));
  EXPECT_EQ(inferShape(OpKind::Flatten, {x}, AxisAttrs{4}), (Dims{120, 1}));
  EXPECT_TRUE(contains(inferError(OpKind::Flatten, {x}, AxisAttrs{5}),
                       "axis 5 is out of range for rank 4"));
}

TEST(ShapeInference, FlattenQuant) {
  TensorType x = withAxisQuant(i8({2, 3, 4}), 0);
  EXPECT_EQ(infer(OpKind::Flatten, {x}, AxisAttrs{1}).quant, x.quant);
  EXPECT_FALSE(
      infer(OpKind::Flatten, {withAxisQuant(i8({2, 3, 4}), 1)}, AxisAttrs{1})
          .quant.has_value());
  EXPECT_EQ(
      infer(OpKind::Flatten, {withQuant(i8({2, 3}), 0.5f, 0)}, AxisAttrs{0}),
      withQuant(i8({1, 6}), 0.5f, 0));
}

TEST(ShapeInference, Reshape) {
  EXPECT_EQ(inferShape(OpKind::Reshape, {f32({2, 3, 4})}, reshape({6, 4})),
            (Dims{6, 4}));
  EXPECT_EQ(inferShape(OpKind::Reshape, {f32({1})}, reshape({})), Dims{});
  EXPECT_EQ(inferShape(OpKind::Reshape, {f32({0, 3})}, reshape({3, 0})),
            (Dims{3, 0}));
}

TEST(ShapeInference, ReshapeErrors) {
  EXPECT_TRUE(
      contains(inferError(OpKind::Reshape, {f32({2, 3, 4})}, reshape({6, -1})),
               "reshape shape [6, -1] has negative entry -1"));
  std::string count =
      inferError(OpKind::Reshape, {f32({2, 3, 4})}, reshape({5, 5}));
  EXPECT_TRUE(contains(count, "reshape shape [5, 5] has 25 elements"));
  EXPECT_TRUE(contains(count, "input [2, 3, 4] has 24"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Reshape, {f32({2, 3, 4})}, reshape({0, 24})),
               "has 0 elements"));
}

TEST(ShapeInference, ReshapeQuant) {
  EXPECT_EQ(
      infer(OpKind::Reshape, {withQuant(i8({2, 3}), 0.5f, 2)}, reshape({3, 2})),
      withQuant(i8({3, 2}), 0.5f, 2));
  // Axis 0 keeps its dim and index; axis 1 is merged away.
  TensorType a0 = withAxisQuant(i8({2, 3, 4}), 0);
  EXPECT_EQ(infer(OpKind::Reshape, {a0}, reshape({2, 12})).quant, a0.quant);
  EXPECT_FALSE(infer(OpKind::Reshape, {a0}, reshape({6, 4})).quant);
  TensorType a1 = withAxisQuant(i8({2, 3, 4}), 1);
  EXPECT_FALSE(infer(OpKind::Reshape, {a1}, reshape({2, 12})).quant);
  EXPECT_EQ(infer(OpKind::Reshape, {a1}, reshape({2, 3, 2, 2})).quant,
            a1.quant);
}

TEST(ShapeInference, Transpose) {
  EXPECT_EQ(inferShape(OpKind::Transpose, {f32({2, 3, 4})}, perm({2, 0, 1})),
            (Dims{4, 2, 3}));
  EXPECT_EQ(inferShape(OpKind::Transpose, {f32({})}, perm({})), Dims{});
  EXPECT_TRUE(
      contains(inferError(OpKind::Transpose, {f32({2, 3, 4})}, perm({0, 0, 1})),
               "perm [0, 0, 1] is not a permutation of [0, 3)"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Transpose, {f32({2, 3, 4})}, perm({1, 0})),
               "perm [1, 0] is not a permutation of [0, 3)"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Transpose, {f32({2, 3})}, perm({0, 2})),
               "is not a permutation"));
}

TEST(ShapeInference, TransposeQuantPerTensorOnly) {
  EXPECT_EQ(
      infer(OpKind::Transpose, {withQuant(i8({2, 3}), 0.5f, 0)}, perm({1, 0})),
      withQuant(i8({3, 2}), 0.5f, 0));
  EXPECT_FALSE(
      infer(OpKind::Transpose, {withAxisQuant(i8({2, 3}), 0)}, perm({1, 0}))
          .quant.has_value());
}

TEST(ShapeInference, Squeeze) {
  EXPECT_EQ(inferShape(OpKind::Squeeze, {f32({1, 3, 1, 5})}, axes({0, 2})),
            (Dims{3, 5}));
  EXPECT_EQ(inferShape(OpKind::Squeeze, {f32({1})}, axes({0})), Dims{});
  EXPECT_TRUE(
      contains(inferError(OpKind::Squeeze, {f32({1, 3, 1, 5})}, axes({1})),
               "cannot squeeze dim 1 of size 3"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Squeeze, {f32({1, 3, 1, 5})}, axes({2, 0})),
               "must be sorted and unique"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Squeeze, {f32({1, 3, 1, 5})}, axes({0, 0})),
               "must be sorted and unique"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Squeeze, {f32({1, 3, 1, 5})}, axes({4})),
               "axis 4 is out of range for input rank 4"));
}

TEST(ShapeInference, SqueezeQuant) {
  TensorType x = withAxisQuant(i8({1, 3, 1, 5}), 3);
  TensorType t = infer(OpKind::Squeeze, {x}, axes({0, 2}));
  ASSERT_TRUE(t.quant.has_value());
  EXPECT_EQ(t.quant->axis, 1);
  EXPECT_EQ(t.quant->scales, x.quant->scales);
  // Squeezing the quantized axis itself drops the parameters.
  TensorType y = withAxisQuant(i8({1, 3}), 0);
  EXPECT_FALSE(infer(OpKind::Squeeze, {y}, axes({0})).quant.has_value());
}

TEST(ShapeInference, Unsqueeze) {
  EXPECT_EQ(inferShape(OpKind::Unsqueeze, {f32({3, 5})}, axes({0, 3})),
            (Dims{1, 3, 5, 1}));
  EXPECT_EQ(inferShape(OpKind::Unsqueeze, {f32({3, 5})}, axes({1, 2})),
            (Dims{3, 1, 1, 5}));
  EXPECT_EQ(inferShape(OpKind::Unsqueeze, {f32({})}, axes({0})), (Dims{1}));
  EXPECT_TRUE(contains(inferError(OpKind::Unsqueeze, {f32({3, 5})}, axes({3})),
                       "axis 3 is out of range for output rank 3"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Unsqueeze, {f32({3, 5})}, axes({1, 1})),
               "must be sorted and unique"));
}

TEST(ShapeInference, UnsqueezeQuant) {
  TensorType x = withAxisQuant(i8({3, 5}), 1);
  // Output [1, 3, 1, 5]: input axis 1 becomes output axis 3.
  TensorType t = infer(OpKind::Unsqueeze, {x}, axes({0, 2}));
  ASSERT_TRUE(t.quant.has_value());
  EXPECT_EQ(t.quant->axis, 3);
  EXPECT_EQ(infer(OpKind::Unsqueeze, {x}, axes({2})).quant->axis, 1);
  EXPECT_EQ(infer(OpKind::Unsqueeze, {withQuant(i8({3}), 0.5f, 0)}, axes({0})),
            withQuant(i8({1, 3}), 0.5f, 0));
}

TEST(ShapeInference, Pad) {
  EXPECT_EQ(inferShape(OpKind::Pad, {f32({1, 3, 4, 4})},
                       padAttrs({0, 0, 1, 2, 0, 0, 3, 4})),
            (Dims{1, 3, 8, 10}));
  // Negative pads crop.
  EXPECT_EQ(inferShape(OpKind::Pad, {f32({1, 3, 4, 4})},
                       padAttrs({0, 0, -1, 0, 0, 0, -1, 2})),
            (Dims{1, 3, 2, 6}));
  EXPECT_EQ(inferShape(OpKind::Pad, {f32({4, 5})},
                       padAttrs({3, 0, 3, 4}, PadMode::Reflect)),
            (Dims{10, 9}));
  EXPECT_EQ(inferShape(OpKind::Pad, {f32({1, 2})},
                       padAttrs({2, 0, 2, 0}, PadMode::Edge)),
            (Dims{5, 2}));
  // An empty dim may be edge-padded along the other axes.
  EXPECT_EQ(inferShape(OpKind::Pad, {f32({0, 2})},
                       padAttrs({0, 1, 0, 1}, PadMode::Edge)),
            (Dims{0, 4}));
  EXPECT_FALSE(
      infer(OpKind::Pad, {withQuant(i8({2}), 0.5f, 0)}, padAttrs({1, 1}))
          .quant.has_value());
}

TEST(ShapeInference, PadErrors) {
  EXPECT_TRUE(contains(
      inferError(OpKind::Pad, {f32({1, 3, 4, 4})}, padAttrs({1, 1, 1, 1})),
      "pads [1, 1, 1, 1] has 4 entries, expected 8"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Pad, {f32({2, 3})}, padAttrs({0, -2, 0, -2})),
               "would give dim 1 size -1"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Pad, {f32({4, 5})},
                          padAttrs({4, 0, 0, 0}, PadMode::Reflect)),
               "reflect pad 4 of dim 0 must be smaller than its size 4"));
  EXPECT_TRUE(
      contains(inferError(OpKind::Pad, {f32({4, 5})},
                          padAttrs({0, 0, 0, 7}, PadMode::Reflect)),
               "reflect pad 7 of dim 1 must be smaller than its size 5"));
  EXPECT_TRUE(contains(inferError(OpKind::Pad, {f32({0, 2})},
                                  padAttrs({1, 0, 0, 0}, PadMode::Edge)),
                       "edge pad of dim 0 needs a non-empty dim"));
}

TEST(ShapeInference, EveryOpHasARule) {
  // Default attributes with a plausible operand list must never hit an
  // unhandled case (errors are fine; crashes are not).
  for (unsigned i = 0; i < getNumOpKinds(); ++i) {
    auto kind = static_cast<OpKind>(i);
    const OpInfo &info = getOpInfo(kind);
    std::vector<TensorType> ops(size_t(info.minOperands), f32({1, 1, 1, 1}));
    auto r = inferResultTypes(kind, ops, getDefaultAttrs(kind));
    if (!r)
      llvm::consumeError(r.takeError());
  }
}

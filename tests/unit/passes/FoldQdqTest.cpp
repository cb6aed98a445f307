//===- tests/unit/passes/FoldQdqTest.cpp - The fold-qdq pass --------------===//
//
// Differential check: a small QDQ conv graph is interpreted before and after
// fold-qdq on seeded random inputs. Before, the conv runs in float on
// dequantized values and its result is quantized (round half to even);
// after, qconv accumulates exactly in int32 and requantizes with a
// fixed-point multiplier. The two can differ only where the float result
// lies within float rounding error of a rounding tie, so after the final
// dequantize every output must agree within one quantization step of y
// (sy = 0.1; plus 1e-6 for float noise), and almost all must be equal.
//
//===----------------------------------------------------------------------===//
#include "passes/FoldQdq.h"

#include "ir/Builder.h"
#include "ir/Verifier.h"
#include "ir/reference/Interpreter.h"
#include "tests/unit/passes/TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace rtc;
using namespace rtc::test;

namespace {

QuantParams perTensor(float scale, int64_t zp) {
  QuantParams q;
  q.scales = {scale};
  q.zeroPoints = {zp};
  return q;
}

constexpr float outScale = 0.1f;

/// x f32 [1,2,5,5] -> quantize u8 (0.05, 120) -> dequantize -> conv 3x3
/// pad 1 with per-channel int8 weights and an f32 bias -> quantize i8
/// (0.1, -5) -> dequantize -> y.
Graph makeQdqConv() {
  Graph g("qdq");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 2, 5, 5}), "x");
  ValueId xq = build(g, OpKind::Quantize, {x},
                     QuantizeAttrs{DType::U8, perTensor(0.05f, 120)}, "xq");
  ValueId xf = build(g, OpKind::Dequantize, {xq}, NoAttrs{}, "xf");

  std::vector<int8_t> w(3 * 2 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = int8_t(int(i * 37 % 255) - 127);
  Tensor wt = Tensor::fromValues<int8_t>({3, 2, 3, 3}, w);
  TensorType wtype = wt.getType();
  wtype.quant = QuantParams{{0.01f, 0.02f, 0.005f}, {0, 0, 0}, 0, 0};
  wt.setType(wtype);
  ValueId wq = g.addConstant(wt, "w");
  ValueId wf = build(g, OpKind::Dequantize, {wq}, NoAttrs{}, "wf");
  ValueId b =
      g.addConstant(Tensor::fromValues<float>({3}, {0.3f, -0.7f, 0.05f}), "b");

  ConvAttrs conv;
  conv.kernelShape = {3, 3};
  conv.strides = {1, 1};
  conv.dilations = {1, 1};
  conv.pads = {1, 1, 1, 1};
  ValueId c = build(g, OpKind::Conv, {xf, wf, b}, conv, "c");
  ValueId cq = build(g, OpKind::Quantize, {c},
                     QuantizeAttrs{DType::I8, perTensor(outScale, -5)}, "cq");
  ValueId y = build(g, OpKind::Dequantize, {cq}, NoAttrs{}, "y");
  g.addOutput(y);
  return g;
}

TEST(FoldQdq, FoldsConvPatternIntoQConv) {
  Graph g = makeQdqConv();
  ASSERT_FALSE(bool(verify(g)));
  EXPECT_EQ(foldQdqPatterns(g), 1u);
  EXPECT_FALSE(bool(verify(g)));
  unsigned qconvs = 0, convs = 0, dequantizes = 0;
  for (NodeId id : g.getNodeIds()) {
    OpKind k = g.getNode(id).kind;
    qconvs += k == OpKind::QConv;
    convs += k == OpKind::Conv;
    dequantizes += k == OpKind::Dequantize;
  }
  EXPECT_EQ(qconvs, 1u);
  EXPECT_EQ(convs, 0u);
  EXPECT_EQ(dequantizes, 1u); // only the final one
  // Running it again finds nothing.
  EXPECT_EQ(foldQdqPatterns(g), 0u);
}

TEST(FoldQdq, MatchesFloatQdqSemanticsOnRandomInputs) {
  Graph before = makeQdqConv();
  Graph after = before;
  ASSERT_EQ(foldQdqPatterns(after), 1u);

  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  int64_t total = 0, equal = 0;
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> data(50);
    for (float &v : data)
      v = dist(rng);
    Tensor in = Tensor::fromValues<float>({1, 2, 5, 5}, data);
    auto ref = interpret(before, {in});
    ASSERT_TRUE(bool(ref)) << llvm::toString(ref.takeError());
    auto got = interpret(after, {in});
    ASSERT_TRUE(bool(got)) << llvm::toString(got.takeError());
    const Tensor &r = (*ref)[0], &o = (*got)[0];
    ASSERT_EQ(r.getType(), o.getType());
    for (int64_t i = 0; i < r.getNumElements(); ++i) {
      double d = std::fabs(r.getAsDouble(i) - o.getAsDouble(i));
      EXPECT_LE(d, outScale + 1e-6) << "trial " << trial << " index " << i;
      ++total;
      equal += d == 0;
    }
  }
  // Off-by-one only at near-ties: at least 99% identical.
  EXPECT_GE(double(equal), 0.99 * double(total)) << equal << " / " << total;
}

TEST(FoldQdq, LeavesFloatWeightsAlone) {
  Graph g("noop");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 2}), "x");
  ValueId xq = build(g, OpKind::Quantize, {x},
                     QuantizeAttrs{DType::I8, perTensor(0.5f, 0)});
  ValueId xf = build(g, OpKind::Dequantize, {xq});
  ValueId w = g.addConstant(
      Tensor::fromValues<float>({2, 2}, {1.0f, 2.0f, 3.0f, 4.0f}), "w");
  ValueId y = build(g, OpKind::MatMul, {xf, w});
  ValueId yq = build(g, OpKind::Quantize, {y},
                     QuantizeAttrs{DType::I8, perTensor(0.5f, 0)});
  g.addOutput(yq);
  Graph before = g;
  EXPECT_EQ(foldQdqPatterns(g), 0u);
  EXPECT_EQ(g, before);
}

} // namespace

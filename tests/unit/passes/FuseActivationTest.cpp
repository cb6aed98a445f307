//===- tests/unit/passes/FuseActivationTest.cpp - fuse-activation ---------===//
#include "passes/FuseActivation.h"

#include "TestUtils.h"

using namespace rtc;
using namespace rtc::test;

namespace {

ConvAttrs conv3x3(int64_t group = 1) {
  ConvAttrs a;
  a.kernelShape = {3, 3};
  a.strides = {1, 1};
  a.dilations = {1, 1};
  a.pads = {1, 1, 1, 1};
  a.group = group;
  return a;
}

/// x -> conv (with bias) -> \p act.
Graph makeConvAct(OpKind act, Attrs actAttrs, unsigned seed) {
  Graph g("conv_act");
  ValueId x = g.addInput(f32Type({1, 2, 5, 5}), "x");
  ValueId w = randomConstant(g, {3, 2, 3, 3}, seed, "w");
  ValueId b = randomConstant(g, {3}, seed + 1, "b");
  ValueId z = build(g, OpKind::Conv, {x, w, b}, conv3x3(), "z");
  g.addOutput(build(g, act, {z}, std::move(actAttrs), "y"));
  return g;
}

TEST(FuseActivation, ConvRelu) {
  Graph g = makeConvAct(OpKind::Relu, NoAttrs{}, 1);
  Graph before = g;
  EXPECT_EQ(runPass(*createFuseActivationPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::Relu), 0u);
  const Node *conv = findNode(g, OpKind::Conv);
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->getAttrs<ConvAttrs>().activation.kind, ActivationKind::Relu);
  // The fused value is what the relu computed: it takes its name.
  EXPECT_EQ(g.getValue(conv->results[0]).name, "y");
  EXPECT_EQ(g.getOutputs()[0], conv->results[0]);
  expectSameResults(before, g, 2);
}

TEST(FuseActivation, ConvClipKeepsBounds) {
  Graph g = makeConvAct(OpKind::Clip, ClipAttrs{-0.25f, 0.5f}, 3);
  Graph before = g;
  EXPECT_EQ(runPass(*createFuseActivationPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::Clip), 0u);
  const FusedActivation &act =
      findNode(g, OpKind::Conv)->getAttrs<ConvAttrs>().activation;
  EXPECT_EQ(act.kind, ActivationKind::Clip);
  EXPECT_EQ(act.min, -0.25f);
  EXPECT_EQ(act.max, 0.5f);
  expectSameResults(before, g, 4);
}

TEST(FuseActivation, MatMulAddReluBecomesOneGemm) {
  Graph g("mlp");
  ValueId x = g.addInput(f32Type({2, 5}), "x");
  ValueId w = randomConstant(g, {5, 3}, 5, "w");
  ValueId mm = build(g, OpKind::MatMul, {x, w});
  ValueId b = randomConstant(g, {1, 3}, 6, "b");
  ValueId sum = build(g, OpKind::Add, {b, mm}); // bias first: either order
  g.addOutput(build(g, OpKind::Relu, {sum}, NoAttrs{}, "y"));
  Graph before = g;
  EXPECT_EQ(runPass(*createFuseActivationPass(), g), Changed::Yes);
  // x, w, the [3] bias and the gemm.
  EXPECT_EQ(g.getNumNodes(), 3u);
  const Node *gemm = findNode(g, OpKind::Gemm);
  ASSERT_NE(gemm, nullptr);
  ASSERT_EQ(gemm->operands.size(), 3u);
  EXPECT_EQ(g.getType(gemm->operands[2]), f32Type({3}));
  EXPECT_EQ(g.getValue(gemm->operands[2]).name, "b");
  const GemmAttrs &attrs = gemm->getAttrs<GemmAttrs>();
  EXPECT_EQ(attrs.activation.kind, ActivationKind::Relu);
  EXPECT_FALSE(attrs.transA || attrs.transB);
  EXPECT_EQ(attrs.alpha, 1.0f);
  EXPECT_EQ(attrs.beta, 1.0f);
  expectSameResults(before, g, 7);
}

TEST(FuseActivation, ConvPlusChannelBiasBecomesConvBias) {
  for (auto shape : {llvm::SmallVector<int64_t, 4>{1, 3, 1, 1},
                     llvm::SmallVector<int64_t, 4>{3, 1, 1}}) {
    Graph g("conv_add");
    ValueId x = g.addInput(f32Type({1, 2, 5, 5}), "x");
    ValueId w = randomConstant(g, {3, 2, 3, 3}, 8, "w");
    ValueId z = build(g, OpKind::Conv, {x, w}, conv3x3());
    ValueId b = randomConstant(g, shape, 9, "b");
    ValueId sum = build(g, OpKind::Add, {z, b});
    g.addOutput(build(g, OpKind::Relu, {sum}, NoAttrs{}, "y"));
    Graph before = g;
    EXPECT_EQ(runPass(*createFuseActivationPass(), g), Changed::Yes);
    EXPECT_EQ(countNodes(g, OpKind::Add), 0u);
    EXPECT_EQ(countNodes(g, OpKind::Relu), 0u);
    const Node *conv = findNode(g, OpKind::Conv);
    ASSERT_NE(conv, nullptr);
    ASSERT_EQ(conv->operands.size(), 3u);
    EXPECT_EQ(g.getType(conv->operands[2]), f32Type({3}));
    EXPECT_EQ(conv->getAttrs<ConvAttrs>().activation.kind,
              ActivationKind::Relu);
    expectSameResults(before, g, 10);
  }
}

TEST(FuseActivation, LeavesNonMatchingPatterns) {
  Graph g("negatives");
  ValueId x = g.addInput(f32Type({1, 2, 5, 5}), "x");
  ValueId w = randomConstant(g, {3, 2, 3, 3}, 11, "w");
  // Conv whose result is used twice: neither the relu nor the add fuse.
  ValueId z = build(g, OpKind::Conv, {x, w}, conv3x3(), "z");
  ValueId r = build(g, OpKind::Relu, {z}, NoAttrs{}, "r");
  ValueId s = build(g, OpKind::Sigmoid, {z}, NoAttrs{}, "s");
  // Conv with an activation already: a following relu stays.
  ConvAttrs fused = conv3x3();
  fused.activation.kind = ActivationKind::Relu;
  ValueId z2 = build(g, OpKind::Conv, {x, w}, fused, "z2");
  ValueId r2 = build(g, OpKind::Relu, {z2}, NoAttrs{}, "r2");
  // A bias varying along the width is not a channel bias.
  ValueId z3 = build(g, OpKind::Conv, {x, w}, conv3x3(), "z3");
  ValueId wb = randomConstant(g, {1, 1, 1, 5}, 12, "wb");
  ValueId a3 = build(g, OpKind::Add, {z3, wb}, NoAttrs{}, "a3");
  // MatMul with a non-constant weight.
  ValueId p = g.addInput(f32Type({2, 4}), "p");
  ValueId q = g.addInput(f32Type({4, 3}), "q");
  ValueId mm = build(g, OpKind::MatMul, {p, q}, NoAttrs{}, "mm");
  ValueId bias = randomConstant(g, {3}, 13, "bias");
  ValueId a4 = build(g, OpKind::Add, {mm, bias}, NoAttrs{}, "a4");
  g.setOutputs({r, s, r2, a3, a4});
  Graph before = g;
  EXPECT_EQ(runPass(*createFuseActivationPass(), g), Changed::No);
  EXPECT_TRUE(g == before);
}

} // namespace

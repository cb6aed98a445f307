//===- tests/unit/passes/FoldBatchNormTest.cpp - fold-batchnorm -----------===//
#include "passes/FoldBatchNorm.h"

#include "TestUtils.h"

using namespace rtc;
using namespace rtc::test;

namespace {

ConvAttrs convAttrs(llvm::ArrayRef<int64_t> kernel, int64_t group = 1,
                    int64_t pad = 1) {
  ConvAttrs a;
  a.kernelShape.assign(kernel.begin(), kernel.end());
  a.strides.assign(kernel.size(), 1);
  a.dilations.assign(kernel.size(), 1);
  a.pads.assign(2 * kernel.size(), pad);
  a.group = group;
  return a;
}

/// BatchNorm over \p z with random parameters for \p channels channels
/// (var in [0.5, 2] so the scale stays well conditioned).
ValueId addBatchNorm(Graph &g, ValueId z, int64_t channels, unsigned seed,
                     std::string name = "bn") {
  ValueId scale =
      randomConstant(g, {channels}, seed, name + ".scale", 0.5, 1.5);
  ValueId bias = randomConstant(g, {channels}, seed + 1, name + ".beta");
  ValueId mean = randomConstant(g, {channels}, seed + 2, name + ".mean");
  ValueId var =
      randomConstant(g, {channels}, seed + 3, name + ".var", 0.5, 2.0);
  return build(g, OpKind::BatchNorm, {z, scale, bias, mean, var},
               BatchNormAttrs{1e-3f}, std::move(name));
}

TEST(FoldBatchNorm, HandComputedConv1x1) {
  // w = 2, no bias; BN scale 3, var 3, eps 1 (sqrt(4) = 2), mean 1,
  // beta 0.5: s = 1.5, w' = 3, b' = (0 - 1) * 1.5 + 0.5 = -1.
  Graph g("hand");
  ValueId x = g.addInput(f32Type({1, 1, 2, 2}), "x");
  ValueId w = g.addConstant(Tensor::fromValues<float>({1, 1, 1, 1}, {2}), "w");
  ValueId z = build(g, OpKind::Conv, {x, w}, convAttrs({1, 1}, 1, 0));
  auto c1 = [&](float v, std::string n) {
    return g.addConstant(Tensor::fromValues<float>({1}, {v}), std::move(n));
  };
  ValueId y = build(g, OpKind::BatchNorm,
                    {z, c1(3, "scale"), c1(0.5f, "beta"), c1(1, "mean"),
                     c1(3, "var")},
                    BatchNormAttrs{1.0f}, "y");
  g.addOutput(y);
  Graph before = g;
  EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0u);
  const Node *conv = findNode(g, OpKind::Conv);
  ASSERT_NE(conv, nullptr);
  ASSERT_EQ(conv->operands.size(), 3u);
  EXPECT_EQ(g.getValue(conv->results[0]).name, "y");
  EXPECT_EQ(g.getOutputs()[0], conv->results[0]);
  EXPECT_EQ(*g.getConstantValue(conv->operands[1]),
            Tensor::fromValues<float>({1, 1, 1, 1}, {3}));
  EXPECT_EQ(*g.getConstantValue(conv->operands[2]),
            Tensor::fromValues<float>({1}, {-1}));
  // The folded weight keeps the original weight's name.
  EXPECT_EQ(g.getValue(conv->operands[1]).name, "w");
  // Only x, the two new constants and the conv remain.
  EXPECT_EQ(g.getNumNodes(), 3u);
  // x = [1, 2, 3, 4] -> 3x - 1 = [2, 5, 8, 11].
  auto out = interpret(g, {Tensor::fromValues<float>({1, 1, 2, 2},
                                                     {1, 2, 3, 4})});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  EXPECT_EQ((*out)[0], Tensor::fromValues<float>({1, 1, 2, 2}, {2, 5, 8, 11}));
  expectSameResults(before, g, 3);
}

/// conv(x, w [, b]) -> batch_norm -> relu, random data.
Graph makeConvBnRelu(int64_t c, int64_t m, int64_t group, bool withBias,
                     unsigned seed) {
  Graph g("conv_bn_relu");
  ValueId x = g.addInput(f32Type({2, c, 5, 6}), "x");
  llvm::SmallVector<ValueId, 3> ops = {
      x, randomConstant(g, {m, c / group, 3, 3}, seed, "w")};
  if (withBias)
    ops.push_back(randomConstant(g, {m}, seed + 10, "b"));
  ValueId z = build(g, OpKind::Conv, ops, convAttrs({3, 3}, group));
  ValueId y = addBatchNorm(g, z, m, seed + 20);
  g.addOutput(build(g, OpKind::Relu, {y}, NoAttrs{}, "out"));
  return g;
}

TEST(FoldBatchNorm, ConvWithoutBiasGetsOne) {
  Graph g = makeConvBnRelu(3, 4, 1, false, 11);
  Graph before = g;
  EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0u);
  ASSERT_NE(findNode(g, OpKind::Conv), nullptr);
  EXPECT_EQ(findNode(g, OpKind::Conv)->operands.size(), 3u);
  EXPECT_EQ(countNodes(g, OpKind::Relu), 1u);
  expectSameResults(before, g, 12);
}

TEST(FoldBatchNorm, GroupedAndDepthwiseConvWithBias) {
  for (auto [c, m, group] : {std::tuple<int64_t, int64_t, int64_t>{4, 6, 2},
                             {4, 4, 4}}) {
    Graph g = makeConvBnRelu(c, m, group, true, 21);
    Graph before = g;
    EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::Yes);
    EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0u);
    expectSameResults(before, g, 22);
  }
}

/// gemm(a, b, c) -> batch_norm with the given transB and C shape.
Graph makeGemmBn(bool transB, llvm::ArrayRef<int64_t> cShape, unsigned seed) {
  Graph g("gemm_bn");
  int64_t m = 3, k = 5, n = 4;
  ValueId a = g.addInput(f32Type({m, k}), "a");
  ValueId b = randomConstant(g, transB ? llvm::ArrayRef<int64_t>{n, k}
                                       : llvm::ArrayRef<int64_t>{k, n},
                             seed, "b");
  GemmAttrs attrs;
  attrs.transB = transB;
  attrs.alpha = 0.5f;
  attrs.beta = 2.0f;
  llvm::SmallVector<ValueId, 3> ops = {a, b};
  if (!cShape.empty())
    ops.push_back(randomConstant(g, cShape, seed + 1, "c"));
  ValueId z = build(g, OpKind::Gemm, ops, attrs);
  g.addOutput(addBatchNorm(g, z, n, seed + 2));
  return g;
}

TEST(FoldBatchNorm, GemmRespectsTransBAndBroadcastC) {
  struct Case {
    bool transB;
    llvm::SmallVector<int64_t, 2> cShape;
  };
  for (const Case &cs : {Case{false, {4}}, Case{true, {4}},
                         Case{true, {1, 4}}, Case{false, {3, 4}},
                         Case{true, {3, 1}}, Case{false, {}}}) {
    Graph g = makeGemmBn(cs.transB, cs.cShape, 31);
    Graph before = g;
    EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::Yes);
    EXPECT_EQ(countNodes(g, OpKind::BatchNorm), 0u);
    const Node *gemm = findNode(g, OpKind::Gemm);
    ASSERT_NE(gemm, nullptr);
    EXPECT_EQ(gemm->getAttrs<GemmAttrs>().beta, 1.0f);
    EXPECT_EQ(gemm->getAttrs<GemmAttrs>().transB, cs.transB);
    expectSameResults(before, g, 32);
  }
}

TEST(FoldBatchNorm, KeepsBatchNormWhenTheConvResultHasOtherUsers) {
  Graph g("shared");
  ValueId x = g.addInput(f32Type({1, 2, 4, 4}), "x");
  ValueId w = randomConstant(g, {2, 2, 3, 3}, 41, "w");
  ValueId z = build(g, OpKind::Conv, {x, w}, convAttrs({3, 3}));
  g.addOutput(addBatchNorm(g, z, 2, 42));
  g.addOutput(z);
  Graph before = g;
  EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::No);
  EXPECT_TRUE(g == before);
}

TEST(FoldBatchNorm, KeepsStandaloneAndPostActivationBatchNorm) {
  Graph g("standalone");
  ValueId x = g.addInput(f32Type({1, 2, 4, 4}), "x");
  ValueId y = addBatchNorm(g, x, 2, 51, "bn0");
  ValueId w = randomConstant(g, {2, 2, 3, 3}, 52, "w");
  ConvAttrs attrs = convAttrs({3, 3});
  attrs.activation.kind = ActivationKind::Relu;
  ValueId z = build(g, OpKind::Conv, {y, w}, attrs);
  g.addOutput(addBatchNorm(g, z, 2, 53, "bn1"));
  Graph before = g;
  EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::No);
  EXPECT_TRUE(g == before);
}

TEST(FoldBatchNorm, KeepsBatchNormWithNonConstantWeights) {
  Graph g("dynamic_w");
  ValueId x = g.addInput(f32Type({1, 2, 4, 4}), "x");
  ValueId w = g.addInput(f32Type({2, 2, 3, 3}), "w");
  ValueId z = build(g, OpKind::Conv, {x, w}, convAttrs({3, 3}));
  g.addOutput(addBatchNorm(g, z, 2, 61));
  EXPECT_EQ(runPass(*createFoldBatchNormPass(), g), Changed::No);
}

} // namespace

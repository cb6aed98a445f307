//===- tests/unit/passes/Im2ColTest.cpp - im2col --------------------------===//
#include "passes/Im2Col.h"

#include "TestUtils.h"

using namespace rtc;
using namespace rtc::test;

namespace {

struct ConvCase {
  int64_t c, m, group;
  llvm::SmallVector<int64_t, 3> spatial, kernel, strides, dilations, pads;
  bool bias;
  ActivationKind act;
};

Graph makeConv(const ConvCase &cc, unsigned seed) {
  Graph g("conv");
  llvm::SmallVector<int64_t, 5> xShape = {2, cc.c};
  xShape.append(cc.spatial.begin(), cc.spatial.end());
  ValueId x = g.addInput(f32Type(xShape), "x");
  llvm::SmallVector<int64_t, 5> wShape = {cc.m, cc.c / cc.group};
  wShape.append(cc.kernel.begin(), cc.kernel.end());
  llvm::SmallVector<ValueId, 3> ops = {x, randomConstant(g, wShape, seed, "w")};
  if (cc.bias)
    ops.push_back(randomConstant(g, {cc.m}, seed + 1, "b"));
  ConvAttrs a;
  a.kernelShape.assign(cc.kernel.begin(), cc.kernel.end());
  a.strides.assign(cc.strides.begin(), cc.strides.end());
  a.dilations.assign(cc.dilations.begin(), cc.dilations.end());
  a.pads.assign(cc.pads.begin(), cc.pads.end());
  a.group = cc.group;
  a.activation.kind = cc.act;
  if (cc.act == ActivationKind::Clip) {
    a.activation.min = -0.5f;
    a.activation.max = 0.75f;
  }
  g.addOutput(build(g, OpKind::Conv, ops, a, "y"));
  return g;
}

void checkLowering(const ConvCase &cc, unsigned seed) {
  Graph g = makeConv(cc, seed);
  Graph before = g;
  EXPECT_EQ(runPass(*createIm2ColPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::Conv), 0u);
  EXPECT_EQ(countNodes(g, OpKind::Im2Col), 1u);
  EXPECT_EQ(countNodes(g, OpKind::MatMul), 1u);
  EXPECT_EQ(countNodes(g, OpKind::Add), cc.bias ? 1u : 0u);
  EXPECT_EQ(countNodes(g, OpKind::Relu),
            cc.act == ActivationKind::Relu ? 1u : 0u);
  EXPECT_EQ(countNodes(g, OpKind::Clip),
            cc.act == ActivationKind::Clip ? 1u : 0u);
  // The output keeps its name; the weight became a reshaped constant.
  EXPECT_EQ(g.getValue(g.getOutputs()[0]).name, "y");
  const Node *mm = findNode(g, OpKind::MatMul);
  ASSERT_NE(mm, nullptr);
  const Tensor *w = g.getConstantValue(mm->operands[0]);
  ASSERT_NE(w, nullptr);
  int64_t rows = cc.c / cc.group;
  for (int64_t k : cc.kernel)
    rows *= k;
  llvm::SmallVector<int64_t, 3> wShape =
      cc.group == 1 ? llvm::SmallVector<int64_t, 3>{cc.m, rows}
                    : llvm::SmallVector<int64_t, 3>{cc.group,
                                                     cc.m / cc.group, rows};
  EXPECT_EQ(w->getShape(), llvm::ArrayRef<int64_t>(wShape));
  expectSameResults(before, g, seed + 7);
}

TEST(Im2Col, PlainConvWithBiasAndRelu) {
  checkLowering({3, 4, 1, {6, 7}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, true,
                 ActivationKind::Relu},
                1);
}

TEST(Im2Col, StridesDilationsAsymmetricPadsNoBias) {
  checkLowering({2, 3, 1, {9, 8}, {3, 2}, {2, 1}, {2, 1}, {1, 0, 2, 1}, false,
                 ActivationKind::None},
                2);
}

TEST(Im2Col, GroupedConvWithClip) {
  checkLowering({4, 6, 2, {5, 5}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, true,
                 ActivationKind::Clip},
                3);
}

TEST(Im2Col, DepthwiseConv) {
  checkLowering({4, 4, 4, {6, 6}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, true,
                 ActivationKind::Relu},
                4);
}

TEST(Im2Col, OneDimensionalConv) {
  checkLowering({3, 2, 1, {10}, {3}, {1}, {1}, {1, 1}, true,
                 ActivationKind::None},
                5);
}

TEST(Im2Col, HandComputedResult) {
  // x = 0..8 as 1x1x3x3, w = all ones 1x1x2x2, bias 10, no padding:
  // each output is 10 + the sum of a 2x2 window:
  // [0+1+3+4, 1+2+4+5, 3+4+6+7, 4+5+7+8] + 10 = [18, 22, 30, 34].
  Graph g("hand");
  ValueId x = g.addInput(f32Type({1, 1, 3, 3}), "x");
  ValueId w = g.addConstant(
      Tensor::fromValues<float>({1, 1, 2, 2}, {1, 1, 1, 1}), "w");
  ValueId b = g.addConstant(Tensor::fromValues<float>({1}, {10}), "b");
  ConvAttrs a;
  a.kernelShape = {2, 2};
  a.strides = {1, 1};
  a.dilations = {1, 1};
  a.pads = {0, 0, 0, 0};
  g.addOutput(build(g, OpKind::Conv, {x, w, b}, a, "y"));
  EXPECT_EQ(runPass(*createIm2ColPass(), g), Changed::Yes);
  ASSERT_EQ(countNodes(g, OpKind::Conv), 0u);
  Tensor in(f32Type({1, 1, 3, 3}));
  for (int i = 0; i < 9; ++i)
    in.getMutableData<float>()[i] = float(i);
  auto out = interpret(g, {in});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  EXPECT_EQ((*out)[0],
            Tensor::fromValues<float>({1, 1, 2, 2}, {18, 22, 30, 34}));
}

TEST(Im2Col, NoConvNoChange) {
  Graph g("none");
  ValueId x = g.addInput(f32Type({1, 4}), "x");
  g.addOutput(build(g, OpKind::Relu, {x}));
  Graph before = g;
  EXPECT_EQ(runPass(*createIm2ColPass(), g), Changed::No);
  EXPECT_TRUE(g == before);
}

} // namespace

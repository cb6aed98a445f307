//===- tests/unit/passes/FoldConstantsTest.cpp - fold-constants -----------===//
#include "passes/FoldConstants.h"

#include "TestUtils.h"

#include "llvm/Support/raw_ostream.h"

using namespace rtc;
using namespace rtc::test;

namespace {

Tensor f32(llvm::ArrayRef<int64_t> shape, std::initializer_list<float> v) {
  return Tensor::fromValues<float>(shape, llvm::ArrayRef<float>(v));
}

/// out = x + (c1 + c2) * c3: the constant subexpression folds completely.
struct Chain {
  Graph g{"chain"};
  Chain() {
    ValueId x = g.addInput(f32Type({4}), "x");
    ValueId c1 = g.addConstant(f32({4}, {1, 2, 3, 4}), "c1");
    ValueId c2 = g.addConstant(f32({4}, {10, 20, 30, 40}), "c2");
    ValueId c3 = g.addConstant(f32({4}, {2, 0.5f, -1, 0}), "c3");
    ValueId s = build(g, OpKind::Add, {c1, c2}, NoAttrs{}, "s");
    ValueId m = build(g, OpKind::Mul, {s, c3}, NoAttrs{}, "m");
    g.addOutput(build(g, OpKind::Add, {x, m}, NoAttrs{}, "out"));
  }
};

TEST(FoldConstants, FoldsChainsIntoOneConstant) {
  Chain c;
  Graph before = c.g;
  FoldConstantsPass pass;
  EXPECT_EQ(runPass(pass, c.g), Changed::Yes);
  // Left: the folded constant (named like the value it replaces) and the
  // add with the input; the operand constants became unused and are gone.
  ASSERT_EQ(c.g.getNumNodes(), 2u);
  const Node &folded = c.g.getNode(NodeId{0});
  ASSERT_EQ(folded.kind, OpKind::Constant);
  EXPECT_EQ(c.g.getValue(folded.results[0]).name, "m");
  // (1 + 10) * 2, (2 + 20) * 0.5, (3 + 30) * -1, (4 + 40) * 0.
  EXPECT_EQ(folded.getAttrs<ConstantAttrs>().value,
            f32({4}, {22, 11, -33, 0}));
  EXPECT_EQ(c.g.getNode(NodeId{1}).kind, OpKind::Add);
  expectSameResults(before, c.g, 1);
}

TEST(FoldConstants, CountsFoldedNodes) {
  Chain c;
  PassContext ctx;
  ASSERT_TRUE(bool(FoldConstantsPass().run(c.g, ctx)));
  std::string out;
  llvm::raw_string_ostream os(out);
  ctx.stats().print(os);
  EXPECT_EQ(out, "fold-constants.folded = 2\n");
}

TEST(FoldConstants, FoldsDataMovementOfConstants) {
  // A transposed weight feeding a matmul becomes a transposed constant.
  Graph g("t");
  ValueId x = g.addInput(f32Type({1, 2}), "x");
  ValueId w = g.addConstant(f32({3, 2}, {1, 2, 3, 4, 5, 6}), "w");
  ValueId wt = build(g, OpKind::Transpose, {w}, TransposeAttrs{{1, 0}}, "wt");
  g.addOutput(build(g, OpKind::MatMul, {x, wt}));
  Graph before = g;
  EXPECT_EQ(runPass(*createFoldConstantsPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::Transpose), 0u);
  const Node *mm = findNode(g, OpKind::MatMul);
  ASSERT_NE(mm, nullptr);
  const Tensor *folded = g.getConstantValue(mm->operands[1]);
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(*folded, f32({2, 3}, {1, 3, 5, 2, 4, 6}));
  expectSameResults(before, g, 2);
}

TEST(FoldConstants, NothingToFold) {
  Graph g("none");
  ValueId x = g.addInput(f32Type({4}), "x");
  ValueId c = g.addConstant(f32({4}, {1, 2, 3, 4}), "c");
  g.addOutput(build(g, OpKind::Add, {x, c}));
  Graph before = g;
  EXPECT_EQ(runPass(*createFoldConstantsPass(), g), Changed::No);
  EXPECT_TRUE(g == before);
}

TEST(FoldConstants, SkipsResultsAboveTheSizeCap) {
  // A splat broadcast to maxFoldedElements + 1 elements stays an Add.
  Graph g("big");
  ValueId one = g.addConstant(f32({1}, {1}), "one");
  ValueId zeros = g.addConstant(
      Tensor(f32Type({1, maxFoldedElements + 1})), "zeros");
  ValueId x = g.addInput(f32Type({1}), "x");
  ValueId sum = build(g, OpKind::Add, {one, zeros}, NoAttrs{}, "sum");
  g.addOutput(build(g, OpKind::Add, {sum, x}));
  EXPECT_EQ(runPass(*createFoldConstantsPass(), g), Changed::No);
  EXPECT_EQ(countNodes(g, OpKind::Add), 2u);
}

TEST(FoldConstants, ReportsNodesThatCannotBeEvaluated) {
  Graph g("div0");
  ValueId a = g.addConstant(Tensor::fromValues<int32_t>({2}, {4, 6}), "a");
  ValueId b = g.addConstant(Tensor::fromValues<int32_t>({2}, {2, 0}), "b");
  ValueId q = llvm::cantFail(buildValue(
      g, OpKind::Div, {a, b}, NoAttrs{},
      Location::fileLineCol("t.rtg", 7, 3), "q"));
  g.addOutput(q);
  PassContext ctx;
  auto changed = FoldConstantsPass().run(g, ctx);
  ASSERT_FALSE(bool(changed));
  std::string msg = llvm::toString(changed.takeError());
  EXPECT_NE(msg.find("division by zero"), std::string::npos) << msg;
}

} // namespace

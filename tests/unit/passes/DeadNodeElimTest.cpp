//===- tests/unit/passes/DeadNodeElimTest.cpp - The dce pass --------------===//
#include "passes/DeadNodeElim.h"

#include "ir/Builder.h"
#include "ir/Verifier.h"
#include "ir/reference/Interpreter.h"
#include "tests/unit/passes/TestUtils.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::test;

namespace {

/// out = relu(x) * c; dead: sigmoid(x) -> identity, and an unused constant.
struct Sample {
  Graph g{"sample"};
  ValueId x, out;
  Sample() {
    x = g.addInput(f32Type({4}), "x");
    ValueId c = g.addConstant(
        Tensor::fromValues<float>({4}, {1.0f, -2.0f, 3.0f, 0.5f}), "c");
    ValueId dead = build(g, OpKind::Sigmoid, {x});
    ValueId r = build(g, OpKind::Relu, {x}, NoAttrs{}, "r");
    build(g, OpKind::Identity, {dead});
    g.addConstant(Tensor::fromValues<float>({1}, {9.0f}), "unused");
    out = build(g, OpKind::Mul, {r, c}, NoAttrs{}, "out");
    g.addOutput(out);
  }
};

TEST(DeadNodeElim, ErasesTransitivelyDeadNodesAndCompacts) {
  Sample s;
  Graph before = s.g;
  PassContext ctx;
  DeadNodeElimPass pass;
  llvm::Expected<Changed> changed = pass.run(s.g, ctx);
  ASSERT_TRUE(bool(changed));
  EXPECT_EQ(*changed, Changed::Yes);
  // Remaining in order: c, r, out. Slots are compacted.
  ASSERT_EQ(s.g.getNumNodeSlots(), 3u);
  EXPECT_EQ(s.g.getNumNodes(), 3u);
  EXPECT_EQ(s.g.getNode(NodeId{0}).kind, OpKind::Constant);
  EXPECT_EQ(s.g.getNode(NodeId{1}).kind, OpKind::Relu);
  EXPECT_EQ(s.g.getNode(NodeId{2}).kind, OpKind::Mul);
  EXPECT_EQ(s.g.getNumValues(), 4u); // x, c, r, out
  EXPECT_EQ(s.g.getValue(s.g.getOutputs()[0]).name, "out");
  EXPECT_FALSE(bool(verify(s.g)));

  // Same results as before on an input that exercises relu's both sides.
  Tensor in = Tensor::fromValues<float>({4}, {-1.0f, 2.0f, -3.0f, 4.0f});
  auto a = interpret(before, {in});
  auto b = interpret(s.g, {in});
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  EXPECT_TRUE((*a)[0] == (*b)[0]);
  // relu([-1, 2, -3, 4]) * [1, -2, 3, 0.5] = [0, -4, 0, 2]
  EXPECT_EQ((*b)[0].getData<float>()[1], -4.0f);
  EXPECT_EQ((*b)[0].getData<float>()[3], 2.0f);
}

TEST(DeadNodeElim, CountsErasedNodes) {
  Sample s;
  PassContext ctx;
  ASSERT_TRUE(bool(DeadNodeElimPass().run(s.g, ctx)));
  std::string out;
  llvm::raw_string_ostream os(out);
  ctx.stats().print(os);
  EXPECT_EQ(out, "dce.erased = 3\n");
}

TEST(DeadNodeElim, UnchangedGraphReportsNoChange) {
  Sample s;
  PassContext ctx;
  ASSERT_TRUE(bool(DeadNodeElimPass().run(s.g, ctx)));
  Graph once = s.g;
  llvm::Expected<Changed> again = DeadNodeElimPass().run(s.g, ctx);
  ASSERT_TRUE(bool(again));
  EXPECT_EQ(*again, Changed::No);
  EXPECT_TRUE(s.g == once);
}

TEST(DeadNodeElim, KeepsUnusedInputsAndOutputsThatAreInputs) {
  Graph g;
  ValueId x = g.addInput(f32Type({2}), "x");
  g.addInput(f32Type({3}), "unused");
  build(g, OpKind::Relu, {x});
  g.addOutput(x);
  EXPECT_EQ(eraseDeadNodes(g), 1u);
  EXPECT_EQ(g.getNumNodes(), 0u);
  EXPECT_EQ(g.getInputs().size(), 2u);
  EXPECT_EQ(g.getOutputs()[0], g.getInputs()[0]);
}

TEST(DeadNodeElim, CompactsErasedSlotsLeftByOthers) {
  Sample s;
  // Another pass erased a dead node without compacting.
  s.g.eraseNode(NodeId{3});           // identity(sigmoid)
  EXPECT_EQ(eraseDeadNodes(s.g), 2u); // sigmoid and the unused constant
  EXPECT_EQ(s.g.getNumNodeSlots(), s.g.getNumNodes());
}

} // namespace

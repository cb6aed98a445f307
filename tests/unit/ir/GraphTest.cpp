//===- tests/unit/ir/GraphTest.cpp - Graph construction and mutation ------===//
#include "ir/Graph.h"

#include <gtest/gtest.h>

using namespace rtc;

namespace {

TensorType f32(llvm::ArrayRef<int64_t> shape) {
  return TensorType(DType::F32, shape);
}

/// x -> relu -> sigmoid, output = sigmoid. Types are spelled by hand (no
/// shape inference involved).
struct Chain {
  Graph g{"chain"};
  ValueId x, r, s;
  NodeId reluNode, sigmoidNode;
  Chain() {
    x = g.addInput(f32({4}), "x");
    reluNode = g.addNode(OpKind::Relu, {x}, {f32({4})}, NoAttrs{}, {}, {"r"});
    r = g.getNode(reluNode).results[0];
    sigmoidNode = g.addNode(OpKind::Sigmoid, {r}, {f32({4})}, NoAttrs{});
    s = g.getNode(sigmoidNode).results[0];
    g.addOutput(s);
  }
};

TEST(Graph, OpTableLookups) {
  EXPECT_EQ(lookupOpMnemonic("max_pool"), OpKind::MaxPool);
  EXPECT_EQ(lookupOpMnemonic("const"), OpKind::Constant);
  EXPECT_FALSE(lookupOpMnemonic("maxpool").has_value());
  EXPECT_EQ(getOpMnemonic(OpKind::GlobalAveragePool), "global_avg_pool");
  const OpInfo &conv = getOpInfo(OpKind::Conv);
  EXPECT_EQ(conv.name, "Conv");
  EXPECT_EQ(conv.minOperands, 2);
  EXPECT_EQ(conv.maxOperands, 3);
  EXPECT_EQ(getOpInfo(OpKind::Concat).maxOperands, -1);
  EXPECT_TRUE(std::holds_alternative<ConvAttrs>(getDefaultAttrs(OpKind::Conv)));
  EXPECT_TRUE(hasAttrsOfRightKind(OpKind::Relu, NoAttrs{}));
  EXPECT_FALSE(hasAttrsOfRightKind(OpKind::Relu, AxisAttrs{}));
}

TEST(Graph, ConstructionAndAccess) {
  Chain c;
  EXPECT_EQ(c.g.getName(), "chain");
  EXPECT_EQ(c.g.getNumValues(), 3u);
  EXPECT_EQ(c.g.getNumNodes(), 2u);
  EXPECT_TRUE(c.g.isGraphInput(c.x));
  EXPECT_FALSE(c.g.isGraphInput(c.r));
  EXPECT_TRUE(c.g.isGraphOutput(c.s));
  EXPECT_EQ(c.g.getProducer(c.x), nullptr);
  EXPECT_EQ(c.g.getProducer(c.r), &c.g.getNode(c.reluNode));
  EXPECT_EQ(c.g.getValue(c.r).name, "r");
  EXPECT_EQ(c.g.getValue(c.s).name, "");
  EXPECT_EQ(c.g.getValue(c.s).producer, c.sigmoidNode);
  EXPECT_EQ(c.g.getUsers(c.x), (llvm::SmallVector<NodeId, 4>{c.reluNode}));
  std::vector<uint32_t> uses = c.g.computeUseCounts();
  EXPECT_EQ(uses, (std::vector<uint32_t>{1, 1, 1})); // s: the output use
}

TEST(Graph, UsersListsRepeatedUses) {
  Graph g;
  ValueId x = g.addInput(f32({2}));
  NodeId add = g.addNode(OpKind::Add, {x, x}, {f32({2})}, NoAttrs{});
  EXPECT_EQ(g.getUsers(x), (llvm::SmallVector<NodeId, 4>{add, add}));
  EXPECT_EQ(g.computeUseCounts()[x.index], 2u);
}

TEST(Graph, AddConstantAndGetConstantValue) {
  Graph g;
  Tensor t = Tensor::fromValues<float>({2}, {1.0f, 2.0f});
  ValueId c = g.addConstant(t, "w");
  EXPECT_EQ(g.getType(c), f32({2}));
  EXPECT_EQ(g.getValue(c).name, "w");
  ASSERT_NE(g.getConstantValue(c), nullptr);
  EXPECT_TRUE(*g.getConstantValue(c) == t);
  ValueId x = g.addInput(f32({2}));
  EXPECT_EQ(g.getConstantValue(x), nullptr);
}

TEST(Graph, InsertNodeBeforeKeepsProducersRight) {
  Chain c;
  // Insert identity(x) before the relu: it becomes node 0, relu node 1,
  // sigmoid node 2, and every ValueInfo::producer follows.
  NodeId id = c.g.insertNodeBefore(c.reluNode, OpKind::Identity, {c.x},
                                   {f32({4})}, NoAttrs{}, {}, {"i"});
  EXPECT_EQ(id, NodeId{0});
  ValueId i = c.g.getNode(id).results[0];
  EXPECT_EQ(c.g.getNode(NodeId{0}).kind, OpKind::Identity);
  EXPECT_EQ(c.g.getNode(NodeId{1}).kind, OpKind::Relu);
  EXPECT_EQ(c.g.getNode(NodeId{2}).kind, OpKind::Sigmoid);
  EXPECT_EQ(c.g.getValue(i).producer, NodeId{0});
  EXPECT_EQ(c.g.getValue(c.r).producer, NodeId{1});
  EXPECT_EQ(c.g.getValue(c.s).producer, NodeId{2});
  EXPECT_EQ(c.g.getProducer(c.s)->kind, OpKind::Sigmoid);
  // Inserting at the end appends.
  NodeId last = c.g.insertNodeBefore(NodeId{3}, OpKind::Relu, {c.s}, {f32({4})},
                                     NoAttrs{});
  EXPECT_EQ(last, NodeId{3});
  EXPECT_EQ(c.g.getValue(c.g.getNode(last).results[0]).producer, last);
}

TEST(Graph, ReplaceAllUsesWithUpdatesOperandsAndOutputs) {
  Chain c;
  c.g.addOutput(c.r);
  ValueId y = c.g.addInput(f32({4}), "y");
  c.g.replaceAllUsesWith(c.r, y);
  EXPECT_EQ(c.g.getNode(c.sigmoidNode).operands[0], y);
  EXPECT_EQ(c.g.getOutputs()[1], y);
  EXPECT_TRUE(c.g.getUsers(c.r).empty());
  // The relu itself still reads x.
  EXPECT_EQ(c.g.getNode(c.reluNode).operands[0], c.x);
}

TEST(Graph, EraseAndCompactRenumber) {
  Graph g;
  ValueId x = g.addInput(f32({4}), "x");                          // v0
  NodeId a = g.addNode(OpKind::Relu, {x}, {f32({4})}, NoAttrs{}); // n0 v1
  ValueId av = g.getNode(a).results[0];
  NodeId b = g.addNode(OpKind::Sigmoid, {av}, {f32({4})}, NoAttrs{}); // n1 v2
  NodeId c = g.addNode(OpKind::Identity, {x}, {f32({4})}, NoAttrs{},  // n2 v3
                       {}, {"keep"});
  g.addOutput(g.getNode(c).results[0]);
  // Erase b then a (users first).
  g.eraseNode(b);
  g.eraseNode(a);
  EXPECT_EQ(g.getNumNodes(), 1u);
  EXPECT_EQ(g.getNumNodeSlots(), 3u);
  EXPECT_EQ(g.getNodeIds(), (llvm::SmallVector<NodeId, 0>{c}));
  g.compact();
  EXPECT_EQ(g.getNumNodeSlots(), 1u);
  EXPECT_EQ(g.getNumValues(), 2u); // x and keep
  const Node &n = g.getNode(NodeId{0});
  EXPECT_EQ(n.kind, OpKind::Identity);
  EXPECT_EQ(n.operands[0], ValueId{0});
  EXPECT_EQ(n.results[0], ValueId{1});
  EXPECT_EQ(g.getValue(ValueId{1}).name, "keep");
  EXPECT_EQ(g.getValue(ValueId{1}).producer, NodeId{0});
  EXPECT_EQ(g.getOutputs()[0], ValueId{1});
  EXPECT_EQ(g.getInputs()[0], ValueId{0});
}

TEST(Graph, CopyIsDeepAndEqualityIsStructural) {
  Chain c;
  Graph copy = c.g;
  EXPECT_TRUE(copy == c.g);
  copy.getNode(c.reluNode).kind = OpKind::Sigmoid;
  EXPECT_FALSE(copy == c.g);
  EXPECT_EQ(c.g.getNode(c.reluNode).kind, OpKind::Relu);

  // Names are part of the structure; locations are not.
  Graph renamed = c.g;
  renamed.getValue(c.r).name = "other";
  EXPECT_FALSE(renamed == c.g);
  Graph relocated = c.g;
  relocated.getNode(c.reluNode).loc = Location::fileLineCol("a.rtg", 3, 4);
  EXPECT_TRUE(relocated == c.g);

  // Attributes, including constant payloads, are compared.
  Graph k1, k2;
  k1.addConstant(Tensor::fromValues<float>({1}, {1.0f}));
  k2.addConstant(Tensor::fromValues<float>({1}, {2.0f}));
  EXPECT_FALSE(k1 == k2);
}

} // namespace

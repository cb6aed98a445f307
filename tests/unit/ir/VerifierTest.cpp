//===- tests/unit/ir/VerifierTest.cpp - Graph invariants ------------------===//
//
// Each test breaks exactly one invariant of ir/Graph.h (through the raw
// mutation API, which does not check) and expects exactly that report.
//
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"

#include "ir/Graph.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace rtc;

namespace {

TensorType f32(llvm::ArrayRef<int64_t> shape) {
  return TensorType(DType::F32, shape);
}

/// \returns the rendered diagnostics of verify(g), "" if it passes.
std::string verifyErrors(const Graph &g) {
  std::string out;
  llvm::raw_string_ostream os(out);
  renderErrors(verify(g), os, "verify");
  return out;
}

Location at(unsigned line) { return Location::fileLineCol("g.rtg", line, 3); }

/// x -> relu (line 2) -> sigmoid (line 3) -> output. Valid.
struct Chain {
  Graph g{"chain"};
  ValueId x, r, s;
  NodeId relu, sigmoid;
  Chain() {
    x = g.addInput(f32({4}), "x");
    relu = g.addNode(OpKind::Relu, {x}, {f32({4})}, NoAttrs{}, at(2), {"r"});
    r = g.getNode(relu).results[0];
    sigmoid = g.addNode(OpKind::Sigmoid, {r}, {f32({4})}, NoAttrs{}, at(3));
    s = g.getNode(sigmoid).results[0];
    g.addOutput(s);
  }
};

TEST(Verifier, AcceptsValidGraph) {
  Chain c;
  EXPECT_EQ(verifyErrors(c.g), "");
  EXPECT_EQ(verifyErrors(Graph("empty")), "");
}

TEST(Verifier, AcceptsQuantizedResultTypes) {
  Chain c;
  c.g.getValue(c.s).type.quant = QuantParams{{0.5f}, {0}, -1};
  EXPECT_EQ(verifyErrors(c.g), "");
}

TEST(Verifier, WrongOperandCount) {
  Chain c;
  c.g.getNode(c.sigmoid).operands.push_back(c.x);
  EXPECT_EQ(verifyErrors(c.g),
            "g.rtg:3:3: error: 'sigmoid' has 2 operands, expects 1\n");
}

TEST(Verifier, WrongResultCount) {
  Chain c;
  c.g.getNode(c.sigmoid).results.clear();
  c.g.setOutputs({c.r});
  EXPECT_EQ(verifyErrors(c.g),
            "g.rtg:3:3: error: 'sigmoid' has 0 results, expects 1\n");
}

TEST(Verifier, WrongAttributeKind) {
  Chain c;
  c.g.getNode(c.relu).attrs = AxisAttrs{1};
  EXPECT_EQ(verifyErrors(c.g),
            "g.rtg:2:3: error: 'relu' holds attributes of the wrong kind\n");
}

TEST(Verifier, ResultTypeDiffersFromInference) {
  Chain c;
  c.g.getValue(c.s).type = TensorType(DType::F32, {2, 2});
  EXPECT_EQ(verifyErrors(c.g),
            "g.rtg:3:3: error: 'sigmoid' result #0 has type tensor<2x2xf32>, "
            "but shape inference gives tensor<4xf32>\n");
}

TEST(Verifier, ShapeInferenceFailure) {
  Graph g;
  ValueId a = g.addInput(f32({3}));
  ValueId b = g.addInput(f32({4}));
  NodeId n = g.addNode(OpKind::Add, {a, b}, {f32({4})}, NoAttrs{}, at(5));
  g.addOutput(g.getNode(n).results[0]);
  std::string errs = verifyErrors(g);
  EXPECT_EQ(errs.rfind("g.rtg:5:3: error: 'add' fails shape inference: ", 0),
            0u)
      << errs;
}

TEST(Verifier, NotInTopologicalOrder) {
  Chain c;
  // Make relu read sigmoid's result, which is defined after it.
  c.g.getNode(c.relu).operands[0] = c.s;
  std::string errs = verifyErrors(c.g);
  EXPECT_EQ(errs, "g.rtg:2:3: error: 'relu' operand #0 (value #2) is used "
                  "before its definition (nodes are not in topological "
                  "order)\n");
}

TEST(Verifier, UseOfErasedNode) {
  Chain c;
  c.g.eraseNode(c.relu); // sigmoid still uses %r
  EXPECT_EQ(verifyErrors(c.g),
            "g.rtg:3:3: error: 'sigmoid' operand #0 ('%r') is the result of "
            "an erased node\n");
}

TEST(Verifier, OutputOfErasedNode) {
  Chain c;
  c.g.eraseNode(c.sigmoid);
  EXPECT_EQ(verifyErrors(c.g), "verify: error: graph output #0 (value #2) is "
                               "the result of an erased node\n");
}

TEST(Verifier, NonexistentValues) {
  Chain c;
  c.g.getNode(c.sigmoid).operands[0] = ValueId{99};
  c.g.setOutputs({ValueId{77}});
  EXPECT_EQ(verifyErrors(c.g),
            "g.rtg:3:3: error: 'sigmoid' operand #0 refers to nonexistent "
            "value #99\n"
            "verify: error: graph output #0 refers to nonexistent value #77\n");
}

TEST(Verifier, DuplicateValueNames) {
  Chain c;
  c.g.getValue(c.s).name = std::string("x");
  EXPECT_EQ(verifyErrors(c.g), "g.rtg:3:3: error: 'sigmoid' result name '%x' "
                               "is defined twice\n");
}

TEST(Verifier, ValueDefinedTwice) {
  Chain c;
  // sigmoid claims relu's result as its own.
  c.g.getNode(c.sigmoid).results[0] = c.r;
  c.g.setOutputs({c.r});
  std::string errs = verifyErrors(c.g);
  EXPECT_NE(errs.find("g.rtg:3:3: error: 'sigmoid' result #0 ('%r') records "
                      "producer node #0 result #0"),
            std::string::npos)
      << errs;
  EXPECT_NE(errs.find("g.rtg:3:3: error: 'sigmoid' result #0 ('%r') is "
                      "already defined"),
            std::string::npos)
      << errs;
}

TEST(Verifier, NodeWithoutLocationIsNamedByIndex) {
  Graph g;
  ValueId x = g.addInput(f32({4}));
  g.addNode(OpKind::Relu, {x}, {f32({5})}, NoAttrs{});
  EXPECT_EQ(verifyErrors(g),
            "verify: error: 'relu' result #0 has type tensor<5xf32>, but "
            "shape inference gives tensor<4xf32> (node #0)\n");
}

TEST(Verifier, ReportsEveryViolation) {
  Chain c;
  c.g.getNode(c.relu).attrs = AxisAttrs{1};
  c.g.getNode(c.sigmoid).operands.push_back(c.x);
  c.g.setOutputs({c.s, ValueId{42}});
  std::string errs = verifyErrors(c.g);
  EXPECT_EQ(errs,
            "g.rtg:2:3: error: 'relu' holds attributes of the wrong kind\n"
            "g.rtg:3:3: error: 'sigmoid' has 2 operands, expects 1\n"
            "verify: error: graph output #1 refers to nonexistent value #42\n");
}

} // namespace

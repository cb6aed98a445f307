//===- tests/unit/passes/TestUtils.h - Helpers for pass tests ---*- C++ -*-===//
//
// Graph construction shortcuts (nodes get their types from shape inference)
// and the differential check of every arithmetic-changing pass:
// expectSameResults() runs the graph before and after the pass through the
// float reference interpreter on seeded random inputs and compares the
// outputs (float outputs within rtol/atol, integer outputs exactly); and
// maxErrorInOutputScales(), the error a quantized graph adds, in output steps.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Builder.h"
#include "ir/Graph.h"
#include "ir/Verifier.h"
#include "ir/reference/Interpreter.h"
#include "passes/Pass.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace rtc::test {

inline TensorType f32Type(llvm::ArrayRef<int64_t> shape) {
  return TensorType(DType::F32, shape);
}

/// Appends a node with inferred result type; fails the test on error.
inline ValueId build(Graph &g, OpKind kind, llvm::ArrayRef<ValueId> ops,
                     Attrs attrs = NoAttrs{}, std::string name = "") {
  auto v = buildValue(g, kind, ops, std::move(attrs), {}, std::move(name));
  EXPECT_TRUE(bool(v)) << (v ? "" : llvm::toString(v.takeError()));
  return v ? *v : ValueId{};
}

/// A tensor of \p type with values drawn uniformly from [lo, hi] by a
/// generator seeded with \p seed (integers: rounded, within the type).
inline Tensor randomTensor(const TensorType &type, unsigned seed,
                           double lo = -1.0, double hi = 1.0) {
  TensorType plain(type.elemType, type.shape);
  Tensor t(plain);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (int64_t i = 0; i < t.getNumElements(); ++i) {
    double v = dist(rng);
    t.setFromDouble(i, isFloatDType(type.elemType) ? v : std::round(v));
  }
  if (type.quant)
    t.setType(type);
  return t;
}

/// Adds a constant of \p shape with seeded random values in [lo, hi].
inline ValueId randomConstant(Graph &g, llvm::ArrayRef<int64_t> shape,
                              unsigned seed, std::string name = "",
                              double lo = -1.0, double hi = 1.0) {
  return g.addConstant(randomTensor(f32Type(shape), seed, lo, hi),
                       std::move(name));
}

/// Runs \p pass on \p g (with \p ctx, or a fresh context if null); fails
/// the test on error. \returns whether it changed the graph, and checks the
/// graph still verifies.
inline Changed runPass(GraphPass &pass, Graph &g, PassContext *ctx = nullptr) {
  PassContext fresh;
  auto changed = pass.run(g, ctx ? *ctx : fresh);
  EXPECT_TRUE(bool(changed))
      << (changed ? "" : llvm::toString(changed.takeError()));
  if (llvm::Error err = verify(g))
    ADD_FAILURE() << "graph does not verify after " << pass.getName().str()
                  << ": " << llvm::toString(std::move(err));
  return changed ? *changed : Changed::No;
}

/// Counts the live nodes of \p kind in \p g.
inline unsigned countNodes(const Graph &g, OpKind kind) {
  unsigned n = 0;
  for (NodeId id : g.getNodeIds())
    n += g.getNode(id).kind == kind;
  return n;
}

/// The first live node of \p kind, or null.
inline const Node *findNode(const Graph &g, OpKind kind) {
  for (NodeId id : g.getNodeIds())
    if (g.getNode(id).kind == kind)
      return &g.getNode(id);
  return nullptr;
}

/// \returns the largest |g(x) - q(x)| over \p inputs (one tensor each, for
/// single-input graphs) and the elements of the first output, in units of
/// the scale of the quantized value that \p q's first output dequantizes.
/// Fails the test (and \returns 1e9) if either graph cannot be interpreted.
inline double maxErrorInOutputScales(const Graph &g, const Graph &q,
                                     llvm::ArrayRef<Tensor> inputs) {
  float sy =
      q.getType(q.getProducer(q.getOutputs()[0])->operands[0]).quant->scales[0];
  double worst = 0;
  for (const Tensor &in : inputs) {
    auto a = interpret(g, {in});
    auto b = interpret(q, {in});
    EXPECT_TRUE(bool(a) && bool(b));
    if (!a || !b) {
      llvm::consumeError(a.takeError());
      llvm::consumeError(b.takeError());
      return 1e9;
    }
    for (int64_t i = 0; i < (*a)[0].getNumElements(); ++i)
      worst = std::max(
          worst,
          std::fabs((*a)[0].getAsDouble(i) - (*b)[0].getAsDouble(i)) / sy);
  }
  return worst;
}

/// Interprets \p before and \p after on the same seeded random inputs
/// (values in [-2, 2], integer inputs rounded) and expects equal outputs:
/// |a - b| <= atol + rtol * |a| for floats, exact equality for integers.
/// Three input sets are tried (seeds seed, seed + 1, seed + 2).
inline void expectSameResults(const Graph &before, const Graph &after,
                              unsigned seed, float rtol = 1e-4f,
                              float atol = 1e-5f) {
  ASSERT_EQ(before.getInputs().size(), after.getInputs().size());
  ASSERT_EQ(before.getOutputs().size(), after.getOutputs().size());
  for (unsigned trial = 0; trial < 3; ++trial) {
    std::vector<Tensor> inputs;
    for (size_t i = 0; i < before.getInputs().size(); ++i)
      inputs.push_back(randomTensor(before.getType(before.getInputs()[i]),
                                    seed + trial * 101 + unsigned(i), -2.0,
                                    2.0));
    auto a = interpret(before, inputs);
    auto b = interpret(after, inputs);
    ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
    ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
    for (size_t o = 0; o < a->size(); ++o) {
      const Tensor &x = (*a)[o], &y = (*b)[o];
      ASSERT_EQ(x.getElemType(), y.getElemType()) << "output #" << o;
      ASSERT_EQ(x.getShape(), y.getShape()) << "output #" << o;
      bool isFloat = isFloatDType(x.getElemType());
      unsigned mismatches = 0;
      for (int64_t i = 0; i < x.getNumElements() && mismatches < 5; ++i) {
        double u = x.getAsDouble(i), v = y.getAsDouble(i);
        bool ok = isFloat ? std::fabs(u - v) <= atol + rtol * std::fabs(u)
                          : u == v;
        if (!ok) {
          ++mismatches;
          ADD_FAILURE() << "output #" << o << " element " << i << ": before "
                        << u << ", after " << v << " (seed " << seed
                        << ", trial " << trial << ")";
        }
      }
    }
  }
}

} // namespace rtc::test

//===- tests/unit/reference/ReferenceTestUtil.h - Kernel test helpers -----===//
//
// Helpers shared by the reference-kernel tests: build a one-node graph with
// an explicit result type (no dependency on shape inference), evaluate it
// both through evaluateNode() and interpret() (which must agree), and compare
// tensors with hand-computed expectations.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/reference/Interpreter.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace rtc::test {

/// The location every test node carries; errors render with this prefix.
inline Location testLoc() { return Location::fileLineCol("test.rtg", 3, 5); }

inline Tensor f32(llvm::ArrayRef<int64_t> shape,
                  std::initializer_list<float> values) {
  return Tensor::fromValues<float>(shape, llvm::ArrayRef<float>(values));
}

template <typename T>
Tensor typed(llvm::ArrayRef<int64_t> shape, std::initializer_list<T> values) {
  return Tensor::fromValues<T>(shape, llvm::ArrayRef<T>(values));
}

/// 0, 1, 2, ... (or start, start + 1, ...) as f32 of \p shape.
inline Tensor iota(llvm::ArrayRef<int64_t> shape, float start = 0) {
  Tensor t(TensorType(DType::F32, shape));
  auto data = t.getMutableData<float>();
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = start + float(i);
  return t;
}

/// Renders an error (consuming it) as the tools would print it.
inline std::string errorText(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// Evaluates one node of \p kind over \p operands (graph inputs) with result
/// type \p resultType, through evaluateNode() and through interpret(); the
/// two results must be identical.
inline llvm::Expected<Tensor> evalOp(OpKind kind, Attrs attrs,
                                     llvm::ArrayRef<Tensor> operands,
                                     const TensorType &resultType) {
  Graph g("test");
  llvm::SmallVector<ValueId, 4> ids;
  llvm::SmallVector<const Tensor *, 4> ptrs;
  for (const Tensor &t : operands) {
    ids.push_back(g.addInput(t.getType(), "in" + std::to_string(ids.size())));
    ptrs.push_back(&t);
  }
  NodeId n = g.addNode(kind, ids, {resultType}, std::move(attrs), testLoc());
  g.addOutput(g.getNode(n).results[0]);
  auto direct = evaluateNode(g, g.getNode(n), ptrs);
  if (!direct)
    return direct.takeError();
  auto viaGraph = interpret(g, operands);
  if (!viaGraph)
    return viaGraph.takeError();
  EXPECT_EQ(viaGraph->size(), 1u);
  EXPECT_TRUE((*direct)[0] == (*viaGraph)[0])
      << "evaluateNode and interpret disagree";
  return std::move((*direct)[0]);
}

/// Like evalOp with an f32 result of \p shape.
inline llvm::Expected<Tensor> evalF32(OpKind kind, Attrs attrs,
                                      llvm::ArrayRef<Tensor> operands,
                                      llvm::ArrayRef<int64_t> shape) {
  return evalOp(kind, std::move(attrs), operands,
                TensorType(DType::F32, shape));
}

/// Expects \p t to have \p type and values within atol + rtol * |expected|
/// (the ONNX conformance tolerances by default).
inline void expectTensor(const Tensor &t, const TensorType &type,
                         llvm::ArrayRef<double> expected, double rtol = 1e-4,
                         double atol = 1e-5) {
  ASSERT_EQ(t.getType(), type)
      << "got " << t.getType().str() << ", expected " << type.str();
  ASSERT_EQ(size_t(t.getNumElements()), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    double got = t.getAsDouble(int64_t(i)), want = expected[i];
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << "element " << i;
      continue;
    }
    EXPECT_NEAR(got, want, atol + rtol * std::fabs(want)) << "element " << i;
  }
}

inline void expectF32(const Tensor &t, llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<double> expected, double rtol = 1e-4,
                      double atol = 1e-5) {
  expectTensor(t, TensorType(DType::F32, shape), expected, rtol, atol);
}

} // namespace rtc::test

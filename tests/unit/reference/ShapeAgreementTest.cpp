//===- tests/unit/reference/ShapeAgreementTest.cpp - Kernels vs inference -===//
//
// The kernels compute their result shapes independently of shape inference
// and reject a node whose recorded result type differs. These sweeps build
// nodes with ir/Builder.h (types from shape inference) and evaluate them, so
// any disagreement between the two window/broadcast rules shows up as an
// evaluation error.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include "ir/Builder.h"

using namespace rtc;
using namespace rtc::test;

/// Builds \p kind over inputs of \p operandTypes with inferred result types
/// and evaluates it on zero tensors. \returns false if shape inference
/// rejects the node; fails the test if evaluation fails.
static bool buildAndEvaluate(OpKind kind, Attrs attrs,
                             llvm::ArrayRef<TensorType> operandTypes) {
  Graph g("sweep");
  llvm::SmallVector<ValueId, 3> ids;
  std::vector<Tensor> inputs;
  for (const TensorType &t : operandTypes) {
    ids.push_back(g.addInput(t));
    inputs.emplace_back(t);
  }
  auto v = buildValue(g, kind, ids, std::move(attrs), testLoc());
  if (!v) {
    llvm::consumeError(v.takeError());
    return false;
  }
  g.addOutput(*v);
  auto r = interpret(g, inputs);
  EXPECT_TRUE(bool(r)) << errorText(r.takeError());
  return true;
}

TEST(ReferenceShapeAgreement, PoolWindowSweep) {
  unsigned evaluated = 0;
  for (int64_t in = 1; in <= 7; ++in)
    for (int64_t k = 1; k <= 3; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t d = 1; d <= 2; ++d)
          for (int64_t pb = 0; pb <= 2; ++pb)
            for (int64_t pe = 0; pe <= 2; ++pe)
              for (bool ceil : {false, true}) {
                SCOPED_TRACE(testing::Message()
                             << "in " << in << " k " << k << " s " << s << " d "
                             << d << " pads " << pb << "," << pe << " ceil "
                             << ceil);
                PoolAttrs a;
                a.kernelShape = {k};
                a.strides = {s};
                a.dilations = {d};
                a.pads = {pb, pe};
                a.ceilMode = ceil;
                a.countIncludePad = (in + k) % 2;
                evaluated += buildAndEvaluate(
                    (in + s) % 2 ? OpKind::MaxPool : OpKind::AveragePool, a,
                    {TensorType(DType::F32, {1, 1, in})});
              }
  EXPECT_GT(evaluated, 1000u);
}

TEST(ReferenceShapeAgreement, ConvWindowSweep) {
  unsigned evaluated = 0;
  for (int64_t h = 1; h <= 6; ++h)
    for (int64_t k = 1; k <= 3; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t d = 1; d <= 2; ++d)
          for (int64_t p = 0; p <= 2; ++p)
            for (int64_t group : {1, 2}) {
              SCOPED_TRACE(testing::Message()
                           << "h " << h << " k " << k << " s " << s << " d "
                           << d << " pad " << p << " group " << group);
              ConvAttrs a;
              a.kernelShape = {k, 2};
              a.strides = {s, 1};
              a.dilations = {d, 1};
              a.pads = {p, 0, 0, 1};
              a.group = group;
              evaluated += buildAndEvaluate(
                  OpKind::Conv, a,
                  {TensorType(DType::F32, {2, 2, h, 3}),
                   TensorType(DType::F32, {4, 2 / group, k, 2}),
                   TensorType(DType::F32, {4})});
            }
  EXPECT_GT(evaluated, 300u);
}

TEST(ReferenceShapeAgreement, BroadcastAndMatMulShapes) {
  using Shape = llvm::SmallVector<int64_t, 4>;
  std::pair<Shape, Shape> binary[] = {{{2, 3}, {3}},
                                      {{2, 1, 4}, {3, 1}},
                                      {{}, {5}},
                                      {{1}, {2, 2}},
                                      {{4, 1, 1}, {1, 2, 3}}};
  for (auto &[a, b] : binary)
    EXPECT_TRUE(buildAndEvaluate(
        OpKind::Mul, NoAttrs{},
        {TensorType(DType::F32, a), TensorType(DType::F32, b)}));
  std::pair<Shape, Shape> matmul[] = {{{3}, {3}},
                                      {{3}, {3, 2}},
                                      {{2, 3}, {3}},
                                      {{5, 2, 3}, {3, 4}},
                                      {{2, 1, 2, 3}, {4, 3, 1}}};
  for (auto &[a, b] : matmul)
    EXPECT_TRUE(buildAndEvaluate(
        OpKind::MatMul, NoAttrs{},
        {TensorType(DType::F32, a), TensorType(DType::F32, b)}));
}

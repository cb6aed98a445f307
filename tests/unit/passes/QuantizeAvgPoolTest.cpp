//===- tests/unit/passes/QuantizeAvgPoolTest.cpp - Pools, quantize ---===//
//
// The quantize pass on pooling graphs: an AveragePool whose windows all
// divide by the kernel size becomes a depthwise qconv (like
// GlobalAveragePool); the others stay integer averages; a graph of data
// movement only (a lone max pool) is still quantized.
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize.h"

#include "ir/Builder.h"
#include "ir/Verifier.h"
#include "ir/reference/Interpreter.h"
#include "tests/unit/passes/TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace rtc;
using namespace rtc::test;

namespace {

/// x: f32 [1, 2, 5, 5] -> AveragePool(attrs) -> output.
Graph makeAvgPool(const PoolAttrs &pa, OpKind kind = OpKind::AveragePool) {
  Graph g("pool");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 2, 5, 5}), "x");
  g.addOutput(llvm::cantFail(buildValue(g, kind, {x}, pa, {}, "y")));
  return g;
}

PoolAttrs attrs(std::vector<int64_t> pads, bool countIncludePad,
                bool ceilMode = false, int64_t stride = 1, int64_t k = 3) {
  PoolAttrs pa;
  pa.kernelShape = {k, k};
  pa.strides = {stride, stride};
  pa.dilations = {1, 1};
  pa.pads.assign(pads.begin(), pads.end());
  pa.countIncludePad = countIncludePad;
  pa.ceilMode = ceilMode;
  return pa;
}

Graph quantized(const Graph &g, PassContext &ctx, Changed expect) {
  Graph q = g;
  auto pass = createQuantizePass(
      QuantOptions{},
      makeRandomCalibrationSet(g.getType(g.getInputs()[0]), 16, 7));
  EXPECT_EQ(runPass(*pass, q, &ctx), expect);
  return q;
}

/// Max |float - quantized| over a fixed input, in output scales.
double maxError(const Graph &g, const Graph &q) {
  Tensor in(g.getType(g.getInputs()[0]));
  for (int64_t i = 0; i < in.getNumElements(); ++i)
    in.setFromDouble(i, std::sin(0.7 * double(i)));
  return maxErrorInOutputScales(g, q, {in});
}

} // namespace

TEST(QuantizeAvgPool, CountIncludePadBecomesDepthwiseQConv) {
  Graph g = makeAvgPool(attrs({1, 1, 1, 1}, true, false, 2));
  PassContext ctx;
  Graph q = quantized(g, ctx, Changed::Yes);
  EXPECT_EQ(findNode(q, OpKind::AveragePool), nullptr);
  const Node *qconv = findNode(q, OpKind::QConv);
  ASSERT_NE(qconv, nullptr);
  const ConvAttrs &c = qconv->getAttrs<QConvAttrs>().conv;
  EXPECT_EQ(c.group, 2);
  EXPECT_EQ(c.kernelShape, (llvm::SmallVector<int64_t, 2>{3, 3}));
  EXPECT_EQ(c.strides, (llvm::SmallVector<int64_t, 2>{2, 2}));
  EXPECT_EQ(c.pads, (llvm::SmallVector<int64_t, 4>{1, 1, 1, 1}));
  // Weights 1/9 everywhere: all at the top level 127, scale (1/9) / 127.
  const Tensor *w = q.getConstantValue(qconv->operands[1]);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->getShape(), (llvm::ArrayRef<int64_t>{2, 1, 3, 3}));
  for (int8_t v : w->getData<int8_t>())
    EXPECT_EQ(v, 127);
  EXPECT_FLOAT_EQ(w->getType().quant->scales[0], (1.0f / 9.0f) / 127.0f);
  EXPECT_EQ(ctx.stats().get("quantize", "quantized"), 1);
  EXPECT_LT(maxError(g, q), 2.0);
}

TEST(QuantizeAvgPool, UnpaddedBecomesDepthwiseQConv) {
  Graph g = makeAvgPool(attrs({0, 0, 0, 0}, false));
  PassContext ctx;
  Graph q = quantized(g, ctx, Changed::Yes);
  EXPECT_EQ(findNode(q, OpKind::AveragePool), nullptr);
  ASSERT_NE(findNode(q, OpKind::QConv), nullptr);
  EXPECT_LT(maxError(g, q), 2.0);
}

TEST(QuantizeAvgPool, ShrinkingDivisorStaysIntegerAverage) {
  // count_include_pad = 0 with pads: border windows divide by 4 or 6.
  // Ceil mode, kernel 2, stride 2 on 5: windows 0..1, 2..3, 4..5, the last
  // overhangs the (padded) input, with or without count_include_pad.
  for (PoolAttrs pa :
       {attrs({1, 1, 1, 1}, false), attrs({0, 0, 0, 0}, false, true, 2, 2),
        attrs({0, 0, 0, 0}, true, true, 2, 2)}) {
    Graph g = makeAvgPool(pa);
    if (pa.ceilMode) {
      ASSERT_EQ(g.getType(g.getOutputs()[0]).shape[2], 3);
    }
    PassContext ctx;
    Graph q = quantized(g, ctx, Changed::Yes);
    EXPECT_EQ(findNode(q, OpKind::QConv), nullptr);
    const Node *p = findNode(q, OpKind::AveragePool);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(q.getType(p->results[0]).elemType, DType::I8);
  }
}

TEST(QuantizeAvgPool, LoneMaxPoolIsQuantized) {
  Graph g = makeAvgPool(attrs({1, 1, 1, 1}, false), OpKind::MaxPool);
  PassContext ctx;
  Graph q = quantized(g, ctx, Changed::Yes);
  llvm::SmallVector<OpKind, 4> kinds;
  for (NodeId id : q.getNodeIds())
    kinds.push_back(q.getNode(id).kind);
  EXPECT_EQ(kinds, (llvm::SmallVector<OpKind, 4>{
                       OpKind::Quantize, OpKind::MaxPool, OpKind::Dequantize}));
  // Data movement is not counted as a quantized node.
  EXPECT_EQ(ctx.stats().get("quantize", "quantized"), 0);
  EXPECT_LT(maxError(g, q), 1.0);
}

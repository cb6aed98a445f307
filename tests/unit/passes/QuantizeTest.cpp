//===- tests/unit/passes/QuantizeTest.cpp - The quantize pass -------------===//
#include "passes/Quantize.h"

#include "ir/Builder.h"
#include "ir/Verifier.h"
#include "ir/reference/Interpreter.h"
#include "tests/unit/passes/TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace rtc;
using namespace rtc::test;

namespace {

/// Deterministic pseudo-random floats in [-scale, scale].
std::vector<float> randomValues(size_t n, unsigned seed, float scale) {
  std::mt19937 rng(seed);
  std::vector<float> v(n);
  for (float &x : v)
    x = scale * (2.0f * float(rng() % 10001) / 10000.0f - 1.0f);
  return v;
}

/// conv 3x3 (2 channels, pad 1, fused relu) -> flatten -> gemm (3 outputs,
/// transB) over x: f32[1, 1, 4, 4]: the post-float-pipeline form.
Graph makeConvGemm() {
  Graph g("conv_gemm");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 1, 4, 4}), "x");
  ValueId w = g.addConstant(
      Tensor::fromValues<float>({2, 1, 3, 3}, randomValues(18, 1, 0.5f)), "w");
  ValueId b = g.addConstant(Tensor::fromValues<float>({2}, {0.1f, -0.2f}), "b");
  ConvAttrs conv;
  conv.kernelShape = {3, 3};
  conv.strides = {1, 1};
  conv.dilations = {1, 1};
  conv.pads = {1, 1, 1, 1};
  conv.activation.kind = ActivationKind::Relu;
  ValueId c = build(g, OpKind::Conv, {x, w, b}, conv, "c");
  ValueId f = build(g, OpKind::Flatten, {c}, AxisAttrs{1}, "f");
  ValueId fw = g.addConstant(
      Tensor::fromValues<float>({3, 32}, randomValues(96, 2, 0.3f)), "fw");
  ValueId fb = g.addConstant(
      Tensor::fromValues<float>({3}, {0.05f, 0.0f, -0.05f}), "fb");
  GemmAttrs gemm;
  gemm.transB = true;
  ValueId y = build(g, OpKind::Gemm, {f, fw, fb}, gemm, "y");
  g.addOutput(y);
  return g;
}

std::vector<Tensor> calibrationSet(const Graph &g) {
  return makeRandomCalibrationSet(g.getType(g.getInputs()[0]), 16, 99);
}

Graph quantized(const Graph &g, int64_t wbits, int64_t abits,
                PassContext &ctx) {
  QuantOptions opts;
  opts.weightBits = wbits;
  opts.activationBits = abits;
  Graph q = g;
  auto pass = createQuantizePass(opts, calibrationSet(g));
  runPass(*pass, q, &ctx);
  return q;
}

TEST(Quantize, ConvGemmBecomesIntegerOps) {
  Graph g = makeConvGemm();
  PassContext ctx;
  Graph q = quantized(g, 8, 8, ctx);
  llvm::SmallVector<OpKind, 8> kinds;
  for (NodeId id : q.getNodeIds())
    if (q.getNode(id).kind != OpKind::Constant)
      kinds.push_back(q.getNode(id).kind);
  EXPECT_EQ(kinds, (llvm::SmallVector<OpKind, 8>{
                       OpKind::Quantize, OpKind::QConv, OpKind::Flatten,
                       OpKind::QMatMul, OpKind::Dequantize}));
  EXPECT_EQ(ctx.stats().get("quantize", "quantized"), 2);
  EXPECT_EQ(ctx.stats().get("quantize", "float-fallback"), 0);

  // Input: N(0,1) calibration is two-sided -> signed activations.
  const Node *quant = findNode(q, OpKind::Quantize);
  EXPECT_EQ(q.getType(quant->results[0]).elemType, DType::I8);

  // qconv: i8 weights, symmetric per output channel (axis 0), scale =
  // max|w_c| / 127; its relu output is unsigned with zero point 0.
  const Node *qconv = findNode(q, OpKind::QConv);
  ASSERT_NE(qconv, nullptr);
  const Tensor *w = q.getConstantValue(qconv->operands[1]);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->getElemType(), DType::I8);
  ASSERT_TRUE(w->getType().quant.has_value());
  const QuantParams &wp = *w->getType().quant;
  EXPECT_EQ(wp.axis, 0);
  EXPECT_EQ(wp.bits, 8);
  ASSERT_EQ(wp.scales.size(), 2u);
  std::vector<float> wf = randomValues(18, 1, 0.5f);
  for (int c = 0; c < 2; ++c) {
    float absMax = 0;
    for (int i = 0; i < 9; ++i)
      absMax = std::max(absMax, std::fabs(wf[c * 9 + i]));
    EXPECT_FLOAT_EQ(wp.scales[c], absMax / 127.0f);
    EXPECT_EQ(wp.zeroPoints[c], 0);
    // The largest weight maps to +-127 exactly.
    int maxQ = 0;
    for (int i = 0; i < 9; ++i)
      maxQ = std::max(maxQ, std::abs(int(w->getData<int8_t>()[c * 9 + i])));
    EXPECT_EQ(maxQ, 127);
  }
  const TensorType &convOut = q.getType(qconv->results[0]);
  EXPECT_EQ(convOut.elemType, DType::U8);
  ASSERT_TRUE(convOut.quant.has_value());
  EXPECT_EQ(convOut.quant->zeroPoints[0], 0);
  const QConvAttrs &ca = qconv->getAttrs<QConvAttrs>();
  EXPECT_EQ(ca.conv.activation.kind, ActivationKind::None);
  EXPECT_EQ(ca.requant.multipliers.size(), 2u);
  EXPECT_EQ(ca.requant.clampMin, 0);
  EXPECT_EQ(ca.requant.clampMax, 255);
  // Bias: i32 = round(b / (sx * sw[c])).
  const Tensor *bias = q.getConstantValue(qconv->operands[2]);
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->getElemType(), DType::I32);
  float sx = q.getType(quant->results[0]).quant->scales[0];
  EXPECT_EQ(bias->getData<int32_t>()[0],
            int32_t(std::nearbyint(0.1 / (double(sx) * wp.scales[0]))));

  // qmatmul: weights transposed to [K, N] = [32, 3], scales per column.
  const Node *qmm = findNode(q, OpKind::QMatMul);
  ASSERT_NE(qmm, nullptr);
  const Tensor *fw = q.getConstantValue(qmm->operands[1]);
  ASSERT_NE(fw, nullptr);
  EXPECT_EQ(fw->getShape(), llvm::ArrayRef<int64_t>({32, 3}));
  EXPECT_EQ(fw->getType().quant->axis, 1);
  EXPECT_EQ(fw->getType().quant->scales.size(), 3u);

  // The output is float again and keeps its name.
  ValueId out = q.getOutputs()[0];
  EXPECT_EQ(q.getType(out), TensorType(DType::F32, {1, 3}));
  EXPECT_EQ(q.getValue(out).name, "y");
  EXPECT_EQ(q.getProducer(out)->kind, OpKind::Dequantize);
}

/// Max |float - quantized| over the calibration inputs (so nothing
/// saturates) and their halves, in units of the output scale.
double maxErrorInOutputScales(const Graph &g, const Graph &q) {
  std::vector<Tensor> inputs = calibrationSet(g);
  for (size_t i = 0, n = inputs.size(); i < n; ++i) {
    Tensor half = inputs[i];
    for (int64_t j = 0; j < half.getNumElements(); ++j)
      half.setFromDouble(j, 0.5 * half.getAsDouble(j));
    inputs.push_back(std::move(half));
  }
  return test::maxErrorInOutputScales(g, q, inputs);
}

TEST(Quantize, EightBitResultsStayWithinAFewOutputScales) {
  Graph g = makeConvGemm();
  PassContext ctx;
  Graph q = quantized(g, 8, 8, ctx);
  // Rounding of the input, the weights and the conv output contributes a
  // few output steps at most.
  EXPECT_LT(maxErrorInOutputScales(g, q), 4.0);
}

/// Evaluates \p g node by node and checks that every quantized tensor lies
/// in the range of its bits: unsigned [0, 2^b - 1], signed
/// [-2^(b-1), 2^(b-1) - 1].
void expectValuesWithinBits(const Graph &g, const Tensor &input) {
  std::vector<Tensor> values(g.getNumValues());
  values[g.getInputs()[0].index] = input;
  for (NodeId id : g.getNodeIds()) {
    const Node &n = g.getNode(id);
    llvm::SmallVector<const Tensor *, 3> ops;
    for (ValueId v : n.operands)
      ops.push_back(&values[v.index]);
    auto r = evaluateNode(g, n, ops);
    ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
    Tensor &t = (*r)[0];
    const TensorType &type = g.getType(n.results[0]);
    if (type.quant && type.quant->bits != 0 &&
        (type.elemType == DType::U8 || type.elemType == DType::I8)) {
      int64_t b = type.quant->bits;
      int64_t lo = type.elemType == DType::U8 ? 0 : -(int64_t(1) << (b - 1));
      int64_t hi = type.elemType == DType::U8 ? (int64_t(1) << b) - 1
                                              : (int64_t(1) << (b - 1)) - 1;
      for (int64_t i = 0; i < t.getNumElements(); ++i) {
        EXPECT_GE(t.getAsInt64(i), lo) << getOpMnemonic(n.kind).str();
        EXPECT_LE(t.getAsInt64(i), hi) << getOpMnemonic(n.kind).str();
      }
    }
    values[n.results[0].index] = std::move(t);
  }
}

TEST(Quantize, LowBitWidthsRespectTheirRanges) {
  Graph g = makeConvGemm();
  for (int64_t bits : {8, 4, 2}) {
    PassContext ctx;
    Graph q = quantized(g, bits, bits, ctx);
    const Node *qconv = findNode(q, OpKind::QConv);
    ASSERT_NE(qconv, nullptr);
    // Symmetric weights use [-(2^(b-1) - 1), 2^(b-1) - 1].
    int64_t wmax = (int64_t(1) << (bits - 1)) - 1;
    const Tensor *w = q.getConstantValue(qconv->operands[1]);
    EXPECT_EQ(w->getType().quant->bits, bits);
    int64_t seenMax = 0;
    for (int8_t v : w->getData<int8_t>()) {
      EXPECT_LE(std::abs(int(v)), wmax);
      seenMax = std::max<int64_t>(seenMax, std::abs(int(v)));
    }
    EXPECT_EQ(seenMax, wmax);
    EXPECT_EQ(q.getType(qconv->results[0]).quant->bits, bits);
    EXPECT_EQ(qconv->getAttrs<QConvAttrs>().requant.clampMax,
              (int64_t(1) << bits) - 1);
    for (const Tensor &in :
         makeRandomCalibrationSet(g.getType(g.getInputs()[0]), 4, 777))
      expectValuesWithinBits(q, in);
    // Fewer bits: a coarser output scale, but the error measured in it
    // stays small (about 2 steps at 8, 4 and 2 bits here).
    EXPECT_LT(maxErrorInOutputScales(g, q), 4.0) << bits << " bits";
  }
}

/// y = relu(x + sigmoid(x)) over x: f32[1, 8]: an add of two activations
/// with a relu to absorb, and a float-only op.
Graph makeAddGraph() {
  Graph g("add");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 8}), "x");
  ValueId s = build(g, OpKind::Sigmoid, {x}, NoAttrs{}, "s");
  ValueId a = build(g, OpKind::Add, {x, s}, NoAttrs{}, "a");
  ValueId r = build(g, OpKind::Relu, {a}, NoAttrs{}, "r");
  g.addOutput(r);
  return g;
}

TEST(Quantize, AddAbsorbsReluAndFloatOpsFallBack) {
  Graph g = makeAddGraph();
  PassContext ctx;
  Graph q = quantized(g, 8, 8, ctx);
  EXPECT_EQ(findNode(q, OpKind::Relu), nullptr);
  const Node *qadd = findNode(q, OpKind::QAdd);
  ASSERT_NE(qadd, nullptr);
  const QAddAttrs &a = qadd->getAttrs<QAddAttrs>();
  // Relu absorbed: the output range is one-sided, hence unsigned.
  EXPECT_EQ(a.outType, DType::U8);
  EXPECT_EQ(a.clampMin, 0);
  // The shift is maximal: the larger multiplier lies in [2^29, 2^30).
  int32_t big = std::max(a.multiplierA, a.multiplierB);
  EXPECT_GE(big, int32_t(1) << 29);
  EXPECT_LT(big, int32_t(1) << 30);
  // Both multipliers encode their scale ratios.
  const TensorType &ta = q.getType(qadd->operands[0]);
  const TensorType &tb = q.getType(qadd->operands[1]);
  double sy = a.outQuant.scales[0];
  EXPECT_NEAR(std::ldexp(double(a.multiplierA), -a.shift),
              ta.quant->scales[0] / sy, 1e-8);
  EXPECT_NEAR(std::ldexp(double(a.multiplierB), -a.shift),
              tb.quant->scales[0] / sy, 1e-8);
  // The sigmoid runs in float between dequantize and quantize.
  const Node *sig = findNode(q, OpKind::Sigmoid);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(ctx.stats().get("quantize", "float-fallback"), 1);
  EXPECT_EQ(q.getType(sig->results[0]).elemType, DType::F32);
  EXPECT_LT(maxErrorInOutputScales(g, q), 3.0);
}

TEST(Quantize, GlobalAveragePoolBecomesDepthwiseQConv) {
  Graph g("gap");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 3, 2, 2}), "x");
  ValueId p = build(g, OpKind::GlobalAveragePool, {x}, NoAttrs{}, "p");
  g.addOutput(build(g, OpKind::Flatten, {p}, AxisAttrs{1}, "y"));
  PassContext ctx;
  Graph q = quantized(g, 4, 8, ctx);
  const Node *qconv = findNode(q, OpKind::QConv);
  ASSERT_NE(qconv, nullptr);
  EXPECT_EQ(findNode(q, OpKind::GlobalAveragePool), nullptr);
  const ConvAttrs &c = qconv->getAttrs<QConvAttrs>().conv;
  EXPECT_EQ(c.group, 3);
  EXPECT_EQ(c.kernelShape, (llvm::SmallVector<int64_t, 2>{2, 2}));
  // Weights 1/4 everywhere: all at the top level 7 of 4-bit weights, with
  // scale 0.25 / 7.
  const Tensor *w = q.getConstantValue(qconv->operands[1]);
  for (int8_t v : w->getData<int8_t>())
    EXPECT_EQ(v, 7);
  EXPECT_FLOAT_EQ(w->getType().quant->scales[0], 0.25f / 7.0f);
  EXPECT_LT(maxErrorInOutputScales(g, q), 2.0);
}

TEST(Quantize, RejectsAccumulatorsThatCouldOverflow) {
  // K = 70000 inputs in [0, 1] (unsigned, |x - zx| up to 255) times
  // weights all 127: 70000 * 255 * 127 > 2^31.
  const int64_t k = 70000;
  Graph g("wide");
  ValueId x = g.addInput(TensorType(DType::F32, {1, k}), "x");
  ValueId w = g.addConstant(
      Tensor::fromValues<float>({k, 1}, std::vector<float>(k, 0.5f)), "w");
  Location loc = Location::fileLineCol("wide.rtg", 3, 5);
  ValueId y =
      llvm::cantFail(buildValue(g, OpKind::MatMul, {x, w}, NoAttrs{}, loc));
  g.addOutput(y);
  Tensor sample(TensorType(DType::F32, {1, k}));
  for (int64_t i = 0; i < k; ++i)
    sample.setFromDouble(i, double(i % 2));
  auto pass = createQuantizePass(QuantOptions{}, {sample});
  PassContext ctx;
  auto r = pass->run(g, ctx);
  ASSERT_FALSE(bool(r));
  std::string msg = llvm::toString(r.takeError());
  EXPECT_NE(msg.find("wide.rtg:3:5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("could overflow"), std::string::npos) << msg;
}

TEST(Quantize, NothingToQuantizeIsNoChange) {
  Graph g("soft");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 4}), "x");
  g.addOutput(build(g, OpKind::Softmax, {x}, AxisAttrs{1}, "y"));
  Graph before = g;
  PassContext ctx;
  auto r = createQuantizePass()->run(g, ctx);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(*r, Changed::No);
  EXPECT_TRUE(g == before);
}

TEST(Quantize, RejectsBitsOutOfRange) {
  Graph g = makeConvGemm();
  for (int64_t bits : {1, 9}) {
    QuantOptions opts;
    opts.weightBits = bits;
    PassContext ctx;
    auto r = createQuantizePass(opts, calibrationSet(g))->run(g, ctx);
    ASSERT_FALSE(bool(r));
    EXPECT_NE(llvm::toString(r.takeError()).find("between 2 and 8"),
              std::string::npos);
  }
}

} // namespace

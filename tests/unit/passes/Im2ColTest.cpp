//===- tests/unit/passes/Im2ColTest.cpp - im2col --------------------------===//
#include "passes/Im2Col.h"

#include "TestUtils.h"

#include "ir/QuantMath.h"

#include <cstring>
#include <random>

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

//===----------------------------------------------------------------------===//
// QConv: the lowering must be exact (byte-identical integer outputs).
//===----------------------------------------------------------------------===//

struct QConvCase {
  int64_t c, m;
  llvm::SmallVector<int64_t, 3> spatial, kernel, strides, dilations, pads;
  int64_t zx;        // x's zero point (padding must hold it)
  bool perChannelW;  // weight per output channel (axis 0) or per tensor
  bool bias;
  bool requant;      // requantize to i8, or keep the raw i32 accumulator
};

/// Seeded random integers in [lo, hi] of \p type (parameters kept).
Tensor randomInts(const TensorType &type, unsigned seed, int64_t lo,
                  int64_t hi) {
  Tensor t(type);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    t.setFromDouble(i, double(dist(rng)));
  return t;
}

Graph makeQConv(const QConvCase &qc, unsigned seed) {
  Graph g("qconv");
  llvm::SmallVector<int64_t, 5> xShape = {2, qc.c};
  xShape.append(qc.spatial.begin(), qc.spatial.end());
  TensorType xType(DType::I8, xShape);
  xType.quant = QuantParams{{0.05f}, {qc.zx}, -1, 0};
  ValueId x = g.addInput(xType, "x");

  llvm::SmallVector<int64_t, 5> wShape = {qc.m, qc.c};
  wShape.append(qc.kernel.begin(), qc.kernel.end());
  TensorType wType(DType::I8, wShape);
  QuantParams wq;
  if (qc.perChannelW) {
    wq.axis = 0;
    for (int64_t j = 0; j < qc.m; ++j) {
      wq.scales.push_back(0.01f * float(j + 1));
      wq.zeroPoints.push_back(j % 3 - 1); // -1, 0, 1, ...: not all zero
    }
  } else {
    wq.scales = {0.02f};
    wq.zeroPoints = {2};
  }
  wType.quant = wq;
  llvm::SmallVector<ValueId, 3> ops = {
      x, g.addConstant(randomInts(wType, seed, -127, 127), "w")};
  if (qc.bias)
    ops.push_back(g.addConstant(
        randomInts(TensorType(DType::I32, {qc.m}), seed + 1, -5000, 5000),
        "b"));

  QConvAttrs a;
  a.conv.kernelShape.assign(qc.kernel.begin(), qc.kernel.end());
  a.conv.strides.assign(qc.strides.begin(), qc.strides.end());
  a.conv.dilations.assign(qc.dilations.begin(), qc.dilations.end());
  a.conv.pads.assign(qc.pads.begin(), qc.pads.end());
  RequantAttrs &r = a.requant;
  if (qc.requant) {
    r.outType = DType::I8;
    r.outQuant = QuantParams{{0.1f}, {-7}, -1, 0};
    // Distinct multipliers per channel (or one), small enough that the
    // outputs spread over the range and some saturate.
    int64_t count = qc.perChannelW ? qc.m : 1;
    for (int64_t j = 0; j < count; ++j) {
      FixedPointMultiplier fm = quantizeMultiplier(0.0007 * double(j + 1));
      r.multipliers.push_back(fm.multiplier);
      r.shifts.push_back(fm.shift);
    }
    r.clampMin = -128;
    r.clampMax = 100;
  } else {
    r.outType = DType::I32;
  }
  g.addOutput(build(g, OpKind::QConv, ops, a, "y"));
  return g;
}

void checkQConvLowering(const QConvCase &qc, unsigned seed) {
  Graph g = makeQConv(qc, seed);
  Graph before = g;
  EXPECT_EQ(runPass(*createIm2ColPass(), g), Changed::Yes);
  EXPECT_EQ(countNodes(g, OpKind::QConv), 0u);
  EXPECT_EQ(countNodes(g, OpKind::Im2Col), 1u);
  EXPECT_EQ(countNodes(g, OpKind::QMatMul), 1u);
  EXPECT_EQ(countNodes(g, OpKind::Transpose), 2u);
  EXPECT_EQ(g.getValue(g.getOutputs()[0]).name, "y");
  EXPECT_EQ(g.getType(g.getOutputs()[0]), before.getType(before.getOutputs()[0]));
  const Node *cols = findNode(g, OpKind::Im2Col);
  ASSERT_NE(cols, nullptr);
  EXPECT_EQ(cols->getAttrs<Im2ColAttrs>().padValue, qc.zx);
  const Node *mm = findNode(g, OpKind::QMatMul);
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->operands.size(), qc.bias ? 3u : 2u);
  const Tensor *w = g.getConstantValue(mm->operands[1]);
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->getShape().size(), 2u);
  EXPECT_EQ(w->getShape()[1], qc.m);
  ASSERT_TRUE(w->getType().quant.has_value());
  EXPECT_EQ(w->getType().quant->axis, qc.perChannelW ? 1 : -1);

  // Byte-identical outputs on seeded random inputs over the whole i8 range.
  for (unsigned trial = 0; trial < 3; ++trial) {
    Tensor in = randomInts(before.getType(before.getInputs()[0]),
                           seed * 31 + trial, -128, 127);
    auto a = interpret(before, {in});
    auto b = interpret(g, {in});
    ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
    ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
    const Tensor &ya = (*a)[0], &yb = (*b)[0];
    ASSERT_EQ(ya.getType(), yb.getType());
    ASSERT_EQ(ya.getSizeInBytes(), yb.getSizeInBytes());
    EXPECT_EQ(std::memcmp(ya.getRawData(), yb.getRawData(),
                          ya.getSizeInBytes()),
              0)
        << "trial " << trial;
    EXPECT_TRUE(ya == yb);
  }
}

TEST(Im2Col, QConvPerChannelWithBiasAndPadding) {
  checkQConvLowering({3, 4, {6, 7}, {3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, 5,
                      true, true, true},
                     11);
}

TEST(Im2Col, QConvNoBiasStridesDilationsAsymmetricPads) {
  checkQConvLowering({2, 3, {9, 8}, {3, 2}, {2, 1}, {2, 1}, {1, 0, 2, 1}, -9,
                      true, false, true},
                     12);
}

TEST(Im2Col, QConvPerTensorWeightRawAccumulator) {
  checkQConvLowering({3, 2, {5, 5}, {2, 2}, {2, 2}, {1, 1}, {1, 1, 0, 0}, 17,
                      false, true, false},
                     13);
}

TEST(Im2Col, QConvOneDimensional) {
  checkQConvLowering({3, 5, {10}, {3}, {1}, {1}, {2, 1}, -3, true, true,
                      true},
                     14);
}

TEST(Im2Col, QConvHandComputedPadding) {
  // x = [1, 2] (1x1x1x2, zero point 3, so real values -2, -1), w = [1, 1]
  // (zero point 0) with pads [0, 1, 0, 1] on width: windows are (pad, 1),
  // (1, 2), (2, pad) giving accumulators (x - 3) summed: -2, -3, -1, plus
  // bias 10 -> 8, 7, 9 (raw i32). A padding of 0 instead of the zero point
  // would add (0 - 3) = -3 to the two border outputs.
  Graph g("hand");
  TensorType xType(DType::I8, {1, 1, 1, 2});
  xType.quant = QuantParams{{1.0f}, {3}, -1, 0};
  ValueId x = g.addInput(xType, "x");
  Tensor wv = Tensor::fromValues<int8_t>({1, 1, 1, 2}, {1, 1});
  TensorType wType = wv.getType();
  wType.quant = QuantParams{{1.0f}, {0}, -1, 0};
  wv.setType(wType);
  ValueId w = g.addConstant(wv, "w");
  ValueId b = g.addConstant(Tensor::fromValues<int32_t>({1}, {10}), "b");
  QConvAttrs a;
  a.conv.kernelShape = {1, 2};
  a.conv.strides = {1, 1};
  a.conv.dilations = {1, 1};
  a.conv.pads = {0, 1, 0, 1};
  a.requant.outType = DType::I32;
  g.addOutput(build(g, OpKind::QConv, {x, w, b}, a, "y"));
  EXPECT_EQ(runPass(*createIm2ColPass(), g), Changed::Yes);
  ASSERT_EQ(countNodes(g, OpKind::QConv), 0u);
  Tensor in = Tensor::fromValues<int8_t>({1, 1, 1, 2}, {1, 2});
  in.setType(xType);
  auto out = interpret(g, {in});
  ASSERT_TRUE(bool(out)) << llvm::toString(out.takeError());
  EXPECT_EQ((*out)[0], Tensor::fromValues<int32_t>({1, 1, 1, 3}, {8, 7, 9}));
}

TEST(Im2Col, GroupedQConvIsLeftUnchanged) {
  // Depthwise QConv: qmatmul cannot carry per-group parameters, so the
  // pass leaves it (documented in passes/Im2Col.h).
  Graph g("grouped");
  TensorType xType(DType::I8, {1, 2, 4, 4});
  xType.quant = QuantParams{{0.05f}, {1}, -1, 0};
  ValueId x = g.addInput(xType, "x");
  TensorType wType(DType::I8, {2, 1, 3, 3});
  wType.quant = QuantParams{{0.02f}, {0}, -1, 0};
  ValueId w = g.addConstant(randomInts(wType, 5, -10, 10), "w");
  QConvAttrs a;
  a.conv.kernelShape = {3, 3};
  a.conv.strides = {1, 1};
  a.conv.dilations = {1, 1};
  a.conv.pads = {1, 1, 1, 1};
  a.conv.group = 2;
  a.requant.outType = DType::I32;
  g.addOutput(build(g, OpKind::QConv, {x, w}, a, "y"));
  Graph before = g;
  EXPECT_EQ(runPass(*createIm2ColPass(), g), Changed::No);
  EXPECT_TRUE(g == before);
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

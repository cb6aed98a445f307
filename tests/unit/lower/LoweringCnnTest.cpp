//===- tests/unit/lower/LoweringCnnTest.cpp - CNN code generation tests ---===//
//
// Lowers small quantized CNNs built in C++ (qconv with padding, stride,
// dilation and groups, max_pool, qadd, flatten + qmatmul), runs them on the
// bit-exact simulator and compares the output words with the integer golden
// model (interpret()).
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/lower/Lowering.h"

#include "ir/Builder.h"
#include "ir/Diagnostics.h"
#include "ir/QuantMath.h"
#include "ir/reference/Interpreter.h"
#include "runtime/sim/Simulator.h"
#include "targets/racetrack/isa/ProgramFile.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

std::string errorText(llvm::Error err) {
  std::string s;
  llvm::raw_string_ostream os(s);
  renderErrors(std::move(err), os, "rtcc");
  return os.str();
}

QuantParams perTensor(float scale, int64_t zp, unsigned bits) {
  QuantParams q;
  q.scales = {scale};
  q.zeroPoints = {zp};
  q.bits = bits == 8 ? 0 : bits;
  return q;
}

/// Builds quantized CNN graphs with seeded random weights.
struct CnnBuilder {
  Graph g{"cnn"};
  std::mt19937 rng;
  unsigned bits;
  int layer = 0;
  CnnBuilder(unsigned seed, unsigned bits) : rng(seed), bits(bits) {}

  Location loc(const char *op) {
    return Location::onnxNode("cnn.onnx", fmt::format("n{}", layer), op,
                              layer, 13);
  }

  /// Requantization to \p outType spreading an accumulator of \p k terms.
  RequantAttrs requant(DType outType, int64_t k, int64_t n) {
    QuantRange oRange = getQuantRange(outType, bits);
    QuantRange wRange = getQuantRange(DType::I8, bits);
    double accStd = std::sqrt(double(k)) * double(oRange.max - oRange.min) *
                    double(wRange.max) / 4.0;
    RequantAttrs ra;
    ra.outType = outType;
    ra.outQuant = perTensor(0.05f, outType == DType::I8 ? -1 : 2, bits);
    std::uniform_real_distribution<double> md(0.5, 1.5);
    for (int64_t i = 0; i < n; ++i) {
      FixedPointMultiplier fm = quantizeMultiplier(
          md(rng) * double(oRange.max - oRange.min) / (3.0 * accStd));
      ra.multipliers.push_back(fm.multiplier);
      ra.shifts.push_back(fm.shift);
    }
    ra.clampMin = oRange.min;
    ra.clampMax = oRange.max;
    return ra;
  }

  ValueId weights(std::vector<int64_t> shape, int64_t axis) {
    QuantRange wRange = getQuantRange(DType::I8, bits);
    std::uniform_int_distribution<int64_t> wd(wRange.min, wRange.max);
    int64_t total = 1;
    for (int64_t d : shape)
      total *= d;
    std::vector<int8_t> wv(static_cast<size_t>(total));
    for (auto &v : wv)
      v = int8_t(wd(rng));
    Tensor w = Tensor::fromValues<int8_t>(shape, wv);
    TensorType wt = w.getType();
    QuantParams wq;
    wq.scales.assign(size_t(shape[size_t(axis)]), 0.01f);
    wq.zeroPoints.assign(size_t(shape[size_t(axis)]), 0);
    wq.axis = axis;
    wq.bits = bits == 8 ? 0 : bits;
    wt.quant = wq;
    w.setType(wt);
    return g.addConstant(std::move(w), fmt::format("w{}", layer));
  }

  ValueId bias(int64_t n) {
    std::uniform_int_distribution<int32_t> bd(-300, 300);
    std::vector<int32_t> bv(static_cast<size_t>(n));
    for (auto &v : bv)
      v = bd(rng);
    return g.addConstant(Tensor::fromValues<int32_t>({n}, bv),
                         fmt::format("b{}", layer));
  }

  ValueId conv(ValueId x, int64_t m, int64_t k, int64_t stride,
               std::vector<int64_t> pads, int64_t group, DType outType,
               int64_t dilation = 1) {
    ++layer;
    int64_t c = g.getType(x).shape[1];
    QConvAttrs qa;
    qa.conv.kernelShape = {k, k};
    qa.conv.strides = {stride, stride};
    qa.conv.dilations = {dilation, dilation};
    qa.conv.pads.assign(pads.begin(), pads.end());
    qa.conv.group = group;
    qa.requant = requant(outType, (c / group) * k * k, m);
    auto y = buildValue(g, OpKind::QConv,
                        {x, weights({m, c / group, k, k}, 0), bias(m)}, qa,
                        loc("Conv"), fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }

  ValueId maxPool(ValueId x, int64_t k, int64_t stride) {
    ++layer;
    PoolAttrs pa;
    pa.kernelShape = {k, k};
    pa.strides = {stride, stride};
    pa.dilations = {1, 1};
    pa.pads = {0, 0, 0, 0};
    auto y = buildValue(g, OpKind::MaxPool, {x}, pa, loc("MaxPool"),
                        fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }

  ValueId qadd(ValueId a, ValueId b, DType outType) {
    ++layer;
    QAddAttrs qa;
    qa.outType = outType;
    qa.outQuant = perTensor(0.08f, outType == DType::I8 ? 3 : 1, bits);
    qa.multiplierA = 700000;
    qa.multiplierB = 450000;
    qa.shift = 20;
    QuantRange r = getQuantRange(outType, bits);
    qa.clampMin = r.min;
    qa.clampMax = r.max;
    auto y = buildValue(g, OpKind::QAdd, {a, b}, qa, loc("Add"),
                        fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }

  ValueId fc(ValueId x, int64_t n, DType outType) {
    ++layer;
    auto f = buildValue(g, OpKind::Flatten, {x}, AxisAttrs{1}, {},
                        fmt::format("f{}", layer));
    EXPECT_TRUE(bool(f));
    int64_t k = g.getType(*f).shape[1];
    auto y = buildValue(g, OpKind::QMatMul,
                        {*f, weights({k, n}, 1), bias(n)},
                        requant(outType, k, n), loc("Gemm"),
                        fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }
};

DeviceConfig makeConfig(int64_t tracks, int64_t domains, int64_t ports) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.tracksPerMu = tracks;
  cfg.domainsPerTrack = domains;
  cfg.portsPerTrack = ports;
  cfg.musPerBank = 1024;
  cfg.banks = 1;
  return cfg;
}

/// The input of a CNN: f32 [1, 1, H, W] quantized to u8 with zero point 5
/// (so the materialised padding is not zero).
struct CnnInput {
  ValueId x, xq;
  float scale = 0;
  int64_t zp = 5;
};

CnnInput addInput(CnnBuilder &b, int64_t h, int64_t w) {
  CnnInput in;
  in.x = b.g.addInput(TensorType(DType::F32, {1, 1, h, w}), "x");
  QuantRange r = getQuantRange(DType::U8, b.bits);
  in.scale = 2.4f / float(r.max - r.min);
  QuantizeAttrs qa{DType::U8, perTensor(in.scale, in.zp, b.bits)};
  auto q = buildValue(b.g, OpKind::Quantize, {in.x}, qa, b.loc("Quantize"),
                      "xq");
  EXPECT_TRUE(bool(q));
  in.xq = *q;
  return in;
}

/// Finishes the graph at quantized value \p last, lowers it, simulates it
/// and compares every output word with interpret().
void checkCnn(CnnBuilder &b, const CnnInput &in, ValueId last,
              const DeviceConfig &cfg, unsigned seed) {
  SCOPED_TRACE(::testing::Message()
               << "seed " << seed << ", T=" << cfg.tracksPerMu
               << " D=" << cfg.domainsPerTrack << " P=" << cfg.portsPerTrack
               << " bits=" << b.bits);
  Graph &g = b.g;
  auto out = buildValue(g, OpKind::Dequantize, {last}, NoAttrs{},
                        b.loc("DequantizeLinear"), "out");
  ASSERT_TRUE(bool(out));
  g.addOutput(*out);
  auto model = lowerToRacetrack(g, cfg, "cnn.onnx");
  ASSERT_TRUE(bool(model)) << errorText(model.takeError());
  auto packed = packRtBin(*model, cfg);
  ASSERT_TRUE(bool(packed)) << errorText(packed.takeError());

  const TensorType &xt = g.getType(in.x);
  std::mt19937 rng(seed * 7919u + 1);
  std::uniform_real_distribution<float> xd(-1.2f, 1.2f);
  std::vector<float> xs(size_t(xt.getNumElements()));
  for (auto &v : xs)
    v = xd(rng);
  QuantRange inRange = getQuantRange(DType::U8, b.bits);
  std::vector<int64_t> words;
  for (float v : xs)
    words.push_back(quantizeValue(v, in.scale, in.zp, inRange));

  auto state = sim::MachineState::create(cfg);
  ASSERT_TRUE(bool(state)) << errorText(state.takeError());
  ASSERT_FALSE(bool(state->loadMemoryImage(model->memory)));
  state->hostInputs = {words};
  int64_t nOut = g.getType(last).getNumElements();
  state->hostOutputs = {std::vector<int64_t>(size_t(nOut), 0)};
  auto stats = sim::run(model->program, *state, cfg, model->layers, "cnn");
  ASSERT_TRUE(bool(stats)) << errorText(stats.takeError());

  Tensor xin = Tensor::fromValues<float>(xt.shape, xs);
  Graph wordsGraph = g;
  wordsGraph.setOutputs({last});
  auto golden = interpret(wordsGraph, {xin});
  ASSERT_TRUE(bool(golden)) << errorText(golden.takeError());
  const Tensor &gw = (*golden)[0];
  ASSERT_EQ(gw.getNumElements(), nOut);
  int64_t distinct = 0;
  for (int64_t i = 0; i < nOut; ++i) {
    ASSERT_EQ(state->hostOutputs[0][size_t(i)], gw.getAsInt64(i))
        << "output word " << i;
    distinct += gw.getAsInt64(i) != gw.getAsInt64(0);
  }
  EXPECT_GT(distinct, 0); // meaningful only if the outputs differ
}

/// conv (pad 1) -> conv (stride 2, asymmetric pads) -> max_pool -> flatten
/// -> qmatmul.
void checkConvPoolFc(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  CnnInput in = addInput(b, 9, 9);
  ValueId y = b.conv(in.xq, 6, 3, 1, {1, 1, 1, 1}, 1, DType::U8);
  y = b.conv(y, 7, 3, 2, {0, 1, 1, 0}, 1, DType::I8);
  y = b.maxPool(y, 2, 1);
  y = b.fc(y, 5, DType::I8);
  checkCnn(b, in, y, cfg, seed);
}

/// conv -> grouped conv (dilation 2) -> qadd with the conv -> global
/// average pool as a depthwise conv -> flatten -> qmatmul.
void checkGroupedAdd(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  CnnInput in = addInput(b, 7, 6);
  ValueId a = b.conv(in.xq, 8, 3, 1, {1, 1, 1, 1}, 1, DType::I8);
  ValueId c = b.conv(a, 8, 3, 1, {2, 2, 2, 2}, 4, DType::U8, 2);
  ValueId s = b.qadd(a, c, DType::U8);
  ValueId gap = b.conv(s, 8, 1, 1, {0, 0, 0, 0}, 8, DType::U8);
  ValueId y = b.fc(gap, 6, DType::U8);
  checkCnn(b, in, y, cfg, seed);
}

} // namespace

TEST(RacetrackLoweringCnn, ConvPoolFcEightBitTwoPorts) {
  for (unsigned seed : {1u, 2u})
    checkConvPoolFc(8, makeConfig(32, 16, 2), seed);
}

TEST(RacetrackLoweringCnn, ConvPoolFcFourBitFourPorts) {
  for (unsigned seed : {3u, 4u})
    checkConvPoolFc(4, makeConfig(32, 16, 4), seed);
}

TEST(RacetrackLoweringCnn, ConvPoolFcOddTracksDefaultDepth) {
  checkConvPoolFc(8, makeConfig(20, 64, 2), 5);
}

TEST(RacetrackLoweringCnn, GroupedConvQAddEightBit) {
  for (unsigned seed : {6u, 7u})
    checkGroupedAdd(8, makeConfig(32, 16, 2), seed);
}

TEST(RacetrackLoweringCnn, GroupedConvQAddFourBitFourPorts) {
  checkGroupedAdd(4, makeConfig(32, 32, 4), 8);
}

TEST(RacetrackLoweringCnn, MaxPoolWithPaddingIsRejected) {
  CnnBuilder b(9, 8);
  CnnInput in = addInput(b, 6, 6);
  ValueId y = b.conv(in.xq, 4, 3, 1, {1, 1, 1, 1}, 1, DType::U8);
  PoolAttrs pa;
  pa.kernelShape = {2, 2};
  pa.strides = {2, 2};
  pa.dilations = {1, 1};
  pa.pads = {1, 1, 1, 1};
  auto p = buildValue(b.g, OpKind::MaxPool, {y}, pa, b.loc("MaxPool"), "p");
  ASSERT_TRUE(bool(p));
  auto out = buildValue(b.g, OpKind::Dequantize, {*p}, NoAttrs{},
                        b.loc("DequantizeLinear"), "out");
  ASSERT_TRUE(bool(out));
  b.g.addOutput(*out);
  auto model = lowerToRacetrack(b.g, makeConfig(32, 16, 2), "cnn.onnx");
  ASSERT_FALSE(bool(model));
  std::string text = errorText(model.takeError());
  EXPECT_NE(text.find("max_pool with padding is not supported yet"),
            std::string::npos)
      << text;
}

//===- tests/unit/lower/CnnTestUtils.h - Quantized test graphs -*- C++ -*-===//
//
// Shared by the lowering tests: error text, quantization parameters and
// test devices; builds small quantized graphs in C++ (qconv 1-D/2-D, pools,
// qadd, qmatmul) with seeded random weights, lowers them, runs them on the
// bit-exact simulator (sim::runOnce, the host I/O of rtrun) and compares
// every output word with the integer golden model (interpret()).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/lower/Lowering.h"

#include "ir/Builder.h"
#include "ir/Diagnostics.h"
#include "ir/QuantMath.h"
#include "ir/reference/Interpreter.h"
#include "runtime/sim/HostIO.h"
#include "targets/racetrack/isa/ProgramFile.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace rtc::racetrack::lowertest {

/// All errors of \p err rendered as rtcc prints them.
inline std::string errorText(llvm::Error err) {
  std::string s;
  llvm::raw_string_ostream os(s);
  renderErrors(std::move(err), os, "rtcc");
  return os.str();
}

/// Per-tensor parameters (bits 0 means 8).
inline QuantParams perTensor(float scale, int64_t zp, unsigned bits) {
  QuantParams q;
  q.scales = {scale};
  q.zeroPoints = {zp};
  q.bits = bits == 8 ? 0 : bits;
  return q;
}

/// A test device: \p tracks x \p domains with \p ports, one bank of
/// \p mus MUs.
inline DeviceConfig makeConfig(int64_t tracks, int64_t domains, int64_t ports,
                               int64_t mus = 1024) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.tracksPerMu = tracks;
  cfg.domainsPerTrack = domains;
  cfg.portsPerTrack = ports;
  cfg.musPerBank = mus;
  cfg.banks = 1;
  return cfg;
}

/// \p n input values uniform in [-1.2, 1.2], seeded with \p seed.
inline std::vector<float> randomInput(int64_t n, unsigned seed) {
  std::mt19937 rng(seed * 7919u + 1);
  std::uniform_real_distribution<float> xd(-1.2f, 1.2f);
  std::vector<float> xs(static_cast<size_t>(n));
  for (auto &v : xs)
    v = xd(rng);
  return xs;
}

/// Random symmetric i8 weights of \p shape drawn from \p rng, \p bits wide,
/// per channel along \p axis (scales 0.01, zero points 0).
inline Tensor randomWeights(std::mt19937 &rng, std::vector<int64_t> shape,
                            int64_t axis, unsigned bits) {
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
  return w;
}

/// \p n random int32 biases in [-300, 300] drawn from \p rng.
inline Tensor randomBias(std::mt19937 &rng, int64_t n) {
  std::uniform_int_distribution<int32_t> bd(-300, 300);
  std::vector<int32_t> bv(static_cast<size_t>(n));
  for (auto &v : bv)
    v = bd(rng);
  return Tensor::fromValues<int32_t>({n}, bv);
}

/// Requantization to \p outType (scale 0.05, zero point \p zp, \p bits)
/// with \p n per-channel multipliers drawn from \p rng, scaled so that an
/// accumulator of standard deviation \p accStd spreads over about
/// 1 / \p spread of the output range (times a random 0.5..1.5).
inline RequantAttrs randomRequant(std::mt19937 &rng, DType outType, int64_t zp,
                                  unsigned bits, int64_t n, double accStd,
                                  double spread) {
  QuantRange oRange = getQuantRange(outType, bits);
  RequantAttrs ra;
  ra.outType = outType;
  ra.outQuant = perTensor(0.05f, zp, bits);
  std::uniform_real_distribution<double> md(0.5, 1.5);
  for (int64_t i = 0; i < n; ++i) {
    FixedPointMultiplier fm = quantizeMultiplier(
        md(rng) * double(oRange.max - oRange.min) / (spread * accStd));
    ra.multipliers.push_back(fm.multiplier);
    ra.shifts.push_back(fm.shift);
  }
  ra.clampMin = oRange.min;
  ra.clampMax = oRange.max;
  return ra;
}

/// Builds quantized graphs with seeded random weights: one f32 input, its
/// quantize, then layers appended by the member functions.
struct CnnBuilder {
  Graph g{"cnn"};
  std::mt19937 rng;
  unsigned bits;
  int layer = 0;
  ValueId x, xq; ///< the f32 graph input and its quantized value
  DType inType = DType::U8;
  float inScale = 0;
  int64_t inZeroPoint = 0;

  CnnBuilder(unsigned seed, unsigned bits) : rng(seed), bits(bits) {}

  Location loc(const char *op) {
    return Location::onnxNode("cnn.onnx", fmt::format("n{}", layer), op, layer,
                              13);
  }

  /// Adds the f32 input of \p shape, quantized to \p type with zero point
  /// \p zp (nonzero, so materialised padding is not all-zero bits) over
  /// about [-1.2, 1.2].
  ValueId input(std::vector<int64_t> shape, DType type = DType::U8,
                int64_t zp = 5) {
    x = g.addInput(TensorType(DType::F32, shape), "x");
    inType = type;
    inZeroPoint = zp;
    QuantRange r = getQuantRange(type, bits);
    inScale = 2.4f / float(r.max - r.min);
    QuantizeAttrs qa{type, perTensor(inScale, zp, bits)};
    auto q = buildValue(g, OpKind::Quantize, {x}, qa, loc("Quantize"), "xq");
    EXPECT_TRUE(bool(q)) << errorText(q.takeError());
    xq = *q;
    return xq;
  }

  /// Requantization to \p outType spreading an accumulator of \p k terms.
  RequantAttrs requant(DType outType, int64_t k, int64_t n) {
    QuantRange oRange = getQuantRange(outType, bits);
    QuantRange wRange = getQuantRange(DType::I8, bits);
    double accStd = std::sqrt(double(k)) * double(oRange.max - oRange.min) *
                    double(wRange.max) / 4.0;
    return randomRequant(rng, outType, outType == DType::I8 ? -1 : 2, bits, n,
                         accStd, 3.0);
  }

  /// Random symmetric i8 weights of \p shape, per channel along \p axis.
  ValueId weights(std::vector<int64_t> shape, int64_t axis) {
    return g.addConstant(randomWeights(rng, std::move(shape), axis, bits),
                         fmt::format("w{}", layer));
  }

  ValueId bias(int64_t n) {
    return g.addConstant(randomBias(rng, n), fmt::format("b{}", layer));
  }

  /// A qconv over \p x ([1, C, L] or [1, C, H, W]) with \p m outputs; the
  /// window vectors have one entry per spatial dim (pads: begins, ends).
  ValueId convNd(ValueId x, int64_t m, std::vector<int64_t> kernel,
                 std::vector<int64_t> strides, std::vector<int64_t> dilations,
                 std::vector<int64_t> pads, int64_t group, DType outType) {
    ++layer;
    int64_t c = g.getType(x).shape[1], taps = 1;
    QConvAttrs qa;
    qa.conv.kernelShape.assign(kernel.begin(), kernel.end());
    qa.conv.strides.assign(strides.begin(), strides.end());
    qa.conv.dilations.assign(dilations.begin(), dilations.end());
    qa.conv.pads.assign(pads.begin(), pads.end());
    qa.conv.group = group;
    std::vector<int64_t> wShape{m, c / group};
    for (int64_t k : kernel) {
      wShape.push_back(k);
      taps *= k;
    }
    qa.requant = requant(outType, (c / group) * taps, m);
    auto y = buildValue(g, OpKind::QConv, {x, weights(wShape, 0), bias(m)}, qa,
                        loc("Conv"), fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }

  /// A square 2-D qconv.
  ValueId conv(ValueId x, int64_t m, int64_t k, int64_t stride,
               std::vector<int64_t> pads, int64_t group, DType outType,
               int64_t dilation = 1) {
    return convNd(x, m, {k, k}, {stride, stride}, {dilation, dilation},
                  std::move(pads), group, outType);
  }

  /// A max_pool (or, with \p kind, another pool) with explicit attributes.
  ValueId pool(ValueId x, PoolAttrs pa, OpKind kind = OpKind::MaxPool) {
    ++layer;
    auto y = buildValue(g, kind, {x}, std::move(pa), loc("MaxPool"),
                        fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }

  /// A square unpadded 2-D max_pool.
  ValueId maxPool(ValueId x, int64_t k, int64_t stride) {
    PoolAttrs pa;
    pa.kernelShape = {k, k};
    pa.strides = {stride, stride};
    pa.dilations = {1, 1};
    pa.pads = {0, 0, 0, 0};
    return pool(x, pa);
  }

  ValueId globalMaxPool(ValueId x) {
    ++layer;
    auto y = buildValue(g, OpKind::GlobalMaxPool, {x}, NoAttrs{},
                        loc("GlobalMaxPool"), fmt::format("y{}", layer));
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

  /// qmatmul of \p x ([.., M, K]) with a [K, n] weight (no flatten).
  ValueId matmul(ValueId x, int64_t n, DType outType) {
    ++layer;
    int64_t k = g.getType(x).shape.back();
    auto y = buildValue(g, OpKind::QMatMul, {x, weights({k, n}, 1), bias(n)},
                        requant(outType, k, n), loc("Gemm"),
                        fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    return *y;
  }

  /// flatten to [1, K], then qmatmul.
  ValueId fc(ValueId x, int64_t n, DType outType) {
    auto f = buildValue(g, OpKind::Flatten, {x}, AxisAttrs{1}, {},
                        fmt::format("f{}", layer + 1));
    EXPECT_TRUE(bool(f));
    return matmul(*f, n, outType);
  }

  /// Appends dequantize of \p last as the graph output.
  void finish(ValueId last) {
    auto out = buildValue(g, OpKind::Dequantize, {last}, NoAttrs{},
                          loc("DequantizeLinear"), "out");
    ASSERT_TRUE(bool(out));
    g.addOutput(*out);
  }
};

/// Finishes the graph of \p b at quantized value \p last, lowers it for
/// \p cfg, simulates it on seeded random inputs and compares every output
/// word with interpret(); the outputs must not all be equal.
inline void checkCnn(CnnBuilder &b, ValueId last, const DeviceConfig &cfg,
                     unsigned seed) {
  SCOPED_TRACE(::testing::Message()
               << "seed " << seed << ", T=" << cfg.tracksPerMu
               << " D=" << cfg.domainsPerTrack << " P=" << cfg.portsPerTrack
               << " bits=" << b.bits);
  Graph &g = b.g;
  b.finish(last);
  auto model = lowerToRacetrack(g, cfg, "cnn.onnx");
  ASSERT_TRUE(bool(model)) << errorText(model.takeError());
  auto packed = packRtBin(*model, cfg);
  ASSERT_TRUE(bool(packed)) << errorText(packed.takeError());

  const TensorType &xt = g.getType(b.x);
  std::vector<float> xs = randomInput(xt.getNumElements(), seed);
  auto run = sim::runOnce(*model, cfg, {xs}, "cnn");
  ASSERT_TRUE(bool(run)) << errorText(run.takeError());
  ASSERT_EQ(run->outputWords.size(), 1u);
  const std::vector<int64_t> &words = run->outputWords[0];

  Tensor xin = Tensor::fromValues<float>(xt.shape, xs);
  Graph wordsGraph = g;
  wordsGraph.setOutputs({last});
  auto golden = interpret(wordsGraph, {xin});
  ASSERT_TRUE(bool(golden)) << errorText(golden.takeError());
  const Tensor &gw = (*golden)[0];
  int64_t nOut = gw.getNumElements();
  ASSERT_EQ(int64_t(words.size()), nOut);
  int64_t distinct = 0;
  for (int64_t i = 0; i < nOut; ++i) {
    ASSERT_EQ(words[size_t(i)], gw.getAsInt64(i)) << "output word " << i;
    distinct += gw.getAsInt64(i) != gw.getAsInt64(0);
  }
  EXPECT_GT(distinct, 0); // meaningful only if the outputs differ
}

/// Finishes the graph of \p b at \p last and \returns the lowering error
/// text ("" if it lowered).
inline std::string loweringError(CnnBuilder &b, ValueId last,
                                 const DeviceConfig &cfg) {
  b.finish(last);
  auto model = lowerToRacetrack(b.g, cfg, "cnn.onnx");
  if (model)
    return "";
  return errorText(model.takeError());
}

} // namespace rtc::racetrack::lowertest

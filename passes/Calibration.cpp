//===- passes/Calibration.cpp - Activation range calibration --------------===//
//
// Runs the float reference kernels node by node (evaluateNode) so that every
// intermediate tensor can be observed, not only the graph outputs. Constants
// are read from the graph instead of being re-evaluated per sample.
//
//===----------------------------------------------------------------------===//
#include "passes/Calibration.h"

#include "ir/reference/Interpreter.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace rtc;

/// A value worth calibrating: a float graph input or non-constant result.
static bool isCalibrated(const Graph &g, ValueId v) {
  if (!isFloatDType(g.getType(v).elemType))
    return false;
  const Node *producer = g.getProducer(v);
  return !producer || producer->kind != OpKind::Constant;
}

/// Runs \p g on \p sample and calls \p observe on every calibrated value.
static llvm::Error
runSample(const Graph &g, const Tensor &sample,
          llvm::function_ref<void(ValueId, const Tensor &)> observe) {
  std::vector<Tensor> values(g.getNumValues());
  ValueId input = g.getInputs()[0];
  values[input.index] = sample;
  if (isCalibrated(g, input))
    observe(input, sample);
  llvm::SmallVector<const Tensor *, 4> ops;
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    if (node.kind == OpKind::Constant)
      continue;
    ops.clear();
    for (ValueId op : node.operands) {
      const Tensor *c = g.getConstantValue(op);
      ops.push_back(c ? c : &values[op.index]);
    }
    auto results = evaluateNode(g, node, ops);
    if (!results)
      return results.takeError();
    for (size_t i = 0; i < node.results.size(); ++i) {
      ValueId r = node.results[i];
      values[r.index] = std::move((*results)[i]);
      if (isCalibrated(g, r))
        observe(r, values[r.index]);
    }
  }
  return llvm::Error::success();
}

/// Checks the graph signature against the samples.
static llvm::Error checkSamples(const Graph &g,
                                llvm::ArrayRef<Tensor> samples) {
  if (g.getInputs().size() != 1)
    return makeError({}, fmt::format("calibration feeds one input, but graph "
                                     "@{} has {}",
                                     g.getName().str(), g.getInputs().size()));
  if (samples.empty())
    return makeError({}, "calibration needs at least one sample");
  const TensorType &want = g.getType(g.getInputs()[0]);
  for (size_t i = 0; i < samples.size(); ++i) {
    TensorType got = samples[i].getType();
    if (got.elemType != want.elemType || got.shape != want.shape)
      return makeError({}, fmt::format("calibration sample {} has type {}, "
                                       "but the graph input is {}",
                                       i, got.str(), want.str()));
  }
  return llvm::Error::success();
}

/// Selects the k-th smallest of \p values (reordering them).
static float selectKth(std::vector<float> &values, size_t k) {
  std::nth_element(values.begin(), values.begin() + ptrdiff_t(k), values.end());
  return values[k];
}

/// The outward nearest-rank percentile range of \p values (see header).
static ValueRange percentileRange(std::vector<float> &values, double p) {
  if (values.empty())
    return {};
  double last = double(values.size() - 1);
  // The 1e-9 slack keeps exact ranks exact despite binary rounding of p.
  double lo = std::floor((100.0 - p) / 100.0 * last + 1e-9);
  double hi = std::ceil(p / 100.0 * last - 1e-9);
  lo = std::clamp(lo, 0.0, last);
  hi = std::clamp(hi, 0.0, last);
  ValueRange r;
  r.min = selectKth(values, size_t(lo));
  r.max = selectKth(values, size_t(hi));
  return r;
}

llvm::Expected<ActivationRanges> rtc::calibrate(const Graph &g,
                                                llvm::ArrayRef<Tensor> samples,
                                                const QuantOptions &opts) {
  if (auto err = checkSamples(g, samples))
    return err;
  bool percentile = opts.method == CalibMethod::Percentile;
  if (percentile && !(opts.percentile > 50.0 && opts.percentile <= 100.0))
    return makeError({}, fmt::format("calibration percentile {} must be in "
                                     "(50, 100]",
                                     opts.percentile));
  constexpr float inf = std::numeric_limits<float>::infinity();
  size_t numValues = g.getNumValues();
  std::vector<ValueRange> minMax(numValues, ValueRange{inf, -inf});
  std::vector<bool> seen(numValues, false);
  std::vector<std::vector<float>> pooled(percentile ? numValues : 0);

  auto observe = [&](ValueId v, const Tensor &t) {
    seen[v.index] = true;
    Tensor asFloat =
        t.getElemType() == DType::F32 ? Tensor() : t.castTo(DType::F32);
    llvm::ArrayRef<float> data = t.getElemType() == DType::F32
                                     ? t.getData<float>()
                                     : asFloat.getData<float>();
    ValueRange &r = minMax[v.index];
    for (float x : data) {
      if (std::isnan(x))
        continue;
      r.min = std::min(r.min, x);
      r.max = std::max(r.max, x);
      if (percentile)
        pooled[v.index].push_back(x);
    }
  };
  for (const Tensor &sample : samples)
    if (auto err = runSample(g, sample, observe))
      return err;

  ActivationRanges ranges;
  for (size_t i = 0; i < numValues; ++i) {
    if (!seen[i])
      continue;
    ValueRange r = minMax[i];
    if (r.min > r.max) // every observed value was NaN
      r = ValueRange{0.0f, 0.0f};
    if (percentile && !pooled[i].empty())
      r = percentileRange(pooled[i], opts.percentile);
    ranges.set(ValueId{uint32_t(i)}, r);
    if (percentile) // release the pooled values early
      std::vector<float>().swap(pooled[i]);
  }
  return ranges;
}

std::vector<Tensor> rtc::makeRandomCalibrationSet(const TensorType &type,
                                                  unsigned count,
                                                  uint64_t seed) {
  // std::mt19937_64's output sequence is fixed by the standard; the uniform
  // and normal transforms below are spelled out for the same reason.
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return (double(rng() >> 11) + 0.5) * 0x1p-53; };
  TensorType plain = type;
  plain.quant.reset();
  std::vector<Tensor> samples;
  for (unsigned s = 0; s < count; ++s) {
    Tensor t(plain);
    int64_t n = t.getNumElements();
    for (int64_t i = 0; i < n; i += 2) {
      // Box-Muller: two independent N(0, 1) values per pair of uniforms.
      double radius = std::sqrt(-2.0 * std::log(uniform()));
      double angle = 2.0 * M_PI * uniform();
      t.setFromDouble(i, radius * std::cos(angle));
      if (i + 1 < n)
        t.setFromDouble(i + 1, radius * std::sin(angle));
    }
    samples.push_back(std::move(t));
  }
  return samples;
}

//===- passes/Calibration.h - Activation range calibration -----*- C++ -*-===//
//
// Calibration runs the float reference interpreter (ir/reference) over a set
// of sample inputs and records, for every float activation (the graph input
// and every non-constant node result), the real range the quantizer maps to
// integers. It is a utility of the quantize pass (passes/Quantize.h) and is
// exposed separately so tools and tests can inspect the ranges.
//
// Methods (passes/Pipelines.h, CalibMethod):
//  * MinMax: the global minimum and maximum over all samples.
//  * Percentile p: over all observed values v_0 <= ... <= v_{n-1} of a
//    tensor (all samples pooled), min = v[floor(q_lo * (n - 1))] with
//    q_lo = (100 - p) / 100 and max = v[ceil(q_hi * (n - 1))] with
//    q_hi = p / 100 (the conservative "outward" nearest ranks; selected with
//    std::nth_element, so the result is deterministic).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/Tensor.h"
#include "passes/Pipelines.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rtc {

/// A calibrated real range.
struct ValueRange {
  float min = 0.0f;
  float max = 0.0f;
  bool operator==(const ValueRange &) const = default;
};

/// Calibrated ranges of the float values of one graph, indexed by ValueId.
class ActivationRanges {
public:
  /// \returns the range of \p v, or nullptr if \p v was not calibrated
  /// (a constant or a non-float value).
  const ValueRange *lookup(ValueId v) const {
    if (v.index >= ranges.size() || !ranges[v.index])
      return nullptr;
    return &*ranges[v.index];
  }
  void set(ValueId v, ValueRange r) {
    if (v.index >= ranges.size())
      ranges.resize(v.index + 1);
    ranges[v.index] = r;
  }

private:
  std::vector<std::optional<ValueRange>> ranges;
};

/// Runs \p g (single-input) on every tensor in \p samples (each with the
/// graph input's type) and records the range of the graph input and of
/// every non-constant float node result, by \p opts.method. \returns an
/// error if there are no samples, a sample's type differs from the input's,
/// the graph does not have exactly one input, or the interpreter fails.
llvm::Expected<ActivationRanges> calibrate(const Graph &g,
                                           llvm::ArrayRef<Tensor> samples,
                                           const QuantOptions &opts);

/// Number of samples and seed of the fallback calibration set.
constexpr unsigned defaultRandomCalibrationSamples = 16;
constexpr uint64_t defaultRandomCalibrationSeed = 0x5eed;

/// \returns \p count tensors of \p type (a float type) filled with seeded
/// standard-normal N(0, 1) values: the calibration set used when the user
/// gives none. Deterministic for a given seed on every platform (the
/// generator and the normal transform are implemented here, not taken from
/// <random>'s implementation-defined distributions).
std::vector<Tensor>
makeRandomCalibrationSet(const TensorType &type,
                         unsigned count = defaultRandomCalibrationSamples,
                         uint64_t seed = defaultRandomCalibrationSeed);

} // namespace rtc

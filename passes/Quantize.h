//===- passes/Quantize.h - Static post-training quantization ---*- C++ -*-===//
//
// `quantize`: rewrites a float graph into the integer golden model
// (ir/Ops.def quantized ops, arithmetic of ir/QuantMath.h) using activation
// ranges calibrated on sample inputs (passes/Calibration.h).
//
//   requires:   a verified single-input float graph on which the float
//               pipeline ran (passes/Pipelines.h): batch norm folded,
//               Relu/Clip fused into Conv/Gemm where possible.
//   guarantees: * the graph input is quantized once (`quantize`, per-tensor
//                 params from its calibrated range, u8 if one-sided) and
//                 every graph output is float (a `dequantize` before it);
//               * Conv with constant weights -> qconv; Gemm with constant B
//                 and MatMul with a constant 2-D B -> qmatmul: weights i8
//                 symmetric per output channel (qconv: axis 0; qmatmul: the
//                 last axis of a [K, N] constant), wbits bits; bias i32 with
//                 scale sx * sw[c]; output params from the calibrated range
//                 of the (activated) result; the fused activation becomes
//                 the requantization clamp;
//               * Add of two activations -> qadd (an Add whose only user
//                 is a Relu absorbs it into its clamp);
//               * data movement (reshape, flatten, transpose, squeeze,
//                 unsqueeze, identity, max pools, concat), the other
//                 avg_pools (below) and standalone relu run on the
//                 quantized tensor; their results keep the input's params
//                 (concat requantizes inputs whose params differ);
//               * global_avg_pool, and avg_pool whose windows all divide by
//                 the kernel size (count_include_pad or no pads, no
//                 ceil-mode window past the padded input) -> a depthwise
//                 qconv with equal weights 1/window (the pool's strides,
//                 dilations and pads), so the average gets its own
//                 calibrated range;
//               * every other float op runs in float between `dequantize`
//                 and `quantize` (statistic quantize.float-fallback);
//               * every int32 accumulation provably fits: a layer whose
//                 worst case max|x - zx| * sum|w| + |bias| >= 2^31 is a
//                 located error.
//   statistics: quantize.quantized (nodes turned into integer ops),
//               quantize.float-fallback (nodes left in float).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Tensor.h"
#include "passes/Calibration.h"
#include "passes/Pass.h"
#include "passes/Pipelines.h"

#include <memory>
#include <vector>

namespace rtc {

/// Quantizes \p g in place with the given calibrated \p ranges (computed on
/// \p g itself by calibrate()). Sets \p numQuantized (nodes turned into
/// integer ops) and \p numFallbacks (float nodes left in float). \returns
/// Changed::No, leaving \p g untouched, when nothing would run on integers
/// (no node quantized and no data movement on quantized tensors).
llvm::Expected<Changed> quantizeGraph(Graph &g, const ActivationRanges &ranges,
                                      const QuantOptions &opts,
                                      unsigned &numQuantized,
                                      unsigned &numFallbacks);

/// The `quantize` pass: calibrates \p g on its calibration set (or, if it
/// is empty, on makeRandomCalibrationSet() of the input type) and then
/// calls quantizeGraph().
class QuantizePass : public GraphPass {
public:
  QuantizePass(QuantOptions opts, std::vector<Tensor> calibration)
      : opts(opts), calibration(std::move(calibration)) {}
  llvm::StringRef getName() const override { return "quantize"; }
  llvm::StringRef getDescription() const override {
    return "Static post-training quantization to the integer golden model";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;

private:
  QuantOptions opts;
  std::vector<Tensor> calibration;
};

/// Creates the quantize pass with explicit options and calibration samples
/// (one tensor per sample, with the graph input's type).
std::unique_ptr<GraphPass> createQuantizePass(const QuantOptions &opts,
                                              std::vector<Tensor> calibration);

/// Factory used by the pass registry (passes/Passes.def): default options
/// (8 bits, min/max) and the random fallback calibration set.
std::unique_ptr<GraphPass> createQuantizePass();

} // namespace rtc

//===- passes/FoldBatchNorm.h - Fold BatchNorm into Conv/Gemm ---*- C++ -*-===//
//
// `fold-batchnorm`: an inference BatchNorm y = s * (z - mean) + beta, with
// s = scale / sqrt(var + epsilon), whose input z is produced by a Conv or a
// Gemm is folded into that producer's weights and bias, per output channel
// c (Conv: weight dim 0; Gemm: column c of B', i.e. row c of B when transB
// and column c otherwise):
//
//   w'[c, ...] = w[c, ...] * s[c]
//   b'[c]      = (b[c] - mean[c]) * s[c] + beta[c]        (b = 0 if absent)
//
// For Gemm, b is beta_gemm * C broadcast to [N] (or [M, N] when C has M > 1
// rows) and the new Gemm has beta = 1; alpha is kept. All constant math is
// float32, computed in exactly the order written above with s rounded to
// float first, so the folded graph differs from the original only by float
// rounding (the tests allow rtol 1e-4, atol 1e-5).
//
// Conditions (otherwise the BatchNorm is left alone):
//  * f32 throughout; the BatchNorm's scale, bias, mean and var are
//    constants; the producer's weight (and bias/C if present) are
//    constants;
//  * the producer has no fused activation (the BatchNorm would apply after
//    it), and its result has no user but the BatchNorm (and is not a graph
//    output), so nothing else observes the unscaled value.
// A standalone BatchNorm (no foldable producer, e.g. after a pool or at the
// graph input) is kept: the reference kernels and the backend implement
// BatchNorm directly, and rewriting it into Mul + Add would not make it
// cheaper.
//
//   requires:   a verified graph.
//   guarantees: the folded producer is replaced by a node of the same kind
//               with new constant weights and a bias, placed where the
//               BatchNorm was; the BatchNorm's result name moves to it; old
//               weight constants that became unused are erased (their names
//               move to the new constants); no erased node slots remain.
//   statistics: fold-batchnorm.folded = number of BatchNorms folded.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// Folds every foldable BatchNorm of \p g. \returns how many were folded.
unsigned foldBatchNorms(Graph &g);

/// The `fold-batchnorm` pass: a thin adapter over foldBatchNorms().
class FoldBatchNormPass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "fold-batchnorm"; }
  llvm::StringRef getDescription() const override {
    return "Fold BatchNorm into the weights and bias of a preceding "
           "Conv or Gemm";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createFoldBatchNormPass();

} // namespace rtc

//===- passes/Im2Col.h - Lower Conv to Im2Col + MatMul ----------*- C++ -*-===//
//
// `im2col`: rewrites every float Conv (any number of spatial dims the
// kernels support, any group count including depthwise, with or without
// bias and fused activation) into
//
//   cols = im2col x                       [N, C*K, L]     K = prod(kernel)
//   cols' = reshape cols                  [N, G, C/G*K, L]   (only G > 1)
//   y0 = matmul w', cols(')               [N, M, L] or [N, G, M/G, L]
//   y1 = reshape y0                       [N, M, O1, ..., Or]
//   y2 = add y1, b'                       b' = bias as [M, 1, ..., 1]
//   y  = relu y2 / clip y2                the fused activation, if any
//
// where w' is the weight [M, C/G, K1..Kr] viewed as [M, C/G*K] (G = 1) or
// [G, M/G, C/G*K] (its data is unchanged: output channels of a group are
// contiguous, and so are a group's rows of cols). A constant weight (or
// bias) becomes a new constant of the new shape directly; otherwise a
// Reshape node is emitted. MatMul has no fused activation, so an activation
// becomes a Relu or Clip node again.
//
// The summation order differs from the direct Conv kernel (padding taps
// add explicit zeros), so results agree up to float rounding.
//
// An ungrouped QConv with a constant weight is lowered exactly (the integer
// golden model gives byte-identical results) into
//
//   cols = im2col x {pad_value = zx}      [N, C*K, L]   x's own parameters
//   colsT = transpose cols [0, 2, 1]      [N, L, C*K]
//   y0 = qmatmul colsT, wT(, bias)        [N, L, M]     same requant attrs
//   y1 = transpose y0 [0, 2, 1]           [N, M, L]
//   y  = reshape y1                       [N, M, O1, ..., Or]  (r > 1)
//
// where wT is the constant weight as [C*K, M] (W^T; per-axis parameters
// move from axis 0 to axis 1, so qmatmul's per-last-dim zero points and
// multipliers index the output channel) and the bias (i32 [M]) is passed
// unchanged. Padding taps hold zx, so they contribute (zx - zx) * w = 0 as
// in the direct kernel; every accumulator is the same exact integer sum.
// A grouped QConv (including depthwise) is NOT lowered: qmatmul has one set
// of per-column parameters for all batch entries, so a batched [G, ...]
// weight cannot carry each group's zero points and multipliers, and there
// is no Slice op to emit G separate products. A QConv whose weight is not
// a constant is not lowered either (its per-axis parameters cannot be
// moved by a Transpose node). Both are left unchanged.
//
//   requires:   a verified graph.
//   guarantees: no float Conv and no ungrouped constant-weight QConv
//               remains; the last node of each lowering takes the conv's
//               result name; no erased node slots remain.
//   errors:     none expected (a shape-inference failure on the emitted
//               nodes is an internal error reported at the Conv).
//   statistics: im2col.lowered = number of Conv and QConv nodes lowered.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// Lowers every float Conv and every ungrouped constant-weight QConv of
/// \p g. \returns how many were lowered.
llvm::Expected<unsigned> lowerConvsToIm2Col(Graph &g);

/// The `im2col` pass: a thin adapter over lowerConvsToIm2Col().
class Im2ColPass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "im2col"; }
  llvm::StringRef getDescription() const override {
    return "Lower Conv to Im2Col + MatMul (+ bias Add and activation)";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createIm2ColPass();

} // namespace rtc

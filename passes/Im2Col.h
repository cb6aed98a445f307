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
// Quantized convolution (QConv) is not lowered yet: it is left unchanged.
//
//   requires:   a verified graph.
//   guarantees: no float Conv remains; the last node of each lowering takes
//               the Conv's result name; no erased node slots remain.
//   errors:     none expected (a shape-inference failure on the emitted
//               nodes is an internal error reported at the Conv).
//   statistics: im2col.lowered = number of Conv nodes lowered.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// Lowers every float Conv of \p g. \returns how many were lowered.
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

//===- passes/FuseActivation.h - Fuse bias and activations ------*- C++ -*-===//
//
// `fuse-activation`: merges the element-wise tail of a Conv or Gemm into the
// node, so the backend sees one "linear op + bias + activation" unit:
//  1. MatMul(a, w) + b, with a 2-D, w a constant 2-D f32 matrix and b a
//     constant of shape [N] or [1, N] (N = w's columns): becomes
//     Gemm(a, w, b[N]). (Add operands in either order.)
//  2. Conv(x, w) without bias + b, with b a constant that broadcasts along
//     the channel dim only (e.g. [1, M, 1, 1] or [M, 1, 1] for 2-D
//     convolutions): becomes Conv(x, w, b[M]). Likewise Gemm(a, w) without
//     C + b[N] / b[1, N] becomes Gemm(a, w, b[N]) with beta = 1.
//  3. Conv or Gemm followed by Relu or Clip: the activation moves into the
//     node's attrs.activation (ir/Attrs.h FusedActivation; Clip keeps its
//     bounds).
// A rewrite applies only when the producer's result has exactly one user
// (the Add or the activation) and is not a graph output, the Add's result
// has the producer's type (the bias does not broadcast the result to a
// larger shape), and the producer has no activation yet (a bias or a second
// activation after an activation cannot be fused). Patterns chain:
// MatMul + Add + Relu becomes one Gemm with a fused Relu.
//
//   requires:   a verified graph.
//   guarantees: the patterns above no longer occur; a fused node takes the
//               result name of the last node it absorbed; no erased node
//               slots remain.
//   statistics: fuse-activation.bias = biases fused (patterns 1 and 2),
//               fuse-activation.activation = activations fused (pattern 3).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// What fuseActivations() did.
struct FusionCounts {
  unsigned biases = 0;
  unsigned activations = 0;
};

/// Applies the fusions of the header to \p g.
FusionCounts fuseActivations(Graph &g);

/// The `fuse-activation` pass: a thin adapter over fuseActivations().
class FuseActivationPass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "fuse-activation"; }
  llvm::StringRef getDescription() const override {
    return "Fuse bias adds and Relu/Clip into Conv and Gemm";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createFuseActivationPass();

} // namespace rtc

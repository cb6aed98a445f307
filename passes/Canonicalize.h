//===- passes/Canonicalize.h - Remove no-op nodes ---------------*- C++ -*-===//
//
// `canonicalize`: removes nodes that compute nothing, so later passes match
// fewer shapes of the same computation:
//  * Identity (also what the importer makes of inference-mode Dropout);
//  * Reshape to the operand's own shape;
//  * Reshape of a Reshape: the outer one reads the inner one's operand
//    directly (the inner one is erased when nothing else uses it);
//  * Transpose with the identity permutation;
//  * Pad whose pads are all zero (any mode);
//  * Squeeze / Unsqueeze with no axes.
// Each removed node's result is replaced by its operand everywhere (graph
// outputs included). Flatten is kept even when it does not change the
// shape: it is the importer's faithful form of ONNX Flatten and costs
// nothing.
//
//   requires:   a verified graph.
//   guarantees: none of the patterns above remains; idempotent (running it
//               twice gives the same graph as once); no erased node slots.
//   statistics: canonicalize.removed = number of nodes removed or bypassed.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// Applies the canonicalizations to \p g in one forward sweep. \returns the
/// number of nodes removed or rewritten (0: nothing changed).
unsigned canonicalizeGraph(Graph &g);

/// The `canonicalize` pass: a thin adapter over canonicalizeGraph().
class CanonicalizePass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "canonicalize"; }
  llvm::StringRef getDescription() const override {
    return "Remove identities and no-op reshape/transpose/pad nodes";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createCanonicalizePass();

} // namespace rtc

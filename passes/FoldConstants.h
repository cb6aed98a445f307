//===- passes/FoldConstants.h - Constant folding ----------------*- C++ -*-===//
//
// `fold-constants`: every node whose operands are all produced by Constant
// nodes is evaluated with the reference kernels (evaluateNode in
// ir/reference/Interpreter.h, the one implementation of op semantics) and
// turned into a Constant node holding the result. The node is rewritten in
// place, so its result keeps its ValueId, name and type; the operand
// constants it no longer uses are erased.
//
// Dequantize nodes are never folded (they carry pre-quantized weights).
//
//   requires:   a verified graph.
//   guarantees: no node other than Constant has only Constant operands,
//               except nodes whose result would exceed maxFoldedElements
//               elements (1M): folding them would bloat the model with a
//               large constant that is cheap to compute at run time (e.g.
//               an Expand-like broadcast of a small constant).
//   errors:     a node the reference kernels cannot evaluate on its
//               constant operands (e.g. integer division by zero, an
//               unsupported element type) is reported at the node; such a
//               node would fail the same way when the model runs.
//   statistics: fold-constants.folded = number of nodes folded.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <cstdint>
#include <memory>

namespace rtc {

/// Results larger than this many elements are not folded.
constexpr int64_t maxFoldedElements = int64_t(1) << 20;

/// Folds every foldable node of \p g in one forward sweep (a folded node
/// makes its users foldable in the same sweep). \returns the number of
/// nodes folded, or the error of the first node that cannot be evaluated.
llvm::Expected<unsigned> foldConstants(Graph &g);

/// The `fold-constants` pass: a thin adapter over foldConstants().
class FoldConstantsPass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "fold-constants"; }
  llvm::StringRef getDescription() const override {
    return "Evaluate nodes whose operands are all constant";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createFoldConstantsPass();

} // namespace rtc

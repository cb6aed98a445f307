//===- passes/DeadNodeElim.h - Dead node elimination ------------*- C++ -*-===//
//
// `dce`: erases every node none of whose results is (transitively) used by
// a graph output, then compacts the graph.
//
//   requires:   a graph in topological order (verified).
//   guarantees: every remaining node contributes to some graph output;
//               no erased node slots remain (ids are renumbered densely);
//               graph inputs are kept even when unused (they are the
//               signature).
//   statistics: dce.erased = number of nodes erased.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// Erases the nodes of \p g whose results do not reach a graph output and
/// compacts \p g if it holds erased nodes. \returns the number of nodes
/// this call erased (0: nothing changed).
unsigned eraseDeadNodes(Graph &g);

/// The `dce` pass: a thin adapter over eraseDeadNodes().
class DeadNodeElimPass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "dce"; }
  llvm::StringRef getDescription() const override {
    return "Erase nodes whose results are not used by any output";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createDeadNodeElimPass();

} // namespace rtc

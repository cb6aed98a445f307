//===- passes/DeadNodeElim.cpp - Dead node elimination --------------------===//
//
// One backward sweep suffices because nodes are in topological order: when
// a node is visited, every user of its results has been visited already.
//
//===----------------------------------------------------------------------===//
#include "passes/DeadNodeElim.h"

#include <vector>

using namespace rtc;

unsigned rtc::eraseDeadNodes(Graph &g) {
  std::vector<bool> live(g.getNumValues(), false);
  for (ValueId out : g.getOutputs())
    live[out.index] = true;
  llvm::SmallVector<NodeId, 0> ids = g.getNodeIds();
  unsigned erased = 0;
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const Node &node = g.getNode(*it);
    bool used =
        llvm::any_of(node.results, [&](ValueId r) { return live[r.index]; });
    if (!used) {
      g.eraseNode(*it);
      ++erased;
      continue;
    }
    for (ValueId op : node.operands)
      live[op.index] = true;
  }
  // Also drop erased slots other passes may have left behind.
  if (g.getNumNodeSlots() != g.getNumNodes())
    g.compact();
  return erased;
}

llvm::Expected<Changed> DeadNodeElimPass::run(Graph &g, PassContext &ctx) {
  unsigned erased = eraseDeadNodes(g);
  if (erased == 0)
    return Changed::No;
  ctx.stats().add(getName(), "erased", erased);
  return Changed::Yes;
}

std::unique_ptr<GraphPass> rtc::createDeadNodeElimPass() {
  return std::make_unique<DeadNodeElimPass>();
}

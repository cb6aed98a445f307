//===- passes/Canonicalize.cpp - Remove no-op nodes -----------------------===//
//
// One forward sweep suffices: removing a node never makes an earlier node a
// no-op, and a Reshape chain collapses as the sweep reaches each link.
//
//===----------------------------------------------------------------------===//
#include "passes/Canonicalize.h"

#include "passes/RewriteUtils.h"

#include "llvm/ADT/STLExtras.h"

using namespace rtc;

/// \returns true if \p node computes its operand unchanged.
static bool isNoOp(const Graph &g, const Node &node) {
  switch (node.kind) {
  case OpKind::Identity:
    return true;
  case OpKind::Reshape:
    return g.getType(node.operands[0]) == g.getType(node.results[0]);
  case OpKind::Transpose: {
    const auto &perm = node.getAttrs<TransposeAttrs>().perm;
    for (size_t i = 0; i < perm.size(); ++i)
      if (perm[i] != int64_t(i))
        return false;
    return true;
  }
  case OpKind::Pad:
    return llvm::all_of(node.getAttrs<PadAttrs>().pads,
                        [](int64_t p) { return p == 0; });
  case OpKind::Squeeze:
  case OpKind::Unsqueeze:
    return node.getAttrs<AxesAttrs>().axes.empty();
  default:
    return false;
  }
}

/// Reshape(Reshape(x)) -> Reshape(x). \returns true if rewritten.
static bool bypassInnerReshape(Graph &g, NodeId id) {
  Node &node = g.getNode(id);
  if (node.kind != OpKind::Reshape)
    return false;
  ValueId inner = node.operands[0];
  const Node *producer = g.getProducer(inner);
  if (!producer || producer->erased || producer->kind != OpKind::Reshape)
    return false;
  ValueId source = producer->operands[0];
  NodeId producerId = g.getValue(inner).producer;
  node.operands[0] = source;
  if (rewrite::isUnused(g, inner))
    g.eraseNode(producerId);
  return true;
}

unsigned rtc::canonicalizeGraph(Graph &g) {
  unsigned changed = 0;
  for (NodeId id : g.getNodeIds()) {
    if (g.getNode(id).erased)
      continue;
    if (bypassInnerReshape(g, id))
      ++changed;
    const Node &node = g.getNode(id);
    // Uses can switch to the operand only if the types agree (they do for
    // every verified no-op; the check keeps the rewrite safe regardless).
    if (!isNoOp(g, node) ||
        g.getType(node.operands[0]) != g.getType(node.results[0]))
      continue;
    g.replaceAllUsesWith(node.results[0], node.operands[0]);
    g.eraseNode(id);
    ++changed;
  }
  if (changed)
    g.compact();
  return changed;
}

llvm::Expected<Changed> CanonicalizePass::run(Graph &g, PassContext &ctx) {
  unsigned changed = canonicalizeGraph(g);
  if (changed == 0)
    return Changed::No;
  ctx.stats().add(getName(), "removed", changed);
  return Changed::Yes;
}

std::unique_ptr<GraphPass> rtc::createCanonicalizePass() {
  return std::make_unique<CanonicalizePass>();
}

//===- passes/FoldConstants.cpp - Constant folding ------------------------===//
//
// One forward sweep in topological order: a node is folded when all its
// operands are Constant results, which includes constants created earlier in
// the same sweep, so chains fold completely in one run. The node becomes a
// Constant in place (kind, operands and attributes replaced) rather than
// being replaced by a new node: its result value, name and position stay,
// so no use has to be rewritten and node ids do not shift during the sweep.
//
//===----------------------------------------------------------------------===//
#include "passes/FoldConstants.h"

#include "ir/reference/Interpreter.h"
#include "passes/RewriteUtils.h"

using namespace rtc;

/// \returns true if \p node is a candidate: not a Constant, at least one
/// operand, all operands constant, and a result of bounded size.
/// Dequantize is never folded: dequantize(const) is how a pre-quantized
/// model carries its integer weights, which fold-qdq turns into integer
/// ops; folding would replace them by float weights.
static bool isFoldable(const Graph &g, const Node &node) {
  if (node.kind == OpKind::Constant || node.kind == OpKind::Dequantize ||
      node.operands.empty())
    return false;
  for (ValueId op : node.operands)
    if (!g.getConstantValue(op))
      return false;
  for (ValueId r : node.results)
    if (g.getType(r).getNumElements() > maxFoldedElements)
      return false;
  return true;
}

/// Evaluates \p id and turns it into a Constant node; erases operand
/// constants that became unused.
static llvm::Error foldNode(Graph &g, NodeId id) {
  const Node &node = g.getNode(id);
  llvm::SmallVector<const Tensor *, 4> operands;
  for (ValueId op : node.operands)
    operands.push_back(g.getConstantValue(op));
  auto results = evaluateNode(g, node, operands);
  if (!results)
    return results.takeError();
  assert(results->size() == 1 && node.results.size() == 1 &&
         "graph ops have one result");

  llvm::SmallVector<ValueId, 4> oldOperands = node.operands;
  Node &mutableNode = g.getNode(id);
  mutableNode.kind = OpKind::Constant;
  mutableNode.operands.clear();
  mutableNode.attrs = ConstantAttrs{std::move((*results)[0])};
  for (ValueId op : oldOperands)
    rewrite::eraseConstantIfDead(g, op);
  return llvm::Error::success();
}

llvm::Expected<unsigned> rtc::foldConstants(Graph &g) {
  unsigned folded = 0;
  for (NodeId id : g.getNodeIds()) {
    if (g.getNode(id).erased || !isFoldable(g, g.getNode(id)))
      continue;
    if (llvm::Error err = foldNode(g, id))
      return err;
    ++folded;
  }
  if (folded)
    g.compact();
  return folded;
}

llvm::Expected<Changed> FoldConstantsPass::run(Graph &g, PassContext &ctx) {
  auto folded = foldConstants(g);
  if (!folded)
    return folded.takeError();
  if (*folded == 0)
    return Changed::No;
  ctx.stats().add(getName(), "folded", *folded);
  return Changed::Yes;
}

std::unique_ptr<GraphPass> rtc::createFoldConstantsPass() {
  return std::make_unique<FoldConstantsPass>();
}

//===- passes/RewriteUtils.h - Small graph-rewrite helpers ------*- C++ -*-===//
//
// Helpers shared by the graph passes (canonicalize, fold-constants,
// fold-batchnorm, fuse-activation, im2col): use queries, constant creation
// and the "replace this value, erase that node" step with name transfer.
// Header-only so that no build file changes when a pass starts using them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include <string>
#include <utility>

namespace rtc::rewrite {

/// \returns true if \p v is used by exactly one live node operand (once)
/// and is not a graph output: the producer may then be rewritten together
/// with that single user.
inline bool hasSingleUse(const Graph &g, ValueId v) {
  return !g.isGraphOutput(v) && g.getUsers(v).size() == 1;
}

/// \returns the single user of \p v (see hasSingleUse), or an invalid id.
inline NodeId getSingleUser(const Graph &g, ValueId v) {
  if (g.isGraphOutput(v))
    return NodeId{};
  llvm::SmallVector<NodeId, 4> users = g.getUsers(v);
  return users.size() == 1 ? users[0] : NodeId{};
}

/// \returns true if \p v is neither used by a live node nor a graph output.
inline bool isUnused(const Graph &g, ValueId v) {
  return !g.isGraphOutput(v) && g.getUsers(v).empty();
}

/// Inserts a Constant node holding \p value before \p pos. \returns its
/// result. NodeIds at or after \p pos shift by one.
inline ValueId insertConstantBefore(Graph &g, NodeId pos, Tensor value,
                                    std::string name = "",
                                    Location loc = {}) {
  TensorType type = value.getType();
  NodeId n = g.insertNodeBefore(pos, OpKind::Constant, {}, {type},
                                ConstantAttrs{std::move(value)},
                                std::move(loc), {std::move(name)});
  return g.getNode(n).results[0];
}

/// Replaces every use of \p from by \p to and gives \p to the name of
/// \p from (when \p from has one): \p to now computes what \p from
/// computed, so it keeps the name users and graph outputs know it by.
inline void replaceValue(Graph &g, ValueId from, ValueId to) {
  g.replaceAllUsesWith(from, to);
  std::string name = std::move(g.getValue(from).name);
  g.getValue(from).name.clear();
  if (!name.empty())
    g.getValue(to).name = std::move(name);
}

/// Erases the node producing \p v if it is a Constant nobody uses any more,
/// moving its name to \p heir (when valid and unnamed). Keeps folded
/// weights under their original names and the graph free of dead
/// constants without a separate dce run.
inline void eraseConstantIfDead(Graph &g, ValueId v, ValueId heir = {}) {
  const ValueInfo &info = g.getValue(v);
  if (!info.producer.isValid())
    return;
  Node &node = g.getNode(info.producer);
  if (node.erased || node.kind != OpKind::Constant || !isUnused(g, v))
    return;
  std::string name = std::move(g.getValue(v).name);
  g.getValue(v).name.clear();
  g.eraseNode(info.producer);
  if (heir.isValid() && g.getValue(heir).name.empty())
    g.getValue(heir).name = std::move(name);
}

} // namespace rtc::rewrite

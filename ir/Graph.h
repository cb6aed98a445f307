//===- ir/Graph.h - The graph IR -------------------------------*- C++ -*-===//
//
// A Graph is a copyable value: nodes and values live in vectors and refer to
// each other by index (ValueId, NodeId), so copying a graph is a deep clone
// and operator== compares structure.
//
// Invariants (checked by verify() in ir/Verifier.h):
//  * nodes are in topological order: a node's operands are graph inputs or
//    results of earlier nodes;
//  * every value is defined once (a graph input or one node result);
//  * node operand counts match ir/Ops.def and result types match shape
//    inference;
//  * no live node uses an erased node's result; outputs are defined.
//
// Values are never removed (ValueIds are stable) until compact(); erased
// nodes are skipped by node iteration until compact().
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Attrs.h"
#include "ir/Diagnostics.h"
#include "ir/Types.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtc {

/// The kind of a graph operation; one enumerator per ir/Ops.def entry.
enum class OpKind : uint8_t {
#define OP(Name, Mnemonic, AttrsT, MinOps, MaxOps, NumRes) Name,
#include "ir/Ops.def"
};

/// Static facts about an op kind, from ir/Ops.def.
struct OpInfo {
  llvm::StringRef name;     ///< C++ enumerator name, e.g. "MaxPool".
  llvm::StringRef mnemonic; ///< Textual IR spelling, e.g. "max_pool".
  int minOperands;
  int maxOperands; ///< -1: variadic.
  int numResults;
};
const OpInfo &getOpInfo(OpKind kind);
llvm::StringRef getOpMnemonic(OpKind kind);
/// \returns the op whose mnemonic is \p mnemonic, or nullopt.
std::optional<OpKind> lookupOpMnemonic(llvm::StringRef mnemonic);
/// \returns the number of op kinds.
unsigned getNumOpKinds();
/// \returns a default-constructed attribute struct of the right alternative.
Attrs getDefaultAttrs(OpKind kind);
/// \returns true if \p attrs holds the alternative \p kind expects.
bool hasAttrsOfRightKind(OpKind kind, const Attrs &attrs);

/// Index of a value in its graph.
struct ValueId {
  uint32_t index = ~0u;
  bool isValid() const { return index != ~0u; }
  bool operator==(const ValueId &) const = default;
  auto operator<=>(const ValueId &) const = default;
};

/// Index of a node in its graph.
struct NodeId {
  uint32_t index = ~0u;
  bool isValid() const { return index != ~0u; }
  bool operator==(const NodeId &) const = default;
  auto operator<=>(const NodeId &) const = default;
};

/// A value: a graph input or a node result.
struct ValueInfo {
  TensorType type;
  /// Name from the source (ONNX tensor name or textual %name); may be empty.
  std::string name;
  /// The defining node; invalid for graph inputs.
  NodeId producer;
  /// Which result of the producer this is.
  uint32_t resultIndex = 0;

  bool operator==(const ValueInfo &) const = default;
};

/// One operation.
struct Node {
  OpKind kind = OpKind::Identity;
  llvm::SmallVector<ValueId, 4> operands;
  llvm::SmallVector<ValueId, 1> results;
  Attrs attrs;
  Location loc;
  bool erased = false;

  /// Typed attribute access; asserts that the node holds \p T.
  template <typename T> const T &getAttrs() const {
    return std::get<T>(attrs);
  }
  template <typename T> T &getAttrs() { return std::get<T>(attrs); }

  /// Structural equality; locations are ignored.
  bool operator==(const Node &o) const {
    return kind == o.kind && operands == o.operands && results == o.results &&
           attrs == o.attrs && erased == o.erased;
  }
};

/// A dataflow graph in topological order.
class Graph {
public:
  Graph() = default;
  explicit Graph(std::string name) : name(std::move(name)) {}

  llvm::StringRef getName() const { return name; }
  void setName(std::string n) { name = std::move(n); }

  //===--- Construction --------------------------------------------------===//

  /// Adds a graph input.
  ValueId addInput(TensorType type, std::string name = "");
  /// Appends a node (it must come after the producers of its operands) with
  /// results of the given types. Does not infer types: see ir/Builder.h.
  NodeId addNode(OpKind kind, llvm::ArrayRef<ValueId> operands,
                 llvm::ArrayRef<TensorType> resultTypes, Attrs attrs,
                 Location loc = {},
                 llvm::ArrayRef<std::string> resultNames = {});
  /// Inserts a node before \p pos (shifting later NodeIds by one).
  NodeId insertNodeBefore(NodeId pos, OpKind kind,
                          llvm::ArrayRef<ValueId> operands,
                          llvm::ArrayRef<TensorType> resultTypes, Attrs attrs,
                          Location loc = {},
                          llvm::ArrayRef<std::string> resultNames = {});
  /// Convenience: appends a Constant node holding \p value.
  ValueId addConstant(Tensor value, std::string name = "", Location loc = {});
  /// Marks \p v as a graph output.
  void addOutput(ValueId v) { outputs.push_back(v); }
  void setOutputs(llvm::ArrayRef<ValueId> vs) {
    outputs.assign(vs.begin(), vs.end());
  }

  //===--- Access --------------------------------------------------------===//

  llvm::ArrayRef<ValueId> getInputs() const { return inputs; }
  llvm::ArrayRef<ValueId> getOutputs() const { return outputs; }
  size_t getNumValues() const { return values.size(); }
  /// Number of node slots, erased ones included.
  size_t getNumNodeSlots() const { return nodes.size(); }
  /// Number of live (non-erased) nodes.
  size_t getNumNodes() const;

  const ValueInfo &getValue(ValueId v) const { return values[v.index]; }
  ValueInfo &getValue(ValueId v) { return values[v.index]; }
  const TensorType &getType(ValueId v) const { return values[v.index].type; }
  const Node &getNode(NodeId n) const { return nodes[n.index]; }
  Node &getNode(NodeId n) { return nodes[n.index]; }

  /// Ids of the live nodes in topological order.
  llvm::SmallVector<NodeId, 0> getNodeIds() const;
  /// The producer of \p v, or nullptr for graph inputs.
  const Node *getProducer(ValueId v) const;
  /// The constant value of \p v if it is produced by a Constant node.
  const Tensor *getConstantValue(ValueId v) const;
  bool isGraphInput(ValueId v) const;
  bool isGraphOutput(ValueId v) const;

  /// Live nodes using \p v as an operand, in order (a node using it twice
  /// appears twice). O(nodes): compute once per pass where it matters.
  llvm::SmallVector<NodeId, 4> getUsers(ValueId v) const;
  /// Number of uses of each value by live nodes and graph outputs,
  /// indexed by ValueId::index.
  std::vector<uint32_t> computeUseCounts() const;

  //===--- Mutation ------------------------------------------------------===//

  /// Replaces every use of \p from (node operands and graph outputs) by
  /// \p to.
  void replaceAllUsesWith(ValueId from, ValueId to);
  /// Marks \p n erased; its results must have no remaining uses.
  void eraseNode(NodeId n);
  /// Drops erased nodes and values that are neither used nor defined by a
  /// live node or graph input, renumbering ids densely in order.
  void compact();

  /// Structural equality (names included, locations ignored).
  bool operator==(const Graph &o) const {
    return name == o.name && inputs == o.inputs && outputs == o.outputs &&
           values == o.values && nodes == o.nodes;
  }

private:
  std::string name;
  std::vector<ValueInfo> values;
  std::vector<Node> nodes;
  llvm::SmallVector<ValueId, 4> inputs;
  llvm::SmallVector<ValueId, 4> outputs;
};

} // namespace rtc

//===- ir/Graph.cpp - The graph IR ----------------------------------------===//
#include "ir/Graph.h"

#include <cassert>

using namespace rtc;

static const OpInfo opInfos[] = {
#define OP(Name, Mnemonic, AttrsT, MinOps, MaxOps, NumRes)                     \
  {#Name, Mnemonic, MinOps, MaxOps, NumRes},
#include "ir/Ops.def"
};

const OpInfo &rtc::getOpInfo(OpKind kind) {
  return opInfos[static_cast<unsigned>(kind)];
}

llvm::StringRef rtc::getOpMnemonic(OpKind kind) {
  return getOpInfo(kind).mnemonic;
}

unsigned rtc::getNumOpKinds() { return std::size(opInfos); }

std::optional<OpKind> rtc::lookupOpMnemonic(llvm::StringRef mnemonic) {
  for (unsigned i = 0, e = getNumOpKinds(); i != e; ++i)
    if (opInfos[i].mnemonic == mnemonic)
      return static_cast<OpKind>(i);
  return std::nullopt;
}

Attrs rtc::getDefaultAttrs(OpKind kind) {
  switch (kind) {
#define OP(Name, Mnemonic, AttrsT, MinOps, MaxOps, NumRes)                     \
  case OpKind::Name:                                                           \
    return AttrsT{};
#include "ir/Ops.def"
  }
  return NoAttrs{};
}

bool rtc::hasAttrsOfRightKind(OpKind kind, const Attrs &attrs) {
  switch (kind) {
#define OP(Name, Mnemonic, AttrsT, MinOps, MaxOps, NumRes)                     \
  case OpKind::Name:                                                           \
    return std::holds_alternative<AttrsT>(attrs);
#include "ir/Ops.def"
  }
  return false;
}

ValueId Graph::addInput(TensorType type, std::string valueName) {
  ValueId id{uint32_t(values.size())};
  values.push_back({std::move(type), std::move(valueName), NodeId{}, 0});
  inputs.push_back(id);
  return id;
}

NodeId Graph::addNode(OpKind kind, llvm::ArrayRef<ValueId> operands,
                      llvm::ArrayRef<TensorType> resultTypes, Attrs attrs,
                      Location loc, llvm::ArrayRef<std::string> resultNames) {
  NodeId id{uint32_t(nodes.size())};
  Node node;
  node.kind = kind;
  node.operands.assign(operands.begin(), operands.end());
  node.attrs = std::move(attrs);
  node.loc = std::move(loc);
  for (size_t i = 0; i < resultTypes.size(); ++i) {
    ValueId v{uint32_t(values.size())};
    std::string n = i < resultNames.size() ? resultNames[i] : std::string();
    values.push_back({resultTypes[i], std::move(n), id, uint32_t(i)});
    node.results.push_back(v);
  }
  nodes.push_back(std::move(node));
  return id;
}

NodeId Graph::insertNodeBefore(NodeId pos, OpKind kind,
                               llvm::ArrayRef<ValueId> operands,
                               llvm::ArrayRef<TensorType> resultTypes,
                               Attrs attrs, Location loc,
                               llvm::ArrayRef<std::string> resultNames) {
  assert(pos.index <= nodes.size() && "insertion point out of range");
  NodeId appended = addNode(kind, operands, resultTypes, std::move(attrs),
                            std::move(loc), resultNames);
  if (pos.index == appended.index)
    return appended;
  // Rotate the new node into place, then renumber producers.
  Node moved = std::move(nodes.back());
  nodes.pop_back();
  nodes.insert(nodes.begin() + pos.index, std::move(moved));
  for (ValueInfo &vi : values)
    if (vi.producer.isValid() && vi.producer.index >= pos.index)
      ++vi.producer.index;
  for (ValueId r : nodes[pos.index].results)
    values[r.index].producer = pos;
  return pos;
}

ValueId Graph::addConstant(Tensor value, std::string valueName, Location loc) {
  TensorType type = value.getType();
  NodeId n = addNode(OpKind::Constant, {}, {type},
                     ConstantAttrs{std::move(value)}, std::move(loc),
                     {std::move(valueName)});
  return nodes[n.index].results[0];
}

size_t Graph::getNumNodes() const {
  size_t n = 0;
  for (const Node &node : nodes)
    n += !node.erased;
  return n;
}

llvm::SmallVector<NodeId, 0> Graph::getNodeIds() const {
  llvm::SmallVector<NodeId, 0> ids;
  ids.reserve(nodes.size());
  for (uint32_t i = 0; i < nodes.size(); ++i)
    if (!nodes[i].erased)
      ids.push_back(NodeId{i});
  return ids;
}

const Node *Graph::getProducer(ValueId v) const {
  const ValueInfo &vi = values[v.index];
  if (!vi.producer.isValid())
    return nullptr;
  return &nodes[vi.producer.index];
}

const Tensor *Graph::getConstantValue(ValueId v) const {
  const Node *n = getProducer(v);
  if (!n || n->erased || n->kind != OpKind::Constant)
    return nullptr;
  return &n->getAttrs<ConstantAttrs>().value;
}

bool Graph::isGraphInput(ValueId v) const {
  return llvm::is_contained(inputs, v);
}

bool Graph::isGraphOutput(ValueId v) const {
  return llvm::is_contained(outputs, v);
}

llvm::SmallVector<NodeId, 4> Graph::getUsers(ValueId v) const {
  llvm::SmallVector<NodeId, 4> users;
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].erased)
      continue;
    for (ValueId op : nodes[i].operands)
      if (op == v)
        users.push_back(NodeId{i});
  }
  return users;
}

std::vector<uint32_t> Graph::computeUseCounts() const {
  std::vector<uint32_t> counts(values.size(), 0);
  for (const Node &node : nodes)
    if (!node.erased)
      for (ValueId op : node.operands)
        ++counts[op.index];
  for (ValueId out : outputs)
    ++counts[out.index];
  return counts;
}

void Graph::replaceAllUsesWith(ValueId from, ValueId to) {
  for (Node &node : nodes) {
    if (node.erased)
      continue;
    for (ValueId &op : node.operands)
      if (op == from)
        op = to;
  }
  for (ValueId &out : outputs)
    if (out == from)
      out = to;
}

void Graph::eraseNode(NodeId n) {
  assert(!nodes[n.index].erased && "node erased twice");
  nodes[n.index].erased = true;
}

void Graph::compact() {
  // Keep live nodes; keep values that are inputs, live results, or used.
  std::vector<uint32_t> useCounts = computeUseCounts();
  std::vector<bool> keepValue(values.size(), false);
  for (ValueId in : inputs)
    keepValue[in.index] = true;
  for (const Node &node : nodes)
    if (!node.erased)
      for (ValueId r : node.results)
        keepValue[r.index] = true;
  for (size_t i = 0; i < values.size(); ++i)
    if (useCounts[i])
      keepValue[i] = true;

  std::vector<uint32_t> newValueIndex(values.size(), ~0u);
  std::vector<ValueInfo> newValues;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!keepValue[i])
      continue;
    newValueIndex[i] = uint32_t(newValues.size());
    newValues.push_back(std::move(values[i]));
  }
  std::vector<uint32_t> newNodeIndex(nodes.size(), ~0u);
  std::vector<Node> newNodes;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].erased)
      continue;
    newNodeIndex[i] = uint32_t(newNodes.size());
    newNodes.push_back(std::move(nodes[i]));
  }
  auto remapValue = [&](ValueId &v) { v.index = newValueIndex[v.index]; };
  for (Node &node : newNodes) {
    for (ValueId &op : node.operands)
      remapValue(op);
    for (ValueId &r : node.results)
      remapValue(r);
  }
  for (ValueInfo &vi : newValues)
    if (vi.producer.isValid())
      vi.producer.index = newNodeIndex[vi.producer.index];
  for (ValueId &in : inputs)
    remapValue(in);
  for (ValueId &out : outputs)
    remapValue(out);
  values = std::move(newValues);
  nodes = std::move(newNodes);
}

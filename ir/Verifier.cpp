//===- ir/Verifier.cpp - Graph invariants ---------------------------------===//
//
// Walks the graph once in node order, tracking which values are defined so
// far, and checks every invariant of ir/Graph.h. All violations are
// collected (ErrorList) so one run reports everything; each is located at
// its node (graph-level problems have no location). A node whose operands
// are broken is not type-checked, to avoid follow-on noise.
//
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"

#include "ir/Graph.h"
#include "ir/QuantMath.h"
#include "ir/ShapeInference.h"

#include "llvm/ADT/StringMap.h"

#include <fmt/format.h>

#include <vector>

using namespace rtc;

namespace {
/// How a value is defined, from a pre-pass over all node slots.
enum class DefKind : uint8_t { None, Input, LiveNode, ErasedNode };

class Verifier {
public:
  explicit Verifier(const Graph &g)
      : g(g), defKind(g.getNumValues(), DefKind::None),
        defined(g.getNumValues(), false) {}
  llvm::Error run();

private:
  bool isValidValue(ValueId v) const { return v.index < g.getNumValues(); }
  void error(const Node &node, NodeId id, std::string msg);
  void checkInputs();
  void collectDefinitions();
  void checkNode(NodeId id);
  bool checkOperands(NodeId id);
  void checkTypes(NodeId id);
  void checkQuant(ValueId v, const Node *node, NodeId id);
  void checkOutputs();
  void checkNames();

  const Graph &g;
  std::vector<DefKind> defKind;
  std::vector<bool> defined; ///< Defined by an input or an earlier live node.
  ErrorList errors;
};
} // namespace

/// Describes \p v for messages: its name if it has one.
static std::string describeValue(const Graph &g, ValueId v) {
  const std::string &name = g.getValue(v).name;
  return name.empty() ? fmt::format("value #{}", v.index)
                      : fmt::format("'%{}'", name);
}

void Verifier::error(const Node &node, NodeId id, std::string msg) {
  std::string text =
      fmt::format("'{}' {}", getOpMnemonic(node.kind).str(), msg);
  if (node.loc.isUnknown())
    text += fmt::format(" (node #{})", id.index);
  errors.add(makeError(node.loc, std::move(text)));
}

void Verifier::checkInputs() {
  llvm::ArrayRef<ValueId> inputs = g.getInputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    ValueId v = inputs[i];
    if (!isValidValue(v)) {
      errors.add(emitError({},
                           "graph input #{} refers to nonexistent value "
                           "#{}",
                           i, v.index));
      continue;
    }
    if (g.getValue(v).producer.isValid())
      errors.add(emitError({}, "graph input #{} ({}) also has a producer node",
                           i, describeValue(g, v)));
    if (defKind[v.index] == DefKind::Input)
      errors.add(emitError({}, "graph input #{} ({}) is listed twice", i,
                           describeValue(g, v)));
    defKind[v.index] = DefKind::Input;
    defined[v.index] = true;
    checkQuant(v, nullptr, NodeId{});
  }
}

/// Quantization parameters of a value's type must fit it: per-axis sizes
/// match the dim, bits in {0, 2..8}, positive scales, zero points in range.
void Verifier::checkQuant(ValueId v, const Node *node, NodeId id) {
  const TensorType &t = g.getType(v);
  if (!t.quant)
    return;
  llvm::Error err = llvm::Error::success();
  if (isIntegerDType(t.elemType) && t.elemType != DType::Bool) {
    err = checkQuantParams(*t.quant, t.elemType, t.shape);
  } else {
    // Parameters on a non-integer type are unusual but harmless; only their
    // structure is checked.
    const QuantParams &q = *t.quant;
    size_t want = q.isPerAxis() && size_t(q.axis) < t.shape.size()
                      ? size_t(t.shape[q.axis])
                      : 1;
    if ((q.isPerAxis() && size_t(q.axis) >= t.shape.size()) ||
        q.scales.size() != want || q.zeroPoints.size() != want)
      err = llvm::createStringError(
          "quantization parameter count or axis does not match the shape");
    else if (q.bits != 0 && (q.bits < 2 || q.bits > 8))
      err = llvm::createStringError("quantization bits must be 0 or in [2, 8]");
  }
  if (!err)
    return;
  std::string msg = fmt::format("{} has invalid type {}: {}",
                                describeValue(g, v), t.str(),
                                llvm::toString(std::move(err)));
  if (node)
    error(*node, id, "result " + msg);
  else
    errors.add(makeError({}, "graph input " + msg));
}

/// Records which node slot defines each value, so a use before definition
/// can be told apart from a use of an erased node's result.
void Verifier::collectDefinitions() {
  for (uint32_t i = 0; i < g.getNumNodeSlots(); ++i) {
    const Node &node = g.getNode(NodeId{i});
    for (ValueId r : node.results) {
      if (!isValidValue(r) || defKind[r.index] == DefKind::Input)
        continue;
      if (!node.erased)
        defKind[r.index] = DefKind::LiveNode;
      else if (defKind[r.index] == DefKind::None)
        defKind[r.index] = DefKind::ErasedNode;
    }
  }
}

/// \returns true if every operand is a value defined before the node.
bool Verifier::checkOperands(NodeId id) {
  const Node &node = g.getNode(id);
  bool ok = true;
  for (size_t i = 0; i < node.operands.size(); ++i) {
    ValueId v = node.operands[i];
    if (!isValidValue(v)) {
      error(node, id,
            fmt::format("operand #{} refers to nonexistent value #{}", i,
                        v.index));
      ok = false;
      continue;
    }
    if (defined[v.index])
      continue;
    ok = false;
    switch (defKind[v.index]) {
    case DefKind::ErasedNode:
      error(node, id,
            fmt::format("operand #{} ({}) is the result of an erased node", i,
                        describeValue(g, v)));
      break;
    case DefKind::LiveNode:
      error(node, id,
            fmt::format("operand #{} ({}) is used before its definition "
                        "(nodes are not in topological order)",
                        i, describeValue(g, v)));
      break;
    case DefKind::None:
    case DefKind::Input:
      error(node, id,
            fmt::format("operand #{} ({}) is not defined by any node or "
                        "graph input",
                        i, describeValue(g, v)));
      break;
    }
  }
  return ok;
}

void Verifier::checkNode(NodeId id) {
  const Node &node = g.getNode(id);
  const OpInfo &info = getOpInfo(node.kind);
  bool typeCheckable = checkOperands(id);

  int numOperands = int(node.operands.size());
  if (numOperands < info.minOperands ||
      (info.maxOperands >= 0 && numOperands > info.maxOperands)) {
    std::string expected =
        info.maxOperands < 0 ? fmt::format("at least {}", info.minOperands)
        : info.minOperands == info.maxOperands
            ? fmt::format("{}", info.minOperands)
            : fmt::format("{} to {}", info.minOperands, info.maxOperands);
    error(node, id,
          fmt::format("has {} operands, expects {}", numOperands, expected));
    typeCheckable = false;
  }
  if (int(node.results.size()) != info.numResults) {
    error(node, id,
          fmt::format("has {} results, expects {}", node.results.size(),
                      info.numResults));
    typeCheckable = false;
  }
  if (!hasAttrsOfRightKind(node.kind, node.attrs)) {
    error(node, id, "holds attributes of the wrong kind");
    typeCheckable = false;
  }

  for (size_t i = 0; i < node.results.size(); ++i) {
    ValueId r = node.results[i];
    if (!isValidValue(r)) {
      error(node, id,
            fmt::format("result #{} refers to nonexistent value #{}", i,
                        r.index));
      typeCheckable = false;
      continue;
    }
    const ValueInfo &vi = g.getValue(r);
    if (vi.producer != id || vi.resultIndex != i) {
      error(node, id,
            fmt::format("result #{} ({}) records producer node #{} result "
                        "#{}",
                        i, describeValue(g, r), vi.producer.index,
                        vi.resultIndex));
      typeCheckable = false;
    }
    if (defined[r.index])
      error(node, id,
            fmt::format("result #{} ({}) is already defined", i,
                        describeValue(g, r)));
    defined[r.index] = true;
    checkQuant(r, &node, id);
  }
  if (typeCheckable)
    checkTypes(id);
}

/// Re-infers the result types and compares shape and element type
/// (quantization parameters on results may differ from inference's none,
/// except for the quantized ops, whose rules define the result parameters).
void Verifier::checkTypes(NodeId id) {
  const Node &node = g.getNode(id);
  llvm::SmallVector<TensorType, 4> operandTypes;
  for (ValueId v : node.operands)
    operandTypes.push_back(g.getType(v));
  auto inferred = inferResultTypes(node.kind, operandTypes, node.attrs);
  if (!inferred) {
    std::string msg = llvm::toString(inferred.takeError());
    error(node, id, "fails shape inference: " + msg);
    return;
  }
  if (inferred->size() != node.results.size()) {
    error(node, id,
          fmt::format("has {} results, shape inference gives {}",
                      node.results.size(), inferred->size()));
    return;
  }
  for (size_t i = 0; i < inferred->size(); ++i) {
    const TensorType &actual = g.getType(node.results[i]);
    const TensorType &expected = (*inferred)[i];
    bool definesQuant = node.kind == OpKind::Quantize ||
                        node.kind == OpKind::Dequantize ||
                        node.kind == OpKind::Requantize ||
                        node.kind == OpKind::QConv ||
                        node.kind == OpKind::QMatMul ||
                        node.kind == OpKind::QAdd;
    if (actual.elemType != expected.elemType ||
        actual.shape != expected.shape ||
        (definesQuant && actual.quant != expected.quant))
      error(node, id,
            fmt::format("result #{} has type {}, but shape inference gives {}",
                        i, actual.str(), expected.str()));
  }
}

void Verifier::checkOutputs() {
  llvm::ArrayRef<ValueId> outputs = g.getOutputs();
  for (size_t i = 0; i < outputs.size(); ++i) {
    ValueId v = outputs[i];
    if (!isValidValue(v)) {
      errors.add(emitError({},
                           "graph output #{} refers to nonexistent value "
                           "#{}",
                           i, v.index));
    } else if (defKind[v.index] == DefKind::ErasedNode) {
      errors.add(emitError({},
                           "graph output #{} ({}) is the result of an "
                           "erased node",
                           i, describeValue(g, v)));
    } else if (!defined[v.index]) {
      errors.add(emitError({}, "graph output #{} ({}) is not defined", i,
                           describeValue(g, v)));
    }
  }
}

/// Non-empty names must be unique among inputs and live node results.
void Verifier::checkNames() {
  llvm::StringMap<bool> seen;
  auto check = [&](ValueId v, const Node *node, NodeId id) {
    if (!isValidValue(v))
      return;
    const std::string &name = g.getValue(v).name;
    if (name.empty() || seen.try_emplace(name, true).second)
      return;
    std::string what = fmt::format("name '%{}' is defined twice", name);
    if (node)
      error(*node, id, "result " + what);
    else
      errors.add(makeError({}, "graph input " + what));
  };
  for (ValueId v : g.getInputs())
    check(v, nullptr, NodeId{});
  for (NodeId id : g.getNodeIds())
    for (ValueId r : g.getNode(id).results)
      check(r, &g.getNode(id), id);
}

llvm::Error Verifier::run() {
  checkInputs();
  collectDefinitions();
  for (NodeId id : g.getNodeIds())
    checkNode(id);
  checkOutputs();
  checkNames();
  return errors.take();
}

llvm::Error rtc::verify(const Graph &g) { return Verifier(g).run(); }

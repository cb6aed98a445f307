//===- ir/reference/Interpreter.cpp - Node dispatch and graph runner ------===//
//
// evaluateNode() validates a node's operands and attributes and dispatches
// with an exhaustive switch over OpKind (a missing case is a compile error
// under -Werror=switch) to the family kernels declared in Kernels.h.
// interpret() runs a whole graph in node order, keeping one tensor per live
// value and freeing each as soon as its last use has run.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Interpreter.h"

#include "ir/reference/Kernels.h"

using namespace rtc;
using namespace rtc::reference;

/// Evaluates the single result of \p node on validated \p ops.
static llvm::Expected<Tensor> evaluateResult(const Node &node,
                                             llvm::ArrayRef<const Tensor *> ops,
                                             const TensorType &resultType) {
  auto optional = [&](size_t i) { return i < ops.size() ? ops[i] : nullptr; };
  switch (node.kind) {
  case OpKind::Constant:
    return evalConstant(node, resultType);
  case OpKind::Identity:
    return evalIdentity(node, *ops[0], resultType);
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
    return evalBinary(node, *ops[0], *ops[1], resultType);
  case OpKind::Relu:
  case OpKind::Clip:
    if (isQuantizedInt(ops[0]->getType()))
      return evalQuantizedUnary(node, *ops[0], resultType);
    return evalUnary(node, *ops[0], resultType);
  case OpKind::LeakyRelu:
  case OpKind::Sigmoid:
    return evalUnary(node, *ops[0], resultType);
  case OpKind::Softmax:
    return evalSoftmax(node, *ops[0], resultType);
  case OpKind::MatMul:
    return evalMatMul(node, *ops[0], *ops[1], resultType);
  case OpKind::Gemm:
    return evalGemm(node, *ops[0], *ops[1], optional(2), resultType);
  case OpKind::Conv:
    return evalConv(node, *ops[0], *ops[1], optional(2), resultType);
  case OpKind::AveragePool:
  case OpKind::GlobalAveragePool:
    if (isQuantizedInt(ops[0]->getType()))
      return evalQuantizedAvgPool(node, *ops[0], resultType);
    if (node.kind == OpKind::GlobalAveragePool)
      return evalGlobalPool(node, *ops[0], resultType);
    return evalPool(node, *ops[0], resultType);
  case OpKind::MaxPool:
  case OpKind::GlobalMaxPool:
    if (isQuantizedInt(ops[0]->getType()))
      return evalQuantizedMaxPool(node, *ops[0], resultType);
    if (node.kind == OpKind::GlobalMaxPool)
      return evalGlobalPool(node, *ops[0], resultType);
    return evalPool(node, *ops[0], resultType);
  case OpKind::BatchNorm:
    return evalBatchNorm(node, ops, resultType);
  case OpKind::Concat:
    return evalConcat(node, ops, resultType);
  case OpKind::Flatten:
  case OpKind::Reshape:
  case OpKind::Squeeze:
  case OpKind::Unsqueeze:
    return evalReshapeLike(node, *ops[0], resultType);
  case OpKind::Transpose:
    return evalTranspose(node, *ops[0], resultType);
  case OpKind::Pad:
    return evalPad(node, *ops[0], resultType);
  case OpKind::Im2Col:
    return evalIm2Col(node, *ops[0], resultType);
  case OpKind::Quantize:
    return evalQuantize(node, *ops[0], resultType);
  case OpKind::Dequantize:
    return evalDequantize(node, *ops[0], resultType);
  case OpKind::Requantize:
    return evalRequantize(node, *ops[0], resultType);
  case OpKind::QConv:
    return evalQConv(node, *ops[0], *ops[1], optional(2), resultType);
  case OpKind::QMatMul:
    return evalQMatMul(node, *ops[0], *ops[1], optional(2), resultType);
  case OpKind::QAdd:
    return evalQAdd(node, *ops[0], *ops[1], resultType);
  }
  llvm_unreachable("unknown OpKind");
}

llvm::Expected<llvm::SmallVector<Tensor, 1>>
rtc::evaluateNode(const Graph &g, const Node &node,
                  llvm::ArrayRef<const Tensor *> operands) {
  const OpInfo &info = getOpInfo(node.kind);
  if (operands.size() != node.operands.size())
    return nodeError(node, "got {} operand tensors for {} operands",
                     operands.size(), node.operands.size());
  int numOps = int(operands.size());
  if (numOps < info.minOperands ||
      (info.maxOperands >= 0 && numOps > info.maxOperands))
    return nodeError(node, "has {} operands, expected {} to {}", numOps,
                     info.minOperands,
                     info.maxOperands < 0 ? std::string("any")
                                          : std::to_string(info.maxOperands));
  for (int i = 0; i < numOps; ++i)
    if (!operands[i])
      return nodeError(node, "operand #{} has no value", i);
  if (!hasAttrsOfRightKind(node.kind, node.attrs))
    return nodeError(node, "holds attributes of the wrong kind");
  if (int(node.results.size()) != info.numResults || node.results.size() != 1)
    return nodeError(node, "has {} results, expected {}", node.results.size(),
                     info.numResults);

  auto result = evaluateResult(node, operands, g.getType(node.results[0]));
  if (!result)
    return result.takeError();
  llvm::SmallVector<Tensor, 1> results;
  results.push_back(std::move(*result));
  return results;
}

/// \returns the display name of value \p v: "'name'" or "%<index>".
static std::string describeValue(const Graph &g, ValueId v) {
  const std::string &name = g.getValue(v).name;
  return name.empty() ? fmt::format("%{}", v.index) : fmt::format("'{}'", name);
}

llvm::Expected<std::vector<Tensor>>
rtc::interpret(const Graph &g, llvm::ArrayRef<Tensor> inputs) {
  llvm::ArrayRef<ValueId> graphInputs = g.getInputs();
  if (inputs.size() != graphInputs.size())
    return emitError(Location::unknown(), "graph @{} expects {} inputs, got {}",
                     g.getName().str(), graphInputs.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorType &want = g.getType(graphInputs[i]);
    const TensorType &got = inputs[i].getType();
    if (got.elemType != want.elemType || got.shape != want.shape)
      return emitError(Location::unknown(),
                       "graph @{}: input #{} {} has type {}, expected {}",
                       g.getName().str(), i, describeValue(g, graphInputs[i]),
                       TensorType(got.elemType, got.shape).str(),
                       TensorType(want.elemType, want.shape).str());
  }

  // live[v] points at the tensor of value v while it is needed: the caller's
  // input, a Constant node's value, or owned[v] (a computed result).
  size_t numValues = g.getNumValues();
  std::vector<const Tensor *> live(numValues, nullptr);
  std::vector<Tensor> owned(numValues);
  std::vector<uint32_t> uses = g.computeUseCounts();
  auto release = [&](ValueId v) {
    live[v.index] = nullptr;
    owned[v.index] = Tensor();
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    // The data is read with the graph input's type: a quantized input
    // (e.g. an imported QLinearConv's x) may be fed plain integers.
    const TensorType &want = g.getType(graphInputs[i]);
    if (inputs[i].getType().quant != want.quant) {
      owned[graphInputs[i].index] = inputs[i];
      owned[graphInputs[i].index].setType(want);
      live[graphInputs[i].index] = &owned[graphInputs[i].index];
      continue;
    }
    live[graphInputs[i].index] = &inputs[i];
  }

  llvm::SmallVector<const Tensor *, 5> operands;
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    operands.clear();
    for (size_t i = 0; i < node.operands.size(); ++i) {
      const Tensor *t = live[node.operands[i].index];
      if (!t)
        return nodeError(node,
                         "operand #{} ({}) has no value; it is not "
                         "defined before its use",
                         i, describeValue(g, node.operands[i]));
      operands.push_back(t);
    }

    // A Constant whose value already has the result type is used in place
    // instead of being copied (weights can be large).
    const Tensor *constant = nullptr;
    if (node.kind == OpKind::Constant && node.results.size() == 1 &&
        std::holds_alternative<ConstantAttrs>(node.attrs)) {
      const Tensor &value = node.getAttrs<ConstantAttrs>().value;
      if (value.getType() == g.getType(node.results[0]))
        constant = &value;
    }
    if (constant) {
      live[node.results[0].index] = constant;
    } else {
      auto results = evaluateNode(g, node, operands);
      if (!results)
        return results.takeError();
      for (size_t r = 0; r < node.results.size(); ++r) {
        ValueId v = node.results[r];
        owned[v.index] = std::move((*results)[r]);
        live[v.index] = &owned[v.index];
      }
    }

    for (ValueId v : node.operands)
      if (--uses[v.index] == 0)
        release(v);
    for (ValueId v : node.results)
      if (uses[v.index] == 0)
        release(v); // dead result
  }

  std::vector<Tensor> outputs;
  llvm::ArrayRef<ValueId> graphOutputs = g.getOutputs();
  for (size_t i = 0; i < graphOutputs.size(); ++i) {
    const Tensor *t = live[graphOutputs[i].index];
    if (!t)
      return emitError(Location::unknown(),
                       "graph @{}: output #{} ({}) is not defined",
                       g.getName().str(), i, describeValue(g, graphOutputs[i]));
    outputs.push_back(*t);
  }
  return outputs;
}

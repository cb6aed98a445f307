//===- compiler/onnx/OnnxSummary.cpp - What a model needs -----------------===//
//
// summarizeModelFile() reads a model without importing it and reports what
// a tool must know before importing: the ops used, the inputs that must be
// frozen to constants because they define shapes, the element types, and
// the uses of supported ops that are outside the inference-only scope.
// The conformance runner decides its skips from this summary alone.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"

#include "compiler/onnx/OnnxModel.h"
#include "compiler/onnx/OnnxTensors.h"
#include "compiler/onnx/OpImporters.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

using namespace rtc;
using namespace rtc::onnx;

bool rtc::onnx::isSupportedOpType(llvm::StringRef opType) {
  return lookupOpImporter(opType) != nullptr;
}

std::vector<std::string> rtc::onnx::getSupportedOpTypes() {
  std::vector<std::string> types;
  for (const OpImporterInfo &info : getOpImporters())
    types.push_back(info.opType.str());
  return types;
}

static void addUnique(std::vector<std::string> &list, std::string item) {
  if (!llvm::is_contained(list, item))
    list.push_back(std::move(item));
}

/// \returns the IR spelling of ONNX element type \p onnxType, or its ONNX
/// name if the IR has no such type.
static std::string elemTypeName(int32_t onnxType) {
  if (std::optional<DType> dt = convertElemType(onnxType))
    return getDTypeName(*dt).str();
  return getOnnxElemTypeName(onnxType);
}

namespace {
/// Facts about the graph used while summarizing.
struct GraphFacts {
  llvm::StringSet<> used; ///< Names read by a node or a graph output.
  llvm::StringMap<const ::onnx::NodeProto *> producers;
  llvm::StringMap<const ::onnx::TensorProto *> initializers;
};
} // namespace

/// Follows \p name up through Identity nodes. \returns the graph input it
/// comes from, or "" if it is produced otherwise.
static std::string traceToInput(const GraphFacts &facts, std::string name) {
  for (unsigned depth = 0; depth < 64; ++depth) {
    auto it = facts.producers.find(name);
    if (it == facts.producers.end())
      return facts.initializers.count(name) ? "" : name;
    const ::onnx::NodeProto *node = it->second;
    if (!isDefaultDomain(*node) || node->op_type() != "Identity" ||
        node->input_size() < 1)
      return "";
    name = node->input(0);
  }
  return "";
}

/// True if \p name is an initializer holding a single zero (a false
/// training_mode flag).
static bool isConstantFalse(const GraphFacts &facts, llvm::StringRef name) {
  auto it = facts.initializers.find(name);
  if (it == facts.initializers.end())
    return false;
  auto t = convertTensorProto(*it->second);
  if (!t) {
    llvm::consumeError(t.takeError());
    return false;
  }
  return t->getNumElements() == 1 && t->getAsDouble(0) == 0;
}

/// Records uses of supported ops that the importer rejects by design.
static void addUnsupportedFeatures(const ::onnx::NodeProto &node, int64_t opset,
                                   const GraphFacts &facts,
                                   std::vector<std::string> &features) {
  if (!isDefaultDomain(node))
    return;
  auto outputUsed = [&](int i) {
    return node.output_size() > i && !node.output(i).empty() &&
           facts.used.contains(node.output(i));
  };
  llvm::StringRef op = node.op_type();
  if (op == "BatchNormalization") {
    bool training = false;
    for (const auto &attr : node.attribute())
      training |= attr.name() == "training_mode" && attr.i() != 0;
    for (int i = 1; i < node.output_size(); ++i)
      training |= outputUsed(i);
    if (training)
      addUnique(features, "BatchNormalization training mode");
  } else if (op == "MaxPool" && outputUsed(1)) {
    addUnique(features, "MaxPool Indices output");
  } else if (op == "Dropout") {
    if (outputUsed(1))
      addUnique(features, "Dropout mask output");
    if (opset >= 12 && node.input_size() > 2 && !node.input(2).empty() &&
        !isConstantFalse(facts, node.input(2)))
      addUnique(features, "Dropout training mode");
  }
}

llvm::Expected<ModelSummary>
rtc::onnx::summarizeModelFile(llvm::StringRef path) {
  auto bytes = readModelFile(path);
  if (!bytes)
    return bytes.takeError();
  ::onnx::ModelProto model;
  if (auto err = parseModel(*bytes, path, model))
    return err;
  const ::onnx::GraphProto &graph = model.graph();

  ModelSummary summary;
  summary.opset = getDefaultOpset(model).value_or(-1);
  GraphFacts facts;
  for (const auto &init : graph.initializer()) {
    facts.initializers[init.name()] = &init;
    addUnique(summary.elemTypes, elemTypeName(init.data_type()));
  }
  for (const auto &node : graph.node()) {
    for (const std::string &out : node.output())
      if (!out.empty())
        facts.producers[out] = &node;
    for (const std::string &in : node.input())
      if (!in.empty())
        facts.used.insert(in);
  }

  auto noteType = [&](const ::onnx::ValueInfoProto &vi) {
    if (!vi.type().has_tensor_type()) {
      addUnique(summary.unsupportedFeatures,
                fmt::format("non-tensor value '{}'", vi.name()));
      return;
    }
    int32_t et = vi.type().tensor_type().elem_type();
    addUnique(summary.elemTypes, elemTypeName(et));
    if (!convertElemType(et))
      addUnique(summary.unsupportedFeatures,
                "element type " + getOnnxElemTypeName(et));
  };
  for (const auto &in : graph.input()) {
    if (facts.initializers.count(in.name()))
      continue;
    summary.inputNames.push_back(in.name());
    noteType(in);
  }
  for (const auto &out : graph.output()) {
    facts.used.insert(out.name());
    noteType(out);
  }

  llvm::StringSet<> shapeInputs;
  for (const auto &node : graph.node()) {
    addUnique(summary.opTypes, getQualifiedOpType(node));
    addUnsupportedFeatures(node, summary.opset, facts,
                           summary.unsupportedFeatures);
    const OpImporterInfo *info =
        isDefaultDomain(node) ? lookupOpImporter(node.op_type()) : nullptr;
    if (!info)
      continue;
    for (int i = 0; i < node.input_size(); ++i) {
      if (node.input(i).empty() ||
          !isConstantInput(*info, unsigned(i), summary.opset))
        continue;
      std::string input = traceToInput(facts, node.input(i));
      if (!input.empty())
        shapeInputs.insert(input);
    }
  }
  // Report shape inputs in graph-input order.
  for (const std::string &name : summary.inputNames)
    if (shapeInputs.contains(name))
      summary.shapeInputNames.push_back(name);
  return summary;
}

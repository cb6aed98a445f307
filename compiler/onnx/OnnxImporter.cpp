//===- compiler/onnx/OnnxImporter.cpp - ONNX to graph IR ------------------===//
//
// The import driver. It checks the model header (opset range), binds
// initializers and graph inputs (resolving symbolic dims and freezing
// inputs), then imports the nodes in order through the operator table in
// OpImporters.cpp. Every problem is collected and reported together: a node
// that fails poisons its outputs, and nodes depending on poisoned values are
// skipped silently, so one mistake does not cascade into dozens of errors.
// When the import succeeds, the result types are cross-checked against
// libonnx's shape inference, and libonnx's full checker runs on the model.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"

#include "compiler/onnx/NodeContext.h"
#include "compiler/onnx/OnnxBoundary.h"
#include "compiler/onnx/OnnxModel.h"
#include "compiler/onnx/OnnxTensors.h"
#include "compiler/onnx/OpImporters.h"
#include "ir/Verifier.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <climits>

using namespace rtc;
using namespace rtc::onnx;

//===----------------------------------------------------------------------===//
// Reading models
//===----------------------------------------------------------------------===//

llvm::Expected<std::string> rtc::onnx::readModelFile(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return emitError(Location::inFile(path), "cannot read file: {}",
                     buf.getError().message());
  return (*buf)->getBuffer().str();
}

llvm::Error rtc::onnx::parseModel(llvm::StringRef bytes,
                                  llvm::StringRef displayName,
                                  ::onnx::ModelProto &model) {
  Location loc = Location::inFile(displayName);
  if (bytes.size() > size_t(INT_MAX))
    return emitError(loc, "model files over 2 GiB are not supported");
  if (!model.ParseFromArray(bytes.data(), int(bytes.size())))
    return emitError(loc, "not a valid ONNX model (protobuf parse failed)");
  // Arbitrary bytes sometimes parse as a protobuf message; a real model
  // has an IR version and a graph.
  if (model.ir_version() <= 0)
    return emitError(loc, "not a valid ONNX model (no ir_version)");
  if (!model.has_graph())
    return emitError(loc, "not a valid ONNX model (no graph)");
  return llvm::Error::success();
}

std::optional<int64_t>
rtc::onnx::getDefaultOpset(const ::onnx::ModelProto &model) {
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      return imp.version();
  return std::nullopt;
}

bool rtc::onnx::isDefaultDomain(const ::onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

std::string rtc::onnx::getQualifiedOpType(const ::onnx::NodeProto &node) {
  if (isDefaultDomain(node))
    return node.op_type();
  return node.domain() + "." + node.op_type();
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Renders a possibly partial ONNX tensor type like "tensor<?x3xf32>".
static std::string describeOnnxType(const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type())
    return "a non-tensor type";
  const auto &tt = type.tensor_type();
  std::string dims;
  if (!tt.has_shape())
    dims = "*x";
  else
    for (const auto &d : tt.shape().dim())
      dims += d.has_dim_value() ? fmt::format("{}x", d.dim_value())
                                : std::string("?x");
  std::optional<DType> dt = convertElemType(tt.elem_type());
  return fmt::format("tensor<{}{}>", dims,
                     dt ? getDTypeName(*dt).str()
                        : getOnnxElemTypeName(tt.elem_type()));
}

/// \returns true if our \p type agrees with every part of the ONNX \p type
/// that is known (element type, rank, static dims).
static bool agreesWith(const TensorType &ours, const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type())
    return false;
  const auto &tt = type.tensor_type();
  if (tt.elem_type() != 0) {
    std::optional<DType> dt = convertElemType(tt.elem_type());
    if (!dt || *dt != ours.elemType)
      return false;
  }
  if (!tt.has_shape())
    return true;
  if (tt.shape().dim_size() != int(ours.getRank()))
    return false;
  for (int i = 0; i < tt.shape().dim_size(); ++i) {
    const auto &d = tt.shape().dim(i);
    if (d.has_dim_value() && d.dim_value() != ours.shape[i])
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// The importer
//===----------------------------------------------------------------------===//

namespace {
class ModelImporter {
public:
  ModelImporter(const ::onnx::ModelProto &model, llvm::StringRef displayName,
                int64_t opset, const ImportOptions &options)
      : model(model), graphProto(model.graph()), options(options),
        state(displayName.str(), opset),
        fileLoc(Location::inFile(displayName)) {
    for (const auto &imp : model.opset_import())
      opsetImports[imp.domain()] = int(imp.version());
  }

  llvm::Expected<Graph> run();

private:
  void checkOptions();
  void bindInitializers();
  void bindGraphInputs();
  llvm::Expected<TensorType>
  resolveInputType(const ::onnx::ValueInfoProto &input);
  void collectNames();
  void importNode(const ::onnx::NodeProto &node, int64_t index);
  llvm::Error checkNodeInputs(const ::onnx::NodeProto &node, int64_t index,
                              const Location &loc, bool &poisoned);
  void bindOutputs();
  void crossCheckWithOnnx();
  ::onnx::ModelProto makeStaticCopy() const;

  const ::onnx::ModelProto &model;
  const ::onnx::GraphProto &graphProto;
  const ImportOptions &options;
  ModelState state;
  Location fileLoc;
  ErrorList errors;
  /// Domain -> opset version, for libonnx's node checker.
  std::map<std::string, int> opsetImports;
  llvm::StringSet<> initializerNames;
  /// Set when --input-shape changed a dim the model declares statically, so
  /// the model's declared intermediate shapes no longer apply.
  bool overrodeStaticDims = false;
  /// Where each node output was produced (for type mismatches).
  std::vector<std::pair<std::string, Location>> producedValues;
};
} // namespace

void ModelImporter::checkOptions() {
  llvm::StringSet<> inputs;
  std::string inputList;
  for (const auto &in : graphProto.input()) {
    if (initializerNames.contains(in.name()))
      continue;
    inputs.insert(in.name());
    inputList += (inputList.empty() ? "'" : ", '") + in.name() + "'";
  }
  if (inputList.empty())
    inputList = "none";
  for (const auto &[name, shape] : options.inputShapes)
    if (!inputs.contains(name))
      errors.add(emitError(fileLoc,
                           "an input shape is given for '{}', which is not a "
                           "graph input (graph inputs: {})",
                           name, inputList));
  for (const auto &[name, value] : options.frozenInputs)
    if (!inputs.contains(name))
      errors.add(emitError(fileLoc,
                           "a frozen value is given for '{}', which is not a "
                           "graph input (graph inputs: {})",
                           name, inputList));
}

void ModelImporter::bindInitializers() {
  for (const auto &init : graphProto.initializer()) {
    initializerNames.insert(init.name());
    auto t = convertTensorProto(init);
    if (!t) {
      errors.add(emitError(fileLoc, "initializer '{}': {}", init.name(),
                           llvm::toString(t.takeError())));
      state.poison(init.name());
      continue;
    }
    state.bindConstant(init.name(), std::move(*t), Location::unknown());
  }
  for (const auto &sparse : graphProto.sparse_initializer()) {
    errors.add(emitError(fileLoc, "sparse initializer '{}' is not supported",
                         sparse.values().name()));
    state.poison(sparse.values().name());
  }
}

llvm::Expected<TensorType>
ModelImporter::resolveInputType(const ::onnx::ValueInfoProto &input) {
  const std::string &name = input.name();
  if (!input.type().has_tensor_type())
    return emitError(fileLoc,
                     "input '{}' is not a tensor (sequence, map and optional "
                     "types are not supported)",
                     name);
  const auto &tt = input.type().tensor_type();
  std::optional<DType> dtype = convertElemType(tt.elem_type());
  if (!dtype)
    return emitError(fileLoc, "input '{}' has unsupported element type {}",
                     name, getOnnxElemTypeName(tt.elem_type()));

  auto given = options.inputShapes.find(name);
  if (given != options.inputShapes.end()) {
    const auto &shape = given->second;
    if (tt.has_shape()) {
      if (tt.shape().dim_size() != int(shape.size()))
        return emitError(fileLoc,
                         "input shape {} for '{}' has rank {}, but the model "
                         "declares {}",
                         formatShape(shape), name, shape.size(),
                         describeOnnxType(input.type()));
      for (int i = 0; i < tt.shape().dim_size(); ++i)
        if (tt.shape().dim(i).has_dim_value() &&
            tt.shape().dim(i).dim_value() != shape[i])
          overrodeStaticDims = true;
    }
    for (int64_t d : shape)
      if (d < 0)
        return emitError(fileLoc, "input shape for '{}' has negative dim {}",
                         name, d);
    return TensorType(*dtype, shape);
  }

  if (!tt.has_shape())
    return emitError(fileLoc,
                     "input '{}' has no declared shape; set it with "
                     "--input-shape {}:<dims>",
                     name, name);
  llvm::SmallVector<int64_t, 4> shape;
  std::vector<std::string> symbolic;
  std::vector<std::string> suggestion;
  for (int i = 0; i < tt.shape().dim_size(); ++i) {
    const auto &d = tt.shape().dim(i);
    if (d.has_dim_value() && d.dim_value() >= 0) {
      shape.push_back(d.dim_value());
      suggestion.push_back(std::to_string(d.dim_value()));
      continue;
    }
    if (i == 0) { // the batch dim
      shape.push_back(options.defaultBatch);
      suggestion.push_back(std::to_string(options.defaultBatch));
      continue;
    }
    std::string param =
        d.dim_param().empty() ? fmt::format("d{}", i) : d.dim_param();
    symbolic.push_back(fmt::format("'{}' (dim {})", param, i));
    suggestion.push_back("<" + param + ">");
    shape.push_back(-1);
  }
  if (!symbolic.empty()) {
    bool many = symbolic.size() > 1;
    return emitError(fileLoc,
                     "input '{}' has symbolic dim{} {}; set {} with "
                     "--input-shape {}:{}",
                     name, many ? "s" : "", fmt::join(symbolic, ", "),
                     many ? "them" : "it", name, fmt::join(suggestion, "x"));
  }
  return TensorType(*dtype, shape);
}

void ModelImporter::bindGraphInputs() {
  for (const auto &input : graphProto.input()) {
    const std::string &name = input.name();
    // Inputs with an initializer of the same name are constants.
    if (initializerNames.contains(name))
      continue;
    auto frozen = options.frozenInputs.find(name);
    if (frozen != options.frozenInputs.end()) {
      const Tensor &value = frozen->second;
      if (!agreesWith(value.getType(), input.type())) {
        errors.add(emitError(fileLoc,
                             "frozen value for input '{}' has type {}, but "
                             "the model declares {}",
                             name, value.getType().str(),
                             describeOnnxType(input.type())));
        state.poison(name);
        continue;
      }
      state.bindConstant(name, value, Location::unknown());
      continue;
    }
    auto type = resolveInputType(input);
    if (!type) {
      errors.add(type.takeError());
      state.poison(name);
      continue;
    }
    state.bindValue(name, state.graph.addInput(*type, name), fileLoc);
  }
}

void ModelImporter::collectNames() {
  auto take = [&](const std::string &n) {
    if (!n.empty())
      state.takenNames.insert(n);
  };
  for (const auto &in : graphProto.input())
    take(in.name());
  for (const auto &init : graphProto.initializer())
    take(init.name());
  for (const auto &node : graphProto.node()) {
    for (const std::string &in : node.input())
      if (!in.empty())
        state.usedNames.insert(in);
    for (const std::string &out : node.output())
      take(out);
  }
  for (const auto &out : graphProto.output())
    state.usedNames.insert(out.name());
}

llvm::Error ModelImporter::checkNodeInputs(const ::onnx::NodeProto &node,
                                           int64_t index, const Location &loc,
                                           bool &poisoned) {
  ErrorList nodeErrors;
  std::string who = node.name().empty() ? fmt::format("#{}", index)
                                        : fmt::format("'{}'", node.name());
  for (const std::string &in : node.input()) {
    if (in.empty())
      continue; // an omitted optional input
    const NameBinding *b = state.lookup(in);
    if (b) {
      poisoned |= b->kind == NameBinding::Kind::Poisoned;
      continue;
    }
    poisoned = true;
    bool definedLater = false;
    for (int k = int(index) + 1; k < graphProto.node_size(); ++k)
      for (const std::string &out : graphProto.node(k).output())
        definedLater |= out == in;
    if (definedLater)
      nodeErrors.add(makeError(
          loc, fmt::format("input '{}' of node {} is defined by a later node "
                           "(nodes must be topologically sorted)",
                           in, who)));
    else
      nodeErrors.add(makeError(
          loc, fmt::format("input '{}' of node {} is not defined by any "
                           "node, initializer or graph input",
                           in, who)));
  }
  return nodeErrors.take();
}

void ModelImporter::importNode(const ::onnx::NodeProto &node, int64_t index) {
  std::string opType = getQualifiedOpType(node);
  Location loc = Location::onnxNode(state.displayName, node.name(), opType,
                                    index, state.opset);
  ErrorList nodeErrors;
  bool poisoned = false;
  nodeErrors.add(checkNodeInputs(node, index, loc, poisoned));

  const OpImporterInfo *info =
      isDefaultDomain(node) ? lookupOpImporter(node.op_type()) : nullptr;
  NodeContext ctx(state, node, loc);
  if (!info) {
    nodeErrors.add(ctx.error("unsupported operator {}", opType));
  } else {
    unsigned numIn = node.input_size(), numOut = node.output_size();
    if (numIn < info->minInputs || numIn > info->maxInputs) {
      std::string range =
          info->maxInputs == ~0u ? fmt::format("at least {}", info->minInputs)
          : info->minInputs == info->maxInputs
              ? fmt::format("{}", info->minInputs)
              : fmt::format("{} to {}", info->minInputs, info->maxInputs);
      nodeErrors.add(ctx.error("expected {} inputs, got {}", range, numIn));
    }
    if (numOut < 1 || numOut > info->maxOutputs)
      nodeErrors.add(ctx.error("expected 1 to {} outputs, got {}",
                               info->maxOutputs, numOut));
    nodeErrors.add(ctx.checkAttributes(info->attrs));
    // Required inputs must not be omitted.
    for (unsigned i = 0; i < std::min(numIn, info->minInputs); ++i)
      if (node.input(int(i)).empty())
        nodeErrors.add(ctx.error("required input {} is empty", i));
  }
  for (const std::string &out : node.output())
    if (!out.empty() && state.lookup(out))
      nodeErrors.add(ctx.error("output '{}' is already defined (the graph "
                               "must be in single static assignment form)",
                               out));

  if (nodeErrors.empty() && !poisoned) {
    nodeErrors.add(info->import(ctx));
    if (nodeErrors.empty()) {
      // libonnx's own schema check of the node, for anything we missed.
      nodeErrors.add(attachLocation(
          checkNodeWithOnnx(node, model.ir_version(), opsetImports), loc));
    }
  }
  bool failed = !nodeErrors.empty() || poisoned;
  errors.add(nodeErrors.take());
  for (const std::string &out : node.output()) {
    if (out.empty())
      continue;
    if (failed || !state.lookup(out))
      state.poison(out);
    else
      producedValues.emplace_back(out, loc);
  }
}

void ModelImporter::bindOutputs() {
  for (const auto &out : graphProto.output()) {
    const NameBinding *b = state.lookup(out.name());
    if (!b) {
      errors.add(emitError(fileLoc,
                           "graph output '{}' is not defined by any node, "
                           "initializer or graph input",
                           out.name()));
      continue;
    }
    if (b->kind == NameBinding::Kind::Poisoned)
      continue; // its producer's error is already reported
    state.graph.addOutput(state.materialize(out.name()));
  }
}

::onnx::ModelProto ModelImporter::makeStaticCopy() const {
  ::onnx::ModelProto copy = model;
  ::onnx::GraphProto *g = copy.mutable_graph();
  if (overrodeStaticDims) {
    g->clear_value_info();
    for (auto &out : *g->mutable_output())
      out.mutable_type()->mutable_tensor_type()->clear_shape();
  }
  // Give graph inputs our static shapes; frozen inputs become initializers
  // so that libonnx can use their values (e.g. Reshape's shape).
  const Graph &graph = state.graph;
  for (auto &in : *g->mutable_input()) {
    const NameBinding *b = state.lookup(in.name());
    if (!b || initializerNames.contains(in.name()))
      continue;
    if (b->kind == NameBinding::Kind::Value) {
      auto *shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
      shape->clear_dim();
      for (int64_t d : graph.getType(b->value).shape)
        shape->add_dim()->set_dim_value(d);
    } else if (b->kind == NameBinding::Kind::Constant) {
      const Tensor &t = *b->constant;
      ::onnx::TensorProto *init = g->add_initializer();
      init->set_name(in.name());
      init->set_data_type(in.type().tensor_type().elem_type());
      for (int64_t d : t.getShape())
        init->add_dims(d);
      init->set_raw_data(std::string(
          reinterpret_cast<const char *>(t.getRawData()), t.getSizeInBytes()));
    }
  }
  return copy;
}

void ModelImporter::crossCheckWithOnnx() {
  ::onnx::ModelProto copy = makeStaticCopy();
  if (auto err = inferShapesWithOnnx(copy)) {
    errors.add(attachLocation(std::move(err), fileLoc));
    return;
  }
  std::map<std::string, const ::onnx::TypeProto *> onnxTypes;
  for (const auto &vi : copy.graph().value_info())
    onnxTypes[vi.name()] = &vi.type();
  for (const auto &vi : copy.graph().output())
    onnxTypes[vi.name()] = &vi.type();
  for (const auto &[name, loc] : producedValues) {
    const NameBinding *b = state.lookup(name);
    auto it = onnxTypes.find(name);
    if (!b || b->kind != NameBinding::Kind::Value || it == onnxTypes.end())
      continue;
    const TensorType &ours = state.graph.getType(b->value);
    if (!agreesWith(ours, *it->second))
      errors.add(emitError(loc,
                           "result '{}' has type {}, but ONNX shape "
                           "inference gives {}",
                           name, ours.str(), describeOnnxType(*it->second)));
  }
}

llvm::Expected<Graph> ModelImporter::run() {
  state.graph.setName(graphProto.name().empty() ? "main" : graphProto.name());
  bindInitializers();
  checkOptions();
  bindGraphInputs();
  collectNames();
  for (int i = 0; i < graphProto.node_size(); ++i)
    importNode(graphProto.node(i), i);
  bindOutputs();
  if (!errors.empty())
    return errors.take();

  crossCheckWithOnnx();
  if (errors.empty())
    errors.add(attachLocation(checkModelWithOnnx(model), fileLoc));
  if (errors.empty())
    errors.add(verify(state.graph));
  if (!errors.empty())
    return errors.take();
  return std::move(state.graph);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

llvm::Expected<Graph>
rtc::onnx::importModelBytes(llvm::StringRef bytes, llvm::StringRef displayName,
                            const ImportOptions &options) {
  ::onnx::ModelProto model;
  if (auto err = parseModel(bytes, displayName, model))
    return err;
  Location loc = Location::inFile(displayName);
  std::optional<int64_t> opset = getDefaultOpset(model);
  if (!opset)
    return emitError(loc, "model imports no opset of the default ONNX "
                          "domain");
  if (*opset < minSupportedOpset || *opset > maxSupportedOpset)
    return emitError(loc, "opset {} is not supported (supported: {} to {})",
                     *opset, minSupportedOpset, maxSupportedOpset);
  ModelImporter importer(model, displayName, *opset, options);
  return importer.run();
}

llvm::Expected<Graph> rtc::onnx::importModelFile(llvm::StringRef path,
                                                 const ImportOptions &options) {
  auto bytes = readModelFile(path);
  if (!bytes)
    return bytes.takeError();
  return importModelBytes(*bytes, path, options);
}

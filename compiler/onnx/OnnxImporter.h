//===- compiler/onnx/OnnxImporter.h - ONNX to graph IR ---------*- C++ -*-===//
//
// The only code in rtcc that sees ONNX or protobuf headers. It reads a
// model, validates every node (operator, opset 7-17, attributes, shapes),
// implements each op's versioned semantics directly (no version converter)
// and builds a Graph with typed attributes and ONNX locations. libonnx's
// full checker and shape inference cross-check the result. All problems in
// a model are reported together (joined errors), each located at
// "model.onnx: node 'name' (OpType, opset N)". libonnx exceptions are caught
// at this boundary (OnnxBoundary.cpp) and turned into diagnostics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/Tensor.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <vector>

namespace rtc::onnx {

/// The opsets of the default ONNX domain the importer accepts.
constexpr int64_t minSupportedOpset = 7;
constexpr int64_t maxSupportedOpset = 17;

struct ImportOptions {
  /// Shapes for graph inputs, overriding symbolic or declared dims
  /// (from --input-shape NAME:1x3x32x32).
  std::map<std::string, llvm::SmallVector<int64_t, 4>> inputShapes;
  /// Value for a symbolic leading (batch) dim not set by inputShapes.
  int64_t defaultBatch = 1;
  /// Graph inputs to replace by constants (name -> value) before import.
  /// Used for inputs that define shapes (Reshape's shape, Pad's pads...),
  /// which must be known at compile time.
  std::map<std::string, Tensor> frozenInputs;
};

/// Imports the model at \p path.
llvm::Expected<Graph> importModelFile(llvm::StringRef path,
                                      const ImportOptions &options = {});
/// Imports a model from serialized bytes; \p displayName names it in errors.
llvm::Expected<Graph> importModelBytes(llvm::StringRef bytes,
                                       llvm::StringRef displayName,
                                       const ImportOptions &options = {});

/// What a model needs, without importing it (for tools and test runners).
/// Only an unreadable or unparseable file is an error; an unsupported opset
/// or op is reported through the fields.
struct ModelSummary {
  int64_t opset = -1;
  /// Distinct op types in graph order of first appearance.
  std::vector<std::string> opTypes;
  /// Graph inputs that are not initializers, in order.
  std::vector<std::string> inputNames;
  /// Graph inputs feeding operands that must be compile-time constants
  /// (e.g. Reshape's shape), in order; candidates for frozenInputs.
  std::vector<std::string> shapeInputNames;
  /// Element types of the graph inputs, outputs and initializers, in IR
  /// spelling ("f32", "u8", ...; the ONNX name, e.g. "bfloat16", for types
  /// the IR cannot hold), deduplicated, in model order.
  std::vector<std::string> elemTypes;
  /// Uses of supported ops that the importer rejects by design (inference-
  /// only foundation scope), e.g. "BatchNormalization training mode",
  /// "MaxPool Indices output", "Dropout mask output", "Dropout training
  /// mode", "non-tensor value 'x'", "element type bfloat16". Deduplicated,
  /// in model order.
  std::vector<std::string> unsupportedFeatures;
};
llvm::Expected<ModelSummary> summarizeModelFile(llvm::StringRef path);

/// \returns true if ONNX op type \p opType (default domain) is supported.
bool isSupportedOpType(llvm::StringRef opType);
/// The supported ONNX op types, sorted.
std::vector<std::string> getSupportedOpTypes();

} // namespace rtc::onnx

//===- compiler/onnx/OnnxBoundary.h - Exception-safe libonnx calls -*- C++
//-*-===//
//
// libonnx reports problems by throwing (ValidationError, InferenceError,
// std::exception). These wrappers are the only place in rtcc that catches
// exceptions: each returns an llvm::Error carrying the exception's message,
// without a location (callers attach one). Everything else in the importer
// uses non-throwing APIs (ParseFromArray, our own tensor decoding).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <string>

namespace onnx {
class ModelProto;
class NodeProto;
} // namespace onnx

namespace rtc::onnx {

/// Runs libonnx's full model checker (onnx::checker::check_model: IR
/// version, opset imports, SSA form, topological order, per-node schema
/// checks) followed by strict, type-checking shape inference on a copy,
/// like Python's check_model(full_check=True).
llvm::Error checkModelWithOnnx(const ::onnx::ModelProto &model);

/// Runs libonnx's schema check of a single node (operator known at the
/// opset, input/output counts, attribute names and types).
/// \p opsetImports maps domain -> version.
llvm::Error checkNodeWithOnnx(const ::onnx::NodeProto &node, int64_t irVersion,
                              const std::map<std::string, int> &opsetImports);

/// Runs libonnx's (non-strict, type-checking) shape inference on \p model
/// in place, filling graph.value_info. Node-level inference failures are
/// ignored (the model keeps what could be inferred); conflicts between
/// declared and inferred types are returned as errors.
llvm::Error inferShapesWithOnnx(::onnx::ModelProto &model);

} // namespace rtc::onnx

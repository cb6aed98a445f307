//===- compiler/onnx/OnnxModel.h - Reading ONNX model files -----*- C++ -*-===//
//
// Internal to rtc_onnx: loading and parsing a ModelProto without
// exceptions, and the facts about a model both the importer and the
// summary need.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace onnx {
class ModelProto;
class NodeProto;
} // namespace onnx

namespace rtc::onnx {

/// Reads the whole file at \p path; errors are located at the file.
llvm::Expected<std::string> readModelFile(llvm::StringRef path);

/// Parses \p bytes into \p model (protobuf's non-throwing parser). Errors
/// are located at \p displayName: "not a valid ONNX model (...)".
llvm::Error parseModel(llvm::StringRef bytes, llvm::StringRef displayName,
                       ::onnx::ModelProto &model);

/// \returns the model's opset for the default domain ("" or "ai.onnx").
std::optional<int64_t> getDefaultOpset(const ::onnx::ModelProto &model);

/// True if \p node belongs to the default ONNX domain.
bool isDefaultDomain(const ::onnx::NodeProto &node);

/// \returns the op type as reported to users: "Conv", or "domain.Op" for
/// ops of other domains.
std::string getQualifiedOpType(const ::onnx::NodeProto &node);

} // namespace rtc::onnx

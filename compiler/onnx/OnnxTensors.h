//===- compiler/onnx/OnnxTensors.h - ONNX element types and tensors -*- C++
//-*-===//
//
// Conversions from onnx::TensorProto and ONNX element-type codes to the IR's
// Tensor and DType. Decoding is our own (no libonnx helpers, which throw):
// raw_data and every typed *_data field, with sizes validated.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Tensor.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace rtc::onnx {

/// \returns the DType of ONNX element type code \p onnxType
/// (TensorProto::DataType), or nullopt for types the IR cannot hold
/// (string, bfloat16, complex, undefined).
std::optional<DType> convertElemType(int32_t onnxType);

/// \returns the lower-case ONNX name of element type \p onnxType
/// ("float", "uint8", "bfloat16", ...; "type <n>" if unknown).
std::string getOnnxElemTypeName(int32_t onnxType);

/// Decodes \p proto into a Tensor. Errors (no location): external data,
/// unsupported element types, negative dims, data sizes that do not match
/// the shape.
llvm::Expected<Tensor> convertTensorProto(const ::onnx::TensorProto &proto);

} // namespace rtc::onnx

//===- compiler/onnx/OnnxTensors.cpp - ONNX element types and tensors -----===//
#include "compiler/onnx/OnnxTensors.h"

#include "onnx/onnx_pb.h"

#include <fmt/format.h>

#include <cstring>

using namespace rtc;
using ::onnx::TensorProto;

std::optional<DType> rtc::onnx::convertElemType(int32_t onnxType) {
  switch (onnxType) {
  case TensorProto::FLOAT:
    return DType::F32;
  case TensorProto::DOUBLE:
    return DType::F64;
  case TensorProto::FLOAT16:
    return DType::F16;
  case TensorProto::INT8:
    return DType::I8;
  case TensorProto::UINT8:
    return DType::U8;
  case TensorProto::INT16:
    return DType::I16;
  case TensorProto::UINT16:
    return DType::U16;
  case TensorProto::INT32:
    return DType::I32;
  case TensorProto::UINT32:
    return DType::U32;
  case TensorProto::INT64:
    return DType::I64;
  case TensorProto::UINT64:
    return DType::U64;
  case TensorProto::BOOL:
    return DType::Bool;
  default:
    return std::nullopt;
  }
}

std::string rtc::onnx::getOnnxElemTypeName(int32_t onnxType) {
  if (!TensorProto::DataType_IsValid(onnxType))
    return fmt::format("type {}", onnxType);
  std::string name =
      TensorProto::DataType_Name(TensorProto::DataType(onnxType));
  for (char &c : name)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

/// Copies a repeated typed field into \p t, converting each value with a
/// plain C++ cast to the element type.
template <typename Dst, typename Field>
static void copyField(Tensor &t, const Field &field) {
  auto out = t.getMutableData<Dst>();
  for (int i = 0, e = field.size(); i != e; ++i)
    out[i] = static_cast<Dst>(field.Get(i));
}

/// \returns the typed *_data field that holds elements of \p t, and its
/// name; int32_data carries all types of 32 bits or fewer.
static std::pair<int, const char *> typedFieldSize(const TensorProto &proto,
                                                   DType t) {
  switch (t) {
  case DType::F32:
    return {proto.float_data_size(), "float_data"};
  case DType::F64:
    return {proto.double_data_size(), "double_data"};
  case DType::I64:
    return {proto.int64_data_size(), "int64_data"};
  case DType::U32:
  case DType::U64:
    return {proto.uint64_data_size(), "uint64_data"};
  case DType::I32:
  case DType::I16:
  case DType::U16:
  case DType::F16:
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return {proto.int32_data_size(), "int32_data"};
  }
  return {0, "?"};
}

/// Decodes the typed *_data field matching the element type; the caller
/// has checked that it holds exactly one value per element.
static void decodeTypedField(const TensorProto &proto, Tensor &t) {
  int64_t n = t.getNumElements();
  switch (t.getElemType()) {
  case DType::F32:
    copyField<float>(t, proto.float_data());
    break;
  case DType::F64:
    copyField<double>(t, proto.double_data());
    break;
  case DType::I64:
    copyField<int64_t>(t, proto.int64_data());
    break;
  case DType::U32:
    copyField<uint32_t>(t, proto.uint64_data());
    break;
  case DType::U64:
    copyField<uint64_t>(t, proto.uint64_data());
    break;
  case DType::I32:
    copyField<int32_t>(t, proto.int32_data());
    break;
  case DType::I16:
    copyField<int16_t>(t, proto.int32_data());
    break;
  case DType::I8:
    copyField<int8_t>(t, proto.int32_data());
    break;
  case DType::U16:
  case DType::F16: { // int32_data holds the raw 16-bit patterns
    auto *out = reinterpret_cast<uint16_t *>(t.getRawMutableData());
    for (int64_t i = 0; i < n; ++i)
      out[i] = uint16_t(proto.int32_data(int(i)));
    break;
  }
  case DType::U8:
  case DType::Bool: {
    uint8_t *out = t.getRawMutableData();
    for (int64_t i = 0; i < n; ++i)
      out[i] = uint8_t(proto.int32_data(int(i)));
    break;
  }
  }
}

llvm::Expected<Tensor> rtc::onnx::convertTensorProto(const TensorProto &proto) {
  auto fail = [](std::string msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  if (proto.data_location() == TensorProto::EXTERNAL)
    return fail("external tensor data is not supported; embed the weights "
                "in the model file");
  if (proto.has_segment())
    return fail("segmented tensors are not supported");
  std::optional<DType> dtype = convertElemType(proto.data_type());
  if (!dtype)
    return fail(fmt::format("element type {} is not supported",
                            getOnnxElemTypeName(proto.data_type())));
  llvm::SmallVector<int64_t, 4> shape;
  // Sizes are validated against the stored data before anything is
  // allocated, so a corrupt header cannot request a huge buffer.
  uint64_t numElements = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail(fmt::format("negative dimension {}", d));
    if (d != 0 && numElements > (uint64_t(1) << 40) / uint64_t(d))
      return fail("tensor is too large");
    numElements *= uint64_t(d);
    shape.push_back(d);
  }
  TensorType type(*dtype, shape);
  uint64_t numBytes = numElements * getDTypeSize(*dtype);
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != numBytes)
      return fail(fmt::format("raw_data holds {} bytes, expected {} for {}",
                              raw.size(), numBytes, type.str()));
    Tensor t(type);
    if (!raw.empty())
      std::memcpy(t.getRawMutableData(), raw.data(), raw.size());
    return t;
  }
  auto [count, field] = typedFieldSize(proto, *dtype);
  if (uint64_t(count) != numElements)
    return fail(fmt::format("{} holds {} values, expected {} for {}", field,
                            count, numElements, type.str()));
  Tensor t(type);
  decodeTypedField(proto, t);
  return t;
}

//===- ir/Types.cpp - Element and tensor types ----------------------------===//
#include "ir/Types.h"

#include <fmt/format.h>

using namespace rtc;

size_t rtc::getDTypeSize(DType t) {
  switch (t) {
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::F64:
  case DType::I64:
  case DType::U64:
    return 8;
  case DType::F16:
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 1;
}

llvm::StringRef rtc::getDTypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::F16:
    return "f16";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::I16:
    return "i16";
  case DType::U16:
    return "u16";
  case DType::I32:
    return "i32";
  case DType::U32:
    return "u32";
  case DType::I64:
    return "i64";
  case DType::U64:
    return "u64";
  case DType::Bool:
    return "i1";
  }
  return "?";
}

std::optional<DType> rtc::parseDTypeName(llvm::StringRef name) {
  for (DType t : {DType::F32, DType::F64, DType::F16, DType::I8, DType::U8,
                  DType::I16, DType::U16, DType::I32, DType::U32, DType::I64,
                  DType::U64, DType::Bool})
    if (getDTypeName(t) == name)
      return t;
  return std::nullopt;
}

bool rtc::isFloatDType(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::F16;
}

bool rtc::isIntegerDType(DType t) { return !isFloatDType(t); }

bool rtc::isSignedDType(DType t) {
  switch (t) {
  case DType::I8:
  case DType::I16:
  case DType::I32:
  case DType::I64:
  case DType::F32:
  case DType::F64:
  case DType::F16:
    return true;
  default:
    return false;
  }
}

int64_t TensorType::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string rtc::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += 'x';
    out += std::to_string(shape[i]);
  }
  return out;
}

std::string rtc::formatQuantParams(const QuantParams &q) {
  // fmt's "{}" prints the shortest decimal that round-trips a float.
  std::string out;
  if (!q.isPerAxis())
    out = fmt::format("q<{}, {}", q.scales.empty() ? 0.0f : q.scales[0],
                      q.zeroPoints.empty() ? 0 : q.zeroPoints[0]);
  else
    out = fmt::format("q<axis {}: [{}], [{}]", q.axis,
                      fmt::join(q.scales, ", "), fmt::join(q.zeroPoints, ", "));
  if (q.bits != 0)
    out += fmt::format(", bits {}", q.bits);
  return out + ">";
}

std::string TensorType::str() const {
  std::string out = "tensor<";
  if (!shape.empty())
    out += formatShape(shape) + "x";
  out += getDTypeName(elemType).str();
  if (quant)
    out += ", " + formatQuantParams(*quant);
  out += ">";
  return out;
}

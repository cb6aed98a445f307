//===- ir/TensorFileUtils.h - Helpers shared by the tensor codecs -*- C++ -*-===//
//
// Internal to rtc_ir: the DType spelling table, size limits and checks
// shared by the .npy/.bin code (ir/TensorFile.cpp) and the TensorProto
// codec (ir/TensorProtoFile.cpp). The public interface is ir/TensorFile.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Diagnostics.h"
#include "ir/Tensor.h"
#include "ir/Types.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/ErrorHandling.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtc::tensorfile {

// Tensor storage and all three file formats are little-endian; the readers
// copy bytes straight into tensor storage.
static_assert(llvm::endianness::native == llvm::endianness::little,
              "tensor files assume a little-endian host");

/// Largest tensor payload we accept from a file (16 GiB): far above any model
/// input, and small enough that size arithmetic cannot overflow.
inline constexpr uint64_t maxTensorBytes = uint64_t(1) << 34;
/// Largest rank we accept from a file.
inline constexpr size_t maxRank = 64;

/// How each DType is spelled in the two self-describing formats.
struct DTypeInfo {
  DType dtype;
  const char *npyDescr; ///< as numpy writes it on a little-endian host
  int64_t onnxType;     ///< onnx.TensorProto.DataType
};

/// One row per DType.
inline constexpr DTypeInfo dtypeTable[] = {
    {DType::F32, "<f4", 1}, {DType::F64, "<f8", 11}, {DType::F16, "<f2", 10},
    {DType::I8, "|i1", 3},  {DType::U8, "|u1", 2},   {DType::I16, "<i2", 5},
    {DType::U16, "<u2", 4}, {DType::I32, "<i4", 6},  {DType::U32, "<u4", 12},
    {DType::I64, "<i8", 7}, {DType::U64, "<u8", 13}, {DType::Bool, "|b1", 9},
};

/// \returns the row of \p t in dtypeTable.
inline const DTypeInfo &getDTypeInfo(DType t) {
  for (const DTypeInfo &row : dtypeTable)
    if (row.dtype == t)
      return row;
  llvm_unreachable("every DType has a row");
}

/// \returns an error \p msg located at the file \p displayName.
llvm::Error fileError(llvm::StringRef displayName, std::string msg);

/// Computes the element count of \p shape and its size in bytes for elements
/// of \p elemSize bytes, rejecting negative dims and absurd sizes.
llvm::Error checkShapeSize(llvm::ArrayRef<int64_t> shape, size_t elemSize,
                           llvm::StringRef displayName, uint64_t &numElements);

/// Booleans are stored one byte each and must be 0 or 1.
llvm::Error checkBoolBytes(const Tensor &t, llvm::StringRef displayName);

} // namespace rtc::tensorfile

//===- ir/Types.h - Element and tensor types -------------------*- C++ -*-===//
//
// DType is the element type of a tensor; TensorType is a static shape plus an
// element type plus optional quantization parameters (per tensor or per
// axis). Both are small value types: comparable, hashable by value, printable.
//
// Textual forms (used by the IR printer and parser):
//   tensor<1x3x32x32xf32>          a 4-D float tensor
//   tensor<f32>                     a scalar (rank 0)
//   tensor<16xi8, q<0.05, -3>>      per-tensor scale and zero point
//   tensor<8x3xi8, q<axis 0: [0.1, 0.2, ...], [0, 0, ...]>>   per axis
//   tensor<16xu8, q<0.05, 0, bits 4>>   values restricted to 4 bits
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rtc {

/// Element types. The mnemonics are the textual IR spelling.
enum class DType : uint8_t {
  F32,  ///< "f32"
  F64,  ///< "f64"
  F16,  ///< "f16" (representable; kernels do not compute on it)
  I8,   ///< "i8"
  U8,   ///< "u8"
  I16,  ///< "i16"
  U16,  ///< "u16"
  I32,  ///< "i32"
  U32,  ///< "u32"
  I64,  ///< "i64"
  U64,  ///< "u64"
  Bool, ///< "i1", one byte per element
};

/// \returns the size of one element of \p t in bytes.
size_t getDTypeSize(DType t);
/// \returns the textual mnemonic of \p t ("f32", "i8", ...).
llvm::StringRef getDTypeName(DType t);
/// \returns the DType spelled \p name, or nullopt.
std::optional<DType> parseDTypeName(llvm::StringRef name);
bool isFloatDType(DType t);
bool isIntegerDType(DType t); ///< Integers and Bool.
bool isSignedDType(DType t);

/// Affine quantization: real = scale * (q - zeroPoint).
/// Per tensor when axis < 0 (one scale, one zero point); per axis otherwise
/// (one entry per index along \c axis).
/// bits (2..8 or 0) narrows the representable integer range below the
/// element type's: the values use only `bits` bits (signed or unsigned as
/// the element type); 0 means the element type's full width. Printed as a
/// trailing ", bits N" inside q<...> when non-zero.
struct QuantParams {
  llvm::SmallVector<float, 1> scales;
  llvm::SmallVector<int64_t, 1> zeroPoints;
  int64_t axis = -1;
  int64_t bits = 0;

  bool isPerAxis() const { return axis >= 0; }
  bool operator==(const QuantParams &) const = default;
};

/// \returns the textual form of \p q as in a tensor type: "q<0.05, -3>",
/// "q<axis 0: [0.1, 0.2], [0, 0]>", with ", bits N" before the '>' when
/// bits != 0.
std::string formatQuantParams(const QuantParams &q);

/// A statically shaped tensor type.
struct TensorType {
  DType elemType = DType::F32;
  llvm::SmallVector<int64_t, 4> shape;
  std::optional<QuantParams> quant;

  TensorType() = default;
  TensorType(DType elemType, llvm::ArrayRef<int64_t> shape)
      : elemType(elemType), shape(shape.begin(), shape.end()) {}

  size_t getRank() const { return shape.size(); }
  /// Product of the dims (1 for a scalar).
  int64_t getNumElements() const;
  size_t getSizeInBytes() const {
    return size_t(getNumElements()) * getDTypeSize(elemType);
  }
  /// \returns "tensor<1x3xf32>" (with the q<...> suffix if quantized).
  std::string str() const;

  bool operator==(const TensorType &) const = default;
};

/// \returns "1x3x32x32" for a shape (empty string for rank 0).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace rtc

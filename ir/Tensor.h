//===- ir/Tensor.h - Dense tensor storage ----------------------*- C++ -*-===//
//
// A Tensor owns a dense, row-major, little-endian buffer of elements of its
// TensorType. Storage is 8-byte aligned so typed views of any DType are
// valid. Copying a Tensor copies its data (graphs are values).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Types.h"

#include "llvm/ADT/ArrayRef.h"

#include <cassert>
#include <cstdint>
#include <vector>

namespace rtc {

/// Maps a C++ element type to its DType (DTypeOf<float>::value == DType::F32).
template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> {
  static constexpr DType value = DType::F32;
};
template <> struct DTypeOf<double> {
  static constexpr DType value = DType::F64;
};
template <> struct DTypeOf<int8_t> {
  static constexpr DType value = DType::I8;
};
template <> struct DTypeOf<uint8_t> {
  static constexpr DType value = DType::U8;
};
template <> struct DTypeOf<int16_t> {
  static constexpr DType value = DType::I16;
};
template <> struct DTypeOf<uint16_t> {
  static constexpr DType value = DType::U16;
};
template <> struct DTypeOf<int32_t> {
  static constexpr DType value = DType::I32;
};
template <> struct DTypeOf<uint32_t> {
  static constexpr DType value = DType::U32;
};
template <> struct DTypeOf<int64_t> {
  static constexpr DType value = DType::I64;
};
template <> struct DTypeOf<uint64_t> {
  static constexpr DType value = DType::U64;
};

/// Dense tensor value.
class Tensor {
public:
  Tensor() = default;
  /// Creates a zero-filled tensor of \p type.
  explicit Tensor(TensorType type);

  /// Creates a tensor of \p shape holding \p values (sizes must agree).
  template <typename T>
  static Tensor fromValues(llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<T> values) {
    Tensor t(TensorType(DTypeOf<T>::value, shape));
    assert(int64_t(values.size()) == t.getNumElements() && "size mismatch");
    std::copy(values.begin(), values.end(), t.getMutableData<T>().begin());
    return t;
  }

  const TensorType &getType() const { return type; }
  /// Replaces the type; \p newType must have the same element count and
  /// element type (used to reshape or attach quantization parameters).
  void setType(TensorType newType);
  DType getElemType() const { return type.elemType; }
  llvm::ArrayRef<int64_t> getShape() const { return type.shape; }
  int64_t getNumElements() const { return type.getNumElements(); }
  size_t getSizeInBytes() const { return type.getSizeInBytes(); }

  /// Typed read-only view; T must match the element type.
  template <typename T> llvm::ArrayRef<T> getData() const {
    assert(DTypeOf<T>::value == type.elemType && "element type mismatch");
    return {reinterpret_cast<const T *>(storage.data()),
            size_t(getNumElements())};
  }
  /// Typed mutable view; T must match the element type.
  template <typename T> llvm::MutableArrayRef<T> getMutableData() {
    assert(DTypeOf<T>::value == type.elemType && "element type mismatch");
    return {reinterpret_cast<T *>(storage.data()), size_t(getNumElements())};
  }
  const uint8_t *getRawData() const {
    return reinterpret_cast<const uint8_t *>(storage.data());
  }
  uint8_t *getRawMutableData() {
    return reinterpret_cast<uint8_t *>(storage.data());
  }

  /// Element \p i (flat index) converted to double, for any DType.
  double getAsDouble(int64_t i) const;
  /// Element \p i converted to int64 (floats truncate toward zero).
  int64_t getAsInt64(int64_t i) const;
  /// Stores \p v into element \p i, converting to the element type
  /// (integers saturate is NOT applied: plain C++ conversion).
  void setFromDouble(int64_t i, double v);

  /// \returns a copy converted element-wise to \p t (same shape).
  Tensor castTo(DType t) const;

  /// Same type (including quantization) and identical bytes.
  bool operator==(const Tensor &other) const;

private:
  TensorType type;
  std::vector<uint64_t> storage; // 8-byte aligned backing store
};

/// \returns the first \p count samples of type \p sampleType stored back to
/// back in \p batch (a batch along dim 0). The caller has checked that
/// \p batch has \p sampleType's element type and holds at least \p count
/// samples (asserted).
std::vector<Tensor> splitBatch(const Tensor &batch,
                               const TensorType &sampleType, int64_t count);

/// \returns the index of the first largest element of \p t (as doubles;
/// 0 for an empty tensor): the top-1 class of a logits tensor.
int64_t argmaxElement(const Tensor &t);

/// IEEE half <-> float conversions (round to nearest even).
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);

} // namespace rtc

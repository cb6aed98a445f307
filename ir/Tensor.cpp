//===- ir/Tensor.cpp - Dense tensor storage -------------------------------===//
#include "ir/Tensor.h"

#include <cmath>
#include <cstring>

using namespace rtc;

Tensor::Tensor(TensorType t) : type(std::move(t)) {
  storage.assign((type.getSizeInBytes() + 7) / 8, 0);
}

void Tensor::setType(TensorType newType) {
  assert(newType.elemType == type.elemType &&
         newType.getNumElements() == type.getNumElements() &&
         "setType must preserve element type and count");
  type = std::move(newType);
}

float rtc::halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: renormalise
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ff;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t rtc::floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = uint16_t((x >> 16) & 0x8000);
  uint32_t absx = x & 0x7fffffff;
  if (absx >= 0x7f800000) // inf or nan
    return sign | 0x7c00 | (absx > 0x7f800000 ? 0x200 : 0);
  if (absx >= 0x477ff000) // overflows to inf after rounding
    return sign | 0x7c00;
  if (absx < 0x38800000) { // subnormal or zero in half
    // Shift with round-to-nearest-even.
    uint32_t mant = (absx & 0x7fffff) | 0x800000;
    int shift = 113 - int(absx >> 23) + 13;
    if (shift > 24)
      return sign;
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return sign | uint16_t(half);
  }
  uint32_t rounded = absx + 0xfff + ((absx >> 13) & 1);
  return sign | uint16_t((rounded - 0x38000000) >> 13);
}

double Tensor::getAsDouble(int64_t i) const {
  const uint8_t *p = getRawData() + size_t(i) * getDTypeSize(type.elemType);
  switch (type.elemType) {
#define RTC_LOAD(DT, CT)                                                       \
  case DType::DT: {                                                            \
    CT v;                                                                      \
    std::memcpy(&v, p, sizeof(CT));                                            \
    return double(v);                                                          \
  }
    RTC_LOAD(F32, float)
    RTC_LOAD(F64, double)
    RTC_LOAD(I8, int8_t)
    RTC_LOAD(U8, uint8_t)
    RTC_LOAD(I16, int16_t)
    RTC_LOAD(U16, uint16_t)
    RTC_LOAD(I32, int32_t)
    RTC_LOAD(U32, uint32_t)
    RTC_LOAD(I64, int64_t)
    RTC_LOAD(U64, uint64_t)
#undef RTC_LOAD
  case DType::Bool:
    return *p ? 1.0 : 0.0;
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return double(halfToFloat(h));
  }
  }
  return 0.0;
}

int64_t Tensor::getAsInt64(int64_t i) const {
  const uint8_t *p = getRawData() + size_t(i) * getDTypeSize(type.elemType);
  switch (type.elemType) {
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case DType::U64: {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return int64_t(v);
  }
  default:
    return int64_t(getAsDouble(i));
  }
}

void Tensor::setFromDouble(int64_t i, double v) {
  uint8_t *p = getRawMutableData() + size_t(i) * getDTypeSize(type.elemType);
  switch (type.elemType) {
#define RTC_STORE(DT, CT)                                                      \
  case DType::DT: {                                                            \
    CT c = CT(v);                                                              \
    std::memcpy(p, &c, sizeof(CT));                                            \
    return;                                                                    \
  }
    RTC_STORE(F32, float)
    RTC_STORE(F64, double)
    RTC_STORE(I8, int8_t)
    RTC_STORE(U8, uint8_t)
    RTC_STORE(I16, int16_t)
    RTC_STORE(U16, uint16_t)
    RTC_STORE(I32, int32_t)
    RTC_STORE(U32, uint32_t)
    RTC_STORE(I64, int64_t)
    RTC_STORE(U64, uint64_t)
#undef RTC_STORE
  case DType::Bool:
    *p = v != 0.0;
    return;
  case DType::F16: {
    uint16_t h = floatToHalf(float(v));
    std::memcpy(p, &h, 2);
    return;
  }
  }
}

Tensor Tensor::castTo(DType t) const {
  Tensor out(TensorType(t, type.shape));
  int64_t n = getNumElements();
  if (isIntegerDType(t) && isIntegerDType(type.elemType)) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = getAsInt64(i);
      out.setFromDouble(i, 0); // zero the slot, then write exact bits
      uint8_t *p = out.getRawMutableData() + size_t(i) * getDTypeSize(t);
      std::memcpy(p, &v, getDTypeSize(t)); // little-endian truncation
    }
    return out;
  }
  for (int64_t i = 0; i < n; ++i)
    out.setFromDouble(i, getAsDouble(i));
  return out;
}

bool Tensor::operator==(const Tensor &other) const {
  if (!(type == other.type))
    return false;
  if (getSizeInBytes() == 0)
    return true; // memcmp must not see the null data of empty storage
  return std::memcmp(getRawData(), other.getRawData(), getSizeInBytes()) == 0;
}

std::vector<Tensor> rtc::splitBatch(const Tensor &batch,
                                    const TensorType &sampleType,
                                    int64_t count) {
  size_t bytes = sampleType.getSizeInBytes();
  assert(batch.getElemType() == sampleType.elemType &&
         "batch and samples differ in element type");
  assert(count >= 0 && size_t(count) * bytes <= batch.getSizeInBytes() &&
         "the batch holds fewer samples");
  std::vector<Tensor> samples;
  samples.reserve(size_t(count));
  for (int64_t i = 0; i < count; ++i) {
    Tensor s(sampleType);
    if (bytes)
      std::memcpy(s.getRawMutableData(), batch.getRawData() + i * bytes,
                  bytes);
    samples.push_back(std::move(s));
  }
  return samples;
}

int64_t rtc::argmaxElement(const Tensor &t) {
  int64_t best = 0;
  for (int64_t i = 1; i < t.getNumElements(); ++i)
    if (t.getAsDouble(i) > t.getAsDouble(best))
      best = i;
  return best;
}

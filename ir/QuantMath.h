//===- ir/QuantMath.h - Integer quantization arithmetic --------*- C++ -*-===//
//
// The arithmetic of the integer golden model, defined once and shared by the
// quantizer (which chooses parameters), the integer reference kernels and,
// later, the racetrack simulator (which must match them bit for bit).
//
// Rounding: every real -> integer step rounds half to even (as ONNX
// QuantizeLinear does) and saturates to the representable range.
// Requantization is integer-only: a positive real multiplier m is stored as
// a 31-bit fixed-point mantissa M in [2^30, 2^31) and a right shift s with
// m ~= M * 2^-s; applying it computes roundHalfEven(acc * M / 2^s) exactly in
// 64-bit (or 128-bit) integers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Types.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace rtc {

/// A positive real multiplier as M * 2^-shift (M == 0 encodes zero).
struct FixedPointMultiplier {
  int32_t multiplier = 0; ///< In [2^30, 2^31), or 0.
  int32_t shift = 0;      ///< Right shift, in [0, 62].
};

/// Encodes \p real (>= 0 and < 2^31) as a fixed-point multiplier, rounding
/// the mantissa to nearest. Reals too small for shift <= 62 become 0.
FixedPointMultiplier quantizeMultiplier(double real);

/// \returns \p x rounded to the nearest integer, ties to even (2.5 -> 2,
/// 3.5 -> 4, -2.5 -> -2), independent of the floating-point environment.
double roundHalfEven(double x);

/// \returns roundHalfEven(value / 2^shift) for shift in [0, 126], exactly.
int64_t roundingShiftRight(__int128 value, int shift);

/// \returns roundHalfEven(acc * m.multiplier / 2^m.shift), exactly.
int64_t applyMultiplier(int64_t acc, FixedPointMultiplier m);
int64_t applyMultiplier(int64_t acc, int32_t multiplier, int32_t shift);

/// \returns \p v clamped to [lo, hi].
inline int64_t saturate(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/// Representable range of a quantized element type: the full range of
/// \p t when \p bits is 0 or >= its width, otherwise the signed
/// [-2^(bits-1), 2^(bits-1) - 1] or unsigned [0, 2^bits - 1] range.
struct QuantRange {
  int64_t min;
  int64_t max;
};
QuantRange getQuantRange(DType t, int64_t bits);

/// Checks that \p q is well formed for a tensor of \p elemType and
/// \p shape: an integer element type (not i1), bits 0 or 2..8, one scale and
/// zero point (per tensor) or one per index of axis < rank (per axis),
/// finite positive scales, and zero points inside getQuantRange(elemType,
/// bits). \returns an unlocated error naming the first violation.
llvm::Error checkQuantParams(const QuantParams &q, DType elemType,
                             llvm::ArrayRef<int64_t> shape);

/// Real -> quantized: saturate(roundHalfEven(x / scale) + zeroPoint, range).
/// NaN maps to the zero point.
int64_t quantizeValue(float x, float scale, int64_t zeroPoint,
                      QuantRange range);

/// Quantized -> real: (q - zeroPoint) * scale, computed in float as ONNX
/// DequantizeLinear does.
float dequantizeValue(int64_t q, float scale, int64_t zeroPoint);

/// Chooses per-tensor activation parameters for the observed real range
/// [min, max] (widened to include 0 so zero is exact). A one-sided range
/// (min >= 0) gives unsigned elements with zero point 0 (DType::U8);
/// otherwise signed asymmetric (DType::I8). \p bits in [2, 8].
struct ActivationQuant {
  DType elemType;
  QuantParams params; ///< per tensor, bits set
};
ActivationQuant chooseActivationQuant(float min, float max, int64_t bits);

/// Chooses symmetric weight parameters (zero point 0, signed, range
/// [-(2^(bits-1) - 1), 2^(bits-1) - 1]) for a channel with max |w| =
/// \p absMax. \returns the scale (1 if absMax == 0).
float chooseSymmetricScale(float absMax, int64_t bits);

} // namespace rtc

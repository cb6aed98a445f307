//===- ir/QuantMath.cpp - Integer quantization arithmetic -----------------===//
//
// Implements ir/QuantMath.h. Everything here is exact integer arithmetic or
// a single, explicitly rounded float step, so the results do not depend on
// the floating-point environment (no nearbyint/rint).
//
//===----------------------------------------------------------------------===//
#include "ir/QuantMath.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace rtc;

double rtc::roundHalfEven(double x) {
  if (!std::isfinite(x))
    return x;
  double lower = std::floor(x);
  double diff = x - lower; // exact: both operands share the binade of x
  if (diff > 0.5)
    return lower + 1.0;
  if (diff < 0.5)
    return lower;
  return std::fmod(lower, 2.0) == 0.0 ? lower : lower + 1.0;
}

int64_t rtc::roundingShiftRight(__int128 value, int shift) {
  assert(shift >= 0 && shift <= 126 && "shift out of range");
  if (shift == 0)
    return int64_t(value);
  __int128 one = 1;
  __int128 quotient = value >> shift; // floor division (arithmetic shift)
  __int128 remainder = value - (quotient << shift); // in [0, 2^shift)
  __int128 half = one << (shift - 1);
  if (remainder > half || (remainder == half && (quotient & 1) != 0))
    ++quotient;
  return int64_t(quotient);
}

FixedPointMultiplier rtc::quantizeMultiplier(double real) {
  assert(!(real >= 2147483648.0) && "multiplier must be below 2^31");
  if (!(real > 0.0)) // zero, negative or NaN
    return {};
  int exponent = 0;
  double mantissa = std::frexp(real, &exponent); // real = mantissa * 2^exp
  // mantissa in [0.5, 1): scaling by 2^31 is exact, rounding is the only
  // inexact step.
  int64_t m = int64_t(roundHalfEven(std::ldexp(mantissa, 31)));
  if (m == (int64_t(1) << 31)) { // rounded up to the next power of two
    m >>= 1;
    ++exponent;
  }
  int64_t shift = 31 - int64_t(exponent);
  if (shift > 62)
    return {};
  if (shift < 0) // only reachable by rounding just below 2^31
    return {std::numeric_limits<int32_t>::max(), 0};
  return {int32_t(m), int32_t(shift)};
}

int64_t rtc::applyMultiplier(int64_t acc, FixedPointMultiplier m) {
  return applyMultiplier(acc, m.multiplier, m.shift);
}

int64_t rtc::applyMultiplier(int64_t acc, int32_t multiplier, int32_t shift) {
  return roundingShiftRight(__int128(acc) * multiplier, shift);
}

QuantRange rtc::getQuantRange(DType t, int64_t bits) {
  int64_t width = int64_t(getDTypeSize(t)) * 8;
  if (t == DType::Bool)
    return {0, 1};
  assert(isIntegerDType(t) && "quantized types are integers");
  bool isSigned = isSignedDType(t);
  int64_t b = (bits <= 0 || bits >= width) ? width : bits;
  if (b >= 64)
    return isSigned ? QuantRange{std::numeric_limits<int64_t>::min(),
                                 std::numeric_limits<int64_t>::max()}
                    : QuantRange{0, std::numeric_limits<int64_t>::max()};
  if (isSigned)
    return {-(int64_t(1) << (b - 1)), (int64_t(1) << (b - 1)) - 1};
  return {0, (int64_t(1) << b) - 1};
}

llvm::Error rtc::checkQuantParams(const QuantParams &q, DType elemType,
                                  llvm::ArrayRef<int64_t> shape) {
  auto fail = [](std::string msg) {
    return llvm::createStringError(std::move(msg));
  };
  if (!isIntegerDType(elemType) || elemType == DType::Bool)
    return fail(fmt::format("quantization parameters need an integer element "
                            "type, not {}",
                            getDTypeName(elemType).str()));
  if (q.bits != 0 && (q.bits < 2 || q.bits > 8))
    return fail(fmt::format("quantization bits {} must be 0 or in [2, 8]",
                            q.bits));
  if (q.scales.size() != q.zeroPoints.size())
    return fail(fmt::format("quantization has {} scales but {} zero points",
                            q.scales.size(), q.zeroPoints.size()));
  if (!q.isPerAxis()) {
    if (q.scales.size() != 1)
      return fail(fmt::format("per-tensor quantization needs one scale, got "
                              "{}",
                              q.scales.size()));
  } else {
    if (size_t(q.axis) >= shape.size())
      return fail(fmt::format("quantization axis {} is out of range for rank "
                              "{}",
                              q.axis, shape.size()));
    if (int64_t(q.scales.size()) != shape[q.axis])
      return fail(fmt::format("per-axis quantization on axis {} has {} "
                              "scales, but the dim has size {}",
                              q.axis, q.scales.size(), shape[q.axis]));
  }
  QuantRange range = getQuantRange(elemType, q.bits);
  for (size_t i = 0; i < q.scales.size(); ++i) {
    if (!std::isfinite(q.scales[i]) || !(q.scales[i] > 0.0f))
      return fail(fmt::format("quantization scale #{} is {}; scales must be "
                              "finite and positive",
                              i, q.scales[i]));
    if (q.zeroPoints[i] < range.min || q.zeroPoints[i] > range.max)
      return fail(fmt::format("zero point #{} ({}) is outside the range [{}, "
                              "{}] of {}{}",
                              i, q.zeroPoints[i], range.min, range.max,
                              getDTypeName(elemType).str(),
                              q.bits ? fmt::format(" with {} bits", q.bits)
                                     : std::string()));
  }
  return llvm::Error::success();
}

int64_t rtc::quantizeValue(float x, float scale, int64_t zeroPoint,
                           QuantRange range) {
  if (std::isnan(x))
    return saturate(zeroPoint, range.min, range.max);
  float scaled = x / scale; // in float, as ONNX QuantizeLinear
  double r = roundHalfEven(double(scaled));
  // Clamp before converting so huge values and infinities stay defined.
  constexpr double limit = 4611686018427387904.0; // 2^62
  r = std::clamp(r, -limit, limit);
  return saturate(int64_t(r) + zeroPoint, range.min, range.max);
}

float rtc::dequantizeValue(int64_t q, float scale, int64_t zeroPoint) {
  return float(q - zeroPoint) * scale;
}

ActivationQuant rtc::chooseActivationQuant(float min, float max,
                                           int64_t bits) {
  assert(bits >= 2 && bits <= 8 && "activation bits in [2, 8]");
  assert(std::isfinite(min) && std::isfinite(max) && "finite range");
  bool oneSided = min >= 0.0f;
  double lo = std::min(double(min), 0.0), hi = std::max(double(max), 0.0);
  double levels = double((int64_t(1) << bits) - 1);
  ActivationQuant result;
  result.params.bits = bits;
  if (oneSided) {
    result.elemType = DType::U8;
    float scale = hi == 0.0 ? 1.0f : float(hi / levels);
    result.params.scales = {scale};
    result.params.zeroPoints = {0};
    return result;
  }
  result.elemType = DType::I8;
  QuantRange range = getQuantRange(DType::I8, bits);
  float scale = float((hi - lo) / levels);
  // The zero point follows from the stored (float) scale so that real 0 is
  // represented exactly by it.
  int64_t zp = int64_t(roundHalfEven(double(range.min) - lo / double(scale)));
  result.params.scales = {scale};
  result.params.zeroPoints = {saturate(zp, range.min, range.max)};
  return result;
}

float rtc::chooseSymmetricScale(float absMax, int64_t bits) {
  assert(bits >= 2 && bits <= 8 && "weight bits in [2, 8]");
  if (!(absMax > 0.0f))
    return 1.0f;
  return float(double(absMax) / double((int64_t(1) << (bits - 1)) - 1));
}

//===- tests/unit/ir/QuantMathTest.cpp - Integer quantization arithmetic --===//
//
// Hand-computed expectations for ir/QuantMath.h: rounding ties, fixed-point
// multipliers, ranges for 2/4/8 bits, saturation, zero points and the
// parameter choice of the quantizer.
//
//===----------------------------------------------------------------------===//
#include "ir/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace rtc;

TEST(QuantMath, RoundHalfEven) {
  EXPECT_EQ(roundHalfEven(2.5), 2.0);
  EXPECT_EQ(roundHalfEven(3.5), 4.0);
  EXPECT_EQ(roundHalfEven(-2.5), -2.0);
  EXPECT_EQ(roundHalfEven(-3.5), -4.0);
  EXPECT_EQ(roundHalfEven(0.5), 0.0);
  EXPECT_EQ(roundHalfEven(1.5), 2.0);
  EXPECT_EQ(roundHalfEven(2.4), 2.0);
  EXPECT_EQ(roundHalfEven(2.6), 3.0);
  EXPECT_EQ(roundHalfEven(-2.6), -3.0);
  EXPECT_EQ(roundHalfEven(-0.4), 0.0);
  EXPECT_EQ(roundHalfEven(7.0), 7.0);
}

TEST(QuantMath, RoundingShiftRight) {
  EXPECT_EQ(roundingShiftRight(5, 1), 2);   // 2.5
  EXPECT_EQ(roundingShiftRight(7, 1), 4);   // 3.5
  EXPECT_EQ(roundingShiftRight(-5, 1), -2); // -2.5
  EXPECT_EQ(roundingShiftRight(-7, 1), -4); // -3.5
  EXPECT_EQ(roundingShiftRight(6, 2), 2);   // 1.5
  EXPECT_EQ(roundingShiftRight(10, 2), 2);  // 2.5
  EXPECT_EQ(roundingShiftRight(-6, 2), -2); // -1.5
  EXPECT_EQ(roundingShiftRight(9, 2), 2);   // 2.25
  EXPECT_EQ(roundingShiftRight(11, 2), 3);  // 2.75
  EXPECT_EQ(roundingShiftRight(-9, 2), -2); // -2.25
  EXPECT_EQ(roundingShiftRight(-11, 2), -3); // -2.75
  EXPECT_EQ(roundingShiftRight(-42, 0), -42);
  __int128 one = 1;
  EXPECT_EQ(roundingShiftRight(one << 100, 100), 1);
  EXPECT_EQ(roundingShiftRight(3 * (one << 99), 100), 2);  // 1.5
  EXPECT_EQ(roundingShiftRight(5 * (one << 99), 100), 2);  // 2.5
  EXPECT_EQ(roundingShiftRight(-5 * (one << 99), 100), -2); // -2.5
}

TEST(QuantMath, QuantizeMultiplier) {
  FixedPointMultiplier half = quantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 31);
  FixedPointMultiplier one = quantizeMultiplier(1.0);
  EXPECT_EQ(one.multiplier, 1 << 30);
  EXPECT_EQ(one.shift, 30);
  FixedPointMultiplier threeQuarters = quantizeMultiplier(0.75);
  EXPECT_EQ(threeQuarters.multiplier, 1610612736); // 0.75 * 2^31
  EXPECT_EQ(threeQuarters.shift, 31);
  // 1/3 = 0.666.. * 2^-1; 0.666.. * 2^31 = 1431655765.33 -> 1431655765.
  FixedPointMultiplier third = quantizeMultiplier(1.0 / 3.0);
  EXPECT_EQ(third.multiplier, 1431655765);
  EXPECT_EQ(third.shift, 32);
  // Just below 1: the mantissa rounds up to 2^31 and carries.
  FixedPointMultiplier carry = quantizeMultiplier(1.0 - std::ldexp(1.0, -40));
  EXPECT_EQ(carry.multiplier, 1 << 30);
  EXPECT_EQ(carry.shift, 30);
  // 3.0 = 0.75 * 2^2.
  FixedPointMultiplier three = quantizeMultiplier(3.0);
  EXPECT_EQ(three.multiplier, 1610612736);
  EXPECT_EQ(three.shift, 29);
  // Tiny values: 2^-32 is the smallest with shift <= 62; below becomes 0.
  FixedPointMultiplier tiny = quantizeMultiplier(std::ldexp(1.0, -32));
  EXPECT_EQ(tiny.multiplier, 1 << 30);
  EXPECT_EQ(tiny.shift, 62);
  FixedPointMultiplier tooSmall = quantizeMultiplier(std::ldexp(1.0, -33));
  EXPECT_EQ(tooSmall.multiplier, 0);
  EXPECT_EQ(quantizeMultiplier(0.0).multiplier, 0);
  EXPECT_EQ(quantizeMultiplier(-1.0).multiplier, 0);
}

TEST(QuantMath, ApplyMultiplier) {
  int32_t half = 1 << 30;
  EXPECT_EQ(applyMultiplier(3, half, 31), 2);   // 1.5
  EXPECT_EQ(applyMultiplier(5, half, 31), 2);   // 2.5
  EXPECT_EQ(applyMultiplier(-5, half, 31), -2); // -2.5
  EXPECT_EQ(applyMultiplier(-3, half, 31), -2); // -1.5
  EXPECT_EQ(applyMultiplier(-7, half, 31), -4); // -3.5
  // 100 * 1431655765 / 2^32 = 33.33..; -100 gives -33.33...
  EXPECT_EQ(applyMultiplier(100, 1431655765, 32), 33);
  EXPECT_EQ(applyMultiplier(-100, 1431655765, 32), -33);
  EXPECT_EQ(applyMultiplier(100, FixedPointMultiplier{1431655765, 32}), 33);
  // (2^31 - 1)^2 / 2^62 = 1 - 2^-30 + 2^-62 needs more than 64 bits.
  int32_t big = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(applyMultiplier(big, big, 62), 1);
  EXPECT_EQ(applyMultiplier(-int64_t(big), big, 62), -1);
  EXPECT_EQ(applyMultiplier(12345, 0, 0), 0);
}

TEST(QuantMath, Ranges) {
  auto expectRange = [](DType t, int64_t bits, int64_t lo, int64_t hi) {
    QuantRange r = getQuantRange(t, bits);
    EXPECT_EQ(r.min, lo) << getDTypeName(t).str() << " bits " << bits;
    EXPECT_EQ(r.max, hi) << getDTypeName(t).str() << " bits " << bits;
  };
  expectRange(DType::I8, 0, -128, 127);
  expectRange(DType::I8, 8, -128, 127);
  expectRange(DType::I8, 4, -8, 7);
  expectRange(DType::I8, 2, -2, 1);
  expectRange(DType::U8, 0, 0, 255);
  expectRange(DType::U8, 4, 0, 15);
  expectRange(DType::U8, 2, 0, 3);
  expectRange(DType::I16, 8, -128, 127);
  expectRange(DType::U16, 0, 0, 65535);
  expectRange(DType::I32, 0, -2147483648LL, 2147483647LL);
}

TEST(QuantMath, QuantizeValue) {
  QuantRange i8 = getQuantRange(DType::I8, 0);
  // Ties to even, with and without a zero point.
  EXPECT_EQ(quantizeValue(1.25f, 0.5f, 0, i8), 2);   // 2.5
  EXPECT_EQ(quantizeValue(1.75f, 0.5f, 0, i8), 4);   // 3.5
  EXPECT_EQ(quantizeValue(-1.25f, 0.5f, 0, i8), -2); // -2.5
  EXPECT_EQ(quantizeValue(1.25f, 0.5f, -3, i8), -1);
  EXPECT_EQ(quantizeValue(0.0f, 0.5f, -3, i8), -3);
  // Saturation at both ends, after adding the zero point.
  EXPECT_EQ(quantizeValue(1000.0f, 0.5f, 0, i8), 127);
  EXPECT_EQ(quantizeValue(-1000.0f, 0.5f, 0, i8), -128);
  EXPECT_EQ(quantizeValue(-60.0f, 0.5f, 10, i8), -110);
  EXPECT_EQ(quantizeValue(-70.0f, 0.5f, 10, i8), -128);
  EXPECT_EQ(quantizeValue(60.0f, 0.5f, 10, i8), 127);
  // 4 bits signed and unsigned.
  QuantRange i4 = getQuantRange(DType::I8, 4), u4 = getQuantRange(DType::U8, 4);
  EXPECT_EQ(quantizeValue(3.0f, 0.5f, 0, i4), 6);
  EXPECT_EQ(quantizeValue(4.0f, 0.5f, 0, i4), 7);
  EXPECT_EQ(quantizeValue(-5.0f, 0.5f, 0, i4), -8);
  EXPECT_EQ(quantizeValue(-1.0f, 1.0f, 0, u4), 0);
  EXPECT_EQ(quantizeValue(20.0f, 1.0f, 0, u4), 15);
  // 2 bits: [-2, 1].
  QuantRange i2 = getQuantRange(DType::I8, 2);
  EXPECT_EQ(quantizeValue(0.9f, 1.0f, 0, i2), 1);
  EXPECT_EQ(quantizeValue(-1.5f, 1.0f, 0, i2), -2);
  EXPECT_EQ(quantizeValue(5.0f, 1.0f, 0, i2), 1);
  // NaN maps to the zero point, infinities saturate.
  EXPECT_EQ(quantizeValue(std::nanf(""), 0.5f, -3, i8), -3);
  EXPECT_EQ(quantizeValue(INFINITY, 0.5f, -3, i8), 127);
  EXPECT_EQ(quantizeValue(-INFINITY, 0.5f, -3, i8), -128);
}

TEST(QuantMath, DequantizeValue) {
  EXPECT_EQ(dequantizeValue(-1, 0.5f, -3), 1.0f);
  EXPECT_EQ(dequantizeValue(-3, 0.5f, -3), 0.0f);
  EXPECT_EQ(dequantizeValue(-128, 0.25f, 0), -32.0f);
}

TEST(QuantMath, QuantizeDequantizeErrorBound) {
  float scale = 0.05f;
  int64_t zp = -3;
  QuantRange i8 = getQuantRange(DType::I8, 0);
  // Representable reals: [(-128 + 3) * 0.05, (127 + 3) * 0.05].
  for (int i = -600; i <= 600; ++i) {
    float x = float(i) * 0.0101f;
    float back = dequantizeValue(quantizeValue(x, scale, zp, i8), scale, zp);
    EXPECT_LE(std::fabs(back - x), scale / 2 * (1 + 1e-5f)) << "x = " << x;
  }
}

TEST(QuantMath, ChooseActivationQuantOneSided) {
  ActivationQuant relu6 = chooseActivationQuant(0.0f, 6.0f, 8);
  EXPECT_EQ(relu6.elemType, DType::U8);
  ASSERT_EQ(relu6.params.scales.size(), 1u);
  EXPECT_EQ(relu6.params.scales[0], float(6.0 / 255.0));
  EXPECT_EQ(relu6.params.zeroPoints[0], 0);
  EXPECT_EQ(relu6.params.bits, 8);
  EXPECT_FALSE(relu6.params.isPerAxis());
  // min > 0 is widened to 0: still one-sided.
  EXPECT_EQ(chooseActivationQuant(0.5f, 6.0f, 8).params.scales[0],
            float(6.0 / 255.0));
  ActivationQuant u4 = chooseActivationQuant(0.0f, 3.0f, 4);
  EXPECT_EQ(u4.params.scales[0], float(3.0 / 15.0));
  EXPECT_EQ(u4.params.bits, 4);
  ActivationQuant zero = chooseActivationQuant(0.0f, 0.0f, 8);
  EXPECT_EQ(zero.params.scales[0], 1.0f);
  EXPECT_EQ(zero.params.zeroPoints[0], 0);
}

TEST(QuantMath, ChooseActivationQuantTwoSided) {
  // [-1, 3]: scale 4/255, zp = rhe(-128 + 1 / (4/255)) = rhe(-64.25) = -64.
  ActivationQuant a = chooseActivationQuant(-1.0f, 3.0f, 8);
  EXPECT_EQ(a.elemType, DType::I8);
  EXPECT_EQ(a.params.scales[0], float(4.0 / 255.0));
  EXPECT_EQ(a.params.zeroPoints[0], -64);
  // 4 bits, [-3, 1]: scale 4/15, zp = rhe(-8 + 11.25) = 3.
  ActivationQuant b = chooseActivationQuant(-3.0f, 1.0f, 4);
  EXPECT_EQ(b.elemType, DType::I8);
  EXPECT_EQ(b.params.scales[0], float(4.0 / 15.0));
  EXPECT_EQ(b.params.zeroPoints[0], 3);
  EXPECT_EQ(b.params.bits, 4);
  // All-negative range is widened to include 0: zp at the top, 127.
  ActivationQuant c = chooseActivationQuant(-4.0f, -1.0f, 8);
  EXPECT_EQ(c.params.scales[0], float(4.0 / 255.0));
  EXPECT_EQ(c.params.zeroPoints[0], 127);
  // Zero is exactly representable: quantize(0) == zp, dequantizes to 0.
  QuantRange r = getQuantRange(DType::I8, 8);
  int64_t q0 = quantizeValue(0.0f, a.params.scales[0],
                             a.params.zeroPoints[0], r);
  EXPECT_EQ(dequantizeValue(q0, a.params.scales[0], a.params.zeroPoints[0]),
            0.0f);
}

TEST(QuantMath, ChooseSymmetricScale) {
  EXPECT_EQ(chooseSymmetricScale(1.27f, 8), float(1.27f / 127.0));
  EXPECT_EQ(chooseSymmetricScale(3.5f, 4), 0.5f);
  EXPECT_EQ(chooseSymmetricScale(0.7f, 2), 0.7f);
  EXPECT_EQ(chooseSymmetricScale(0.0f, 8), 1.0f);
}

TEST(QuantMath, CheckQuantParams) {
  auto message = [](const QuantParams &q, DType t,
                    llvm::ArrayRef<int64_t> shape) {
    llvm::Error err = checkQuantParams(q, t, shape);
    return err ? llvm::toString(std::move(err)) : std::string();
  };
  EXPECT_EQ(message(QuantParams{{0.5f}, {-3}, -1, 0}, DType::I8, {4}), "");
  EXPECT_EQ(message(QuantParams{{0.5f, 0.25f}, {0, 1}, 0, 4}, DType::I8,
                    {2, 3}),
            "");
  EXPECT_EQ(message(QuantParams{{0.5f, 0.25f}, {0, 1}, 1, 0}, DType::I8,
                    {2, 3}),
            "per-axis quantization on axis 1 has 2 scales, but the dim has "
            "size 3");
  EXPECT_EQ(message(QuantParams{{0.5f}, {0}, -1, 9}, DType::I8, {4}),
            "quantization bits 9 must be 0 or in [2, 8]");
  EXPECT_EQ(message(QuantParams{{0.5f}, {0}, -1, 1}, DType::I8, {4}),
            "quantization bits 1 must be 0 or in [2, 8]");
  EXPECT_EQ(message(QuantParams{{0.0f}, {0}, -1, 0}, DType::I8, {4}),
            "quantization scale #0 is 0; scales must be finite and positive");
  EXPECT_EQ(message(QuantParams{{0.5f}, {8}, -1, 4}, DType::I8, {4}),
            "zero point #0 (8) is outside the range [-8, 7] of i8 with 4 bits");
  EXPECT_EQ(message(QuantParams{{0.5f}, {-1}, -1, 0}, DType::U8, {4}),
            "zero point #0 (-1) is outside the range [0, 255] of u8");
  EXPECT_EQ(message(QuantParams{{0.5f}, {0}, -1, 0}, DType::F32, {4}),
            "quantization parameters need an integer element type, not f32");
  EXPECT_EQ(message(QuantParams{{0.5f}, {0}, 2, 0}, DType::I8, {4}),
            "quantization axis 2 is out of range for rank 1");
}

//===- tests/unit/ir/TensorTest.cpp - Dense tensor storage ----------------===//
//
// Half-precision bit patterns are from the IEEE 754 binary16 definition
// (1.0 = 0x3C00, largest finite 65504 = 0x7BFF, smallest subnormal
// 2^-24 = 0x0001).
//
//===----------------------------------------------------------------------===//
#include "ir/Tensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace rtc;

namespace {

TEST(Tensor, ZeroFilledAndTypedViews) {
  Tensor t(TensorType(DType::I32, {2, 3}));
  EXPECT_EQ(t.getNumElements(), 6);
  EXPECT_EQ(t.getSizeInBytes(), 24u);
  for (int32_t v : t.getData<int32_t>())
    EXPECT_EQ(v, 0);
  t.getMutableData<int32_t>()[4] = -7;
  EXPECT_EQ(t.getAsInt64(4), -7);
  EXPECT_EQ(t.getAsDouble(4), -7.0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.getRawData()) % 8, 0u);
}

TEST(Tensor, FromValues) {
  Tensor t = Tensor::fromValues<float>({2, 2}, {1.5f, -2.0f, 0.25f, 8.0f});
  EXPECT_EQ(t.getType(), TensorType(DType::F32, {2, 2}));
  EXPECT_EQ(t.getData<float>()[2], 0.25f);
  EXPECT_EQ(t.getAsDouble(1), -2.0);
}

TEST(Tensor, SetFromDoubleConvertsPerType) {
  Tensor b(TensorType(DType::Bool, {2}));
  b.setFromDouble(0, 0.0);
  b.setFromDouble(1, -3.0);
  EXPECT_EQ(b.getRawData()[0], 0);
  EXPECT_EQ(b.getRawData()[1], 1);

  Tensor h(TensorType(DType::F16, {1}));
  h.setFromDouble(0, 1.0);
  uint16_t bits;
  std::memcpy(&bits, h.getRawData(), 2);
  EXPECT_EQ(bits, 0x3C00);
  EXPECT_EQ(h.getAsDouble(0), 1.0);
}

TEST(Tensor, CastFloatToIntTruncatesTowardZero) {
  Tensor f = Tensor::fromValues<float>({4}, {2.7f, -2.7f, 0.5f, 100.0f});
  Tensor i = f.castTo(DType::I32);
  EXPECT_EQ(i.getType(), TensorType(DType::I32, {4}));
  EXPECT_EQ(i.getData<int32_t>()[0], 2);
  EXPECT_EQ(i.getData<int32_t>()[1], -2);
  EXPECT_EQ(i.getData<int32_t>()[2], 0);
  EXPECT_EQ(i.getData<int32_t>()[3], 100);
}

TEST(Tensor, CastIntToNarrowerIntWraps) {
  // Little-endian truncation: 300 = 0x12C -> 0x2C = 44; -1 -> 0xFF = 255.
  Tensor i = Tensor::fromValues<int32_t>({2}, {300, -1});
  Tensor u = i.castTo(DType::U8);
  EXPECT_EQ(u.getData<uint8_t>()[0], 44);
  EXPECT_EQ(u.getData<uint8_t>()[1], 255);
  Tensor s = i.castTo(DType::I8);
  EXPECT_EQ(s.getData<int8_t>()[0], 44);
  EXPECT_EQ(s.getData<int8_t>()[1], -1);
}

TEST(Tensor, CastToFloatAndHalf) {
  Tensor i = Tensor::fromValues<int64_t>({3}, {-3, 0, 1 << 20});
  Tensor f = i.castTo(DType::F64);
  EXPECT_EQ(f.getData<double>()[0], -3.0);
  EXPECT_EQ(f.getData<double>()[2], 1048576.0);
  Tensor h = Tensor::fromValues<float>({2}, {1.0f, -2.0f}).castTo(DType::F16);
  uint16_t bits[2];
  std::memcpy(bits, h.getRawData(), 4);
  EXPECT_EQ(bits[0], 0x3C00);
  EXPECT_EQ(bits[1], 0xC000);
}

TEST(Tensor, HalfToFloatKnownPatterns) {
  EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfToFloat(0xC000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14)); // smallest normal
  EXPECT_EQ(halfToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(halfToFloat(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(halfToFloat(0x7E00)));
  EXPECT_TRUE(std::signbit(halfToFloat(0x8000)));
}

TEST(Tensor, FloatToHalfRoundsToNearestEven) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  // 65520 is halfway between 65504 and 65536 (= inf in half): ties to even
  // rounds up to infinity.
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00);
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even 1.0.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 and 1 + 2^-9: even is 0x3C02.
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -26)), 0x0000); // underflows
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::infinity()), 0x7C00);
  uint16_t nan = floatToHalf(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
}

TEST(Tensor, EqualityComparesTypeAndBytes) {
  Tensor a = Tensor::fromValues<float>({2}, {1.0f, 2.0f});
  Tensor b = Tensor::fromValues<float>({2}, {1.0f, 2.0f});
  EXPECT_TRUE(a == b);
  b.getMutableData<float>()[1] = 3.0f;
  EXPECT_FALSE(a == b);
  Tensor c = Tensor::fromValues<float>({2}, {1.0f, 2.0f});
  c.setType(TensorType(DType::F32, {1, 2}));
  EXPECT_FALSE(a == c);
  // +0 and -0 compare equal as floats but not as bytes.
  Tensor z1 = Tensor::fromValues<float>({1}, {0.0f});
  Tensor z2 = Tensor::fromValues<float>({1}, {-0.0f});
  EXPECT_FALSE(z1 == z2);
}

TEST(Tensor, CopyIsDeep) {
  Tensor a = Tensor::fromValues<int8_t>({3}, {1, 2, 3});
  Tensor b = a;
  b.getMutableData<int8_t>()[0] = 9;
  EXPECT_EQ(a.getData<int8_t>()[0], 1);
  EXPECT_EQ(b.getData<int8_t>()[0], 9);
}

} // namespace

TEST(Tensor, SplitBatchAndArgmax) {
  Tensor batch = Tensor::fromValues<float>({3, 1, 2}, {1, 2, 3, 4, 5, 6});
  TensorType sample(DType::F32, {1, 2});
  std::vector<Tensor> s = splitBatch(batch, sample, 2);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].getType(), sample);
  EXPECT_EQ(s[1].getAsDouble(0), 3.0);
  EXPECT_EQ(s[1].getAsDouble(1), 4.0);
  EXPECT_TRUE(splitBatch(batch, sample, 0).empty());
  // The first of equal maxima wins.
  EXPECT_EQ(argmaxElement(Tensor::fromValues<float>({4}, {1, 7, 7, -2})), 1);
  EXPECT_EQ(argmaxElement(Tensor::fromValues<int32_t>({3}, {-5, -9, -1})), 2);
}

//===- tests/unit/ir/TypesTest.cpp - DType and TensorType -----------------===//
#include "ir/Types.h"

#include <gtest/gtest.h>

using namespace rtc;

namespace {

TEST(Types, DTypeNamesRoundTrip) {
  const std::pair<DType, const char *> all[] = {
      {DType::F32, "f32"}, {DType::F64, "f64"}, {DType::F16, "f16"},
      {DType::I8, "i8"},   {DType::U8, "u8"},   {DType::I16, "i16"},
      {DType::U16, "u16"}, {DType::I32, "i32"}, {DType::U32, "u32"},
      {DType::I64, "i64"}, {DType::U64, "u64"}, {DType::Bool, "i1"}};
  for (const auto &[dtype, name] : all) {
    EXPECT_EQ(getDTypeName(dtype), name);
    std::optional<DType> parsed = parseDTypeName(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, dtype);
  }
}

TEST(Types, ParseDTypeNameRejectsUnknown) {
  EXPECT_FALSE(parseDTypeName("f31").has_value());
  EXPECT_FALSE(parseDTypeName("bool").has_value());
  EXPECT_FALSE(parseDTypeName("F32").has_value());
  EXPECT_FALSE(parseDTypeName("").has_value());
}

TEST(Types, DTypeSizesAndClasses) {
  EXPECT_EQ(getDTypeSize(DType::F32), 4u);
  EXPECT_EQ(getDTypeSize(DType::F64), 8u);
  EXPECT_EQ(getDTypeSize(DType::F16), 2u);
  EXPECT_EQ(getDTypeSize(DType::U16), 2u);
  EXPECT_EQ(getDTypeSize(DType::I64), 8u);
  EXPECT_EQ(getDTypeSize(DType::Bool), 1u);
  EXPECT_TRUE(isFloatDType(DType::F16));
  EXPECT_FALSE(isFloatDType(DType::I32));
  EXPECT_TRUE(isIntegerDType(DType::Bool));
  EXPECT_TRUE(isSignedDType(DType::I8));
  EXPECT_FALSE(isSignedDType(DType::U8));
  EXPECT_FALSE(isSignedDType(DType::Bool));
}

TEST(Types, TensorTypeStr) {
  EXPECT_EQ(TensorType(DType::F32, {1, 3, 32, 32}).str(),
            "tensor<1x3x32x32xf32>");
  EXPECT_EQ(TensorType(DType::F32, {}).str(), "tensor<f32>");
  EXPECT_EQ(TensorType(DType::Bool, {0, 2}).str(), "tensor<0x2xi1>");
  EXPECT_EQ(TensorType(DType::U64, {7}).str(), "tensor<7xu64>");
}

TEST(Types, QuantizedTensorTypeStr) {
  TensorType perTensor(DType::I8, {16});
  perTensor.quant = QuantParams{{0.05f}, {-3}, -1};
  EXPECT_EQ(perTensor.str(), "tensor<16xi8, q<0.05, -3>>");

  TensorType perAxis(DType::I8, {2, 3});
  perAxis.quant = QuantParams{{0.1f, 0.25f}, {0, 1}, 0};
  EXPECT_TRUE(perAxis.quant->isPerAxis());
  EXPECT_EQ(perAxis.str(), "tensor<2x3xi8, q<axis 0: [0.1, 0.25], [0, 1]>>");
}

TEST(Types, ElementCountsAndSizes) {
  EXPECT_EQ(TensorType(DType::F32, {}).getNumElements(), 1);
  EXPECT_EQ(TensorType(DType::F32, {2, 0, 3}).getNumElements(), 0);
  EXPECT_EQ(TensorType(DType::F32, {2, 3, 4}).getNumElements(), 24);
  EXPECT_EQ(TensorType(DType::F16, {2, 3}).getSizeInBytes(), 12u);
  EXPECT_EQ(TensorType(DType::F32, {2, 3}).getRank(), 2u);
  EXPECT_EQ(formatShape({1, 3, 5}), "1x3x5");
  EXPECT_EQ(formatShape({}), "");
}

TEST(Types, EqualityIncludesQuantization) {
  TensorType a(DType::I8, {4});
  TensorType b(DType::I8, {4});
  EXPECT_EQ(a, b);
  b.quant = QuantParams{{0.5f}, {0}, -1};
  EXPECT_NE(a, b);
  a.quant = QuantParams{{0.5f}, {0}, -1};
  EXPECT_EQ(a, b);
  EXPECT_NE(TensorType(DType::I8, {4}), TensorType(DType::U8, {4}));
  EXPECT_NE(TensorType(DType::I8, {4}), TensorType(DType::I8, {4, 1}));
}

} // namespace

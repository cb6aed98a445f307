//===- tests/unit/reference/NormalizationTest.cpp - BatchNorm, Softmax ----===//
#include "ReferenceTestUtil.h"

#include <cmath>

using namespace rtc;
using namespace rtc::test;

TEST(ReferenceBatchNorm, PerChannelAffine) {
  // epsilon 1 and var [3, 0] make the denominators sqrt(4) = 2 and 1.
  // Channel 0: scale 2, mean 1, bias 0.5 -> y = 2 (x - 1) / 2 + 0.5 = x - 0.5.
  // Channel 1: scale -1, mean 0, bias 10 -> y = 10 - x.
  BatchNormAttrs attrs;
  attrs.epsilon = 1;
  auto r = evalF32(OpKind::BatchNorm, attrs,
                   {iota({2, 2, 1, 3}), f32({2}, {2, -1}), f32({2}, {0.5f, 10}),
                    f32({2}, {1, 0}), f32({2}, {3, 0})},
                   {2, 2, 1, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // x: n0c0 = 0 1 2, n0c1 = 3 4 5, n1c0 = 6 7 8, n1c1 = 9 10 11.
  expectF32(*r, {2, 2, 1, 3},
            {-0.5, 0.5, 1.5, 7, 6, 5, 5.5, 6.5, 7.5, 1, 0, -1});
}

TEST(ReferenceBatchNorm, DefaultEpsilon) {
  // var 1: y = x / sqrt(1 + 1e-5) = x * 0.999995000037...
  auto r = evalF32(OpKind::BatchNorm, BatchNormAttrs{},
                   {f32({1, 1, 2}, {-1, 2}), f32({1}, {1}), f32({1}, {0}),
                    f32({1}, {0}), f32({1}, {1})},
                   {1, 1, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 2}, {-0.999995, 1.99999}, 1e-6, 0);
}

TEST(ReferenceBatchNorm, ParameterShapeIsChecked) {
  auto r = evalF32(OpKind::BatchNorm, BatchNormAttrs{},
                   {iota({1, 2, 2}), f32({2}, {1, 1}), f32({2}, {0, 0}),
                    f32({1}, {0}), f32({2}, {1, 1})},
                   {1, 2, 2});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: batch_norm: mean has type tensor<1xf32>, "
            "expected shape [2]");
}

TEST(ReferenceSoftmax, KnownValues) {
  // exp(0), exp(ln 2), exp(ln 5) = 1, 2, 5; sum 8.
  auto r = evalF32(OpKind::Softmax, AxisAttrs{1},
                   {f32({1, 3}, {0, std::log(2.0f), std::log(5.0f)})}, {1, 3});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 3}, {0.125, 0.25, 0.625});
  // test_softmax_example: [-1, 0, 1].
  auto e =
      evalF32(OpKind::Softmax, AxisAttrs{1}, {f32({1, 3}, {-1, 0, 1})}, {1, 3});
  ASSERT_TRUE(bool(e)) << errorText(e.takeError());
  expectF32(*e, {1, 3}, {0.09003058, 0.24472848, 0.66524094});
}

TEST(ReferenceSoftmax, LargeInputsAreStable) {
  // Without max subtraction exp(10000) overflows to inf and yields NaN.
  float ln3 = std::log(3.0f);
  auto r = evalF32(OpKind::Softmax, AxisAttrs{1},
                   {f32({2, 2}, {10000, 10000 + ln3, -10000, -10000})}, {2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  // 10000 + ln 3 rounds to a float 10001.0986328125 (spacing 2^-10), so the
  // ratio is exp(1.0986328125) = 3.00006 rather than 3: within tolerance.
  expectF32(*r, {2, 2}, {0.25, 0.75, 0.5, 0.5}, 1e-4, 1e-5);
}

TEST(ReferenceSoftmax, InnerAxis) {
  // Shape [1,3,2], axis 1: column 0 = [0, ln 2, ln 5] -> 1/8, 2/8, 5/8;
  // column 1 = [7, 7, 7] -> thirds.
  auto r =
      evalF32(OpKind::Softmax, AxisAttrs{1},
              {f32({1, 3, 2}, {0, 7, std::log(2.0f), 7, std::log(5.0f), 7})},
              {1, 3, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 3, 2}, {0.125, 1.0 / 3, 0.25, 1.0 / 3, 0.625, 1.0 / 3});
  // Axis 0 of [2, 2]: each column normalized; [[0, 5], [0, 5]] -> halves.
  auto c = evalF32(OpKind::Softmax, AxisAttrs{0}, {f32({2, 2}, {0, 5, 0, 5})},
                   {2, 2});
  ASSERT_TRUE(bool(c)) << errorText(c.takeError());
  expectF32(*c, {2, 2}, {0.5, 0.5, 0.5, 0.5});
}

TEST(ReferenceSoftmax, RowsSumToOne) {
  Tensor x(TensorType(DType::F32, {4, 7}));
  for (int64_t i = 0; i < 28; ++i)
    x.setFromDouble(i, std::sin(double(i)) * 10);
  auto r = evalF32(OpKind::Softmax, AxisAttrs{1}, {x}, {4, 7});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  for (int64_t row = 0; row < 4; ++row) {
    double sum = 0;
    for (int64_t j = 0; j < 7; ++j) {
      double v = r->getAsDouble(row * 7 + j);
      EXPECT_GT(v, 0);
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
}

TEST(ReferenceSoftmax, AxisOutOfRange) {
  auto r = evalF32(OpKind::Softmax, AxisAttrs{2}, {iota({2, 2})}, {2, 2});
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: softmax: axis 2 is out of range for "
            "tensor<2x2xf32>");
}

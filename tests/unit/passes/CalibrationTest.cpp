//===- tests/unit/passes/CalibrationTest.cpp - Activation calibration -----===//
#include "passes/Calibration.h"

#include "ir/Builder.h"
#include "tests/unit/passes/TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace rtc;
using namespace rtc::test;

namespace {

/// y = relu(x) * 2 over x: f32[N].
struct ReluGraph {
  Graph g{"relu2"};
  ValueId x, c, r, y;
  explicit ReluGraph(int64_t n) {
    x = g.addInput(TensorType(DType::F32, {n}), "x");
    r = build(g, OpKind::Relu, {x}, NoAttrs{}, "r");
    c = g.addConstant(Tensor::fromValues<float>({1}, {2.0f}), "c");
    y = build(g, OpKind::Mul, {r, c}, NoAttrs{}, "y");
    g.addOutput(y);
  }
};

Tensor vec(std::vector<float> v) {
  return Tensor::fromValues<float>({int64_t(v.size())}, v);
}

TEST(Calibration, MinMaxIsTheGlobalRangeOverSamples) {
  ReluGraph m(3);
  std::vector<Tensor> samples{vec({-1.5f, 0.25f, 2.0f}),
                              vec({0.5f, -3.0f, 1.0f})};
  auto ranges = calibrate(m.g, samples, QuantOptions{});
  ASSERT_TRUE(bool(ranges)) << llvm::toString(ranges.takeError());
  ASSERT_NE(ranges->lookup(m.x), nullptr);
  EXPECT_EQ(*ranges->lookup(m.x), (ValueRange{-3.0f, 2.0f}));
  // relu: [0, 0.25, 2] and [0.5, 0, 1] -> [0, 2]; y = 2 * relu -> [0, 4].
  EXPECT_EQ(*ranges->lookup(m.r), (ValueRange{0.0f, 2.0f}));
  EXPECT_EQ(*ranges->lookup(m.y), (ValueRange{0.0f, 4.0f}));
  // Constants are not activations.
  EXPECT_EQ(ranges->lookup(m.c), nullptr);
}

TEST(Calibration, PercentilePicksOutwardNearestRanks) {
  // 101 values 0..100 in scrambled order: with p = 90 the ranks are
  // floor(0.1 * 100) = 10 and ceil(0.9 * 100) = 90.
  ReluGraph m(101);
  std::vector<float> all;
  for (int i = 0; i <= 100; ++i)
    all.push_back(float((i * 37) % 101)); // a permutation of 0..100
  QuantOptions opts;
  opts.method = CalibMethod::Percentile;
  opts.percentile = 90.0;
  auto ranges = calibrate(m.g, {vec(all)}, opts);
  ASSERT_TRUE(bool(ranges)) << llvm::toString(ranges.takeError());
  EXPECT_EQ(*ranges->lookup(m.x), (ValueRange{10.0f, 90.0f}));
  // y = 2 * relu(x) = 2 * x here: the same ranks, doubled.
  EXPECT_EQ(*ranges->lookup(m.y), (ValueRange{20.0f, 180.0f}));

  // p = 100 is min/max.
  opts.percentile = 100.0;
  auto full = calibrate(m.g, {vec(all)}, opts);
  ASSERT_TRUE(bool(full));
  EXPECT_EQ(*full->lookup(m.x), (ValueRange{0.0f, 100.0f}));
}

TEST(Calibration, PercentilePoolsAllSamples) {
  // Pooled values sorted: -4 0 4 8. p = 60: ranks floor(0.4 * 3) = 1 and
  // ceil(0.6 * 3) = 2 -> [0, 4] (neither sample alone has that range).
  ReluGraph m(2);
  QuantOptions opts;
  opts.method = CalibMethod::Percentile;
  opts.percentile = 60.0;
  auto ranges = calibrate(m.g, {vec({4.0f, -4.0f}), vec({0.0f, 8.0f})}, opts);
  ASSERT_TRUE(bool(ranges));
  EXPECT_EQ(*ranges->lookup(m.x), (ValueRange{0.0f, 4.0f}));
  // relu pooled: 4 0 0 8 -> sorted 0 0 4 8 -> ranks 1, 2 -> [0, 4].
  EXPECT_EQ(*ranges->lookup(m.r), (ValueRange{0.0f, 4.0f}));
}

TEST(Calibration, PercentileClipsOutliers) {
  // 1000 values: 999 in [-1, 1] and one outlier 1000. The 99.95th
  // percentile (rank ceil(0.9995 * 999) = 999 -> the maximum) still sees
  // it, the 99th (rank ceil(989.01) = 990) does not.
  std::vector<float> v;
  for (int i = 0; i < 999; ++i)
    v.push_back(-1.0f + 2.0f * float(i) / 998.0f);
  v.push_back(1000.0f);
  ReluGraph m(1000);
  QuantOptions opts;
  opts.method = CalibMethod::Percentile;
  opts.percentile = 99.0;
  auto ranges = calibrate(m.g, {vec(v)}, opts);
  ASSERT_TRUE(bool(ranges));
  // Rank 990 of the sorted values is v[990] = -1 + 2 * 990 / 998; rank
  // floor(0.01 * 999) = 9 is v[9].
  EXPECT_FLOAT_EQ(ranges->lookup(m.x)->max, -1.0f + 2.0f * 990.0f / 998.0f);
  EXPECT_FLOAT_EQ(ranges->lookup(m.x)->min, -1.0f + 2.0f * 9.0f / 998.0f);
  opts.percentile = 99.95;
  auto wide = calibrate(m.g, {vec(v)}, opts);
  ASSERT_TRUE(bool(wide));
  EXPECT_EQ(wide->lookup(m.x)->max, 1000.0f);
}

TEST(Calibration, RejectsBadSamplesAndOptions) {
  ReluGraph m(3);
  EXPECT_FALSE(bool(calibrate(m.g, {}, QuantOptions{})));
  llvm::consumeError(calibrate(m.g, {}, QuantOptions{}).takeError());
  auto wrong = calibrate(m.g, {vec({1.0f, 2.0f})}, QuantOptions{});
  ASSERT_FALSE(bool(wrong));
  EXPECT_NE(llvm::toString(wrong.takeError()).find("tensor<2xf32>"),
            std::string::npos);
  QuantOptions bad;
  bad.method = CalibMethod::Percentile;
  bad.percentile = 40.0;
  auto r = calibrate(m.g, {vec({1.0f, 2.0f, 3.0f})}, bad);
  ASSERT_FALSE(bool(r));
  llvm::consumeError(r.takeError());
}

TEST(Calibration, RandomSetIsSeededStandardNormal) {
  TensorType t(DType::F32, {1, 1, 28, 28});
  std::vector<Tensor> a = makeRandomCalibrationSet(t);
  std::vector<Tensor> b = makeRandomCalibrationSet(t);
  ASSERT_EQ(a.size(), 16u);
  EXPECT_TRUE(a == b); // deterministic
  EXPECT_FALSE(a[0] == a[1]);
  EXPECT_FALSE(a[0] == makeRandomCalibrationSet(t, 1, 7)[0]);
  double sum = 0, sumSq = 0;
  int64_t n = 0;
  for (const Tensor &s : a) {
    EXPECT_EQ(s.getType(), t);
    for (float x : s.getData<float>()) {
      sum += x;
      sumSq += double(x) * x;
      ++n;
    }
  }
  // 12544 N(0,1) draws: mean within 5 standard errors (5/112) of 0 and
  // variance within 0.05 of 1.
  double mean = sum / double(n), var = sumSq / double(n) - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.045);
  EXPECT_NEAR(var, 1.0, 0.05);
}

} // namespace

//===- tests/unit/reference/PoolTest.cpp - Pooling kernels ----------------===//
//
// Hand-computed pools plus the expected outputs published with the ONNX
// backend node tests (onnx/backend/test/case/node/{maxpool,averagepool}.py).
// The ceil-mode count_include_pad cases were computed by hand and agree with
// torch.nn.functional.avg_pool1d/2d.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

using namespace rtc;
using namespace rtc::test;

static PoolAttrs poolAttrs(llvm::ArrayRef<int64_t> kernel,
                           llvm::ArrayRef<int64_t> strides = {},
                           llvm::ArrayRef<int64_t> pads = {},
                           bool ceilMode = false, bool countIncludePad = false,
                           llvm::ArrayRef<int64_t> dilations = {}) {
  PoolAttrs a;
  size_t r = kernel.size();
  a.kernelShape.assign(kernel.begin(), kernel.end());
  a.strides.assign(r, 1);
  a.dilations.assign(r, 1);
  a.pads.assign(2 * r, 0);
  if (!strides.empty())
    a.strides.assign(strides.begin(), strides.end());
  if (!pads.empty())
    a.pads.assign(pads.begin(), pads.end());
  if (!dilations.empty())
    a.dilations.assign(dilations.begin(), dilations.end());
  a.ceilMode = ceilMode;
  a.countIncludePad = countIncludePad;
  return a;
}

TEST(ReferencePool, MaxPoolTwoByTwoStrideTwo) {
  // x = 0..15 (4x4): maxima of the 2x2 blocks are their bottom-right values.
  auto r = evalF32(OpKind::MaxPool, poolAttrs({2, 2}, {2, 2}),
                   {iota({1, 1, 4, 4})}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 2, 2}, {5, 7, 13, 15});
}

TEST(ReferencePool, OnnxMaxPoolCeilAndDilations) {
  // test_maxpool_2d_ceil: 4x4 = 1..16, kernel 3, stride 2, ceil mode.
  auto ceil = evalF32(OpKind::MaxPool, poolAttrs({3, 3}, {2, 2}, {}, true),
                      {iota({1, 1, 4, 4}, 1)}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(ceil)) << errorText(ceil.takeError());
  expectF32(*ceil, {1, 1, 2, 2}, {11, 12, 15, 16});
  // test_maxpool_2d_dilations: kernel 2, stride 1, dilation 2.
  auto dil = evalF32(OpKind::MaxPool,
                     poolAttrs({2, 2}, {1, 1}, {}, false, false, {2, 2}),
                     {iota({1, 1, 4, 4}, 1)}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(dil)) << errorText(dil.takeError());
  expectF32(*dil, {1, 1, 2, 2}, {11, 12, 15, 16});
}

TEST(ReferencePool, OnnxMaxPoolPrecomputed) {
  Tensor x = iota({1, 1, 5, 5}, 1);
  // test_maxpool_2d_precomputed_pads: kernel 5, pads 2.
  auto pads = evalF32(OpKind::MaxPool, poolAttrs({5, 5}, {}, {2, 2, 2, 2}), {x},
                      {1, 1, 5, 5});
  ASSERT_TRUE(bool(pads)) << errorText(pads.takeError());
  expectF32(*pads, {1, 1, 5, 5},
            {13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25,
             25, 25, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25});
  // test_maxpool_2d_precomputed_strides: kernel 2, stride 2.
  auto strides =
      evalF32(OpKind::MaxPool, poolAttrs({2, 2}, {2, 2}), {x}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(strides)) << errorText(strides.takeError());
  expectF32(*strides, {1, 1, 2, 2}, {7, 9, 17, 19});
  // test_maxpool_2d_precomputed_same_upper: kernel 3, stride 2, SAME_UPPER
  // resolves to pads [1, 1, 1, 1].
  auto same = evalF32(OpKind::MaxPool, poolAttrs({3, 3}, {2, 2}, {1, 1, 1, 1}),
                      {x}, {1, 1, 3, 3});
  ASSERT_TRUE(bool(same)) << errorText(same.takeError());
  expectF32(*same, {1, 1, 3, 3}, {7, 9, 10, 17, 19, 20, 22, 24, 25});
}

TEST(ReferencePool, OnnxMaxPoolUint8) {
  // test_maxpool_2d_uint8: the precomputed-pads case on uint8.
  Tensor x(TensorType(DType::U8, {1, 1, 5, 5}));
  for (int64_t i = 0; i < 25; ++i)
    x.setFromDouble(i, double(i + 1));
  auto r = evalOp(OpKind::MaxPool, poolAttrs({5, 5}, {}, {2, 2, 2, 2}), {x},
                  TensorType(DType::U8, {1, 1, 5, 5}));
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectTensor(*r, TensorType(DType::U8, {1, 1, 5, 5}),
               {13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25,
                25, 25, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25},
               0, 0);
}

TEST(ReferencePool, OnnxAveragePoolPrecomputedPads) {
  Tensor x = iota({1, 1, 5, 5}, 1);
  // test_averagepool_2d_precomputed_pads: padding is not counted.
  auto excl = evalF32(OpKind::AveragePool, poolAttrs({5, 5}, {}, {2, 2, 2, 2}),
                      {x}, {1, 1, 5, 5});
  ASSERT_TRUE(bool(excl)) << errorText(excl.takeError());
  expectF32(*excl, {1, 1, 5, 5},
            {7,    7.5,  8,    8.5,  9,    9.5,  10,   10.5, 11,
             11.5, 12,   12.5, 13,   13.5, 14,   14.5, 15,   15.5,
             16,   16.5, 17,   17.5, 18,   18.5, 19});
  // test_averagepool_2d_precomputed_pads_count_include_pad: divide by 25.
  auto incl = evalF32(OpKind::AveragePool,
                      poolAttrs({5, 5}, {}, {2, 2, 2, 2}, false, true), {x},
                      {1, 1, 5, 5});
  ASSERT_TRUE(bool(incl)) << errorText(incl.takeError());
  expectF32(*incl, {1, 1, 5, 5},
            {2.52,  3.6,  4.8,  4.08, 3.24, 4.56, 6.4,  8.4, 7.04,
             5.52,  7.2,  10,   13,   10.8, 8.4,  6.96, 9.6, 12.4,
             10.24, 7.92, 6.12, 8.4,  10.8, 8.88, 6.84});
}

TEST(ReferencePool, OnnxAveragePoolStridesSameUpperCeil) {
  Tensor x = iota({1, 1, 5, 5}, 1);
  // test_averagepool_2d_precomputed_strides.
  auto strides = evalF32(OpKind::AveragePool, poolAttrs({2, 2}, {2, 2}), {x},
                         {1, 1, 2, 2});
  ASSERT_TRUE(bool(strides)) << errorText(strides.takeError());
  expectF32(*strides, {1, 1, 2, 2}, {4, 6, 14, 16});
  // test_averagepool_2d_precomputed_same_upper (pads [1, 1, 1, 1]).
  auto same =
      evalF32(OpKind::AveragePool, poolAttrs({3, 3}, {2, 2}, {1, 1, 1, 1}), {x},
              {1, 1, 3, 3});
  ASSERT_TRUE(bool(same)) << errorText(same.takeError());
  expectF32(*same, {1, 1, 3, 3}, {4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22});
  // test_averagepool_2d_ceil: 4x4 = 1..16, kernel 3, stride 2, ceil mode;
  // the last windows only see 3x2, 2x3 and 2x2 inputs.
  auto ceil = evalF32(OpKind::AveragePool, poolAttrs({3, 3}, {2, 2}, {}, true),
                      {iota({1, 1, 4, 4}, 1)}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(ceil)) << errorText(ceil.takeError());
  expectF32(*ceil, {1, 1, 2, 2}, {6, 7.5, 12, 13.5});
}

TEST(ReferencePool, OnnxAveragePoolDilations) {
  // test_averagepool_2d_dilations: kernel 2, stride 1, dilation 2, ceil.
  auto two = evalF32(OpKind::AveragePool,
                     poolAttrs({2, 2}, {1, 1}, {}, true, false, {2, 2}),
                     {iota({1, 1, 4, 4}, 1)}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(two)) << errorText(two.takeError());
  expectF32(*two, {1, 1, 2, 2}, {6, 7, 10, 11});
  // test_averagepool_3d_dilations_small: four copies of the 4x4 plane.
  Tensor x(TensorType(DType::F32, {1, 1, 4, 4, 4}));
  for (int64_t i = 0; i < 64; ++i)
    x.setFromDouble(i, double(i % 16 + 1));
  auto three =
      evalF32(OpKind::AveragePool,
              poolAttrs({2, 2, 2}, {1, 1, 1}, {}, true, false, {2, 2, 2}), {x},
              {1, 1, 2, 2, 2});
  ASSERT_TRUE(bool(three)) << errorText(three.takeError());
  expectF32(*three, {1, 1, 2, 2, 2}, {6, 7, 10, 11, 6, 7, 10, 11});
}

TEST(ReferencePool, CeilModeDivisorExcludesOverhangBeyondPadding) {
  // x = [1..6], kernel 3, stride 2, pads 1, ceil mode: 4 windows starting
  // at -1, 1, 3, 5. The last covers index 5 (x = 6), index 6 (explicit
  // padding) and index 7 (beyond the padded input).
  Tensor x = iota({1, 1, 6}, 1);
  auto incl = evalF32(OpKind::AveragePool,
                      poolAttrs({3}, {2}, {1, 1}, true, true), {x}, {1, 1, 4});
  ASSERT_TRUE(bool(incl)) << errorText(incl.takeError());
  // Divisors 3, 3, 3, 2: (0+1+2)/3, (2+3+4)/3, (4+5+6)/3, (6+0)/2.
  expectF32(*incl, {1, 1, 4}, {1, 3, 5, 3});
  auto excl = evalF32(OpKind::AveragePool,
                      poolAttrs({3}, {2}, {1, 1}, true, false), {x}, {1, 1, 4});
  ASSERT_TRUE(bool(excl)) << errorText(excl.takeError());
  expectF32(*excl, {1, 1, 4}, {1.5, 3, 5, 6});

  // No padding: [1..5], kernel 2, stride 2 -> [1.5, 3.5, 5].
  auto none = evalF32(OpKind::AveragePool, poolAttrs({2}, {2}, {}, true, true),
                      {iota({1, 1, 5}, 1)}, {1, 1, 3});
  ASSERT_TRUE(bool(none)) << errorText(none.takeError());
  expectF32(*none, {1, 1, 3}, {1.5, 3.5, 5});

  // 2-D: 4x4 = 1..16, kernel 3, stride 2, pads 1: per-dim counts 3, 3, 2.
  // [0][0] = (1+2+5+6)/9, [0][2] = (4+8)/6, [2][2] = 16/4, [1][1] = 99/9.
  auto two = evalF32(OpKind::AveragePool,
                     poolAttrs({3, 3}, {2, 2}, {1, 1, 1, 1}, true, true),
                     {iota({1, 1, 4, 4}, 1)}, {1, 1, 3, 3});
  ASSERT_TRUE(bool(two)) << errorText(two.takeError());
  expectF32(*two, {1, 1, 3, 3},
            {14.0 / 9, 30.0 / 9, 2, 57.0 / 9, 11, 6, 27.0 / 6, 45.0 / 6, 4});
}

TEST(ReferencePool, CeilModeDropsWindowStartingInPadding) {
  // in 2, kernel 3, stride 3, pads 1: ceil((2 + 2 - 3) / 3) + 1 = 2, but the
  // second window would start at 3 - 1 = 2 >= in, so only one remains.
  auto r =
      evalF32(OpKind::MaxPool, poolAttrs({3, 3}, {3, 3}, {1, 1, 1, 1}, true),
              {iota({1, 1, 2, 2})}, {1, 1, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 1, 1}, {3});
}

TEST(ReferencePool, CeilModeWindowLargerThanInput) {
  // in 1, kernel 2, stride 2, ceil mode: ceil((1 - 2) / 2) + 1 = 1 window
  // overhanging the input; it averages (and maxes) the single value.
  Tensor x = f32({1, 1, 1}, {5});
  auto avg = evalF32(OpKind::AveragePool, poolAttrs({2}, {2}, {}, true, true),
                     {x}, {1, 1, 1});
  ASSERT_TRUE(bool(avg)) << errorText(avg.takeError());
  expectF32(*avg, {1, 1, 1}, {5});
  auto max =
      evalF32(OpKind::MaxPool, poolAttrs({2}, {2}, {}, true), {x}, {1, 1, 1});
  ASSERT_TRUE(bool(max)) << errorText(max.takeError());
  expectF32(*max, {1, 1, 1}, {5});
  // Without ceil mode there is no window at all.
  auto none = evalF32(OpKind::MaxPool, poolAttrs({2}, {2}), {x}, {1, 1, 0});
  ASSERT_FALSE(bool(none));
  EXPECT_EQ(errorText(none.takeError()),
            "test.rtg:3:5: error: max_pool: spatial dim 0: a window of extent "
            "2 leaves no output position in the padded input of size 1");
}

TEST(ReferencePool, MultiplePlanes) {
  // N = 2, C = 2; each plane is 1x2 and pooled to its mean.
  auto r = evalF32(OpKind::AveragePool, poolAttrs({1, 2}), {iota({2, 2, 1, 2})},
                   {2, 2, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 2, 1, 1}, {0.5, 2.5, 4.5, 6.5});
}

TEST(ReferencePool, GlobalPools) {
  // test_globalaveragepool_precomputed / test_globalmaxpool_precomputed.
  auto avg = evalF32(OpKind::GlobalAveragePool, NoAttrs{},
                     {iota({1, 1, 3, 3}, 1)}, {1, 1, 1, 1});
  ASSERT_TRUE(bool(avg)) << errorText(avg.takeError());
  expectF32(*avg, {1, 1, 1, 1}, {5});
  auto max = evalF32(OpKind::GlobalMaxPool, NoAttrs{}, {iota({1, 2, 2, 2}, -3)},
                     {1, 2, 1, 1});
  ASSERT_TRUE(bool(max)) << errorText(max.takeError());
  expectF32(*max, {1, 2, 1, 1}, {0, 4});
  auto avg3 = evalF32(OpKind::GlobalAveragePool, NoAttrs{},
                      {iota({2, 1, 2, 1, 2})}, {2, 1, 1, 1, 1});
  ASSERT_TRUE(bool(avg3)) << errorText(avg3.takeError());
  expectF32(*avg3, {2, 1, 1, 1, 1}, {1.5, 5.5});
}

TEST(ReferencePool, AveragePoolRejectsIntegers) {
  Tensor x(TensorType(DType::I8, {1, 1, 2, 2}));
  auto r = evalOp(OpKind::AveragePool, poolAttrs({2, 2}), {x},
                  TensorType(DType::I8, {1, 1, 1, 1}));
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(errorText(r.takeError()),
            "test.rtg:3:5: error: avg_pool: element type i8 is not supported "
            "by the reference interpreter");
}

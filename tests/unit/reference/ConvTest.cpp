//===- tests/unit/reference/ConvTest.cpp - Convolution kernel -------------===//
//
// Hand-computed convolutions (2x2 kernels on 3x3 inputs, stride, padding,
// dilation, groups, depthwise, bias, 1-D and 3-D), plus the expected outputs
// published with the ONNX backend node tests (onnx/backend/test/case/node/
// conv.py), which are independent of this code.
//
//===----------------------------------------------------------------------===//
#include "ReferenceTestUtil.h"

#include <chrono>

using namespace rtc;
using namespace rtc::test;

static ConvAttrs convAttrs(llvm::ArrayRef<int64_t> kernel,
                           llvm::ArrayRef<int64_t> strides = {},
                           llvm::ArrayRef<int64_t> pads = {},
                           llvm::ArrayRef<int64_t> dilations = {},
                           int64_t group = 1) {
  ConvAttrs a;
  a.kernelShape.assign(kernel.begin(), kernel.end());
  size_t r = kernel.size();
  a.strides.assign(r, 1);
  a.dilations.assign(r, 1);
  a.pads.assign(2 * r, 0);
  if (!strides.empty())
    a.strides.assign(strides.begin(), strides.end());
  if (!pads.empty())
    a.pads.assign(pads.begin(), pads.end());
  if (!dilations.empty())
    a.dilations.assign(dilations.begin(), dilations.end());
  a.group = group;
  return a;
}

TEST(ReferenceConv, TwoByTwoKernelOnThreeByThree) {
  // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]]:
  // y[0][0] = 1*1 + 2*2 + 4*3 + 5*4 = 37, y[0][1] = 2 + 6 + 15 + 24 = 47,
  // y[1][0] = 4 + 10 + 21 + 32 = 67,      y[1][1] = 5 + 12 + 24 + 36 = 77.
  auto r = evalF32(OpKind::Conv, convAttrs({2, 2}),
                   {iota({1, 1, 3, 3}, 1), f32({1, 1, 2, 2}, {1, 2, 3, 4})},
                   {1, 1, 2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 2, 2}, {37, 47, 67, 77});
}

TEST(ReferenceConv, StridedAndPadded) {
  // 3x3 ones kernel, pad 1, stride 2 over x = 1..9: windows centred on the
  // corners see 2x2 blocks: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9.
  auto r = evalF32(
      OpKind::Conv, convAttrs({3, 3}, {2, 2}, {1, 1, 1, 1}),
      {iota({1, 1, 3, 3}, 1), f32({1, 1, 3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1})},
      {1, 1, 2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 2, 2}, {12, 16, 24, 28});
}

TEST(ReferenceConv, Dilated) {
  // x = 0..15 (4x4), 2x2 ones kernel with dilation 2 reads x[i][j],
  // x[i][j+2], x[i+2][j], x[i+2][j+2]: 0+2+8+10, 1+3+9+11, 4+6+12+14, ...
  auto r = evalF32(OpKind::Conv, convAttrs({2, 2}, {}, {}, {2, 2}),
                   {iota({1, 1, 4, 4}), f32({1, 1, 2, 2}, {1, 1, 1, 1})},
                   {1, 1, 2, 2});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 2, 2}, {20, 24, 36, 40});
}

TEST(ReferenceConv, DepthwiseWithBias) {
  // Two channels, group 2: channel 0 = [[1,2],[3,4]] with a ones kernel
  // -> 10, + bias 0.5; channel 1 = [[5,6],[7,8]] with the identity kernel
  // [[1,0],[0,1]] -> 5 + 8 = 13, + bias -1.
  auto r = evalF32(OpKind::Conv, convAttrs({2, 2}, {}, {}, {}, /*group=*/2),
                   {iota({1, 2, 2, 2}, 1),
                    f32({2, 1, 2, 2}, {1, 1, 1, 1, 1, 0, 0, 1}),
                    f32({2}, {0.5f, -1})},
                   {1, 2, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 2, 1, 1}, {10.5, 12});
}

TEST(ReferenceConv, GroupedOneByOne) {
  // C = 4, M = 2, group 2: output 0 mixes channels 0,1 and output 1
  // channels 2,3. x = [1,2,3,4]; w = [[1,10],[100,1000]]:
  // y0 = 1*1 + 2*10 = 21, y1 = 3*100 + 4*1000 = 4300.
  auto r =
      evalF32(OpKind::Conv, convAttrs({1, 1}, {}, {}, {}, 2),
              {iota({1, 4, 1, 1}, 1), f32({2, 2, 1, 1}, {1, 10, 100, 1000})},
              {1, 2, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 2, 1, 1}, {21, 4300});
}

TEST(ReferenceConv, BatchAndOutputChannels) {
  // N = 2, C = 2, M = 3 with 1x1 kernels: y[n][m] = w[m][0]*x[n][0] +
  // w[m][1]*x[n][1] + b[m]. x[0] = (1, 2), x[1] = (3, 4) (1x1 spatial).
  auto r =
      evalF32(OpKind::Conv, convAttrs({1, 1}),
              {iota({2, 2, 1, 1}, 1), f32({3, 2, 1, 1}, {1, 0, 0, 1, 1, -1}),
               f32({3}, {0, 10, 100})},
              {2, 3, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {2, 3, 1, 1}, {1, 12, 99, 3, 14, 99});
}

TEST(ReferenceConv, OneDimensional) {
  // y[i] = x[i-1] - x[i+1] with zero padding over x = [1,2,3,4,5].
  auto r = evalF32(OpKind::Conv, convAttrs({3}, {1}, {1, 1}),
                   {iota({1, 1, 5}, 1), f32({1, 1, 3}, {1, 0, -1})}, {1, 1, 5});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 5}, {-2, -2, -2, -2, 4});
}

TEST(ReferenceConv, ThreeDimensional) {
  // x = 1..8 as 2x2x2 with a 2x2x2 kernel w = 1..8: sum of squares
  // 1 + 4 + ... + 64 = 204.
  auto r = evalF32(OpKind::Conv, convAttrs({2, 2, 2}),
                   {iota({1, 1, 2, 2, 2}, 1), iota({1, 1, 2, 2, 2}, 1)},
                   {1, 1, 1, 1, 1});
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  expectF32(*r, {1, 1, 1, 1, 1}, {204});
}

// The ONNX backend node tests conv.py: x = 0..24 (5x5) or 0..34 (7x5),
// W = 3x3 ones.
static Tensor ones3x3() {
  return f32({1, 1, 3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1});
}

TEST(ReferenceConv, OnnxBasicConvWithAndWithoutPadding) {
  auto padded = evalF32(OpKind::Conv, convAttrs({3, 3}, {}, {1, 1, 1, 1}),
                        {iota({1, 1, 5, 5}), ones3x3()}, {1, 1, 5, 5});
  ASSERT_TRUE(bool(padded)) << errorText(padded.takeError());
  expectF32(*padded, {1, 1, 5, 5},
            {12,  21, 27, 33,  24,  33,  54,  63, 72,  51,  63,  99, 108,
             117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84});
  auto valid = evalF32(OpKind::Conv, convAttrs({3, 3}),
                       {iota({1, 1, 5, 5}), ones3x3()}, {1, 1, 3, 3});
  ASSERT_TRUE(bool(valid)) << errorText(valid.takeError());
  expectF32(*valid, {1, 1, 3, 3}, {54, 63, 72, 99, 108, 117, 144, 153, 162});
}

TEST(ReferenceConv, OnnxConvWithStrides) {
  Tensor x = iota({1, 1, 7, 5});
  auto padded = evalF32(OpKind::Conv, convAttrs({3, 3}, {2, 2}, {1, 1, 1, 1}),
                        {x, ones3x3()}, {1, 1, 4, 3});
  ASSERT_TRUE(bool(padded)) << errorText(padded.takeError());
  expectF32(*padded, {1, 1, 4, 3},
            {12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124});
  auto valid = evalF32(OpKind::Conv, convAttrs({3, 3}, {2, 2}), {x, ones3x3()},
                       {1, 1, 3, 2});
  ASSERT_TRUE(bool(valid)) << errorText(valid.takeError());
  expectF32(*valid, {1, 1, 3, 2}, {54, 72, 144, 162, 234, 252});
  auto asym = evalF32(OpKind::Conv, convAttrs({3, 3}, {2, 2}, {1, 0, 1, 0}),
                      {x, ones3x3()}, {1, 1, 4, 2});
  ASSERT_TRUE(bool(asym)) << errorText(asym.takeError());
  expectF32(*asym, {1, 1, 4, 2}, {21, 33, 99, 117, 189, 207, 171, 183});
}

TEST(ReferenceConv, LargerConvIsFastAndCorrect) {
  // 16 -> 32 channels, 3x3, pad 1 over 28x28 ones with ones weights: an
  // interior output sums 16 * 9 = 144 taps, a corner 16 * 4 = 64, an edge
  // 16 * 6 = 96. About 3.6M multiply-adds.
  Tensor x(TensorType(DType::F32, {1, 16, 28, 28}));
  Tensor w(TensorType(DType::F32, {32, 16, 3, 3}));
  for (float &v : x.getMutableData<float>())
    v = 1;
  for (float &v : w.getMutableData<float>())
    v = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = evalF32(OpKind::Conv, convAttrs({3, 3}, {}, {1, 1, 1, 1}), {x, w},
                   {1, 32, 28, 28});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_TRUE(bool(r)) << errorText(r.takeError());
  llvm::ArrayRef<float> y = r->getData<float>();
  EXPECT_EQ(y[0], 64);              // corner (0, 0) of channel 0
  EXPECT_EQ(y[1], 96);              // top edge
  EXPECT_EQ(y[29], 144);            // interior (1, 1)
  EXPECT_EQ(y[31 * 784 + 783], 64); // last corner of the last channel
  // Generous bound (evalF32 runs the kernel twice); typically a few ms.
  EXPECT_LT(seconds, 5.0);
}

TEST(ReferenceConv, AttributeErrors) {
  auto g = evalF32(OpKind::Conv, convAttrs({1, 1}, {}, {}, {}, 3),
                   {iota({1, 4, 2, 2}), iota({3, 1, 1, 1})}, {1, 3, 2, 2});
  ASSERT_FALSE(bool(g));
  EXPECT_EQ(errorText(g.takeError()),
            "test.rtg:3:5: error: conv: group 3 must divide the 4 input "
            "channels and the 3 output channels");

  auto big = evalF32(OpKind::Conv, convAttrs({3, 3}),
                     {iota({1, 1, 2, 2}), ones3x3()}, {1, 1, 0, 0});
  ASSERT_FALSE(bool(big));
  EXPECT_EQ(errorText(big.takeError()),
            "test.rtg:3:5: error: conv: spatial dim 0: a window of extent 3 "
            "leaves no output position in the padded input of size 2");

  ConvAttrs noStrides = convAttrs({3, 3});
  noStrides.strides.clear(); // attributes must be fully resolved
  auto strides = evalF32(OpKind::Conv, noStrides,
                         {iota({1, 1, 5, 5}), ones3x3()}, {1, 1, 3, 3});
  ASSERT_FALSE(bool(strides));
  EXPECT_EQ(errorText(strides.takeError()),
            "test.rtg:3:5: error: conv: strides has 0 entries, expected 2");

  auto shape = evalF32(OpKind::Conv, convAttrs({3, 3}),
                       {iota({1, 1, 5, 5}), ones3x3()}, {1, 1, 5, 5});
  ASSERT_FALSE(bool(shape));
  EXPECT_EQ(errorText(shape.takeError()),
            "test.rtg:3:5: error: conv: result type tensor<1x1x5x5xf32> does "
            "not match the computed tensor<1x1x3x3xf32>");
}

//===- tests/unit/lower/LoweringLayoutTest.cpp - Layouts and pools ---===//
//
// Lowering of the activation layouts and pools beyond the bundled CNNs:
// multi-channel images through host I/O, padded / ceil-mode / dilated and
// global max pools, 1-D convs and pools ([1, C, L] as H = 1), batched
// qmatmul ([M, K] activations: M positions of K channels), and the
// diagnostics for what stays unsupported. Each graph runs on the simulator
// and is compared word for word with interpret() on two or more configs.
//
//===----------------------------------------------------------------------===//
#include "tests/unit/lower/CnnTestUtils.h"

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lowertest;

namespace {

/// Configs with 4 (T = 32, 8 bits), 2 (T = 20) and 8 (T = 32, 4 bits)
/// lanes per row, 1, 2 and 4 ports.
const DeviceConfig &wide() {
  static const DeviceConfig cfg = makeConfig(32, 16, 2);
  return cfg;
}
const DeviceConfig &narrow() {
  static const DeviceConfig cfg = makeConfig(20, 64, 4);
  return cfg;
}
const DeviceConfig &onePort() {
  static const DeviceConfig cfg = makeConfig(32, 16, 1);
  return cfg;
}

PoolAttrs poolAttrs(std::vector<int64_t> kernel, std::vector<int64_t> strides,
                    std::vector<int64_t> dilations, std::vector<int64_t> pads,
                    bool ceilMode = false) {
  PoolAttrs pa;
  pa.kernelShape.assign(kernel.begin(), kernel.end());
  pa.strides.assign(strides.begin(), strides.end());
  pa.dilations.assign(dilations.begin(), dilations.end());
  pa.pads.assign(pads.begin(), pads.end());
  pa.ceilMode = ceilMode;
  return pa;
}

/// A 3-channel image in, a 5-channel image out: both host transfers
/// interleave channels (host order c, h, w; device rows hold the channels
/// of one position).
void checkMultiChannelIO(unsigned bits, const DeviceConfig &cfg,
                         unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 3, 5, 4});
  ValueId y = b.conv(x, 5, 3, 1, {1, 1, 1, 1}, 1, DType::I8);
  checkCnn(b, y, cfg, seed);
}

/// A max pool whose padding must act as -inf, reading the input, whose
/// buffer also carries a conv's materialised padding holding the zero
/// point 5 (about half the inputs quantize to 0 < 5, so reading that
/// padding would show); qadd joins the two branches.
void checkPaddedMaxPool(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 2, 6, 5});
  ValueId p = b.pool(x, poolAttrs({3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}));
  ValueId c = b.conv(x, 2, 3, 1, {2, 2, 2, 2}, 1, DType::I8, 2);
  checkCnn(b, b.qadd(p, c, DType::I8), cfg, seed);
}

/// Ceil mode with stride 2 and asymmetric pads: the last windows hang
/// past the padded input; dilation 2 in the other test of this kind.
void checkCeilModeMaxPool(unsigned bits, const DeviceConfig &cfg,
                          unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 3, 7, 6});
  ValueId c = b.conv(x, 3, 3, 1, {1, 1, 1, 1}, 1, DType::I8);
  ValueId p = b.pool(c, poolAttrs({3, 2}, {2, 2}, {1, 2}, {0, 1, 1, 0},
                                  /*ceilMode=*/true));
  checkCnn(b, p, cfg, seed);
}

/// Global max pool to [1, C, 1, 1], then a fully connected layer.
void checkGlobalMaxPool(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 2, 4, 5});
  ValueId y = b.conv(x, 6, 3, 1, {0, 0, 0, 0}, 1, DType::U8);
  ValueId g = b.globalMaxPool(y);
  checkCnn(b, b.fc(g, 4, DType::I8), cfg, seed);
}

/// 1-D: conv (stride 2, asymmetric pads) -> max pool (padded, dilated) ->
/// depthwise conv (dilation 2) on [1, C, L].
void checkOneD(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 3, 11}, DType::I8, -3);
  ValueId y = b.convNd(x, 4, {3}, {2}, {1}, {1, 2}, 1, DType::I8);
  y = b.pool(y, poolAttrs({2}, {1}, {2}, {1, 0}));
  y = b.convNd(y, 4, {3}, {1}, {2}, {2, 2}, 4, DType::U8);
  checkCnn(b, y, cfg, seed);
}

/// [M, K] activations: qmatmul -> qmatmul, a qadd of two batched results,
/// and a flatten of a batched result ([M, N] -> [1, M*N]) into a qmatmul.
void checkBatchedMatMul(unsigned bits, const DeviceConfig &cfg, unsigned seed,
                        int64_t m, int64_t k) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({m, k});
  ValueId y = b.matmul(x, 5, DType::U8);
  ValueId z = b.matmul(y, 7, DType::I8);
  ValueId w = b.matmul(y, 7, DType::I8);
  ValueId s = b.qadd(z, w, DType::I8);
  auto f = buildValue(b.g, OpKind::Flatten, {s}, AxisAttrs{0}, {}, "flat");
  ASSERT_TRUE(bool(f));
  checkCnn(b, b.matmul(*f, 3, DType::I8), cfg, seed);
}

/// A batched qmatmul straight to the output ([.., M, N] host words), A of
/// shape \p shape ([M, K] or [B, M, K]: B * M rows).
void checkBatchedOutput(unsigned bits, const DeviceConfig &cfg, unsigned seed,
                        std::vector<int64_t> shape) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input(std::move(shape), DType::I8, 2);
  checkCnn(b, b.matmul(x, 9, DType::U8), cfg, seed);
}

} // namespace

TEST(RacetrackLoweringLayout, MultiChannelHostIO) {
  checkMultiChannelIO(8, wide(), 1);
  checkMultiChannelIO(8, narrow(), 2);
  checkMultiChannelIO(4, onePort(), 3);
}

TEST(RacetrackLoweringLayout, PaddedMaxPool) {
  for (unsigned seed : {4u, 5u})
    checkPaddedMaxPool(8, wide(), seed);
  checkPaddedMaxPool(8, narrow(), 6);
  checkPaddedMaxPool(4, onePort(), 7);
}

TEST(RacetrackLoweringLayout, CeilModeDilatedMaxPool) {
  checkCeilModeMaxPool(8, wide(), 20);
  checkCeilModeMaxPool(8, narrow(), 21);
  checkCeilModeMaxPool(4, onePort(), 22);
}

TEST(RacetrackLoweringLayout, GlobalMaxPool) {
  checkGlobalMaxPool(8, wide(), 7);
  checkGlobalMaxPool(8, narrow(), 8);
}

TEST(RacetrackLoweringLayout, OneDimensionalConvAndPool) {
  checkOneD(8, wide(), 9);
  checkOneD(8, narrow(), 10);
  checkOneD(4, onePort(), 11);
}

TEST(RacetrackLoweringLayout, BatchedMatMul) {
  checkBatchedMatMul(8, wide(), 12, 3, 7);
  checkBatchedMatMul(8, narrow(), 13, 3, 7);
  // K = 40 > D = 16 rows: two reduction chunks per row of A.
  checkBatchedMatMul(8, wide(), 14, 4, 40);
  checkBatchedMatMul(4, onePort(), 15, 2, 9);
}

TEST(RacetrackLoweringLayout, BatchedMatMulOutput) {
  checkBatchedOutput(8, wide(), 16, {4, 6});
  checkBatchedOutput(8, narrow(), 17, {4, 6});
  checkBatchedOutput(8, wide(), 23, {1, 3, 6});
  checkBatchedOutput(4, onePort(), 24, {2, 3, 5});
}

TEST(RacetrackLoweringLayout, AvgPoolWithShrinkingDivisorIsRejected) {
  CnnBuilder b(18, 8);
  ValueId x = b.input({1, 2, 6, 6});
  PoolAttrs pa = poolAttrs({3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1});
  pa.countIncludePad = false;
  ValueId y = b.pool(x, pa, OpKind::AveragePool);
  std::string text = loweringError(b, y, wide());
  EXPECT_NE(text.find("cnn.onnx: node 'n1' (MaxPool, opset 13): error: "
                      "racetrack backend: op 'avg_pool' is not supported "
                      "yet: with count_include_pad = 0 and padding the "
                      "divisor changes at the borders"),
            std::string::npos)
      << text;
}

TEST(RacetrackLoweringLayout, ThreeDimensionalPoolIsRejected) {
  CnnBuilder b(19, 8);
  ValueId x = b.input({1, 2, 4, 4, 4});
  ValueId y =
      b.pool(x, poolAttrs({2, 2, 2}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0, 0, 0, 0}));
  std::string text = loweringError(b, y, wide());
  EXPECT_NE(text.find("racetrack backend: only 1-D and 2-D max_pool are "
                      "supported, got 3-D"),
            std::string::npos)
      << text;
}

//===- tests/unit/lower/LoweringCnnTest.cpp - CNN code generation tests ---===//
//
// Lowers small quantized CNNs built in C++ (qconv with padding, stride,
// dilation and groups, max_pool, qadd, flatten + qmatmul), runs them on the
// bit-exact simulator and compares the output words with the integer golden
// model (interpret()).
//
//===----------------------------------------------------------------------===//
#include "tests/unit/lower/CnnTestUtils.h"

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lowertest;

namespace {

/// conv (pad 1) -> conv (stride 2, asymmetric pads) -> max_pool -> flatten
/// -> qmatmul.
void checkConvPoolFc(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 1, 9, 9});
  ValueId y = b.conv(x, 6, 3, 1, {1, 1, 1, 1}, 1, DType::U8);
  y = b.conv(y, 7, 3, 2, {0, 1, 1, 0}, 1, DType::I8);
  y = b.maxPool(y, 2, 1);
  y = b.fc(y, 5, DType::I8);
  checkCnn(b, y, cfg, seed);
}

/// conv -> grouped conv (dilation 2) -> qadd with the conv -> global
/// average pool as a depthwise conv -> flatten -> qmatmul.
void checkGroupedAdd(unsigned bits, const DeviceConfig &cfg, unsigned seed) {
  CnnBuilder b(seed, bits);
  ValueId x = b.input({1, 1, 7, 6});
  ValueId a = b.conv(x, 8, 3, 1, {1, 1, 1, 1}, 1, DType::I8);
  ValueId c = b.conv(a, 8, 3, 1, {2, 2, 2, 2}, 4, DType::U8, 2);
  ValueId s = b.qadd(a, c, DType::U8);
  ValueId gap = b.conv(s, 8, 1, 1, {0, 0, 0, 0}, 8, DType::U8);
  ValueId y = b.fc(gap, 6, DType::U8);
  checkCnn(b, y, cfg, seed);
}

} // namespace

TEST(RacetrackLoweringCnn, ConvPoolFcEightBitTwoPorts) {
  for (unsigned seed : {1u, 2u})
    checkConvPoolFc(8, makeConfig(32, 16, 2), seed);
}

TEST(RacetrackLoweringCnn, ConvPoolFcFourBitFourPorts) {
  for (unsigned seed : {3u, 4u})
    checkConvPoolFc(4, makeConfig(32, 16, 4), seed);
}

TEST(RacetrackLoweringCnn, ConvPoolFcOddTracksDefaultDepth) {
  checkConvPoolFc(8, makeConfig(20, 64, 2), 5);
}

TEST(RacetrackLoweringCnn, GroupedConvQAddEightBit) {
  for (unsigned seed : {6u, 7u})
    checkGroupedAdd(8, makeConfig(32, 16, 2), seed);
}

TEST(RacetrackLoweringCnn, GroupedConvQAddFourBitFourPorts) {
  checkGroupedAdd(4, makeConfig(32, 32, 4), 8);
}

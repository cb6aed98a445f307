//===- tests/unit/sim/MachineStateTest.cpp - Row bits and memory image ----===//
//
// Row word packing against hand-packed bytes (bit b at byte b/8, bit b%8;
// lanes LSB first), sign extension, and memory image loading and its errors.
//
//===----------------------------------------------------------------------===//
#include "SimTestUtil.h"

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::test;
using rtc::racetrack::MemoryChunk;

TEST(RowBits, ThreeBitLaneInsideAByte) {
  uint8_t row[2] = {0, 0};
  writeWord(row, 1, 3, 5); // bits 3..5 = 101
  EXPECT_EQ(row[0], 0x28);
  EXPECT_EQ(row[1], 0);
  EXPECT_EQ(readWord(row, 1, 3, false), 5);
  EXPECT_EQ(readWord(row, 1, 3, true), -3);
  EXPECT_EQ(readWord(row, 0, 3, true), 0);
}

TEST(RowBits, FiveBitLaneCrossesAByte) {
  uint8_t row[2] = {0, 0};
  writeWord(row, 1, 5, 19); // bits 5..9 = 10011
  EXPECT_EQ(row[0], 0x60);
  EXPECT_EQ(row[1], 0x02);
  EXPECT_EQ(readWord(row, 1, 5, false), 19);
  EXPECT_EQ(readWord(row, 1, 5, true), 19 - 32);
}

TEST(RowBits, WritePreservesOtherBitsAndTruncates) {
  uint8_t row[2] = {0xFF, 0xFF};
  writeWord(row, 1, 5, 0);
  EXPECT_EQ(row[0], 0x1F);
  EXPECT_EQ(row[1], 0xFC);
  writeWord(row, 1, 5, -1); // truncated to 11111
  EXPECT_EQ(row[0], 0xFF);
  EXPECT_EQ(row[1], 0xFF);
  writeWord(row, 2, 5, 300); // 300 & 31 = 12 = 01100 at bits 10..14
  EXPECT_EQ(row[1], 0xB3);   // 1 01100 11
  EXPECT_EQ(readWord(row, 2, 5, false), 12);
}

TEST(RowBits, SixteenAndThirtyTwoBitWords) {
  uint8_t row[8] = {};
  writeWord(row, 0, 16, 0x1234);
  EXPECT_EQ(row[0], 0x34);
  EXPECT_EQ(row[1], 0x12);
  writeWord(row, 1, 32, int64_t(0x80000001));
  EXPECT_EQ(row[4], 0x01);
  EXPECT_EQ(row[5], 0x00);
  EXPECT_EQ(row[7], 0x80);
  EXPECT_EQ(readWord(row, 1, 32, false), int64_t(0x80000001));
  EXPECT_EQ(readWord(row, 1, 32, true), -2147483647);
  EXPECT_EQ(readWord(row, 0, 16, true), 0x1234);
  writeWord(row, 0, 16, -2);
  EXPECT_EQ(readWord(row, 0, 16, true), -2);
  EXPECT_EQ(readWord(row, 0, 16, false), 65534);
}

TEST(RowBits, WidthSet) {
  for (int64_t w : {2, 3, 4, 5, 6, 7, 8, 16, 32})
    EXPECT_TRUE(isValidWidth(w)) << w;
  for (int64_t w : {-1, 0, 1, 9, 12, 15, 17, 31, 33, 64})
    EXPECT_FALSE(isValidWidth(w)) << w;
}

TEST(MachineState, CreateZeroesEverything) {
  MachineState s = makeState(tinyConfig());
  EXPECT_EQ(s.getNumMus(), 4);
  EXPECT_EQ(s.getRowsPerMu(), 8);
  EXPECT_EQ(s.getRowBytes(), 2);
  EXPECT_EQ(s.getSegmentLength(), 4);
  EXPECT_EQ(s.getRawRows().size(), 4u * 8 * 2);
  for (uint8_t b : s.getRawRows())
    EXPECT_EQ(b, 0);
  EXPECT_EQ(s.getOffset(3), 0);
  EXPECT_EQ(s.getAcc(3)[15], 0);
  EXPECT_EQ(s.getPortRow(2, 1), 4);
}

TEST(MachineState, RefusesHugeConfigs) {
  racetrack::DeviceConfig cfg = tinyConfig();
  cfg.musPerBank = 1048576;
  cfg.banks = 1024;
  llvm::Expected<MachineState> s = MachineState::create(cfg);
  ASSERT_FALSE(s);
  EXPECT_NE(llvm::toString(s.takeError()).find("bytes of state"),
            std::string::npos);
}

TEST(MachineState, LoadsChunksRowMajorOverMuAndRow) {
  MachineState s = makeState(tinyConfig());
  MemoryChunk c;
  c.firstMu = 1;
  c.muCount = 2;
  c.firstRow = 6;
  c.rowCount = 2;
  c.rowBytes = 2;
  c.data = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_FALSE(s.loadMemoryImage({c}, "m.rtbin"));
  EXPECT_EQ(s.getRow(1, 6)[0], 1);
  EXPECT_EQ(s.getRow(1, 6)[1], 2);
  EXPECT_EQ(s.getRow(1, 7)[0], 3);
  EXPECT_EQ(s.getRow(2, 6)[1], 6);
  EXPECT_EQ(s.getRow(2, 7)[1], 8);
  EXPECT_EQ(s.getRow(0, 7)[0], 0);
  EXPECT_EQ(s.getRow(3, 6)[0], 0);
}

TEST(MachineState, ClearsBitsAboveTheTracks) {
  racetrack::DeviceConfig cfg = tinyConfig();
  cfg.tracksPerMu = 12;
  MachineState s = makeState(cfg);
  MemoryChunk c{0, 1, 0, 1, 2, {0xFF, 0xFF}};
  ASSERT_FALSE(s.loadMemoryImage({c}));
  EXPECT_EQ(s.getRow(0, 0)[1], 0x0F);
}

static std::string loadError(MemoryChunk c) {
  MachineState s = makeState(tinyConfig());
  return llvm::toString(s.loadMemoryImage({MemoryChunk{0, 1, 0, 1, 2, {1, 2}}, c}, "m.rtbin"));
}

TEST(MachineState, MemoryImageErrorsAreLocated) {
  EXPECT_EQ(loadError({0, 1, 0, 1, 4, {0, 0, 0, 0}}),
            "m.rtbin: error: memory chunk #1: row width 4 bytes, but the "
            "machine has 16 tracks per MU (2 bytes per row)");
  EXPECT_EQ(loadError({3, 2, 0, 1, 2, {0, 0, 0, 0}}),
            "m.rtbin: error: memory chunk #1: MUs [3, 5) outside the "
            "machine's 4 MUs");
  EXPECT_EQ(loadError({0, 1, 7, 2, 2, {0, 0, 0, 0}}),
            "m.rtbin: error: memory chunk #1: rows [7, 9) outside the 8 rows "
            "(domains per track) of an MU");
  EXPECT_EQ(loadError({0, 1, 0, 2, 2, {0, 0, 0}}),
            "m.rtbin: error: memory chunk #1: 3 data bytes, expected 4 (1 MUs "
            "x 2 rows x 2 bytes)");
  // 32-bit wrap-around of firstMu + muCount is still caught.
  EXPECT_NE(loadError({0xFFFFFFFFu, 2, 0, 1, 2, {}}).find("outside the"),
            std::string::npos);
}

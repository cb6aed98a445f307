//===- tests/unit/racetrack/EncodingTest.cpp - Instruction encoding tests -===//
//
// Round trips of every opcode with extreme operands, encodings laid out by
// hand from docs/isa.md, and every decoder error (unknown opcode, padding
// bits, reserved values, stream size).
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/Encoding.h"

#include "ir/Diagnostics.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

std::string errText(llvm::Error err) { return llvm::toString(std::move(err)); }

/// Every operand at the top (or, with \p low, the bottom) of its encodable
/// range; widths and dirs take the extreme valid values.
Insn extremeInsn(Opcode op, bool low) {
  const InsnInfo &info = getInsnInfo(op);
  Insn insn;
  insn.op = op;
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    int64_t v = low ? o.minEncodable() : o.maxEncodable();
    if (o.kind == OperandKind::Width)
      v = low ? 2 : 32;
    if (o.kind == OperandKind::Dir)
      v = low ? -1 : 1;
    insn.operands[i] = v;
  }
  return insn;
}

TEST(EncodingTest, TableWidthsMatchSpec) {
  // Spec widths: mu 20, count 16, delta 16s, port 12, width 6, sign 1,
  // lane 12, n 16, dir 2s, ports 12, table index 16, buf 8, offset 32.
  EXPECT_EQ(numOpcodes, 13u);
  EXPECT_EQ(getInsnInfo(Opcode::AccAdd).totalBits(), 20u + 20 + 16);
  const InsnInfo &macs = getInsnInfo(Opcode::Macs);
  ASSERT_EQ(macs.numOperands, 9u);
  EXPECT_EQ(macs.totalBits(), 20u + 16 + 12 + 6 + 1 + 12 + 16 + 2 + 12);
  EXPECT_TRUE(macs.operands[MacsOp::dir].isSigned);
  EXPECT_EQ(macs.operands[MacsOp::dir].minEncodable(), -2);
  const InsnInfo &shift = getInsnInfo(Opcode::Shift);
  EXPECT_EQ(shift.operands[ShiftOp::delta].minEncodable(), -32768);
  EXPECT_EQ(shift.operands[ShiftOp::delta].maxEncodable(), 32767);
  EXPECT_EQ(getInsnInfo(Opcode::HIn).operands[HInOp::offset].maxEncodable(),
            4294967295);
  for (unsigned i = 0; i < numOpcodes; ++i)
    EXPECT_LE(getInsnInfo(Opcode(i)).totalBits(), 120u);
  EXPECT_EQ(getInsnInfo(Opcode::VQAdd).totalBits(), 118u);
}

TEST(EncodingTest, RoundTripEveryOpcodeExtremes) {
  for (unsigned i = 0; i < numOpcodes; ++i)
    for (bool low : {false, true}) {
      Insn insn = extremeInsn(Opcode(i), low);
      ASSERT_FALSE(bool(checkEncodable(insn, 0, "p")));
      auto bytes = encodeInsn(insn);
      EXPECT_EQ(bytes[0], i + 1);
      auto back = decodeInsn(bytes, 0, "p");
      ASSERT_TRUE(bool(back)) << errText(back.takeError());
      EXPECT_EQ(*back, insn) << insn.mnemonic().str() << " low=" << low;
    }
}

TEST(EncodingTest, HandLaidOutShift) {
  // shift mu=3, count=2, delta=-1: opcode 1; mu bits 8..27; count bits
  // 28..43; delta bits 44..59 (0xFFFF).
  Insn insn = Insn::make(Opcode::Shift, {3, 2, -1});
  std::array<uint8_t, 16> expected = {0x01, 0x03, 0x00, 0x20, 0x00, 0xF0,
                                      0xFF, 0x0F, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(encodeInsn(insn), expected);
  auto back = decodeInsn(expected, 0);
  ASSERT_TRUE(bool(back));
  EXPECT_EQ((*back)[ShiftOp::delta], -1);
}

TEST(EncodingTest, HandLaidOutHaltAndHin) {
  std::array<uint8_t, 16> halt{};
  halt[0] = 12;
  EXPECT_EQ(encodeInsn(Insn::make(Opcode::Halt, {})), halt);
  // hin mu=1 port=1 buf=2 offset=0x12345678 n=5 width=8 sign=1:
  // mu bits 8..27, port 28..39, buf 40..47, offset 48..79, n 80..95,
  // width 96..101, sign 102.
  Insn hin = Insn::make(Opcode::HIn, {1, 1, 2, 0x12345678, 5, 8, 1});
  std::array<uint8_t, 16> expected = {10,   0x01, 0x00, 0x10, 0x00, 0x02,
                                      0x78, 0x56, 0x34, 0x12, 0x05, 0x00,
                                      0x48, 0,    0,    0};
  EXPECT_EQ(encodeInsn(hin), expected);
}

TEST(EncodingTest, UnknownOpcode) {
  for (uint8_t op : {uint8_t(0), uint8_t(14), uint8_t(0xFF)}) {
    std::array<uint8_t, 16> bytes{};
    bytes[0] = op;
    auto r = decodeInsn(bytes, 7, "prog.rtbin");
    ASSERT_FALSE(bool(r));
    std::string msg = errText(r.takeError());
    EXPECT_NE(msg.find("prog.rtbin: insn #7"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown opcode"), std::string::npos) << msg;
  }
}

TEST(EncodingTest, PaddingBitsAreErrors) {
  std::array<uint8_t, 16> halt{};
  halt[0] = 12;
  halt[1] = 0x01;
  auto r = decodeInsn(halt, 0, "p");
  ASSERT_FALSE(bool(r));
  EXPECT_NE(errText(r.takeError()).find("padding"), std::string::npos);
  // shift uses bits 8..59; bit 60 (byte 7 bit 4) and bit 127 are padding.
  for (auto [byte, bit] : {std::pair{7, 4}, std::pair{15, 7}}) {
    auto bytes = encodeInsn(Insn::make(Opcode::Shift, {0, 1, 1}));
    bytes[byte] |= uint8_t(1u << bit);
    auto s = decodeInsn(bytes, 3, "p");
    ASSERT_FALSE(bool(s));
    std::string msg = errText(s.takeError());
    EXPECT_NE(msg.find("insn #3 (shift)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("padding bits above bit 60"), std::string::npos) << msg;
  }
}

TEST(EncodingTest, ReservedValues) {
  auto ldx = decodeInsn(encodeInsn(Insn::make(Opcode::Ldx, {0, 0, 9, 0})), 1);
  ASSERT_FALSE(bool(ldx));
  EXPECT_NE(errText(ldx.takeError()).find("reserved width 9"),
            std::string::npos);
  auto macs = decodeInsn(
      encodeInsn(Insn::make(Opcode::Macs, {0, 1, 0, 8, 1, 0, 2, 0, 1})), 1);
  ASSERT_FALSE(bool(macs));
  EXPECT_NE(errText(macs.takeError()).find("reserved direction 0"),
            std::string::npos);
}

TEST(EncodingTest, Streams) {
  std::vector<Insn> insns = {Insn::make(Opcode::Shift, {1, 2, -3}),
                             Insn::make(Opcode::Halt, {})};
  std::vector<uint8_t> bytes = encodeInsns(insns);
  ASSERT_EQ(bytes.size(), 32u);
  auto back = decodeInsns(bytes, "p");
  ASSERT_TRUE(bool(back));
  EXPECT_EQ(*back, insns);

  bytes.push_back(0);
  auto odd = decodeInsns(bytes, "p");
  ASSERT_FALSE(bool(odd));
  EXPECT_NE(errText(odd.takeError()).find("not a multiple of 16"),
            std::string::npos);

  bytes.pop_back();
  bytes[0] = 0;  // insn 0: unknown opcode
  bytes[17] = 1; // insn 1: halt with padding
  auto bad = decodeInsns(bytes, "p");
  ASSERT_FALSE(bool(bad));
  std::string msg = errText(bad.takeError());
  EXPECT_NE(msg.find("insn #0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("insn #1 (halt)"), std::string::npos) << msg;
}

TEST(EncodingTest, CheckEncodable) {
  Insn hin = Insn::make(Opcode::HIn, {0, 0, 0, int64_t(1) << 32, 1, 8, 0});
  std::string msg = errText(checkEncodable(hin, 4, "p"));
  EXPECT_NE(msg.find("insn #4 (hin)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'offset' = 4294967296 does not fit its 32-bit field"),
            std::string::npos)
      << msg;
  Insn shift = Insn::make(Opcode::Shift, {0, 1, -32769});
  EXPECT_NE(errText(checkEncodable(shift, 0, "p")).find("'delta' = -32769"),
            std::string::npos);
  Insn stray = Insn::make(Opcode::Halt, {});
  stray.operands[0] = 1;
  EXPECT_NE(errText(checkEncodable(stray, 0, "p")).find("unused operand"),
            std::string::npos);
}

} // namespace

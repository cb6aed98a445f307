//===- tests/unit/racetrack/ProgramVerifierTest.cpp - Verifier tests ------===//
//
// One negative per verifier rule against the default config (1024 MUs of
// 32 tracks x 64 domains, 2 ports: segment length 32), plus a valid program
// and several problems reported together.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/ProgramVerifier.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

Program withTables() {
  Program p;
  p.biasTable = {{1, 2, 3}};
  RequantEntry r;
  r.multipliers = {1073741824, 1073741824, 1073741824, 1073741824};
  r.shifts = {1, 1, 1, 1};
  r.clampMin = -128;
  r.clampMax = 127;
  p.requantTable.push_back(r);
  AddEntry a;
  a.multiplierA = a.multiplierB = 1;
  a.clampMax = 255;
  p.addTable.push_back(a);
  return p;
}

/// Verifies `insn; halt` and \returns the rendered errors ("" if none).
std::string verifyOne(const Insn &insn, unsigned *count = nullptr) {
  Program p = withTables();
  p.insns = {insn, Insn::make(Opcode::Halt, {})};
  std::string text;
  llvm::raw_string_ostream os(text);
  unsigned n = renderErrors(verifyProgram(p, getDefaultConfig(), "p.rtbin"),
                            os, "test");
  if (count)
    *count = n;
  return text;
}

bool has(const std::string &text, llvm::StringRef what) {
  return text.find(what.str()) != std::string::npos;
}

TEST(ProgramVerifierTest, DefaultConfigAssumptions) {
  DeviceConfig cfg = getDefaultConfig();
  EXPECT_EQ(cfg.numMus(), 1024);
  EXPECT_EQ(cfg.portsPerTrack, 2);
  EXPECT_EQ(cfg.tracksPerMu, 32);
  EXPECT_EQ(cfg.segmentLength(), 32);
}

TEST(ProgramVerifierTest, ValidProgram) {
  Program p = withTables();
  p.insns = {
      Insn::make(Opcode::Shift, {1020, 4, -31}),
      Insn::make(Opcode::Ldx, {0, 1, 8, 1}),
      Insn::make(Opcode::ClrAcc, {0, 1024, 0}),
      Insn::make(Opcode::ClrAcc, {0, 1, noBias}),
      Insn::make(Opcode::Mac, {0, 1, 0, 2, 0, 31}),
      Insn::make(Opcode::Macs, {0, 2, 1, 32, 1, 0, 32, 1, 1}),
      Insn::make(Opcode::Req, {0, 0, 1023, 1, 0, 4, 8, 1}),
      Insn::make(Opcode::Xfer, {0, 0, 1023, 1}),
      Insn::make(Opcode::VMax, {0, 0, 1, 1, 2, 0, 16, 1}),
      Insn::make(Opcode::VQAdd, {0, 0, 1, 1, 2, 0, 0, 8}),
      Insn::make(Opcode::HIn, {0, 0, 0, 100, 16, 2, 0}),
      Insn::make(Opcode::HOut, {0, 0, 3, 0, 1, 32, 1}),
      Insn::make(Opcode::Halt, {}),
  };
  std::string text;
  llvm::raw_string_ostream os(text);
  EXPECT_EQ(renderErrors(verifyProgram(p, getDefaultConfig(), "p"), os, "t"),
            0u)
      << text;
}

TEST(ProgramVerifierTest, OperandRules) {
  struct Case {
    Insn insn;
    const char *expected;
    unsigned count = 1;
  };
  std::vector<Case> cases = {
      {Insn::make(Opcode::Ldx, {1024, 0, 8, 0}),
       "insn #0 (ldx): error: mu 1024 out of range [0, 1024)"},
      {Insn::make(Opcode::Shift, {1000, 25, 1}),
       "MUs 1000..1024 out of range [0, 1024)"},
      {Insn::make(Opcode::Mac, {0, 0, 0, 8, 0, 0}), "count 0 must be >= 1"},
      {Insn::make(Opcode::Ldx, {0, 2, 8, 0}),
       "port 2 out of range [0, 2) (ports per track)"},
      {Insn::make(Opcode::Ldx, {0, 0, 9, 0}),
       "width 9 is not a valid element width"},
      {Insn::make(Opcode::Ldx, {0, 0, 1, 0}),
       "width 1 is not a valid element width"},
      {Insn::make(Opcode::Ldx, {0, 0, 8, 2}), "sign 2 must be 0 or 1"},
      {Insn::make(Opcode::Mac, {0, 1, 0, 8, 0, 32}),
       "xlane 32 out of range [0, 32)"},
      {Insn::make(Opcode::Macs, {0, 1, 0, 8, 0, 0, 2, 0, 1}),
       "dir 0 must be -1 or +1"},
      {Insn::make(Opcode::Macs, {0, 1, 0, 8, 0, 0, 0, 1, 1}), "n 0 must be >= 1"},
      {Insn::make(Opcode::Macs, {0, 1, 0, 8, 0, 20, 13, 1, 1}),
       "xlane 20..32 out of range [0, 32)"},
      {Insn::make(Opcode::Macs, {0, 1, 0, 8, 0, 0, 33, 1, 1}),
       "macs loop shifts a total of 32 always leaves the offset range [0, 31]",
       2}, // and xlane 0..32 is outside the broadcast buffer
      {Insn::make(Opcode::Shift, {0, 1, -32}),
       "delta -32 always leaves the offset range [0, 31]"},
      {Insn::make(Opcode::ClrAcc, {0, 1, 1}),
       "bias 1 out of range: the bias table has 1 entries"},
      {Insn::make(Opcode::Req, {0, 1, 0, 0, 0, 1, 8, 0}),
       "qidx 1 out of range: the requant table has 1 entries"},
      {Insn::make(Opcode::VQAdd, {0, 0, 1, 1, 2, 0, 1, 8}),
       "qidx 1 out of range: the add table has 1 entries"},
      {Insn::make(Opcode::Req, {0, 0, 0, 0, 2, 3, 8, 0}),
       "lanes 2..4 out of range [0, 4)"},
      {Insn::make(Opcode::Req, {0, 0, 0, 0, 0, 8, 4, 0}),
       "n 8 exceeds the 4 per-lane parameters of requant entry 0"},
      {Insn::make(Opcode::HIn, {0, 0, 0, 0, 5, 8, 0}),
       "n 5 exceeds the 4 lanes of 8-bit words in a row"},
      {Insn::make(Opcode::HOut, {0, 0, 0, 0, 0, 8, 0}), "n 0 must be >= 1"},
      {Insn::make(Opcode::HOut, {0, 0, 0, -1, 1, 8, 0}),
       "offset -1 must be >= 0"},
      {Insn::make(Opcode::HOut, {0, 0, 0, int64_t(1) << 32, 1, 8, 0}),
       "'offset' = 4294967296 does not fit its 32-bit field"},
      {Insn::make(Opcode::Xfer, {0, 0, 1024, 0}),
       "dmu 1024 out of range [0, 1024)"},
      {Insn::make(Opcode::VMax, {0, 0, 0, 3, 0, 0, 8, 0}),
       "bport 3 out of range [0, 2)"},
  };
  for (const Case &c : cases) {
    unsigned n = 0;
    std::string text = verifyOne(c.insn, &n);
    EXPECT_TRUE(has(text, c.expected))
        << "expected '" << c.expected << "' in:\n"
        << text;
    EXPECT_EQ(n, c.count) << text;
    EXPECT_TRUE(has(text, "p.rtbin: insn #0 (" + c.insn.mnemonic().str() +
                              "): error:"))
        << text;
  }
}

TEST(ProgramVerifierTest, WidthWiderThanTracks) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.tracksPerMu = 16;
  Program p;
  p.insns = {Insn::make(Opcode::Ldx, {0, 0, 32, 0}),
             Insn::make(Opcode::Halt, {})};
  std::string msg = llvm::toString(verifyProgram(p, cfg, "p"));
  EXPECT_TRUE(has(msg, "width 32 exceeds the 16 tracks of an MU")) << msg;
}

TEST(ProgramVerifierTest, TablesAndHalt) {
  Program p = withTables();
  p.biasTable.push_back(std::vector<int32_t>(33, 1));
  RequantEntry bad;
  bad.multipliers = {1, 2};
  bad.shifts = {1, 2, 3};
  bad.clampMin = 5;
  bad.clampMax = 4;
  p.requantTable.push_back(bad);
  p.requantTable.push_back(RequantEntry{});
  AddEntry add;
  add.shift = 63;
  p.addTable.push_back(add);
  p.insns = {Insn::make(Opcode::Shift, {0, 1, 1})};
  std::string text;
  llvm::raw_string_ostream os(text);
  unsigned n = renderErrors(verifyProgram(p, getDefaultConfig(), "p.rtbin"),
                            os, "t");
  EXPECT_EQ(n, 6u) << text;
  EXPECT_TRUE(has(text, "bias entry 1 has 33 values")) << text;
  EXPECT_TRUE(has(text, "requant entry 1 has 2 multipliers but 3 shifts"));
  EXPECT_TRUE(has(text, "requant entry 1 clamp [5, 4] is empty"));
  EXPECT_TRUE(has(text, "requant entry 2 needs at least one multiplier"));
  EXPECT_TRUE(has(text, "add entry 1 shift 63 out of range"));
  EXPECT_TRUE(has(text, "p.rtbin: error: program does not end with halt"));
}

TEST(ProgramVerifierTest, ReportsAllProblemsAtOnce) {
  unsigned n = 0;
  std::string text =
      verifyOne(Insn::make(Opcode::Mac, {2000, 0, 5, 9, 3, 40}), &n);
  EXPECT_EQ(n, 6u) << text;
}

} // namespace

//===- tests/unit/racetrack/AsmTest.cpp - Racetrack assembly tests --------===//
//
// The printed form of a hand-built program against hand-written text,
// parse/print round trips and parse errors with file:line:col.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/Asm.h"

#include "ir/Diagnostics.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

Program makeSample() {
  Program p;
  p.biasTable = {{1, -2, 3}, {}};
  RequantEntry r;
  r.multipliers = {1073741824, 2147483647};
  r.shifts = {3};
  r.outZeroPoint = -128;
  r.clampMin = -128;
  r.clampMax = 127;
  p.requantTable.push_back(r);
  AddEntry a;
  a.zeroPointA = 5;
  a.zeroPointB = -3;
  a.multiplierA = 1000;
  a.multiplierB = 2000;
  a.shift = 20;
  a.outZeroPoint = 7;
  a.clampMin = 0;
  a.clampMax = 255;
  a.signedA = true;
  p.addTable.push_back(a);
  p.insns = {
      Insn::make(Opcode::Shift, {3, 2, 1}),
      Insn::make(Opcode::Macs, {0, 4, 1, 8, 1, 2, 3, -1, 1}),
      Insn::make(Opcode::Req, {0, 0, 5, 0, 1, 3, 8, 1}),
      Insn::make(Opcode::HIn, {1, 0, 2, 4294967295, 4, 8, 0}),
      Insn::make(Opcode::Halt, {}),
  };
  return p;
}

const char *sampleText =
    "rt.program {\n"
    "  .bias 0 [1, -2, 3]\n"
    "  .bias 1 []\n"
    "  .requant 0 multipliers=[1073741824, 2147483647] shifts=[3] zp=-128 "
    "clamp=[-128, 127]\n"
    "  .add 0 za=5 zb=-3 ma=1000 mb=2000 shift=20 zp=7 clamp=[0, 255] "
    "signed=[1, 0, 0]\n"
    "  shift mu=3, count=2, delta=+1\n"
    "  macs mu=0, count=4, port=1, width=8, sign=1, xlane=2, n=3, dir=-1, ports=1\n"
    "  req mu=0, qidx=0, omu=5, oport=0, lane0=1, n=3, owidth=8, osign=1\n"
    "  hin mu=1, port=0, buf=2, offset=4294967295, n=4, width=8, sign=0\n"
    "  halt\n"
    "}\n";

std::string parseError(llvm::StringRef text) {
  auto p = parseProgram(text, "t.rtasm");
  if (p)
    return "<no error>";
  return llvm::toString(p.takeError());
}

TEST(AsmTest, PrintsCanonicalText) {
  EXPECT_EQ(printProgram(makeSample()), sampleText);
  EXPECT_EQ(printInsn(Insn::make(Opcode::Shift, {0, 1, 0})),
            "shift mu=0, count=1, delta=+0");
}

TEST(AsmTest, ParsesText) {
  auto p = parseProgram(sampleText, "t.rtasm");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_EQ(*p, makeSample());
}

TEST(AsmTest, RoundTrip) {
  Program p = makeSample();
  std::string once = printProgram(p);
  auto parsed = parseProgram(once, "t.rtasm");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(printProgram(*parsed), once);
  EXPECT_EQ(printProgram(Program{}), "rt.program {\n}\n");
}

TEST(AsmTest, AcceptsAnyOperandOrderAndComments) {
  auto p = parseProgram("// header\nrt.program {\n"
                        "  shift delta=-2, mu=1, count=3 // note\n"
                        "  halt\n}\n",
                        "t.rtasm");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  ASSERT_EQ(p->insns.size(), 2u);
  EXPECT_EQ(p->insns[0], Insn::make(Opcode::Shift, {1, 3, -2}));
}

TEST(AsmTest, Errors) {
  EXPECT_NE(parseError("rt.program {\n  jump mu=1\n}\n")
                .find("t.rtasm:2:3: error: unknown instruction 'jump'"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  shift mu=1, count=2\n}\n")
                .find("t.rtasm:2:3: error: 'shift' is missing operand 'delta'"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  shift mu=1, cnt=2, delta=1\n}\n")
                .find("t.rtasm:2:15: error: 'shift' has no operand 'cnt'"),
            std::string::npos);
  EXPECT_NE(
      parseError("rt.program {\n  shift mu=1048576, count=2, delta=1\n}\n")
          .find("t.rtasm:2:12: error: mu = 1048576 out of range [0, 1048575]"),
      std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  shift mu=1, mu=2, count=1, delta=1\n}")
                .find("t.rtasm:2:15: error: operand 'mu' given twice"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  shift mu=1 count=2, delta=1\n}\n")
                .find("t.rtasm:2:14: error: expected ','"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  .bias 1 [1]\n}\n")
                .find("t.rtasm:2:9: error: .bias entry 1 out of order, "
                      "expected 0"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  halt\n  .bias 0 []\n}\n")
                .find("t.rtasm:3:3: error: tables must come before"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  halt\n")
                .find("t.rtasm:3:1: error: expected an instruction, a table "
                      "or '}', found end of file"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n  .bias 0 [2147483648]\n}\n")
                .find("t.rtasm:2:12: error: list element = 2147483648 out of "
                      "range"),
            std::string::npos);
  EXPECT_NE(parseError("program {\n}\n")
                .find("t.rtasm:1:1: error: expected 'rt.program'"),
            std::string::npos);
  EXPECT_NE(parseError("rt.program {\n}\nhalt\n")
                .find("t.rtasm:3:1: error: unexpected 'halt'"),
            std::string::npos);
}

} // namespace

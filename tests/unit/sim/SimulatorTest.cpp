//===- tests/unit/sim/SimulatorTest.cpp - One test per instruction --------===//
//
// Each instruction against a hand-written scalar expectation on the tiny
// machine of SimTestUtil.h, with its exact counters and energies; faults
// located at the instruction.
//
//===----------------------------------------------------------------------===//
#include "SimTestUtil.h"

#include "ir/QuantMath.h"

#include <cmath>

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::test;
using namespace rtc::racetrack;

namespace {

/// Expects the fault text of \p p to start with \p prefix.
void expectFault(const Program &p, MachineState &s, const std::string &prefix,
                 const std::string &contains = "") {
  std::string text = runFault(p, s, tinyConfig());
  EXPECT_EQ(text.substr(0, prefix.size()), prefix) << text;
  if (!contains.empty()) {
    EXPECT_NE(text.find(contains), std::string::npos) << text;
  }
}

} // namespace

TEST(SimShift, MovesOffsetsOfTheGroupAndCountsCosts) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  p.insns = {mk(Opcode::Shift, {1, 2, 3})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.getOffset(0), 0);
  EXPECT_EQ(s.getOffset(1), 3);
  EXPECT_EQ(s.getOffset(2), 3);
  EXPECT_EQ(s.getOffset(3), 0);
  EXPECT_EQ(st.total.shiftRequests, 2u);
  EXPECT_EQ(st.total.shifts, 6u);
  EXPECT_EQ(st.total.bitShifts, 6u * 16);
  EXPECT_EQ(st.total.reads, 0u);
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 6.0); // 3 x 2 ns, MUs in lockstep
  EXPECT_EQ(st.total.cycles, 6u);
  EXPECT_DOUBLE_EQ(st.total.energyPj.shift, 18.0); // 6 x 3 pJ
  // Leakage: 0.25 mW x 4 MUs x 6 ns = 6 pJ.
  EXPECT_DOUBLE_EQ(st.total.energyPj.leakage, 6.0);
  EXPECT_DOUBLE_EQ(st.total.energyPj.total, 24.0);
}

TEST(SimShift, NegativeDeltaAndBackToZero) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  p.insns = {mk(Opcode::Shift, {0, 4, 3}), mk(Opcode::Shift, {0, 1, -3})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.getOffset(0), 0);
  EXPECT_EQ(s.getOffset(3), 3);
  EXPECT_EQ(st.total.shiftRequests, 5u);
  EXPECT_EQ(st.total.shifts, 15u);
}

TEST(SimShift, LeavingTheSegmentFaults) {
  MachineState s = makeState(tinyConfig());
  Program p;
  p.insns = {mk(Opcode::Shift, {0, 2, 3}), mk(Opcode::Shift, {1, 1, 1})};
  expectFault(p, s,
              "t.rtbin: insn #1 (shift): error: shift out of range: MU 1 "
              "offset 3+1 = 4 outside [0, 3]; data would leave the track");
  EXPECT_EQ(s.getOffset(1), 3); // the faulting shift changed nothing
  MachineState s2 = makeState(tinyConfig());
  Program q;
  q.insns = {mk(Opcode::Shift, {2, 1, -1})};
  expectFault(q, s2, "t.rtbin: insn #0 (shift): error: shift out of range: "
                     "MU 2 offset 0-1 = -1");
}

TEST(SimShift, MisShiftedProgramReadsTheWrongRow) {
  DeviceConfig cfg = tinyConfig();
  // Row r of MU 0 holds 10 + r in lane 0 (width 8).
  auto program = [](int64_t delta) {
    Program p;
    p.insns = {mk(Opcode::Shift, {0, 1, delta}),
               mk(Opcode::HOut, {0, 0, 0, 0, 1, 8, 0}),
               mk(Opcode::HOut, {0, 1, 0, 1, 1, 8, 0})};
    return p;
  };
  auto runWith = [&](int64_t delta) {
    MachineState s = makeState(cfg);
    for (int64_t r = 0; r < 8; ++r)
      setRow(s, 0, r, uint8_t(10 + r), 0);
    s.hostOutputs = {{0, 0}};
    runOk(program(delta), s, cfg);
    return s.hostOutputs[0];
  };
  // Intended: offset 2, port 0 -> row 2, port 1 -> row 4 + 2.
  EXPECT_EQ(runWith(2), (std::vector<int64_t>{12, 16}));
  // One position short: rows 1 and 5 are read instead.
  EXPECT_EQ(runWith(1), (std::vector<int64_t>{11, 15}));
}

TEST(SimLdx, DecodesSignedAndUnsignedWords) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 1, 4, 0xF7, 0x80); // 4-bit lanes 7, 15, 0, 8
  Program p;
  p.insns = {mk(Opcode::Ldx, {1, 1, 4, 0})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.xb, (std::vector<int64_t>{7, 15, 0, 8}));
  EXPECT_EQ(s.xbWidth, 4u);
  EXPECT_EQ(st.total.reads, 1u);
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 2.0); // 1.5 ns rounded up to cycles
  EXPECT_EQ(st.total.cycles, 2u);
  EXPECT_DOUBLE_EQ(st.total.energyPj.read, 5.0);
  p.insns = {mk(Opcode::Ldx, {1, 1, 4, 1})};
  runOk(p, s, cfg);
  EXPECT_EQ(s.xb, (std::vector<int64_t>{7, -1, 0, -8}));
  p.insns = {mk(Opcode::Ldx, {1, 1, 8, 1})};
  runOk(p, s, cfg);
  EXPECT_EQ(s.xb, (std::vector<int64_t>{-9, -128}));
  p.insns = {mk(Opcode::Ldx, {1, 1, 16, 0})};
  runOk(p, s, cfg);
  EXPECT_EQ(s.xb, (std::vector<int64_t>{0x80F7}));
}

TEST(SimClrAcc, LoadsBiasOrZero) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  s.getAcc(0)[5] = 99;
  Program p;
  p.biasTable = {{10, -20, 30}};
  p.insns = {mk(Opcode::ClrAcc, {0, 2, 0}), mk(Opcode::ClrAcc, {2, 1, noBias})};
  s.getAcc(2)[0] = 7;
  Stats st = runOk(p, s, cfg);
  for (int mu : {0, 1}) {
    EXPECT_EQ(s.getAcc(mu)[0], 10);
    EXPECT_EQ(s.getAcc(mu)[1], -20);
    EXPECT_EQ(s.getAcc(mu)[2], 30);
    EXPECT_EQ(s.getAcc(mu)[5], 0);
  }
  EXPECT_EQ(s.getAcc(2)[0], 0);
  EXPECT_EQ(st.total.reads + st.total.writes, 0u);
  // One clock each; the second (MU 2) issues a cycle after the first.
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 2.0);
  EXPECT_EQ(st.total.cycles, 2u);
  p.insns = {mk(Opcode::ClrAcc, {0, 1, 1})};
  expectFault(p, s, "t.rtbin: insn #0 (clracc): error: operand bias = 1: "
                    "bias table index out of range [0, 1)");
}

TEST(SimMac, MacCostIsHandComputed) {
  // 8x8 shift-add, bit-parallel, ripple: 8 partial products of 8 ANDs
  // (0.25 ns, 4 pJ), a tree of 7 8-bit ripple adders of depth 3 (8 ns,
  // 16 pJ each), the 8-bit accumulator adder (8 ns, 16 pJ) and 8 register
  // bits (1 pJ): 0.25 + 24 + 8 = 32.25 ns, 32 + 112 + 16 + 1 = 161 pJ.
  CircuitCost mc = macCost(tinyConfig(), 8, 8);
  EXPECT_DOUBLE_EQ(mc.latencyNs, 32.25);
  EXPECT_DOUBLE_EQ(mc.energyPj, 161.0);
}

TEST(SimMac, AccumulatesRowTimesBroadcastWord) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 2, 0, 0x03, 0xFE); // XB = [3, -2]
  setRow(s, 0, 4, 0x05, 0xF9); // MU 0 port 1: [5, -7]
  setRow(s, 1, 4, 100, 127);   // MU 1 port 1: [100, 127]
  Program p;
  p.biasTable = {{10, 20}};
  p.insns = {mk(Opcode::Ldx, {2, 0, 8, 1}), mk(Opcode::ClrAcc, {0, 2, 0}),
             mk(Opcode::Mac, {0, 2, 1, 8, 1, 1})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.getAcc(0)[0], 10 + 5 * -2);
  EXPECT_EQ(s.getAcc(0)[1], 20 + -7 * -2);
  EXPECT_EQ(s.getAcc(1)[0], 10 + 100 * -2);
  EXPECT_EQ(s.getAcc(1)[1], 20 + 127 * -2);
  EXPECT_EQ(st.total.reads, 3u); // ldx + one row per MU
  EXPECT_EQ(st.total.macs, 4u);  // 2 MUs x 2 lanes
  // ldx [0, 2) on MU 2 and clracc [1, 2) on MUs 0-1 overlap; the mac waits
  // for XB: [2, 2 + ceil(1.5 + 32.25)).
  EXPECT_EQ(st.total.cycles, 2u + 34);
  EXPECT_EQ(st.total.busyCycles, 2u + 1 + 34);
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 36.0);
  EXPECT_DOUBLE_EQ(st.total.energyPj.read, 15.0);
  EXPECT_DOUBLE_EQ(st.total.energyPj.compute, 4 * 161.0);
}

TEST(SimMac, FaultsOnEmptyBroadcastAndWrapsLikeInt32Adders) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  p.insns = {mk(Opcode::Mac, {0, 1, 0, 8, 1, 0})};
  expectFault(p, s, "t.rtbin: insn #0 (mac): error: XB lane 0 out of range: "
                    "XB holds 0 words");
  // 2147483647 + 32768 * 65535 wraps to the two's complement value; a
  // later MAC that brings the sum back in range restores the exact value.
  setRow(s, 0, 0, 0x00, 0x80); // 16-bit lane = 0x8000 unsigned = 32768
  s.getAcc(0)[0] = 2147483647;
  p.insns = {mk(Opcode::Ldx, {3, 0, 16, 0}),
             mk(Opcode::Mac, {0, 1, 0, 16, 0, 0})};
  setRow(s, 3, 0, 0xFF, 0xFF); // XB = [65535]
  auto stats = run(p, s, cfg, {}, "t.rtbin");
  ASSERT_TRUE(bool(stats)) << llvm::toString(stats.takeError());
  int64_t exact = 2147483647LL + 32768LL * 65535LL;
  EXPECT_EQ(s.getAcc(0)[0], int32_t(uint32_t(uint64_t(exact))));
}

TEST(SimMacs, HardwareLoopEqualsMacShiftSequence) {
  DeviceConfig cfg = tinyConfig();
  auto setup = [&]() {
    MachineState s = makeState(cfg);
    // MU 0 rows 0..2: lanes (1, 4), (2, 5), (3, 6) at width 8.
    for (int r = 0; r < 3; ++r)
      setRow(s, 0, r, uint8_t(1 + r), uint8_t(4 + r));
    // MU 3 row 0: 5-bit lanes 10, 7, 3 = 10 | 7 << 5 | 3 << 10 = 0x0CEA.
    setRow(s, 3, 0, 0xEA, 0x0C);
    return s;
  };
  Program p;
  p.insns = {mk(Opcode::Ldx, {3, 0, 5, 0}),
             mk(Opcode::Macs, {0, 1, 0, 8, 0, 0, 3, 1, 1})};
  MachineState s = setup();
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.xb, (std::vector<int64_t>{10, 7, 3}));
  EXPECT_EQ(s.getAcc(0)[0], 1 * 10 + 2 * 7 + 3 * 3);
  EXPECT_EQ(s.getAcc(0)[1], 4 * 10 + 5 * 7 + 6 * 3);
  EXPECT_EQ(s.getOffset(0), 2);
  EXPECT_EQ(st.total.reads, 1u + 3);
  EXPECT_EQ(st.total.macs, 6u);
  EXPECT_EQ(st.total.shiftRequests, 2u); // n - 1 steps
  EXPECT_EQ(st.total.shifts, 2u);
  EXPECT_EQ(st.total.bitShifts, 32u);
  CircuitCost mc = macCost(cfg, 8, 5); // activation width from the ldx
  EXPECT_DOUBLE_EQ(st.total.energyPj.compute, 6 * mc.energyPj);
  // Everything depends on the ldx or on MU 0: no overlap.
  EXPECT_EQ(st.total.cycles,
            2 + 3 * uint64_t(std::ceil(1.5 + mc.latencyNs)) + 2 * 2);

  Program q;
  q.insns = {mk(Opcode::Ldx, {3, 0, 5, 0}), mk(Opcode::Mac, {0, 1, 0, 8, 0, 0}),
             mk(Opcode::Shift, {0, 1, 1}), mk(Opcode::Mac, {0, 1, 0, 8, 0, 1}),
             mk(Opcode::Shift, {0, 1, 1}), mk(Opcode::Mac, {0, 1, 0, 8, 0, 2})};
  MachineState s2 = setup();
  Stats st2 = runOk(q, s2, cfg);
  EXPECT_EQ(s2.getAcc(0)[0], s.getAcc(0)[0]);
  EXPECT_EQ(s2.getAcc(0)[1], s.getAcc(0)[1]);
  EXPECT_EQ(st2.total.cycles, st.total.cycles);
  EXPECT_DOUBLE_EQ(st2.total.latencyNs, st.total.latencyNs);
  EXPECT_DOUBLE_EQ(st2.total.energyPj.total, st.total.energyPj.total);
  EXPECT_EQ(st2.total.shifts, st.total.shifts);
}

TEST(SimMacs, OperandFaults) {
  MachineState s = makeState(tinyConfig());
  setRow(s, 3, 0, 0xEA, 0x0C);
  Program p;
  p.insns = {mk(Opcode::Ldx, {3, 0, 5, 0}),
             mk(Opcode::Macs, {0, 1, 0, 8, 0, 0, 0, 1, 1})};
  expectFault(p, s, "t.rtbin: insn #1 (macs): error: operand n = 0");
  p.insns[1] = mk(Opcode::Macs, {0, 1, 0, 8, 0, 1, 3, 1, 1});
  expectFault(p, s, "t.rtbin: insn #1 (macs): error: XB lanes [1, 4) out of "
                    "range: XB holds 3 words");
  p.insns[1] = mk(Opcode::Macs, {0, 1, 0, 8, 0, 0, 3, 2, 1});
  expectFault(p, s, "t.rtbin: insn #1 (macs): error: operand dir = 2");
  // Stepping past the segment end faults inside the loop.
  MachineState s2 = makeState(tinyConfig());
  setRow(s2, 3, 0, 0xEA, 0x0C);
  s2.setOffset(0, 2);
  p.insns[1] = mk(Opcode::Macs, {0, 1, 0, 8, 0, 0, 3, 1, 1});
  expectFault(p, s2, "t.rtbin: insn #1 (macs): error: shift out of range: "
                     "MU 0 offset 3+1 = 4");
}

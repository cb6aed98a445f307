//===- tests/unit/sim/SimTimingTest.cpp - Scoreboard timing model ---------===//
//
// The overlap rules of runtime/sim/Stats.h on hand-scheduled programs: MUs
// work in parallel, XB orders ldx and its MAC readers, the vector unit, bus
// and host port serialise, the controller issues one instruction per cycle,
// and per-layer unit spans (the --trace slices).
//
//===----------------------------------------------------------------------===//
#include "SimTestUtil.h"

#include <cmath>

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::test;
using namespace rtc::racetrack;

// tinyConfig: clock 1 ns, shift 2 ns/position, read 1.5 ns (2 cycles),
// write 4 ns, transfer 1 ns/word, host 10 ns/word.

TEST(SimTiming, ShiftsOfDisjointMusOverlap) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  // MU 0 shifts 3 positions [0, 6); MU 1 one position, issued at cycle 1:
  // [1, 3); MU 0 again must wait for itself: [6, 8).
  p.insns = {mk(Opcode::Shift, {0, 1, 3}), mk(Opcode::Shift, {1, 1, 1}),
             mk(Opcode::Shift, {0, 1, -1})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(st.total.cycles, 8u);
  EXPECT_EQ(st.total.busyCycles, 6u + 2 + 2);
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 8.0);
  // Leakage follows the makespan, not the busy time.
  EXPECT_DOUBLE_EQ(st.total.energyPj.leakage, 0.25 * 4 * 8.0);
}

TEST(SimTiming, BroadcastBufferOrdersLdxAndMacs) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 3, 0, 1, 2);
  Program p;
  p.insns = {
      mk(Opcode::Ldx, {3, 0, 8, 0}),             // [0, 2)
      mk(Opcode::Macs, {0, 2, 0, 8, 0, 0, 2, 1, 1}), // waits for XB: [2, 2+M)
      mk(Opcode::Shift, {3, 1, 1}),              // MU 3 free: [3, 5)
      mk(Opcode::Ldx, {3, 0, 8, 0}),             // waits for the MACs
  };
  Stats st = runOk(p, s, cfg);
  CircuitCost mc = macCost(cfg, 8, 8);
  uint64_t mac = uint64_t(std::ceil(1.5 + mc.latencyNs));
  uint64_t macs = 2 * mac + 2; // two MAC steps and one shift step
  EXPECT_EQ(st.total.cycles, 2 + macs + 2);
  EXPECT_EQ(st.total.busyCycles, 2 + macs + 2 + 2); // the shift is hidden
}

TEST(SimTiming, VectorUnitBusAndHostSerialise) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  p.requantTable = {{{1 << 30}, {31}, 0, -8, 7}};
  // Two reqs on disjoint MUs share the vector unit: [0, 6), then [6, 12).
  // The xfer between them uses the bus, not the vector unit: [1, 8).
  p.insns = {mk(Opcode::Req, {0, 0, 0, 0, 0, 1, 8, 1}),
             mk(Opcode::Xfer, {2, 0, 3, 0}),
             mk(Opcode::Req, {1, 0, 1, 0, 0, 1, 8, 1})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(st.total.cycles, 12u);
  EXPECT_EQ(st.total.busyCycles, 6u + 7 + 6);
  // In-order issue: an instruction stalled on a unit holds back the next.
  std::swap(p.insns[1], p.insns[2]);
  MachineState s2 = makeState(cfg);
  EXPECT_EQ(runOk(p, s2, cfg).total.cycles, 7u + 7);
  // Host transfers on different MUs still share the host port.
  MachineState h = makeState(cfg);
  h.hostInputs = {{1, 2}};
  Program q;
  q.insns = {mk(Opcode::HIn, {0, 0, 0, 0, 2, 8, 1}),
             mk(Opcode::HIn, {1, 0, 0, 0, 2, 8, 1})};
  Stats sq = runOk(q, h, cfg);
  EXPECT_EQ(sq.total.cycles, 2u * (4 + 20));
}

TEST(SimTiming, LayerCyclesAddUpAndUnitSpansPerBank) {
  DeviceConfig cfg = tinyConfig();
  cfg.musPerBank = 2;
  cfg.banks = 2;
  MachineState s = makeState(cfg);
  Program p;
  // Layer a: shift MUs 0-3 (both banks) by 1 [0, 2); layer b: shift MU 3
  // by 2 [2, 6) and MU 0 by 1 [3, 5).
  p.insns = {mk(Opcode::Shift, {0, 4, 1}), mk(Opcode::Shift, {3, 1, 2}),
             mk(Opcode::Shift, {0, 1, 1})};
  std::vector<LayerEntry> layers = {{0, 1, "a", "Conv"}, {1, 3, "b", "Conv"}};
  llvm::Expected<Stats> st = run(p, s, cfg, layers, "t.rtbin");
  ASSERT_TRUE(bool(st)) << llvm::toString(st.takeError());
  ASSERT_EQ(st->unitNames.size(), 2u + 3);
  EXPECT_EQ(st->unitNames[1], "bank 1");
  EXPECT_EQ(st->unitNames[2], "vector unit");
  const LayerStats &a = st->layers[0], &b = st->layers[1];
  EXPECT_EQ(a.counters.cycles, 2u);
  EXPECT_EQ(b.counters.cycles, 4u);
  EXPECT_EQ(st->total.cycles, a.counters.cycles + b.counters.cycles);
  // Layer a's shift counts once in each bank it touches.
  EXPECT_EQ(a.units[0].firstCycle, 0u);
  EXPECT_EQ(a.units[0].busyCycles, 2u);
  EXPECT_EQ(a.units[1].endCycle, 2u);
  EXPECT_FALSE(a.units[2].used());
  EXPECT_EQ(b.units[1].firstCycle, 2u);
  EXPECT_EQ(b.units[1].endCycle, 6u);
  EXPECT_EQ(b.units[0].firstCycle, 3u);
  EXPECT_EQ(b.units[0].endCycle, 5u);
  EXPECT_EQ(b.firstCycle, 2u);
  EXPECT_EQ(b.endCycle, 6u);
}

TEST(SimTiming, UntimedRunCountsTheSameEventsAndSameResult) {
  DeviceConfig cfg = tinyConfig();
  Program p;
  p.requantTable = {{{1 << 30}, {31}, 0, -8, 7}};
  p.insns = {mk(Opcode::Ldx, {3, 0, 8, 0}),
             mk(Opcode::Macs, {0, 2, 0, 8, 0, 0, 2, 1, 1}),
             mk(Opcode::Shift, {3, 1, 1}),
             mk(Opcode::Req, {0, 0, 2, 1, 0, 1, 4, 1}),
             mk(Opcode::Halt, {})};
  std::vector<LayerEntry> layers = {{0, 4, "l", "Conv"}};
  MachineState a = makeState(cfg), b = makeState(cfg);
  for (MachineState *s : {&a, &b}) {
    setRow(*s, 3, 0, 3, 2);
    setRow(*s, 0, 0, 1, 2);
    setRow(*s, 0, 1, 3, 4);
  }
  auto timed = run(p, a, cfg, layers, "t.rtbin");
  ASSERT_TRUE(bool(timed)) << llvm::toString(timed.takeError());
  RunOptions fast;
  fast.timing = false;
  auto untimed = run(p, b, cfg, layers, "t.rtbin", fast);
  ASSERT_TRUE(bool(untimed)) << llvm::toString(untimed.takeError());
  EXPECT_EQ(a.getRawRows(), b.getRawRows()); // same functional effect
  const Counters &t = timed->total, &u = untimed->total;
  EXPECT_EQ(u.shifts, t.shifts);
  EXPECT_EQ(u.reads, t.reads);
  EXPECT_EQ(u.writes, t.writes);
  EXPECT_EQ(u.macs, t.macs);
  EXPECT_EQ(u.insns, t.insns);
  EXPECT_DOUBLE_EQ(u.energyPj.compute, t.energyPj.compute);
  EXPECT_GT(t.cycles, 0u);
  EXPECT_EQ(u.cycles, 0u);
  EXPECT_EQ(u.energyPj.leakage, 0.0);
  EXPECT_EQ(untimed->layers[0].counters.insns, 0u);
  EXPECT_DOUBLE_EQ(untimed->areaMm2, timed->areaMm2);
}

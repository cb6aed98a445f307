//===- tests/unit/sim/SimulatorOpsTest.cpp - req, xfer, vector, host ------===//
//
// req (rounding ties and saturation as ir/QuantMath.h), xfer, vmax, vqadd,
// hin/hout against hand-computed rows, their counters and energies, operand
// faults located at the pc, halt, and per-layer counters.
//
//===----------------------------------------------------------------------===//
#include "SimTestUtil.h"

#include "ir/QuantMath.h"

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::test;
using namespace rtc::racetrack;

static std::vector<int64_t> rowWords(const MachineState &s, int64_t mu,
                                     int64_t row, unsigned width,
                                     bool isSigned) {
  std::vector<int64_t> out;
  for (int64_t l = 0; l < 16 / int64_t(width); ++l)
    out.push_back(readWord(s.getRow(mu, row), l, width, isSigned));
  return out;
}

TEST(SimReq, RoundsHalfToEvenAndSaturates) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  // Multiplier 2^30 with shift 31 is exactly 0.5.
  Program p;
  p.requantTable = {{{1 << 30}, {31}, 0, -8, 7}};
  p.biasTable = {{5, 7, -5, 100}};
  p.insns = {mk(Opcode::ClrAcc, {1, 1, 0}),
             mk(Opcode::Req, {1, 0, 2, 1, 0, 4, 4, 1})};
  Stats st = runOk(p, s, cfg);
  // 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 50 -> 7 (clamp).
  EXPECT_EQ(rowWords(s, 2, 4, 4, true), (std::vector<int64_t>{2, 4, -2, 7}));
  for (int64_t acc : {5, 7, -5})
    EXPECT_EQ(applyMultiplier(acc, 1 << 30, 31), acc == 5 ? 2 : acc == 7 ? 4 : -2);
  EXPECT_EQ(st.total.reads, 1u);
  EXPECT_EQ(st.total.writes, 1u);
  // clracc [0, 1); req waits for MU 1: ceil(1.5) + 4 cycles, [1, 7).
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 7.0);
  EXPECT_EQ(st.total.busyCycles, 7u);
  EXPECT_DOUBLE_EQ(st.total.energyPj.read, 5.0);
  EXPECT_DOUBLE_EQ(st.total.energyPj.write, 7.0);
}

TEST(SimReq, PerLaneMultipliersZeroPointAndLaneOffset) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 0, 0, 0xFF, 0xFF); // lanes outside [lane0, lane0+n) must survive
  Program p;
  // Lane 0: x1 (2^30 >> 30), lane 1: x0.25 (2^30 >> 32); zero point 3.
  p.requantTable = {{{1 << 30, 1 << 30}, {30, 32}, 3, 0, 15}};
  p.biasTable = {{6, -18}};
  p.insns = {mk(Opcode::ClrAcc, {0, 1, 0}),
             mk(Opcode::Req, {0, 0, 0, 0, 1, 2, 4, 0})};
  runOk(p, s, cfg);
  // 3 + 6 = 9; 3 + rhe(-4.5) = 3 - 4 = -1 -> 0 (clamp).
  EXPECT_EQ(rowWords(s, 0, 0, 4, false), (std::vector<int64_t>{15, 9, 0, 15}));
}

TEST(SimReq, Faults) {
  MachineState s = makeState(tinyConfig());
  Program p;
  p.requantTable = {{{1 << 30}, {30}, 0, -128, 127}};
  p.biasTable = {{100}};
  p.insns = {mk(Opcode::ClrAcc, {0, 1, 0}),
             mk(Opcode::Req, {0, 0, 0, 0, 0, 1, 4, 1})};
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #1 (req): error: lane 0: result 100 does not fit a "
            "signed 4-bit word [-8, 7]");
  p.insns[1] = mk(Opcode::Req, {0, 1, 0, 0, 0, 1, 4, 1});
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #1 (req): error: operand qidx = 1: requant table "
            "index out of range [0, 1)");
  p.insns[1] = mk(Opcode::Req, {0, 0, 0, 0, 2, 3, 8, 1});
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #1 (req): error: output lanes [2, 5) outside the 2 "
            "lanes of a 16-track row at width 8");
  p.insns[1] = mk(Opcode::Req, {0, 0, 0, 2, 0, 1, 8, 1});
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #1 (req): error: operand oport = 2: port out of "
            "range [0, 2)");
}

TEST(SimXfer, CopiesRowBetweenMus) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 0, 1, 0xAB, 0xCD);
  s.setOffset(0, 1);
  s.setOffset(3, 2);
  Program p;
  p.insns = {mk(Opcode::Xfer, {0, 0, 3, 1})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.getRow(3, 6)[0], 0xAB); // port 1 of MU 3 at offset 2: row 6
  EXPECT_EQ(s.getRow(3, 6)[1], 0xCD);
  EXPECT_EQ(s.getRow(0, 1)[0], 0xAB); // source unchanged
  EXPECT_EQ(st.total.reads, 1u);
  EXPECT_EQ(st.total.writes, 1u);
  EXPECT_EQ(st.total.transfers, 1u);
  // ceil(1.5) + 1 + 4 cycles of 1 ns.
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 7.0);
  EXPECT_EQ(st.total.cycles, 7u);
  EXPECT_DOUBLE_EQ(st.total.energyPj.transfer, 11.0);
  EXPECT_DOUBLE_EQ(st.total.energyPj.total, 5.0 + 7.0 + 11.0 + 0.25 * 4 * 7);
}

TEST(SimAccAdd, AddsPartialSumsOverTheBus) {
  DeviceConfig cfg = tinyConfig(); // T = 16 tracks
  MachineState s = makeState(cfg);
  s.getAcc(1)[0] = 5;
  s.getAcc(1)[1] = -7;
  s.getAcc(1)[2] = 2147483647;
  s.getAcc(2)[0] = 10;
  s.getAcc(2)[1] = 3;
  s.getAcc(2)[2] = 1;
  Program p;
  p.insns = {mk(Opcode::AccAdd, {1, 2, 3})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(s.getAcc(1)[0], 15);
  EXPECT_EQ(s.getAcc(1)[1], -4);
  EXPECT_EQ(s.getAcc(1)[2], INT32_MIN); // wraps like an int32 adder
  EXPECT_EQ(s.getAcc(2)[0], 10);        // source unchanged
  // 3 x 32 bits over 16-track row-words: 6 words.
  EXPECT_EQ(st.total.transfers, 6u);
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 6 * 1.0);
  EXPECT_DOUBLE_EQ(st.total.energyPj.transfer, 6 * 11.0);
  p.insns = {mk(Opcode::AccAdd, {1, 2, 17})};
  llvm::Expected<Stats> bad = run(p, s, cfg, {}, "t.rtbin");
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "t.rtbin: insn #0 (accadd): error: operand n = 17: must be in "
            "[1, 16] (accumulators per MU)");
}

TEST(SimVMax, LaneWiseSignedAndUnsigned) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 0, 0, 0xF7, 0x80); // 4-bit lanes 7, 15, 0, 8 / 7, -1, 0, -8
  setRow(s, 1, 4, 0x2D, 0x90); // 13, 2, 0, 9 / -3, 2, 0, -7
  Program p;
  p.insns = {mk(Opcode::VMax, {0, 0, 1, 1, 2, 0, 4, 1}),
             mk(Opcode::VMax, {0, 0, 1, 1, 3, 1, 4, 0})};
  Stats st = runOk(p, s, cfg);
  EXPECT_EQ(rowWords(s, 2, 0, 4, true), (std::vector<int64_t>{7, 2, 0, -7}));
  EXPECT_EQ(rowWords(s, 3, 4, 4, false),
            (std::vector<int64_t>{13, 15, 0, 9}));
  EXPECT_EQ(st.total.reads, 4u);
  EXPECT_EQ(st.total.writes, 2u);
  EXPECT_DOUBLE_EQ(st.total.latencyNs, 2 * (2 * 1.5 + 4.0));
}

TEST(SimVQAdd, RescalesRoundsAndClamps) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  setRow(s, 0, 0, 10, 100);                  // a = [10, 100]
  setRow(s, 1, 0, 20, uint8_t(int8_t(-50))); // b = [20, -50]
  setRow(s, 2, 0, 3, 5);                     // a' = [3, 5]
  setRow(s, 3, 0, 2, 2);                     // b' = [2, 2]
  Program p;
  AddEntry e{1, -2, 3, 5, 2, 4, -128, 127, true, true, true};
  AddEntry half{0, 0, 1, 1, 1, 0, 0, 3, false, false, false};
  p.addTable = {e, half};
  p.insns = {mk(Opcode::VQAdd, {0, 0, 1, 0, 0, 1, 0, 8}),
             mk(Opcode::VQAdd, {2, 0, 3, 0, 2, 1, 1, 8})};
  Stats st = runOk(p, s, cfg);
  // (9*3 + 22*5) / 4 = 34.25 -> 34, + 4 = 38;
  // (99*3 - 48*5) / 4 = 14.25 -> 14, + 4 = 18.
  EXPECT_EQ(rowWords(s, 0, 4, 8, true), (std::vector<int64_t>{38, 18}));
  // 5 / 2 = 2.5 -> 2 (tie to even); 7 / 2 = 3.5 -> 4 -> 3 (clamp).
  EXPECT_EQ(rowWords(s, 2, 4, 8, false), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(st.total.reads, 4u);
  EXPECT_EQ(st.total.writes, 2u);
  p.insns = {mk(Opcode::VQAdd, {0, 0, 1, 0, 0, 1, 2, 8})};
  EXPECT_EQ(runFault(p, s, cfg),
            "t.rtbin: insn #0 (vqadd): error: operand qidx = 2: add table "
            "index out of range [0, 2)");
}

TEST(SimHost, InTruncatesOutDecodes) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  s.hostInputs = {{0, 5, -3, 300, 9}};
  s.hostOutputs = {{}, {0, 0, 0, 0, 0}};
  Program p;
  p.insns = {mk(Opcode::HIn, {1, 1, 0, 1, 3, 5, 1}),
             mk(Opcode::HOut, {1, 1, 1, 0, 3, 5, 1}),
             mk(Opcode::HOut, {1, 1, 1, 2, 3, 5, 0})};
  Stats st = runOk(p, s, cfg);
  // 5, -3 -> 11101, 300 -> 01100 (low 5 bits).
  EXPECT_EQ(s.hostOutputs[1], (std::vector<int64_t>{5, -3, 5, 29, 12}));
  EXPECT_EQ(st.total.writes, 1u);
  EXPECT_EQ(st.total.reads, 2u);
  EXPECT_EQ(st.total.hostWords, 9u);
  EXPECT_DOUBLE_EQ(st.total.energyPj.host, 9 * 13.0);
  // All three use MU 1 and the host port: 34 + 32 + 32 cycles in a row.
  EXPECT_DOUBLE_EQ(st.total.latencyNs, (4 + 30) + 2 * (2 + 30));
}

TEST(SimHost, BufferFaults) {
  MachineState s = makeState(tinyConfig());
  s.hostInputs = {{1, 2, 3}};
  s.hostOutputs = {{0}};
  Program p;
  p.insns = {mk(Opcode::HIn, {0, 0, 1, 0, 1, 8, 0})};
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #0 (hin): error: operand buf = 1: host input "
            "buffer out of range [0, 1)");
  p.insns = {mk(Opcode::HIn, {0, 0, 0, 2, 2, 8, 0})};
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #0 (hin): error: host input buffer 0: words [2, 4) "
            "outside its 3 words");
  p.insns = {mk(Opcode::HOut, {0, 0, 0, 0, 2, 8, 0})};
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #0 (hout): error: host output buffer 0: words [0, "
            "2) outside its 1 words");
  p.insns = {mk(Opcode::HOut, {0, 0, 0, 0, 3, 8, 0})};
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #0 (hout): error: host output lanes [0, 3) outside "
            "the 2 lanes of a 16-track row at width 8");
}

TEST(SimFaults, OperandsOutOfRangeAreLocatedAtThePc) {
  MachineState s = makeState(tinyConfig());
  Program p;
  p.insns = {mk(Opcode::Shift, {0, 1, 1}), mk(Opcode::Ldx, {4, 0, 8, 0})};
  EXPECT_EQ(runFault(p, s, tinyConfig()),
            "t.rtbin: insn #1 (ldx): error: operand mu = 4: MU out of range "
            "[0, 4)");
  MachineState s2 = makeState(tinyConfig());
  p.insns[1] = mk(Opcode::Ldx, {0, 0, 9, 0});
  EXPECT_EQ(runFault(p, s2, tinyConfig()),
            "t.rtbin: insn #1 (ldx): error: operand width = 9: element width "
            "must be 2..8, 16 or 32");
  MachineState s3 = makeState(tinyConfig());
  p.insns[1] = mk(Opcode::Ldx, {0, 0, 8, 2});
  EXPECT_EQ(runFault(p, s3, tinyConfig()),
            "t.rtbin: insn #1 (ldx): error: operand sign = 2: must be 0 or 1");
  MachineState s4 = makeState(tinyConfig());
  p.insns[1] = mk(Opcode::Shift, {2, 3, 1});
  EXPECT_EQ(runFault(p, s4, tinyConfig()),
            "t.rtbin: insn #1 (shift): error: operand count = 3: MUs [2, 5) "
            "exceed the 4 MUs");
  MachineState s5 = makeState(tinyConfig());
  p.insns[1] = mk(Opcode::Xfer, {0, 0, 1, 7});
  EXPECT_EQ(runFault(p, s5, tinyConfig()),
            "t.rtbin: insn #1 (xfer): error: operand dport = 7: port out of "
            "range [0, 2)");
}

TEST(SimControl, HaltStopsAndLayersGetTheirCounters) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  p.insns = {mk(Opcode::Shift, {0, 1, 1}), mk(Opcode::Ldx, {0, 0, 8, 0}),
             mk(Opcode::Shift, {0, 2, 2}), mk(Opcode::Halt, {}),
             mk(Opcode::Shift, {0, 1, 1})};
  std::vector<LayerEntry> layers = {{0, 2, "conv1", "Conv"},
                                    {2, 4, "relu1", "Relu"}};
  llvm::Expected<Stats> st = run(p, s, cfg, layers, "t.rtbin");
  ASSERT_TRUE(bool(st)) << llvm::toString(st.takeError());
  EXPECT_EQ(s.getOffset(0), 3); // the shift after halt did not run
  EXPECT_EQ(st->total.insns, 4u);
  ASSERT_EQ(st->layers.size(), 2u);
  EXPECT_EQ(st->layers[0].name, "conv1");
  EXPECT_EQ(st->layers[0].counters.shifts, 1u);
  EXPECT_EQ(st->layers[0].counters.reads, 1u);
  // shift [0, 2), ldx [2, 4); the layer extends the makespan by 4 cycles.
  EXPECT_DOUBLE_EQ(st->layers[0].counters.latencyNs, 4.0);
  EXPECT_EQ(st->layers[0].firstCycle, 0u);
  EXPECT_EQ(st->layers[0].endCycle, 4u);
  EXPECT_DOUBLE_EQ(st->layers[0].counters.energyPj.leakage, 0.25 * 4 * 4);
  // The 2-MU shift by 2 waits for MU 0: [4, 8); halt ends at 8.
  EXPECT_EQ(st->layers[1].firstCycle, 4u);
  EXPECT_EQ(st->layers[1].endCycle, 8u);
  EXPECT_EQ(st->total.cycles, 8u);
  EXPECT_EQ(st->layers[1].op, "Relu");
  EXPECT_EQ(st->layers[1].counters.shifts, 4u);
  EXPECT_EQ(st->layers[1].counters.shiftRequests, 2u);
  EXPECT_EQ(st->total.shifts, 5u);
  EXPECT_DOUBLE_EQ(st->total.energyPj.total,
                   st->layers[0].counters.energyPj.total +
                       st->layers[1].counters.energyPj.total);
}

TEST(SimStats, JsonProfileHasTheDocumentedKeys) {
  DeviceConfig cfg = tinyConfig();
  MachineState s = makeState(cfg);
  Program p;
  p.insns = {mk(Opcode::Shift, {0, 2, 3})};
  std::vector<LayerEntry> layers = {{0, 1, "s", "Shift"}};
  Stats st = llvm::cantFail(run(p, s, cfg, layers, "t.rtbin"));
  EXPECT_DOUBLE_EQ(st.areaMm2, computeArea(cfg, 8, 8).totalMm2);
  llvm::json::Value v = statsToJson(st, cfg);
  const llvm::json::Object *o = v.getAsObject();
  ASSERT_TRUE(o);
  for (const char *k :
       {"shifts", "shift_requests", "bit_shifts", "reads", "writes", "macs",
        "transfers", "host_words", "cycles", "latency_ns", "energy_pj",
        "area_mm2", "config", "layers"})
    EXPECT_TRUE(o->get(k)) << k;
  EXPECT_EQ(o->getInteger("shifts"), 6);
  EXPECT_EQ(o->getInteger("shift_requests"), 2);
  EXPECT_EQ(o->getInteger("bit_shifts"), 96);
  const llvm::json::Object *e = o->getObject("energy_pj");
  ASSERT_TRUE(e);
  for (const char *k : {"total", "shift", "read", "write", "compute",
                        "transfer", "host", "leakage"})
    EXPECT_TRUE(e->get(k)) << k;
  EXPECT_EQ(e->getNumber("shift"), 18.0);
  const llvm::json::Object *c = o->getObject("config");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->getInteger("domains_per_track"), 8);
  const llvm::json::Array *l = o->getArray("layers");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 1u);
  const llvm::json::Object *l0 = (*l)[0].getAsObject();
  EXPECT_EQ(l0->getString("name"), "s");
  EXPECT_EQ(l0->getString("op"), "Shift");
  EXPECT_EQ(l0->getInteger("shifts"), 6);
}

//===- tests/unit/sim/SimTestUtil.h - Shared simulator test helpers -------===//
//
// A tiny machine (4 MUs x 8 domains x 16 tracks, 2 ports: segment length 4)
// with round per-action costs so that hand-computed counters and energies
// are exact, plus helpers to build instructions and run programs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/sim/Simulator.h"

#include "targets/racetrack/isa/CostModel.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace rtc::sim::test {

/// 4 MUs of 8 rows x 16 tracks, 2 ports (S = 4). Costs: shift 2 ns / 3 pJ,
/// read 1.5 ns / 5 pJ, write 4 ns / 7 pJ, transfer 1 ns / 11 pJ, host 10 ns
/// / 13 pJ per word, leakage 0.25 mW per MU, clock 1 ns; MAC primitives FA
/// 1 ns / 2 pJ, AND 0.25 ns / 0.5 pJ, reg bit 0.125 pJ, 8-bit accumulator,
/// bit-parallel shift-add ripple-carry. A MAC of 8 x 8 bits then costs
/// 32.25 ns and 161 pJ (see MacCostIsHandComputed).
inline racetrack::DeviceConfig tinyConfig() {
  racetrack::DeviceConfig c = racetrack::getDefaultConfig();
  c.domainsPerTrack = 8;
  c.portsPerTrack = 2;
  c.tracksPerMu = 16;
  c.musPerBank = 4;
  c.banks = 1;
  c.shiftNs = 2;
  c.shiftPj = 3;
  c.readNs = 1.5;
  c.readPj = 5;
  c.writeNs = 4;
  c.writePj = 7;
  c.transferNsPerWord = 1;
  c.transferPjPerWord = 11;
  c.hostNsPerWord = 10;
  c.hostPjPerWord = 13;
  c.leakageMwPerMu = 0.25;
  c.clockNs = 1;
  c.faNs = 1;
  c.faPj = 2;
  c.andNs = 0.25;
  c.andPj = 0.5;
  c.regBitPj = 0.125;
  c.accBits = 8;
  c.macMode = racetrack::MacMode::BitParallel;
  c.macAdder = racetrack::AdderKind::RippleCarry;
  c.macMultiplier = racetrack::MultiplierKind::ShiftAdd;
  return c;
}

/// Builds an instruction without the ISA library's tables.
inline racetrack::Insn mk(racetrack::Opcode op,
                          std::initializer_list<int64_t> ops) {
  racetrack::Insn in;
  in.op = op;
  unsigned i = 0;
  for (int64_t v : ops)
    in.operands[i++] = v;
  return in;
}

inline MachineState makeState(const racetrack::DeviceConfig &cfg) {
  return llvm::cantFail(MachineState::create(cfg));
}

/// Runs \p p and expects success.
inline Stats runOk(const racetrack::Program &p, MachineState &s,
                   const racetrack::DeviceConfig &cfg) {
  llvm::Expected<Stats> st = run(p, s, cfg, {}, "t.rtbin");
  if (!st) {
    ADD_FAILURE() << llvm::toString(st.takeError());
    return Stats();
  }
  return *st;
}

/// Runs \p p and \returns the fault text ("" if it succeeded).
inline std::string runFault(const racetrack::Program &p, MachineState &s,
                            const racetrack::DeviceConfig &cfg) {
  llvm::Expected<Stats> st = run(p, s, cfg, {}, "t.rtbin");
  if (st)
    return "";
  return llvm::toString(st.takeError());
}

/// Sets 16-bit row \p row of MU \p mu to the bytes {lo, hi}.
inline void setRow(MachineState &s, int64_t mu, int64_t row, uint8_t lo,
                   uint8_t hi) {
  s.getRow(mu, row)[0] = lo;
  s.getRow(mu, row)[1] = hi;
}

} // namespace rtc::sim::test

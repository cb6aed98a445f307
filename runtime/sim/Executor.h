//===- runtime/sim/Executor.h - The simulator's executor --------*- C++ -*-===//
//
// The Executor that runs one program (private to runtime/sim): its operand
// checks, cost accounting, scoreboard timing and the semantics of every
// instruction. The hot path (dispatch, mac/macs, shift, ldx) is in
// Simulator.cpp so that the MAC loop inlines; the scoreboard is in
// SimTiming.cpp (with its per-MU walk and unit spans inline below) and the
// other instructions are in SimOps.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Diagnostics.h"
#include "runtime/sim/MachineState.h"
#include "runtime/sim/Stats.h"
#include "targets/racetrack/isa/CostModel.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/Program.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace rtc::sim::detail {

using racetrack::CircuitCost;
using racetrack::cyclesFor;
using racetrack::DeviceConfig;
using racetrack::Insn;
using racetrack::Program;

/// Mnemonics by opcode, from Isa.def (kept local so that fault messages do
/// not depend on the ISA library's tables).
inline constexpr llvm::StringLiteral mnemonics[] = {
#define INSN(Name, Mnemonic, Cost, Doc, Operands) Mnemonic,
#define OPERAND(Name, Kind, Bits, Signed)
#include "targets/racetrack/isa/Isa.def"
};

/// Executes one program; holds the per-run caches.
class Executor {
public:
  Executor(const Program &program, MachineState &state, const DeviceConfig &cfg,
           llvm::StringRef programName)
      : program(program), state(state), cfg(cfg), programName(programName),
        muFree(size_t(state.getNumMus()), 0) {
    for (int64_t d = 0; d < state.getSegmentLength(); ++d)
      shiftCycles.push_back(cyclesFor(cfg, cfg.shiftNs * double(d)));
  }

  /// Executes instruction \p pc, adding its cost to \p c. Sets halted on
  /// halt.
  llvm::Error step(uint64_t pc, Counters &c);

  /// Schedules instruction \p in, which takes \p duration cycles, on the
  /// scoreboard (Stats.h; SimTiming.cpp). \returns its start cycle.
  uint64_t schedule(const Insn &in, uint64_t duration);

  /// Records in \p units (indexed like Stats::unitNames) that \p in ran
  /// from \p start for \p duration cycles (defined below).
  inline void recordUnits(const Insn &in, uint64_t start, uint64_t duration,
                          std::vector<UnitSpan> &units) const;

  /// End of the last instruction to finish so far (the makespan).
  uint64_t finish = 0;
  bool halted = false;
  unsigned maxWeightBits = 0;
  unsigned maxActivationBits = 0;

private:
  template <typename... Args>
  llvm::Error fault(fmt::format_string<Args...> f, Args &&...args) const {
    return makeError(Location::insn(programName, pc, mnemonics[opIndex]),
                     fmt::format(f, std::forward<Args>(args)...));
  }

  // Operand checks; each returns a located fault naming the operand
  // (checkLanes and checkFits are in SimOps.cpp, the rest in Simulator.cpp).
  llvm::Error checkMu(const char *name, int64_t mu) const;
  llvm::Error checkMus(int64_t mu, int64_t count) const;
  llvm::Error checkPort(const char *name, int64_t port) const;
  llvm::Error checkWidth(const char *name, int64_t width) const;
  llvm::Error checkSign(const char *name, int64_t sign) const;
  llvm::Error checkLanes(const char *what, int64_t first, int64_t n,
                         int64_t width) const;
  llvm::Error checkFits(int64_t value, int64_t width, bool isSigned,
                        int64_t lane) const;

  // Cost accounting. The members declared inline here and below are
  // defined in Simulator.cpp only (nothing else calls them) so that they
  // fold into the dispatch as they did while the class was file-local.
  /// Adds one sequential step of \p ns to the duration of the current
  /// instruction (c.busyCycles), rounded up to whole cycles.
  void addStep(Counters &c, double ns) const {
    c.busyCycles += cyclesFor(cfg, ns);
  }
  inline void shiftCost(Counters &c, int64_t count, int64_t dist) const;
  /// macCost(cfg, wbits, abits) and the cycles of one MAC step with it.
  struct MacStep {
    CircuitCost cost;
    uint64_t cycles = 0;
  };
  inline const MacStep &getMacStep(unsigned wbits, unsigned abits);

  // Semantics shared by mac and macs.
  inline llvm::Error doShift(int64_t mu, int64_t count, int64_t delta,
                             Counters &c);
  inline llvm::Error doMac(int64_t mu, int64_t count, int64_t port,
                           unsigned width, bool isSigned, int64_t xlane,
                           Counters &c);

  // The hot instructions (Simulator.cpp).
  inline llvm::Error execShift(const Insn &in, Counters &c);
  inline llvm::Error execLdx(const Insn &in, Counters &c);
  inline llvm::Error execClrAcc(const Insn &in, Counters &c);
  inline llvm::Error execMac(const Insn &in, Counters &c);
  inline llvm::Error execMacs(const Insn &in, Counters &c);

  // The other instructions and their helpers (SimOps.cpp).
  llvm::Error execReq(const Insn &in, Counters &c);
  llvm::Error execXfer(const Insn &in, Counters &c);
  llvm::Error execAccAdd(const Insn &in, Counters &c);
  llvm::Expected<int64_t *>
  checkHostTransfer(const Insn &in, std::vector<std::vector<int64_t>> &buffers,
                    const char *what);
  struct VectorRows {
    const uint8_t *a, *b;
    uint8_t *o;
  };
  llvm::Expected<VectorRows> checkVectorRows(const Insn &in);
  void vectorCost(Counters &c) const;
  llvm::Error execVMax(const Insn &in, Counters &c);
  llvm::Error execVQAdd(const Insn &in, Counters &c);
  llvm::Error execHIn(const Insn &in, Counters &c);
  llvm::Error execHOut(const Insn &in, Counters &c);

  const Program &program;
  MachineState &state;
  const DeviceConfig &cfg;
  llvm::StringRef programName;
  uint64_t pc = 0;
  unsigned opIndex = 0;
  /// Calls \p fn(mu) for every MU instruction \p in uses (defined below).
  template <typename Fn> void forEachMu(const Insn &in, Fn fn) const;

  // Scoreboard: the cycle from which each unit is free.
  std::vector<uint64_t> muFree;
  uint64_t xbWritten = 0; ///< End of the last ldx (XB holds its row).
  uint64_t xbRead = 0;    ///< End of the last reader of XB.
  uint64_t vectorFree = 0, busFree = 0, hostFree = 0;
  uint64_t nextIssue = 0; ///< In-order issue, one instruction per cycle.

  /// MacStep by (wbits, abits), computed on first use.
  std::array<MacStep, 33 * 33> macSteps{};
  std::array<bool, 33 * 33> macStepKnown{};
  /// Cycles of the frequent steps, computed once (cyclesFor is a division).
  uint64_t readCycles = cyclesFor(cfg, cfg.readNs);
  /// Cycles of a shift by d positions, d in [0, S-1] (the largest legal).
  std::vector<uint64_t> shiftCycles;
  uint64_t clockCycles = cyclesFor(cfg, cfg.clockNs);
};

// vmax and vqadd, and hin and hout, have the same operands in the same
// order (Isa.def); the scoreboard and the operand checks rely on it.
static_assert(
    unsigned(racetrack::VMaxOp::amu) == unsigned(racetrack::VQAddOp::amu) &&
        unsigned(racetrack::VMaxOp::bmu) == unsigned(racetrack::VQAddOp::bmu) &&
        unsigned(racetrack::VMaxOp::omu) == unsigned(racetrack::VQAddOp::omu),
    "vmax and vqadd operand layouts differ");
static_assert(
    unsigned(racetrack::HInOp::mu) == unsigned(racetrack::HOutOp::mu) &&
        unsigned(racetrack::HInOp::port) == unsigned(racetrack::HOutOp::port) &&
        unsigned(racetrack::HInOp::buf) == unsigned(racetrack::HOutOp::buf) &&
        unsigned(racetrack::HInOp::offset) ==
            unsigned(racetrack::HOutOp::offset) &&
        unsigned(racetrack::HInOp::n) == unsigned(racetrack::HOutOp::n) &&
        unsigned(racetrack::HInOp::width) ==
            unsigned(racetrack::HOutOp::width) &&
        unsigned(racetrack::HInOp::sign) == unsigned(racetrack::HOutOp::sign),
    "hin and hout operand layouts differ");

//===----------------------------------------------------------------------===//
// Timing helpers, here so that recordUnits inlines into run()'s loop (out of
// line it cost about 2% of rtrun's time); schedule is in SimTiming.cpp.
//===----------------------------------------------------------------------===//

template <typename Fn> void Executor::forEachMu(const Insn &in, Fn fn) const {
  using namespace racetrack;
  auto range = [&](int64_t mu, int64_t count) {
    for (int64_t k = mu; k < mu + count; ++k)
      fn(k);
  };
  switch (in.op) {
  case Opcode::Shift:
    return range(in[ShiftOp::mu], in[ShiftOp::count]);
  case Opcode::Ldx:
    return fn(in[LdxOp::mu]);
  case Opcode::ClrAcc:
    return range(in[ClrAccOp::mu], in[ClrAccOp::count]);
  case Opcode::Mac:
    return range(in[MacOp::mu], in[MacOp::count]);
  case Opcode::Macs:
    return range(in[MacsOp::mu], in[MacsOp::count]);
  case Opcode::Req:
    fn(in[ReqOp::mu]);
    if (in[ReqOp::omu] != in[ReqOp::mu])
      fn(in[ReqOp::omu]);
    return;
  case Opcode::Xfer:
    fn(in[XferOp::smu]);
    if (in[XferOp::dmu] != in[XferOp::smu])
      fn(in[XferOp::dmu]);
    return;
  case Opcode::AccAdd:
    fn(in[AccAddOp::dmu]);
    if (in[AccAddOp::smu] != in[AccAddOp::dmu])
      fn(in[AccAddOp::smu]);
    return;
  case Opcode::VMax:
  case Opcode::VQAdd: {
    // Same operand layout (static_assert above).
    int64_t a = in[VMaxOp::amu], b = in[VMaxOp::bmu], o = in[VMaxOp::omu];
    fn(a);
    if (b != a)
      fn(b);
    if (o != a && o != b)
      fn(o);
    return;
  }
  case Opcode::HIn:
  case Opcode::HOut:
    return fn(in[HInOp::mu]);
  case Opcode::Halt:
    return;
  }
}

void Executor::recordUnits(const Insn &in, uint64_t start, uint64_t duration,
                           std::vector<UnitSpan> &units) const {
  using racetrack::Opcode;
  auto mark = [&](size_t unit) {
    UnitSpan &u = units[unit];
    u.firstCycle = std::min(u.firstCycle, start);
    u.endCycle = std::max(u.endCycle, start + duration);
    u.busyCycles += duration;
  };
  // Banks: an instruction counts once per bank it touches.
  int64_t musPerBank = cfg.musPerBank, lastBank = -1;
  forEachMu(in, [&](int64_t k) {
    int64_t bank = k / musPerBank;
    if (bank != lastBank)
      mark(size_t(bank));
    lastBank = bank;
  });
  size_t banks = size_t(cfg.banks);
  switch (in.op) {
  case Opcode::Req:
  case Opcode::VMax:
  case Opcode::VQAdd:
    return mark(banks);
  case Opcode::Xfer:
  case Opcode::AccAdd:
    return mark(banks + 1);
  case Opcode::HIn:
  case Opcode::HOut:
    return mark(banks + 2);
  default:
    return;
  }
}

} // namespace rtc::sim::detail

//===- runtime/sim/Simulator.cpp - Bit-exact racetrack simulator ----------===//
//
// One Executor per run: a switch over the opcode, operand checks that turn
// into located faults, the bit-exact semantics on the MachineState rows and
// the per-instruction cost accounting described in Simulator.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/Simulator.h"

#include "ir/Diagnostics.h"
#include "ir/QuantMath.h"
#include "targets/racetrack/isa/CostModel.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::racetrack;

/// Mnemonics by opcode, from Isa.def (kept local so that fault messages do
/// not depend on the ISA library's tables).
static constexpr llvm::StringLiteral mnemonics[] = {
#define INSN(Name, Mnemonic, Cost, Doc, Operands) Mnemonic,
#define OPERAND(Name, Kind, Bits, Signed)
#include "targets/racetrack/isa/Isa.def"
};

namespace {

/// Executes one program; holds the per-run caches.
class Executor {
public:
  Executor(const Program &program, MachineState &state,
           const DeviceConfig &cfg, llvm::StringRef programName)
      : program(program), state(state), cfg(cfg), programName(programName),
        muFree(size_t(state.getNumMus()), 0) {
    for (int64_t d = 0; d < state.getSegmentLength(); ++d)
      shiftCycles.push_back(cyclesFor(cfg, cfg.shiftNs * double(d)));
  }

  /// Executes instruction \p pc, adding its cost to \p c. Sets halted on
  /// halt.
  llvm::Error step(uint64_t pc, Counters &c);

  /// Schedules instruction \p in, which takes \p duration cycles, on the
  /// scoreboard (Stats.h). \returns its start cycle.
  uint64_t schedule(const Insn &in, uint64_t duration);

  /// Records in \p units (indexed like Stats::unitNames) that \p in ran
  /// from \p start for \p duration cycles.
  void recordUnits(const Insn &in, uint64_t start, uint64_t duration,
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

  // Operand checks; each returns a located fault naming the operand.
  llvm::Error checkMu(const char *name, int64_t mu) const;
  llvm::Error checkMus(int64_t mu, int64_t count) const;
  llvm::Error checkPort(const char *name, int64_t port) const;
  llvm::Error checkWidth(const char *name, int64_t width) const;
  llvm::Error checkSign(const char *name, int64_t sign) const;
  llvm::Error checkLanes(const char *what, int64_t first, int64_t n,
                         int64_t width) const;
  llvm::Error checkFits(int64_t value, int64_t width, bool isSigned,
                        int64_t lane) const;

  // Cost accounting.
  /// Adds one sequential step of \p ns to the duration of the current
  /// instruction (c.busyCycles), rounded up to whole cycles.
  void addStep(Counters &c, double ns) const {
    c.busyCycles += cyclesFor(cfg, ns);
  }
  void shiftCost(Counters &c, int64_t count, int64_t dist) const;
  /// macCost(cfg, wbits, abits) and the cycles of one MAC step with it.
  struct MacStep {
    CircuitCost cost;
    uint64_t cycles = 0;
  };
  const MacStep &getMacStep(unsigned wbits, unsigned abits);

  // Semantics shared by mac and macs.
  llvm::Error doShift(int64_t mu, int64_t count, int64_t delta, Counters &c);
  llvm::Error doMac(int64_t mu, int64_t count, int64_t port, unsigned width,
                    bool isSigned, int64_t xlane, Counters &c);

  llvm::Error execShift(const Insn &in, Counters &c);
  llvm::Error execLdx(const Insn &in, Counters &c);
  llvm::Error execClrAcc(const Insn &in, Counters &c);
  llvm::Error execMac(const Insn &in, Counters &c);
  llvm::Error execMacs(const Insn &in, Counters &c);
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
  /// Calls \p fn(mu) for every MU instruction \p in uses.
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

} // namespace

//===----------------------------------------------------------------------===//
// Operand checks
//===----------------------------------------------------------------------===//

llvm::Error Executor::checkMu(const char *name, int64_t mu) const {
  if (mu < 0 || mu >= state.getNumMus())
    return fault("operand {} = {}: MU out of range [0, {})", name, mu,
                 state.getNumMus());
  return llvm::Error::success();
}

llvm::Error Executor::checkMus(int64_t mu, int64_t count) const {
  if (auto err = checkMu("mu", mu))
    return err;
  if (count < 1 || count > state.getNumMus() - mu)
    return fault("operand count = {}: MUs [{}, {}) exceed the {} MUs", count,
                 mu, mu + count, state.getNumMus());
  return llvm::Error::success();
}

llvm::Error Executor::checkPort(const char *name, int64_t port) const {
  if (port < 0 || port >= state.getPortsPerTrack())
    return fault("operand {} = {}: port out of range [0, {})", name, port,
                 state.getPortsPerTrack());
  return llvm::Error::success();
}

llvm::Error Executor::checkWidth(const char *name, int64_t width) const {
  if (!isValidWidth(width))
    return fault("operand {} = {}: element width must be 2..8, 16 or 32",
                 name, width);
  return llvm::Error::success();
}

llvm::Error Executor::checkSign(const char *name, int64_t sign) const {
  if (sign != 0 && sign != 1)
    return fault("operand {} = {}: must be 0 or 1", name, sign);
  return llvm::Error::success();
}

llvm::Error Executor::checkLanes(const char *what, int64_t first, int64_t n,
                                 int64_t width) const {
  int64_t lanes = state.getTracks() / width;
  if (first < 0 || n < 1 || first > lanes - n)
    return fault("{} lanes [{}, {}) outside the {} lanes of a {}-track row "
                 "at width {}",
                 what, first, first + n, lanes, state.getTracks(), width);
  return llvm::Error::success();
}

llvm::Error Executor::checkFits(int64_t value, int64_t width, bool isSigned,
                                int64_t lane) const {
  int64_t lo = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t hi = isSigned ? (int64_t(1) << (width - 1)) - 1
                        : (int64_t(1) << width) - 1;
  if (value < lo || value > hi)
    return fault("lane {}: result {} does not fit a {} {}-bit word [{}, {}]",
                 lane, value, isSigned ? "signed" : "unsigned", width, lo, hi);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Costs
//===----------------------------------------------------------------------===//

void Executor::shiftCost(Counters &c, int64_t count, int64_t dist) const {
  uint64_t positions = uint64_t(dist) * uint64_t(count);
  c.shiftRequests += uint64_t(count);
  c.shifts += positions;
  c.bitShifts += positions * uint64_t(state.getTracks());
  c.energyPj.shift += cfg.shiftPj * double(positions);
  c.busyCycles += shiftCycles[size_t(dist)]; // dist <= S-1: doShift checked
}

const Executor::MacStep &Executor::getMacStep(unsigned wbits,
                                              unsigned abits) {
  unsigned key = wbits * 33 + abits;
  if (!macStepKnown[key]) {
    MacStep &m = macSteps[key];
    m.cost = macCost(cfg, wbits, abits);
    m.cycles = cyclesFor(cfg, cfg.readNs + m.cost.latencyNs);
    macStepKnown[key] = true;
  }
  return macSteps[key];
}

//===----------------------------------------------------------------------===//
// Timing (the scoreboard described in Stats.h)
//===----------------------------------------------------------------------===//

template <typename Fn> void Executor::forEachMu(const Insn &in, Fn fn) const {
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
    // Same operand layout (static_assert below).
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

static_assert(unsigned(VMaxOp::amu) == unsigned(VQAddOp::amu) &&
                  unsigned(VMaxOp::bmu) == unsigned(VQAddOp::bmu) &&
                  unsigned(VMaxOp::omu) == unsigned(VQAddOp::omu),
              "vmax and vqadd operand layouts differ");

uint64_t Executor::schedule(const Insn &in, uint64_t duration) {
  uint64_t start = nextIssue;
  forEachMu(in, [&](int64_t k) { start = std::max(start, muFree[size_t(k)]); });
  switch (in.op) {
  case Opcode::Ldx:
    start = std::max(start, xbRead); // do not overwrite XB under a reader
    break;
  case Opcode::Mac:
  case Opcode::Macs:
    start = std::max(start, xbWritten);
    break;
  case Opcode::Req:
  case Opcode::VMax:
  case Opcode::VQAdd:
    start = std::max(start, vectorFree);
    break;
  case Opcode::Xfer:
  case Opcode::AccAdd:
    start = std::max(start, busFree);
    break;
  case Opcode::HIn:
  case Opcode::HOut:
    start = std::max(start, hostFree);
    break;
  case Opcode::Halt:
    start = std::max(start, finish); // halt waits for everything
    break;
  default:
    break;
  }
  uint64_t end = start + duration;
  forEachMu(in, [&](int64_t k) { muFree[size_t(k)] = end; });
  switch (in.op) {
  case Opcode::Ldx:
    xbWritten = xbRead = end;
    break;
  case Opcode::Mac:
  case Opcode::Macs:
    xbRead = std::max(xbRead, end);
    break;
  case Opcode::Req:
  case Opcode::VMax:
  case Opcode::VQAdd:
    vectorFree = end;
    break;
  case Opcode::Xfer:
  case Opcode::AccAdd:
    busFree = end;
    break;
  case Opcode::HIn:
  case Opcode::HOut:
    hostFree = end;
    break;
  default:
    break;
  }
  nextIssue = start + 1;
  finish = std::max(finish, end);
  return start;
}

void Executor::recordUnits(const Insn &in, uint64_t start, uint64_t duration,
                           std::vector<UnitSpan> &units) const {
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

//===----------------------------------------------------------------------===//
// Semantics
//===----------------------------------------------------------------------===//

llvm::Error Executor::doShift(int64_t mu, int64_t count, int64_t delta,
                              Counters &c) {
  int64_t s = state.getSegmentLength();
  // Check every MU first so that a fault leaves all offsets unchanged.
  for (int64_t k = mu; k < mu + count; ++k) {
    int64_t o = state.getOffset(k) + delta;
    if (o < 0 || o > s - 1)
      return fault("shift out of range: MU {} offset {}{:+} = {} outside [0, "
                   "{}]; data would leave the track",
                   k, state.getOffset(k), delta, o, s - 1);
  }
  for (int64_t k = mu; k < mu + count; ++k)
    state.setOffset(k, state.getOffset(k) + delta);
  shiftCost(c, count, std::abs(delta));
  return llvm::Error::success();
}

/// acc[l] += word l of \p row x \p x for l < \p lanes. Hardware int32
/// adders wrap modulo 2^32. Wrapping addition is associative, so the final
/// accumulator equals the exact sum whenever that fits int32 - which the
/// integer golden model checks for every layer (ir/reference/Quantized.cpp)
/// - whatever the MAC order. The common widths get a loop the compiler can
/// vectorise; the low 32 bits of a product do not depend on the high bits
/// of its factors, so uint32 multiplication gives the same result.
template <typename Decode>
static void macLanes(int32_t *acc, int64_t lanes, int64_t x, Decode decode) {
  uint32_t ux = uint32_t(x);
  for (int64_t l = 0; l < lanes; ++l)
    acc[l] = int32_t(uint32_t(acc[l]) + uint32_t(decode(l)) * ux);
}

static void macRow(const uint8_t *row, int32_t *acc, int64_t lanes,
                   unsigned width, bool isSigned, int64_t x) {
  if (width == 8 && isSigned)
    return macLanes(acc, lanes, x,
                    [row](int64_t l) { return int32_t(int8_t(row[l])); });
  if (width == 8)
    return macLanes(acc, lanes, x, [row](int64_t l) { return int32_t(row[l]); });
  if (width == 4 && isSigned)
    return macLanes(acc, lanes, x, [row](int64_t l) {
      int32_t nibble = (row[l >> 1] >> ((l & 1) * 4)) & 0xF;
      return (nibble ^ 8) - 8;
    });
  macLanes(acc, lanes, x, [&](int64_t l) {
    return int32_t(readWord(row, l, width, isSigned));
  });
}

llvm::Error Executor::doMac(int64_t mu, int64_t count, int64_t port,
                            unsigned width, bool isSigned, int64_t xlane,
                            Counters &c) {
  if (xlane < 0 || xlane >= int64_t(state.xb.size()))
    return fault("XB lane {} out of range: XB holds {} words (last ldx)",
                 xlane, state.xb.size());
  int64_t x = state.xb[size_t(xlane)];
  int64_t lanes = state.getTracks() / width;
  for (int64_t k = mu; k < mu + count; ++k)
    macRow(state.getRow(k, state.getPortRow(k, port)), state.getAcc(k), lanes,
           width, isSigned, x);
  unsigned abits = state.xbWidth ? state.xbWidth : width;
  maxWeightBits = std::max(maxWeightBits, width);
  maxActivationBits = std::max(maxActivationBits, abits);
  const MacStep &step = getMacStep(width, abits);
  c.reads += uint64_t(count);
  c.macs += uint64_t(count) * uint64_t(lanes);
  c.energyPj.read += cfg.readPj * double(count);
  c.energyPj.compute += step.cost.energyPj * double(count) * double(lanes);
  c.busyCycles += step.cycles;
  return llvm::Error::success();
}

llvm::Error Executor::execShift(const Insn &in, Counters &c) {
  if (auto err = checkMus(in[ShiftOp::mu], in[ShiftOp::count]))
    return err;
  return doShift(in[ShiftOp::mu], in[ShiftOp::count], in[ShiftOp::delta], c);
}

llvm::Error Executor::execLdx(const Insn &in, Counters &c) {
  int64_t mu = in[LdxOp::mu], port = in[LdxOp::port];
  int64_t width = in[LdxOp::width], sign = in[LdxOp::sign];
  if (auto err = checkMu("mu", mu))
    return err;
  if (auto err = checkPort("port", port))
    return err;
  if (auto err = checkWidth("width", width))
    return err;
  if (auto err = checkSign("sign", sign))
    return err;
  int64_t lanes = state.getTracks() / width;
  const uint8_t *row = state.getRow(mu, state.getPortRow(mu, port));
  state.xb.resize(size_t(lanes)); // capacity T after the first ldx
  for (int64_t l = 0; l < lanes; ++l)
    state.xb[size_t(l)] = readWord(row, l, unsigned(width), sign != 0);
  state.xbWidth = unsigned(width);
  c.reads += 1;
  c.energyPj.read += cfg.readPj;
  c.busyCycles += readCycles;
  return llvm::Error::success();
}

llvm::Error Executor::execClrAcc(const Insn &in, Counters &c) {
  int64_t mu = in[ClrAccOp::mu], count = in[ClrAccOp::count];
  int64_t bias = in[ClrAccOp::bias];
  if (auto err = checkMus(mu, count))
    return err;
  if (bias != noBias && (bias < 0 || bias >= int64_t(program.biasTable.size())))
    return fault("operand bias = {}: bias table index out of range [0, {}) "
                 "(or {} for none)",
                 bias, program.biasTable.size(), noBias);
  for (int64_t k = mu; k < mu + count; ++k) {
    int32_t *acc = state.getAcc(k);
    std::fill(acc, acc + state.getTracks(), 0);
    if (bias != noBias) {
      const std::vector<int32_t> &b = program.biasTable[size_t(bias)];
      size_t n = std::min(b.size(), size_t(state.getTracks()));
      std::copy(b.begin(), b.begin() + ptrdiff_t(n), acc);
    }
  }
  c.busyCycles += clockCycles;
  return llvm::Error::success();
}

llvm::Error Executor::execMac(const Insn &in, Counters &c) {
  int64_t mu = in[MacOp::mu], count = in[MacOp::count], port = in[MacOp::port];
  int64_t width = in[MacOp::width], sign = in[MacOp::sign];
  if (auto err = checkMus(mu, count))
    return err;
  if (auto err = checkPort("port", port))
    return err;
  if (auto err = checkWidth("width", width))
    return err;
  if (auto err = checkSign("sign", sign))
    return err;
  return doMac(mu, count, port, unsigned(width), sign != 0, in[MacOp::xlane],
               c);
}

llvm::Error Executor::execMacs(const Insn &in, Counters &c) {
  int64_t mu = in[MacsOp::mu], count = in[MacsOp::count];
  int64_t port = in[MacsOp::port], width = in[MacsOp::width];
  int64_t sign = in[MacsOp::sign], xlane = in[MacsOp::xlane];
  int64_t n = in[MacsOp::n], dir = in[MacsOp::dir];
  int64_t ports = in[MacsOp::ports];
  if (auto err = checkMus(mu, count))
    return err;
  if (auto err = checkPort("port", port))
    return err;
  if (ports < 1 || ports > state.getPortsPerTrack() - port)
    return fault("operand ports = {}: ports [{}, {}) outside the {} ports",
                 ports, port, port + ports, state.getPortsPerTrack());
  if (auto err = checkWidth("width", width))
    return err;
  if (auto err = checkSign("sign", sign))
    return err;
  if (n < 1)
    return fault("operand n = {}: the hardware loop needs n >= 1", n);
  if (dir != 1 && dir != -1)
    return fault("operand dir = {}: must be -1 or +1", dir);
  // Step j reads XB lanes xlane + dir*j*ports + [0, ports).
  int64_t lo = dir > 0 ? xlane : xlane - (n - 1) * ports;
  int64_t hi = dir > 0 ? xlane + n * ports : xlane + ports;
  if (lo < 0 || hi > int64_t(state.xb.size()))
    return fault("XB lanes [{}, {}) out of range: XB holds {} words (last "
                 "ldx)",
                 lo, hi, state.xb.size());
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t q = 0; q < ports; ++q)
      if (auto err = doMac(mu, count, port + q, unsigned(width), sign != 0,
                           xlane + dir * j * ports + q, c))
        return err;
    if (j < n - 1)
      if (auto err = doShift(mu, count, dir, c))
        return err;
  }
  return llvm::Error::success();
}

llvm::Error Executor::execReq(const Insn &in, Counters &c) {
  int64_t mu = in[ReqOp::mu], qidx = in[ReqOp::qidx], omu = in[ReqOp::omu];
  int64_t oport = in[ReqOp::oport], lane0 = in[ReqOp::lane0];
  int64_t n = in[ReqOp::n], owidth = in[ReqOp::owidth];
  int64_t osign = in[ReqOp::osign];
  if (auto err = checkMu("mu", mu))
    return err;
  if (qidx < 0 || qidx >= int64_t(program.requantTable.size()))
    return fault("operand qidx = {}: requant table index out of range [0, {})",
                 qidx, program.requantTable.size());
  if (auto err = checkMu("omu", omu))
    return err;
  if (auto err = checkPort("oport", oport))
    return err;
  if (auto err = checkWidth("owidth", owidth))
    return err;
  if (auto err = checkSign("osign", osign))
    return err;
  if (n < 1 || n > state.getTracks())
    return fault("operand n = {}: accumulator count out of range [1, {}]", n,
                 state.getTracks());
  if (auto err = checkLanes("output", lane0, n, owidth))
    return err;
  const RequantEntry &q = program.requantTable[size_t(qidx)];
  auto perLane = [&](const std::vector<int32_t> &v, const char *what)
      -> llvm::Error {
    if (v.size() != 1 && int64_t(v.size()) < n)
      return fault("requant entry {} has {} {}, need 1 or at least {}", qidx,
                   v.size(), what, n);
    return llvm::Error::success();
  };
  if (auto err = perLane(q.multipliers, "multipliers"))
    return err;
  if (auto err = perLane(q.shifts, "shifts"))
    return err;
  const int32_t *acc = state.getAcc(mu);
  uint8_t *row = state.getRow(omu, state.getPortRow(omu, oport));
  for (int64_t l = 0; l < n; ++l) {
    int32_t m = q.multipliers.size() == 1 ? q.multipliers[0]
                                          : q.multipliers[size_t(l)];
    int32_t s = q.shifts.size() == 1 ? q.shifts[0] : q.shifts[size_t(l)];
    if (s < 0 || s > 62)
      return fault("requant entry {} lane {}: shift {} outside [0, 62]", qidx,
                   l, s);
    int64_t y = saturate(q.outZeroPoint + applyMultiplier(acc[l], m, s),
                         q.clampMin, q.clampMax);
    if (auto err = checkFits(y, owidth, osign != 0, lane0 + l))
      return err;
    writeWord(row, lane0 + l, unsigned(owidth), y);
  }
  c.reads += 1;
  c.writes += 1;
  c.energyPj.read += cfg.readPj;
  c.energyPj.write += cfg.writePj;
  addStep(c, cfg.readNs + cfg.writeNs);
  return llvm::Error::success();
}

llvm::Error Executor::execXfer(const Insn &in, Counters &c) {
  int64_t smu = in[XferOp::smu], sport = in[XferOp::sport];
  int64_t dmu = in[XferOp::dmu], dport = in[XferOp::dport];
  if (auto err = checkMu("smu", smu))
    return err;
  if (auto err = checkPort("sport", sport))
    return err;
  if (auto err = checkMu("dmu", dmu))
    return err;
  if (auto err = checkPort("dport", dport))
    return err;
  const uint8_t *src = state.getRow(smu, state.getPortRow(smu, sport));
  uint8_t *dst = state.getRow(dmu, state.getPortRow(dmu, dport));
  std::memmove(dst, src, size_t(state.getRowBytes()));
  c.reads += 1;
  c.writes += 1;
  c.transfers += 1;
  c.energyPj.read += cfg.readPj;
  c.energyPj.write += cfg.writePj;
  c.energyPj.transfer += cfg.transferPjPerWord;
  addStep(c, cfg.readNs + cfg.transferNsPerWord + cfg.writeNs);
  return llvm::Error::success();
}

/// acc[dmu] += acc[smu] lane-wise. The n int32 partial sums travel over the
/// bus as ceil(32n / T) row-words (a "word" of the transfer path is one
/// row, docs/hardware-config.md).
llvm::Error Executor::execAccAdd(const Insn &in, Counters &c) {
  int64_t dmu = in[AccAddOp::dmu], smu = in[AccAddOp::smu];
  int64_t n = in[AccAddOp::n];
  if (auto err = checkMu("dmu", dmu))
    return err;
  if (auto err = checkMu("smu", smu))
    return err;
  int64_t tracks = state.getTracks();
  if (n < 1 || n > tracks)
    return fault("operand n = {}: must be in [1, {}] (accumulators per MU)",
                 n, tracks);
  int32_t *dst = state.getAcc(dmu);
  const int32_t *src = state.getAcc(smu);
  for (int64_t l = 0; l < n; ++l)
    dst[l] = int32_t(uint32_t(dst[l]) + uint32_t(src[l]));
  uint64_t words = uint64_t((32 * n + tracks - 1) / tracks);
  c.transfers += words;
  c.energyPj.transfer += double(words) * cfg.transferPjPerWord;
  addStep(c, double(words) * cfg.transferNsPerWord);
  return llvm::Error::success();
}

/// vmax and vqadd: checks the three row operands (a, b, out; the same
/// layout in both, static_assert above) and \returns the rows under their
/// ports.
llvm::Expected<Executor::VectorRows>
Executor::checkVectorRows(const Insn &in) {
  int64_t amu = in[VMaxOp::amu], aport = in[VMaxOp::aport];
  int64_t bmu = in[VMaxOp::bmu], bport = in[VMaxOp::bport];
  int64_t omu = in[VMaxOp::omu], oport = in[VMaxOp::oport];
  for (auto [name, mu] : {std::pair{"amu", amu}, {"bmu", bmu}, {"omu", omu}})
    if (auto err = checkMu(name, mu))
      return err;
  for (auto [name, p] :
       {std::pair{"aport", aport}, {"bport", bport}, {"oport", oport}})
    if (auto err = checkPort(name, p))
      return err;
  return VectorRows{state.getRow(amu, state.getPortRow(amu, aport)),
                    state.getRow(bmu, state.getPortRow(bmu, bport)),
                    state.getRow(omu, state.getPortRow(omu, oport))};
}

/// Two row reads and a row write through the vector unit.
void Executor::vectorCost(Counters &c) const {
  c.reads += 2;
  c.writes += 1;
  c.energyPj.read += 2 * cfg.readPj;
  c.energyPj.write += cfg.writePj;
  addStep(c, 2 * cfg.readNs + cfg.writeNs);
}

llvm::Error Executor::execVMax(const Insn &in, Counters &c) {
  int64_t width = in[VMaxOp::width], sign = in[VMaxOp::sign];
  auto rows = checkVectorRows(in);
  if (!rows)
    return rows.takeError();
  if (auto err = checkWidth("width", width))
    return err;
  if (auto err = checkSign("sign", sign))
    return err;
  int64_t lanes = state.getTracks() / width;
  // Lane l of the output depends only on lane l of the inputs, so aliasing
  // rows are fine.
  for (int64_t l = 0; l < lanes; ++l) {
    int64_t x = readWord(rows->a, l, unsigned(width), sign != 0);
    int64_t y = readWord(rows->b, l, unsigned(width), sign != 0);
    writeWord(rows->o, l, unsigned(width), std::max(x, y));
  }
  vectorCost(c);
  return llvm::Error::success();
}

llvm::Error Executor::execVQAdd(const Insn &in, Counters &c) {
  int64_t qidx = in[VQAddOp::qidx], width = in[VQAddOp::width];
  auto rows = checkVectorRows(in);
  if (!rows)
    return rows.takeError();
  if (qidx < 0 || qidx >= int64_t(program.addTable.size()))
    return fault("operand qidx = {}: add table index out of range [0, {})",
                 qidx, program.addTable.size());
  if (auto err = checkWidth("width", width))
    return err;
  const AddEntry &e = program.addTable[size_t(qidx)];
  if (e.shift < 0 || e.shift > 126)
    return fault("add entry {}: shift {} outside [0, 126]", qidx, e.shift);
  int64_t lanes = state.getTracks() / width;
  for (int64_t l = 0; l < lanes; ++l) {
    int64_t x = readWord(rows->a, l, unsigned(width), e.signedA);
    int64_t y = readWord(rows->b, l, unsigned(width), e.signedB);
    __int128 sum = __int128(x - e.zeroPointA) * e.multiplierA +
                   __int128(y - e.zeroPointB) * e.multiplierB;
    int64_t r = saturate(e.outZeroPoint + roundingShiftRight(sum, e.shift),
                         e.clampMin, e.clampMax);
    if (auto err = checkFits(r, width, e.signedOut, l))
      return err;
    writeWord(rows->o, l, unsigned(width), r);
  }
  vectorCost(c);
  return llvm::Error::success();
}

// hin and hout have the same operands in the same order (Isa.def).
static_assert(unsigned(HInOp::mu) == unsigned(HOutOp::mu) &&
                  unsigned(HInOp::port) == unsigned(HOutOp::port) &&
                  unsigned(HInOp::buf) == unsigned(HOutOp::buf) &&
                  unsigned(HInOp::offset) == unsigned(HOutOp::offset) &&
                  unsigned(HInOp::n) == unsigned(HOutOp::n) &&
                  unsigned(HInOp::width) == unsigned(HOutOp::width) &&
                  unsigned(HInOp::sign) == unsigned(HOutOp::sign),
              "hin and hout operand layouts differ");

/// Checks the operands of hin / hout (\p what is "host input" or "host
/// output") against the machine and \p buffers. \returns the buffer words
/// [offset, offset + n) address.
llvm::Expected<int64_t *>
Executor::checkHostTransfer(const Insn &in,
                            std::vector<std::vector<int64_t>> &buffers,
                            const char *what) {
  int64_t mu = in[HInOp::mu], port = in[HInOp::port], buf = in[HInOp::buf];
  int64_t offset = in[HInOp::offset], n = in[HInOp::n];
  int64_t width = in[HInOp::width], sign = in[HInOp::sign];
  if (auto err = checkMu("mu", mu))
    return err;
  if (auto err = checkPort("port", port))
    return err;
  if (auto err = checkWidth("width", width))
    return err;
  if (auto err = checkSign("sign", sign))
    return err;
  if (auto err = checkLanes(what, 0, n, width))
    return err;
  if (buf < 0 || buf >= int64_t(buffers.size()))
    return fault("operand buf = {}: {} buffer out of range [0, {})", buf,
                 what, buffers.size());
  std::vector<int64_t> &words = buffers[size_t(buf)];
  if (offset < 0 || offset > int64_t(words.size()) - n)
    return fault("{} buffer {}: words [{}, {}) outside its {} words", what,
                 buf, offset, offset + n, words.size());
  return words.data() + offset;
}

llvm::Error Executor::execHIn(const Insn &in, Counters &c) {
  auto src = checkHostTransfer(in, state.hostInputs, "host input");
  if (!src)
    return src.takeError();
  int64_t mu = in[HInOp::mu], port = in[HInOp::port], n = in[HInOp::n];
  unsigned width = unsigned(in[HInOp::width]);
  uint8_t *row = state.getRow(mu, state.getPortRow(mu, port));
  for (int64_t l = 0; l < n; ++l)
    writeWord(row, l, width, (*src)[l]);
  c.writes += 1;
  c.hostWords += uint64_t(n);
  c.energyPj.write += cfg.writePj;
  c.energyPj.host += cfg.hostPjPerWord * double(n);
  addStep(c, cfg.writeNs + cfg.hostNsPerWord * double(n));
  return llvm::Error::success();
}

llvm::Error Executor::execHOut(const Insn &in, Counters &c) {
  auto dst = checkHostTransfer(in, state.hostOutputs, "host output");
  if (!dst)
    return dst.takeError();
  int64_t mu = in[HOutOp::mu], port = in[HOutOp::port], n = in[HOutOp::n];
  unsigned width = unsigned(in[HOutOp::width]);
  bool isSigned = in[HOutOp::sign] != 0;
  const uint8_t *row = state.getRow(mu, state.getPortRow(mu, port));
  for (int64_t l = 0; l < n; ++l)
    (*dst)[l] = readWord(row, l, width, isSigned);
  c.reads += 1;
  c.hostWords += uint64_t(n);
  c.energyPj.read += cfg.readPj;
  c.energyPj.host += cfg.hostPjPerWord * double(n);
  addStep(c, cfg.readNs + cfg.hostNsPerWord * double(n));
  return llvm::Error::success();
}

llvm::Error Executor::step(uint64_t insnPc, Counters &c) {
  pc = insnPc;
  const Insn &in = program.insns[insnPc];
  opIndex = unsigned(in.op);
  if (opIndex >= numOpcodes)
    return makeError(Location::insn(programName, pc, "?"),
                     fmt::format("invalid opcode {}", opIndex));
  c.insns += 1;
  switch (in.op) {
  case Opcode::Shift:
    return execShift(in, c);
  case Opcode::Ldx:
    return execLdx(in, c);
  case Opcode::ClrAcc:
    return execClrAcc(in, c);
  case Opcode::Mac:
    return execMac(in, c);
  case Opcode::Macs:
    return execMacs(in, c);
  case Opcode::Req:
    return execReq(in, c);
  case Opcode::Xfer:
    return execXfer(in, c);
  case Opcode::VMax:
    return execVMax(in, c);
  case Opcode::VQAdd:
    return execVQAdd(in, c);
  case Opcode::HIn:
    return execHIn(in, c);
  case Opcode::HOut:
    return execHOut(in, c);
  case Opcode::Halt:
    halted = true;
    return llvm::Error::success();
  case Opcode::AccAdd:
    return execAccAdd(in, c);
  }
  llvm_unreachable("opcode checked above");
}

/// Fills in leakage and the energy total of \p c for \p numMus MUs.
static void finishEnergy(Counters &c, const DeviceConfig &cfg) {
  EnergyBreakdown &e = c.energyPj;
  e.leakage = cfg.leakageMwPerMu * double(cfg.numMus()) * c.latencyNs;
  e.total = e.shift + e.read + e.write + e.compute + e.transfer + e.host +
            e.leakage;
}

llvm::Expected<Stats> rtc::sim::run(const Program &program, MachineState &state,
                                    const DeviceConfig &cfg,
                                    llvm::ArrayRef<LayerEntry> layers,
                                    llvm::StringRef programName) {
  if (state.getNumMus() != cfg.numMus() ||
      state.getRowsPerMu() != cfg.domainsPerTrack ||
      state.getTracks() != cfg.tracksPerMu ||
      state.getPortsPerTrack() != cfg.portsPerTrack)
    return makeError(Location::inFile(programName),
                     "machine state was created for a different hardware "
                     "config");
  Stats stats;
  for (int64_t b = 0; b < cfg.banks; ++b)
    stats.unitNames.push_back(fmt::format("bank {}", b));
  for (const char *unit : {"vector unit", "bus", "host"})
    stats.unitNames.push_back(unit);
  stats.layers.reserve(layers.size());
  for (const LayerEntry &l : layers) {
    LayerStats &ls = stats.layers.emplace_back();
    ls.name = l.name;
    ls.op = l.op;
    ls.firstInsn = l.firstInsn;
    ls.endInsn = l.endInsn;
    ls.units.resize(stats.unitNames.size());
  }
  Executor exec(program, state, cfg, programName);
  // Each instruction adds its counts straight into the counters of its
  // layer (or of the code outside every layer); the total is their sum.
  Counters outside;
  size_t layer = 0;
  for (uint64_t pc = 0; pc < program.insns.size() && !exec.halted; ++pc) {
    // Layers are sorted and disjoint and pc only grows: advance a cursor.
    while (layer < layers.size() && layers[layer].endInsn <= pc)
      ++layer;
    LayerStats *ls = layer < layers.size() && layers[layer].firstInsn <= pc
                         ? &stats.layers[layer]
                         : nullptr;
    Counters &c = ls ? ls->counters : outside;
    uint64_t busyBefore = c.busyCycles;
    if (auto err = exec.step(pc, c))
      return err;
    uint64_t duration = c.busyCycles - busyBefore;
    const Insn &in = program.insns[pc];
    uint64_t finishBefore = exec.finish;
    uint64_t start = exec.schedule(in, duration);
    c.cycles += exec.finish - finishBefore;
    if (ls) {
      if (ls->counters.insns == 1)
        ls->firstCycle = start;
      ls->endCycle = std::max(ls->endCycle, start + duration);
      exec.recordUnits(in, start, duration, ls->units);
    }
  }
  stats.total = outside;
  for (LayerStats &l : stats.layers)
    stats.total += l.counters;
  stats.total.latencyNs = double(stats.total.cycles) * cfg.clockNs;
  for (LayerStats &l : stats.layers)
    l.counters.latencyNs = double(l.counters.cycles) * cfg.clockNs;
  finishEnergy(stats.total, cfg);
  for (LayerStats &l : stats.layers)
    finishEnergy(l.counters, cfg);
  if (exec.maxWeightBits) {
    stats.areaWeightBits = exec.maxWeightBits;
    stats.areaActivationBits = exec.maxActivationBits;
  }
  stats.areaMm2 =
      computeArea(cfg, stats.areaWeightBits, stats.areaActivationBits).totalMm2;
  return stats;
}

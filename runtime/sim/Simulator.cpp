//===- runtime/sim/Simulator.cpp - Bit-exact racetrack simulator ----------===//
//
// run(): one Executor (Executor.h) per program. This file holds the hot
// path: the dispatch switch, the operand checks and costs of mac, macs,
// shift and ldx, and their bit-exact semantics, kept in one translation
// unit so that the MAC loop inlines. The scoreboard is in SimTiming.cpp and
// the other instructions are in SimOps.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/Simulator.h"

#include "ir/Diagnostics.h"
#include "runtime/sim/Executor.h"
#include "targets/racetrack/isa/CostModel.h"

#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cstdlib>

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::detail;
using namespace rtc::racetrack;

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

/// The device area for the widest MAC operands \p exec executed (8 x 8 if
/// it executed no MAC).
static void setArea(Stats &stats, const Executor &exec,
                    const DeviceConfig &cfg) {
  if (exec.maxWeightBits) {
    stats.areaWeightBits = exec.maxWeightBits;
    stats.areaActivationBits = exec.maxActivationBits;
  }
  stats.areaMm2 =
      computeArea(cfg, stats.areaWeightBits, stats.areaActivationBits).totalMm2;
}

llvm::Expected<Stats> rtc::sim::run(const Program &program, MachineState &state,
                                    const DeviceConfig &cfg,
                                    llvm::ArrayRef<LayerEntry> layers,
                                    llvm::StringRef programName,
                                    const RunOptions &options) {
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
  if (!options.timing) {
    Counters &c = stats.total;
    for (uint64_t pc = 0; pc < program.insns.size() && !exec.halted; ++pc)
      if (auto err = exec.step(pc, c))
        return err;
    c.busyCycles = 0; // durations were summed, but nothing was scheduled
    finishEnergy(c, cfg);
    setArea(stats, exec, cfg);
    return stats;
  }
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
  setArea(stats, exec, cfg);
  return stats;
}

//===- targets/racetrack/isa/ProgramVerifier.cpp - Static checks -----------===//
//
// Rules (docs/isa.md, "Verifier"): per operand kind (MU, count, port, width,
// sign, lane, length, dir, table indices), per instruction (MU groups and
// lane ranges inside the device, shifts that always fault), per table entry,
// and a final halt.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/ProgramVerifier.h"

#include "targets/racetrack/isa/Encoding.h"

#include "ir/Diagnostics.h"

#include <algorithm>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

/// Checks of one instruction; collects into a shared ErrorList.
class InsnChecker {
public:
  InsnChecker(const Program &p, const DeviceConfig &cfg, llvm::StringRef name,
              uint64_t pc, ErrorList &errors)
      : p(p), cfg(cfg), insn(p.insns[pc]),
        loc(Location::insn(name, pc, insn.mnemonic())), errors(errors) {}

  void run();

private:
  template <typename... Args>
  void fail(fmt::format_string<Args...> f, Args &&...args) {
    errors.add(emitError(loc, f, std::forward<Args>(args)...));
  }
  /// \returns false if operand \p i broke its kind's rule.
  bool checkOperand(unsigned i);
  /// MUs first..first+count-1 exist.
  void checkMuGroup(unsigned muIdx, unsigned countIdx);
  /// Lanes first..first+n-1 exist for element width at widthIdx.
  void checkLaneRange(unsigned laneIdx, int64_t n, unsigned widthIdx);
  void checkShiftDistance(int64_t distance, llvm::StringRef what);

  const Program &p;
  const DeviceConfig &cfg;
  const Insn &insn;
  Location loc;
  ErrorList &errors;
};

} // namespace

bool InsnChecker::checkOperand(unsigned i) {
  const OperandInfo &o = insn.info().operands[i];
  int64_t v = insn.operands[i];
  llvm::StringRef n = o.name;
  unsigned before = errors.size();
  switch (o.kind) {
  case OperandKind::Mu:
    if (v < 0 || v >= cfg.numMus())
      fail("{} {} out of range [0, {}) (number of MUs)", n, v, cfg.numMus());
    break;
  case OperandKind::Count:
  case OperandKind::Length:
    if (v < 1)
      fail("{} {} must be >= 1", n, v);
    break;
  case OperandKind::Delta:
    break; // checked against the segment length in run()
  case OperandKind::Port:
    if (v < 0 || v >= cfg.portsPerTrack)
      fail("{} {} out of range [0, {}) (ports per track)", n, v,
           cfg.portsPerTrack);
    break;
  case OperandKind::Width:
    if (!isValidWidth(v))
      fail("{} {} is not a valid element width (2..8, 16, 32)", n, v);
    else if (cfg.lanes(static_cast<unsigned>(v)) < 1)
      fail("{} {} exceeds the {} tracks of an MU", n, v, cfg.tracksPerMu);
    break;
  case OperandKind::Sign:
    if (v != 0 && v != 1)
      fail("{} {} must be 0 or 1", n, v);
    break;
  case OperandKind::Lane:
    if (v < 0 || v >= cfg.tracksPerMu)
      fail("{} {} out of range [0, {}) (tracks per MU)", n, v,
           cfg.tracksPerMu);
    break;
  case OperandKind::Dir:
    if (v != 1 && v != -1)
      fail("{} {} must be -1 or +1", n, v);
    break;
  case OperandKind::BiasIndex:
    if (v != noBias && (v < 0 || v >= static_cast<int64_t>(p.biasTable.size())))
      fail("{} {} out of range: the bias table has {} entries (0x{:X} = none)",
           n, v, p.biasTable.size(), noBias);
    break;
  case OperandKind::RequantIndex:
    if (v < 0 || v >= static_cast<int64_t>(p.requantTable.size()))
      fail("{} {} out of range: the requant table has {} entries", n, v,
           p.requantTable.size());
    break;
  case OperandKind::AddIndex:
    if (v < 0 || v >= static_cast<int64_t>(p.addTable.size()))
      fail("{} {} out of range: the add table has {} entries", n, v,
           p.addTable.size());
    break;
  case OperandKind::Buffer:
  case OperandKind::Offset:
    if (v < 0)
      fail("{} {} must be >= 0", n, v);
    break;
  }
  return errors.size() == before;
}

void InsnChecker::checkMuGroup(unsigned muIdx, unsigned countIdx) {
  int64_t mu = insn[muIdx], count = insn[countIdx];
  if (mu >= 0 && mu < cfg.numMus() && count >= 1 &&
      mu + count > cfg.numMus())
    fail("MUs {}..{} out of range [0, {}) (number of MUs)", mu,
         mu + count - 1, cfg.numMus());
}

void InsnChecker::checkLaneRange(unsigned laneIdx, int64_t n,
                                 unsigned widthIdx) {
  int64_t first = insn[laneIdx], width = insn[widthIdx];
  if (!isValidWidth(width) || first < 0 || n < 1)
    return;
  int64_t lanes = cfg.lanes(static_cast<unsigned>(width));
  if (first + n > lanes)
    fail("lanes {}..{} out of range [0, {}) ({}-bit lanes of a {}-track row)",
         first, first + n - 1, lanes, width, cfg.tracksPerMu);
}

void InsnChecker::checkShiftDistance(int64_t distance, llvm::StringRef what) {
  int64_t maxShift = cfg.segmentLength() - 1;
  if (distance > maxShift || distance < -maxShift)
    fail("{} {} always leaves the offset range [0, {}]; data would leave the "
         "track",
         what, distance, maxShift);
}

void InsnChecker::run() {
  const InsnInfo &info = insn.info();
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    int64_t v = insn.operands[i];
    // Range rules first; a value that passes them must still fit its field.
    if (checkOperand(i) && (v < o.minEncodable() || v > o.maxEncodable()))
      fail("operand '{}' = {} does not fit its {}-bit field [{}, {}]", o.name,
           v, o.bits, o.minEncodable(), o.maxEncodable());
  }
  for (unsigned i = info.numOperands; i < maxInsnOperands; ++i)
    if (insn.operands[i] != 0)
      fail("unused operand slot {} is {}, expected 0", i, insn.operands[i]);
  switch (insn.op) {
  case Opcode::Shift:
    checkMuGroup(ShiftOp::mu, ShiftOp::count);
    checkShiftDistance(insn[ShiftOp::delta], "delta");
    break;
  case Opcode::ClrAcc:
    checkMuGroup(ClrAccOp::mu, ClrAccOp::count);
    break;
  case Opcode::Mac:
    checkMuGroup(MacOp::mu, MacOp::count);
    break;
  case Opcode::Macs: {
    checkMuGroup(MacsOp::mu, MacsOp::count);
    int64_t n = insn[MacsOp::n], xlane = insn[MacsOp::xlane];
    int64_t dir = insn[MacsOp::dir], ports = insn[MacsOp::ports];
    int64_t port = insn[MacsOp::port];
    if (ports >= 1 && port >= 0 && port + ports > cfg.portsPerTrack)
      fail("ports {}..{} out of range [0, {}) (ports per track)", port,
           port + ports - 1, cfg.portsPerTrack);
    // Step j reads XB lanes xlane + dir*j*ports + [0, ports).
    if (n >= 1 && ports >= 1 && xlane >= 0 && (dir == 1 || dir == -1)) {
      int64_t lo = dir > 0 ? xlane : xlane - (n - 1) * ports;
      int64_t hi = dir > 0 ? xlane + n * ports - 1 : xlane + ports - 1;
      if (lo < 0 || hi >= cfg.tracksPerMu)
        fail("xlane {}..{} out of range [0, {}) (broadcast buffer)", lo, hi,
             cfg.tracksPerMu);
    }
    if (n >= 1)
      checkShiftDistance(n - 1, "macs loop shifts a total of");
    break;
  }
  case Opcode::Req: {
    checkLaneRange(ReqOp::lane0, insn[ReqOp::n], ReqOp::owidth);
    int64_t q = insn[ReqOp::qidx], n = insn[ReqOp::n];
    if (q >= 0 && q < static_cast<int64_t>(p.requantTable.size())) {
      const RequantEntry &e = p.requantTable[q];
      size_t lanes = std::max(e.multipliers.size(), e.shifts.size());
      if (lanes > 1 && n > static_cast<int64_t>(lanes))
        fail("n {} exceeds the {} per-lane parameters of requant entry {}", n,
             lanes, q);
    }
    break;
  }
  default:
    break;
  }
  // Host I/O moves lanes 0..n-1.
  if (insn.op == Opcode::HIn || insn.op == Opcode::HOut) {
    int64_t n = insn[HInOp::n], width = insn[HInOp::width];
    if (isValidWidth(width) && n > cfg.lanes(static_cast<unsigned>(width)))
      fail("n {} exceeds the {} lanes of {}-bit words in a row", n,
           cfg.lanes(static_cast<unsigned>(width)), width);
  }
}

static void checkTables(const Program &p, const DeviceConfig &cfg,
                        llvm::StringRef name, ErrorList &errors) {
  Location loc = Location::inFile(name);
  for (size_t i = 0; i < p.biasTable.size(); ++i)
    if (static_cast<int64_t>(p.biasTable[i].size()) > cfg.tracksPerMu)
      errors.add(emitError(loc, "bias entry {} has {} values, more than the "
                                "{} accumulators of an MU",
                           i, p.biasTable[i].size(), cfg.tracksPerMu));
  for (size_t i = 0; i < p.requantTable.size(); ++i) {
    const RequantEntry &e = p.requantTable[i];
    if (e.multipliers.empty() || e.shifts.empty())
      errors.add(emitError(loc, "requant entry {} needs at least one "
                                "multiplier and one shift",
                           i));
    else if (e.multipliers.size() != e.shifts.size() &&
             e.multipliers.size() != 1 && e.shifts.size() != 1)
      errors.add(emitError(loc, "requant entry {} has {} multipliers but {} "
                                "shifts",
                           i, e.multipliers.size(), e.shifts.size()));
    if (e.clampMin > e.clampMax)
      errors.add(emitError(loc, "requant entry {} clamp [{}, {}] is empty", i,
                           e.clampMin, e.clampMax));
  }
  for (size_t i = 0; i < p.addTable.size(); ++i) {
    const AddEntry &e = p.addTable[i];
    if (e.clampMin > e.clampMax)
      errors.add(emitError(loc, "add entry {} clamp [{}, {}] is empty", i,
                           e.clampMin, e.clampMax));
    if (e.shift < 0 || e.shift > 62)
      errors.add(emitError(loc, "add entry {} shift {} out of range [0, 62]",
                           i, e.shift));
  }
}

llvm::Error rtc::racetrack::verifyProgram(const Program &program,
                                          const DeviceConfig &config,
                                          llvm::StringRef name) {
  ErrorList errors;
  checkTables(program, config, name, errors);
  for (uint64_t pc = 0; pc < program.insns.size(); ++pc)
    InsnChecker(program, config, name, pc, errors).run();
  if (program.insns.empty() || program.insns.back().op != Opcode::Halt)
    errors.add(emitError(Location::inFile(name),
                         "program does not end with halt"));
  return errors.take();
}

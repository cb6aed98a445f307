//===- runtime/sim/SimOps.cpp - The simulator's less frequent ops ---------===//
//
// Semantics and costs of the Executor's (Executor.h) instructions outside
// the MAC hot path: req, xfer, accadd, vmax, vqadd, hin and hout, with
// their operand checks (lanes, result ranges, table indices, host
// buffers).
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/Executor.h"

#include "ir/QuantMath.h"

#include <algorithm>
#include <cstring>

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::detail;
using namespace rtc::racetrack;

//===----------------------------------------------------------------------===//
// Operand checks
//===----------------------------------------------------------------------===//

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
// Semantics
//===----------------------------------------------------------------------===//

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
/// layout in both, static_assert in Executor.h) and \returns the rows under
/// their ports.
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

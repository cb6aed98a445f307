//===- runtime/sim/SimTiming.cpp - The simulator's scoreboard -------------===//
//
// Timing of the Executor (Executor.h): the in-order issue scoreboard
// described in Stats.h, which gives every instruction a start cycle from
// the units it uses (MUs, XB, vector unit, bus, host). The walk over those
// MUs (forEachMu) and the per-layer unit spans (recordUnits) are inline in
// Executor.h, so that run()'s loop inlines them.
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/Executor.h"

#include <algorithm>

using namespace rtc;
using namespace rtc::sim;
using namespace rtc::sim::detail;
using namespace rtc::racetrack;

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

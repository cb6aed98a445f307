//===- targets/racetrack/isa/CostModel.cpp - Circuit-level cost model -----===//
//
// Implements the adder, multiplier and MAC compositions documented in
// CostModel.h and docs/hardware-config.md, and the device area breakdown.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/CostModel.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace rtc::racetrack {

/// \p count copies of a primitive (latency not accumulated).
static CircuitCost times(double count, double ns, double pj, double f2) {
  return {ns, count * pj, count * f2};
}

static unsigned ceilLog2(unsigned n) {
  unsigned levels = 0;
  while ((1u << levels) < n)
    ++levels;
  return levels;
}

CircuitCost adderCost(const DeviceConfig &cfg, AdderKind kind, unsigned bits) {
  assert(bits >= 1 && "adder needs at least one bit");
  double n = bits;
  CircuitCost ripple{n * cfg.faNs, n * cfg.faPj, n * cfg.faAreaF2};
  if (bits == 1)
    return ripple;
  switch (kind) {
  case AdderKind::RippleCarry:
    return ripple;
  case AdderKind::CarryLookahead: {
    unsigned levels = ceilLog2(bits);
    double gates = 3.0 * ((bits * levels) / 2);
    return {(levels + 1) * cfg.faNs, n * cfg.faPj + gates * cfg.andPj,
            n * cfg.faAreaF2 + gates * cfg.andAreaF2};
  }
  case AdderKind::CarrySelect: {
    double low = (bits + 1) / 2;
    double high = n - low;
    double fas = low + 2 * high;
    double muxGates = 3 * (high + 1);
    return {low * cfg.faNs + 2 * cfg.andNs,
            fas * cfg.faPj + muxGates * cfg.andPj,
            fas * cfg.faAreaF2 + muxGates * cfg.andAreaF2};
  }
  }
  return ripple;
}

CircuitCost adderCost(const DeviceConfig &cfg, unsigned bits) {
  return adderCost(cfg, cfg.macAdder, bits);
}

unsigned numPartialProducts(const DeviceConfig &cfg, unsigned abits) {
  if (cfg.macMultiplier == MultiplierKind::Booth)
    return (abits + 1) / 2 + 1;
  return abits;
}

CircuitCost partialProductCost(const DeviceConfig &cfg, unsigned wbits) {
  if (cfg.macMultiplier == MultiplierKind::Booth)
    return times(3.0 * (wbits + 1), 2 * cfg.andNs, cfg.andPj, cfg.andAreaF2);
  return times(wbits, cfg.andNs, cfg.andPj, cfg.andAreaF2);
}

unsigned partialProductAdderBits(const DeviceConfig &cfg, unsigned wbits) {
  return cfg.macMultiplier == MultiplierKind::Booth ? wbits + 2 : wbits;
}

CircuitCost multiplierCost(const DeviceConfig &cfg, unsigned wbits,
                           unsigned abits) {
  assert(wbits >= 1 && abits >= 1 && "operands need at least one bit");
  double k = numPartialProducts(cfg, abits);
  CircuitCost pp = partialProductCost(cfg, wbits);
  CircuitCost add = adderCost(cfg, partialProductAdderBits(cfg, wbits));
  if (cfg.macMode == MacMode::BitSerial) {
    double regBits = wbits + abits;
    return {k * (pp.latencyNs + add.latencyNs),
            k * (pp.energyPj + add.energyPj + regBits * cfg.regBitPj),
            pp.areaF2 + add.areaF2 + regBits * cfg.regBitAreaF2};
  }
  double depth = ceilLog2(static_cast<unsigned>(k));
  return {pp.latencyNs + depth * add.latencyNs,
          k * pp.energyPj + (k - 1) * add.energyPj,
          k * pp.areaF2 + (k - 1) * add.areaF2};
}

CircuitCost macCost(const DeviceConfig &cfg, unsigned wbits, unsigned abits) {
  CircuitCost mult = multiplierCost(cfg, wbits, abits);
  auto accBits = static_cast<unsigned>(cfg.accBits);
  CircuitCost acc = adderCost(cfg, accBits);
  return {mult.latencyNs + acc.latencyNs,
          mult.energyPj + acc.energyPj + accBits * cfg.regBitPj,
          mult.areaF2 + acc.areaF2 + accBits * cfg.regBitAreaF2};
}

uint64_t cyclesFor(const DeviceConfig &cfg, double ns) {
  if (ns <= 0)
    return 0;
  // 1e-9 relative slack: 3 x 1.0 ns computed as 3.0000000000000004 is 3.
  double cycles = std::ceil(ns / cfg.clockNs * (1 - 1e-9));
  return std::max<uint64_t>(1, static_cast<uint64_t>(cycles));
}

uint64_t macCycles(const DeviceConfig &cfg, unsigned wbits, unsigned abits) {
  return cyclesFor(cfg, macCost(cfg, wbits, abits).latencyNs);
}

int64_t macCellsPerMu(const DeviceConfig &cfg, unsigned wbits, unsigned abits) {
  (void)abits; // Activations are broadcast; they do not set the lane count.
  return cfg.lanes(wbits);
}

double f2ToMm2(const DeviceConfig &cfg, double areaF2) {
  double featureMm = cfg.featureSizeNm * 1e-6;
  return areaF2 * featureMm * featureMm;
}

AreaBreakdown computeArea(const DeviceConfig &cfg, unsigned wbits,
                          unsigned abits) {
  double mus = static_cast<double>(cfg.numMus());
  double tracks = mus * static_cast<double>(cfg.tracksPerMu);
  AreaBreakdown area;
  area.cellsMm2 =
      f2ToMm2(cfg, tracks * static_cast<double>(cfg.physicalDomainsPerTrack()) *
                       cfg.domainAreaF2);
  area.portsMm2 = f2ToMm2(cfg, tracks * static_cast<double>(cfg.portsPerTrack) *
                                   cfg.portAreaF2);
  double cells = mus * static_cast<double>(macCellsPerMu(cfg, wbits, abits));
  area.computeMm2 = f2ToMm2(cfg, cells * macCost(cfg, wbits, abits).areaF2);
  area.peripheryMm2 = cfg.peripheryFraction * (area.cellsMm2 + area.portsMm2);
  area.totalMm2 =
      area.cellsMm2 + area.portsMm2 + area.computeMm2 + area.peripheryMm2;
  return area;
}

} // namespace rtc::racetrack

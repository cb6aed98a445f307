//===- tests/unit/racetrack/CostModelTest.cpp - Circuit cost model tests --===//
//
// Hand-computed adder/multiplier/MAC/area costs on a config with round
// primitive costs, monotonicity in bit width, and that circuit choices differ
// in the expected direction.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/CostModel.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

using namespace rtc::racetrack;

namespace {

/// Primitive costs that are exact binary fractions, so hand sums are exact:
/// FA 1 ns / 2 pJ / 10 F^2, AND 0.25 ns / 0.5 pJ / 3 F^2, reg bit
/// 0.125 pJ / 7 F^2, an 8-bit accumulator.
DeviceConfig roundConfig() {
  DeviceConfig cfg = getDefaultConfig();
  cfg.faNs = 1;
  cfg.faPj = 2;
  cfg.faAreaF2 = 10;
  cfg.andNs = 0.25;
  cfg.andPj = 0.5;
  cfg.andAreaF2 = 3;
  cfg.regBitPj = 0.125;
  cfg.regBitAreaF2 = 7;
  cfg.accBits = 8;
  cfg.macMode = MacMode::BitParallel;
  cfg.macAdder = AdderKind::RippleCarry;
  cfg.macMultiplier = MultiplierKind::ShiftAdd;
  return cfg;
}

void expectCost(const CircuitCost &c, double ns, double pj, double f2) {
  EXPECT_DOUBLE_EQ(c.latencyNs, ns);
  EXPECT_DOUBLE_EQ(c.energyPj, pj);
  EXPECT_DOUBLE_EQ(c.areaF2, f2);
}

std::vector<DeviceConfig> allCircuitChoices() {
  std::vector<DeviceConfig> out;
  for (MacMode mode : {MacMode::BitSerial, MacMode::BitParallel})
    for (AdderKind adder : {AdderKind::RippleCarry, AdderKind::CarryLookahead,
                            AdderKind::CarrySelect})
      for (MultiplierKind mult :
           {MultiplierKind::ShiftAdd, MultiplierKind::Booth}) {
        DeviceConfig cfg = getDefaultConfig();
        cfg.macMode = mode;
        cfg.macAdder = adder;
        cfg.macMultiplier = mult;
        out.push_back(cfg);
      }
  return out;
}

std::string describe(const DeviceConfig &cfg) {
  return (toString(cfg.macMode) + "/" + toString(cfg.macAdder) + "/" +
          toString(cfg.macMultiplier))
      .str();
}

} // namespace

TEST(CostModel, RippleAdderIsNFullAdders) {
  DeviceConfig cfg = roundConfig();
  expectCost(adderCost(cfg, AdderKind::RippleCarry, 8), 8, 16, 80);
  expectCost(adderCost(cfg, AdderKind::RippleCarry, 1), 1, 2, 10);
  // With the default (Horowitz) FA energy a 32-bit ripple add costs 0.1 pJ.
  EXPECT_DOUBLE_EQ(
      adderCost(getDefaultConfig(), AdderKind::RippleCarry, 32).energyPj, 0.1);
}

TEST(CostModel, CarryLookaheadAdder) {
  DeviceConfig cfg = roundConfig();
  // n=8: L=3 levels, 3*floor(24/2)=36 gates: 4 FA delays,
  // 8*2 + 36*0.5 pJ, 8*10 + 36*3 F^2.
  expectCost(adderCost(cfg, AdderKind::CarryLookahead, 8), 4, 34, 188);
  // n=5: L=3, 3*floor(15/2)=21 gates.
  expectCost(adderCost(cfg, AdderKind::CarryLookahead, 5), 4, 20.5, 113);
  expectCost(adderCost(cfg, AdderKind::CarryLookahead, 1), 1, 2, 10);
}

TEST(CostModel, CarrySelectAdder) {
  DeviceConfig cfg = roundConfig();
  // n=8: low 4, high 4 twice -> 12 FAs; 5 muxes = 15 gates;
  // latency 4 FA + 2 AND = 4.5.
  expectCost(adderCost(cfg, AdderKind::CarrySelect, 8), 4.5, 31.5, 165);
  // n=5: low 3, high 2 twice -> 7 FAs; 3 muxes = 9 gates.
  expectCost(adderCost(cfg, AdderKind::CarrySelect, 5), 3.5, 18.5, 97);
  expectCost(adderCost(cfg, AdderKind::CarrySelect, 1), 1, 2, 10);
}

TEST(CostModel, ConfiguredAdderKindIsUsed) {
  DeviceConfig cfg = roundConfig();
  cfg.macAdder = AdderKind::CarrySelect;
  expectCost(adderCost(cfg, 8), 4.5, 31.5, 165);
}

TEST(CostModel, ShiftAddMultiplier) {
  DeviceConfig cfg = roundConfig();
  // 4x4 bit-parallel: 4 PPs of 4 ANDs (0.25 ns, 2 pJ, 12 F^2), 3 ripple
  // 4-bit adders (4 ns, 8 pJ, 40 F^2) in a tree of depth 2.
  EXPECT_EQ(numPartialProducts(cfg, 4), 4u);
  expectCost(multiplierCost(cfg, 4, 4), 0.25 + 2 * 4, 4 * 2 + 3 * 8,
             4 * 12 + 3 * 40);
  // Bit-serial: 4 steps of PP + add + an 8-bit product register write.
  cfg.macMode = MacMode::BitSerial;
  expectCost(multiplierCost(cfg, 4, 4), 4 * (0.25 + 4), 4 * (2 + 8 + 8 * 0.125),
             12 + 40 + 8 * 7);
}

TEST(CostModel, BoothMultiplier) {
  DeviceConfig cfg = roundConfig();
  cfg.macMultiplier = MultiplierKind::Booth;
  EXPECT_EQ(numPartialProducts(cfg, 4), 3u);
  EXPECT_EQ(numPartialProducts(cfg, 8), 5u);
  EXPECT_EQ(numPartialProducts(cfg, 3), 3u);
  EXPECT_EQ(partialProductAdderBits(cfg, 4), 6u);
  // PP: 5 selectors x 3 gates = 15 gates, 2 AND delays.
  expectCost(partialProductCost(cfg, 4), 0.5, 7.5, 45);
  // 3 PPs, 2 ripple 6-bit adders (6 ns, 12 pJ, 60 F^2), depth ceil(log2 3)=2.
  expectCost(multiplierCost(cfg, 4, 4), 0.5 + 2 * 6, 3 * 7.5 + 2 * 12,
             3 * 45 + 2 * 60);
}

TEST(CostModel, MacAddsAccumulator) {
  DeviceConfig cfg = roundConfig();
  // Multiplier (8.25 ns, 32 pJ, 168 F^2) + 8-bit ripple accumulate adder
  // (8, 16, 80) + 8 accumulator register bits (1 pJ, 56 F^2).
  expectCost(macCost(cfg, 4, 4), 16.25, 49, 304);
  EXPECT_EQ(macCycles(cfg, 4, 4), 17u);
  cfg.clockNs = 0.25;
  EXPECT_EQ(macCycles(cfg, 4, 4), 65u);
}

TEST(CostModel, CyclesRoundUp) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.clockNs = 1;
  EXPECT_EQ(cyclesFor(cfg, 0), 0u);
  EXPECT_EQ(cyclesFor(cfg, 0.1), 1u);
  EXPECT_EQ(cyclesFor(cfg, 3.0), 3u);
  EXPECT_EQ(cyclesFor(cfg, 0.1 + 0.2 + 2.7), 3u);
  EXPECT_EQ(cyclesFor(cfg, 3.01), 4u);
  // RTSim shift 2.14192 ns at the default 1 ns clock: 3 cycles.
  EXPECT_EQ(cyclesFor(getDefaultConfig(), getDefaultConfig().shiftNs), 3u);
}

TEST(CostModel, AreaBreakdownByHand) {
  DeviceConfig cfg = roundConfig();
  cfg.domainsPerTrack = 8;
  cfg.portsPerTrack = 2;
  cfg.tracksPerMu = 8;
  cfg.musPerBank = 2;
  cfg.banks = 1;
  cfg.domainAreaF2 = 2;
  cfg.portAreaF2 = 30;
  cfg.peripheryFraction = 0.5;
  cfg.featureSizeNm = 1000; // F = 1 um, so 1 F^2 = 1e-6 mm^2.
  // 16 tracks of 8 + 3 overhead domains: 16*11*2 = 352 F^2.
  // Ports: 16*2*30 = 960 F^2. Compute: 2 MUs x lanes(4)=2 x 304 F^2 = 1216.
  // Periphery: 0.5 x (352 + 960) = 656.
  AreaBreakdown area = computeArea(cfg, 4, 4);
  EXPECT_NEAR(area.cellsMm2, 352e-6, 1e-15);
  EXPECT_NEAR(area.portsMm2, 960e-6, 1e-15);
  EXPECT_NEAR(area.computeMm2, 1216e-6, 1e-15);
  EXPECT_NEAR(area.peripheryMm2, 656e-6, 1e-15);
  EXPECT_NEAR(area.totalMm2, 3184e-6, 1e-15);
  // One cell per weight lane (8 tracks / wbits); activations are broadcast.
  EXPECT_EQ(macCellsPerMu(cfg, 4, 2), 2);
  EXPECT_EQ(macCellsPerMu(cfg, 2, 8), 4);
  EXPECT_EQ(macCellsPerMu(cfg, 3, 3), 2);
}

TEST(CostModel, DefaultAreaIsPlausible) {
  // 1024 MUs of 32 x 95 domains at 2 F^2 and 32 nm: about 0.2 mm^2 of cells.
  AreaBreakdown area = computeArea(getDefaultConfig(), 8, 8);
  EXPECT_NEAR(area.cellsMm2, 1024.0 * 32 * 95 * 2 * 32e-6 * 32e-6, 1e-12);
  EXPECT_GT(area.computeMm2, 0);
  EXPECT_DOUBLE_EQ(area.totalMm2, area.cellsMm2 + area.portsMm2 +
                                      area.computeMm2 + area.peripheryMm2);
}

TEST(CostModel, FewerBitsCostLess) {
  for (const DeviceConfig &cfg : allCircuitChoices()) {
    for (unsigned bits = 2; bits <= 16; ++bits) {
      CircuitCost lower = macCost(cfg, bits - 1, bits - 1);
      CircuitCost higher = macCost(cfg, bits, bits);
      EXPECT_LT(lower.energyPj, higher.energyPj) << describe(cfg) << bits;
      EXPECT_LE(lower.latencyNs, higher.latencyNs) << describe(cfg) << bits;
      EXPECT_LE(lower.areaF2, higher.areaF2) << describe(cfg) << bits;
      // Narrowing one operand alone never costs more.
      EXPECT_LE(macCost(cfg, bits - 1, 8).energyPj,
                macCost(cfg, bits, 8).energyPj)
          << describe(cfg) << bits;
      EXPECT_LE(macCost(cfg, 8, bits - 1).energyPj,
                macCost(cfg, 8, bits).energyPj)
          << describe(cfg) << bits;
      EXPECT_LE(macCost(cfg, 8, bits - 1).latencyNs,
                macCost(cfg, 8, bits).latencyNs)
          << describe(cfg) << bits;
    }
    EXPECT_LT(macCost(cfg, 4, 4).latencyNs, macCost(cfg, 8, 8).latencyNs)
        << describe(cfg);
    EXPECT_LT(macCost(cfg, 2, 2).latencyNs, macCost(cfg, 4, 4).latencyNs)
        << describe(cfg);
  }
}

TEST(CostModel, BitSerialIsSlowerButSmaller) {
  for (AdderKind adder : {AdderKind::RippleCarry, AdderKind::CarryLookahead,
                          AdderKind::CarrySelect})
    for (MultiplierKind mult :
         {MultiplierKind::ShiftAdd, MultiplierKind::Booth}) {
      DeviceConfig cfg = getDefaultConfig();
      cfg.macAdder = adder;
      cfg.macMultiplier = mult;
      cfg.macMode = MacMode::BitParallel;
      CircuitCost parallel = multiplierCost(cfg, 8, 8);
      cfg.macMode = MacMode::BitSerial;
      CircuitCost serial = multiplierCost(cfg, 8, 8);
      EXPECT_GT(serial.latencyNs, parallel.latencyNs) << describe(cfg);
      EXPECT_LT(serial.areaF2, parallel.areaF2) << describe(cfg);
      EXPECT_GT(macCycles(cfg, 8, 8), 0u);
    }
}

TEST(CostModel, FastAddersAreFasterButBigger) {
  DeviceConfig cfg = getDefaultConfig();
  for (unsigned bits : {8u, 16u, 32u}) {
    CircuitCost ripple = adderCost(cfg, AdderKind::RippleCarry, bits);
    for (AdderKind fast : {AdderKind::CarryLookahead, AdderKind::CarrySelect}) {
      CircuitCost c = adderCost(cfg, fast, bits);
      EXPECT_LT(c.latencyNs, ripple.latencyNs) << bits;
      EXPECT_GT(c.energyPj, ripple.energyPj) << bits;
      EXPECT_GT(c.areaF2, ripple.areaF2) << bits;
    }
  }
}

TEST(CostModel, BoothHalvesPartialProducts) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.macMode = MacMode::BitSerial;
  uint64_t shiftAddCycles = macCycles(cfg, 8, 8);
  cfg.macMultiplier = MultiplierKind::Booth;
  // 5 instead of 8 serial steps.
  EXPECT_LT(macCycles(cfg, 8, 8), shiftAddCycles);
}

TEST(CostModel, EveryCircuitChoiceDiffers) {
  std::vector<DeviceConfig> choices = allCircuitChoices();
  for (size_t i = 0; i < choices.size(); ++i)
    for (size_t j = i + 1; j < choices.size(); ++j) {
      CircuitCost a = macCost(choices[i], 8, 8);
      CircuitCost b = macCost(choices[j], 8, 8);
      EXPECT_NE(std::tie(a.latencyNs, a.energyPj, a.areaF2),
                std::tie(b.latencyNs, b.energyPj, b.areaF2))
          << describe(choices[i]) << " vs " << describe(choices[j]);
    }
}

//===- runtime/sim/Stats.h - Simulator counters and profile ----*- C++ -*-===//
//
// Event counters, latency and energy of a simulated run, in total and per
// layer (the .rtbin layer table), and the JSON profile rtrun prints.
//
// Timing model: each instruction occupies the units it uses for its
// duration, the sum of its sequential steps (Simulator.h) with every step
// rounded up to whole cycles. The controller issues in program order, at
// most one instruction per cycle, and an instruction starts once every unit
// it uses is free (a scoreboard): the MUs it names, the broadcast buffer XB
// (ldx writes it; mac/macs read it), the vector unit (req, vmax, vqadd),
// the inter-MU bus (xfer, accadd) and the host port (hin, hout). So
// instructions on disjoint MUs overlap - a shift of the activation MU runs
// under the MAC loop of the weight MUs - while the lanes of a row and the MUs
// of one lockstep instruction always work in parallel. cycles is the
// makespan; a layer's cycles is how much it extends the makespan, so the
// layers (plus instructions outside every layer) add up to the total.
// busy_cycles is the sum of durations (the makespan without any overlap).
// Energy is the sum of action counts x per-action energy (Accelergy style)
// plus leakage = leakage_mw_per_mu x numMus x latency (mW x ns = pJ).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/DeviceConfig.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc::sim {

/// Energy in pJ per component.
struct EnergyBreakdown {
  double shift = 0;    ///< Track shifts.
  double read = 0;     ///< Row reads.
  double write = 0;    ///< Row writes.
  double compute = 0;  ///< MAC cells (CostModel macCost per lane-MAC).
  double transfer = 0; ///< Inter-MU bus.
  double host = 0;     ///< Host I/O words.
  double leakage = 0;  ///< Static: leakage_mw_per_mu x MUs x latency.
  double total = 0;    ///< Sum of the above.

  EnergyBreakdown &operator+=(const EnergyBreakdown &o);
};

/// Event counts and their cost for a run or a part of it.
struct Counters {
  uint64_t shiftRequests = 0; ///< MU shift operations (one per MU per step).
  uint64_t shifts = 0;        ///< Position shifts: sum |delta| x MUs.
  uint64_t bitShifts = 0;     ///< shifts x tracks_per_mu.
  uint64_t reads = 0;         ///< Row reads through a port.
  uint64_t writes = 0;        ///< Row writes through a port.
  uint64_t macs = 0;          ///< Lane MACs.
  uint64_t transfers = 0;     ///< Row-words moved over the bus.
  uint64_t hostWords = 0;     ///< Words moved to or from the host.
  uint64_t insns = 0;         ///< Instructions executed (halt included).
  uint64_t cycles = 0;        ///< Makespan (contribution) in cycles.
  uint64_t busyCycles = 0;    ///< Sum of instruction durations in cycles.
  double latencyNs = 0;       ///< cycles x clock_ns.
  EnergyBreakdown energyPj;

  Counters &operator+=(const Counters &o);
};

/// When one unit (a bank's MUs, the vector unit, the bus, the host port)
/// worked on one layer: from the first start to the last end, in cycles,
/// and the sum of the durations of the layer's instructions on it.
struct UnitSpan {
  uint64_t firstCycle = UINT64_MAX; ///< UINT64_MAX if the unit was unused.
  uint64_t endCycle = 0;
  uint64_t busyCycles = 0;

  bool used() const { return firstCycle != UINT64_MAX; }
};

/// Counters of one layer-table entry.
struct LayerStats {
  std::string name;
  std::string op;
  uint32_t firstInsn = 0;
  uint32_t endInsn = 0;
  Counters counters;
  /// Start (cycle) of the layer's first instruction and end of its last.
  uint64_t firstCycle = 0;
  uint64_t endCycle = 0;
  /// Indexed like Stats::unitNames.
  std::vector<UnitSpan> units;
};

/// The result of a run.
struct Stats {
  Counters total;
  std::vector<LayerStats> layers;
  /// The units of the timing model: "bank 0" .. "bank B-1", "vector unit",
  /// "bus", "host".
  std::vector<std::string> unitNames;
  /// Device area (computeArea for the widest MAC weight/activation widths
  /// executed; 8 x 8 if the program has no MAC).
  double areaMm2 = 0;
  unsigned areaWeightBits = 8;
  unsigned areaActivationBits = 8;
};

/// \returns the profile as JSON: the counters of Stats::total under keys
/// shifts, shift_requests, bit_shifts, reads, writes, macs, transfers,
/// host_words, insns, cycles, busy_cycles, latency_ns, energy_pj {total, shift, read, write,
/// compute, transfer, host, leakage}; area_mm2; config (toJson(cfg) as an
/// object); layers: [{name, op, first_insn, end_insn, first_cycle, end_cycle,
/// <same counters>}].
llvm::json::Value statsToJson(const Stats &stats,
                              const racetrack::DeviceConfig &cfg);

/// Writes statsToJson pretty-printed (2-space indent) plus a newline.
void printStatsJson(llvm::raw_ostream &os, const Stats &stats,
                    const racetrack::DeviceConfig &cfg);

} // namespace rtc::sim

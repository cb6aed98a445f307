//===- runtime/sim/Stats.cpp - Simulator counters and profile -------------===//
//
// Counter accumulation and the JSON profile writer.
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/Stats.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace rtc;
using namespace rtc::sim;

EnergyBreakdown &EnergyBreakdown::operator+=(const EnergyBreakdown &o) {
  shift += o.shift;
  read += o.read;
  write += o.write;
  compute += o.compute;
  transfer += o.transfer;
  host += o.host;
  leakage += o.leakage;
  total += o.total;
  return *this;
}

Counters &Counters::operator+=(const Counters &o) {
  shiftRequests += o.shiftRequests;
  shifts += o.shifts;
  bitShifts += o.bitShifts;
  reads += o.reads;
  writes += o.writes;
  macs += o.macs;
  transfers += o.transfers;
  hostWords += o.hostWords;
  insns += o.insns;
  cycles += o.cycles;
  busyCycles += o.busyCycles;
  latencyNs += o.latencyNs;
  energyPj += o.energyPj;
  return *this;
}

static void addCounters(llvm::json::Object &obj, const Counters &c) {
  obj["shifts"] = c.shifts;
  obj["shift_requests"] = c.shiftRequests;
  obj["bit_shifts"] = c.bitShifts;
  obj["reads"] = c.reads;
  obj["writes"] = c.writes;
  obj["macs"] = c.macs;
  obj["transfers"] = c.transfers;
  obj["host_words"] = c.hostWords;
  obj["insns"] = c.insns;
  obj["cycles"] = c.cycles;
  obj["busy_cycles"] = c.busyCycles;
  obj["latency_ns"] = c.latencyNs;
  const EnergyBreakdown &e = c.energyPj;
  obj["energy_pj"] = llvm::json::Object{
      {"total", e.total},       {"shift", e.shift},
      {"read", e.read},         {"write", e.write},
      {"compute", e.compute},   {"transfer", e.transfer},
      {"host", e.host},         {"leakage", e.leakage},
  };
}

llvm::json::Value rtc::sim::statsToJson(const Stats &stats,
                                        const racetrack::DeviceConfig &cfg) {
  llvm::json::Object root;
  addCounters(root, stats.total);
  root["area_mm2"] = stats.areaMm2;
  // toJson(cfg) is produced by our own writer, so it always parses.
  llvm::Expected<llvm::json::Value> config =
      llvm::json::parse(racetrack::toJson(cfg));
  if (config)
    root["config"] = std::move(*config);
  else
    root["config"] = llvm::toString(config.takeError());
  llvm::json::Array layers;
  for (const LayerStats &l : stats.layers) {
    llvm::json::Object obj;
    obj["name"] = l.name;
    obj["op"] = l.op;
    obj["first_insn"] = l.firstInsn;
    obj["end_insn"] = l.endInsn;
    obj["first_cycle"] = l.firstCycle;
    obj["end_cycle"] = l.endCycle;
    addCounters(obj, l.counters);
    layers.push_back(std::move(obj));
  }
  root["layers"] = std::move(layers);
  return root;
}

void rtc::sim::printStatsJson(llvm::raw_ostream &os, const Stats &stats,
                              const racetrack::DeviceConfig &cfg) {
  os << llvm::formatv("{0:2}", statsToJson(stats, cfg)) << "\n";
}

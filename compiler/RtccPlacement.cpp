//===- compiler/RtccPlacement.cpp - rtcc placement report -----------------===//
//
// --report-placement: every strategy compiled, its predicted shifts checked
// against the simulator, per-layer shifts and cycles side by side.
//
//===----------------------------------------------------------------------===//
#include "compiler/RtccPlacement.h"

#include "ir/Diagnostics.h"
#include "runtime/sim/HostIO.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>

using namespace rtc;
using namespace rtc::rtcc;
using namespace rtc::racetrack;

static std::string scheduleName(const ScheduleOptions &s) {
  std::string name = s.zigzag ? "zig-zag" : "straight";
  return s.snake ? name + " snake" : name;
}

static double percentFewer(uint64_t value, uint64_t baseline) {
  return baseline ? 100.0 * (1.0 - double(value) / double(baseline)) : 0.0;
}

void rtcc::printPlacementLine(llvm::raw_ostream &os,
                              const PlacementSummary &s) {
  os << fmt::format("rtcc: placement {} ({} schedule): {} shifts predicted, "
                    "{:.1f}% fewer than ofu ({} shifts); placed in {:.3f} s\n",
                    place::getStrategyName(s.strategy).str(),
                    scheduleName(s.schedule), s.predictedShifts,
                    percentFewer(s.predictedShifts, s.ofuShifts), s.ofuShifts,
                    s.placeSeconds);
}

namespace {
/// One strategy's compile and simulation.
struct StrategyRun {
  place::Strategy strategy;
  std::optional<PlacementSummary> summary; ///< None: it could not place.
  std::string error;
  sim::Stats stats; ///< The simulated counters (zero inputs).
  double lowerSeconds = 0; ///< lowerToRacetrack wall time.
};
} // namespace

llvm::Error rtcc::reportPlacement(const Graph &g, const DeviceConfig &cfg,
                                  llvm::StringRef modelName,
                                  const LowerOptions &options,
                                  llvm::raw_ostream &os) {
  std::vector<StrategyRun> runs;
  std::vector<LayerEntry> layers;
  for (place::Strategy s : place::getAllStrategies()) {
    StrategyRun run{s, std::nullopt, "", {}};
    LowerOptions lo = options;
    lo.placement = s;
    PlacementSummary summary;
    auto t0 = std::chrono::steady_clock::now();
    auto model = lowerToRacetrack(g, cfg, modelName, lo, &summary);
    run.lowerSeconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - t0)
                           .count();
    // The baseline must compile: if it does not, no strategy does.
    if (!model && s == place::Strategy::Ofu)
      return model.takeError();
    if (!model) {
      run.error = llvm::toString(model.takeError());
      runs.push_back(std::move(run));
      continue;
    }
    // The data does not change the counters (the program is static):
    // simulate on zeros.
    sim::HostIOLayout io = sim::getHostIOLayout(*model);
    std::vector<std::vector<float>> zeros;
    for (const TensorEntry *e : io.inputs)
      zeros.emplace_back(size_t(e->type.getNumElements()), 0.0f);
    std::vector<llvm::ArrayRef<float>> inputs(zeros.begin(), zeros.end());
    auto result = sim::runOnce(*model, cfg, inputs, modelName);
    if (!result)
      return result.takeError();
    if (result->stats.total.shifts != summary.predictedShifts)
      return makeError(Location::inFile(modelName),
                       fmt::format("internal error: placement {} predicted "
                                   "{} shifts, the simulator counted {}",
                                   place::getStrategyName(s).str(),
                                   summary.predictedShifts,
                                   result->stats.total.shifts));
    if (layers.empty())
      layers = model->layers;
    run.stats = std::move(result->stats);
    run.summary = std::move(summary);
    runs.push_back(std::move(run));
  }

  // Layers are the same for every strategy (placement never changes what
  // each node emits, only where its data lives).
  auto printTable = [&](const char *title, auto value) {
    os << title << "\n";
    os << fmt::format("{:<24} {:<12}", "layer", "op");
    for (const StrategyRun &r : runs)
      os << fmt::format(" {:>12}", place::getStrategyName(r.strategy).str());
    os << "\n";
    for (size_t l = 0; l <= layers.size(); ++l) {
      bool total = l == layers.size();
      os << fmt::format("{:<24} {:<12}",
                        total ? std::string("total") : layers[l].name,
                        total ? std::string() : layers[l].op);
      for (const StrategyRun &r : runs) {
        if (!r.summary || (!total && l >= r.stats.layers.size())) {
          os << fmt::format(" {:>12}", "n/a");
          continue;
        }
        os << fmt::format(" {:>12}", value(r, total ? -1 : int64_t(l)));
      }
      os << "\n";
    }
  };
  os << fmt::format("placement report: {} ({} ports, {} domains, {} tracks "
                    "per MU)\n\n",
                    modelName.str(), cfg.portsPerTrack, cfg.domainsPerTrack,
                    cfg.tracksPerMu);
  printTable("shifts (predicted = simulated):",
             [](const StrategyRun &r, int64_t l) {
               return l < 0 ? r.summary->predictedShifts
                            : r.summary->layerShifts[size_t(l)];
             });
  os << "\n";
  printTable("cycles (simulated):", [](const StrategyRun &r, int64_t l) {
    return l < 0 ? r.stats.total.cycles
                 : r.stats.layers[size_t(l)].counters.cycles;
  });
  os << "\n";
  uint64_t ofu = 0, autoShifts = 0;
  for (const StrategyRun &r : runs) {
    if (r.strategy == place::Strategy::Ofu && r.summary)
      ofu = r.summary->predictedShifts;
    if (r.strategy == place::Strategy::Auto && r.summary)
      autoShifts = r.summary->predictedShifts;
  }
  // auto takes the cheapest strategy per MU group on the best schedule, so
  // it can never lose to a single strategy.
  for (const StrategyRun &r : runs)
    if (r.summary && r.summary->predictedShifts < autoShifts)
      return makeError(Location::inFile(modelName),
                       fmt::format("internal error: auto ({} shifts) lost "
                                   "to {} ({} shifts)",
                                   autoShifts,
                                   place::getStrategyName(r.strategy).str(),
                                   r.summary->predictedShifts));
  for (const StrategyRun &r : runs) {
    std::string name = place::getStrategyName(r.strategy).str();
    if (!r.summary) {
      os << fmt::format("{}: n/a: {}\n", name, r.error);
      continue;
    }
    os << fmt::format("{}: {} shifts ({:.1f}% fewer than ofu), {} cycles, "
                      "{:.1f} nJ, placed in {:.3f} s of {:.3f} s lowering\n",
                      name, r.summary->predictedShifts,
                      percentFewer(r.summary->predictedShifts, ofu),
                      r.stats.total.cycles,
                      r.stats.total.energyPj.total / 1000.0,
                      r.summary->placeSeconds, r.lowerSeconds);
  }
  for (const StrategyRun &r : runs) {
    if (r.strategy != place::Strategy::Auto || !r.summary)
      continue;
    os << fmt::format("chosen: auto, {} schedule; MU groups per strategy:",
                      scheduleName(r.summary->schedule));
    for (place::Strategy s : place::getAllStrategies())
      if (int64_t n = r.summary->groupsPerStrategy[size_t(s)])
        os << fmt::format(" {} {}", place::getStrategyName(s).str(), n);
    os << "\n";
  }
  return llvm::Error::success();
}

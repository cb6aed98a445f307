//===- tools/rtdse/Report.cpp - results.csv, pareto.csv, summary.md -------===//
//
// The tables rtdse writes. Reals in the CSV files are printed in their
// shortest round-trip form, so a reader gets back exactly the values the
// Pareto front was computed from.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Report.h"

#include "ir/Diagnostics.h"
#include "ir/FileIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

Analysis dse::analyzeTable(const SweepTable &table) {
  Analysis a;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const PointResult &r = table.rows[i].result;
    if (!r.ok())
      continue;
    a.okRows.push_back(i);
    a.objectives.push_back({r.metrics.accuracy, r.metrics.energyPj,
                            r.metrics.latencyNs, r.metrics.areaMm2});
  }
  a.front = computeParetoFront(a.objectives);
  a.knee = findKnee(a.objectives, a.front);
  for (Objective o : getAllObjectives())
    if (auto best = findBest(a.objectives, o))
      a.best.push_back(*best);
  return a;
}

std::string dse::quoteCsv(StringRef field) {
  std::string flat;
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c == '\r')
      continue;
    if (c == '\n') {
      if (i + 1 < field.size())
        flat += " | ";
      continue;
    }
    flat += c;
  }
  if (flat.find_first_of(",\"") == std::string::npos)
    return flat;
  std::string out = "\"";
  for (char c : flat) {
    if (c == '"')
      out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

/// Shortest round-trip text of \p v.
static std::string real(double v) { return fmt::format("{}", v); }

std::vector<std::string> dse::getResultsColumns(const Manifest &m) {
  std::vector<std::string> cols{"model"};
  for (const SweepAxis &axis : m.spec.axes)
    cols.push_back(axis.key);
  for (const char *c :
       {"bits", "placement", "accuracy", "macs", "shifts", "cycles",
        "latency_ns", "energy_pj", "area_mm2", "compile_s", "sim_s", "error"})
    cols.push_back(c);
  return cols;
}

/// The identifying fields of a row: model, swept values, bits, placement.
static std::vector<std::string> pointFields(const Manifest &m, const Point &p) {
  std::vector<std::string> f{m.models[p.model].name};
  for (size_t a = 0; a < m.spec.axes.size(); ++a)
    f.push_back(m.spec.axes[a].values[p.choice[a]]);
  f.push_back(std::to_string(m.spec.bits[p.bits]));
  f.push_back(
      racetrack::place::getStrategyName(m.spec.placements[p.placement]).str());
  return f;
}

/// accuracy .. area_mm2 of a successful row.
static std::vector<std::string> metricFields(const Metrics &m) {
  return {real(m.accuracy),         std::to_string(m.macs),
          std::to_string(m.shifts), std::to_string(m.cycles),
          real(m.latencyNs),        real(m.energyPj),
          real(m.areaMm2)};
}

static std::string csvLine(const std::vector<std::string> &fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i)
      line.push_back(',');
    line.append(quoteCsv(fields[i]));
  }
  line.push_back('\n');
  return line;
}

std::string dse::formatResultsCsv(const SweepTable &table) {
  const Manifest &m = table.manifest;
  std::string out = csvLine(getResultsColumns(m));
  for (const Row &row : table.rows) {
    std::vector<std::string> f = pointFields(m, row.point);
    const PointResult &r = row.result;
    if (r.ok()) {
      for (std::string &s : metricFields(r.metrics))
        f.push_back(std::move(s));
      f.push_back(fmt::format("{:.4f}", r.metrics.compileSeconds));
      f.push_back(fmt::format("{:.4f}", r.metrics.simSeconds));
      f.push_back("");
    } else {
      f.resize(f.size() + 9);
      f.push_back(r.error);
    }
    out += csvLine(f);
  }
  return out;
}

std::string dse::formatParetoCsv(const SweepTable &table, const Analysis &a) {
  const Manifest &m = table.manifest;
  std::vector<std::string> cols = getResultsColumns(m);
  cols.resize(cols.size() - 3); // no compile_s, sim_s, error
  cols.push_back("knee");
  std::string out = csvLine(cols);
  for (size_t f : a.front) {
    const Row &row = table.rows[a.okRows[f]];
    std::vector<std::string> fields = pointFields(m, row.point);
    for (std::string &s : metricFields(row.result.metrics))
      fields.push_back(std::move(s));
    fields.push_back(a.knee == f ? "1" : "0");
    out += csvLine(fields);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// summary.md
//===----------------------------------------------------------------------===//

/// "a, b, c"
static std::string joinList(const std::vector<std::string> &items) {
  return join(items, ", ");
}

/// The base config's keys that differ from the default, as k=v.
static std::vector<std::string> baseConfigChanges(const Manifest &m) {
  std::vector<std::string> changes;
  racetrack::DeviceConfig def = racetrack::getDefaultConfig();
  for (const racetrack::ConfigKeyInfo &info : racetrack::getConfigKeyInfos()) {
    std::string v = getConfigValueText(m.base, info.key);
    if (v != getConfigValueText(def, info.key))
      changes.push_back(info.key.str() + "=" + v);
  }
  return changes;
}

static void summaryHeader(const SweepTable &table, std::string &out) {
  const Manifest &m = table.manifest;
  size_t total = enumeratePoints(m).size();
  size_t failed = 0;
  for (const Row &row : table.rows)
    failed += !row.result.ok();
  std::vector<std::string> models, bits, placements;
  for (const ModelRef &model : m.models)
    models.push_back(model.name);
  for (int64_t b : m.spec.bits)
    bits.push_back(std::to_string(b));
  for (racetrack::place::Strategy s : m.spec.placements)
    placements.push_back(racetrack::place::getStrategyName(s).str());
  out += "# rtdse sweep summary\n\n";
  out += fmt::format("- models: {}\n", joinList(models));
  for (const SweepAxis &axis : m.spec.axes)
    out += fmt::format("- {}: {}\n", axis.key, joinList(axis.values));
  out += fmt::format("- bits (weights and activations): {}\n", joinList(bits));
  out += fmt::format("- placements: {}\n", joinList(placements));
  if (m.shard.isWhole())
    out += fmt::format("- points: {} ({} succeeded, {} failed)\n", total,
                       table.rows.size() - failed, failed);
  else
    out += fmt::format("- points: shard {}/{}: {} of the sweep's {} ({} "
                       "succeeded, {} failed)\n",
                       m.shard.index, m.shard.count, table.rows.size(), total,
                       table.rows.size() - failed, failed);
  out += fmt::format("- evaluation: the first {} samples of {} (labels {})\n",
                     m.evalSamples, sys::path::filename(m.eval.path).str(),
                     sys::path::filename(m.labels.path).str());
  out +=
      fmt::format("- calibration: {}\n",
                  m.calib.isGiven() ? sys::path::filename(m.calib.path).str()
                                    : std::string("16 random N(0,1) inputs"));
  std::vector<std::string> changes = baseConfigChanges(m);
  out += fmt::format("- base config: {}\n\n",
                     changes.empty() ? std::string("the default")
                                     : "the default with " + joinList(changes));
}

static void accuracyTable(const SweepTable &table, std::string &out) {
  const Manifest &m = table.manifest;
  // (model, bits) -> "0.8980 (449/500)" from any row that has the golden
  // figures (they do not depend on the config or the placement).
  std::map<std::pair<size_t, size_t>, std::string> cells;
  for (const Row &row : table.rows) {
    const PointResult &r = row.result;
    if (r.hasGolden && r.samples > 0)
      cells.emplace(std::make_pair(row.point.model, row.point.bits),
                    fmt::format("{:.4f} ({}/{})",
                                double(r.goldenCorrect) / double(r.samples),
                                r.goldenCorrect, r.samples));
  }
  out += "## Accuracy\n\nTop-1 of the integer golden model (the quantized "
         "graph on the reference interpreter; the simulator is bit-exact "
         "with it, so it holds for every config and placement).\n\n";
  out += "| model |";
  for (int64_t b : m.spec.bits)
    out += fmt::format(" {} bits |", b);
  out += "\n|---|";
  for (size_t i = 0; i < m.spec.bits.size(); ++i)
    out += "---|";
  out += "\n";
  for (size_t model = 0; model < m.models.size(); ++model) {
    out += fmt::format("| {} |", m.models[model].name);
    for (size_t b = 0; b < m.spec.bits.size(); ++b) {
      auto it = cells.find({model, b});
      out += fmt::format(" {} |",
                         it == cells.end() ? std::string("n/a") : it->second);
    }
    out += "\n";
  }
  out += "\n";
}

/// A Markdown table row for one successful table row.
static std::string bestRow(const SweepTable &table, const Row &row,
                           const std::string &label) {
  std::string line = "| " + label + " |";
  for (const std::string &f : pointFields(table.manifest, row.point))
    line += " " + f + " |";
  const Metrics &m = row.result.metrics;
  line += fmt::format(" {:.4f} | {:.1f} | {:.1f} | {:.6f} |\n", m.accuracy,
                      m.energyPj, m.latencyNs, m.areaMm2);
  return line;
}

/// The header of a table of rows whose first column is \p first.
static std::string rowTableHeader(const SweepTable &table,
                                  const std::string &first) {
  std::vector<std::string> head{first};
  std::vector<std::string> cols = getResultsColumns(table.manifest);
  head.insert(head.end(), cols.begin(), cols.begin() + cols.size() - 10);
  for (const char *c : {"accuracy", "energy_pj", "latency_ns", "area_mm2"})
    head.push_back(c);
  std::string out = "| " + join(head, " | ") + " |\n|";
  for (size_t i = 0; i < head.size(); ++i)
    out += "---|";
  return out + "\n";
}

static void bestTable(const SweepTable &table, const Analysis &a,
                      std::string &out) {
  out += "## Best point per objective\n\n";
  if (a.okRows.empty()) {
    out += "No point succeeded.\n\n";
    return;
  }
  out += rowTableHeader(table, "objective");
  static const char *const labels[] = {"highest accuracy", "lowest energy",
                                       "lowest latency", "smallest area"};
  for (size_t o = 0; o < a.best.size(); ++o)
    out += bestRow(table, table.rows[a.okRows[a.best[o]]], labels[o]);
  if (a.knee)
    out += bestRow(table, table.rows[a.okRows[*a.knee]], "knee of the front");
  out += "\nTies are broken by the other objectives in the order accuracy, "
         "energy, latency, area, then by point order.\n\n";
}

/// Per model: the lowest-energy point among those within one accuracy
/// point (0.01) of the model's best accuracy in the sweep.
static void perModelTable(const SweepTable &table, const Analysis &a,
                          std::string &out) {
  if (a.okRows.empty())
    return;
  out += "## Per model: lowest energy within one accuracy point of its "
         "best\n\n";
  out += rowTableHeader(table, "model's best accuracy");
  for (size_t model = 0; model < table.manifest.models.size(); ++model) {
    double bestAccuracy = -1;
    for (size_t i = 0; i < a.okRows.size(); ++i)
      if (table.rows[a.okRows[i]].point.model == model)
        bestAccuracy = std::max(bestAccuracy, a.objectives[i].accuracy);
    std::vector<Objectives> candidates;
    std::vector<size_t> rows;
    for (size_t i = 0; i < a.okRows.size(); ++i)
      if (table.rows[a.okRows[i]].point.model == model &&
          a.objectives[i].accuracy >= bestAccuracy - 0.01) {
        candidates.push_back(a.objectives[i]);
        rows.push_back(a.okRows[i]);
      }
    if (auto pick = findBest(candidates, Objective::Energy))
      out += bestRow(table, table.rows[rows[*pick]],
                     fmt::format("{:.4f}", bestAccuracy));
  }
  out += "\n";
}

std::string dse::formatSummary(const SweepTable &table, const Analysis &a) {
  std::string out;
  summaryHeader(table, out);
  accuracyTable(table, out);
  bestTable(table, a, out);
  perModelTable(table, a, out);
  out += "## Pareto front\n\n";
  out += fmt::format(
      "{} of {} successful points are not dominated on accuracy (higher is "
      "better), energy, latency and area (lower is better); pareto.csv "
      "lists them. The knee is the front point nearest to the utopia point "
      "once each objective is normalised over the front to [0, 1].\n\n",
      a.front.size(), a.okRows.size());
  out += "Plots: [energy vs latency](energy_latency.svg), "
         "[accuracy vs energy](accuracy_energy.svg), "
         "[area vs latency](area_latency.svg).\n";
  bool anyFailed = false;
  for (const Row &row : table.rows) {
    if (row.result.ok())
      continue;
    if (!anyFailed) {
      out += "\n## Failed points\n\n| point | error |\n|---|---|\n";
      anyFailed = true;
    }
    std::string error = row.result.error;
    for (char &c : error)
      if (c == '\n' || c == '|')
        c = ' ';
    out += fmt::format("| {} | {} |\n",
                       describePoint(table.manifest, row.point), error);
  }
  return out;
}

std::vector<std::string> dse::getReportFileNames() {
  return {"results.csv",        "pareto.csv",          "summary.md",
          "energy_latency.svg", "accuracy_energy.svg", "area_latency.svg"};
}

/// Writes \p text to \p dir/\p name.
static Error writeReportFile(StringRef dir, StringRef name, StringRef text) {
  SmallString<256> path(dir);
  sys::path::append(path, name);
  return writeFile(path, [&](raw_ostream &os) { os << text; });
}

Error dse::writeReports(const SweepTable &table, StringRef outDir) {
  Analysis a = analyzeTable(table);
  std::vector<std::string> names = getReportFileNames();
  std::string texts[] = {formatResultsCsv(table),
                         formatParetoCsv(table, a),
                         formatSummary(table, a),
                         renderSvg(makeEnergyLatencyPlot(table, a)),
                         renderSvg(makeAccuracyEnergyPlot(table, a)),
                         renderSvg(makeAreaLatencyPlot(table, a))};
  for (size_t i = 0; i < names.size(); ++i)
    if (Error err = writeReportFile(outDir, names[i], texts[i]))
      return err;
  return Error::success();
}

//===- tools/rtdse/Plots.cpp - rtdse's three plots ------------------------===//
//
// Builds the Plot descriptions (Svg.h) of energy vs latency coloured by
// accuracy, accuracy vs energy per model, and area vs latency with the
// Pareto front and its knee marked. Failed points are not plotted.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Report.h"

#include <fmt/format.h>

#include <algorithm>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

/// Hover text of a row: its description and its objectives.
static std::string tooltip(const SweepTable &table, const Row &row) {
  const Metrics &m = row.result.metrics;
  return fmt::format("{}: accuracy {:.4f}, energy {:.1f} pJ, latency {:.1f} "
                     "ns, area {:.4f} mm^2",
                     describePoint(table.manifest, row.point), m.accuracy,
                     m.energyPj, m.latencyNs, m.areaMm2);
}

Plot dse::makeEnergyLatencyPlot(const SweepTable &table, const Analysis &a) {
  Plot p;
  p.title = "Energy vs latency per inference (colour: accuracy)";
  p.xLabel = "latency (ns)";
  p.yLabel = "energy (pJ)";
  double lo = 1, hi = 0;
  for (const Objectives &o : a.objectives) {
    lo = std::min(lo, o.accuracy);
    hi = std::max(hi, o.accuracy);
  }
  if (a.objectives.empty())
    lo = 0, hi = 1;
  for (size_t i = 0; i < a.okRows.size(); ++i) {
    const Row &row = table.rows[a.okRows[i]];
    const Objectives &o = a.objectives[i];
    double t = hi > lo ? (o.accuracy - lo) / (hi - lo) : 1.0;
    p.points.push_back({o.latencyNs, o.energyPj, getViridisColor(t),
                        getFilledMarker(row.point.model), 5, "#333333",
                        tooltip(table, row)});
  }
  for (size_t m = 0; m < table.manifest.models.size(); ++m)
    p.legend.push_back({table.manifest.models[m].name, "#aaaaaa",
                        getFilledMarker(m), "#333333", false});
  p.colorBar = ColorBar{"accuracy", lo, hi};
  return p;
}

Plot dse::makeAccuracyEnergyPlot(const SweepTable &table, const Analysis &a) {
  Plot p;
  p.title = "Accuracy vs energy per inference, per model";
  p.xLabel = "energy (pJ)";
  p.yLabel = "accuracy (top-1)";
  for (size_t i = 0; i < a.okRows.size(); ++i) {
    const Row &row = table.rows[a.okRows[i]];
    const Objectives &o = a.objectives[i];
    p.points.push_back(
        {o.energyPj, o.accuracy, getCategoricalColor(row.point.model),
         getFilledMarker(row.point.bits), 5, "#333333", tooltip(table, row)});
  }
  const Manifest &m = table.manifest;
  for (size_t model = 0; model < m.models.size(); ++model)
    p.legend.push_back({m.models[model].name, getCategoricalColor(model),
                        Marker::Circle, "#333333", false});
  for (size_t b = 0; b < m.spec.bits.size(); ++b)
    p.legend.push_back({fmt::format("{} bits", m.spec.bits[b]), "#aaaaaa",
                        getFilledMarker(b), "#333333", false});
  return p;
}

Plot dse::makeAreaLatencyPlot(const SweepTable &table, const Analysis &a) {
  Plot p;
  p.title = "Area vs latency (Pareto front marked)";
  p.xLabel = "latency (ns)";
  p.yLabel = "area (mm^2)";
  std::vector<bool> onFront(a.okRows.size(), false);
  for (size_t f : a.front)
    onFront[f] = true;
  // Dominated points first, so the front is drawn on top of them.
  for (bool front : {false, true})
    for (size_t i = 0; i < a.okRows.size(); ++i) {
      if (onFront[i] != front)
        continue;
      const Objectives &o = a.objectives[i];
      p.points.push_back({o.latencyNs, o.areaMm2, front ? "#e15759" : "#c8c8c8",
                          Marker::Circle, front ? 5.0 : 3.5,
                          front ? "#7a1f22" : "#8c8c8c",
                          tooltip(table, table.rows[a.okRows[i]])});
    }
  if (a.knee) {
    const Objectives &o = a.objectives[*a.knee];
    p.points.push_back(
        {o.latencyNs, o.areaMm2, "none", Marker::Ring, 9, "#000000",
         "knee: " + tooltip(table, table.rows[a.okRows[*a.knee]])});
  }
  // The two-objective (latency, area) front as a staircase.
  std::vector<size_t> order(a.okRows.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Objectives &ox = a.objectives[x], &oy = a.objectives[y];
    if (ox.latencyNs != oy.latencyNs)
      return ox.latencyNs < oy.latencyNs;
    return ox.areaMm2 < oy.areaMm2;
  });
  Polyline stairs{{}, "#555555", true};
  for (size_t i : order) {
    const Objectives &o = a.objectives[i];
    if (!stairs.points.empty() && o.areaMm2 >= stairs.points.back().second)
      continue;
    if (!stairs.points.empty())
      stairs.points.push_back({o.latencyNs, stairs.points.back().second});
    stairs.points.push_back({o.latencyNs, o.areaMm2});
  }
  if (stairs.points.size() > 1)
    p.lines.push_back(std::move(stairs));
  p.legend.push_back(
      {"dominated point", "#c8c8c8", Marker::Circle, "#8c8c8c", false});
  p.legend.push_back({"Pareto-optimal (4 objectives)", "#e15759",
                      Marker::Circle, "#7a1f22", false});
  p.legend.push_back(
      {"knee of the front", "none", Marker::Ring, "#000000", false});
  p.legend.push_back(
      {"latency-area front", "none", Marker::Circle, "#555555", true});
  return p;
}

//===- tools/rtdse/Report.h - results.csv, pareto.csv, summary, plots -*- C++
//-*-===//
//
// Everything rtdse writes besides the point files, made from a SweepTable
// only (so a resumed run and a merge of shards write the same files as a
// single run):
//
//   results.csv   one row per point: model, every swept key, bits,
//                 placement, accuracy, macs, shifts, cycles, latency_ns,
//                 energy_pj, area_mm2, compile_s, sim_s, error
//   pareto.csv    the non-dominated successful points (Pareto.h), the same
//                 columns without the wall times and the error, plus `knee`
//   summary.md    sweep dimensions, counts, accuracy per model x bits, the
//                 best point per objective, the knee, per model the
//                 lowest-energy point within one accuracy point of the
//                 model's best, failed points
//   energy_latency.svg, accuracy_energy.svg, area_latency.svg
//
// Only results.csv carries wall times (compile_s, sim_s); every other file
// is a function of the deterministic results.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "tools/rtdse/Pareto.h"
#include "tools/rtdse/Results.h"
#include "tools/rtdse/Svg.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace rtc::dse {

/// The multi-objective view of a table's successful rows.
struct Analysis {
  /// Indices into SweepTable::rows of the successful rows, in order.
  std::vector<size_t> okRows;
  /// Their objectives (parallel to okRows).
  std::vector<Objectives> objectives;
  /// Positions in okRows of the Pareto front, increasing.
  std::vector<size_t> front;
  /// Position in okRows of the knee (if the front is not empty).
  std::optional<size_t> knee;
  /// Position in okRows of the best row per objective (getAllObjectives
  /// order; empty when no row succeeded).
  std::vector<size_t> best;
};

/// Computes the Analysis of \p table.
Analysis analyzeTable(const SweepTable &table);

/// \returns \p field quoted for CSV if it holds a comma, a quote or a line
/// break (RFC 4180: quotes doubled); line breaks become " | " so that every
/// row is one line.
std::string quoteCsv(llvm::StringRef field);

/// \returns the results.csv header fields for \p m.
std::vector<std::string> getResultsColumns(const Manifest &m);

/// \returns results.csv: the header and one row per table row.
std::string formatResultsCsv(const SweepTable &table);

/// \returns pareto.csv for \p table and its analysis.
std::string formatParetoCsv(const SweepTable &table, const Analysis &a);

/// \returns summary.md.
std::string formatSummary(const SweepTable &table, const Analysis &a);

/// The three plots (Plots.cpp).
Plot makeEnergyLatencyPlot(const SweepTable &table, const Analysis &a);
Plot makeAccuracyEnergyPlot(const SweepTable &table, const Analysis &a);
Plot makeAreaLatencyPlot(const SweepTable &table, const Analysis &a);

/// The names of the files writeReports writes, in order.
std::vector<std::string> getReportFileNames();

/// Writes every report of \p table into \p outDir.
llvm::Error writeReports(const SweepTable &table, llvm::StringRef outDir);

} // namespace rtc::dse

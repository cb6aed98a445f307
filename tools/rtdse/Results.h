//===- tools/rtdse/Results.h - Per-point results and the table -*- C++ -*-===//
//
// The result of one point, kept as one JSON file OUT/points/<id>.json
// (written atomically when the point finishes, so an interrupted sweep
// loses nothing it finished), and the table the reports are made from: the
// manifest's points in order, each with its result. Every report
// (results.csv, pareto.csv, summary.md, the plots) is regenerated from the
// point files, which is what makes resuming and merging shards exact.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "tools/rtdse/Manifest.h"
#include "tools/rtdse/Points.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtc::dse {

/// The measured figures of a point that compiled and simulated.
struct Metrics {
  double accuracy = 0; ///< goldenCorrect / samples.
  uint64_t macs = 0, shifts = 0, cycles = 0;
  double latencyNs = 0, energyPj = 0, areaMm2 = 0;
  /// Wall times (not deterministic): lowering + packing, and simulating one
  /// inference.
  double compileSeconds = 0, simSeconds = 0;
};

/// What one point produced.
struct PointResult {
  std::string id;       ///< getPointId.
  std::string describe; ///< describePoint (informational).
  /// Empty on success; otherwise why the point failed (it then has no
  /// metrics).
  std::string error;
  /// The integer golden model's top-1 on the evaluation set, when the model
  /// could be quantized (kept for failed points too: the summary's accuracy
  /// table needs it).
  bool hasGolden = false;
  int64_t goldenCorrect = 0, samples = 0;
  Metrics metrics;

  bool ok() const { return error.empty(); }
};

/// \returns \p r as pretty JSON (reals with 17 significant digits, so they
/// read back exactly).
std::string pointResultToJson(const PointResult &r);

/// Parses pointResultToJson's output, located in \p fileName.
llvm::Expected<PointResult> parsePointResult(llvm::StringRef text,
                                             llvm::StringRef fileName);

/// \returns OUT/points/<id>.json.
std::string getPointFilePath(llvm::StringRef outDir, llvm::StringRef id);

/// Writes \p r to getPointFilePath(outDir, r.id) through a temporary file
/// and a rename, so the file is either absent or complete.
llvm::Error writePointFile(llvm::StringRef outDir, const PointResult &r);

/// One row of the table.
struct Row {
  Point point;
  PointResult result;
};

/// A sweep and the results of its points (in point order).
struct SweepTable {
  Manifest manifest;
  std::vector<Row> rows;
};

/// Reads the result of every point of \p m in m.shard from the first of
/// \p dirs that holds its file. With \p requireAll, a point found nowhere
/// is an error; otherwise it is left out of the table. \p missing (if not
/// null) receives the number of points left out.
llvm::Expected<SweepTable> loadTable(const Manifest &m,
                                     llvm::ArrayRef<std::string> dirs,
                                     bool requireAll,
                                     size_t *missing = nullptr);

} // namespace rtc::dse

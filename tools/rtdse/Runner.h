//===- tools/rtdse/Runner.h - Running a sweep -----------------*- C++ -*-===//
//
// runSweep does the work of `rtdse MODEL... -o OUT`:
//
//  1. reads the calibration and evaluation sets and imports every model;
//  2. writes OUT/sweep.json and finds the points of the shard whose result
//     file OUT/points/<id>.json already exists (reused, not recomputed);
//  3. once per (model, bit width) that a remaining point needs: quantizes
//     the model (calibration + the default pipeline) and runs the integer
//     golden model over the evaluation set for the accuracy. The golden
//     model depends on neither the hardware config nor the placement, and
//     the simulator is bit-exact with it, so this accuracy holds for every
//     point of the pair (--check-accuracy-sim proves it per point);
//  4. per remaining point, on a pool of `jobs` threads: lowers the
//     quantized graph for the point's config and placement
//     (racetrack::lowerToRacetrack) and packs it (compile_s), and simulates
//     one inference on the first evaluation sample (sim_s) for the counters
//     (the program is static: the counters do not depend on the data). A
//     failure (e.g. the model does not fit) is recorded as the point's
//     error and the sweep goes on. Each finished point is written to its
//     file at once;
//  5. regenerates the reports from the point files (Report.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "tools/rtdse/Manifest.h"

#include "llvm/Support/Error.h"

#include <cstddef>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc::dse {

/// How to run a sweep.
struct RunOptions {
  /// The sweep. evalSamples is filled in by runSweep once the evaluation
  /// set has been read.
  Manifest manifest;
  std::string outDir;
  /// Worker threads for the points (and the per-(model, bits) work).
  unsigned jobs = 1;
  /// Also simulate every evaluation sample at every computed point and
  /// fail if any simulator output differs from the golden model's.
  bool checkAccuracySim = false;
  /// Progress on the log stream: a redrawn bar (for a terminal), else one
  /// line per finished point, or nothing when quiet.
  bool progressBar = false;
  bool quiet = false;
};

/// What runSweep did.
struct RunSummary {
  size_t points = 0;   ///< Points in the shard.
  size_t computed = 0; ///< Points simulated in this run.
  size_t reused = 0;   ///< Points whose result file already existed.
  size_t failed = 0;   ///< Points (computed or reused) with an error.
  /// With checkAccuracySim: points checked and samples simulated at each.
  size_t checkedPoints = 0;
  size_t checkedSamples = 0;
  double seconds = 0; ///< Wall time of the whole run.
};

/// Runs the sweep of \p opts (see the file comment). Progress goes to
/// \p log. Errors: unreadable or mismatched input files, a model that
/// cannot be imported, an output folder that cannot be written, and (with
/// checkAccuracySim) any difference between simulator and golden model.
llvm::Expected<RunSummary> runSweep(RunOptions &opts, llvm::raw_ostream &log);

} // namespace rtc::dse

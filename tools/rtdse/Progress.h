//===- tools/rtdse/Progress.h - Sweep progress reporting -------*- C++ -*-===//
//
// Thread-safe progress of a sweep on a log stream: on a terminal a bar
// redrawn in place with the points done, the failures, the elapsed time and
// an ETA (the mean time per finished point times the points left, divided
// among the workers as they run); otherwise one line per finished point;
// nothing when quiet.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc::dse {

/// Progress of one phase (a number of tasks).
class Progress {
public:
  /// \p bar: redraw a bar in place (for a terminal); \p quiet: print
  /// nothing.
  Progress(llvm::raw_ostream &os, bool bar, bool quiet);

  /// Starts a phase of \p total tasks named \p what ("points").
  void start(size_t total, llvm::StringRef what);
  /// Records a finished task: \p line describes it (printed as one line
  /// when there is no bar), \p failed counts it as a failure.
  void finish(llvm::StringRef line, bool failed);
  /// Ends the phase (terminates the bar's line).
  void end();

  /// \returns "m:ss" (or "h:mm:ss") for \p seconds.
  static std::string formatDuration(double seconds);

private:
  void drawBar();

  llvm::raw_ostream &os;
  bool bar, quiet;
  std::mutex mutex;
  size_t total = 0, done = 0, failed = 0;
  std::string what;
  std::chrono::steady_clock::time_point startTime;
};

} // namespace rtc::dse

//===- tools/rtdse/Merge.h - Combining shard folders -----------*- C++ -*-===//
//
// `rtdse --merge DIR... -o OUT`: the folders (typically the shards 1/N ..
// N/N of one sweep, run on different machines) must hold manifests of the
// same sweep (Manifest.h checkSameSweep: equal except for file paths and
// the shard). Every point of the sweep must have a result in one of them;
// its file is copied to OUT/points/ and the reports are regenerated, so
// OUT is exactly what a single run would have written (see docs/dse.md for
// the one exception, the wall-time columns of results.csv), and a later
// run of the same sweep on OUT reuses every point.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <string>

namespace rtc::dse {

/// What a merge did.
struct MergeSummary {
  size_t points = 0; ///< Points of the sweep (all of them).
  size_t failed = 0; ///< Points with an error.
};

/// Merges \p dirs into \p outDir (which may be one of them).
llvm::Expected<MergeSummary> mergeSweeps(llvm::ArrayRef<std::string> dirs,
                                         llvm::StringRef outDir);

} // namespace rtc::dse

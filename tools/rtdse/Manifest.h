//===- tools/rtdse/Manifest.h - The description of one sweep --*- C++ -*-===//
//
// Everything that defines a sweep's points and their results: the models
// (name, path, SHA-256 of the file), the calibration and evaluation files,
// the evaluation limit, the base hardware config, the sweep axes, bit
// widths and placements, and the shard. rtdse writes it to OUT/sweep.json;
// `rtdse --merge` reads the shard folders' manifests, checks they describe
// the same sweep and regenerates the reports from it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "tools/rtdse/Sweep.h"

#include "targets/racetrack/isa/DeviceConfig.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtc::dse {

/// An input file: where it was read from and what it held.
struct FileRef {
  std::string path;   ///< Empty: not given.
  std::string sha256; ///< 64 lowercase hex digits of the file's contents.

  bool isGiven() const { return !path.empty(); }
};

/// One model of the sweep.
struct ModelRef {
  std::string name; ///< The `model` column (see modelNameFromPath).
  FileRef file;
};

/// The sweep (OUT/sweep.json).
struct Manifest {
  std::vector<ModelRef> models;
  FileRef calib, eval, labels;
  /// --eval-limit as given (-1: every sample) and the samples it selected.
  int64_t evalLimit = -1;
  int64_t evalSamples = 0;
  /// Seed of the shiftsreduce placement (racetrack::place::PlaceOptions).
  uint64_t placementSeed = 1;
  /// The config every point starts from (--config and --set applied).
  racetrack::DeviceConfig base;
  SweepSpec spec;
  Shard shard;
};

/// \returns the `model` column for a model file: its stem, or the name of
/// its folder when the stem is the uninformative "model"
/// (testdata/models/lenet5/model.onnx -> lenet5).
std::string modelNameFromPath(llvm::StringRef path);

/// \returns the SHA-256 of the file at \p path as 64 hex digits.
llvm::Expected<std::string> hashFile(llvm::StringRef path);

/// \returns the manifest as pretty JSON (deterministic; final newline).
std::string manifestToJson(const Manifest &m);

/// Writes manifestToJson(\p m) to \p outDir/sweep.json.
llvm::Error writeManifestFile(const Manifest &m, llvm::StringRef outDir);

/// Parses manifestToJson's output; errors are located in \p fileName.
llvm::Expected<Manifest> parseManifest(llvm::StringRef text,
                                       llvm::StringRef fileName);

/// Succeeds if \p a and \p b describe the same sweep: equal in everything
/// but file paths and the shard. Otherwise names the first difference,
/// citing \p nameA and \p nameB.
llvm::Error checkSameSweep(const Manifest &a, const Manifest &b,
                           llvm::StringRef nameA, llvm::StringRef nameB);

} // namespace rtc::dse

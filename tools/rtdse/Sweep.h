//===- tools/rtdse/Sweep.h - rtdse sweep specifications --------*- C++ -*-===//
//
// What a design-space sweep varies: hardware-config keys with their value
// lists (from `--sweep key=v1,v2` or a JSON sweep file), quantization bit
// widths (`--bits 8,4,2`) and placement strategies (`--placement ofu,auto`),
// plus the shard selector `--shard I/N`. Every key and value goes through
// the hardware config's own parser (racetrack::applyOverride and
// racetrack::validate, generated from DeviceConfig.def), so every config
// key can be swept and a malformed spec is rejected before any work starts.
// See docs/dse.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/place/Placement.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtc::dse {

/// One swept hardware-config key and its values, in the order given.
struct SweepAxis {
  std::string key;
  /// Canonical spellings as the config's JSON writer prints them (an int
  /// "4", a real "19.5" or "10.0", an enum "bit_serial"), distinct.
  std::vector<std::string> values;

  bool operator==(const SweepAxis &) const = default;
};

/// The dimensions of a sweep besides the models.
struct SweepSpec {
  /// Swept config keys, outermost first (file keys, then --sweep flags).
  std::vector<SweepAxis> axes;
  /// Quantization bit widths (weights and activations), in the order given.
  std::vector<int64_t> bits{8};
  /// Placement strategies, in the order given.
  std::vector<racetrack::place::Strategy> placements{
      racetrack::place::Strategy::Auto};

  /// \returns the number of config combinations (the product of the axis
  /// sizes; 1 without axes).
  size_t numConfigs() const;
  bool operator==(const SweepSpec &) const = default;
};

/// A deterministic slice of the points: those whose index i satisfies
/// i % count == index - 1.
struct Shard {
  int64_t index = 1; ///< 1-based.
  int64_t count = 1;

  bool isWhole() const { return count == 1; }
  bool operator==(const Shard &) const = default;
};

/// \returns the canonical spelling of config key \p key in \p cfg: the
/// value text of its line in racetrack::toJson(cfg), unquoted for enums.
/// Empty if \p key is no config key.
std::string getConfigValueText(const racetrack::DeviceConfig &cfg,
                               llvm::StringRef key);

/// Parses one `--sweep KEY=V1,V2,...` argument and appends its axis to
/// \p spec. Each value is checked by applying it to \p base with
/// racetrack::applyOverride. Errors: no '=', an unknown key (with close
/// matches), an empty list or an empty value, a value of the wrong type, a
/// key already swept or already set in \p fixedKeys (the --set keys), and a
/// value listed twice (after canonicalisation: 2 and 02 are the same).
llvm::Error addSweepArg(SweepSpec &spec, llvm::StringRef arg,
                        const racetrack::DeviceConfig &base,
                        llvm::ArrayRef<std::string> fixedKeys);

/// Parses a JSON sweep file: one object mapping config keys to non-empty
/// arrays of values (numbers, or strings for enums), e.g.
/// `{"ports_per_track": [1, 2, 4], "mac_mode": ["bit_serial"]}`, and
/// appends one axis per key in file order. Checks as addSweepArg; errors
/// are located in \p fileName at the offending key.
llvm::Error addSweepFile(SweepSpec &spec, llvm::StringRef text,
                         llvm::StringRef fileName,
                         const racetrack::DeviceConfig &base,
                         llvm::ArrayRef<std::string> fixedKeys);

/// Parses `--bits 8,4,2`: distinct integers in [2, 8].
llvm::Expected<std::vector<int64_t>> parseBitsList(llvm::StringRef text);

/// Parses `--placement ofu,auto`: distinct strategy names
/// (racetrack::place::parseStrategy).
llvm::Expected<std::vector<racetrack::place::Strategy>>
parsePlacementList(llvm::StringRef text);

/// Parses `--shard I/N` with 1 <= I <= N.
llvm::Expected<Shard> parseShard(llvm::StringRef text);

/// \returns \p base with the values of \p choice applied (one value index
/// per axis of \p spec). Not validated.
racetrack::DeviceConfig applyChoice(const racetrack::DeviceConfig &base,
                                    const SweepSpec &spec,
                                    llvm::ArrayRef<size_t> choice);

/// Checks every config combination of \p spec on \p base with
/// racetrack::validate (e.g. ports_per_track must divide domains_per_track
/// in every combination) and that the sweep is not absurdly large. Reports
/// up to five invalid combinations, each naming its values.
llvm::Error validateSweep(const racetrack::DeviceConfig &base,
                          const SweepSpec &spec);

} // namespace rtc::dse

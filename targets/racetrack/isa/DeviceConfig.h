//===- targets/racetrack/isa/DeviceConfig.h - Racetrack hardware config ---===//
//
// The racetrack hardware model's parameters: geometry (macro units of
// tracks x domains with evenly spaced access ports), per-action latency and
// energy, and the primitive costs from which CostModel.h composes the
// in-memory MAC cell. The fields are defined once, in DeviceConfig.def; the
// compiler's cost model and the simulator read the same struct.
//
// A config is a flat, versioned JSON object:
//   { "version": 1, "domains_per_track": 64, ..., "derived": {...} }
// Keys not present take their default; "derived" is informational output of
// toJson() and is ignored (recomputed) on input. See docs/hardware-config.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rtc::racetrack {

/// The config file format version this build reads and writes.
constexpr int64_t deviceConfigVersion = 1;

/// How the MAC cell processes the activation operand.
enum class MacMode : uint8_t {
  BitSerial,   ///< One partial product per cycle; one adder; small.
  BitParallel, ///< All partial products at once; an adder tree.
};

/// The adder circuit used inside the multiplier and the accumulator.
enum class AdderKind : uint8_t {
  RippleCarry,    ///< n full adders in a chain.
  CarryLookahead, ///< Parallel-prefix carries: log-depth, extra gates.
  CarrySelect,    ///< Two ripple halves, the upper one duplicated, and muxes.
};

/// How partial products are formed.
enum class MultiplierKind : uint8_t {
  ShiftAdd, ///< One AND row per activation bit.
  Booth,    ///< Radix-4 Booth recoding: ceil(abits/2)+1 partial products.
};

/// Bounds of a real-valued field.
enum class RealBound : uint8_t {
  Positive,    ///< Must be > 0.
  NonNegative, ///< Must be >= 0.
};

/// \returns the config spelling ("bit_serial", "ripple_carry", ...).
llvm::StringRef toString(MacMode mode);
llvm::StringRef toString(AdderKind kind);
llvm::StringRef toString(MultiplierKind kind);

/// Every racetrack hardware parameter. Member names are the lowerCamel form
/// of the JSON keys; see DeviceConfig.def for units, defaults and sources.
struct DeviceConfig {
#define RTC_CONFIG_INT(member, key, def, min, max, unit, source)               \
  int64_t member = def;
#define RTC_CONFIG_REAL(member, key, def, bound, unit, source)                 \
  double member = def;
#define RTC_CONFIG_ENUM(member, key, type, def, source) type member = type::def;
#include "targets/racetrack/isa/DeviceConfig.def"

  /// Domains between two neighbouring ports: domainsPerTrack / portsPerTrack.
  int64_t segmentLength() const { return domainsPerTrack / portsPerTrack; }
  /// Extra domains per track so that data never leaves the track. Ports sit
  /// at the start of each segment and any domain reaches its segment's port
  /// with a one-directional shift of at most segmentLength()-1 positions,
  /// which pushes that many domains past the end: segmentLength() - 1.
  int64_t overheadDomains() const { return segmentLength() - 1; }
  /// Physical domains per track: data plus overhead.
  int64_t physicalDomainsPerTrack() const {
    return domainsPerTrack + overheadDomains();
  }
  /// Words of \p bits bits side by side in one row: floor(tracks / bits).
  int64_t lanes(unsigned bits) const {
    return bits == 0 ? 0 : tracksPerMu / static_cast<int64_t>(bits);
  }
  /// Macro units in the whole device: musPerBank x banks.
  int64_t numMus() const { return musPerBank * banks; }
  /// Data bits one MU stores (overhead domains excluded).
  int64_t muCapacityBits() const { return tracksPerMu * domainsPerTrack; }
  /// Data bits the device stores (overhead domains excluded).
  int64_t capacityBits() const { return numMus() * muCapacityBits(); }

  bool operator==(const DeviceConfig &) const = default;
};

/// Documentation metadata of one config key (from DeviceConfig.def).
struct ConfigKeyInfo {
  llvm::StringRef key;
  /// "int", "real" or "enum".
  llvm::StringRef type;
  llvm::StringRef unit;
  llvm::StringRef source;
  /// Allowed range or values, e.g. "[1, 4096]", "> 0",
  /// "bit_serial|bit_parallel".
  std::string allowed;
  /// The default, spelled as in JSON.
  std::string defaultValue;
};

/// \returns one entry per key, in table (and JSON) order.
std::vector<ConfigKeyInfo> getConfigKeyInfos();

/// \returns the documented default configuration.
DeviceConfig getDefaultConfig();

/// Line:col (1-based) of the first `"key"` in the JSON \p text, or the
/// whole of \p fileName if it does not occur: where config and sweep-file
/// readers point their errors about a key.
Location locateJsonKey(llvm::StringRef text, llvm::StringRef fileName,
                       llvm::StringRef key);

/// Parses and validates a JSON config. Unknown keys (with close matches),
/// wrong types, bad enum strings, a missing or unsupported "version", JSON
/// syntax errors (with line:col) and every validate() problem are reported
/// together, located in \p fileName.
llvm::Expected<DeviceConfig> parseConfigJson(llvm::StringRef text,
                                             llvm::StringRef fileName);

/// Applies one `--set KEY=VALUE` override to \p cfg. Errors for a missing
/// '=', an unknown key or a value of the wrong type. Does not validate the
/// result; call validate() after the last override.
llvm::Error applyOverride(DeviceConfig &cfg, llvm::StringRef keyEqualsValue);

/// Checks ranges and consistency (positive geometry, ports dividing domains,
/// tracks_per_mu >= 8, finite reals, ...). Reports every problem at once.
llvm::Error validate(const DeviceConfig &cfg);

/// The config a tool's `--config FILE` and `--set KEY=VALUE` flags describe:
/// \p configPath's config (the default if empty) with \p sets applied in
/// order, then validated if \p validateResult. On error \p exitCode says
/// whose fault it is: 1 for an unreadable or invalid file (also when the
/// file's config with the overrides fails validation), 2 for a bad --set
/// (or the default config with the overrides failing validation).
llvm::Expected<DeviceConfig>
loadConfigWithOverrides(llvm::StringRef configPath,
                        llvm::ArrayRef<std::string> sets, bool validateResult,
                        int &exitCode);

/// \returns the canonical pretty JSON text of \p cfg (keys in table order,
/// shortest round-trip doubles, a trailing "derived" object, final newline).
/// parseConfigJson(toJson(c)) == c for every valid c.
std::string toJson(const DeviceConfig &cfg);

/// \returns SHA-256 of toJson(\p cfg): identifies the hardware a .rtbin was
/// compiled for.
std::array<uint8_t, 32> hashConfig(const DeviceConfig &cfg);

/// \returns \p hash as 64 lowercase hex digits.
std::string hashToHex(llvm::ArrayRef<uint8_t> hash);

} // namespace rtc::racetrack

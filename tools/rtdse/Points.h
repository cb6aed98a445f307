//===- tools/rtdse/Points.h - The points of a sweep ------------*- C++ -*-===//
//
// A sweep's points are the cross product model x config combination x bit
// width x placement, enumerated in that nesting order (model outermost,
// the swept keys in their given order with the last one fastest, then bits,
// then placement innermost). A point's index in this order selects its
// shard and orders every report.
//
// A point's id is a hash of what determines its result (the model file's
// contents, the calibration and evaluation data, the evaluation limit, the
// bit width, the placement and its seed, and the full hardware config),
// not of its position: a re-run, a larger sweep that contains it, or
// another shard finds the same file OUT/points/<id>.json.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "tools/rtdse/Manifest.h"

#include "targets/racetrack/isa/DeviceConfig.h"

#include <cstddef>
#include <string>
#include <vector>

namespace rtc::dse {

/// One point of a sweep, as indices into its Manifest.
struct Point {
  size_t index = 0;           ///< Position in enumeration order.
  size_t model = 0;           ///< Into Manifest::models.
  std::vector<size_t> choice; ///< One value index per sweep axis.
  size_t bits = 0;            ///< Into SweepSpec::bits.
  size_t placement = 0;       ///< Into SweepSpec::placements.
};

/// \returns every point of \p m's sweep (ignoring its shard), in order.
std::vector<Point> enumeratePoints(const Manifest &m);

/// \returns true if \p p belongs to \p shard: p.index % count == index - 1.
bool isInShard(const Point &p, const Shard &shard);

/// \returns the hardware config of \p p: the base with its swept values.
racetrack::DeviceConfig getPointConfig(const Manifest &m, const Point &p);

/// \returns a one-line description, e.g.
/// "lenet5 ports_per_track=2 bits=8 placement=ofu".
std::string describePoint(const Manifest &m, const Point &p);

/// \returns the text whose hash is the point id (documented in
/// docs/dse.md): a version line and one `name value` line per input.
std::string getPointIdentity(const Manifest &m, const Point &p);

/// \returns the point id: the first 20 hex digits of
/// SHA-256(getPointIdentity(m, p)).
std::string getPointId(const Manifest &m, const Point &p);

} // namespace rtc::dse

//===- tests/unit/place/PlaceTestUtil.h - Test helpers ----------*- C++ -*-===//
//
// Seeded random traces and an independent shift count (a direct walk of the
// trace over row % S, written without the library) for the placement tests.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/place/Placement.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

namespace rtc::racetrack::place::test {

/// A trace of \p length accesses over \p numItems items. Uses raw mt19937
/// output (fully specified by the standard), not std distributions.
inline AccessTrace randomTrace(std::mt19937 &rng, int64_t numItems,
                               int64_t length, int64_t initialOffset = 0) {
  AccessTrace t;
  t.numItems = numItems;
  t.initialOffset = initialOffset;
  for (int64_t i = 0; i < length; ++i)
    t.accesses.push_back(static_cast<int32_t>(rng() % numItems));
  return t;
}

/// Shifts of serving \p t with \p rows on \p rows.size() items, D rows and
/// P ports: walk the accesses and add |offset change|.
inline int64_t walkShifts(const AccessTrace &t,
                          const std::vector<int32_t> &rows, int64_t numRows,
                          int64_t numPorts) {
  int64_t segment = numRows / numPorts;
  int64_t offset = t.initialOffset, shifts = 0;
  for (int32_t item : t.accesses) {
    int64_t target = rows[item] % segment;
    shifts += std::llabs(target - offset);
    offset = target;
  }
  return shifts;
}

/// placeTrace that must succeed and return a valid placement.
inline Placement placeOk(const AccessTrace &t, const TrackGeometry &g,
                         Strategy s, const PlaceOptions &o = {}) {
  auto p = placeTrace(t, g, s, o);
  if (!p) {
    ADD_FAILURE() << llvm::toString(p.takeError());
    return {};
  }
  EXPECT_TRUE(isValidPlacement(*p, t.numItems, g)) << getStrategyName(s).str();
  return *p;
}

} // namespace rtc::racetrack::place::test

//===- targets/racetrack/place/Placement.cpp - Placement entry points -----===//
//
// The access graph, the reference shift count of a trace, placement
// validity, strategy names, and placeTrace: argument checks, dispatch to
// the strategies (Heuristics.cpp, ShiftsReduce.cpp, Exact.cpp) and `auto`.
// Also the Problem helpers shared by the strategies (PlaceImpl.h).
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/place/Placement.h"

#include "targets/racetrack/place/PlaceImpl.h"

#include "ir/Diagnostics.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>

using namespace rtc;
using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::detail;

//===----------------------------------------------------------------------===//
// AccessGraph
//===----------------------------------------------------------------------===//

AccessGraph::AccessGraph(const AccessTrace &trace)
    : numItems(trace.numItems), initialOffset(trace.initialOffset),
      startWeight(static_cast<size_t>(trace.numItems), 0) {
  // Consecutive pairs as (min, max) keys; sorting them makes the edge list
  // ordered by (a, b) and independent of any hashing.
  std::vector<uint64_t> keys;
  keys.reserve(trace.accesses.size());
  std::vector<char> seen(static_cast<size_t>(numItems), 0);
  for (size_t i = 0; i < trace.accesses.size(); ++i) {
    int32_t item = trace.accesses[i];
    assert(item >= 0 && item < numItems && "access to an unknown item");
    if (!seen[item]) {
      seen[item] = 1;
      firstUse.push_back(item);
    }
    if (i == 0) {
      startWeight[item] = 1;
      continue;
    }
    int32_t prev = trace.accesses[i - 1];
    if (prev == item)
      continue;
    auto lo = static_cast<uint64_t>(std::min(prev, item));
    auto hi = static_cast<uint64_t>(std::max(prev, item));
    keys.push_back(lo << 32 | hi);
  }
  for (int32_t item = 0; item < numItems; ++item)
    if (!seen[item])
      firstUse.push_back(item);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i])
      ++j;
    edges.push_back({static_cast<int32_t>(keys[i] >> 32),
                     static_cast<int32_t>(keys[i] & 0xffffffffULL),
                     static_cast<int64_t>(j - i)});
    i = j;
  }
}

int64_t AccessGraph::getStartWeight(int32_t item) const {
  assert(item >= 0 && item < numItems && "unknown item");
  return startWeight[item];
}

int64_t AccessGraph::cost(const Placement &placement,
                          const TrackGeometry &geom) const {
  assert(isValidPlacement(placement, numItems, geom) && "invalid placement");
  int64_t total = 0;
  for (const Edge &e : edges)
    total += e.weight * std::llabs(geom.offsetOf(placement[e.a]) -
                                   geom.offsetOf(placement[e.b]));
  for (int32_t item = 0; item < numItems; ++item)
    if (startWeight[item] != 0)
      total += startWeight[item] *
               std::llabs(geom.offsetOf(placement[item]) - initialOffset);
  return total;
}

//===----------------------------------------------------------------------===//
// Trace cost, validity, names
//===----------------------------------------------------------------------===//

int64_t rtc::racetrack::place::traceShifts(const AccessTrace &trace,
                                           const Placement &placement,
                                           const TrackGeometry &geom) {
  assert(isValidPlacement(placement, trace.numItems, geom) &&
         "invalid placement");
  int64_t offset = trace.initialOffset;
  int64_t shifts = 0;
  for (int32_t item : trace.accesses) {
    int64_t target = geom.offsetOf(placement[item]);
    shifts += std::llabs(target - offset);
    offset = target;
  }
  return shifts;
}

bool rtc::racetrack::place::isValidPlacement(const Placement &placement,
                                             int64_t numItems,
                                             const TrackGeometry &geom) {
  if (static_cast<int64_t>(placement.size()) != numItems)
    return false;
  if (geom.rows <= 0 || geom.ports <= 0 || geom.rows % geom.ports != 0)
    return false;
  std::vector<char> used(static_cast<size_t>(geom.rows), 0);
  for (int32_t row : placement) {
    if (row < 0 || row >= geom.rows || used[row])
      return false;
    used[row] = 1;
  }
  return true;
}

static constexpr std::array<Strategy, 7> allStrategies = {
    Strategy::Ofu,          Strategy::Liao,       Strategy::Chen,
    Strategy::ShiftsReduce, Strategy::Interleave, Strategy::Exact,
    Strategy::Auto};

llvm::ArrayRef<Strategy> rtc::racetrack::place::getAllStrategies() {
  return allStrategies;
}

llvm::StringRef rtc::racetrack::place::getStrategyName(Strategy s) {
  switch (s) {
  case Strategy::Ofu:
    return "ofu";
  case Strategy::Liao:
    return "liao";
  case Strategy::Chen:
    return "chen";
  case Strategy::ShiftsReduce:
    return "shiftsreduce";
  case Strategy::Interleave:
    return "interleave";
  case Strategy::Exact:
    return "exact";
  case Strategy::Auto:
    return "auto";
  }
  return "?";
}

std::optional<Strategy>
rtc::racetrack::place::parseStrategy(llvm::StringRef name) {
  for (Strategy s : allStrategies)
    if (getStrategyName(s) == name)
      return s;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Problem helpers (PlaceImpl.h)
//===----------------------------------------------------------------------===//

Problem::Problem(const AccessGraph &graph, const TrackGeometry &geom)
    : graph(graph), geom(geom), numItems(graph.getNumItems()),
      segment(static_cast<int32_t>(geom.segment())),
      ports(static_cast<int32_t>(geom.ports)),
      initialOffset(static_cast<int32_t>(graph.getInitialOffset())),
      adj(static_cast<size_t>(numItems)),
      totalWeight(static_cast<size_t>(numItems), 0),
      firstUseRank(static_cast<size_t>(numItems), 0) {
  for (const AccessGraph::Edge &e : graph.getEdges()) {
    adj[e.a].push_back({e.b, e.weight});
    adj[e.b].push_back({e.a, e.weight});
    totalWeight[e.a] += e.weight;
    totalWeight[e.b] += e.weight;
  }
  for (auto &list : adj)
    std::sort(
        list.begin(), list.end(),
        [](const Neighbour &x, const Neighbour &y) { return x.item < y.item; });
  llvm::ArrayRef<int32_t> order = graph.getFirstUseOrder();
  for (size_t k = 0; k < order.size(); ++k) {
    int32_t item = order[k];
    firstUseRank[item] = static_cast<int32_t>(k);
    int64_t start = graph.getStartWeight(item);
    if (start != 0)
      firstItem = item;
    totalWeight[item] += start;
    // An item is accessed iff it is the first access or has an edge: any
    // later access follows a different item, or the same item, which was
    // itself accessed earlier.
    if (start != 0 || !adj[item].empty())
      accessed.push_back(item);
  }
}

int64_t detail::offsetCost(const Problem &pb, llvm::ArrayRef<int32_t> offsets) {
  int64_t total = 0;
  for (const AccessGraph::Edge &e : pb.graph.getEdges())
    total += e.weight * std::abs(offsets[e.a] - offsets[e.b]);
  if (pb.firstItem >= 0)
    total += std::abs(offsets[pb.firstItem] - pb.initialOffset);
  return total;
}

Placement detail::rowsFromOffsets(const Problem &pb,
                                  llvm::ArrayRef<int32_t> offsets) {
  Placement rows(static_cast<size_t>(pb.numItems), -1);
  std::vector<int32_t> nextPort(static_cast<size_t>(pb.segment), 0);
  for (int32_t item = 0; item < pb.numItems; ++item) {
    int32_t off = offsets[item];
    if (off < 0)
      continue;
    assert(off < pb.segment && nextPort[off] < pb.ports &&
           "more than P items at one offset");
    rows[item] = nextPort[off]++ * pb.segment + off;
  }
  return rows;
}

std::vector<int32_t> detail::offsetsFromRows(const Problem &pb,
                                             llvm::ArrayRef<int32_t> rows) {
  std::vector<int32_t> offsets(rows.size(), -1);
  for (size_t item = 0; item < rows.size(); ++item)
    if (rows[item] >= 0)
      offsets[item] = rows[item] % pb.segment;
  return offsets;
}

Placement detail::completePlacement(const Problem &pb, Placement rows) {
  std::vector<char> used(static_cast<size_t>(pb.geom.rows), 0);
  for (int32_t row : rows)
    if (row >= 0)
      used[row] = 1;
  int32_t nextRow = 0;
  for (int32_t &row : rows) {
    if (row >= 0)
      continue;
    while (used[nextRow])
      ++nextRow;
    row = nextRow;
    used[nextRow] = 1;
  }
  return rows;
}

//===----------------------------------------------------------------------===//
// placeTrace
//===----------------------------------------------------------------------===//

/// The item limit of exact: the option, capped by the hard limit.
static int64_t exactLimitOf(const PlaceOptions &options) {
  return std::min(options.exactLimit, exactHardLimit);
}

static Placement runStrategy(const Problem &pb, Strategy strategy,
                             const PlaceOptions &options) {
  switch (strategy) {
  case Strategy::Ofu:
    return placeOfu(pb);
  case Strategy::Liao:
    return placeLiao(pb);
  case Strategy::Chen:
    return placeChen(pb);
  case Strategy::ShiftsReduce:
    return placeShiftsReduce(pb, options);
  case Strategy::Interleave:
    return placeInterleave(pb);
  case Strategy::Exact:
    return placeExact(pb);
  case Strategy::Auto:
    break;
  }
  // Auto: the cheapest of the others, the first in CLI order on ties.
  Placement best;
  int64_t bestCost = 0;
  for (Strategy s : allStrategies) {
    if (s == Strategy::Auto ||
        (s == Strategy::Exact && pb.numItems > exactLimitOf(options)))
      continue;
    Placement rows = completePlacement(pb, runStrategy(pb, s, options));
    int64_t cost = pb.graph.cost(rows, pb.geom);
    if (best.empty() || cost < bestCost) {
      best = std::move(rows);
      bestCost = cost;
    }
  }
  return best;
}

llvm::Expected<Placement>
rtc::racetrack::place::placeTrace(const AccessTrace &trace,
                                  const TrackGeometry &geom, Strategy strategy,
                                  const PlaceOptions &options) {
  if (geom.rows <= 0 || geom.ports <= 0 || geom.rows % geom.ports != 0)
    return emitError(Location::unknown(),
                     "invalid track geometry: {} ports do not evenly divide "
                     "{} rows",
                     geom.ports, geom.rows);
  if (trace.numItems > geom.rows)
    return emitError(Location::unknown(),
                     "{} items do not fit the {} rows of an MU", trace.numItems,
                     geom.rows);
  if (strategy == Strategy::Exact && trace.numItems > exactLimitOf(options))
    return emitError(Location::unknown(),
                     "exact placement handles at most {} items; this MU "
                     "group has {}: use another --placement",
                     exactLimitOf(options), trace.numItems);
  assert(trace.initialOffset >= 0 && trace.initialOffset < geom.segment() &&
         "initial offset outside the segment");
  AccessGraph graph(trace);
  Problem pb(graph, geom);
  Placement rows = completePlacement(pb, runStrategy(pb, strategy, options));
  assert(isValidPlacement(rows, trace.numItems, geom) &&
         "a strategy produced an invalid placement");
  return rows;
}

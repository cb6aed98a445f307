//===- targets/racetrack/place/PlaceImpl.h - Internals ----------*- C++ -*-===//
//
// Shared machinery of the placement strategies (private to place/*.cpp):
// the Problem (graph + geometry + adjacency lists), offset-level cost
// evaluation, layouts of an item order onto the offsets, the local search
// used by chen and shiftsreduce, the path cover of Liao's SOA, and a small
// deterministic PRNG. Strategies work on the accessed items only; never
// accessed items get the leftover rows at the end (completePlacement).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/place/Placement.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace rtc::racetrack::place::detail {

/// exact never takes more items than this, whatever PlaceOptions says: its
/// tables grow as 2^n (about 200 MB at 20 items).
constexpr int64_t exactHardLimit = 20;

/// Root of \p v in a union-find forest (with path halving).
inline int32_t findRoot(std::vector<int32_t> &parent, int32_t v) {
  while (parent[v] != v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

/// Neighbour of an item in the access graph.
struct Neighbour {
  int32_t item;
  int64_t weight;
};

/// Everything a strategy needs, computed once per placeTrace call.
struct Problem {
  Problem(const AccessGraph &graph, const TrackGeometry &geom);

  const AccessGraph &graph;
  TrackGeometry geom;
  int64_t numItems = 0;
  int32_t segment = 1; ///< S
  int32_t ports = 1;   ///< P
  int32_t initialOffset = 0;
  /// The item accessed first (the one with the start edge); -1 if none.
  int32_t firstItem = -1;
  /// Accessed items in first-use order.
  std::vector<int32_t> accessed;
  /// Per item: neighbours sorted by item id.
  std::vector<std::vector<Neighbour>> adj;
  /// Per item: total incident weight (start edge included).
  std::vector<int64_t> totalWeight;
  /// Per item: position in first-use order.
  std::vector<int32_t> firstUseRank;
};

/// Cost of giving every accessed item the offset \p offsets[item] (ports do
/// not matter): the AccessGraph cost, computed from offsets.
int64_t offsetCost(const Problem &pb, llvm::ArrayRef<int32_t> offsets);

/// Rows for the accessed items from offsets: the items at one offset get
/// ports 0, 1, ... in increasing item order. At most P items per offset.
Placement rowsFromOffsets(const Problem &pb, llvm::ArrayRef<int32_t> offsets);

/// Offsets (row % S) of the placed items of \p rows; -1 for unplaced ones.
std::vector<int32_t> offsetsFromRows(const Problem &pb,
                                     llvm::ArrayRef<int32_t> rows);

/// Gives the items without a row (-1) the free rows, in increasing item and
/// row order.
Placement completePlacement(const Problem &pb, Placement rows);

/// A candidate solution: rows of the accessed items (-1 elsewhere) and its
/// cost.
struct Candidate {
  Placement rows;
  int64_t cost = 0;
};

/// Lays the accessed items of \p order out along the offsets in three
/// shapes (packed: P consecutive items share an offset; folded: the order
/// cut into P chunks of ceil(m/P), odd chunks reversed, one per port;
/// snake: chunks of S, one per segment, odd ones reversed), each forwards
/// and backwards, shifted to the base offset that minimises the start
/// cost. \returns the cheapest (the first on ties).
Candidate layoutOrder(const Problem &pb, llvm::ArrayRef<int32_t> order);

/// Lays groups of at most P items at consecutive offsets (group k at base+k,
/// or reversed), best direction and base. \returns the cheaper.
Candidate layoutGroups(const Problem &pb,
                       llvm::ArrayRef<std::vector<int32_t>> groups);

/// A weighted undirected edge between dense vertex ids.
struct WeightedEdge {
  int32_t a, b;
  int64_t weight;
};

/// Liao's greedy maximum-weight path cover of a graph on \p numVertices
/// vertices with Leupers' tie-break, paths concatenated heaviest first.
/// \p rank orders otherwise equal choices (smaller first). \returns every
/// vertex once.
std::vector<int32_t> pathCoverOrder(int32_t numVertices,
                                    llvm::ArrayRef<WeightedEdge> edges,
                                    llvm::ArrayRef<int32_t> rank);

/// Bounds of a local search run.
struct LocalSearchOptions {
  /// Also try reversing the items of an offset range (2-opt on offsets).
  bool reversals = true;
  int32_t maxPasses = 16;
  /// Work budget in visited adjacency entries (deterministic, not a time).
  int64_t budget = 2'500'000;
};

/// First-improvement local search on \p offsets (accessed items): moves of
/// one item to an offset with a free port, swaps of two items' offsets and
/// (optionally) reversals of offset ranges. \returns the final cost.
int64_t localSearch(const Problem &pb, std::vector<int32_t> &offsets,
                    const LocalSearchOptions &options);

/// splitmix64: a fixed generator, identical on every platform.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform-enough integer in [0, n), n > 0.
  int64_t below(int64_t n) { return static_cast<int64_t>(next() % n); }

private:
  uint64_t state;
};

// The strategies. Each returns rows for the accessed items (-1 for the
// others); placeTrace completes them.
Placement placeOfu(const Problem &pb);
Placement placeInterleave(const Problem &pb);
Placement placeLiao(const Problem &pb);
Placement placeChen(const Problem &pb);
Placement placeShiftsReduce(const Problem &pb, const PlaceOptions &options);
Placement placeExact(const Problem &pb);

} // namespace rtc::racetrack::place::detail

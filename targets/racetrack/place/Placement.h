//===- targets/racetrack/place/Placement.h - Shift-aware placement -*- C++ -*-===//
//
// Data placement on racetrack macro units (docs/placement.md). One MU (or a
// lockstep group of MUs, which shift together) holds `rows` = D rows behind
// `ports` = P evenly spaced access ports; with segment length S = D / P,
// row r sits in port segment r / S at offset r % S and can only be read or
// written through port r / S when the MU's shift offset is r % S (the rule
// of the simulator, runtime/sim/MachineState.h getPortRow). Moving the
// offset from a to b costs |a - b| position shifts.
//
// A schedule produces, per MU group, an AccessTrace: the order in which its
// items (data rows: weight rows, activation rows) are touched. A Placement
// gives every item a distinct row. The shifts of serving the trace are
// then fully determined (traceShifts), and the code generator emits exactly
// those shifts, so predicted == measured.
//
// Strategies (names fixed by the CLI `--placement=`):
//   ofu          rows in order of first use (the baseline)
//   liao         maximum-weight path cover of the access graph (Liao's
//                simple offset assignment) with Leupers' tie-break
//   chen         per-port grouping for multi-port tracks
//   shiftsreduce affinity growth from a heavy seed in both directions, local
//                search, then a bounded genetic refinement (deterministic
//                for a seed)
//   interleave   port-interleaved: the k-th item in first-use order at
//                segment k % P, offset k / P (one shift aligns an item under
//                every port: for streaming access)
//   exact        the optimum (subset dynamic programming over offsets), for
//                at most exactLimit items; an error past it
//   auto         the cheapest of all the above (exact only when small)
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rtc::racetrack::place {

/// The geometry placement needs: D rows behind P ports (P divides D).
struct TrackGeometry {
  int64_t rows = 64; ///< D = domains_per_track.
  int64_t ports = 2; ///< P = ports_per_track.

  int64_t segment() const { return rows / ports; } ///< S
  int64_t offsetOf(int64_t row) const { return row % segment(); }
  int64_t portOf(int64_t row) const { return row / segment(); }
  /// The row under port \p port at offset \p offset.
  int64_t rowAt(int64_t port, int64_t offset) const {
    return port * segment() + offset;
  }
};

/// The accesses of one MU group, in program order. Items are 0..numItems-1.
struct AccessTrace {
  int64_t numItems = 0;
  std::vector<int32_t> accesses;
  /// The group's shift offset before the first access (0 at program start).
  int64_t initialOffset = 0;
};

/// Row of every item: distinct, each in [0, rows).
using Placement = std::vector<int32_t>;

/// The symmetric access graph of a trace: weight(a, b) = how often a and b
/// are accessed one right after the other (a != b), plus how often each
/// item is the first access (the edge to the fixed start offset). The cost
/// of a placement is sum over edges of weight x |offset(a) - offset(b)| plus
/// startWeight(a) x |offset(a) - initialOffset|: exactly traceShifts.
class AccessGraph {
public:
  explicit AccessGraph(const AccessTrace &trace);

  int64_t getNumItems() const { return numItems; }
  int64_t getInitialOffset() const { return initialOffset; }
  /// Edges (a < b) with their weights, sorted by (a, b).
  struct Edge {
    int32_t a, b;
    int64_t weight;
  };
  llvm::ArrayRef<Edge> getEdges() const { return edges; }
  /// Weight of the start edge of \p item (1 for the first accessed item).
  int64_t getStartWeight(int32_t item) const;
  /// Items in order of first use (never-accessed items last, by index).
  llvm::ArrayRef<int32_t> getFirstUseOrder() const { return firstUse; }

  /// sum weight x |offset distance| + start cost, for \p placement.
  int64_t cost(const Placement &placement, const TrackGeometry &geom) const;

private:
  int64_t numItems = 0;
  int64_t initialOffset = 0;
  std::vector<Edge> edges;
  std::vector<int64_t> startWeight;
  std::vector<int32_t> firstUse;
};

/// Shifts to serve \p trace with \p placement: start at initialOffset, and
/// for each access move to offsetOf(row of the item). Checks nothing
/// beyond asserts: the placement must be valid (isValidPlacement).
int64_t traceShifts(const AccessTrace &trace, const Placement &placement,
                    const TrackGeometry &geom);

/// \returns true if \p placement gives each of \p numItems items a distinct
/// row in [0, geom.rows).
bool isValidPlacement(const Placement &placement, int64_t numItems,
                      const TrackGeometry &geom);

enum class Strategy { Ofu, Liao, Chen, ShiftsReduce, Interleave, Exact, Auto };

/// All strategies in CLI order (ofu .. auto).
llvm::ArrayRef<Strategy> getAllStrategies();
/// The CLI name: "ofu", "liao", "chen", "shiftsreduce", "interleave",
/// "exact", "auto".
llvm::StringRef getStrategyName(Strategy s);
std::optional<Strategy> parseStrategy(llvm::StringRef name);

struct PlaceOptions {
  /// Seed of shiftsreduce's genetic refinement (same seed, same result).
  uint64_t seed = 1;
  /// Genetic refinement budget: generations x population evaluations. A
  /// count, not a time, so that compiles stay byte-identical.
  int64_t gaGenerations = 40;
  int64_t gaPopulation = 24;
  /// exact refuses more items than this.
  int64_t exactLimit = 14;
};

/// Places the items of \p trace with \p strategy. Errors: more items than
/// rows ("N items do not fit the D rows of an MU"), exact past its limit
/// ("exact placement handles at most L items; this MU group has N: use
/// another --placement"). Never-accessed items are placed too (after the
/// others). Deterministic.
llvm::Expected<Placement> placeTrace(const AccessTrace &trace,
                                     const TrackGeometry &geom,
                                     Strategy strategy,
                                     const PlaceOptions &options = {});

} // namespace rtc::racetrack::place

//===- tools/rtdse/Pareto.h - Pareto front, knee and best points -*- C++
//-*-===//
//
// Multi-objective selection over a sweep's successful points. The
// objectives are accuracy (higher is better) and energy, latency and area
// (lower is better).
//
//  * a dominates b if a is at least as good as b on every objective and
//    strictly better on at least one; the Pareto front is every point that
//    no other point dominates. Points equal on every objective do not
//    dominate each other, so all of them stay on the front.
//  * the knee is the front point closest (Euclidean) to the utopia point
//    after normalising each objective over the front to [0, 1] (0 = the
//    front's best value, 1 = its worst; an objective on which every front
//    point is equal contributes 0). Ties go to the earliest point.
//  * the best point for one objective is the best value of it, ties broken
//    by the other objectives in the order accuracy, energy, latency, area,
//    then by the earliest point.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

namespace rtc::dse {

/// The four objectives, in the order used for tie-breaks.
enum class Objective : unsigned { Accuracy, Energy, Latency, Area };

/// Number of objectives.
constexpr size_t numObjectives = 4;

/// One point's objective values.
struct Objectives {
  double accuracy = 0;  ///< Maximised.
  double energyPj = 0;  ///< Minimised.
  double latencyNs = 0; ///< Minimised.
  double areaMm2 = 0;   ///< Minimised.

  /// \returns the value of \p o oriented so that smaller is better
  /// (accuracy negated).
  double cost(Objective o) const;
};

/// \returns the objectives in tie-break order.
std::array<Objective, numObjectives> getAllObjectives();

/// \returns the column name of \p o: accuracy, energy_pj, latency_ns,
/// area_mm2.
llvm::StringRef getObjectiveName(Objective o);

/// \returns true if \p a dominates \p b.
bool dominates(const Objectives &a, const Objectives &b);

/// \returns the indices of the non-dominated entries of \p points, in
/// increasing order.
std::vector<size_t> computeParetoFront(llvm::ArrayRef<Objectives> points);

/// \returns the knee of \p front (indices into \p points), or none if the
/// front is empty.
std::optional<size_t> findKnee(llvm::ArrayRef<Objectives> points,
                               llvm::ArrayRef<size_t> front);

/// \returns the index of the best entry of \p points for \p o, or none if
/// \p points is empty.
std::optional<size_t> findBest(llvm::ArrayRef<Objectives> points, Objective o);

} // namespace rtc::dse

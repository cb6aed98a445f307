//===- tools/rtdse/Pareto.cpp - Pareto front, knee and best points --------===//
//
// Quadratic dominance checks: sweeps have thousands of points at most, and
// a plain double loop has no corner cases to get wrong.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Pareto.h"

#include <cmath>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

double Objectives::cost(Objective o) const {
  switch (o) {
  case Objective::Accuracy:
    return -accuracy;
  case Objective::Energy:
    return energyPj;
  case Objective::Latency:
    return latencyNs;
  case Objective::Area:
    return areaMm2;
  }
  return 0;
}

std::array<Objective, numObjectives> dse::getAllObjectives() {
  return {Objective::Accuracy, Objective::Energy, Objective::Latency,
          Objective::Area};
}

StringRef dse::getObjectiveName(Objective o) {
  switch (o) {
  case Objective::Accuracy:
    return "accuracy";
  case Objective::Energy:
    return "energy_pj";
  case Objective::Latency:
    return "latency_ns";
  case Objective::Area:
    return "area_mm2";
  }
  return "";
}

bool dse::dominates(const Objectives &a, const Objectives &b) {
  bool strictlyBetter = false;
  for (Objective o : getAllObjectives()) {
    if (a.cost(o) > b.cost(o))
      return false;
    if (a.cost(o) < b.cost(o))
      strictlyBetter = true;
  }
  return strictlyBetter;
}

std::vector<size_t> dse::computeParetoFront(ArrayRef<Objectives> points) {
  std::vector<size_t> front;
  for (size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && dominates(points[j], points[i]);
    if (!dominated)
      front.push_back(i);
  }
  return front;
}

std::optional<size_t> dse::findKnee(ArrayRef<Objectives> points,
                                    ArrayRef<size_t> front) {
  if (front.empty())
    return std::nullopt;
  std::array<double, numObjectives> lo, hi;
  lo.fill(INFINITY);
  hi.fill(-INFINITY);
  for (size_t i : front)
    for (Objective o : getAllObjectives()) {
      double c = points[i].cost(o);
      lo[unsigned(o)] = std::min(lo[unsigned(o)], c);
      hi[unsigned(o)] = std::max(hi[unsigned(o)], c);
    }
  std::optional<size_t> knee;
  double bestDistance = INFINITY;
  for (size_t i : front) {
    double sum = 0;
    for (Objective o : getAllObjectives()) {
      double range = hi[unsigned(o)] - lo[unsigned(o)];
      double x = range > 0 ? (points[i].cost(o) - lo[unsigned(o)]) / range : 0;
      sum += x * x;
    }
    double distance = std::sqrt(sum);
    if (distance < bestDistance) { // strict: ties keep the earliest
      bestDistance = distance;
      knee = i;
    }
  }
  return knee;
}

std::optional<size_t> dse::findBest(ArrayRef<Objectives> points, Objective o) {
  std::optional<size_t> best;
  auto better = [&](const Objectives &a, const Objectives &b) {
    if (a.cost(o) != b.cost(o))
      return a.cost(o) < b.cost(o);
    for (Objective other : getAllObjectives())
      if (a.cost(other) != b.cost(other))
        return a.cost(other) < b.cost(other);
    return false;
  };
  for (size_t i = 0; i < points.size(); ++i)
    if (!best || better(points[i], points[*best]))
      best = i;
  return best;
}

//===- tests/unit/dse/ParetoTest.cpp - Pareto front, knee, best points ----===//
#include "tools/rtdse/Pareto.h"

#include <gtest/gtest.h>

using namespace rtc::dse;

namespace {
Objectives obj(double acc, double energy, double latency, double area) {
  return {acc, energy, latency, area};
}
} // namespace

TEST(Pareto, DominanceNeedsOneStrictImprovement) {
  Objectives a = obj(0.9, 10, 10, 1);
  EXPECT_TRUE(dominates(a, obj(0.8, 10, 10, 1))); // better accuracy
  EXPECT_TRUE(dominates(a, obj(0.9, 11, 10, 1))); // less energy
  EXPECT_TRUE(dominates(a, obj(0.9, 10, 12, 1))); // less latency
  EXPECT_TRUE(dominates(a, obj(0.9, 10, 10, 2))); // less area
  EXPECT_FALSE(dominates(a, a));                  // equal: neither
  EXPECT_FALSE(dominates(obj(0.9, 10, 10, 1), obj(0.95, 20, 10, 1)));
  EXPECT_FALSE(dominates(obj(0.95, 20, 10, 1), obj(0.9, 10, 10, 1)));
  // Higher accuracy is better; lower cost is better.
  EXPECT_FALSE(dominates(obj(0.8, 10, 10, 1), a));
}

TEST(Pareto, FrontOfAHandMadeSet) {
  std::vector<Objectives> pts = {
      obj(0.90, 100, 10, 1.0), // 0: dominated by 1
      obj(0.90, 80, 10, 1.0),  // 1: front
      obj(0.50, 50, 20, 1.0),  // 2: front (least energy)
      obj(0.95, 200, 30, 2.0), // 3: front (best accuracy)
      obj(0.40, 60, 25, 1.5),  // 4: dominated by 2
      obj(0.90, 90, 9, 1.0),   // 5: front (least latency)
  };
  EXPECT_EQ(computeParetoFront(pts), (std::vector<size_t>{1, 2, 3, 5}));
}

TEST(Pareto, EqualPointsStayTogether) {
  // Two identical non-dominated points both stay on the front; two
  // identical points that a third dominates both leave it.
  std::vector<Objectives> pts = {obj(0.9, 10, 10, 1), obj(0.9, 10, 10, 1),
                                 obj(0.5, 5, 5, 1), obj(0.4, 6, 6, 1),
                                 obj(0.4, 6, 6, 1)};
  EXPECT_EQ(computeParetoFront(pts), (std::vector<size_t>{0, 1, 2}));
  std::vector<Objectives> same(3, obj(0.7, 3, 3, 3));
  EXPECT_EQ(computeParetoFront(same), (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(computeParetoFront({}).empty());
}

TEST(Pareto, KneeIsNearestToUtopiaAfterNormalisation) {
  // Over the front: accuracy 0.5..0.9, energy and latency 1..10, area
  // equal (contributes 0). Normalised distances: A = (0, 1, 1, 0) -> 1.414;
  // B = (0.25, 4/9, 4/9, 0) -> 0.676; C = (1, 0, 0, 0) -> 1. Knee: B.
  std::vector<Objectives> pts = {obj(0.9, 10, 10, 1), obj(0.8, 5, 5, 1),
                                 obj(0.5, 1, 1, 1), obj(0.4, 20, 20, 3)};
  std::vector<size_t> front = computeParetoFront(pts);
  ASSERT_EQ(front, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(findKnee(pts, front), 1u);
  // A single point is its own knee; an empty front has none.
  EXPECT_EQ(findKnee(pts, std::vector<size_t>{2}), 2u);
  EXPECT_FALSE(findKnee(pts, {}).has_value());
  // Symmetric ties go to the earliest point.
  std::vector<Objectives> tie = {obj(0.9, 10, 1, 1), obj(0.5, 1, 1, 1)};
  EXPECT_EQ(findKnee(tie, computeParetoFront(tie)), 0u);
}

TEST(Pareto, BestPerObjectiveBreaksTies) {
  std::vector<Objectives> pts = {
      obj(0.9, 100, 10, 2), // 0
      obj(0.9, 90, 10, 2),  // 1: same accuracy as 0, less energy
      obj(0.5, 50, 30, 1),  // 2: least energy and area
      obj(0.5, 50, 20, 1),  // 3: same energy as 2, less latency
      obj(0.6, 70, 5, 3),   // 4: least latency
  };
  EXPECT_EQ(findBest(pts, Objective::Accuracy), 1u);
  EXPECT_EQ(findBest(pts, Objective::Energy), 3u);
  EXPECT_EQ(findBest(pts, Objective::Latency), 4u);
  // Area: 2 and 3 tie at 1 and on accuracy and energy; 3 has less latency.
  EXPECT_EQ(findBest(pts, Objective::Area), 3u);
  // Identical points: the earliest.
  std::vector<Objectives> same(2, obj(0.5, 1, 1, 1));
  EXPECT_EQ(findBest(same, Objective::Energy), 0u);
  EXPECT_FALSE(findBest({}, Objective::Energy).has_value());
  EXPECT_EQ(getObjectiveName(Objective::Latency), "latency_ns");
}

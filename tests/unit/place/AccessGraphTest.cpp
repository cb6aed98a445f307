//===- tests/unit/place/AccessGraphTest.cpp - Graph, cost and names -------===//
//
// The access graph of hand-written traces (edge weights, start edge,
// first-use order), traceShifts on hand-computed examples, the identity
// graph cost == traceShifts == an independent walk on seeded random traces,
// placement validity and the strategy names.
//
//===----------------------------------------------------------------------===//

#include "PlaceTestUtil.h"

#include <algorithm>
#include <numeric>

using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::test;

TEST(AccessGraph, CountsConsecutivePairsAndTheStart) {
  AccessTrace t;
  t.numItems = 4;
  t.accesses = {0, 1, 0, 2, 2, 1};
  AccessGraph g(t);
  ASSERT_EQ(g.getEdges().size(), 3u);
  // (0,1) twice, (0,2) once, (1,2) once; 2 -> 2 is no edge.
  EXPECT_EQ(g.getEdges()[0].a, 0);
  EXPECT_EQ(g.getEdges()[0].b, 1);
  EXPECT_EQ(g.getEdges()[0].weight, 2);
  EXPECT_EQ(g.getEdges()[1].a, 0);
  EXPECT_EQ(g.getEdges()[1].b, 2);
  EXPECT_EQ(g.getEdges()[1].weight, 1);
  EXPECT_EQ(g.getEdges()[2].a, 1);
  EXPECT_EQ(g.getEdges()[2].b, 2);
  EXPECT_EQ(g.getEdges()[2].weight, 1);
  EXPECT_EQ(g.getStartWeight(0), 1);
  EXPECT_EQ(g.getStartWeight(1), 0);
  EXPECT_EQ(g.getStartWeight(3), 0);
  std::vector<int32_t> firstUse(g.getFirstUseOrder().begin(),
                                g.getFirstUseOrder().end());
  EXPECT_EQ(firstUse, (std::vector<int32_t>{0, 1, 2, 3}));
}

TEST(AccessGraph, FirstUseOrderPutsUnusedItemsLast) {
  AccessTrace t;
  t.numItems = 5;
  t.accesses = {3, 1, 3};
  AccessGraph g(t);
  std::vector<int32_t> firstUse(g.getFirstUseOrder().begin(),
                                g.getFirstUseOrder().end());
  EXPECT_EQ(firstUse, (std::vector<int32_t>{3, 1, 0, 2, 4}));
  EXPECT_EQ(g.getStartWeight(3), 1);
}

TEST(TraceShifts, HandComputed) {
  // a b a c with a -> row 0 (offset 0), b -> row 3 (offset 1), c -> row 2
  // (offset 0) on D = 4, P = 2 (S = 2): 0 + 1 + 1 + 0.
  AccessTrace t;
  t.numItems = 3;
  t.accesses = {0, 1, 0, 2};
  TrackGeometry g{4, 2};
  Placement p = {0, 3, 2};
  EXPECT_EQ(traceShifts(t, p, g), 2);
  EXPECT_EQ(AccessGraph(t).cost(p, g), 2);
  // Starting at offset 1 adds one shift to reach a.
  t.initialOffset = 1;
  EXPECT_EQ(traceShifts(t, p, g), 3);
  EXPECT_EQ(AccessGraph(t).cost(p, g), 3);
  // One port, D = 4: a b a c over offsets 2, 0, 2, 3 from 1: 1+2+2+1.
  TrackGeometry one{4, 1};
  EXPECT_EQ(traceShifts(t, {2, 0, 3}, one), 6);
}

TEST(TraceShifts, GraphCostEqualsTraceShiftsOnRandomTraces) {
  std::mt19937 rng(12345);
  const int64_t portChoices[] = {1, 2, 4, 8};
  for (int iter = 0; iter < 300; ++iter) {
    int64_t ports = portChoices[rng() % 4];
    int64_t rows = ports * (1 + static_cast<int64_t>(rng() % 16));
    int64_t n = 1 + static_cast<int64_t>(rng() % rows);
    int64_t len = static_cast<int64_t>(rng() % 80);
    TrackGeometry g{rows, ports};
    AccessTrace t =
        randomTrace(rng, n, len, static_cast<int64_t>(rng() % g.segment()));
    std::vector<int32_t> perm(static_cast<size_t>(rows));
    std::iota(perm.begin(), perm.end(), 0);
    for (size_t i = perm.size(); i > 1; --i)
      std::swap(perm[i - 1], perm[rng() % i]);
    Placement p(perm.begin(), perm.begin() + n);
    int64_t walked = walkShifts(t, p, rows, ports);
    EXPECT_EQ(traceShifts(t, p, g), walked) << "iteration " << iter;
    EXPECT_EQ(AccessGraph(t).cost(p, g), walked) << "iteration " << iter;
  }
}

TEST(Placement, Validity) {
  TrackGeometry g{8, 2};
  EXPECT_TRUE(isValidPlacement({0, 7, 3}, 3, g));
  EXPECT_FALSE(isValidPlacement({0, 7, 0}, 3, g)); // duplicate row
  EXPECT_FALSE(isValidPlacement({0, 8, 1}, 3, g)); // out of range
  EXPECT_FALSE(isValidPlacement({0, -1, 1}, 3, g));
  EXPECT_FALSE(isValidPlacement({0, 1}, 3, g)); // wrong size
  EXPECT_TRUE(isValidPlacement({}, 0, g));
}

TEST(Placement, StrategyNamesRoundTrip) {
  std::vector<std::string> names;
  for (Strategy s : getAllStrategies()) {
    names.push_back(getStrategyName(s).str());
    EXPECT_EQ(parseStrategy(getStrategyName(s)), s);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"ofu", "liao", "chen", "shiftsreduce",
                                      "interleave", "exact", "auto"}));
  EXPECT_FALSE(parseStrategy("greedy").has_value());
  EXPECT_FALSE(parseStrategy("").has_value());
}

//===- tests/unit/place/ExactTest.cpp - Optimality and heuristic quality --===//
//
// exact against an independent brute force over every injective row
// assignment (n <= 7), every heuristic against exact on seeded random
// traces (never cheaper; shiftsreduce and auto within 5 % on average, the
// measured means are printed), and a timing print for 64 items x 50000
// accesses (not an assertion).
//
//===----------------------------------------------------------------------===//

#include "PlaceTestUtil.h"

#include <chrono>
#include <cstdio>
#include <limits>
#include <map>

using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::test;

namespace {

/// Minimum of walkShifts over every assignment of distinct rows to items.
int64_t bruteForce(const AccessTrace &t, int64_t numRows, int64_t numPorts) {
  std::vector<int32_t> rows(static_cast<size_t>(t.numItems), -1);
  std::vector<char> used(static_cast<size_t>(numRows), 0);
  int64_t best = std::numeric_limits<int64_t>::max();
  auto rec = [&](auto &self, int64_t item) -> void {
    if (item == t.numItems) {
      best = std::min(best, walkShifts(t, rows, numRows, numPorts));
      return;
    }
    for (int32_t r = 0; r < numRows; ++r) {
      if (used[r])
        continue;
      used[r] = 1;
      rows[item] = r;
      self(self, item + 1);
      used[r] = 0;
    }
  };
  rec(rec, 0);
  return best;
}

} // namespace

TEST(Exact, MatchesBruteForce) {
  std::mt19937 rng(2024);
  const int64_t portChoices[] = {1, 2, 4};
  for (int iter = 0; iter < 45; ++iter) {
    int64_t ports = portChoices[iter % 3];
    TrackGeometry g{8, ports};
    int64_t n = 2 + static_cast<int64_t>(rng() % 6); // 2..7
    int64_t len = 4 + static_cast<int64_t>(rng() % 20);
    int64_t init = static_cast<int64_t>(rng() % g.segment());
    AccessTrace t = randomTrace(rng, n, len, init);
    Placement p = placeOk(t, g, Strategy::Exact);
    if (p.empty())
      continue;
    EXPECT_EQ(traceShifts(t, p, g), bruteForce(t, g.rows, g.ports))
        << "iteration " << iter << ": n " << n << " P " << ports << " init "
        << init;
  }
}

TEST(Exact, HeuristicsAgainstExactOnRandomTraces) {
  std::mt19937 rng(777);
  const int64_t portChoices[] = {1, 2, 4};
  // (strategy, P) -> sum of ratios, count
  std::map<std::pair<Strategy, int64_t>, std::pair<double, int>> ratios;
  std::map<Strategy, std::pair<double, int>> overall;
  for (int iter = 0; iter < 200; ++iter) {
    int64_t ports = portChoices[iter % 3];
    TrackGeometry g{16, ports};
    int64_t n = 4 + static_cast<int64_t>(rng() % 7);     // 4..10
    int64_t len = 10 + static_cast<int64_t>(rng() % 51); // 10..60
    int64_t init =
        iter % 2 == 0 ? 0 : static_cast<int64_t>(rng() % g.segment());
    AccessTrace t = randomTrace(rng, n, len, init);
    Placement ex = placeOk(t, g, Strategy::Exact);
    if (ex.empty())
      continue;
    int64_t best = traceShifts(t, ex, g);
    for (Strategy s : getAllStrategies()) {
      Placement p = placeOk(t, g, s);
      if (p.empty())
        continue;
      int64_t cost = traceShifts(t, p, g);
      EXPECT_GE(cost, best)
          << getStrategyName(s).str() << " iteration " << iter;
      if (best == 0)
        continue; // ratio undefined; every strategy is then checked >= 0
      double r = static_cast<double>(cost) / static_cast<double>(best);
      auto &cell = ratios[{s, ports}];
      cell.first += r;
      ++cell.second;
      overall[s].first += r;
      ++overall[s].second;
    }
  }
  std::printf("mean cost / exact on 200 random traces (n 4..10, D 16):\n");
  std::printf("  %-13s %8s %8s %8s %8s\n", "strategy", "P=1", "P=2", "P=4",
              "all");
  for (Strategy s : getAllStrategies()) {
    std::printf("  %-13s", getStrategyName(s).str().c_str());
    for (int64_t ports : portChoices) {
      const auto &cell = ratios[{s, ports}];
      std::printf(" %8.4f", cell.second ? cell.first / cell.second : 0.0);
    }
    std::printf(" %8.4f\n", overall[s].first / overall[s].second);
  }
  std::printf("  %-13s", "(traces)");
  for (int64_t ports : portChoices)
    std::printf(" %8d", ratios[{Strategy::Exact, ports}].second);
  std::printf(" %8d  (exact cost 0 excluded)\n",
              overall[Strategy::Exact].second);
  auto mean = [&](Strategy s) { return overall[s].first / overall[s].second; };
  EXPECT_LE(mean(Strategy::ShiftsReduce), 1.05);
  EXPECT_LE(mean(Strategy::Auto), 1.05);
  EXPECT_DOUBLE_EQ(mean(Strategy::Exact), 1.0);
}

TEST(Placement, TimingSanity) {
  std::mt19937 rng(31337);
  AccessTrace t = randomTrace(rng, 64, 50000);
  for (int64_t ports : {1, 2, 4}) {
    TrackGeometry g{64, ports};
    std::printf("64 items x 50000 accesses, D 64, P %lld:\n",
                static_cast<long long>(ports));
    for (Strategy s : getAllStrategies()) {
      if (s == Strategy::Exact)
        continue;
      auto t0 = std::chrono::steady_clock::now();
      Placement p = placeOk(t, g, s);
      auto t1 = std::chrono::steady_clock::now();
      double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
      std::printf(
          "  %-13s %8.2f ms  cost %lld\n", getStrategyName(s).str().c_str(), ms,
          static_cast<long long>(p.empty() ? -1 : traceShifts(t, p, g)));
    }
  }
}

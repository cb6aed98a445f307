//===- targets/racetrack/place/ShiftsReduce.cpp - Affinity growth + GA ----===//
//
// shiftsreduce, after Khan et al., "ShiftsReduce: Minimizing Shifts in
// Racetrack Memory 4.0" (ACM TACO 16(4), 2019): the sequence grows from the
// heaviest item in both directions, each step appending the unplaced item
// with the strongest affinity to the end it attaches to; the sequence is
// laid out, improved by local search, then by a small genetic search
// (order crossover, swap mutation, elitism) seeded with the local optimum,
// and polished by a last local search. Every random choice comes from a
// splitmix64 generator seeded by PlaceOptions::seed, and the budgets are
// counts, so the result is the same on every machine.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/place/PlaceImpl.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <numeric>
#include <tuple>

using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::detail;

/// Phase 1: bidirectional affinity growth. \returns the accessed items as
/// one sequence.
static std::vector<int32_t> growSequence(const Problem &pb) {
  const std::vector<int32_t> &items = pb.accessed;
  auto n = static_cast<size_t>(pb.numItems);
  // Seed: the largest total incident weight, earliest first use on ties.
  int32_t seed = items.front();
  for (int32_t item : items)
    if (pb.totalWeight[item] > pb.totalWeight[seed])
      seed = item;
  std::deque<int32_t> seq = {seed};
  std::vector<char> placed(n, 0);
  placed[seed] = 1;
  // Affinity of every item to the current left/right end, and to all the
  // items on each side (the tie-break).
  std::vector<int64_t> toEnd[2] = {std::vector<int64_t>(n, 0),
                                   std::vector<int64_t>(n, 0)};
  std::vector<int64_t> toSide[2] = {std::vector<int64_t>(n, 0),
                                    std::vector<int64_t>(n, 0)};
  int32_t end[2] = {seed, seed};
  for (int side = 0; side < 2; ++side)
    for (const Neighbour &nb : pb.adj[seed]) {
      toEnd[side][nb.item] = nb.weight;
      toSide[side][nb.item] = nb.weight;
    }
  for (size_t step = 1; step < items.size(); ++step) {
    // Pick (item, side) by affinity to that end, then to that side, then
    // total weight, then first use; the right side first on full ties.
    int32_t bestItem = -1;
    int bestSide = 1;
    auto better = [&](int32_t item, int side) {
      if (bestItem < 0)
        return true;
      auto key = [&](int32_t it, int s) {
        return std::make_tuple(toEnd[s][it], toSide[s][it], pb.totalWeight[it],
                               -pb.firstUseRank[it], s);
      };
      return key(item, side) > key(bestItem, bestSide);
    };
    for (int32_t item : items) {
      if (placed[item])
        continue;
      for (int side = 1; side >= 0; --side)
        if (better(item, side)) {
          bestItem = item;
          bestSide = side;
        }
    }
    if (bestItem < 0)
      break; // unreachable: an unplaced item remains at every step
    placed[static_cast<size_t>(bestItem)] = 1;
    if (bestSide == 0)
      seq.push_front(bestItem);
    else
      seq.push_back(bestItem);
    int32_t old = end[bestSide];
    end[bestSide] = bestItem;
    for (const Neighbour &nb : pb.adj[old])
      toEnd[bestSide][nb.item] = 0;
    for (const Neighbour &nb : pb.adj[bestItem]) {
      toEnd[bestSide][nb.item] = nb.weight;
      toSide[bestSide][nb.item] += nb.weight;
    }
  }
  return std::vector<int32_t>(seq.begin(), seq.end());
}

//===----------------------------------------------------------------------===//
// Genetic refinement
//===----------------------------------------------------------------------===//

namespace {
/// A chromosome is a permutation of the D slots' tokens: position q is
/// offset q / P, port q % P; token t < m is accessed item t, the rest are
/// empty slots. Neighbouring positions are at the same or adjacent offsets,
/// so order crossover keeps useful blocks.
struct Individual {
  std::vector<int32_t> genes;
  int64_t cost = 0;
};

class Genetic {
public:
  Genetic(const Problem &pb, uint64_t seed)
      : pb(pb), rng(seed), slots(static_cast<int32_t>(pb.ports) * pb.segment),
        m(static_cast<int32_t>(pb.accessed.size())),
        offsets(static_cast<size_t>(pb.numItems), -1) {}

  Individual fromOffsets(llvm::ArrayRef<int32_t> off) {
    std::vector<std::vector<int32_t>> byOffset(static_cast<size_t>(pb.segment));
    for (int32_t t = 0; t < m; ++t)
      byOffset[off[pb.accessed[t]]].push_back(t);
    Individual ind;
    int32_t empty = m;
    for (int32_t o = 0; o < pb.segment; ++o) {
      for (int32_t t : byOffset[o])
        ind.genes.push_back(t);
      for (size_t k = byOffset[o].size(); k < static_cast<size_t>(pb.ports);
           ++k)
        ind.genes.push_back(empty++);
    }
    evaluate(ind);
    return ind;
  }

  std::vector<int32_t> toOffsets(const Individual &ind) const {
    std::vector<int32_t> off(static_cast<size_t>(pb.numItems), -1);
    for (int32_t q = 0; q < slots; ++q)
      if (ind.genes[q] < m)
        off[pb.accessed[ind.genes[q]]] = q / pb.ports;
    return off;
  }

  void evaluate(Individual &ind) {
    for (int32_t q = 0; q < slots; ++q)
      if (ind.genes[q] < m)
        offsets[pb.accessed[ind.genes[q]]] = q / pb.ports;
    ind.cost = offsetCost(pb, offsets);
  }

  /// Swaps two positions at different offsets (a no-op if there is one).
  void mutate(Individual &ind) {
    if (pb.segment < 2)
      return;
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto x = static_cast<int32_t>(rng.below(slots));
      auto y = static_cast<int32_t>(rng.below(slots));
      if (x / pb.ports == y / pb.ports ||
          (ind.genes[x] >= m && ind.genes[y] >= m))
        continue;
      std::swap(ind.genes[x], ind.genes[y]);
      return;
    }
  }

  /// Order crossover (OX1): a slice of \p a, the rest in \p b's order.
  Individual crossover(const Individual &a, const Individual &b) {
    auto lo = static_cast<int32_t>(rng.below(slots));
    auto hi = static_cast<int32_t>(rng.below(slots));
    if (lo > hi)
      std::swap(lo, hi);
    Individual child;
    child.genes.assign(static_cast<size_t>(slots), -1);
    std::vector<char> taken(static_cast<size_t>(slots), 0);
    for (int32_t q = lo; q <= hi; ++q) {
      child.genes[q] = a.genes[q];
      taken[a.genes[q]] = 1;
    }
    int32_t write = (hi + 1) % slots;
    for (int32_t k = 0; k < slots; ++k) {
      int32_t gene = b.genes[(hi + 1 + k) % slots];
      if (taken[gene])
        continue;
      child.genes[write] = gene;
      write = (write + 1) % slots;
    }
    return child;
  }

  int32_t tournament(const std::vector<Individual> &pop) {
    auto best =
        static_cast<int32_t>(rng.below(static_cast<int64_t>(pop.size())));
    for (int k = 0; k < 2; ++k) {
      auto other =
          static_cast<int32_t>(rng.below(static_cast<int64_t>(pop.size())));
      if (pop[other].cost < pop[best].cost)
        best = other;
    }
    return best;
  }

  Individual run(const std::vector<Individual> &seeds, int64_t populationSize,
                 int64_t generations) {
    std::vector<Individual> pop(seeds.begin(), seeds.end());
    while (static_cast<int64_t>(pop.size()) < populationSize) {
      auto k = static_cast<int64_t>(pop.size());
      Individual ind = seeds[static_cast<size_t>(k) % seeds.size()];
      if (k % 4 == 3) {
        // A few random individuals keep the population diverse.
        for (int32_t q = slots - 1; q > 0; --q)
          std::swap(ind.genes[q], ind.genes[rng.below(q + 1)]);
      } else {
        for (int64_t s = 0; s <= k % 4; ++s)
          mutate(ind);
      }
      evaluate(ind);
      pop.push_back(std::move(ind));
    }
    auto byCost = [](const Individual &x, const Individual &y) {
      return x.cost < y.cost;
    };
    std::stable_sort(pop.begin(), pop.end(), byCost);
    const size_t elites = std::min<size_t>(2, pop.size());
    for (int64_t g = 0; g < generations; ++g) {
      std::vector<Individual> next(pop.begin(), pop.begin() + elites);
      while (next.size() < pop.size()) {
        // Two statements: argument evaluation order is unspecified.
        int32_t mother = tournament(pop);
        int32_t father = tournament(pop);
        Individual child = crossover(pop[mother], pop[father]);
        if (rng.below(100) < 40)
          mutate(child);
        evaluate(child);
        next.push_back(std::move(child));
      }
      pop = std::move(next);
      std::stable_sort(pop.begin(), pop.end(), byCost);
    }
    return pop.front();
  }

private:
  const Problem &pb;
  SplitMix64 rng;
  int32_t slots;
  int32_t m;
  std::vector<int32_t> offsets; ///< scratch of evaluate()
};
} // namespace

Placement detail::placeShiftsReduce(const Problem &pb,
                                    const PlaceOptions &options) {
  if (pb.accessed.empty())
    return Placement(static_cast<size_t>(pb.numItems), -1);
  // Local optima from three orders: the affinity growth (the heuristic
  // proper), Liao's path cover and the first use; the best seeds the rest.
  LocalSearchOptions ls;
  std::vector<std::vector<int32_t>> starts;
  for (const Placement &rows :
       {layoutOrder(pb, growSequence(pb)).rows, placeLiao(pb),
        layoutOrder(pb, pb.accessed).rows}) {
    std::vector<int32_t> offsets = offsetsFromRows(pb, rows);
    localSearch(pb, offsets, ls);
    starts.push_back(std::move(offsets));
  }
  std::vector<int32_t> offsets = starts.front();
  for (const auto &start : starts)
    if (offsetCost(pb, start) < offsetCost(pb, offsets))
      offsets = start;
  if (options.gaPopulation >= 2 && options.gaGenerations > 0) {
    Genetic ga(pb, options.seed);
    std::vector<Individual> seeds;
    for (const auto &start : starts)
      seeds.push_back(ga.fromOffsets(start));
    if (static_cast<int64_t>(seeds.size()) > options.gaPopulation)
      seeds.resize(static_cast<size_t>(options.gaPopulation));
    Individual best =
        ga.run(seeds, options.gaPopulation, options.gaGenerations);
    std::vector<int32_t> gaOffsets = ga.toOffsets(best);
    localSearch(pb, gaOffsets, ls);
    if (offsetCost(pb, gaOffsets) < offsetCost(pb, offsets))
      offsets = std::move(gaOffsets);
  }
  return rowsFromOffsets(pb, offsets);
}

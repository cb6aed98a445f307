//===- targets/racetrack/place/Exact.cpp - Optimal placement by subset DP -===//
//
// The exact strategy. The cost of a placement is a sum over the unit gaps
// between offsets t and t+1 of the weight of the edges crossing the gap
// (the start edge is an edge to a virtual item pinned at the initial
// offset). With X_t the items at offsets <= t, the gap's weight depends on
// X_t only, so a dynamic program over the offsets that adds, at each
// offset, a set Y of at most P items finds the optimum:
//
//   dp_t[X u Y] = min dp_{t-1}[X] ;  then dp_t[Z] += cut_t(Z)  (t < last)
//   cut_t(Z) = w(Z, V \ Z) + (init <= t ? start(V \ Z) : start(Z))
//
// Empty offsets are allowed, so the program covers every placement in its
// window of offsets; docs/placement.md shows that some optimal placement
// lies in [init - (m-1), init + (m-1)] (clipped to the segment), which is
// the window used: at most 2m - 1 offsets, O(m * 3^m) time at worst (fewer
// for small P) and O(m * 2^m) memory for the choices.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/place/PlaceImpl.h"

#include <algorithm>
#include <cassert>
#include <limits>

using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::detail;

/// Calls \p f with every subset of the \p count bits (bit indices in
/// \p bits from \p start on) of size at most \p left, added to \p cur.
template <typename F>
static void forSubsetsUpTo(const int32_t *bits, int32_t count, int32_t start,
                           int32_t left, uint32_t cur, F &f) {
  f(cur);
  if (left == 0)
    return;
  for (int32_t i = start; i < count; ++i)
    forSubsetsUpTo(bits, count, i + 1, left - 1, cur | (1u << bits[i]), f);
}

Placement detail::placeExact(const Problem &pb) {
  const std::vector<int32_t> &items = pb.accessed;
  auto m = static_cast<int32_t>(items.size());
  Placement rows(static_cast<size_t>(pb.numItems), -1);
  if (m == 0)
    return rows;
  assert(m <= exactHardLimit && "exact placement beyond its hard limit");
  std::vector<int32_t> bitOf(static_cast<size_t>(pb.numItems), -1);
  for (int32_t i = 0; i < m; ++i)
    bitOf[items[i]] = i;
  const uint32_t full = (1u << m) - 1;
  const size_t states = size_t{1} << m;

  // Dense weights among the accessed items.
  std::vector<std::vector<int64_t>> w(static_cast<size_t>(m),
                                      std::vector<int64_t>(m, 0));
  std::vector<int64_t> degree(static_cast<size_t>(m), 0);
  for (const AccessGraph::Edge &e : pb.graph.getEdges()) {
    int32_t a = bitOf[e.a], b = bitOf[e.b];
    w[a][b] += e.weight;
    w[b][a] += e.weight;
    degree[a] += e.weight;
    degree[b] += e.weight;
  }
  // cut(X) = cut(X - {low}) + degree(low) - 2 w(low, X - {low}).
  std::vector<int64_t> cutW(states, 0);
  for (uint32_t x = 1; x <= full; ++x) {
    int32_t low = __builtin_ctz(x);
    uint32_t rest = x & (x - 1);
    int64_t toRest = 0;
    for (uint32_t r = rest; r != 0; r &= r - 1)
      toRest += w[low][__builtin_ctz(r)];
    cutW[x] = cutW[rest] + degree[low] - 2 * toRest;
  }
  const uint32_t firstMask = 1u << bitOf[pb.firstItem];

  const int32_t lo = std::max(0, pb.initialOffset - (m - 1));
  const int32_t hi = std::min(pb.segment - 1, pb.initialOffset + (m - 1));
  const int32_t layers = hi - lo + 1;
  constexpr int64_t inf = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> cur(states, inf), next(states, inf);
  std::vector<uint32_t> choice(static_cast<size_t>(layers) * states, 0);
  cur[0] = 0;
  std::vector<int32_t> bits;
  for (int32_t t = lo; t <= hi; ++t) {
    std::fill(next.begin(), next.end(), inf);
    uint32_t *layerChoice =
        choice.data() + static_cast<size_t>(t - lo) * states;
    for (uint32_t x = 0; x <= full; ++x) {
      if (cur[x] == inf)
        continue;
      bits.clear();
      for (uint32_t r = full & ~x; r != 0; r &= r - 1)
        bits.push_back(__builtin_ctz(r));
      const int64_t base = cur[x];
      auto relax = [&](uint32_t y) {
        uint32_t z = x | y;
        if (base < next[z]) {
          next[z] = base;
          layerChoice[z] = y;
        }
      };
      forSubsetsUpTo(bits.data(), static_cast<int32_t>(bits.size()), 0,
                     std::min<int32_t>(pb.ports, m), 0u, relax);
    }
    if (t < hi) {
      const bool startPlaced = pb.initialOffset <= t;
      for (uint32_t z = 0; z <= full; ++z) {
        if (next[z] == inf)
          continue;
        bool firstIn = (z & firstMask) != 0;
        next[z] += cutW[z] + ((startPlaced ? !firstIn : firstIn) ? 1 : 0);
      }
    }
    std::swap(cur, next);
  }
  assert(cur[full] != inf && "the window cannot hold the items");

  // Walk the choices back; items at one offset take ports 0, 1, ...
  uint32_t z = full;
  for (int32_t t = hi; t >= lo; --t) {
    uint32_t y = choice[static_cast<size_t>(t - lo) * states + z];
    int32_t port = 0;
    for (uint32_t r = y; r != 0; r &= r - 1)
      rows[items[__builtin_ctz(r)]] = port++ * pb.segment + t;
    z &= ~y;
  }
  assert(z == 0 && "exact placement lost items");
  return rows;
}

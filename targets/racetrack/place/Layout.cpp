//===- targets/racetrack/place/Layout.cpp - Layouts and local search ------===//
//
// The building blocks the heuristics share: laying an item order or a list
// of offset groups onto the offsets of a track (best direction and base),
// Liao's greedy maximum-weight path cover with Leupers' tie-break, and a
// first-improvement local search over offsets (moves, swaps, reversals).
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/place/PlaceImpl.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <numeric>

using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::detail;

//===----------------------------------------------------------------------===//
// Layouts
//===----------------------------------------------------------------------===//

namespace {
/// One way of putting the items of an order at (port, relative offset).
struct Shape {
  std::vector<int32_t> port, rel; ///< per position in the order
  int32_t width = 0;              ///< offsets spanned (max rel + 1)
};
} // namespace

/// Finishes a shape: shifts it to the base offset that minimises the start
/// cost (the internal cost does not depend on the base).
static Candidate placeShape(const Problem &pb, llvm::ArrayRef<int32_t> order,
                            const Shape &shape) {
  std::vector<int32_t> rel(static_cast<size_t>(pb.numItems), 0);
  int32_t firstRel = 0;
  for (size_t q = 0; q < order.size(); ++q) {
    rel[order[q]] = shape.rel[q];
    if (order[q] == pb.firstItem)
      firstRel = shape.rel[q];
  }
  int64_t cost = 0;
  for (const AccessGraph::Edge &e : pb.graph.getEdges())
    cost += e.weight * std::abs(rel[e.a] - rel[e.b]);
  int32_t base =
      std::clamp(pb.initialOffset - firstRel, 0, pb.segment - shape.width);
  if (pb.firstItem >= 0)
    cost += std::abs(firstRel + base - pb.initialOffset);
  Candidate c;
  c.rows.assign(static_cast<size_t>(pb.numItems), -1);
  for (size_t q = 0; q < order.size(); ++q)
    c.rows[order[q]] = shape.port[q] * pb.segment + shape.rel[q] + base;
  c.cost = cost;
  return c;
}

/// Chunks of \p chunk positions per port, odd chunks reversed (so that the
/// order continues at the same offset on the next port).
static Shape foldedShape(int32_t m, int32_t chunk) {
  Shape s;
  for (int32_t q = 0; q < m; ++q) {
    int32_t port = q / chunk, pos = q % chunk;
    s.port.push_back(port);
    s.rel.push_back(port % 2 == 0 ? pos : chunk - 1 - pos);
    s.width = std::max(s.width, s.rel.back() + 1);
  }
  return s;
}

Candidate detail::layoutOrder(const Problem &pb,
                              llvm::ArrayRef<int32_t> order) {
  auto m = static_cast<int32_t>(order.size());
  int32_t p = pb.ports;
  std::vector<Shape> shapes;
  Shape packed;
  for (int32_t q = 0; q < m; ++q) {
    packed.port.push_back(q % p);
    packed.rel.push_back(q / p);
  }
  packed.width = (m + p - 1) / p;
  shapes.push_back(std::move(packed));
  if (p > 1 && m > 1) {
    shapes.push_back(foldedShape(m, (m + p - 1) / p));
    shapes.push_back(foldedShape(m, pb.segment));
  }
  std::vector<int32_t> reversed(order.rbegin(), order.rend());
  Candidate best;
  bool haveBest = false;
  for (const Shape &shape : shapes) {
    for (llvm::ArrayRef<int32_t> o : {order, llvm::ArrayRef(reversed)}) {
      Candidate c = placeShape(pb, o, shape);
      if (!haveBest || c.cost < best.cost) {
        best = std::move(c);
        haveBest = true;
      }
    }
  }
  return best;
}

Candidate detail::layoutGroups(const Problem &pb,
                               llvm::ArrayRef<std::vector<int32_t>> groups) {
  assert(static_cast<int32_t>(groups.size()) <= pb.segment &&
         "more groups than offsets");
  Candidate best;
  for (int dir = 0; dir < 2; ++dir) {
    std::vector<int32_t> order;
    Shape shape;
    auto k = static_cast<int32_t>(groups.size());
    for (int32_t g = 0; g < k; ++g) {
      const std::vector<int32_t> &group = groups[dir == 0 ? g : k - 1 - g];
      assert(static_cast<int32_t>(group.size()) <= pb.ports &&
             "group larger than P");
      for (size_t port = 0; port < group.size(); ++port) {
        order.push_back(group[port]);
        shape.port.push_back(static_cast<int32_t>(port));
        shape.rel.push_back(g);
      }
    }
    shape.width = k;
    Candidate c = placeShape(pb, order, shape);
    if (dir == 0 || c.cost < best.cost)
      best = std::move(c);
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Liao's path cover
//===----------------------------------------------------------------------===//

std::vector<int32_t> detail::pathCoverOrder(int32_t numVertices,
                                            llvm::ArrayRef<WeightedEdge> edges,
                                            llvm::ArrayRef<int32_t> rank) {
  std::vector<int64_t> incident(static_cast<size_t>(numVertices), 0);
  for (const WeightedEdge &e : edges) {
    incident[e.a] += e.weight;
    incident[e.b] += e.weight;
  }
  // Heaviest first; among equal weights Leupers' tie-break: prefer the edge
  // whose endpoints carry less other weight (taking it blocks less).
  std::vector<size_t> sorted(edges.size());
  std::iota(sorted.begin(), sorted.end(), size_t{0});
  auto other = [&](const WeightedEdge &e) {
    return incident[e.a] + incident[e.b] - 2 * e.weight;
  };
  auto key = [&](const WeightedEdge &e) {
    return std::make_pair(std::min(rank[e.a], rank[e.b]),
                          std::max(rank[e.a], rank[e.b]));
  };
  std::sort(sorted.begin(), sorted.end(), [&](size_t x, size_t y) {
    const WeightedEdge &ex = edges[x], &ey = edges[y];
    if (ex.weight != ey.weight)
      return ex.weight > ey.weight;
    if (other(ex) != other(ey))
      return other(ex) < other(ey);
    return key(ex) < key(ey);
  });
  std::vector<int32_t> parent(static_cast<size_t>(numVertices));
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<std::vector<int32_t>> link(static_cast<size_t>(numVertices));
  std::vector<int64_t> linkWeight(static_cast<size_t>(numVertices), 0);
  for (size_t idx : sorted) {
    const WeightedEdge &e = edges[idx];
    if (link[e.a].size() >= 2 || link[e.b].size() >= 2)
      continue;
    int32_t ra = findRoot(parent, e.a), rb = findRoot(parent, e.b);
    if (ra == rb)
      continue; // would close a cycle
    parent[ra] = rb;
    link[e.a].push_back(e.b);
    link[e.b].push_back(e.a);
    linkWeight[e.a] += e.weight;
  }
  // Walk every path from an endpoint.
  struct Path {
    std::vector<int32_t> items;
    int64_t weight = 0;
    int32_t minRank = 0;
  };
  std::vector<Path> paths;
  std::vector<char> visited(static_cast<size_t>(numVertices), 0);
  for (int32_t v = 0; v < numVertices; ++v) {
    if (visited[v] || link[v].size() >= 2)
      continue;
    Path path;
    path.minRank = rank[v];
    int32_t prev = -1, cur = v;
    while (cur >= 0) {
      visited[cur] = 1;
      path.items.push_back(cur);
      path.weight += linkWeight[cur];
      path.minRank = std::min(path.minRank, rank[cur]);
      int32_t next = -1;
      for (int32_t n : link[cur])
        if (n != prev)
          next = n;
      prev = cur;
      cur = next;
    }
    // Start each path at its earlier-used end.
    if (rank[path.items.back()] < rank[path.items.front()])
      std::reverse(path.items.begin(), path.items.end());
    paths.push_back(std::move(path));
  }
  std::stable_sort(paths.begin(), paths.end(),
                   [](const Path &x, const Path &y) {
                     if (x.weight != y.weight)
                       return x.weight > y.weight;
                     return x.minRank < y.minRank;
                   });
  // Concatenate, turning each path so that its joint edge is heavier.
  std::vector<std::pair<uint64_t, int64_t>> byPair;
  byPair.reserve(edges.size());
  auto pairKey = [](int32_t u, int32_t v) {
    return static_cast<uint64_t>(std::min(u, v)) << 32 |
           static_cast<uint64_t>(std::max(u, v));
  };
  for (const WeightedEdge &e : edges)
    byPair.push_back({pairKey(e.a, e.b), e.weight});
  std::sort(byPair.begin(), byPair.end());
  auto weightBetween = [&](int32_t u, int32_t v) {
    int64_t w = 0;
    auto it = std::lower_bound(byPair.begin(), byPair.end(),
                               std::make_pair(pairKey(u, v), INT64_MIN));
    for (; it != byPair.end() && it->first == pairKey(u, v); ++it)
      w += it->second;
    return w;
  };
  std::vector<int32_t> order;
  order.reserve(static_cast<size_t>(numVertices));
  for (Path &path : paths) {
    if (!order.empty() && path.items.size() > 1 &&
        weightBetween(order.back(), path.items.back()) >
            weightBetween(order.back(), path.items.front()))
      std::reverse(path.items.begin(), path.items.end());
    order.insert(order.end(), path.items.begin(), path.items.end());
  }
  assert(static_cast<int32_t>(order.size()) == numVertices &&
         "path cover lost a vertex");
  return order;
}

//===----------------------------------------------------------------------===//
// Local search
//===----------------------------------------------------------------------===//

namespace {
/// Offsets of the accessed items with per-offset occupancy and O(degree)
/// move deltas.
class OffsetState {
public:
  OffsetState(const Problem &pb, std::vector<int32_t> &offsets)
      : pb(pb), off(offsets), count(static_cast<size_t>(pb.segment), 0) {
    for (int32_t item : pb.accessed)
      ++count[off[item]];
  }

  /// Cost change of moving \p item to offset \p to, the others fixed.
  int64_t moveDelta(int32_t item, int32_t to) {
    int32_t from = off[item];
    int64_t d = 0;
    for (const Neighbour &n : pb.adj[item]) {
      int32_t o = off[n.item];
      d += n.weight * (std::abs(to - o) - std::abs(from - o));
    }
    if (item == pb.firstItem)
      d += std::abs(to - pb.initialOffset) - std::abs(from - pb.initialOffset);
    work += static_cast<int64_t>(pb.adj[item].size()) + 1;
    return d;
  }

  int64_t swapDelta(int32_t a, int32_t b) {
    int32_t oa = off[a], ob = off[b];
    int64_t d = moveDelta(a, ob);
    off[a] = ob;
    d += moveDelta(b, oa);
    off[a] = oa;
    return d;
  }

  void move(int32_t item, int32_t to) {
    --count[off[item]];
    ++count[to];
    off[item] = to;
  }

  /// Cost change of mirroring the items of offsets [lo, hi].
  int64_t reverseDelta(int32_t lo, int32_t hi,
                       const std::vector<std::vector<int32_t>> &byOffset) {
    int64_t d = 0;
    for (int32_t o = lo; o <= hi; ++o) {
      for (int32_t item : byOffset[o]) {
        int32_t to = lo + hi - o;
        for (const Neighbour &n : pb.adj[item]) {
          int32_t no = off[n.item];
          if (no >= lo && no <= hi)
            continue; // both mirrored: distance unchanged
          d += n.weight * (std::abs(to - no) - std::abs(o - no));
        }
        if (item == pb.firstItem)
          d += std::abs(to - pb.initialOffset) - std::abs(o - pb.initialOffset);
        work += static_cast<int64_t>(pb.adj[item].size()) + 1;
      }
    }
    return d;
  }

  void reverse(int32_t lo, int32_t hi) {
    for (int32_t item : pb.accessed)
      if (off[item] >= lo && off[item] <= hi)
        off[item] = lo + hi - off[item];
    std::reverse(count.begin() + lo, count.begin() + hi + 1);
  }

  std::vector<std::vector<int32_t>> bucketByOffset() const {
    std::vector<std::vector<int32_t>> byOffset(static_cast<size_t>(pb.segment));
    for (int32_t item : pb.accessed)
      byOffset[off[item]].push_back(item);
    return byOffset;
  }

  const Problem &pb;
  std::vector<int32_t> &off;
  std::vector<int32_t> count;
  int64_t work = 0;
};
} // namespace

int64_t detail::localSearch(const Problem &pb, std::vector<int32_t> &offsets,
                            const LocalSearchOptions &options) {
  OffsetState st(pb, offsets);
  int64_t cost = offsetCost(pb, offsets);
  const std::vector<int32_t> &items = pb.accessed;
  for (int32_t pass = 0; pass < options.maxPasses; ++pass) {
    bool improved = false;
    for (size_t i = 0; i < items.size() && st.work < options.budget; ++i) {
      int32_t a = items[i];
      for (int32_t to = 0; to < pb.segment; ++to) {
        if (to == offsets[a] || st.count[to] >= pb.ports)
          continue;
        int64_t d = st.moveDelta(a, to);
        if (d < 0) {
          st.move(a, to);
          cost += d;
          improved = true;
        }
      }
      for (size_t j = i + 1; j < items.size(); ++j) {
        int32_t b = items[j];
        if (offsets[a] == offsets[b])
          continue;
        int64_t d = st.swapDelta(a, b);
        if (d < 0) {
          int32_t oa = offsets[a], ob = offsets[b];
          st.move(a, ob);
          st.move(b, oa);
          cost += d;
          improved = true;
        }
      }
    }
    // Reversals are the expensive neighbourhood: only try them once the
    // moves and swaps are stuck.
    if (!improved && options.reversals) {
      auto byOffset = st.bucketByOffset();
      for (int32_t lo = 0; lo + 1 < pb.segment && st.work < options.budget;
           ++lo) {
        for (int32_t hi = lo + 1; hi < pb.segment; ++hi) {
          int64_t d = st.reverseDelta(lo, hi, byOffset);
          if (d < 0) {
            st.reverse(lo, hi);
            cost += d;
            improved = true;
            byOffset = st.bucketByOffset();
          }
        }
      }
    }
    if (!improved || st.work >= options.budget)
      break;
  }
  assert(cost == offsetCost(pb, offsets) && "local search lost track");
  return cost;
}

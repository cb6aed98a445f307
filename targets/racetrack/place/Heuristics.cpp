//===- targets/racetrack/place/Heuristics.cpp - Constructive heuristics ---===//
//
// The constructive strategies. ofu and interleave are fixed layouts of the
// first-use order; liao is simple offset assignment by a maximum-weight
// path cover (Liao et al., PLDI 1995) with Leupers' tie-break; chen is a
// grouping-based placement for multi-port tracks in the spirit of Chen et
// al.'s GBDP (DAC 2015): items with strong affinity share an offset under
// different ports, the groups are ordered along the offsets by the same
// path cover, and a local refinement moves items between groups.
// docs/placement.md describes each with its complexity.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/place/PlaceImpl.h"

#include <algorithm>
#include <cassert>
#include <numeric>

using namespace rtc::racetrack::place;
using namespace rtc::racetrack::place::detail;

Placement detail::placeOfu(const Problem &pb) {
  Placement rows(static_cast<size_t>(pb.numItems), -1);
  llvm::ArrayRef<int32_t> order = pb.graph.getFirstUseOrder();
  for (size_t k = 0; k < order.size(); ++k)
    rows[order[k]] = static_cast<int32_t>(k);
  return rows;
}

Placement detail::placeInterleave(const Problem &pb) {
  Placement rows(static_cast<size_t>(pb.numItems), -1);
  llvm::ArrayRef<int32_t> order = pb.graph.getFirstUseOrder();
  for (size_t k = 0; k < order.size(); ++k) {
    auto kk = static_cast<int32_t>(k);
    rows[order[k]] = (kk % pb.ports) * pb.segment + kk / pb.ports;
  }
  return rows;
}

/// The access graph's edges as WeightedEdges over item ids.
static std::vector<WeightedEdge> itemEdges(const Problem &pb) {
  std::vector<WeightedEdge> edges;
  for (const AccessGraph::Edge &e : pb.graph.getEdges())
    edges.push_back({e.a, e.b, e.weight});
  return edges;
}

Placement detail::placeLiao(const Problem &pb) {
  if (pb.accessed.empty())
    return Placement(static_cast<size_t>(pb.numItems), -1);
  std::vector<int32_t> cover = pathCoverOrder(static_cast<int32_t>(pb.numItems),
                                              itemEdges(pb), pb.firstUseRank);
  // Never-accessed items are isolated vertices: drop them here.
  std::vector<int32_t> order;
  std::vector<char> isAccessed(static_cast<size_t>(pb.numItems), 0);
  for (int32_t item : pb.accessed)
    isAccessed[item] = 1;
  for (int32_t item : cover)
    if (isAccessed[item])
      order.push_back(item);
  return layoutOrder(pb, order).rows;
}

//===----------------------------------------------------------------------===//
// chen
//===----------------------------------------------------------------------===//

/// Capacity-P agglomerative grouping: edges heaviest first, merge the two
/// groups if the result still fits the P ports of one offset. \returns the
/// groups ordered by first use, items in first-use order.
static std::vector<std::vector<int32_t>> affinityGroups(const Problem &pb) {
  std::vector<int32_t> parent(static_cast<size_t>(pb.numItems));
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<int32_t> size(static_cast<size_t>(pb.numItems), 1);
  std::vector<AccessGraph::Edge> edges(pb.graph.getEdges().begin(),
                                       pb.graph.getEdges().end());
  std::stable_sort(edges.begin(), edges.end(),
                   [](const AccessGraph::Edge &x, const AccessGraph::Edge &y) {
                     return x.weight > y.weight;
                   });
  for (const AccessGraph::Edge &e : edges) {
    int32_t ra = findRoot(parent, e.a), rb = findRoot(parent, e.b);
    if (ra == rb || size[ra] + size[rb] > pb.ports)
      continue;
    parent[ra] = rb;
    size[rb] += size[ra];
  }
  std::vector<int32_t> groupOfRoot(static_cast<size_t>(pb.numItems), -1);
  std::vector<std::vector<int32_t>> groups;
  for (int32_t item : pb.accessed) { // first-use order
    int32_t root = findRoot(parent, item);
    if (groupOfRoot[root] < 0) {
      groupOfRoot[root] = static_cast<int32_t>(groups.size());
      groups.emplace_back();
    }
    groups[groupOfRoot[root]].push_back(item);
  }
  return groups;
}

/// Makes the groups fit the S offsets: first-fit decreasing into bins of P;
/// if that still needs more than S bins, P consecutive items per bin.
static std::vector<std::vector<int32_t>>
fitGroups(const Problem &pb, std::vector<std::vector<int32_t>> groups) {
  if (static_cast<int32_t>(groups.size()) <= pb.segment)
    return groups;
  std::vector<size_t> bySize(groups.size());
  std::iota(bySize.begin(), bySize.end(), size_t{0});
  std::stable_sort(bySize.begin(), bySize.end(), [&](size_t x, size_t y) {
    return groups[x].size() > groups[y].size();
  });
  std::vector<std::vector<int32_t>> bins;
  for (size_t g : bySize) {
    auto it = std::find_if(bins.begin(), bins.end(), [&](const auto &bin) {
      return static_cast<int32_t>(bin.size() + groups[g].size()) <= pb.ports;
    });
    if (it == bins.end()) {
      bins.push_back(groups[g]);
    } else {
      it->insert(it->end(), groups[g].begin(), groups[g].end());
    }
  }
  if (static_cast<int32_t>(bins.size()) <= pb.segment)
    return bins;
  std::vector<std::vector<int32_t>> chunks;
  for (const auto &group : groups)
    for (int32_t item : group) {
      if (chunks.empty() ||
          static_cast<int32_t>(chunks.back().size()) == pb.ports)
        chunks.emplace_back();
      chunks.back().push_back(item);
    }
  return chunks;
}

Placement detail::placeChen(const Problem &pb) {
  if (pb.accessed.empty())
    return Placement(static_cast<size_t>(pb.numItems), -1);
  std::vector<std::vector<int32_t>> groups = fitGroups(pb, affinityGroups(pb));
  auto k = static_cast<int32_t>(groups.size());
  std::vector<int32_t> groupOf(static_cast<size_t>(pb.numItems), -1);
  std::vector<int32_t> rank(static_cast<size_t>(k), 0);
  for (int32_t g = 0; g < k; ++g) {
    rank[g] = pb.firstUseRank[groups[g].front()];
    for (int32_t item : groups[g]) {
      groupOf[item] = g;
      rank[g] = std::min(rank[g], pb.firstUseRank[item]);
    }
  }
  // The group graph: item edges between different groups, summed.
  std::vector<WeightedEdge> groupEdges;
  for (const AccessGraph::Edge &e : pb.graph.getEdges()) {
    int32_t ga = groupOf[e.a], gb = groupOf[e.b];
    if (ga != gb)
      groupEdges.push_back({std::min(ga, gb), std::max(ga, gb), e.weight});
  }
  std::sort(groupEdges.begin(), groupEdges.end(),
            [](const WeightedEdge &x, const WeightedEdge &y) {
              return std::make_pair(x.a, x.b) < std::make_pair(y.a, y.b);
            });
  std::vector<WeightedEdge> merged;
  for (const WeightedEdge &e : groupEdges) {
    if (!merged.empty() && merged.back().a == e.a && merged.back().b == e.b)
      merged.back().weight += e.weight;
    else
      merged.push_back(e);
  }
  std::vector<std::vector<int32_t>> ordered;
  for (int32_t g : pathCoverOrder(k, merged, rank))
    ordered.push_back(groups[g]);
  Candidate c = layoutGroups(pb, ordered);
  // Refinement: move items between groups (offsets) while it pays.
  std::vector<int32_t> offsets = offsetsFromRows(pb, c.rows);
  LocalSearchOptions ls;
  ls.reversals = false;
  localSearch(pb, offsets, ls);
  return rowsFromOffsets(pb, offsets);
}

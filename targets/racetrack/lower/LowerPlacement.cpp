//===- targets/racetrack/lower/LowerPlacement.cpp - Placement driver ------===//
//
// lowerToRacetrack: the two lowering passes around placement
// (docs/placement.md, "Integration in the code generator"). Pass 1 records
// every MU group's access trace with the identity placement, once per
// candidate schedule; each trace is compacted to its touched rows and
// placed (auto: the cheapest strategy per group); pass 2 lowers with the
// chosen placement, and the memory image moves to the physical rows. The
// predicted shifts are the traces walked with their placements.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/lower/LowerImpl.h"
#include "targets/racetrack/lower/Lowering.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lower;

/// Rewrites the memory image of \p model for \p maps: every chunk row of an
/// MU with a placement moves to its physical row; the MU's rows are then
/// stored as one chunk spanning the lowest to the highest row written.
static void permuteMemory(CompiledModel &model, const RowMaps &maps,
                          const std::vector<GroupTrace> &groups) {
  std::vector<int64_t> leaderOf;
  for (const GroupTrace &gt : groups) {
    if (leaderOf.size() < size_t(gt.leader + gt.size))
      leaderOf.resize(size_t(gt.leader + gt.size), -1);
    for (int64_t m = gt.leader; m < gt.leader + gt.size; ++m)
      leaderOf[size_t(m)] = gt.leader;
  }
  auto mapOf = [&](int64_t mu) -> const std::vector<int32_t> * {
    if (size_t(mu) >= leaderOf.size() || leaderOf[size_t(mu)] < 0)
      return nullptr;
    const std::vector<int32_t> &m = maps[size_t(leaderOf[size_t(mu)])];
    return m.empty() ? nullptr : &m;
  };
  std::vector<MemoryChunk> kept;
  // Physical rows of every permuted MU: row -> bytes.
  std::map<int64_t, std::map<int64_t, std::vector<uint8_t>>> moved;
  uint32_t rowBytes = 0;
  for (MemoryChunk &c : model.memory) {
    bool permuted = false;
    for (uint32_t k = 0; k < c.muCount; ++k)
      permuted |= mapOf(int64_t(c.firstMu + k)) != nullptr;
    if (!permuted) {
      kept.push_back(std::move(c));
      continue;
    }
    rowBytes = c.rowBytes;
    for (uint32_t k = 0; k < c.muCount; ++k) {
      int64_t mu = int64_t(c.firstMu + k);
      const std::vector<int32_t> *map = mapOf(mu);
      for (uint32_t r = 0; r < c.rowCount; ++r) {
        const uint8_t *src =
            c.data.data() + (size_t(k) * c.rowCount + r) * c.rowBytes;
        int64_t row = int64_t(c.firstRow + r);
        int64_t phys = map ? (*map)[size_t(row)] : row;
        moved[mu][phys].assign(src, src + c.rowBytes);
      }
    }
  }
  for (auto &[mu, rows] : moved) {
    MemoryChunk c;
    c.firstMu = uint32_t(mu);
    c.muCount = 1;
    c.firstRow = uint32_t(rows.begin()->first);
    c.rowCount = uint32_t(rows.rbegin()->first - rows.begin()->first + 1);
    c.rowBytes = rowBytes;
    c.data.assign(size_t(c.rowCount) * rowBytes, 0);
    for (auto &[row, bytes] : rows)
      std::copy(bytes.begin(), bytes.end(),
                c.data.begin() + ptrdiff_t((row - c.firstRow) * rowBytes));
    kept.push_back(std::move(c));
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const MemoryChunk &a, const MemoryChunk &b) {
                     return a.firstMu < b.firstMu;
                   });
  model.memory = std::move(kept);
}

namespace {
/// The placements of one schedule: a strategy per group, their cost.
struct PlacedSchedule {
  ScheduleOptions schedule;
  std::vector<GroupTrace> groups;
  RowMaps maps;          // by leader
  uint64_t shifts = 0;   // sum over groups of cost x MUs
  uint64_t ofuShifts = 0;
  std::vector<int64_t> groupsPerStrategy;
};
} // namespace

/// The accessed rows of \p t renumbered 0..n-1 (in row order), so that the
/// placement works on what is used; \p rows receives the logical row of
/// every compact item.
static place::AccessTrace compactTrace(const place::AccessTrace &t,
                                       std::vector<int32_t> &rows) {
  std::vector<int32_t> index(size_t(t.numItems), -1);
  for (int32_t a : t.accesses)
    index[size_t(a)] = 0;
  rows.clear();
  for (int32_t r = 0; r < int32_t(t.numItems); ++r)
    if (index[size_t(r)] >= 0) {
      index[size_t(r)] = int32_t(rows.size());
      rows.push_back(r);
    }
  place::AccessTrace c;
  c.numItems = int64_t(rows.size());
  c.initialOffset = t.initialOffset;
  c.accesses.reserve(t.accesses.size());
  for (int32_t a : t.accesses)
    c.accesses.push_back(index[size_t(a)]);
  return c;
}

/// Expands a placement of the compact items (logical rows \p rows) to all
/// \p numRows logical rows: the unused ones take the free physical rows in
/// increasing order.
static std::vector<int32_t> expandPlacement(const place::Placement &compact,
                                            llvm::ArrayRef<int32_t> rows,
                                            int64_t numRows) {
  std::vector<int32_t> map(size_t(numRows), -1);
  std::vector<bool> used(size_t(numRows), false);
  for (size_t i = 0; i < rows.size(); ++i) {
    map[size_t(rows[i])] = compact[i];
    used[size_t(compact[i])] = true;
  }
  int32_t next = 0;
  for (int32_t &m : map) {
    if (m >= 0)
      continue;
    while (used[size_t(next)])
      ++next;
    m = next++;
  }
  return map;
}

/// A placement of one compact trace: the chosen rows, the strategy that
/// chose them, their cost and the cost of ofu (shifts of one MU).
struct CachedPlacement {
  place::Placement placement;
  place::Strategy strategy = place::Strategy::Ofu;
  int64_t cost = 0, ofuCost = 0;
};

/// Placements by compact trace ({numItems, initialOffset, accesses...}),
/// shared by the schedules one lowerToRacetrack tries.
using PlacementCache = std::map<std::vector<int32_t>, CachedPlacement>;

/// Places every group of \p groups with \p strategy; Auto tries every
/// strategy on each group (exact where it is within its limit) and keeps
/// the cheapest.
static llvm::Expected<PlacedSchedule>
placeGroups(std::vector<GroupTrace> groups, ScheduleOptions schedule,
            const DeviceConfig &cfg, place::Strategy strategy,
            const place::PlaceOptions &opts, llvm::StringRef modelName,
            PlacementCache &cache) {
  place::TrackGeometry geom{cfg.domainsPerTrack, cfg.portsPerTrack};
  PlacedSchedule ps;
  ps.schedule = schedule;
  ps.groupsPerStrategy.assign(place::getAllStrategies().size(), 0);
  std::vector<int32_t> rows;
  bool isAuto = strategy == place::Strategy::Auto;
  for (const GroupTrace &gt : groups) {
    if (size_t(gt.leader) >= ps.maps.size())
      ps.maps.resize(size_t(gt.leader) + 1);
    if (gt.trace.accesses.empty())
      continue;
    place::AccessTrace trace = compactTrace(gt.trace, rows);
    // Groups with the same compact trace (often the same group under both
    // schedules) get the same placement: place each trace once.
    std::vector<int32_t> key = {int32_t(trace.numItems),
                                int32_t(trace.initialOffset)};
    key.insert(key.end(), trace.accesses.begin(), trace.accesses.end());
    auto it = cache.find(key);
    if (it == cache.end()) {
      CachedPlacement entry;
      std::optional<place::Placement> chosen;
      for (place::Strategy s : place::getAllStrategies()) {
        bool wanted = s == place::Strategy::Ofu ||
                      (!isAuto && s == strategy) ||
                      (isAuto && s != place::Strategy::Auto &&
                       (s != place::Strategy::Exact ||
                        trace.numItems <= opts.exactLimit));
        if (!wanted)
          continue;
        auto p = place::placeTrace(trace, geom, s, opts);
        if (!p)
          return makeError(Location::inFile(modelName),
                           fmt::format("placing MU {} ({} lockstep MUs, {} "
                                       "rows accessed): {}",
                                       gt.leader, gt.size, trace.numItems,
                                       llvm::toString(p.takeError())));
        int64_t c = place::traceShifts(trace, *p, geom);
        if (s == place::Strategy::Ofu)
          entry.ofuCost = c;
        if (isAuto ? !chosen || c < entry.cost : s == strategy) {
          chosen = std::move(*p);
          entry.cost = c;
          entry.strategy = s;
        }
      }
      entry.placement = std::move(*chosen);
      it = cache.emplace(std::move(key), std::move(entry)).first;
    }
    const CachedPlacement &entry = it->second;
    ps.ofuShifts += uint64_t(entry.ofuCost * gt.size);
    ps.shifts += uint64_t(entry.cost * gt.size);
    ++ps.groupsPerStrategy[size_t(entry.strategy)];
    ps.maps[size_t(gt.leader)] =
        expandPlacement(entry.placement, rows, cfg.domainsPerTrack);
  }
  ps.groups = std::move(groups);
  return ps;
}

llvm::Expected<CompiledModel>
racetrack::lowerToRacetrack(const Graph &g, const DeviceConfig &cfg,
                            llvm::StringRef modelName,
                            const LowerOptions &options,
                            PlacementSummary *summary) {
  double placeSeconds = 0;
  // Pass 1 per candidate schedule: record the access traces.
  std::vector<ScheduleOptions> schedules = {options.schedule};
  if (options.placement == place::Strategy::Auto)
    // Straight first (the ofu baseline), then the two that pay off: the
    // zig-zag reduction walk in row-major and in snake order.
    schedules = {ScheduleOptions{false, false}, ScheduleOptions{true, false},
                 ScheduleOptions{true, true}};
  std::optional<PlacedSchedule> best;
  // The baseline: ofu on the first schedule tried (the straight one for
  // auto, i.e. what --placement=ofu compiles).
  std::optional<uint64_t> ofuShifts;
  PlacementCache cache;
  for (ScheduleOptions sched : schedules) {
    Lowerer first(g, cfg, modelName, sched);
    auto traced = first.run();
    if (!traced)
      return traced.takeError();
    auto t0 = std::chrono::steady_clock::now();
    auto placed = placeGroups(first.getTraces(), sched, cfg, options.placement,
                              options.placeOptions, modelName, cache);
    placeSeconds += std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
    if (!placed)
      return placed.takeError();
    if (!ofuShifts)
      ofuShifts = placed->ofuShifts;
    if (!best || placed->shifts < best->shifts)
      best = std::move(*placed);
  }
  // Pass 2: the same schedule with the placement.
  Lowerer second(g, cfg, modelName, best->schedule, &best->maps);
  auto model = second.run();
  if (!model)
    return model.takeError();
  std::vector<GroupTrace> groups = second.getTraces();
  permuteMemory(*model, best->maps, groups);
  if (summary) {
    place::TrackGeometry geom{cfg.domainsPerTrack, cfg.portsPerTrack};
    summary->strategy = options.placement;
    summary->schedule = best->schedule;
    summary->predictedShifts = 0;
    summary->ofuShifts = *ofuShifts;
    summary->groupsPerStrategy = best->groupsPerStrategy;
    summary->layerShifts.assign(model->layers.size(), 0);
    // Walk every trace with its placement, charging each move to the layer
    // of the access it serves.
    for (const GroupTrace &gt : groups) {
      const std::vector<int32_t> &map = best->maps[size_t(gt.leader)];
      int64_t offset = gt.trace.initialOffset;
      for (size_t i = 0; i < gt.trace.accesses.size(); ++i) {
        int64_t row = gt.trace.accesses[i];
        int64_t phys = map.empty() ? row : map[size_t(row)];
        uint64_t moved = uint64_t(std::abs(geom.offsetOf(phys) - offset) *
                                  gt.size);
        offset = geom.offsetOf(phys);
        summary->predictedShifts += moved;
        if (size_t(gt.layers[i]) < summary->layerShifts.size())
          summary->layerShifts[size_t(gt.layers[i])] += moved;
      }
    }
    summary->placeSeconds = placeSeconds;
  }
  return model;
}

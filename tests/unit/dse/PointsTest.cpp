//===- tests/unit/dse/PointsTest.cpp - Point enumeration and ids ----------===//
#include "tools/rtdse/Points.h"

#include "TestTables.h"

#include <gtest/gtest.h>

#include <set>

using namespace rtc;
using namespace rtc::dse;
using namespace rtc::dse::test;

namespace {
/// 2 models x (a: 2 values) x (b: 3 values) x bits {8, 4} x 1 placement.
Manifest makeBigger() {
  Manifest m = makeManifest();
  m.spec.axes = {{"ports_per_track", {"1", "2"}},
                 {"tracks_per_mu", {"8", "16", "32"}}};
  m.spec.bits = {8, 4};
  return m;
}
} // namespace

TEST(Points, EnumerationOrderIsModelConfigBitsPlacement) {
  Manifest m = makeBigger();
  std::vector<Point> pts = enumeratePoints(m);
  ASSERT_EQ(pts.size(), 2u * 2 * 3 * 2);
  for (size_t i = 0; i < pts.size(); ++i)
    EXPECT_EQ(pts[i].index, i);
  // Index 0: model 0, first values, 8 bits; the bit width varies fastest
  // (one placement), then the last swept key, then the first, then model.
  EXPECT_EQ(pts[1].bits, 1u);
  EXPECT_EQ(pts[2].choice, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(pts[6].choice, (std::vector<size_t>{1, 0}));
  EXPECT_EQ(pts[11].choice, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(pts[11].model, 0u);
  EXPECT_EQ(pts[12].model, 1u);
  EXPECT_EQ(pts[12].choice, (std::vector<size_t>{0, 0}));
  EXPECT_EQ(describePoint(m, pts[7]),
            "a ports_per_track=2 tracks_per_mu=8 bits=4 placement=ofu");
  racetrack::DeviceConfig cfg = getPointConfig(m, pts[7]);
  EXPECT_EQ(cfg.portsPerTrack, 2);
  EXPECT_EQ(cfg.tracksPerMu, 8);
}

TEST(Points, ShardsPartitionThePoints) {
  Manifest m = makeBigger();
  std::vector<Point> pts = enumeratePoints(m);
  for (int64_t n : {1, 2, 3, 5, 30}) {
    std::vector<int> owners(pts.size(), 0);
    for (int64_t i = 1; i <= n; ++i)
      for (const Point &p : pts)
        owners[p.index] += isInShard(p, {i, n});
    for (int o : owners)
      EXPECT_EQ(o, 1) << "n = " << n;
  }
  // Shard 2/3 holds indices 1, 4, 7, ...
  EXPECT_TRUE(isInShard(pts[4], {2, 3}));
  EXPECT_FALSE(isInShard(pts[5], {2, 3}));
}

TEST(Points, IdsDependOnWhatDeterminesAResult) {
  Manifest m = makeBigger();
  std::vector<Point> pts = enumeratePoints(m);
  std::set<std::string> ids;
  for (const Point &p : pts) {
    std::string id = getPointId(m, p);
    EXPECT_EQ(id.size(), 20u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), pts.size());
  std::string id = getPointId(m, pts[3]);
  EXPECT_EQ(getPointId(m, pts[3]), id); // deterministic

  // Names and paths do not matter; contents, limits and seeds do.
  Manifest renamed = m;
  renamed.models[0].name = "renamed";
  renamed.models[0].file.path = "/elsewhere/m.onnx";
  renamed.eval.path = "/elsewhere/x.npy";
  EXPECT_EQ(getPointId(renamed, pts[3]), id);
  Manifest other = m;
  other.models[0].file.sha256 = std::string(64, 'f');
  EXPECT_NE(getPointId(other, pts[3]), id);
  other = m;
  other.evalLimit = 20;
  EXPECT_NE(getPointId(other, pts[3]), id);
  other = m;
  other.placementSeed = 2;
  EXPECT_NE(getPointId(other, pts[3]), id);
  other = m;
  other.base.shiftPj = 1.0; // a key nobody sweeps still changes the config
  EXPECT_NE(getPointId(other, pts[3]), id);

  // The same config reached through a different sweep spelling: the point
  // (a, ports 1, tracks 16, 4 bits) of a one-axis sweep over tracks_per_mu
  // with ports_per_track fixed to 1 in the base.
  Manifest oneAxis = m;
  oneAxis.base.portsPerTrack = 1;
  oneAxis.spec.axes = {{"tracks_per_mu", {"16"}}};
  Point q{0, 0, {0}, 1, 0};
  EXPECT_EQ(getPointId(oneAxis, q), getPointId(m, pts[3]));
}

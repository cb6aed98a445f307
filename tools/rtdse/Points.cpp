//===- tools/rtdse/Points.cpp - The points of a sweep
//----------------------===//
//
// Enumeration, shard membership, configs, descriptions and ids of points.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Points.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <fmt/format.h>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

std::vector<Point> dse::enumeratePoints(const Manifest &m) {
  const SweepSpec &spec = m.spec;
  size_t configs = spec.numConfigs();
  std::vector<Point> points;
  points.reserve(m.models.size() * configs * spec.bits.size() *
                 spec.placements.size());
  for (size_t model = 0; model < m.models.size(); ++model) {
    std::vector<size_t> choice(spec.axes.size(), 0);
    for (size_t c = 0; c < configs; ++c) {
      for (size_t b = 0; b < spec.bits.size(); ++b)
        for (size_t pl = 0; pl < spec.placements.size(); ++pl)
          points.push_back({points.size(), model, choice, b, pl});
      // Odometer increment, last axis fastest.
      for (size_t a = spec.axes.size(); a-- > 0;) {
        if (++choice[a] < spec.axes[a].values.size())
          break;
        choice[a] = 0;
      }
    }
  }
  return points;
}

bool dse::isInShard(const Point &p, const Shard &shard) {
  return int64_t(p.index % size_t(shard.count)) == shard.index - 1;
}

racetrack::DeviceConfig dse::getPointConfig(const Manifest &m, const Point &p) {
  return applyChoice(m.base, m.spec, p.choice);
}

std::string dse::describePoint(const Manifest &m, const Point &p) {
  std::string text = m.models[p.model].name;
  for (size_t a = 0; a < m.spec.axes.size(); ++a)
    text += fmt::format(" {}={}", m.spec.axes[a].key,
                        m.spec.axes[a].values[p.choice[a]]);
  text += fmt::format(
      " bits={} placement={}", m.spec.bits[p.bits],
      racetrack::place::getStrategyName(m.spec.placements[p.placement]).str());
  return text;
}

std::string dse::getPointIdentity(const Manifest &m, const Point &p) {
  // Names and paths are left out on purpose: they do not change a result.
  std::string text = "rtdse-point 1\n";
  text += fmt::format("model {}\n", m.models[p.model].file.sha256);
  text +=
      fmt::format("calib {}\n", m.calib.isGiven() ? m.calib.sha256 : "random");
  text += fmt::format("eval {} {}\n", m.eval.sha256, m.labels.sha256);
  text += fmt::format("eval-limit {}\n", m.evalLimit);
  text += fmt::format("bits {}\n", m.spec.bits[p.bits]);
  text += fmt::format(
      "placement {}\n",
      racetrack::place::getStrategyName(m.spec.placements[p.placement]).str());
  text += fmt::format("placement-seed {}\n", m.placementSeed);
  text += "config\n" + racetrack::toJson(getPointConfig(m, p));
  return text;
}

std::string dse::getPointId(const Manifest &m, const Point &p) {
  std::string identity = getPointIdentity(m, p);
  auto hash = SHA256::hash(arrayRefFromStringRef(identity));
  return toHex(hash, /*LowerCase=*/true).substr(0, 20);
}

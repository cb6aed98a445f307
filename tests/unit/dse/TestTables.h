//===- tests/unit/dse/TestTables.h - Synthetic sweeps for tests -*- C++ -*-===//
//
// Hand-made manifests and tables for the rtdse unit tests, with values
// chosen so that expected outputs can be written down by hand.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "tools/rtdse/Report.h"

#include <string>
#include <vector>

namespace rtc::dse::test {

/// Two models (a, b), ports_per_track in {1, 2}, bits {8}, placement ofu;
/// fake file hashes.
inline Manifest makeManifest() {
  Manifest m;
  m.models = {{"a", {"/x/a.onnx", std::string(64, '1')}},
              {"b", {"/x/b.onnx", std::string(64, '2')}}};
  m.calib = {"/d/calib.npy", std::string(64, '3')};
  m.eval = {"/d/eval_x.npy", std::string(64, '4')};
  m.labels = {"/d/eval_y.npy", std::string(64, '5')};
  m.evalLimit = 10;
  m.evalSamples = 10;
  m.base = racetrack::getDefaultConfig();
  m.spec.axes = {{"ports_per_track", {"1", "2"}}};
  m.spec.bits = {8};
  m.spec.placements = {racetrack::place::Strategy::Ofu};
  return m;
}

/// A successful result with the given objectives and simple counters.
inline PointResult makeOk(double accuracy, double energy, double latency,
                          double area) {
  PointResult r;
  r.hasGolden = true;
  r.goldenCorrect = int64_t(accuracy * 10 + 0.5);
  r.samples = 10;
  r.metrics.accuracy = accuracy;
  r.metrics.macs = 100;
  r.metrics.shifts = 20;
  r.metrics.cycles = 300;
  r.metrics.latencyNs = latency;
  r.metrics.energyPj = energy;
  r.metrics.areaMm2 = area;
  r.metrics.compileSeconds = 0.5;
  r.metrics.simSeconds = 0.25;
  return r;
}

/// The four points of makeManifest():
///   0: a ports=1: accuracy 0.9, energy 100, latency 10, area 1  (front)
///   1: a ports=2: accuracy 0.9, energy 80,  latency 10, area 1  (front,
///      dominates point 0)
///   2: b ports=1: failed ("does not fit, really")
///   3: b ports=2: accuracy 0.5, energy 50,  latency 20, area 1  (front)
/// So the front is {1, 3}; point 0 is dominated by point 1.
inline SweepTable makeTable() {
  SweepTable t{makeManifest(), {}};
  std::vector<Point> points = enumeratePoints(t.manifest);
  PointResult failed;
  failed.error = "does not fit, really";
  PointResult results[] = {makeOk(0.9, 100, 10, 1), makeOk(0.9, 80, 10, 1),
                           failed, makeOk(0.5, 50, 20, 1)};
  for (size_t i = 0; i < points.size(); ++i) {
    results[i].id = getPointId(t.manifest, points[i]);
    t.rows.push_back({points[i], results[i]});
  }
  return t;
}

} // namespace rtc::dse::test

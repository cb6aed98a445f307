//===- tools/rtdse/Results.cpp - Per-point results and the table ----------===//
//
// Point files (OUT/points/<id>.json) and loading a sweep's table from them.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Results.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

/// The point file format revision; other revisions are not reused.
static constexpr int64_t pointFileVersion = 1;

std::string dse::pointResultToJson(const PointResult &r) {
  json::Object o{
      {"rtdse_point", pointFileVersion}, {"id", r.id}, {"point", r.describe}};
  if (r.hasGolden) {
    o["golden_correct"] = r.goldenCorrect;
    o["samples"] = r.samples;
  }
  if (!r.ok()) {
    o["error"] = r.error;
  } else {
    const Metrics &m = r.metrics;
    o["accuracy"] = m.accuracy;
    o["macs"] = m.macs;
    o["shifts"] = m.shifts;
    o["cycles"] = m.cycles;
    o["latency_ns"] = m.latencyNs;
    o["energy_pj"] = m.energyPj;
    o["area_mm2"] = m.areaMm2;
    o["compile_s"] = m.compileSeconds;
    o["sim_s"] = m.simSeconds;
  }
  return formatv("{0:2}", json::Value(std::move(o))).str() + "\n";
}

Expected<PointResult> dse::parsePointResult(StringRef text,
                                            StringRef fileName) {
  auto fail = [&](const std::string &what) {
    return emitError(Location::inFile(fileName), "not an rtdse point file: {}",
                     what);
  };
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return fail("invalid JSON: " + toString(parsed.takeError()));
  const json::Object *o = parsed->getAsObject();
  if (!o)
    return fail("expected an object");
  if (o->getInteger("rtdse_point") != pointFileVersion)
    return fail("unknown format revision");
  PointResult r;
  auto id = o->getString("id");
  if (!id)
    return fail("no 'id'");
  r.id = id->str();
  if (auto d = o->getString("point"))
    r.describe = d->str();
  if (auto correct = o->getInteger("golden_correct")) {
    auto samples = o->getInteger("samples");
    if (!samples)
      return fail("'golden_correct' without 'samples'");
    r.hasGolden = true;
    r.goldenCorrect = *correct;
    r.samples = *samples;
  }
  if (auto error = o->getString("error")) {
    r.error = error->str();
    if (r.error.empty())
      return fail("an empty 'error'");
    return r;
  }
  Metrics &m = r.metrics;
  auto getU64 = [&](StringRef key, uint64_t &out) {
    const json::Value *v = o->get(key);
    if (!v)
      return false;
    if (auto u = v->getAsUINT64()) {
      out = *u;
      return true;
    }
    return false;
  };
  auto getReal = [&](StringRef key, double &out) {
    if (auto d = o->getNumber(key)) {
      out = *d;
      return true;
    }
    return false;
  };
  if (!getReal("accuracy", m.accuracy) || !getU64("macs", m.macs) ||
      !getU64("shifts", m.shifts) || !getU64("cycles", m.cycles) ||
      !getReal("latency_ns", m.latencyNs) ||
      !getReal("energy_pj", m.energyPj) || !getReal("area_mm2", m.areaMm2) ||
      !getReal("compile_s", m.compileSeconds) ||
      !getReal("sim_s", m.simSeconds))
    return fail("a metric is missing or malformed");
  return r;
}

std::string dse::getPointFilePath(StringRef outDir, StringRef id) {
  SmallString<256> path(outDir);
  sys::path::append(path, "points", id + ".json");
  return path.str().str();
}

Error dse::writePointFile(StringRef outDir, const PointResult &r) {
  std::string path = getPointFilePath(outDir, r.id);
  if (std::error_code ec =
          sys::fs::create_directories(sys::path::parent_path(path)))
    return emitError(Location::inFile(sys::path::parent_path(path)),
                     "cannot create: {}", ec.message());
  // A unique temporary name per writer; rename is atomic within a folder.
  SmallString<256> temp;
  int fd = -1;
  if (std::error_code ec =
          sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temp))
    return emitError(Location::inFile(path), "cannot create: {}", ec.message());
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << pointResultToJson(r);
    os.close();
    if (os.has_error()) {
      std::string message = os.error().message();
      os.clear_error();
      sys::fs::remove(temp);
      return emitError(Location::inFile(temp), "cannot write: {}", message);
    }
  }
  if (std::error_code ec = sys::fs::rename(temp, path)) {
    sys::fs::remove(temp);
    return emitError(Location::inFile(path), "cannot write: {}", ec.message());
  }
  return Error::success();
}

Expected<SweepTable> dse::loadTable(const Manifest &m,
                                    ArrayRef<std::string> dirs, bool requireAll,
                                    size_t *missing) {
  SweepTable table{m, {}};
  size_t absent = 0;
  for (Point &p : enumeratePoints(m)) {
    if (!isInShard(p, m.shard))
      continue;
    std::string id = getPointId(m, p);
    bool found = false;
    for (const std::string &dir : dirs) {
      std::string path = getPointFilePath(dir, id);
      if (!sys::fs::exists(path))
        continue;
      auto buf = MemoryBuffer::getFile(path, /*IsText=*/true);
      if (!buf)
        return emitError(Location::inFile(path), "cannot read: {}",
                         buf.getError().message());
      auto r = parsePointResult((*buf)->getBuffer(), path);
      if (!r)
        return r.takeError();
      if (r->id != id)
        return emitError(Location::inFile(path), "holds point {}, expected {}",
                         r->id, id);
      table.rows.push_back({std::move(p), std::move(*r)});
      found = true;
      break;
    }
    if (found)
      continue;
    if (requireAll)
      return emitError(
          Location::unknown(), "no result for point #{} ({}, id {}) in {}",
          p.index, describePoint(m, p), id,
          dirs.size() == 1 ? dirs[0]
                           : fmt::format("any of the {} folders", dirs.size()));
    ++absent;
  }
  if (missing)
    *missing = absent;
  return table;
}

//===- tools/rtdse/Manifest.cpp - The description of one sweep ------------===//
//
// OUT/sweep.json: writing, reading and comparing sweep manifests.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Manifest.h"

#include "ir/Diagnostics.h"
#include "ir/FileIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <fmt/format.h>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;

/// The manifest format revision; a reader refuses others.
static constexpr int64_t manifestVersion = 1;

std::string dse::modelNameFromPath(StringRef path) {
  StringRef stem = sys::path::stem(path);
  if (stem == "model") {
    StringRef parent = sys::path::filename(sys::path::parent_path(path));
    if (!parent.empty() && parent != "." && parent != "..")
      return parent.str();
  }
  return stem.str();
}

Expected<std::string> dse::hashFile(StringRef path) {
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buf)
    return emitError(Location::inFile(path), "cannot read: {}",
                     buf.getError().message());
  auto hash = SHA256::hash(arrayRefFromStringRef((*buf)->getBuffer()));
  return toHex(hash, /*LowerCase=*/true);
}

static json::Value fileToJson(const FileRef &f) {
  if (!f.isGiven())
    return nullptr;
  return json::Object{{"path", f.path}, {"sha256", f.sha256}};
}

std::string dse::manifestToJson(const Manifest &m) {
  json::Array models;
  for (const ModelRef &model : m.models)
    models.push_back(json::Object{{"name", model.name},
                                  {"path", model.file.path},
                                  {"sha256", model.file.sha256}});
  json::Array axes;
  for (const SweepAxis &axis : m.spec.axes) {
    json::Array values;
    for (const std::string &v : axis.values)
      values.push_back(v);
    axes.push_back(
        json::Object{{"key", axis.key}, {"values", std::move(values)}});
  }
  json::Array bits, placements;
  for (int64_t b : m.spec.bits)
    bits.push_back(b);
  for (racetrack::place::Strategy s : m.spec.placements)
    placements.push_back(racetrack::place::getStrategyName(s));
  // The base config as the config's own JSON, so it reads back with
  // parseConfigJson (defaults and validation included).
  json::Value base = cantFail(json::parse(racetrack::toJson(m.base)));
  json::Object root{{"rtdse_sweep", manifestVersion},
                    {"models", std::move(models)},
                    {"calib", fileToJson(m.calib)},
                    {"eval", fileToJson(m.eval)},
                    {"labels", fileToJson(m.labels)},
                    {"eval_limit", m.evalLimit},
                    {"eval_samples", m.evalSamples},
                    {"placement_seed", int64_t(m.placementSeed)},
                    {"base_config", std::move(base)},
                    {"sweep", std::move(axes)},
                    {"bits", std::move(bits)},
                    {"placements", std::move(placements)}};
  if (!m.shard.isWhole())
    root["shard"] =
        json::Object{{"index", m.shard.index}, {"count", m.shard.count}};
  return formatv("{0:2}", json::Value(std::move(root))).str() + "\n";
}

namespace {
/// Reads fields of a JSON object, remembering the first problem.
class Reader {
public:
  Reader(StringRef fileName) : fileName(fileName) {}

  Error fail(const std::string &what) {
    return emitError(Location::inFile(fileName),
                     "not an rtdse sweep manifest: {}", what);
  }
  Expected<int64_t> getInt(const json::Object &o, StringRef key) {
    if (auto v = o.getInteger(key))
      return *v;
    return fail(fmt::format("'{}' must be an integer", key.str()));
  }
  Expected<std::string> getString(const json::Object &o, StringRef key) {
    if (auto v = o.getString(key))
      return v->str();
    return fail(fmt::format("'{}' must be a string", key.str()));
  }
  Expected<FileRef> getFile(const json::Object &o, StringRef key) {
    const json::Value *v = o.get(key);
    if (!v)
      return fail(fmt::format("'{}' is missing", key.str()));
    if (v->kind() == json::Value::Null)
      return FileRef{};
    const json::Object *f = v->getAsObject();
    if (!f)
      return fail(fmt::format("'{}' must be an object or null", key.str()));
    auto path = getString(*f, "path");
    if (!path)
      return path.takeError();
    auto sha = getString(*f, "sha256");
    if (!sha)
      return sha.takeError();
    return FileRef{*path, *sha};
  }
  Expected<const json::Array *> getArray(const json::Object &o, StringRef key) {
    if (const json::Array *a = o.getArray(key))
      return a;
    return fail(fmt::format("'{}' must be an array", key.str()));
  }

private:
  StringRef fileName;
};
} // namespace

static Error readSpec(const json::Object &root, Reader &r, SweepSpec &spec) {
  auto axes = r.getArray(root, "sweep");
  if (!axes)
    return axes.takeError();
  spec.axes.clear();
  for (const json::Value &a : **axes) {
    const json::Object *o = a.getAsObject();
    const json::Array *values = o ? o->getArray("values") : nullptr;
    if (!o || !values || !o->getString("key"))
      return r.fail("a sweep axis needs 'key' and 'values'");
    SweepAxis axis{o->getString("key")->str(), {}};
    for (const json::Value &v : *values) {
      if (!v.getAsString())
        return r.fail("sweep values must be strings");
      axis.values.push_back(v.getAsString()->str());
    }
    spec.axes.push_back(std::move(axis));
  }
  auto bits = r.getArray(root, "bits");
  if (!bits)
    return bits.takeError();
  spec.bits.clear();
  for (const json::Value &b : **bits) {
    if (!b.getAsInteger())
      return r.fail("'bits' must hold integers");
    spec.bits.push_back(*b.getAsInteger());
  }
  auto placements = r.getArray(root, "placements");
  if (!placements)
    return placements.takeError();
  spec.placements.clear();
  for (const json::Value &p : **placements) {
    std::optional<racetrack::place::Strategy> s;
    if (auto name = p.getAsString())
      s = racetrack::place::parseStrategy(*name);
    if (!s)
      return r.fail("'placements' must hold strategy names");
    spec.placements.push_back(*s);
  }
  return Error::success();
}

Expected<Manifest> dse::parseManifest(StringRef text, StringRef fileName) {
  Reader r(fileName);
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return r.fail("invalid JSON: " + toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return r.fail("expected a JSON object");
  auto version = r.getInt(*root, "rtdse_sweep");
  if (!version)
    return version.takeError();
  if (*version != manifestVersion)
    return r.fail(fmt::format("format version {} (this build reads {})",
                              *version, manifestVersion));
  Manifest m;
  auto models = r.getArray(*root, "models");
  if (!models)
    return models.takeError();
  for (const json::Value &v : **models) {
    const json::Object *o = v.getAsObject();
    if (!o)
      return r.fail("'models' must hold objects");
    auto name = r.getString(*o, "name");
    auto path = r.getString(*o, "path");
    auto sha = r.getString(*o, "sha256");
    if (!name || !path || !sha)
      return joinErrors(joinErrors(name.takeError(), path.takeError()),
                        sha.takeError());
    m.models.push_back({*name, {*path, *sha}});
  }
  auto calib = r.getFile(*root, "calib");
  auto eval = r.getFile(*root, "eval");
  auto labels = r.getFile(*root, "labels");
  auto limit = r.getInt(*root, "eval_limit");
  auto samples = r.getInt(*root, "eval_samples");
  auto seed = r.getInt(*root, "placement_seed");
  if (!calib || !eval || !labels || !limit || !samples || !seed) {
    Error err = joinErrors(calib.takeError(), eval.takeError());
    err = joinErrors(std::move(err), labels.takeError());
    err = joinErrors(std::move(err), limit.takeError());
    err = joinErrors(std::move(err), samples.takeError());
    return joinErrors(std::move(err), seed.takeError());
  }
  m.calib = *calib;
  m.eval = *eval;
  m.labels = *labels;
  m.evalLimit = *limit;
  m.evalSamples = *samples;
  m.placementSeed = uint64_t(*seed);
  const json::Value *base = root->get("base_config");
  if (!base || !base->getAsObject())
    return r.fail("'base_config' must be an object");
  std::string baseText = formatv("{0}", *base).str();
  auto cfg = racetrack::parseConfigJson(baseText, fileName);
  if (!cfg)
    return cfg.takeError();
  m.base = *cfg;
  if (Error err = readSpec(*root, r, m.spec))
    return err;
  if (const json::Object *shard = root->getObject("shard")) {
    auto index = r.getInt(*shard, "index");
    auto count = r.getInt(*shard, "count");
    if (!index || !count)
      return joinErrors(index.takeError(), count.takeError());
    m.shard = {*index, *count};
  }
  return m;
}

Error dse::checkSameSweep(const Manifest &a, const Manifest &b, StringRef nameA,
                          StringRef nameB) {
  auto differ = [&](const std::string &what) {
    return makeError(Location::unknown(),
                     fmt::format("{} and {} hold different sweeps: {} "
                                 "differ",
                                 nameA.str(), nameB.str(), what));
  };
  if (a.models.size() != b.models.size())
    return differ("the model lists");
  for (size_t i = 0; i < a.models.size(); ++i) {
    if (a.models[i].name != b.models[i].name)
      return differ(fmt::format("model names #{}", i + 1));
    if (a.models[i].file.sha256 != b.models[i].file.sha256)
      return differ(fmt::format("the files of model '{}'", a.models[i].name));
  }
  if (a.calib.sha256 != b.calib.sha256)
    return differ("the calibration files");
  if (a.eval.sha256 != b.eval.sha256 || a.labels.sha256 != b.labels.sha256)
    return differ("the evaluation files");
  if (a.evalLimit != b.evalLimit || a.evalSamples != b.evalSamples)
    return differ("the evaluation limits");
  if (a.placementSeed != b.placementSeed)
    return differ("the placement seeds");
  if (!(a.base == b.base))
    return differ("the base configs");
  if (!(a.spec == b.spec))
    return differ("the sweep axes, bit widths or placements");
  return Error::success();
}

Error dse::writeManifestFile(const Manifest &m, StringRef outDir) {
  SmallString<256> path(outDir);
  sys::path::append(path, "sweep.json");
  return writeFile(path, [&](raw_ostream &os) { os << manifestToJson(m); });
}

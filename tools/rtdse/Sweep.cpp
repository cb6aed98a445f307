//===- tools/rtdse/Sweep.cpp - rtdse sweep specifications -----------------===//
//
// Parsing and validation of sweep axes, bit-width and placement lists and
// shard selectors. Config keys and values are never interpreted here: they
// go through racetrack::applyOverride / validate / toJson, so the sweep
// accepts exactly what the config accepts.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Sweep.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

#include <fmt/format.h>

#include <algorithm>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;
using racetrack::DeviceConfig;

/// Sweeps past this many config combinations are refused (a typo such as
/// 1,2,...,4096 on several keys would otherwise enumerate for hours).
static constexpr size_t maxConfigs = 1000000;

size_t SweepSpec::numConfigs() const {
  size_t n = 1;
  for (const SweepAxis &axis : axes)
    n *= axis.values.size();
  return n;
}

static Error usage(std::string message) {
  return makeError(Location::unknown(), std::move(message));
}

std::string dse::getConfigValueText(const DeviceConfig &cfg, StringRef key) {
  std::string json = racetrack::toJson(cfg);
  std::string prefix = fmt::format("  \"{}\": ", key.str());
  SmallVector<StringRef, 64> lines;
  StringRef(json).split(lines, '\n');
  for (StringRef line : lines) {
    if (!line.starts_with(prefix))
      continue;
    StringRef value = line.drop_front(prefix.size());
    value.consume_back(",");
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.drop_front().drop_back();
    return value.str();
  }
  return "";
}

/// The message of a config-library error without its `--set ...: ` framing
/// (the same checks serve --set, where that prefix makes sense).
static std::string overrideMessage(Error err) {
  std::string message;
  handleAllErrors(
      std::move(err),
      [&](const DiagnosticError &d) { message = d.getDiagnostic().message; },
      [&](const ErrorInfoBase &e) { message = e.message(); });
  StringRef text(message);
  if (text.consume_front("--set: "))
    return text.str();
  if (text.starts_with("--set ")) {
    size_t colon = text.find(": ");
    if (colon != StringRef::npos)
      return text.drop_front(colon + 2).str();
  }
  return message;
}

static bool isConfigKey(StringRef key) {
  return any_of(
      racetrack::getConfigKeyInfos(),
      [&](const racetrack::ConfigKeyInfo &i) { return i.key == key; });
}

/// Checks \p key and \p rawValues and appends the axis. \p where prefixes
/// every message ("--sweep 'k=v'") and \p loc locates it.
static Error addAxis(SweepSpec &spec, StringRef key,
                     ArrayRef<std::string> rawValues, const DeviceConfig &base,
                     ArrayRef<std::string> fixedKeys, const std::string &where,
                     const Location &loc) {
  if (key.empty())
    return makeError(loc, where + ": expected KEY=V1,V2,...");
  if (!isConfigKey(key)) {
    // applyOverride produces the unknown-key message with close matches.
    DeviceConfig probe = base;
    return makeError(loc, where + ": " +
                              overrideMessage(racetrack::applyOverride(
                                  probe, (key + "=0").str())));
  }
  for (const SweepAxis &axis : spec.axes)
    if (axis.key == key)
      return makeError(loc,
                       fmt::format("{}: {} is swept twice", where, key.str()));
  if (is_contained(fixedKeys, key.str()))
    return makeError(loc, fmt::format("{}: {} is also fixed by --set; drop "
                                      "one of them",
                                      where, key.str()));
  if (rawValues.empty())
    return makeError(
        loc, fmt::format("{}: empty value list for {}", where, key.str()));
  SweepAxis axis{key.str(), {}};
  for (const std::string &raw : rawValues) {
    StringRef value = StringRef(raw).trim();
    if (value.empty())
      return makeError(loc, fmt::format("{}: empty value in the list for {}",
                                        where, key.str()));
    DeviceConfig probe = base;
    if (Error err = racetrack::applyOverride(probe, (key + "=" + value).str()))
      return makeError(loc,
                       fmt::format("{}: bad value '{}': {}", where, value.str(),
                                   overrideMessage(std::move(err))));
    std::string canonical = getConfigValueText(probe, key);
    if (is_contained(axis.values, canonical))
      return makeError(loc, fmt::format("{}: {} value {} is listed twice",
                                        where, key.str(), canonical));
    axis.values.push_back(std::move(canonical));
  }
  spec.axes.push_back(std::move(axis));
  return Error::success();
}

Error dse::addSweepArg(SweepSpec &spec, StringRef arg, const DeviceConfig &base,
                       ArrayRef<std::string> fixedKeys) {
  std::string where = fmt::format("--sweep '{}'", arg.str());
  if (!arg.contains('='))
    return usage(where + ": expected KEY=V1,V2,...");
  auto [key, list] = arg.split('=');
  key = key.trim();
  std::vector<std::string> values;
  if (!list.trim().empty()) {
    SmallVector<StringRef, 8> parts;
    list.split(parts, ',', -1, /*KeepEmpty=*/true);
    for (StringRef p : parts)
      values.push_back(p.str());
  }
  return addAxis(spec, key, values, base, fixedKeys, where,
                 Location::unknown());
}

/// The text of a JSON scalar as --sweep would spell it; false for other
/// kinds.
static bool scalarText(const json::Value &v, std::string &out) {
  if (auto i = v.getAsInteger()) {
    out = std::to_string(*i);
    return true;
  }
  if (auto d = v.getAsNumber()) {
    out = fmt::format("{}", *d);
    return true;
  }
  if (auto s = v.getAsString()) {
    out = s->str();
    return true;
  }
  return false;
}

Error dse::addSweepFile(SweepSpec &spec, StringRef text, StringRef fileName,
                        const DeviceConfig &base,
                        ArrayRef<std::string> fixedKeys) {
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return makeError(Location::inFile(fileName),
                     "invalid JSON: " + toString(parsed.takeError()));
  const json::Object *object = parsed->getAsObject();
  if (!object)
    return makeError(Location::inFile(fileName),
                     "a sweep file must be a JSON object mapping config keys "
                     "to arrays of values");
  if (object->empty())
    return makeError(Location::inFile(fileName),
                     "the sweep file sweeps no key");
  // json::Object iterates in hash order: visit the keys in file order.
  std::vector<std::pair<size_t, std::string>> keys;
  for (const auto &entry : *object) {
    std::string key = entry.first.str();
    keys.push_back({text.find("\"" + key + "\""), key});
  }
  llvm::sort(keys);
  for (const auto &[pos, key] : keys) {
    Location loc = racetrack::locateJsonKey(text, fileName, key);
    std::string where = fmt::format("sweep key '{}'", key);
    const json::Array *array = object->get(key)->getAsArray();
    if (!array)
      return makeError(loc, where + ": expected an array of values");
    std::vector<std::string> values;
    for (const json::Value &v : *array) {
      std::string s;
      if (!scalarText(v, s))
        return makeError(loc, where + ": values must be numbers or strings");
      values.push_back(std::move(s));
    }
    if (Error err = addAxis(spec, key, values, base, fixedKeys, where, loc))
      return err;
  }
  return Error::success();
}

/// Splits a comma list, rejecting an empty list or an empty item.
static Expected<std::vector<StringRef>> splitList(StringRef text,
                                                  StringRef flag) {
  if (text.trim().empty())
    return usage(fmt::format("{}: empty list", flag.str()));
  SmallVector<StringRef, 8> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/true);
  std::vector<StringRef> items;
  for (StringRef p : parts) {
    p = p.trim();
    if (p.empty())
      return usage(fmt::format("{} '{}': empty item in the list", flag.str(),
                               text.str()));
    items.push_back(p);
  }
  return items;
}

Expected<std::vector<int64_t>> dse::parseBitsList(StringRef text) {
  auto items = splitList(text, "--bits");
  if (!items)
    return items.takeError();
  std::vector<int64_t> bits;
  for (StringRef item : *items) {
    int64_t b = 0;
    if (item.getAsInteger(10, b) || b < 2 || b > 8)
      return usage(fmt::format("--bits '{}': '{}' is not a bit width between "
                               "2 and 8",
                               text.str(), item.str()));
    if (is_contained(bits, b))
      return usage(
          fmt::format("--bits '{}': {} is listed twice", text.str(), b));
    bits.push_back(b);
  }
  return bits;
}

Expected<std::vector<racetrack::place::Strategy>>
dse::parsePlacementList(StringRef text) {
  auto items = splitList(text, "--placement");
  if (!items)
    return items.takeError();
  std::vector<racetrack::place::Strategy> out;
  for (StringRef item : *items) {
    std::optional<racetrack::place::Strategy> s =
        racetrack::place::parseStrategy(item);
    if (!s) {
      std::vector<std::string> names;
      for (racetrack::place::Strategy k : racetrack::place::getAllStrategies())
        names.push_back(racetrack::place::getStrategyName(k).str());
      return usage(fmt::format("--placement '{}': unknown strategy '{}' "
                               "(expected one of {})",
                               text.str(), item.str(), join(names, ", ")));
    }
    if (is_contained(out, *s))
      return usage(fmt::format("--placement '{}': {} is listed twice",
                               text.str(), item.str()));
    out.push_back(*s);
  }
  return out;
}

Expected<Shard> dse::parseShard(StringRef text) {
  auto [i, n] = text.split('/');
  Shard shard;
  if (!text.contains('/') || i.trim().getAsInteger(10, shard.index) ||
      n.trim().getAsInteger(10, shard.count) || shard.count < 1 ||
      shard.index < 1 || shard.index > shard.count)
    return usage(fmt::format("--shard '{}': expected I/N with 1 <= I <= N "
                             "(e.g. 2/8)",
                             text.str()));
  return shard;
}

DeviceConfig dse::applyChoice(const DeviceConfig &base, const SweepSpec &spec,
                              ArrayRef<size_t> choice) {
  assert(choice.size() == spec.axes.size() && "one value per axis");
  DeviceConfig cfg = base;
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    const SweepAxis &axis = spec.axes[a];
    // Values were accepted by applyOverride when the axis was parsed.
    cantFail(
        racetrack::applyOverride(cfg, axis.key + "=" + axis.values[choice[a]]));
  }
  return cfg;
}

Error dse::validateSweep(const DeviceConfig &base, const SweepSpec &spec) {
  size_t total = 1;
  for (const SweepAxis &axis : spec.axes) {
    if (total > maxConfigs / axis.values.size())
      return usage(fmt::format("the sweep has more than {} config "
                               "combinations; split it",
                               maxConfigs));
    total *= axis.values.size();
  }
  std::vector<size_t> choice(spec.axes.size(), 0);
  ErrorList errors;
  for (size_t n = 0; n < total && errors.size() < 5; ++n) {
    DeviceConfig cfg = applyChoice(base, spec, choice);
    if (Error err = racetrack::validate(cfg)) {
      std::vector<std::string> parts;
      for (size_t a = 0; a < spec.axes.size(); ++a)
        parts.push_back(spec.axes[a].key + "=" +
                        spec.axes[a].values[choice[a]]);
      std::string what = parts.empty() ? std::string("the base config")
                                       : "the combination " + join(parts, ", ");
      handleAllErrors(
          std::move(err),
          [&](const DiagnosticError &d) {
            errors.add(usage(fmt::format("{} is invalid: {}", what,
                                         d.getDiagnostic().message)));
          },
          [&](const ErrorInfoBase &e) {
            errors.add(
                usage(fmt::format("{} is invalid: {}", what, e.message())));
          });
    }
    // Odometer increment, last axis fastest.
    for (size_t a = spec.axes.size(); a-- > 0;) {
      if (++choice[a] < spec.axes[a].values.size())
        break;
      choice[a] = 0;
    }
  }
  return errors.take();
}

//===- targets/racetrack/isa/DeviceConfig.cpp - Hardware config I/O -------===//
//
// JSON reading/writing, --set overrides, validation and hashing of the
// racetrack DeviceConfig. Every per-key operation is generated from
// DeviceConfig.def, so adding a key there is the only change needed.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/DeviceConfig.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace rtc::racetrack {

//===----------------------------------------------------------------------===//
// Enum spellings (index = enumerator value)
//===----------------------------------------------------------------------===//

static ArrayRef<StringRef> enumSpellings(MacMode) {
  static const StringRef names[] = {"bit_serial", "bit_parallel"};
  return names;
}
static ArrayRef<StringRef> enumSpellings(AdderKind) {
  static const StringRef names[] = {"ripple_carry", "carry_lookahead",
                                    "carry_select"};
  return names;
}
static ArrayRef<StringRef> enumSpellings(MultiplierKind) {
  static const StringRef names[] = {"shift_add", "booth"};
  return names;
}

StringRef toString(MacMode mode) {
  return enumSpellings(mode)[static_cast<size_t>(mode)];
}
StringRef toString(AdderKind kind) {
  return enumSpellings(kind)[static_cast<size_t>(kind)];
}
StringRef toString(MultiplierKind kind) {
  return enumSpellings(kind)[static_cast<size_t>(kind)];
}

/// "a|b|c" for messages and docs.
template <typename E> static std::string enumChoices() {
  return join(enumSpellings(E{}), "|");
}

/// Sets \p out from \p name; false if \p name is no spelling of E.
template <typename E> static bool parseEnum(StringRef name, E &out) {
  ArrayRef<StringRef> names = enumSpellings(E{});
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) {
      out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Formatting
//===----------------------------------------------------------------------===//

/// Shortest round-trip form, always recognisable as a real ("1.0").
static std::string formatReal(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".eEn") == std::string::npos)
    text += ".0";
  return text;
}

static std::string boundText(RealBound bound) {
  return bound == RealBound::Positive ? "> 0" : ">= 0";
}

std::vector<ConfigKeyInfo> getConfigKeyInfos() {
  std::vector<ConfigKeyInfo> infos;
#define RTC_CONFIG_INT(member, key, def, min, max, unit, source)               \
  infos.push_back({key, "int", unit, source,                                   \
                   fmt::format("[{}, {}]", min, max), std::to_string(def)});
#define RTC_CONFIG_REAL(member, key, def, bound, unit, source)                 \
  infos.push_back({key, "real", unit, source, boundText(RealBound::bound),     \
                   formatReal(def)});
#define RTC_CONFIG_ENUM(member, key, type, def, source)                        \
  infos.push_back({key, "enum", "", source, enumChoices<type>(),               \
                   fmt::format("\"{}\"", toString(type::def).str())});
#include "targets/racetrack/isa/DeviceConfig.def"
  return infos;
}

DeviceConfig getDefaultConfig() { return DeviceConfig{}; }

std::string toJson(const DeviceConfig &cfg) {
  std::string out = "{\n";
  out += fmt::format("  \"version\": {},\n", deviceConfigVersion);
#define RTC_CONFIG_INT(member, key, def, min, max, unit, source)               \
  out += fmt::format("  \"{}\": {},\n", key, cfg.member);
#define RTC_CONFIG_REAL(member, key, def, bound, unit, source)                 \
  out += fmt::format("  \"{}\": {},\n", key, formatReal(cfg.member));
#define RTC_CONFIG_ENUM(member, key, type, def, source)                        \
  out += fmt::format("  \"{}\": \"{}\",\n", key, toString(cfg.member).str());
#include "targets/racetrack/isa/DeviceConfig.def"
  // Informational only; ignored by the reader. Computed without assuming the
  // config is valid (a zero divisor prints 0).
  int64_t segment = cfg.portsPerTrack > 0 ? cfg.segmentLength() : 0;
  int64_t overhead = segment > 0 ? segment - 1 : 0;
  out += "  \"derived\": {\n";
  out += fmt::format("    \"segment_length\": {},\n", segment);
  out += fmt::format("    \"overhead_domains_per_track\": {},\n", overhead);
  out += fmt::format("    \"physical_domains_per_track\": {},\n",
                     cfg.domainsPerTrack + overhead);
  out += fmt::format("    \"num_mus\": {},\n", cfg.numMus());
  out += fmt::format("    \"capacity_bits\": {},\n", cfg.capacityBits());
  out += fmt::format("    \"capacity_bytes\": {}\n", cfg.capacityBits() / 8);
  out += "  }\n}\n";
  return out;
}

std::array<uint8_t, 32> hashConfig(const DeviceConfig &cfg) {
  std::string text = toJson(cfg);
  return SHA256::hash(arrayRefFromStringRef(text));
}

std::string hashToHex(ArrayRef<uint8_t> hash) {
  return toHex(hash, /*LowerCase=*/true);
}

//===----------------------------------------------------------------------===//
// Key lookup
//===----------------------------------------------------------------------===//

static std::vector<StringRef> allKeys() {
  std::vector<StringRef> keys;
#define RTC_CONFIG_INT(member, key, ...) keys.push_back(key);
#define RTC_CONFIG_REAL(member, key, ...) keys.push_back(key);
#define RTC_CONFIG_ENUM(member, key, ...) keys.push_back(key);
#include "targets/racetrack/isa/DeviceConfig.def"
  return keys;
}

/// "unknown key 'x'" plus up to three close matches.
static std::string unknownKeyMessage(StringRef key) {
  std::vector<std::pair<unsigned, StringRef>> close;
  for (StringRef known : allKeys()) {
    unsigned distance = key.edit_distance(known, /*AllowReplacements=*/true,
                                          /*MaxEditDistance=*/4);
    bool related = known.contains(key) || key.contains(known);
    if (distance <= 3 || (related && key.size() >= 3))
      close.push_back({related ? std::min(distance, 1u) : distance, known});
  }
  std::stable_sort(close.begin(), close.end(),
                   [](auto &a, auto &b) { return a.first < b.first; });
  std::string message = fmt::format("unknown config key '{}'", key.str());
  if (close.empty())
    return message;
  std::vector<std::string> quoted;
  for (size_t i = 0; i < close.size() && i < 3; ++i)
    quoted.push_back(fmt::format("'{}'", close[i].second.str()));
  return message + "; did you mean " + join(quoted, " or ") + "?";
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

/// Maps a key to the location used in its messages.
using KeyLocator = function_ref<Location(StringRef key)>;

static void checkInt(int64_t value, int64_t min, int64_t max, StringRef key,
                     KeyLocator locate, ErrorList &errors) {
  if (value < min || value > max)
    errors.add(emitError(locate(key), "{} must be in [{}, {}], got {}",
                         key.str(), min, max, value));
}

static void checkReal(double value, RealBound bound, StringRef key,
                      KeyLocator locate, ErrorList &errors) {
  bool ok = std::isfinite(value) &&
            (bound == RealBound::Positive ? value > 0 : value >= 0);
  if (!ok)
    errors.add(emitError(locate(key), "{} must be finite and {}, got {}",
                         key.str(), boundText(bound), formatReal(value)));
}

static void checkConfig(const DeviceConfig &cfg, KeyLocator locate,
                        ErrorList &errors) {
#define RTC_CONFIG_INT(member, key, def, min, max, unit, source)               \
  checkInt(cfg.member, min, max, key, locate, errors);
#define RTC_CONFIG_REAL(member, key, def, bound, unit, source)                 \
  checkReal(cfg.member, RealBound::bound, key, locate, errors);
#define RTC_CONFIG_ENUM(member, key, type, def, source)                        \
  if (static_cast<size_t>(cfg.member) >= enumSpellings(type{}).size())         \
    errors.add(emitError(locate(key), "{} must be one of {}", key,             \
                         enumChoices<type>()));
#include "targets/racetrack/isa/DeviceConfig.def"
  if (cfg.portsPerTrack > 0 && cfg.domainsPerTrack > 0) {
    if (cfg.portsPerTrack > cfg.domainsPerTrack)
      errors.add(emitError(locate("ports_per_track"),
                           "ports_per_track ({}) exceeds domains_per_track "
                           "({})",
                           cfg.portsPerTrack, cfg.domainsPerTrack));
    else if (cfg.domainsPerTrack % cfg.portsPerTrack != 0)
      errors.add(emitError(locate("ports_per_track"),
                           "ports_per_track ({}) must divide "
                           "domains_per_track ({}) so that ports are evenly "
                           "spaced",
                           cfg.portsPerTrack, cfg.domainsPerTrack));
  }
}

Error validate(const DeviceConfig &cfg) {
  ErrorList errors;
  checkConfig(
      cfg, [](StringRef) { return Location::unknown(); }, errors);
  return errors.take();
}

//===----------------------------------------------------------------------===//
// JSON reading
//===----------------------------------------------------------------------===//

Location locateJsonKey(StringRef text, StringRef fileName,
                       StringRef key) {
  size_t pos = text.find(("\"" + key + "\"").str());
  if (pos == StringRef::npos)
    return Location::inFile(fileName);
  StringRef before = text.take_front(pos);
  unsigned line = 1 + before.count('\n');
  size_t lineStart = before.rfind('\n');
  unsigned col = lineStart == StringRef::npos ? pos + 1 : pos - lineStart;
  return Location::fileLineCol(fileName, line, col);
}

/// Turns llvm::json's "[L:C, byte=N]: msg" into a located error.
static Error jsonSyntaxError(Error err, StringRef fileName) {
  std::string text = toString(std::move(err));
  StringRef rest(text);
  unsigned line = 0, col = 0;
  if (rest.consume_front("[") && !rest.consumeInteger(10, line) &&
      rest.consume_front(":") && !rest.consumeInteger(10, col)) {
    size_t colon = rest.find("]: ");
    StringRef message =
        colon == StringRef::npos ? rest : rest.drop_front(colon + 3);
    return emitError(Location::fileLineCol(fileName, line, col),
                     "invalid JSON: {}", message.str());
  }
  return emitError(Location::inFile(fileName), "invalid JSON: {}", text);
}

static std::string kindName(const json::Value &value) {
  switch (value.kind()) {
  case json::Value::Null:
    return "null";
  case json::Value::Boolean:
    return "a boolean";
  case json::Value::Number:
    return "a number";
  case json::Value::String:
    return "a string";
  case json::Value::Array:
    return "an array";
  case json::Value::Object:
    return "an object";
  }
  return "a value";
}

static Error readInt(const json::Value &value, StringRef key,
                     const Location &loc, int64_t &out) {
  std::optional<int64_t> v = value.getAsInteger();
  if (!v)
    return emitError(loc, "{} must be an integer, got {}", key.str(),
                     kindName(value));
  out = *v;
  return Error::success();
}

static Error readReal(const json::Value &value, StringRef key,
                      const Location &loc, double &out) {
  std::optional<double> v = value.getAsNumber();
  if (!v)
    return emitError(loc, "{} must be a number, got {}", key.str(),
                     kindName(value));
  out = *v;
  return Error::success();
}

template <typename E>
static Error readEnum(const json::Value &value, StringRef key,
                      const Location &loc, E &out) {
  std::optional<StringRef> v = value.getAsString();
  if (!v)
    return emitError(loc, "{} must be a string ({}), got {}", key.str(),
                     enumChoices<E>(), kindName(value));
  if (!parseEnum(*v, out))
    return emitError(loc, "{} must be one of {}, got \"{}\"", key.str(),
                     enumChoices<E>(), v->str());
  return Error::success();
}

/// Reads one known key; \returns false in \p known for an unknown key.
static Error readField(DeviceConfig &cfg, StringRef key,
                       const json::Value &value, const Location &loc,
                       bool &known) {
  known = true;
#define RTC_CONFIG_INT(member, k, def, min, max, unit, source)                 \
  if (key == k)                                                                \
    return readInt(value, key, loc, cfg.member);
#define RTC_CONFIG_REAL(member, k, def, bound, unit, source)                   \
  if (key == k)                                                                \
    return readReal(value, key, loc, cfg.member);
#define RTC_CONFIG_ENUM(member, k, type, def, source)                          \
  if (key == k)                                                                \
    return readEnum(value, key, loc, cfg.member);
#include "targets/racetrack/isa/DeviceConfig.def"
  known = false;
  return Error::success();
}

static Error checkVersion(const json::Object &object, StringRef text,
                          StringRef fileName) {
  const json::Value *version = object.get("version");
  if (!version)
    return emitError(Location::inFile(fileName),
                     "missing \"version\" key (this build reads config "
                     "version {})",
                     deviceConfigVersion);
  Location loc = locateJsonKey(text, fileName, "version");
  std::optional<int64_t> v = version->getAsInteger();
  if (!v)
    return emitError(loc, "version must be an integer, got {}",
                     kindName(*version));
  if (*v != deviceConfigVersion)
    return emitError(loc,
                     "unsupported config version {} (this build reads "
                     "version {})",
                     *v, deviceConfigVersion);
  return Error::success();
}

Expected<DeviceConfig> parseConfigJson(StringRef text, StringRef fileName) {
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return jsonSyntaxError(parsed.takeError(), fileName);
  const json::Object *object = parsed->getAsObject();
  if (!object)
    return emitError(Location::inFile(fileName),
                     "a hardware config must be a JSON object, got {}",
                     kindName(*parsed));

  ErrorList errors;
  errors.add(checkVersion(*object, text, fileName));

  // json::Object iterates in hash order; visit keys in file order so that
  // messages come out deterministically and in reading order.
  std::vector<std::pair<size_t, StringRef>> keys;
  for (const auto &entry : *object) {
    StringRef key = entry.first;
    size_t pos = text.find(("\"" + key + "\"").str());
    keys.push_back({pos, key});
  }
  llvm::sort(keys);

  DeviceConfig cfg = getDefaultConfig();
  for (auto [pos, key] : keys) {
    if (key == "version")
      continue;
    const json::Value &value = *object->get(key);
    Location loc = locateJsonKey(text, fileName, key);
    if (key == "derived") {
      if (!value.getAsObject())
        errors.add(emitError(loc, "derived must be an object, got {}",
                             kindName(value)));
      continue;
    }
    bool known = false;
    errors.add(readField(cfg, key, value, loc, known));
    if (!known)
      errors.add(makeError(loc, unknownKeyMessage(key)));
  }
  // Fields that failed to read kept their defaults, so range checks on the
  // rest are still meaningful: report them in the same run.
  checkConfig(
      cfg,
      [&](StringRef key) {
        return object->get(key) ? locateJsonKey(text, fileName, key)
                                : Location::inFile(fileName);
      },
      errors);
  if (!errors.empty())
    return errors.take();
  return cfg;
}

//===----------------------------------------------------------------------===//
// --set KEY=VALUE
//===----------------------------------------------------------------------===//

static Error setInt(StringRef text, StringRef key, int64_t &out) {
  int64_t v = 0;
  if (text.getAsInteger(10, v))
    return emitError(Location::unknown(),
                     "--set {}={}: expected an integer value", key.str(),
                     text.str());
  out = v;
  return Error::success();
}

static Error setReal(StringRef text, StringRef key, double &out) {
  double v = 0;
  if (text.empty() || !to_float(text, v))
    return emitError(Location::unknown(), "--set {}={}: expected a number",
                     key.str(), text.str());
  out = v;
  return Error::success();
}

template <typename E>
static Error setEnum(StringRef text, StringRef key, E &out) {
  if (!parseEnum(text, out))
    return emitError(Location::unknown(), "--set {}={}: expected one of {}",
                     key.str(), text.str(), enumChoices<E>());
  return Error::success();
}

Error applyOverride(DeviceConfig &cfg, StringRef keyEqualsValue) {
  auto [key, value] = keyEqualsValue.split('=');
  key = key.trim();
  value = value.trim();
  if (!keyEqualsValue.contains('=') || key.empty())
    return emitError(Location::unknown(), "--set '{}': expected KEY=VALUE",
                     keyEqualsValue.str());
#define RTC_CONFIG_INT(member, k, def, min, max, unit, source)                 \
  if (key == k)                                                                \
    return setInt(value, key, cfg.member);
#define RTC_CONFIG_REAL(member, k, def, bound, unit, source)                   \
  if (key == k)                                                                \
    return setReal(value, key, cfg.member);
#define RTC_CONFIG_ENUM(member, k, type, def, source)                          \
  if (key == k)                                                                \
    return setEnum(value, key, cfg.member);
#include "targets/racetrack/isa/DeviceConfig.def"
  return makeError(Location::unknown(), "--set: " + unknownKeyMessage(key));
}

llvm::Expected<DeviceConfig>
loadConfigWithOverrides(StringRef configPath, ArrayRef<std::string> sets,
                        bool validateResult, int &exitCode) {
  DeviceConfig cfg = getDefaultConfig();
  if (!configPath.empty()) {
    exitCode = 1;
    auto buf = llvm::MemoryBuffer::getFile(configPath, /*IsText=*/true);
    if (!buf)
      return makeError(Location::inFile(configPath),
                       "cannot read: " + buf.getError().message());
    auto parsed = parseConfigJson((*buf)->getBuffer(), configPath);
    if (!parsed)
      return parsed.takeError();
    cfg = *parsed;
  }
  exitCode = 2;
  for (const std::string &kv : sets)
    if (auto err = applyOverride(cfg, kv))
      return err;
  exitCode = configPath.empty() ? 2 : 1;
  if (validateResult)
    if (auto err = validate(cfg))
      return err;
  exitCode = 0;
  return cfg;
}

} // namespace rtc::racetrack

//===- tests/unit/racetrack/DeviceConfigTest.cpp - Hardware config tests --===//
//
// Defaults, JSON round trip, every malformed-config diagnostic, --set
// overrides, hashing, the committed config files and the docs key table.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/DeviceConfig.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

/// Renders every error in \p err; \p count receives how many there were.
std::string render(llvm::Error err, unsigned *count = nullptr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  unsigned n = renderErrors(std::move(err), os, "rtcc");
  if (count)
    *count = n;
  return os.str();
}

/// Parses \p text as "cfg.json" and returns the rendered errors ("" if ok).
std::string parseErrors(llvm::StringRef text, unsigned *count = nullptr) {
  llvm::Expected<DeviceConfig> cfg = parseConfigJson(text, "cfg.json");
  if (cfg) {
    if (count)
      *count = 0;
    return "";
  }
  return render(cfg.takeError(), count);
}

std::string readRepoFile(llvm::StringRef relPath) {
  std::string path = std::string(RTC_SOURCE_DIR) + "/" + relPath.str();
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "<missing " + path + ">";
  return (*buffer)->getBuffer().str();
}

DeviceConfig parseOrDie(llvm::StringRef text) {
  return llvm::cantFail(parseConfigJson(text, "cfg.json"));
}

} // namespace

TEST(DeviceConfig, DefaultsAreValidAndSourced) {
  DeviceConfig cfg = getDefaultConfig();
  EXPECT_FALSE(static_cast<bool>(validate(cfg)));
  // RTSim (DESTINY-derived) figures.
  EXPECT_EQ(cfg.domainsPerTrack, 64);
  EXPECT_EQ(cfg.portsPerTrack, 2);
  EXPECT_EQ(cfg.tracksPerMu, 32);
  EXPECT_DOUBLE_EQ(cfg.shiftNs, 2.14192);
  EXPECT_DOUBLE_EQ(cfg.shiftPj, 19.5);
  EXPECT_DOUBLE_EQ(cfg.readNs, 1.61338);
  EXPECT_DOUBLE_EQ(cfg.readPj, 80.096);
  EXPECT_DOUBLE_EQ(cfg.writeNs, 4.84522);
  EXPECT_DOUBLE_EQ(cfg.writePj, 108.981);
  // Horowitz: 32-bit add 0.1 pJ spread over 32 full adders.
  EXPECT_DOUBLE_EQ(cfg.faPj * 32, 0.1);
  // Horowitz: 8-bit multiply 0.2 pJ = 64 ANDs + 56 FAs of an array multiplier.
  EXPECT_DOUBLE_EQ(64 * cfg.andPj + 56 * cfg.faPj, 0.2);
  EXPECT_EQ(cfg.accBits, 32);
  EXPECT_EQ(toString(cfg.macMode), "bit_parallel");
}

TEST(DeviceConfig, DerivedGeometry) {
  DeviceConfig cfg = getDefaultConfig();
  EXPECT_EQ(cfg.segmentLength(), 32);
  EXPECT_EQ(cfg.overheadDomains(), 31);
  EXPECT_EQ(cfg.physicalDomainsPerTrack(), 95);
  EXPECT_EQ(cfg.lanes(8), 4);
  EXPECT_EQ(cfg.lanes(3), 10);
  EXPECT_EQ(cfg.lanes(32), 1);
  EXPECT_EQ(cfg.numMus(), 1024);
  EXPECT_EQ(cfg.capacityBits(), 1024 * 32 * 64);
  // Holds at least twice lenet5's 61,706 8-bit weights plus ~10 KB of
  // activations.
  EXPECT_GE(cfg.capacityBits(), 2 * (61706 + 10000) * 8);
  cfg.portsPerTrack = 4;
  EXPECT_EQ(cfg.segmentLength(), 16);
  EXPECT_EQ(cfg.overheadDomains(), 15);
}

TEST(DeviceConfig, JsonRoundTripsDefault) {
  DeviceConfig cfg = getDefaultConfig();
  std::string text = toJson(cfg);
  EXPECT_EQ(parseOrDie(text), cfg);
  EXPECT_EQ(toJson(parseOrDie(text)), text);
  EXPECT_NE(text.find("  \"version\": 1,\n"), std::string::npos);
  EXPECT_NE(text.find("  \"domains_per_track\": 64,\n"), std::string::npos);
  EXPECT_NE(text.find("  \"shift_ns\": 2.14192,\n"), std::string::npos);
  EXPECT_NE(text.find("  \"clock_ns\": 1.0,\n"), std::string::npos);
  EXPECT_NE(text.find("  \"mac_mode\": \"bit_parallel\",\n"),
            std::string::npos);
  EXPECT_NE(text.find("\"overhead_domains_per_track\": 31"), std::string::npos);
}

TEST(DeviceConfig, JsonRoundTripsAwkwardValues) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.shiftNs = 0.1;
  cfg.shiftPj = 1e-7;
  cfg.readPj = 123456.789;
  cfg.writeNs = 1.0 / 3.0;
  cfg.leakageMwPerMu = 0;
  cfg.hostPjPerWord = 6.02e23;
  cfg.macMode = MacMode::BitSerial;
  cfg.macAdder = AdderKind::CarrySelect;
  cfg.macMultiplier = MultiplierKind::Booth;
  cfg.banks = 7;
  ASSERT_FALSE(static_cast<bool>(validate(cfg)));
  std::string text = toJson(cfg);
  DeviceConfig back = parseOrDie(text);
  EXPECT_EQ(back, cfg);
  EXPECT_EQ(toJson(back), text);
  EXPECT_NE(text.find("\"shift_ns\": 0.1,"), std::string::npos);
}

TEST(DeviceConfig, MissingKeysTakeDefaultsAndDerivedIsIgnored) {
  DeviceConfig cfg = parseOrDie(R"({"version": 1, "banks": 2,
      "derived": {"num_mus": 12345}})");
  DeviceConfig expected = getDefaultConfig();
  expected.banks = 2;
  EXPECT_EQ(cfg, expected);
}

TEST(DeviceConfig, CommittedConfigFiles) {
  std::string defaultText =
      readRepoFile("testdata/configs/racetrack-default.json");
  EXPECT_EQ(defaultText, toJson(getDefaultConfig()))
      << "regenerate testdata/configs/racetrack-default.json";

  DeviceConfig fourPort =
      parseOrDie(readRepoFile("testdata/configs/racetrack-4port.json"));
  EXPECT_EQ(fourPort.portsPerTrack, 4);
  EXPECT_EQ(fourPort.overheadDomains(), 15);

  DeviceConfig tiny =
      parseOrDie(readRepoFile("testdata/configs/racetrack-tiny.json"));
  // Too small for lenet5's 61,706 8-bit weights: capacity-error tests.
  EXPECT_LT(tiny.capacityBits(), 61706 * 8);
  EXPECT_LE(tiny.numMus(), 8);
}

TEST(DeviceConfig, UnknownKeySuggestsCloseMatch) {
  EXPECT_EQ(parseErrors("{\n  \"version\": 1,\n  \"domains_per_trak\": 64\n}"),
            "cfg.json:3:3: error: unknown config key 'domains_per_trak'; did "
            "you mean 'domains_per_track'?\n");
  EXPECT_EQ(parseErrors(R"({"version": 1, "colour": 3})"),
            "cfg.json:1:16: error: unknown config key 'colour'\n");
}

TEST(DeviceConfig, WrongTypes) {
  EXPECT_EQ(parseErrors(R"({"version": 1, "shift_ns": "fast"})"),
            "cfg.json:1:16: error: shift_ns must be a number, got a string\n");
  EXPECT_EQ(parseErrors(R"({"version": 1, "banks": 2.5})"),
            "cfg.json:1:16: error: banks must be an integer, got a number\n");
  EXPECT_EQ(parseErrors(R"({"version": 1, "mac_mode": 1})"),
            "cfg.json:1:16: error: mac_mode must be a string "
            "(bit_serial|bit_parallel), got a number\n");
  EXPECT_EQ(parseErrors("[1, 2]"),
            "cfg.json: error: a hardware config must be a JSON object, got an "
            "array\n");
}

TEST(DeviceConfig, ZeroPorts) {
  EXPECT_EQ(parseErrors(R"({"version": 1, "ports_per_track": 0})"),
            "cfg.json:1:16: error: ports_per_track must be in [1, 4096], got "
            "0\n");
}

TEST(DeviceConfig, PortsNotDividingDomains) {
  EXPECT_EQ(parseErrors(R"({"version": 1, "ports_per_track": 3})"),
            "cfg.json:1:16: error: ports_per_track (3) must divide "
            "domains_per_track (64) so that ports are evenly spaced\n");
  EXPECT_EQ(parseErrors(R"({"version": 1, "ports_per_track": 128})"),
            "cfg.json:1:16: error: ports_per_track (128) exceeds "
            "domains_per_track (64)\n");
}

TEST(DeviceConfig, TooFewTracksAndNonPositiveReals) {
  EXPECT_EQ(parseErrors(R"({"version": 1, "tracks_per_mu": 4})"),
            "cfg.json:1:16: error: tracks_per_mu must be in [8, 1024], got "
            "4\n");
  EXPECT_EQ(parseErrors(R"({"version": 1, "clock_ns": 0})"),
            "cfg.json:1:16: error: clock_ns must be finite and > 0, got 0.0\n");
  EXPECT_EQ(parseErrors(R"({"version": 1, "shift_pj": -1.5})"),
            "cfg.json:1:16: error: shift_pj must be finite and >= 0, got "
            "-1.5\n");
}

TEST(DeviceConfig, BadEnum) {
  EXPECT_EQ(parseErrors(R"({"version": 1, "mac_adder": "kogge_stone"})"),
            "cfg.json:1:16: error: mac_adder must be one of "
            "ripple_carry|carry_lookahead|carry_select, got "
            "\"kogge_stone\"\n");
}

TEST(DeviceConfig, Version) {
  EXPECT_EQ(parseErrors(R"({"banks": 2})"),
            "cfg.json: error: missing \"version\" key (this build reads config "
            "version 1)\n");
  EXPECT_EQ(parseErrors(R"({"version": 2})"),
            "cfg.json:1:2: error: unsupported config version 2 (this build "
            "reads version 1)\n");
  EXPECT_EQ(parseErrors(R"({"version": "1"})"),
            "cfg.json:1:2: error: version must be an integer, got a string\n");
}

TEST(DeviceConfig, JsonSyntaxErrorHasLineAndColumn) {
  // The '}' where a value belongs is on line 3, column 12.
  std::string errors = parseErrors("{\n  \"version\": 1,\n  \"banks\": }\n");
  EXPECT_EQ(errors, "cfg.json:3:12: error: invalid JSON: Invalid JSON value\n");
}

TEST(DeviceConfig, ReportsEveryProblemAtOnce) {
  unsigned count = 0;
  std::string errors = parseErrors(R"({
  "version": 1,
  "bankz": 2,
  "shift_ns": "fast",
  "ports_per_track": 0,
  "mac_mode": "sideways",
  "tracks_per_mu": 4
})",
                                   &count);
  EXPECT_EQ(count, 5u) << errors;
  EXPECT_NE(errors.find("cfg.json:3:3: error: unknown config key 'bankz'"),
            std::string::npos);
  EXPECT_NE(errors.find("cfg.json:4:3: error: shift_ns must be a number"),
            std::string::npos);
  EXPECT_NE(errors.find("cfg.json:5:3: error: ports_per_track must be in"),
            std::string::npos);
  EXPECT_NE(errors.find("cfg.json:6:3: error: mac_mode must be one of"),
            std::string::npos);
  EXPECT_NE(errors.find("cfg.json:7:3: error: tracks_per_mu must be in"),
            std::string::npos);
}

TEST(DeviceConfig, ValidateReportsAllProblems) {
  DeviceConfig cfg = getDefaultConfig();
  cfg.domainsPerTrack = 0;
  cfg.banks = -1;
  cfg.featureSizeNm = 0;
  unsigned count = 0;
  std::string errors = render(validate(cfg), &count);
  EXPECT_EQ(count, 3u) << errors;
  EXPECT_NE(errors.find("rtcc: error: domains_per_track must be in [1, 4096], "
                        "got 0"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("banks must be in [1, 1024], got -1"),
            std::string::npos);
  EXPECT_NE(errors.find("feature_size_nm must be finite and > 0, got 0.0"),
            std::string::npos);
}

TEST(DeviceConfig, SetOverrides) {
  DeviceConfig cfg = getDefaultConfig();
  ASSERT_FALSE(static_cast<bool>(applyOverride(cfg, "ports_per_track=4")));
  ASSERT_FALSE(static_cast<bool>(applyOverride(cfg, "shift_pj=12.25")));
  ASSERT_FALSE(static_cast<bool>(applyOverride(cfg, "mac_multiplier=booth")));
  ASSERT_FALSE(static_cast<bool>(applyOverride(cfg, " clock_ns = 2 ")));
  EXPECT_EQ(cfg.portsPerTrack, 4);
  EXPECT_DOUBLE_EQ(cfg.shiftPj, 12.25);
  EXPECT_EQ(cfg.macMultiplier, MultiplierKind::Booth);
  EXPECT_DOUBLE_EQ(cfg.clockNs, 2.0);
  EXPECT_FALSE(static_cast<bool>(validate(cfg)));
}

TEST(DeviceConfig, SetErrors) {
  DeviceConfig cfg = getDefaultConfig();
  EXPECT_EQ(render(applyOverride(cfg, "ports=4")),
            "rtcc: error: --set: unknown config key 'ports'; did you mean "
            "'ports_per_track'?\n");
  EXPECT_EQ(render(applyOverride(cfg, "banks=two")),
            "rtcc: error: --set banks=two: expected an integer value\n");
  EXPECT_EQ(render(applyOverride(cfg, "banks=2.5")),
            "rtcc: error: --set banks=2.5: expected an integer value\n");
  EXPECT_EQ(render(applyOverride(cfg, "shift_ns=")),
            "rtcc: error: --set shift_ns=: expected a number\n");
  EXPECT_EQ(render(applyOverride(cfg, "mac_mode=serial")),
            "rtcc: error: --set mac_mode=serial: expected one of "
            "bit_serial|bit_parallel\n");
  EXPECT_EQ(render(applyOverride(cfg, "banks")),
            "rtcc: error: --set 'banks': expected KEY=VALUE\n");
  EXPECT_EQ(cfg, getDefaultConfig()) << "failed overrides must not change cfg";
  // An accepted but invalid value is caught by validate().
  ASSERT_FALSE(static_cast<bool>(applyOverride(cfg, "ports_per_track=3")));
  EXPECT_EQ(render(validate(cfg)),
            "rtcc: error: ports_per_track (3) must divide domains_per_track "
            "(64) so that ports are evenly spaced\n");
}

TEST(DeviceConfig, HashIsStableAndSeesEveryField) {
  auto defaultHash = hashConfig(getDefaultConfig());
  EXPECT_EQ(defaultHash, hashConfig(getDefaultConfig()));
  EXPECT_EQ(hashToHex(defaultHash).size(), 64u);
  const uint8_t bytes[] = {0x00, 0xab, 0xff};
  EXPECT_EQ(hashToHex(bytes), "00abff");

  std::set<std::string> seen = {hashToHex(defaultHash)};
  for (const ConfigKeyInfo &info : getConfigKeyInfos()) {
    DeviceConfig cfg = getDefaultConfig();
    std::string value;
    if (info.type == "int")
      value = info.key == "ports_per_track" ? "4" : "9";
    else if (info.type == "real")
      value = "0.75";
    else if (info.key == "mac_mode")
      value = "bit_serial";
    else if (info.key == "mac_adder")
      value = "carry_select";
    else
      value = "booth";
    ASSERT_FALSE(
        static_cast<bool>(applyOverride(cfg, (info.key + "=" + value).str())))
        << info.key.str();
    ASSERT_NE(cfg, getDefaultConfig()) << info.key.str();
    EXPECT_TRUE(seen.insert(hashToHex(hashConfig(cfg))).second)
        << "hash unchanged by " << info.key.str();
  }
}

TEST(DeviceConfig, KeyTableIsComplete) {
  std::vector<ConfigKeyInfo> infos = getConfigKeyInfos();
  std::set<std::string> keys;
  for (const ConfigKeyInfo &info : infos) {
    EXPECT_TRUE(keys.insert(info.key.str()).second) << info.key.str();
    EXPECT_FALSE(info.source.empty()) << info.key.str();
    EXPECT_FALSE(info.defaultValue.empty()) << info.key.str();
  }
  for (const char *required :
       {"domains_per_track", "ports_per_track", "tracks_per_mu", "mus_per_bank",
        "banks", "shift_ns", "shift_pj", "read_ns", "read_pj", "write_ns",
        "write_pj", "mac_mode", "mac_adder", "mac_multiplier", "acc_bits",
        "fa_pj", "clock_ns", "periphery_fraction"})
    EXPECT_TRUE(keys.count(required)) << required;
}

TEST(DeviceConfig, DocsListEveryKey) {
  std::string docs = readRepoFile("docs/hardware-config.md");
  for (const ConfigKeyInfo &info : getConfigKeyInfos()) {
    std::string row = "| `" + info.key.str() + "` |";
    EXPECT_NE(docs.find(row), std::string::npos)
        << "docs/hardware-config.md lacks a table row for " << info.key.str();
  }
}

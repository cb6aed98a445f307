//===- tests/unit/dse/SweepTest.cpp - Sweep spec parsing ------------------===//
#include "tools/rtdse/Sweep.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::dse;
using racetrack::getDefaultConfig;

namespace {
/// The first error message without the "error: " framing.
std::string message(llvm::Error err) {
  std::string text;
  llvm::handleAllErrors(std::move(err), [&](const DiagnosticError &d) {
    if (text.empty())
      text =
          d.getDiagnostic().loc.str().empty()
              ? d.getDiagnostic().message
              : d.getDiagnostic().loc.str() + ": " + d.getDiagnostic().message;
  });
  return text;
}

std::string sweepError(llvm::StringRef arg,
                       std::vector<std::string> fixed = {}) {
  SweepSpec spec;
  return message(addSweepArg(spec, arg, getDefaultConfig(), fixed));
}
} // namespace

TEST(Sweep, ConfigValueTextIsTheJsonSpelling) {
  racetrack::DeviceConfig cfg = getDefaultConfig();
  EXPECT_EQ(getConfigValueText(cfg, "ports_per_track"), "2");
  EXPECT_EQ(getConfigValueText(cfg, "shift_pj"), "19.5");
  EXPECT_EQ(getConfigValueText(cfg, "clock_ns"), "1.0");
  EXPECT_EQ(getConfigValueText(cfg, "mac_mode"), "bit_parallel");
  EXPECT_EQ(getConfigValueText(cfg, "no_such_key"), "");
}

TEST(Sweep, ArgumentsAreCanonicalised) {
  SweepSpec spec;
  auto base = getDefaultConfig();
  ASSERT_FALSE(bool(addSweepArg(spec, "ports_per_track= 1 , 04", base, {})));
  EXPECT_EQ(message(addSweepArg(spec, "shift_pj=19.50,1e1x", base, {})),
            "--sweep 'shift_pj=19.50,1e1x': bad value '1e1x': expected a "
            "number");
  ASSERT_FALSE(bool(addSweepArg(spec, "shift_pj=19.50,10", base, {})));
  ASSERT_FALSE(bool(addSweepArg(spec, "mac_mode=bit_serial", base, {})));
  ASSERT_EQ(spec.axes.size(), 3u);
  EXPECT_EQ(spec.axes[0].key, "ports_per_track");
  EXPECT_EQ(spec.axes[0].values, (std::vector<std::string>{"1", "4"}));
  EXPECT_EQ(spec.axes[1].values, (std::vector<std::string>{"19.5", "10.0"}));
  EXPECT_EQ(spec.axes[2].values, (std::vector<std::string>{"bit_serial"}));
  EXPECT_EQ(spec.numConfigs(), 4u); // 2 x 2 x 1
  // The values are applied through the config's own --set parser.
  racetrack::DeviceConfig cfg = applyChoice(base, spec, {1, 1, 0});
  EXPECT_EQ(cfg.portsPerTrack, 4);
  EXPECT_EQ(cfg.shiftPj, 10.0);
  EXPECT_EQ(cfg.macMode, racetrack::MacMode::BitSerial);
}

TEST(Sweep, MalformedArgumentsAreRejected) {
  EXPECT_EQ(sweepError("ports_per_trak=1,2"),
            "--sweep 'ports_per_trak=1,2': unknown config key "
            "'ports_per_trak'; did you mean 'ports_per_track'?");
  EXPECT_EQ(sweepError("ports_per_track="),
            "--sweep 'ports_per_track=': empty value list for "
            "ports_per_track");
  EXPECT_EQ(sweepError("ports_per_track=1,"),
            "--sweep 'ports_per_track=1,': empty value in the list for "
            "ports_per_track");
  EXPECT_EQ(sweepError("ports_per_track=2.5"),
            "--sweep 'ports_per_track=2.5': bad value '2.5': expected an "
            "integer value");
  EXPECT_EQ(sweepError("mac_adder=ripple"),
            "--sweep 'mac_adder=ripple': bad value 'ripple': expected one of "
            "ripple_carry|carry_lookahead|carry_select");
  EXPECT_EQ(sweepError("shift_ns=1,1.0"),
            "--sweep 'shift_ns=1,1.0': shift_ns value 1.0 is listed twice");
  EXPECT_EQ(sweepError("=1"), "--sweep '=1': expected KEY=V1,V2,...");
  EXPECT_EQ(sweepError("banks=1,2", {"banks"}),
            "--sweep 'banks=1,2': banks is also fixed by --set; drop one of "
            "them");
  SweepSpec spec;
  ASSERT_FALSE(bool(addSweepArg(spec, "banks=1", getDefaultConfig(), {})));
  EXPECT_EQ(message(addSweepArg(spec, "banks=2", getDefaultConfig(), {})),
            "--sweep 'banks=2': banks is swept twice");
}

TEST(Sweep, FilesKeepTheirKeyOrderAndLocateErrors) {
  SweepSpec spec;
  // mac_mode comes after ports_per_track in the config table; the file's
  // order wins.
  const char *text = "{\n  \"mac_mode\": [\"bit_serial\", \"bit_parallel\"],\n"
                     "  \"ports_per_track\": [4, 1],\n"
                     "  \"shift_pj\": [19.5, 2]\n}\n";
  ASSERT_FALSE(
      bool(addSweepFile(spec, text, "s.json", getDefaultConfig(), {})));
  ASSERT_EQ(spec.axes.size(), 3u);
  EXPECT_EQ(spec.axes[0].key, "mac_mode");
  EXPECT_EQ(spec.axes[1].key, "ports_per_track");
  EXPECT_EQ(spec.axes[1].values, (std::vector<std::string>{"4", "1"}));
  EXPECT_EQ(spec.axes[2].values, (std::vector<std::string>{"19.5", "2.0"}));

  SweepSpec bad;
  EXPECT_EQ(message(addSweepFile(
                bad, "{\n  \"banks\": [1],\n  \"portz_per_track\": [8]\n}",
                "s.json", getDefaultConfig(), {})),
            "s.json:3:3: sweep key 'portz_per_track': unknown config key "
            "'portz_per_track'; did you mean 'ports_per_track'?");
  SweepSpec bad2;
  EXPECT_EQ(message(addSweepFile(bad2, "{\"banks\": [1, [2]]}", "s.json",
                                 getDefaultConfig(), {})),
            "s.json:1:2: sweep key 'banks': values must be numbers or "
            "strings");
  SweepSpec bad3;
  EXPECT_EQ(message(addSweepFile(bad3, "{}", "s.json", getDefaultConfig(), {})),
            "s.json: the sweep file sweeps no key");
}

TEST(Sweep, BitsPlacementsAndShards) {
  auto bits = parseBitsList("8, 4,2");
  ASSERT_TRUE(bool(bits));
  EXPECT_EQ(*bits, (std::vector<int64_t>{8, 4, 2}));
  EXPECT_EQ(message(parseBitsList("8,1").takeError()),
            "--bits '8,1': '1' is not a bit width between 2 and 8");
  EXPECT_EQ(message(parseBitsList("").takeError()), "--bits: empty list");

  auto placements = parsePlacementList("auto,ofu");
  ASSERT_TRUE(bool(placements));
  EXPECT_EQ(*placements, (std::vector<racetrack::place::Strategy>{
                             racetrack::place::Strategy::Auto,
                             racetrack::place::Strategy::Ofu}));
  EXPECT_EQ(message(parsePlacementList("ofu,ofu").takeError()),
            "--placement 'ofu,ofu': ofu is listed twice");

  auto shard = parseShard("2/8");
  ASSERT_TRUE(bool(shard));
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 8);
  for (const char *bad : {"0/8", "9/8", "2/0", "2", "a/b", "2/8/1", ""}) {
    auto s = parseShard(bad);
    EXPECT_FALSE(bool(s)) << bad;
    if (!s)
      llvm::consumeError(s.takeError());
  }
}

TEST(Sweep, EveryCombinationIsValidated) {
  auto base = getDefaultConfig();
  SweepSpec spec;
  ASSERT_FALSE(bool(addSweepArg(spec, "domains_per_track=64,96", base, {})));
  ASSERT_FALSE(bool(addSweepArg(spec, "ports_per_track=2,32", base, {})));
  // 96 / 32 = 3 is fine; 96 / 2 fine; 64 / 32 fine: all valid.
  EXPECT_FALSE(bool(validateSweep(base, spec)));
  SweepSpec bad;
  ASSERT_FALSE(bool(addSweepArg(bad, "domains_per_track=64,96", base, {})));
  ASSERT_FALSE(bool(addSweepArg(bad, "ports_per_track=2,64", base, {})));
  EXPECT_EQ(message(validateSweep(base, bad)),
            "the combination domains_per_track=96, ports_per_track=64 is "
            "invalid: ports_per_track (64) must divide domains_per_track (96) "
            "so that ports are evenly spaced");
  // No axes: the base itself is checked.
  racetrack::DeviceConfig broken = base;
  broken.tracksPerMu = 4;
  EXPECT_EQ(message(validateSweep(broken, SweepSpec{})),
            "the base config is invalid: tracks_per_mu must be in [8, 1024], "
            "got 4");
}

//===- tests/unit/lower/PlacementLoweringTest.cpp - Placement in codegen --===//
//
// Every placement strategy on small CNNs and an MLP, on 1, 2 and 4 ports:
// the shifts the compiler predicts from its access traces equal the shifts
// the simulator counts, in total and per layer; the outputs stay bit-exact
// with the integer golden model; exact (which places every MU group
// optimally for the straight schedule) is never beaten by a heuristic on
// that schedule, and auto is never beaten at all.
//
//===----------------------------------------------------------------------===//
#include "tests/unit/lower/CnnTestUtils.h"

#include "runtime/sim/HostIO.h"

#include <map>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lowertest;

namespace {

/// Lowers the finished graph of \p b with \p strategy, simulates it and
/// checks predicted == simulated shifts and bit-exactness. \returns the
/// predicted shifts, or -1 if the strategy refused the model (only exact
/// may, past its size limit).
int64_t checkStrategy(CnnBuilder &b, ValueId last, const DeviceConfig &cfg,
                      place::Strategy strategy, unsigned seed,
                      uint64_t &ofuBaseline, ScheduleOptions schedule = {}) {
  std::string name = place::getStrategyName(strategy).str();
  SCOPED_TRACE(::testing::Message() << "placement " << name << ", P="
                                    << cfg.portsPerTrack);
  LowerOptions opts;
  opts.placement = strategy;
  opts.schedule = schedule;
  opts.placeOptions.exactLimit = 16;
  PlacementSummary summary;
  auto model = lowerToRacetrack(b.g, cfg, "cnn.onnx", opts, &summary);
  if (!model) {
    std::string err = errorText(model.takeError());
    EXPECT_EQ(strategy, place::Strategy::Exact) << err;
    EXPECT_NE(err.find("exact placement handles at most"), std::string::npos)
        << err;
    return -1;
  }
  ofuBaseline = summary.ofuShifts;
  const TensorType &xt = b.g.getType(b.x);
  std::vector<float> xs = randomInput(xt.getNumElements(), seed);
  auto run = sim::runOnce(*model, cfg, {xs}, "cnn");
  EXPECT_TRUE(bool(run)) << (run ? "" : errorText(run.takeError()));
  if (!run)
    return -1;
  // Predicted == measured, in total and layer by layer.
  EXPECT_EQ(summary.predictedShifts, run->stats.total.shifts);
  EXPECT_EQ(summary.layerShifts.size(), run->stats.layers.size());
  for (size_t l = 0; l < run->stats.layers.size(); ++l)
    EXPECT_EQ(summary.layerShifts[l], run->stats.layers[l].counters.shifts)
        << "layer " << run->stats.layers[l].name;
  // Bit-exact with the golden model.
  Graph words = b.g;
  words.setOutputs({last});
  auto golden = interpret(words, {Tensor::fromValues<float>(xt.shape, xs)});
  EXPECT_TRUE(bool(golden));
  if (!golden)
    return -1;
  const Tensor &gw = (*golden)[0];
  EXPECT_EQ(int64_t(run->outputWords[0].size()), gw.getNumElements());
  for (int64_t i = 0; i < gw.getNumElements(); ++i)
    EXPECT_EQ(run->outputWords[0][size_t(i)], gw.getAsInt64(i))
        << "output word " << i;
  return int64_t(summary.predictedShifts);
}

/// Every strategy on the graph of \p b: the checks above, exact <= every
/// heuristic on the straight schedule, auto <= everything, and auto below
/// ofu.
void checkAllStrategies(CnnBuilder &b, ValueId last, const DeviceConfig &cfg,
                        unsigned seed, bool expectExact) {
  b.finish(last);
  std::map<place::Strategy, int64_t> shifts;
  std::map<place::Strategy, uint64_t> baselines;
  for (place::Strategy s : place::getAllStrategies())
    shifts[s] = checkStrategy(b, last, cfg, s, seed, baselines[s]);
  // Every compile reports the same baseline: what --placement=ofu does.
  for (auto [s, n] : baselines)
    if (shifts[s] >= 0) {
      EXPECT_EQ(int64_t(n), shifts[place::Strategy::Ofu])
          << place::getStrategyName(s).str();
    }
  int64_t exact = shifts[place::Strategy::Exact];
  int64_t autoShifts = shifts[place::Strategy::Auto];
  EXPECT_EQ(exact >= 0, expectExact);
  for (auto [s, n] : shifts) {
    if (n < 0)
      continue;
    EXPECT_LE(autoShifts, n) << place::getStrategyName(s).str();
    if (exact >= 0 && s != place::Strategy::Auto) {
      EXPECT_LE(exact, n) << place::getStrategyName(s).str();
    }
  }
  EXPECT_LT(autoShifts, shifts[place::Strategy::Ofu]);
}

} // namespace

TEST(PlacementLowering, ConvPoolFcEveryStrategyOneTwoFourPorts) {
  for (int64_t ports : {1, 2, 4}) {
    CnnBuilder b(11, 8);
    ValueId x = b.input({1, 1, 6, 6});
    ValueId y = b.conv(x, 5, 3, 1, {1, 1, 1, 1}, 1, DType::U8);
    y = b.maxPool(y, 2, 2);
    y = b.fc(y, 4, DType::I8);
    // 16 rows per MU: every MU group has at most 16 rows, so exact runs.
    checkAllStrategies(b, y, makeConfig(32, 16, ports), 11, true);
  }
}

TEST(PlacementLowering, DeeperCnnFourBitsExactRefusesLargeGroups) {
  for (int64_t ports : {1, 2}) {
    CnnBuilder b(12, 4);
    ValueId x = b.input({1, 2, 7, 7});
    ValueId a = b.conv(x, 6, 3, 1, {1, 1, 1, 1}, 1, DType::I8);
    ValueId c = b.conv(a, 6, 3, 1, {1, 1, 1, 1}, 2, DType::I8);
    ValueId s = b.qadd(a, c, DType::I8);
    ValueId y = b.fc(b.maxPool(s, 2, 1), 5, DType::I8);
    // 64 rows per MU: the activation MUs hold more than 16 accessed rows.
    checkAllStrategies(b, y, makeConfig(32, 64, ports), 12, false);
  }
}

TEST(PlacementLowering, EveryScheduleBitExactAndPredicted) {
  // Each schedule with a named strategy (auto picks its own): zig-zag walks
  // and snake-order positions keep the numerics and the prediction exact.
  for (ScheduleOptions sched : {ScheduleOptions{false, false},
                                ScheduleOptions{true, false},
                                ScheduleOptions{false, true},
                                ScheduleOptions{true, true}}) {
    SCOPED_TRACE(::testing::Message() << "zigzag " << sched.zigzag
                                      << " snake " << sched.snake);
    CnnBuilder b(13, 8);
    ValueId x = b.input({1, 3, 7, 6});
    ValueId y = b.conv(x, 5, 3, 1, {1, 1, 1, 1}, 1, DType::U8);
    y = b.maxPool(y, 2, 1);
    y = b.conv(y, 4, 3, 2, {1, 0, 1, 0}, 1, DType::I8);
    y = b.fc(y, 3, DType::I8);
    b.finish(y);
    uint64_t baseline = 0;
    for (place::Strategy s :
         {place::Strategy::Ofu, place::Strategy::ShiftsReduce})
      EXPECT_GE(checkStrategy(b, y, makeConfig(32, 16, 2), s, 13, baseline,
                              sched),
                0);
  }
}

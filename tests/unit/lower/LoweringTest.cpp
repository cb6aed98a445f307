//===- tests/unit/lower/LoweringTest.cpp - Racetrack code generation tests ===//
//
// Lowers small quantized MLPs, runs them on the bit-exact simulator and
// compares the output words and their dequantized floats with the integer
// golden model (interpret()).
//
//===----------------------------------------------------------------------===//
#include "tests/unit/lower/CnnTestUtils.h"

#include <cstring>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lowertest;

namespace {

struct MlpSpec {
  std::vector<int64_t> widths; // K0, N1, N2, ...
  unsigned bits = 8;           // activations and weights
  bool signedInput = false;
  int64_t inZeroPoint = 3;
  bool withBias = true;
  bool flattenBetween = true;
};

struct Mlp {
  Graph graph;
  ValueId lastQuantized; // result of the last qmatmul
  float inScale = 0;
  int64_t inZeroPoint = 0;
  DType inType = DType::U8;
};

/// Builds input f32 [1, K0] -> quantize -> (qmatmul [-> flatten])* ->
/// dequantize with seeded random weights and per-channel multipliers.
Mlp buildMlp(const MlpSpec &spec, unsigned seed) {
  std::mt19937 rng(seed);
  Mlp m;
  Graph &g = m.graph;
  g.setName("mlp");
  int64_t k0 = spec.widths[0];
  ValueId x = g.addInput(TensorType(DType::F32, {1, k0}), "x");
  m.inType = spec.signedInput ? DType::I8 : DType::U8;
  QuantRange inRange = getQuantRange(m.inType, spec.bits);
  m.inScale = 2.0f / float(inRange.max - inRange.min);
  m.inZeroPoint = spec.signedInput ? -1 : spec.inZeroPoint;
  QuantizeAttrs qa{m.inType, perTensor(m.inScale, m.inZeroPoint, spec.bits)};
  auto cur = buildValue(
      g, OpKind::Quantize, {x}, qa,
      Location::onnxNode("mlp", "quant", "QuantizeLinear", 0, 13), "xq");
  EXPECT_TRUE(bool(cur));
  ValueId a = *cur;
  QuantRange wRange = getQuantRange(DType::I8, spec.bits);
  for (size_t layer = 1; layer < spec.widths.size(); ++layer) {
    int64_t K = spec.widths[layer - 1], N = spec.widths[layer];
    llvm::SmallVector<ValueId, 3> ops = {
        a, g.addConstant(randomWeights(rng, {K, N}, 1, spec.bits),
                         fmt::format("w{}", layer))};
    if (spec.withBias)
      ops.push_back(
          g.addConstant(randomBias(rng, N), fmt::format("b{}", layer)));
    // Alternate u8 / i8 results; scale the multipliers so that the outputs
    // spread over the range (std of the accumulator ~ sqrt(K) * qa * qw).
    DType outType = layer % 2 ? DType::I8 : DType::U8;
    double accStd = std::sqrt(double(K)) * double(inRange.max - inRange.min) *
                    double(wRange.max) / 4.0;
    RequantAttrs ra = randomRequant(rng, outType, outType == DType::I8 ? 1 : 2,
                                    spec.bits, N, accStd, 4.0);
    auto y = buildValue(g, OpKind::QMatMul, ops, ra,
                        Location::onnxNode("mlp", fmt::format("fc{}", layer),
                                           "MatMul", int64_t(layer), 13),
                        fmt::format("y{}", layer));
    EXPECT_TRUE(bool(y)) << errorText(y.takeError());
    a = *y;
    m.lastQuantized = a;
    if (spec.flattenBetween && layer + 1 < spec.widths.size()) {
      auto f = buildValue(g, OpKind::Flatten, {a}, AxisAttrs{1}, {},
                          fmt::format("f{}", layer));
      EXPECT_TRUE(bool(f));
      a = *f;
    }
  }
  auto out = buildValue(
      g, OpKind::Dequantize, {a}, NoAttrs{},
      Location::onnxNode("mlp", "deq", "DequantizeLinear", 99, 13), "out");
  EXPECT_TRUE(bool(out));
  g.addOutput(*out);
  return m;
}

/// Lowers, simulates and compares against interpret(), word for word and
/// (after dequantize) float for float.
void checkMlp(const MlpSpec &spec, const DeviceConfig &cfg, unsigned seed) {
  SCOPED_TRACE(::testing::Message()
               << "seed " << seed << ", T=" << cfg.tracksPerMu
               << " D=" << cfg.domainsPerTrack << " P=" << cfg.portsPerTrack
               << " bits=" << spec.bits);
  Mlp m = buildMlp(spec, seed);
  auto model = lowerToRacetrack(m.graph, cfg, "mlp.onnx");
  ASSERT_TRUE(bool(model)) << errorText(model.takeError());

  // The program verifies and survives the container round trip.
  auto packed = packRtBin(*model, cfg);
  ASSERT_TRUE(bool(packed)) << errorText(packed.takeError());
  auto unpacked = unpackRtBin(*packed, "mlp.rtbin");
  ASSERT_TRUE(bool(unpacked)) << errorText(unpacked.takeError());
  EXPECT_EQ(*unpacked, *model);

  // Input: random floats, quantized by the host (sim::runOnce, with the
  // quantize kernel rule).
  int64_t k0 = spec.widths[0];
  std::vector<float> xs = randomInput(k0, seed);
  auto run = sim::runOnce(*model, cfg, {xs}, "mlp");
  ASSERT_TRUE(bool(run)) << errorText(run.takeError());
  ASSERT_EQ(run->outputWords.size(), 1u);
  const std::vector<int64_t> &words = run->outputWords[0];
  const std::vector<float> &ys = run->outputs[0];

  // Golden: the quantized words of the last qmatmul and the float output.
  Tensor xin = Tensor::fromValues<float>({1, k0}, xs);
  auto golden = interpret(m.graph, {xin});
  ASSERT_TRUE(bool(golden)) << errorText(golden.takeError());
  Graph wordsGraph = m.graph;
  wordsGraph.setOutputs({m.lastQuantized});
  auto goldenWords = interpret(wordsGraph, {xin});
  ASSERT_TRUE(bool(goldenWords)) << errorText(goldenWords.takeError());

  const Tensor &gw = (*goldenWords)[0];
  int64_t nOut = spec.widths.back();
  ASSERT_EQ(gw.getNumElements(), nOut);
  ASSERT_EQ(int64_t(words.size()), nOut);
  ASSERT_EQ(int64_t(ys.size()), nOut);
  auto floats = (*golden)[0].getData<float>();
  int64_t distinct = 0;
  for (int64_t i = 0; i < nOut; ++i) {
    ASSERT_EQ(words[size_t(i)], gw.getAsInt64(i)) << "output word " << i;
    EXPECT_EQ(std::memcmp(&ys[size_t(i)], &floats[size_t(i)], sizeof(float)), 0)
        << "output float " << i;
    distinct += gw.getAsInt64(i) != gw.getAsInt64(0);
  }
  // The test is meaningful only if the outputs are not all one value.
  EXPECT_GT(distinct, 0);
}

} // namespace

TEST(RacetrackLowering, EightBitTwoPortsChunksAndGroups) {
  // T=32, 8 bits: 4 lanes; D=16 < K=40 -> 3 chunks; N=10 -> 3 groups.
  MlpSpec spec;
  spec.widths = {40, 10, 6};
  for (unsigned seed : {1u, 2u, 3u})
    checkMlp(spec, makeConfig(32, 16, 2), seed);
}

TEST(RacetrackLowering, EightBitSignedInputFourPorts) {
  MlpSpec spec;
  spec.widths = {37, 13, 9, 5};
  spec.signedInput = true;
  for (unsigned seed : {4u, 5u, 6u})
    checkMlp(spec, makeConfig(32, 16, 4), seed);
}

TEST(RacetrackLowering, FourBitNoBiasNoFlatten) {
  // T=32, 4 bits: 8 lanes; D=8 -> K=37 is 5 chunks; N=20 -> 3 groups.
  MlpSpec spec;
  spec.widths = {37, 20, 11};
  spec.bits = 4;
  spec.withBias = false;
  spec.flattenBetween = false;
  for (unsigned seed : {7u, 8u, 9u})
    checkMlp(spec, makeConfig(32, 8, 2), seed);
}

TEST(RacetrackLowering, FourBitOddTrackCountFourPorts) {
  // T=20: 5 four-bit lanes, rows of 2.5 bytes.
  MlpSpec spec;
  spec.widths = {23, 12, 7};
  spec.bits = 4;
  spec.signedInput = true;
  for (unsigned seed : {10u, 11u})
    checkMlp(spec, makeConfig(20, 16, 4), seed);
}

TEST(RacetrackLowering, DefaultConfig) {
  MlpSpec spec;
  spec.widths = {100, 30, 10};
  DeviceConfig cfg = getDefaultConfig();
  checkMlp(spec, cfg, 12);
}

TEST(RacetrackLowering, LayerTableNamesNodes) {
  MlpSpec spec;
  spec.widths = {8, 4};
  Mlp m = buildMlp(spec, 1);
  auto model = lowerToRacetrack(m.graph, makeConfig(32, 16, 2), "mlp.onnx");
  ASSERT_TRUE(bool(model)) << errorText(model.takeError());
  ASSERT_EQ(model->layers.size(), 3u);
  EXPECT_EQ(model->layers[0].name, "quant");
  EXPECT_EQ(model->layers[0].op, "quantize");
  EXPECT_EQ(model->layers[1].name, "fc1");
  EXPECT_EQ(model->layers[1].op, "qmatmul");
  EXPECT_EQ(model->layers[2].name, "deq");
  ASSERT_EQ(model->tensors.size(), 2u);
  EXPECT_EQ(model->tensors[0].name, "x");
  EXPECT_EQ(model->tensors[0].role, TensorRole::Input);
  EXPECT_EQ(model->tensors[0].type.elemType, DType::U8);
  EXPECT_EQ(model->tensors[1].name, "out");
  EXPECT_EQ(model->tensors[1].role, TensorRole::Output);
  EXPECT_EQ(model->program.insns.back().op, Opcode::Halt);
  // 8 inputs in 4-lane rows: 2 hin (and a shift unless the placement puts
  // both rows at one offset); 4 outputs: 1 hout.
  auto count = [&](const LayerEntry &l, Opcode op) {
    int n = 0;
    for (uint32_t i = l.firstInsn; i < l.endInsn; ++i)
      n += model->program.insns[i].op == op;
    return n;
  };
  EXPECT_EQ(count(model->layers[0], Opcode::HIn), 2);
  EXPECT_EQ(count(model->layers[2], Opcode::HOut), 1);
}

TEST(RacetrackLowering, DeterministicOutput) {
  MlpSpec spec;
  spec.widths = {40, 10, 6};
  DeviceConfig cfg = makeConfig(32, 16, 2);
  auto a = lowerToRacetrack(buildMlp(spec, 3).graph, cfg, "m");
  auto b = lowerToRacetrack(buildMlp(spec, 3).graph, cfg, "m");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(RacetrackLowering, UnsupportedOpsListedTogether) {
  Graph g("bad");
  ValueId x = g.addInput(TensorType(DType::F32, {1, 4}), "x");
  auto r = buildValue(g, OpKind::Relu, {x}, NoAttrs{},
                      Location::onnxNode("bad.onnx", "r1", "Relu", 0, 13));
  ASSERT_TRUE(bool(r));
  auto s = buildValue(g, OpKind::Sigmoid, {*r}, NoAttrs{},
                      Location::onnxNode("bad.onnx", "s1", "Sigmoid", 1, 13));
  ASSERT_TRUE(bool(s));
  g.addOutput(*s);
  auto model = lowerToRacetrack(g, getDefaultConfig(), "bad.onnx");
  ASSERT_FALSE(bool(model));
  std::string text = errorText(model.takeError());
  EXPECT_NE(text.find("racetrack backend: op 'relu' is not supported yet"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("racetrack backend: op 'sigmoid' is not supported yet"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("r1"), std::string::npos) << text;
  EXPECT_NE(text.find("s1"), std::string::npos) << text;
}

TEST(RacetrackLowering, CapacityError) {
  // K=40, N=10 on T=32, D=16, 8 bits: input 10 rows (1 MU), weights 3 chunks
  // x 3 groups (9 MUs), output 3 rows (1 MU): 11 MUs of 32 x 16 bits =
  // 64 bytes each.
  MlpSpec spec;
  spec.widths = {40, 10};
  auto model = lowerToRacetrack(buildMlp(spec, 1).graph,
                                makeConfig(32, 16, 2, /*mus=*/4), "mlp.onnx");
  ASSERT_FALSE(bool(model));
  std::string text = errorText(model.takeError());
  EXPECT_NE(text.find("model needs 11 MUs (0.6875 KiB), the config has 4 "
                      "(0.25 KiB); raise mus_per_bank or banks"),
            std::string::npos)
      << text;
}

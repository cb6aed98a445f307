//===- tests/unit/sim/HostIOTest.cpp - Host I/O convention tests ----------===//
//
// The host side of an inference (runtime/sim/HostIO.h) against hand-computed
// values: per-tensor and per-axis quantization (round half to even,
// saturation, narrowed bits), dequantization, the buffer layout, the
// machine prepareMachine builds and a runOnce of a copy program.
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/HostIO.h"

#include "SimTestUtil.h"

#include <gtest/gtest.h>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::sim;
using namespace rtc::sim::test;

namespace {

QuantParams params(std::vector<float> scales, std::vector<int64_t> zps,
                   int64_t axis = -1, int64_t bits = 0) {
  QuantParams q;
  q.scales.assign(scales.begin(), scales.end());
  q.zeroPoints.assign(zps.begin(), zps.end());
  q.axis = axis;
  q.bits = bits;
  return q;
}

TensorEntry entry(std::string name, TensorRole role, DType type,
                  std::vector<int64_t> shape, uint32_t buf,
                  std::optional<QuantParams> q) {
  TensorEntry e{std::move(name), role, TensorType(type, shape), buf};
  e.type.quant = std::move(q);
  return e;
}

/// Inputs x (i8 [1, 2], scale 0.5, zp -1, host buffer 1) and u (u8 [1, 2],
/// per axis 1: scales {1, 0.25}, zps {10, 0}, buffer 0); outputs ucopy
/// (u8, no parameters, buffer 0) and xcopy (i8, scale 2, zp 1, buffer 1).
/// The program copies u and x through MUs 1 and 0 (2 lanes of 8 bits on
/// tinyConfig's 16 tracks) to the output buffers.
CompiledModel makeCopyModel() {
  CompiledModel m;
  m.program.insns = {
      mk(Opcode::HIn, {0, 0, 1, 0, 2, 8, 1}),
      mk(Opcode::HIn, {1, 0, 0, 0, 2, 8, 0}),
      mk(Opcode::HOut, {1, 0, 0, 0, 2, 8, 0}),
      mk(Opcode::HOut, {0, 0, 1, 0, 2, 8, 1}),
      mk(Opcode::Halt, {}),
  };
  m.tensors = {
      entry("x", TensorRole::Input, DType::I8, {1, 2}, 1, params({0.5f}, {-1})),
      entry("u", TensorRole::Input, DType::U8, {1, 2}, 0,
            params({1.0f, 0.25f}, {10, 0}, 1)),
      entry("ucopy", TensorRole::Output, DType::U8, {1, 2}, 0, std::nullopt),
      entry("xcopy", TensorRole::Output, DType::I8, {1, 2}, 1,
            params({2.0f}, {1})),
  };
  return m;
}

TEST(HostIO, AxisIndex) {
  // Shape [2, 3, 4]: strides 12, 4, 1.
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 0, 13), 1);
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 1, 0), 0);
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 1, 4), 1);
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 1, 11), 2);
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 1, 12), 0); // second batch
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 1, 23), 2);
  EXPECT_EQ(getAxisIndex({2, 3, 4}, 2, 7), 3);
}

TEST(HostIO, QuantizePerTensorRoundsHalfToEvenAndSaturates) {
  TensorEntry e =
      entry("x", TensorRole::Input, DType::I8, {1, 8}, 0, params({0.5f}, {3}));
  // x / 0.5 + 3: 1 -> 5; 0.25 -> 0.5 -> 0 -> 3; 0.75 -> 1.5 -> 2 -> 5;
  // -0.25 -> -0.5 -> 0 -> 3; 1.25 -> 2.5 -> 2 -> 5; 1.75 -> 3.5 -> 4 -> 7;
  // 100 -> 203 -> 127; -100 -> -197 -> -128.
  std::vector<float> xs = {1.0f,  0.25f, 0.75f,  -0.25f,
                           1.25f, 1.75f, 100.0f, -100.0f};
  EXPECT_EQ(quantizeHostInput(e, xs),
            (std::vector<int64_t>{5, 3, 5, 3, 5, 7, 127, -128}));
}

TEST(HostIO, QuantizeNarrowedBits) {
  // u8 with bits 4: [0, 15]. 20 -> 15; -1 -> 0; 7.5 -> 8; 6.5 -> 6.
  TensorEntry e = entry("x", TensorRole::Input, DType::U8, {4}, 0,
                        params({1.0f}, {0}, -1, 4));
  EXPECT_EQ(quantizeHostInput(e, {20.0f, -1.0f, 7.5f, 6.5f}),
            (std::vector<int64_t>{15, 0, 8, 6}));
}

TEST(HostIO, QuantizePerAxis) {
  // [1, 2, 2], axis 1: channel 0 scale 0.5 zp 0, channel 1 scale 2 zp -1.
  // Channel 0: 1 -> 2, 2 -> 4; channel 1: 1 -> 0.5 -> 0 -> -1, 2 -> 1 -> 0.
  TensorEntry c = entry("x", TensorRole::Input, DType::I8, {1, 2, 2}, 0,
                        params({0.5f, 2.0f}, {0, -1}, 1));
  EXPECT_EQ(quantizeHostInput(c, {1.0f, 2.0f, 1.0f, 2.0f}),
            (std::vector<int64_t>{2, 4, -1, 0}));
  // [2, 3], axis 1 (the innermost): scales 1, 2, 4 cycle along each row.
  TensorEntry r = entry("x", TensorRole::Input, DType::I8, {2, 3}, 0,
                        params({1.0f, 2.0f, 4.0f}, {0, 0, 0}, 1));
  EXPECT_EQ(quantizeHostInput(r, {4, 4, 4, 8, 8, 8}),
            (std::vector<int64_t>{4, 2, 1, 8, 4, 2}));
}

TEST(HostIO, Dequantize) {
  // (w - 2) * 0.25.
  TensorEntry t =
      entry("y", TensorRole::Output, DType::I8, {4}, 0, params({0.25f}, {2}));
  EXPECT_EQ(dequantizeHostOutput(t, {2, 6, -2, 127}),
            (std::vector<float>{0.0f, 1.0f, -1.0f, 31.25f}));
  // [2, 2], axis 0: row 0 (w - 1) * 0.5, row 1 w * 4.
  TensorEntry a = entry("y", TensorRole::Output, DType::I8, {2, 2}, 0,
                        params({0.5f, 4.0f}, {1, 0}, 0));
  EXPECT_EQ(dequantizeHostOutput(a, {3, 1, 2, -3}),
            (std::vector<float>{1.0f, 0.0f, 8.0f, -12.0f}));
  // No parameters: the words as they are.
  TensorEntry p =
      entry("y", TensorRole::Output, DType::I32, {2}, 0, std::nullopt);
  EXPECT_EQ(dequantizeHostOutput(p, {7, -3}),
            (std::vector<float>{7.0f, -3.0f}));
}

TEST(HostIO, Layout) {
  CompiledModel m = makeCopyModel();
  HostIOLayout l = getHostIOLayout(m);
  ASSERT_EQ(l.inputs.size(), 2u);
  EXPECT_EQ(l.inputs[0]->name, "x");
  EXPECT_EQ(l.inputs[1]->name, "u");
  ASSERT_EQ(l.outputs.size(), 2u);
  EXPECT_EQ(l.outputs[0]->name, "ucopy");
  EXPECT_EQ(l.outputs[1]->name, "xcopy");
  EXPECT_EQ(l.numInputBuffers, 2u);
  EXPECT_EQ(l.numOutputBuffers, 2u);
  m.tensors[3].hostBuffer = 4;
  EXPECT_EQ(getHostIOLayout(m).numOutputBuffers, 5u);
}

// x = {1.25, -70}: 2.5 -> 2, -1 -> 1; -140 - 1 -> -128.
// u = {3.5, 0.375}: 3.5 -> 4, +10 -> 14; 0.375 / 0.25 = 1.5 -> 2.
const std::vector<float> xIn = {1.25f, -70.0f}, uIn = {3.5f, 0.375f};

TEST(HostIO, PrepareMachineFillsTheHostBuffers) {
  CompiledModel m = makeCopyModel();
  HostIOLayout l = getHostIOLayout(m);
  auto state = prepareMachine(m, tinyConfig(), l, {xIn, uIn}, "m");
  ASSERT_TRUE(bool(state)) << llvm::toString(state.takeError());
  EXPECT_EQ(state->hostInputs,
            (std::vector<std::vector<int64_t>>{{14, 2}, {1, -128}}));
  EXPECT_EQ(state->hostOutputs,
            (std::vector<std::vector<int64_t>>{{0, 0}, {0, 0}}));
}

TEST(HostIO, RunOnceCopies) {
  auto r = runOnce(makeCopyModel(), tinyConfig(), {xIn, uIn}, "m");
  ASSERT_TRUE(bool(r)) << llvm::toString(r.takeError());
  EXPECT_EQ(r->outputWords,
            (std::vector<std::vector<int64_t>>{{14, 2}, {1, -128}}));
  // ucopy has no parameters; xcopy: (1 - 1) * 2 = 0, (-128 - 1) * 2 = -258.
  EXPECT_EQ(r->outputs,
            (std::vector<std::vector<float>>{{14.0f, 2.0f}, {0.0f, -258.0f}}));
  EXPECT_EQ(r->stats.total.insns, 5u);     // halt included
  EXPECT_EQ(r->stats.total.hostWords, 8u); // 2 per hin and hout
}

TEST(HostIO, RunOnceRefusesBadInputs) {
  CompiledModel m = makeCopyModel();
  auto one = runOnce(m, tinyConfig(), {xIn}, "m");
  ASSERT_FALSE(bool(one));
  EXPECT_EQ(llvm::toString(one.takeError()),
            "m: error: the model has 2 input(s), but 1 were given");

  std::vector<float> three = {1, 2, 3};
  auto big = runOnce(m, tinyConfig(), {three, uIn}, "m");
  ASSERT_FALSE(bool(big));
  EXPECT_EQ(llvm::toString(big.takeError()),
            "m: error: model input 'x' takes 2 values, got 3");

  m.tensors[1].type.quant.reset();
  auto plain = runOnce(m, tinyConfig(), {xIn, uIn}, "m");
  ASSERT_FALSE(bool(plain));
  EXPECT_EQ(llvm::toString(plain.takeError()),
            "m: error: model input 'u' has no quantization parameters");
}

} // namespace

//===- tests/unit/sim/ProgramFileTest.cpp - packRtBin / unpackRtBin tests -===//
//
// Round trips of a compiled model through the .rtbin bytes, the header
// fields packRtBin sets, the refusals (unverifiable program, another ISA
// revision, another instruction width, undecodable instructions, another
// hardware config), and one run of an unpacked model on the simulator with
// hand-computed results.
//
//===----------------------------------------------------------------------===//

#include "SimTestUtil.h"

#include "targets/racetrack/isa/ProgramFile.h"

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::sim::test;

namespace {

/// hin 2 words into MU 0 row 0, ldx it, mac row 4 of MU 1 (weights from the
/// memory image) with XB[1], requantize into MU 2, hout 2 words, halt.
CompiledModel makeModel() {
  CompiledModel m;
  Program &p = m.program;
  p.biasTable = {{10, -10}};
  p.requantTable = {{{1 << 30}, {32}, 3, -128, 127}};
  p.addTable = {{0, 0, 1, 1, 0, 0, 0, 255, false, false, false}};
  p.insns = {
      mk(Opcode::HIn, {0, 0, 0, 0, 2, 8, 1}),
      mk(Opcode::Ldx, {0, 0, 8, 1}),
      mk(Opcode::ClrAcc, {1, 1, 0}),
      mk(Opcode::Mac, {1, 1, 1, 8, 1, 1}),
      mk(Opcode::Req, {1, 0, 2, 0, 0, 2, 8, 1}),
      mk(Opcode::HOut, {2, 0, 0, 0, 2, 8, 1}),
      mk(Opcode::Halt, {}),
  };
  // MU 1 row 4 (under port 1 at offset 0): weights [3, -2] as 8-bit lanes.
  m.memory = {{1, 1, 4, 1, 2, {0x03, 0xfe}}};
  TensorEntry x{"x", TensorRole::Input, TensorType(DType::I8, {1, 2}), 0};
  x.type.quant = QuantParams{{0.5f}, {0}, -1, 0};
  TensorEntry y{"y", TensorRole::Output, TensorType(DType::I8, {1, 2}), 0};
  y.type.quant = QuantParams{{0.25f}, {3}, -1, 0};
  m.tensors = {x, y};
  m.layers = {{0, 2, "load", "Input"}, {2, 5, "fc", "Gemm"}};
  return m;
}

TEST(ProgramFile, PackSetsHeaderFieldsAndRoundTrips) {
  DeviceConfig cfg = tinyConfig();
  CompiledModel m = makeModel();
  auto file = packRtBin(m, cfg);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ(file->configHash, hashConfig(cfg));
  EXPECT_EQ(file->configJson, toJson(cfg));
  EXPECT_EQ(file->isaVersion, 2u);
  EXPECT_EQ(file->insnBytes, 16u);
  EXPECT_EQ(file->instructions.size(), 7u * 16);
  // halt is opcode 12 with no operands (docs/isa.md).
  std::vector<uint8_t> halt(file->instructions.end() - 16,
                            file->instructions.end());
  std::vector<uint8_t> wantHalt(16, 0);
  wantHalt[0] = 12;
  EXPECT_EQ(halt, wantHalt);

  std::string bytes = serializeRtBin(*file);
  auto parsed = parseRtBin(bytes, "m.rtbin");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  auto back = unpackRtBin(*parsed, "m.rtbin");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(*back, m);
  // Deterministic: packing twice gives the same bytes.
  EXPECT_EQ(serializeRtBin(llvm::cantFail(packRtBin(m, cfg))), bytes);
}

TEST(ProgramFile, EncodesTheDocumentedShiftExample) {
  CompiledModel m;
  m.program.insns = {mk(Opcode::Shift, {3, 2, -1}), mk(Opcode::Halt, {})};
  auto file = packRtBin(m, getDefaultConfig());
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  // docs/isa.md: shift mu=3, count=2, delta=-1.
  std::vector<uint8_t> want = {0x01, 0x03, 0x00, 0x20, 0x00, 0xf0, 0xff, 0x0f,
                               0,    0,    0,    0,    0,    0,    0,    0};
  EXPECT_EQ(std::vector<uint8_t>(file->instructions.begin(),
                                 file->instructions.begin() + 16),
            want);
}

TEST(ProgramFile, PackRejectsUnverifiablePrograms) {
  CompiledModel m = makeModel();
  m.program.insns.pop_back(); // no halt
  m.program.insns[1][LdxOp::mu] = 99;
  auto file = packRtBin(m, tinyConfig());
  ASSERT_FALSE(bool(file));
  std::string err = llvm::toString(file.takeError());
  EXPECT_NE(err.find("halt"), std::string::npos) << err;
  EXPECT_NE(err.find("insn #1 (ldx)"), std::string::npos) << err;
}

TEST(ProgramFile, UnpackRefusesOtherIsaVersionsAndBadStreams) {
  RtBinFile file = llvm::cantFail(packRtBin(makeModel(), tinyConfig()));
  RtBinFile v2 = file;
  v2.isaVersion = 1;
  auto r = unpackRtBin(v2, "m.rtbin");
  ASSERT_FALSE(bool(r));
  EXPECT_EQ(llvm::toString(r.takeError()),
            "m.rtbin: error: ISA version 1 is not supported (this build "
            "implements ISA version 2); recompile the model");

  RtBinFile narrow = file;
  narrow.insnBytes = 8;
  r = unpackRtBin(narrow, "m.rtbin");
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("8 bytes wide"),
            std::string::npos);

  RtBinFile bad = file;
  bad.instructions[16] = 0xee; // opcode of insn #1
  r = unpackRtBin(bad, "m.rtbin");
  ASSERT_FALSE(bool(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("insn #1"), std::string::npos);
}

TEST(ProgramFile, ConfigHashRefusesAnotherConfig) {
  DeviceConfig cfg = tinyConfig();
  RtBinFile file = llvm::cantFail(packRtBin(makeModel(), cfg));
  EXPECT_FALSE(bool(checkConfigHash(file, hashConfig(cfg), "m.rtbin")));
  DeviceConfig other = cfg;
  other.portsPerTrack = 4;
  std::string err =
      llvm::toString(checkConfigHash(file, hashConfig(other), "m.rtbin"));
  EXPECT_NE(err.find("compiled for hardware config"), std::string::npos);
}

TEST(ProgramFile, UnpackedModelRunsOnTheSimulator) {
  DeviceConfig cfg = tinyConfig();
  std::string bytes =
      serializeRtBin(llvm::cantFail(packRtBin(makeModel(), cfg)));
  CompiledModel m =
      llvm::cantFail(unpackRtBin(llvm::cantFail(parseRtBin(bytes, "m")), "m"));
  sim::MachineState s = makeState(cfg);
  ASSERT_FALSE(bool(s.loadMemoryImage(m.memory)));
  s.hostInputs = {{7, 5}};
  s.hostOutputs = {std::vector<int64_t>(2, 0)};
  auto st = sim::run(m.program, s, cfg, m.layers, "m");
  ASSERT_TRUE(bool(st)) << llvm::toString(st.takeError());
  // XB = [7, 5]; acc = bias + w * XB[1] = [10 + 3*5, -10 + -2*5] = [25, -20];
  // applyMultiplier(acc, 2^30, 32) = acc * 2^30 / 2^32 = acc / 4 rounded half
  // to even: 25/4 = 6.25 -> 6, -20/4 = -5; + zp 3 -> [9, -2].
  EXPECT_EQ(s.hostOutputs[0], (std::vector<int64_t>{9, -2}));
  ASSERT_EQ(st->layers.size(), 2u);
  EXPECT_EQ(st->layers[1].counters.macs, 2u); // 16 tracks / 8 bits = 2 lanes
  EXPECT_EQ(st->total.reads, 4u);             // ldx, mac, req, hout
  EXPECT_EQ(st->total.writes, 2u);            // hin, req
}

} // namespace

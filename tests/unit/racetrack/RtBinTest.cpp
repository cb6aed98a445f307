//===- tests/unit/racetrack/RtBinTest.cpp - .rtbin container tests --------===//
//
// Round trips, the byte layout of docs/rtbin.md checked byte by byte on a
// hand-laid-out file, every reader error, and robustness: truncation at
// every offset, every single-bit flip, and random structural mutations with
// a recomputed checksum (so the structural checks, not the checksum, must
// catch them). The test fixes up sizes and checksums with its own code,
// written from the documented layout, not with the library's.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/RtBin.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SHA256.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

/// A small file with every field populated: per-tensor and per-axis
/// quantization, an unquantized tensor, three memory chunks (two sharing an
/// MU), several layers including an empty range and an unnamed node.
RtBinFile makeSample() {
  RtBinFile f;
  for (unsigned i = 0; i < 32; ++i)
    f.configHash[i] = uint8_t(0xa0 + i);
  f.configJson = "{\"banks\": 2, \"ports_per_track\": 2}";

  TensorEntry x;
  x.name = "input.1";
  x.role = TensorRole::Input;
  x.type = TensorType(DType::U8, {1, 1, 4, 4});
  x.type.quant = QuantParams{{0.5f}, {3}, -1, 0};
  x.hostBuffer = 0;
  TensorEntry y;
  y.name = "logits";
  y.role = TensorRole::Output;
  y.type = TensorType(DType::I8, {1, 3});
  y.type.quant = QuantParams{{0.25f, 0.125f, 1.5f}, {-8, 0, 7}, 1, 4};
  y.hostBuffer = 1;
  TensorEntry z;
  z.name = "aux";
  z.role = TensorRole::Output;
  z.type = TensorType(DType::F32, {2, 3});
  z.hostBuffer = 7;
  f.tensors = {x, y, z};

  auto chunk = [](uint32_t mu, uint32_t mus, uint32_t row, uint32_t rows,
                  uint32_t rowBytes, uint8_t seed) {
    MemoryChunk c{mu, mus, row, rows, rowBytes, {}};
    for (uint32_t i = 0; i < mus * rows * rowBytes; ++i)
      c.data.push_back(uint8_t(seed + i * 7));
    return c;
  };
  f.memory = {chunk(0, 2, 0, 3, 4, 1), chunk(0, 1, 3, 2, 4, 50),
              chunk(2, 1, 0, 1, 8, 99)};

  f.insnBytes = 16;
  f.isaVersion = 3;
  for (unsigned i = 0; i < 5 * 16; ++i)
    f.instructions.push_back(uint8_t(i ^ 0x5a));
  f.layers = {{0, 2, "conv1", "Conv"},
              {2, 2, "flatten", "Reshape"},
              {2, 5, "", "Gemm"}};
  f.biasTable = {{1, -2, 3}, {}};
  f.requantTable = {{{1073741824}, {3}, -128, -128, 127},
                    {{5, 6}, {1, 2}, 4, 0, 255}};
  f.addTable = {{5, -3, 1000, 2000, 20, 7, 0, 255, true, false, true}};
  return f;
}

void putU32(std::string &b, size_t off, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i)
    b[off + i] = char(uint8_t(v >> (8 * i)));
}
void putU64(std::string &b, size_t off, uint64_t v) {
  putU32(b, off, uint32_t(v));
  putU32(b, off + 4, uint32_t(v >> 32));
}
uint32_t getU32(const std::string &b, size_t off) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; ++i)
    v |= uint32_t(uint8_t(b[off + i])) << (8 * i);
  return v;
}
uint64_t getU64(const std::string &b, size_t off) {
  return getU32(b, off) | (uint64_t(getU32(b, off + 4)) << 32);
}

/// Rewrites the size field (offset 16) and the checksum (offset 56: SHA-256
/// of the file with those 32 bytes zeroed), as docs/rtbin.md specifies.
void fixup(std::string &b) {
  if (b.size() < 96)
    return;
  putU64(b, 16, b.size());
  std::string copy = b;
  std::memset(copy.data() + 56, 0, 32);
  auto sum = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(copy.data()), copy.size()));
  std::memcpy(b.data() + 56, sum.data(), 32);
}

/// Offset of the section of \p kind, read from the section table.
uint64_t sectionOffset(const std::string &b, uint32_t kind) {
  uint32_t count = getU32(b, 88);
  for (uint32_t i = 0; i < count; ++i)
    if (getU32(b, 96 + 24 * i) == kind)
      return getU64(b, 96 + 24 * i + 8);
  ADD_FAILURE() << "no section " << kind;
  return 0;
}

/// \returns the rendered error of parsing \p bytes, or "" on success.
std::string parseError(llvm::StringRef bytes) {
  auto f = parseRtBin(bytes, "m.rtbin");
  if (f)
    return "";
  return llvm::toString(f.takeError());
}

/// \returns the rendered error of parsing serializeRtBin(\p f).
std::string errorOf(const RtBinFile &f) {
  return parseError(serializeRtBin(f));
}

TEST(RtBin, RoundTripsEveryField) {
  RtBinFile f = makeSample();
  auto parsed = parseRtBin(serializeRtBin(f), "m.rtbin");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(*parsed, f);
  EXPECT_EQ(parsed->getNumInstructions(), 5u);
  EXPECT_EQ(parsed->tensors[1].type.str(),
            "tensor<1x3xi8, q<axis 1: [0.25, 0.125, 1.5], [-8, 0, 7], bits "
            "4>>");
}

TEST(RtBin, SerializationIsDeterministic) {
  std::string a = serializeRtBin(makeSample());
  std::string b = serializeRtBin(makeSample());
  EXPECT_EQ(a, b);
  auto parsed = parseRtBin(a, "m.rtbin");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(serializeRtBin(*parsed), a);
}

// The layout of an empty program, worked out by hand from docs/rtbin.md:
// header 96, table 6 x 24 -> 240; ConfigJson "{}" at 240 (2 bytes);
// Tensors at 248 (4); MemoryImage at 256 (4); Instructions at 264 (16);
// Layers at 280 (4); Tables at 288 (12: three zero counts); total 300.
TEST(RtBin, EmptyFileHasTheDocumentedLayout) {
  RtBinFile f;
  f.configHash.fill(0x11);
  f.configJson = "{}";
  std::string b = serializeRtBin(f);
  ASSERT_EQ(b.size(), 300u);
  EXPECT_EQ(b.substr(0, 8), std::string("RTBIN\0\r\n", 8));
  EXPECT_EQ(getU32(b, 8), 1u);  // version
  EXPECT_EQ(getU32(b, 12), 0u); // flags
  EXPECT_EQ(getU64(b, 16), 300u);
  EXPECT_EQ(b.substr(24, 32), std::string(32, '\x11'));
  EXPECT_EQ(getU32(b, 88), 6u); // section count
  EXPECT_EQ(getU32(b, 92), 0u);
  const uint64_t want[6][2] = {{240, 2},  {248, 4}, {256, 4},
                               {264, 16}, {280, 4}, {288, 12}};
  for (uint32_t i = 0; i < 6; ++i) {
    size_t e = 96 + 24 * i;
    EXPECT_EQ(getU32(b, e), i + 1);
    EXPECT_EQ(getU32(b, e + 4), 0u);
    EXPECT_EQ(getU64(b, e + 8), want[i][0]);
    EXPECT_EQ(getU64(b, e + 16), want[i][1]);
  }
  EXPECT_EQ(b.substr(240, 8), std::string("{}\0\0\0\0\0\0", 8));
  EXPECT_EQ(getU32(b, 264), 16u); // insnBytes
  EXPECT_EQ(getU32(b, 268), 0u);  // isaVersion
  EXPECT_EQ(getU64(b, 272), 0u);  // count
  EXPECT_EQ(b.substr(288), std::string(12, '\0'));
  std::string fixed = b;
  fixup(fixed);
  EXPECT_EQ(fixed, b) << "checksum differs from the documented definition";
}

TEST(RtBin, TensorAndLayerEntriesHaveTheDocumentedBytes) {
  RtBinFile f;
  TensorEntry t;
  t.name = "x";
  t.role = TensorRole::Output;
  t.type = TensorType(DType::I8, {2});
  t.type.quant = QuantParams{{1.0f}, {-2}, -1, 4};
  t.hostBuffer = 7;
  f.tensors = {t};
  f.insnBytes = 4;
  f.isaVersion = 0x01020304;
  f.instructions = {1, 2, 3, 4};
  f.layers = {{0, 1, "n", "Relu"}};
  std::string b = serializeRtBin(f);
  uint64_t is = sectionOffset(b, 4);
  EXPECT_EQ(b.substr(is, 20), std::string("\x04\0\0\0\x04\x03\x02\x01"
                                          "\x01\0\0\0\0\0\0\0"
                                          "\x01\x02\x03\x04",
                                          20));
  uint64_t ts = sectionOffset(b, 2);
  std::string tensors("\x01\0\0\0"  // count
                      "\x01\0\0\0x" // name
                      "\x01\0\0\0"  // role output
                      "\x03\0\0\0"  // dtype i8 (ONNX INT8)
                      "\x07\0\0\0"  // host buffer
                      "\x01\0\0\0"  // rank
                      "\x02\0\0\0\0\0\0\0"
                      "\x01\0\0\0"                        // quantized
                      "\xff\xff\xff\xff\xff\xff\xff\xff"  // axis -1
                      "\x04\0\0\0\0\0\0\0"                // bits 4
                      "\x01\0\0\0\x01\0\0\0"              // 1 scale, 1 zp
                      "\x00\x00\x80\x3f"                  // 1.0f
                      "\xfe\xff\xff\xff\xff\xff\xff\xff", // -2
                      4 + 5 + 16 + 8 + 4 + 16 + 8 + 4 + 8);
  EXPECT_EQ(b.substr(ts, tensors.size()), tensors);
  uint64_t ls = sectionOffset(b, 5);
  std::string layers("\x01\0\0\0"
                     "\0\0\0\0\x01\0\0\0"
                     "\x01\0\0\0n"
                     "\x04\0\0\0Relu",
                     4 + 8 + 5 + 8);
  EXPECT_EQ(b.substr(ls, layers.size()), layers);
}

TEST(RtBin, TablesSectionHasTheDocumentedBytes) {
  RtBinFile f;
  f.biasTable = {{-1}};
  f.requantTable = {{{2}, {}, -3, -128, 127}};
  f.addTable = {{1, 2, 3, 4, 5, 6, -7, 8, false, true, true}};
  std::string b = serializeRtBin(f);
  uint64_t ts = sectionOffset(b, 6);
  std::string tables("\x01\0\0\0"                       // 1 bias vector
                     "\x01\0\0\0\xff\xff\xff\xff"       // [-1]
                     "\x01\0\0\0"                       // 1 requant entry
                     "\x01\0\0\0\0\0\0\0"               // 1 mult, 0 shifts
                     "\x02\0\0\0"                       // multiplier 2
                     "\xfd\xff\xff\xff"                 // zp -3
                     "\x80\xff\xff\xff\xff\xff\xff\xff" // -128
                     "\x7f\0\0\0\0\0\0\0"               // 127
                     "\x01\0\0\0"                       // 1 add entry
                     "\x01\0\0\0\x02\0\0\0\x03\0\0\0\x04\0\0\0" // za zb ma mb
                     "\x05\0\0\0\x06\0\0\0"                     // shift zp
                     "\xf9\xff\xff\xff\xff\xff\xff\xff"         // -7
                     "\x08\0\0\0\0\0\0\0"                       // 8
                     "\x06\0\0\0", // signedB|signedOut
                     4 + 8 + 4 + 8 + 4 + 4 + 16 + 4 + 24 + 16 + 4);
  EXPECT_EQ(b.substr(ts), tables);
  auto back = parseRtBin(b, "t.rtbin");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(*back, f);

  // A huge count is refused before anything is allocated; unknown flags.
  auto mutated = [&](size_t off, uint32_t v) {
    std::string m = b;
    putU32(m, off, v);
    fixup(m);
    auto r = parseRtBin(m, "t.rtbin");
    return r ? std::string() : llvm::toString(r.takeError());
  };
  EXPECT_NE(mutated(ts, 0xffffffffu)
                .find("Tables section: bias vector count "
                      "4294967295 cannot fit"),
            std::string::npos);
  EXPECT_NE(mutated(ts + 4, 0x40000000u).find("bias vector #0 values needs"),
            std::string::npos);
  EXPECT_NE(mutated(ts + tables.size() - 4, 8).find("unknown flag bits 0x8"),
            std::string::npos);
}

TEST(RtBin, FilesRoundTripThroughDisk) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("rtbin-test", "rtbin", path));
  RtBinFile f = makeSample();
  ASSERT_FALSE(bool(writeRtBinFile(path, f)));
  auto back = readRtBinFile(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(*back, f);
  llvm::sys::fs::remove(path);

  auto missing = readRtBinFile(path);
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("cannot open"),
            std::string::npos);

  RtBinFile bad = makeSample();
  std::swap(bad.layers[0], bad.layers[2]);
  llvm::Error err = writeRtBinFile(path, bad);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("layer #1"), std::string::npos);
  EXPECT_FALSE(llvm::sys::fs::exists(path));
}

TEST(RtBin, RejectsBadMagic) {
  std::string b = serializeRtBin(makeSample());
  EXPECT_EQ(parseError("\x7f"
                       "ELF\x02\x01\x01\0 and more"),
            "m.rtbin: error: not an .rtbin file (bad magic)");
  // A text-mode transfer turns "\r\n" into "\n".
  std::string mangled = b.substr(0, 6) + "\n" + b.substr(8);
  EXPECT_NE(parseError(mangled).find("text mode"), std::string::npos);
}

TEST(RtBin, RejectsOtherVersions) {
  std::string b = serializeRtBin(makeSample());
  putU32(b, 8, 2);
  fixup(b);
  EXPECT_EQ(parseError(b), "m.rtbin: error: format version 2 is not "
                           "supported (this rtrun reads version 1)");
}

TEST(RtBin, RejectsSizeMismatchAndCorruption) {
  std::string b = serializeRtBin(makeSample());
  std::string shorter = b.substr(0, b.size() - 3);
  EXPECT_EQ(parseError(shorter), "m.rtbin: error: truncated: header says " +
                                     std::to_string(b.size()) +
                                     " bytes, file has " +
                                     std::to_string(b.size() - 3));
  EXPECT_NE(parseError(b + "xx").find("trailing data"), std::string::npos);
  std::string flipped = b;
  flipped[b.size() - 10] ^= 0x10;
  EXPECT_EQ(parseError(flipped),
            "m.rtbin: error: checksum mismatch: the file is corrupted");
}

TEST(RtBin, ChecksConfigHash) {
  RtBinFile f = makeSample();
  f.configHash.fill(0);
  f.configHash[0] = 0x3f;
  f.configHash[1] = 0x2a;
  Sha256Digest current{};
  current[0] = 0x9b;
  current[1] = 0xc1;
  current[31] = 0xff;
  EXPECT_FALSE(bool(checkConfigHash(f, f.configHash, "m.rtbin")));
  EXPECT_EQ(llvm::toString(checkConfigHash(f, current, "m.rtbin")),
            "m.rtbin: error: compiled for hardware config 3f2a000000000000... "
            "but the current config is 9bc1000000000000...; recompile with "
            "the same --config/--set, or pass that config to rtrun");
  EXPECT_EQ(formatDigest(current), "9bc1" + std::string(58, '0') + "ff");
}

TEST(RtBin, EveryTruncationIsAnError) {
  RtBinFile f;
  f.configJson = "{}";
  f.tensors = {makeSample().tensors[1]};
  f.memory = {MemoryChunk{0, 1, 0, 1, 2, {9, 8}}};
  f.insnBytes = 4;
  f.instructions = {1, 2, 3, 4};
  f.layers = {{0, 1, "a", "Relu"}};
  std::string b = serializeRtBin(f);
  ASSERT_EQ(parseError(b), "");
  for (size_t n = 0; n < b.size(); ++n) {
    std::string err = parseError(llvm::StringRef(b).take_front(n));
    EXPECT_NE(err, "") << "prefix of " << n << " bytes was accepted";
    EXPECT_TRUE(llvm::StringRef(err).starts_with("m.rtbin: error: "));
  }
}

TEST(RtBin, EveryBitFlipIsAnError) {
  RtBinFile f;
  f.configJson = "{}";
  f.tensors = {makeSample().tensors[0]};
  f.memory = {MemoryChunk{1, 1, 2, 1, 2, {9, 8}}};
  f.insnBytes = 2;
  f.instructions = {1, 2};
  f.layers = {{0, 1, "a", "Relu"}};
  std::string b = serializeRtBin(f);
  ASSERT_EQ(parseError(b), "");
  for (size_t i = 0; i < b.size() * 8; ++i) {
    std::string m = b;
    m[i / 8] ^= char(1 << (i % 8));
    EXPECT_NE(parseError(m), "") << "flip of bit " << i << " was accepted";
  }
}

TEST(RtBin, RejectsMalformedSectionTables) {
  std::string b = serializeRtBin(makeSample());
  auto mutated = [&](auto fn) {
    std::string m = b;
    fn(m);
    fixup(m);
    return parseError(m);
  };
  EXPECT_NE(mutated([](std::string &m) {
              putU32(m, 96 + 24, 9);
            }).find("section #1 has unknown kind 9"),
            std::string::npos);
  EXPECT_NE(mutated([](std::string &m) {
              putU32(m, 96 + 24, 1);
            }).find("section #1 (ConfigJson) appears twice"),
            std::string::npos);
  EXPECT_NE(mutated([](std::string &m) {
              putU64(m, 96 + 8, 1u << 20);
            }).find("is outside the data area"),
            std::string::npos);
  EXPECT_NE(mutated([](std::string &m) {
              putU64(m, 96 + 8, 220);
            }).find("not 8-byte aligned"),
            std::string::npos);
  // Make ConfigJson reach into the Tensors section.
  EXPECT_NE(mutated([](std::string &m) {
              putU64(m, 96 + 16, 64);
            }).find("the ConfigJson and Tensors sections overlap"),
            std::string::npos);
  EXPECT_NE(mutated([](std::string &m) {
              putU32(m, 88, 4);
            }).find("the Layers section is missing"),
            std::string::npos);
  EXPECT_NE(mutated([](std::string &m) {
              putU32(m, 88, 1000);
            }).find("section table of 1000 entries runs past"),
            std::string::npos);
  EXPECT_NE(mutated([](std::string &m) {
              putU32(m, 12, 1);
            }).find("unknown flags 0x1"),
            std::string::npos);
}

TEST(RtBin, RejectsMalformedEntries) {
  std::string b = serializeRtBin(makeSample());
  uint64_t ts = sectionOffset(b, 2);
  auto mutated = [&](auto fn) {
    std::string m = b;
    fn(m);
    fixup(m);
    return parseError(m);
  };
  // Tensor #0 "input.1": count 4 | len 4 | name 7 | role | dtype | ...
  size_t t0 = ts + 4;
  EXPECT_NE(mutated([&](std::string &m) { putU32(m, t0, 1u << 30); })
                .find("Tensors section: tensor #0 name needs 1073741824 "
                      "bytes"),
            std::string::npos);
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, t0 + 11 + 4, 8);
            }).find("unknown dtype code 8"),
            std::string::npos);
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, t0 + 11, 2);
            }).find("has role 2"),
            std::string::npos);
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, t0 + 11 + 12, 1000);
            }).find("has rank 1000"),
            std::string::npos);
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, ts, 1u << 31);
            }).find("tensor count 2147483648 cannot fit"),
            std::string::npos);
  uint64_t ms = sectionOffset(b, 3);
  // Chunk #0: muCount = 2^31 would need far more bytes than exist.
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, ms + 8, 1u << 31);
            }).find("do not fit in the"),
            std::string::npos);
  uint64_t is = sectionOffset(b, 4);
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, is, 0);
            }).find("instruction width 0 is outside [1, 256]"),
            std::string::npos);
  EXPECT_NE(mutated([&](std::string &m) {
              putU64(m, is + 8, 6);
            }).find("6 instructions of 16 bytes do not match the 80 bytes"),
            std::string::npos);
  uint64_t ls = sectionOffset(b, 5);
  EXPECT_NE(mutated([&](std::string &m) {
              putU32(m, ls, 2);
            }).find("Layers section: 20 unexpected trailing bytes"),
            std::string::npos);
}

TEST(RtBin, RejectsInvalidContent) {
  // checkRtBin names the violated rule; the file serialized from the same
  // contents must be rejected by the reader too (possibly by an earlier,
  // structural check).
  auto check = [](auto fn, llvm::StringRef want) {
    RtBinFile f = makeSample();
    fn(f);
    std::string err = llvm::toString(checkRtBin(f, "m.rtbin"));
    EXPECT_NE(err.find(want.str()), std::string::npos)
        << "got: " << err << "\nwant: " << want.str();
    EXPECT_TRUE(llvm::StringRef(err).starts_with("m.rtbin: error: "));
    EXPECT_NE(errorOf(f), "") << "the reader accepted: " << want.str();
  };
  check([](RtBinFile &f) { f.layers[1].endInsn = 1; }, "ends before it");
  check([](RtBinFile &f) { f.layers[2].endInsn = 6; },
        "runs past the 5 instructions");
  check([](RtBinFile &f) { f.layers[1].firstInsn = 1; },
        "overlaps or precedes the previous layer");
  check(
      [](RtBinFile &f) {
        f.tensors[2].type.shape = {1ll << 40, 1ll << 40};
      },
      "tensor #2 ('aux') shape 1099511627776x1099511627776 is too large");
  check(
      [](RtBinFile &f) {
        f.tensors[2].type.shape = {2, -3};
      },
      "negative dimension -3");
  check([](RtBinFile &f) { f.tensors[1].type.quant->scales.pop_back(); },
        "scales but 3 zero points");
  check(
      [](RtBinFile &f) {
        f.tensors[1].type.quant->scales.pop_back();
        f.tensors[1].type.quant->zeroPoints.pop_back();
      },
      "per-axis quantization on axis 1 has 2 scales, but the dim has size 3");
  check([](RtBinFile &f) { f.tensors[1].type.quant->zeroPoints[2] = 8; },
        "zero point #2 (8) is outside the range [-8, 7]");
  check(
      [](RtBinFile &f) {
        f.tensors[2].type.quant = QuantParams{{1}, {0}};
      },
      "need an integer element type, not f32");
  check([](RtBinFile &f) { f.tensors[2].name = "logits"; },
        "tensor #2: duplicate output name 'logits'");
  check([](RtBinFile &f) { f.tensors[0].name = ""; },
        "tensor #0 has an empty name");
  check([](RtBinFile &f) { f.memory[1].data.pop_back(); },
        "memory chunk #1 (MUs [0, 1), rows [3, 5)) has 7 data bytes, but 1 "
        "MUs x 2 rows x 4 bytes per row need 8");
  check([](RtBinFile &f) { std::swap(f.memory[0], f.memory[1]); },
        "is out of order");
  check([](RtBinFile &f) { f.memory[1].firstRow = 2; },
        "memory chunk #1 (MUs [0, 1), rows [2, 4)) overlaps memory chunk #0");
  check(
      [](RtBinFile &f) {
        f.memory[2] = MemoryChunk{0xffffffffu, 2, 0, 1, 1, {1, 2}};
      },
      "exceeds the 32-bit MU or row index range");
  check([](RtBinFile &f) { f.memory[2].rowBytes = 0; }, "is empty");
}

// Overlap between chunks that are not neighbours in sorted order: #0 spans
// MUs 0-3, #1 lies in between at MU 1, #2 at MU 3 collides with #0.
TEST(RtBin, FindsNonAdjacentChunkOverlap) {
  RtBinFile f = makeSample();
  f.memory = {MemoryChunk{0, 4, 0, 2, 1, std::vector<uint8_t>(8)},
              MemoryChunk{1, 1, 5, 1, 1, {0}},
              MemoryChunk{3, 1, 1, 2, 1, {0, 0}}};
  EXPECT_NE(errorOf(f).find("memory chunk #2 (MUs [3, 4), rows [1, 3)) "
                            "overlaps memory chunk #0"),
            std::string::npos);
  f.memory[2].firstRow = 2; // now touching, not overlapping
  EXPECT_EQ(errorOf(f), "");
  // Same rows in adjacent (touching) MU ranges are fine too.
  f.memory = {MemoryChunk{0, 2, 0, 1, 1, {0, 0}},
              MemoryChunk{2, 1, 0, 1, 1, {0}}};
  EXPECT_EQ(errorOf(f), "");
}

// Random mutations with the size and checksum fixed up afterwards, so that
// only the structural validation stands between the bytes and the decoder.
// Whatever parses must satisfy the content rules and round-trip.
TEST(RtBin, SurvivesRandomStructuralMutations) {
  std::string base = serializeRtBin(makeSample());
  std::mt19937 rng(12345);
  const uint32_t interesting[] = {
      0, 1, 2, 7, 8, 255, 0x7fffffff, 0x80000000, 0xffffffff, 4096};
  unsigned accepted = 0;
  for (unsigned iter = 0; iter < 20000; ++iter) {
    std::string m = base;
    unsigned edits = 1 + rng() % 4;
    for (unsigned e = 0; e < edits && !m.empty(); ++e) {
      size_t pos = rng() % m.size();
      switch (rng() % 5) {
      case 0:
        m[pos] = char(rng());
        break;
      case 1:
        if (pos + 4 <= m.size())
          putU32(m, pos, interesting[rng() % std::size(interesting)]);
        break;
      case 2:
        m.insert(pos, 1 + rng() % 9, char(rng()));
        break;
      case 3:
        m.erase(pos, 1 + rng() % 9);
        break;
      case 4: // aim at the data area past the header
        if (m.size() > 96) {
          size_t p = 96 + rng() % (m.size() - 96);
          m[p] = char(m[p] + 1 + rng() % 3);
        }
        break;
      }
    }
    // Keep magic and version so the structure is what gets tested.
    if (m.size() >= 96) {
      std::memcpy(m.data(), "RTBIN\0\r\n", 8);
      putU32(m, 8, 1);
    }
    fixup(m);
    auto f = parseRtBin(m, "fuzz.rtbin");
    if (!f) {
      std::string err = llvm::toString(f.takeError());
      EXPECT_EQ(err.find("checksum"), std::string::npos) << err;
      continue;
    }
    ++accepted;
    EXPECT_FALSE(bool(checkRtBin(*f, "fuzz.rtbin")));
    auto again = parseRtBin(serializeRtBin(*f), "again.rtbin");
    ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
    EXPECT_EQ(*again, *f);
  }
  // Some mutations (instruction bytes, names, memory contents) are
  // legitimately accepted; most are not.
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, 20000u);
}

} // namespace

//===- tests/unit/ir/TensorFileTest.cpp - .npy / .pb / .bin files ---------===//
//
// Reference files come from independent implementations: the fixtures in
// tests/unit/ir/fixtures/ were written by numpy and onnx (make_fixtures.py),
// the ONNX backend case by the ONNX project, and testdata/fashion_mnist/ by
// numpy/onnx in testdata/gen/train_fashion.py. Expected values are the closed
// forms those scripts used (or, for test_relu, what onnx.numpy_helper
// prints). Malformed inputs must produce located errors, never crashes.
//
//===----------------------------------------------------------------------===//
#include "ir/TensorFile.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace rtc;

namespace {

std::string fixturePath(llvm::StringRef name) {
  return std::string(RTC_SOURCE_DIR) + "/tests/unit/ir/fixtures/" + name.str();
}

std::string readBytes(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path, false, false);
  EXPECT_TRUE(bool(buf)) << "cannot read " << path;
  return buf ? (*buf)->getBuffer().str() : std::string();
}

/// Reads a fixture with readTensorFile; fails the test on error.
NamedTensor readFixture(llvm::StringRef name) {
  auto t = readTensorFile(fixturePath(name), nullptr);
  if (!t) {
    ADD_FAILURE() << llvm::toString(t.takeError());
    return {};
  }
  return std::move(*t);
}

/// The rendered message of an error that must be a diagnostic located at
/// file \p file; "" (and a test failure) on success.
template <typename T>
std::string errorAt(llvm::Expected<T> result, llvm::StringRef file) {
  if (result) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  std::string msg;
  llvm::handleAllErrors(
      result.takeError(),
      [&](const DiagnosticError &de) {
        EXPECT_EQ(de.getDiagnostic().loc, Location::inFile(file));
        msg = de.getDiagnostic().message;
      },
      [&](const llvm::ErrorInfoBase &e) {
        ADD_FAILURE() << "not a diagnostic: " << e.message();
      });
  return msg;
}

std::string errorAt(llvm::Error err, llvm::StringRef file) {
  return errorAt(llvm::Expected<int>(std::move(err)), file);
}

void expectOk(llvm::Error err) {
  if (err)
    ADD_FAILURE() << llvm::toString(std::move(err));
}

std::vector<double> valuesOf(const Tensor &t) {
  std::vector<double> v;
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    v.push_back(t.getAsDouble(i));
  return v;
}

using Dims = std::vector<int64_t>;

template <typename T> Tensor make(Dims shape, std::vector<T> values) {
  return Tensor::fromValues<T>(shape, values);
}

Tensor makeBool(Dims shape, std::vector<uint8_t> values) {
  Tensor t(TensorType(DType::Bool, shape));
  std::memcpy(t.getRawMutableData(), values.data(), values.size());
  return t;
}

Tensor makeHalf(Dims shape, std::vector<uint16_t> bits) {
  Tensor t(TensorType(DType::F16, shape));
  std::memcpy(t.getRawMutableData(), bits.data(), bits.size() * 2);
  return t;
}

const std::vector<float> f32Values = {-1, -0.5, 0, 0.5, 1, 1.5};
// IEEE half bits of 0.0, 1.0, -2.5, 65504.0.
const std::vector<uint16_t> halfBits = {0x0000, 0x3c00, 0xc100, 0x7bff};

/// The tensors make_fixtures.py wrote with numpy, keyed by file name.
std::vector<std::pair<std::string, Tensor>> numpyFixtures() {
  std::vector<float> rank4;
  for (int i = 0; i < 12; ++i)
    rank4.push_back(float(i));
  return {
      {"f32_2x3.npy", make<float>({2, 3}, f32Values)},
      {"i8_neg.npy", make<int8_t>({4}, {-128, -1, 0, 127})},
      {"u8_4.npy", make<uint8_t>({4}, {0, 1, 128, 255})},
      {"i16_4.npy", make<int16_t>({4}, {-32768, -1, 0, 32767})},
      {"u16_4.npy", make<uint16_t>({4}, {0, 1, 256, 65535})},
      {"i32_4.npy", make<int32_t>({4}, {INT32_MIN, -1, 0, INT32_MAX})},
      {"u32_4.npy", make<uint32_t>({4}, {0, 1, 65536, UINT32_MAX})},
      {"i64_4.npy", make<int64_t>({4}, {INT64_MIN, -1, 0, INT64_MAX})},
      {"u64_4.npy", make<uint64_t>({4}, {0, 1, uint64_t(1) << 32, UINT64_MAX})},
      {"f16_4.npy", makeHalf({4}, halfBits)},
      {"f64_scalar.npy", make<double>({}, {0.1})},
      {"bool_2x2.npy", makeBool({2, 2}, {0, 1, 1, 0})},
      {"f32_rank4.npy", make<float>({1, 2, 2, 3}, rank4)},
      {"aligned_pad.npy", Tensor(TensorType(DType::F32, {0, 1, 1, 1, 1, 1, 1, 1,
                                                         1, 1, 100000000000}))},
  };
}

/// A tensor of \p type whose bytes follow a fixed pattern (bools 0/1).
Tensor patterned(DType type, Dims shape) {
  Tensor t(TensorType(type, shape));
  uint8_t *p = t.getRawMutableData();
  for (size_t i = 0; i < t.getSizeInBytes(); ++i)
    p[i] = type == DType::Bool ? uint8_t(i % 2) : uint8_t(i * 37 + 11);
  return t;
}

const DType allDTypes[] = {DType::F32, DType::F64, DType::F16, DType::I8,
                           DType::U8,  DType::I16, DType::U16, DType::I32,
                           DType::U32, DType::I64, DType::U64, DType::Bool};
const Dims allShapes[] = {{}, {3}, {2, 3}, {2, 1, 3}, {1, 2, 2, 3}, {0, 4}};

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

TEST(TensorFileNpy, ReadsNumpyFilesOfEveryDType) {
  for (auto &[name, expected] : numpyFixtures()) {
    SCOPED_TRACE(name);
    NamedTensor got = readFixture(name);
    EXPECT_EQ(got.name, "");
    EXPECT_EQ(got.tensor.getType(), expected.getType());
    EXPECT_TRUE(got.tensor == expected);
  }
  Tensor f32 = readFixture("f32_2x3.npy").tensor;
  EXPECT_EQ(valuesOf(f32), std::vector<double>({-1, -0.5, 0, 0.5, 1, 1.5}));
  Tensor half = readFixture("f16_4.npy").tensor;
  EXPECT_EQ(valuesOf(half), std::vector<double>({0.0, 1.0, -2.5, 65504.0}));
}

TEST(TensorFileNpy, ReadsFormatVersions2And3) {
  Tensor expected = make<float>({2, 3}, f32Values);
  for (const char *name : {"f32_2x3_v2.npy", "f32_2x3_v3.npy"}) {
    SCOPED_TRACE(name);
    std::string bytes = readBytes(fixturePath(name));
    ASSERT_GE(bytes.size(), 8u);
    EXPECT_EQ(bytes[6], name[9] - '0'); // the file really is that version
    EXPECT_TRUE(readFixture(name).tensor == expected);
  }
}

TEST(TensorFileNpy, WriterMatchesNumpyByteForByte) {
  for (auto &[name, tensor] : numpyFixtures()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(serializeNpy(tensor), readBytes(fixturePath(name)));
  }
}

TEST(TensorFileNpy, RoundTripsEveryDTypeAndRank) {
  for (DType type : allDTypes) {
    for (const Dims &shape : allShapes) {
      Tensor t = patterned(type, shape);
      SCOPED_TRACE(t.getType().str());
      std::string bytes = serializeNpy(t);
      // Version 1.0, data aligned to 64 bytes.
      EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
      EXPECT_EQ((bytes.size() - t.getSizeInBytes()) % 64, 0u);
      EXPECT_EQ(bytes[bytes.size() - t.getSizeInBytes() - 1], '\n');
      auto back = parseNpy(bytes, "t.npy");
      ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
      EXPECT_TRUE(*back == t);
    }
  }
}

/// Builds a version-1.0 .npy from a header dict and raw data.
std::string makeNpy(const std::string &dict, const std::string &data) {
  std::string header = dict + "\n";
  std::string out("\x93NUMPY\x01\x00", 8);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  return out + header + data;
}

TEST(TensorFileNpy, ParsesHeaderVariants) {
  std::string data("\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00", 12);
  Tensor expected = make<int32_t>({3}, {1, 2, 3});
  for (const char *dict : {
           "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
           "{'shape': (3,), 'fortran_order': False, 'descr': '<i4'}",
           "{\"descr\":\"<i4\",\"fortran_order\":False,\"shape\":(3L,)}",
           "  { 'descr' : '=i4' ,\t'fortran_order' : False , "
           "'shape' : ( 3 , ) , }   ",
       }) {
    SCOPED_TRACE(dict);
    auto t = parseNpy(makeNpy(dict, data), "v.npy");
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_TRUE(*t == expected);
  }
  // Rank 0 and a one-byte type with '>' (byte order is irrelevant there).
  auto scalar = parseNpy(
      makeNpy("{'descr': '>u1', 'fortran_order': False, 'shape': ()}", "\x07"),
      "s.npy");
  ASSERT_TRUE(bool(scalar)) << llvm::toString(scalar.takeError());
  EXPECT_TRUE(*scalar == make<uint8_t>({}, {7}));
}

TEST(TensorFileNpy, RejectsBadHeaders) {
  auto err = [](const std::string &dict, const std::string &data = "") {
    return errorAt(parseNpy(makeNpy(dict, data), "bad.npy"), "bad.npy");
  };
  const std::string ok = "'fortran_order': False, 'shape': (1,)";
  EXPECT_EQ(err("{'descr': '<c8', " + ok + "}"), "unsupported dtype '<c8'");
  EXPECT_EQ(err("{'descr': '<U3', " + ok + "}"), "unsupported dtype '<U3'");
  EXPECT_EQ(err("{'descr': '>f4', " + ok + "}"),
            "big-endian dtype '>f4' is not supported");
  EXPECT_EQ(err("{'descr': [('a', '<f4')], " + ok + "}"),
            "malformed header: expected a string");
  EXPECT_EQ(err("{'descr': '<f4', 'shape': (1,)}"),
            "malformed header: missing 'descr', 'fortran_order' or 'shape'");
  EXPECT_EQ(err("{'descr': '<f4', 'descr': '<f4', " + ok + "}"),
            "malformed header: unexpected or repeated key 'descr'");
  EXPECT_EQ(err("{'descr': '<f4', 'extra': 1, " + ok + "}"),
            "malformed header: unexpected or repeated key 'extra'");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}"),
            "malformed header: expected True or False for 'fortran_order'");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"),
            "malformed header: expected a non-negative integer in 'shape'");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}"),
            "malformed header: expected ',' or ')' in 'shape'");
  EXPECT_EQ(err("{'descr': '<f4', " + ok + "} x"),
            "malformed header: unexpected characters after the dictionary");
  EXPECT_EQ(err("{'descr': '<f4, " + ok + "}"), "unsupported dtype '<f4, '");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, 'shape': (1)}"),
            "malformed header: 'shape' must be a tuple, e.g. (1,)");
  EXPECT_EQ(err("{'descr': '<f4' " + ok + "}"),
            "malformed header: expected ',' or '}'");
  EXPECT_EQ(err("{'descr' '<f4', " + ok + "}"),
            "malformed header: expected ':' after 'descr'");
  // Absurd shapes are rejected before anything is allocated.
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, "
                "'shape': (4294967296, 4294967296)}"),
            "shape (4294967296, 4294967296) is too large");
  EXPECT_EQ(err("{'descr': '<f4', 'fortran_order': False, "
                "'shape': (99999999999999999999,)}"),
            "malformed header: expected a non-negative integer in 'shape'");
  EXPECT_EQ(err("{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}",
                std::string("\x01\x02", 2)),
            "bool element 1 has value 2 (expected 0 or 1)");
}

TEST(TensorFileNpy, RejectsNumpyFilesWeDoNotSupport) {
  auto err = [](const char *name) {
    return errorAt(readTensorFile(fixturePath(name), nullptr),
                   fixturePath(name));
  };
  EXPECT_EQ(err("fortran.npy"),
            "fortran_order=True is not supported (save a C-ordered array, "
            "e.g. np.ascontiguousarray)");
  EXPECT_EQ(err("bigendian.npy"), "big-endian dtype '>f4' is not supported");
  EXPECT_EQ(err("complex.npy"), "unsupported dtype '<c8'");
}

TEST(TensorFileNpy, ChecksSizesAgainstTheFile) {
  std::string good = readBytes(fixturePath("f32_2x3.npy"));
  EXPECT_EQ(errorAt(parseNpy("", "e.npy"), "e.npy"), "truncated header");
  EXPECT_EQ(errorAt(parseNpy("\x93NUMPY\x01", "e.npy"), "e.npy"),
            "truncated header");
  EXPECT_EQ(errorAt(parseNpy("hello, world", "e.npy"), "e.npy"),
            "not a .npy file (bad magic)");
  EXPECT_EQ(
      errorAt(parseNpy(std::string("\x93NUMPY\x04\x00\x10\x00", 10), "e.npy"),
              "e.npy"),
      "unsupported .npy format version 4.0");
  EXPECT_EQ(errorAt(parseNpy(good.substr(0, 100), "e.npy"), "e.npy"),
            "truncated header (header length 118 exceeds the 90 bytes after "
            "the prefix)");
  EXPECT_EQ(
      errorAt(parseNpy(good.substr(0, good.size() - 4), "e.npy"), "e.npy"),
      "data is 20 bytes, expected 24 (2x3 f32)");
  EXPECT_EQ(errorAt(parseNpy(good + "abcd", "e.npy"), "e.npy"),
            "data is 28 bytes, expected 24 (2x3 f32)");
}

TEST(TensorFileNpy, EveryTruncationIsAnError) {
  for (const char *name : {"f32_2x3.npy", "f64_scalar.npy", "bool_2x2.npy"}) {
    std::string bytes = readBytes(fixturePath(name));
    for (size_t len = 0; len < bytes.size(); ++len) {
      SCOPED_TRACE(std::string(name) + " cut at " + std::to_string(len));
      EXPECT_NE(errorAt(parseNpy(bytes.substr(0, len), "cut.npy"), "cut.npy"),
                "");
    }
  }
}

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

TEST(TensorFilePb, ReadsOnnxRawData) {
  NamedTensor x = readFixture("f32_2x3_raw.pb");
  EXPECT_EQ(x.name, "x");
  EXPECT_TRUE(x.tensor == make<float>({2, 3}, f32Values));
  NamedTensor q = readFixture("i8_raw.pb");
  EXPECT_EQ(q.name, "q");
  EXPECT_TRUE(q.tensor == make<int8_t>({4}, {-128, -1, 0, 127}));
}

TEST(TensorFilePb, WriterMatchesOnnxByteForByte) {
  std::vector<float> rank4;
  for (int i = 0; i < 12; ++i)
    rank4.push_back(float(i));
  EXPECT_EQ(serializeTensorProto(make<float>({2, 3}, f32Values), "x"),
            readBytes(fixturePath("f32_2x3_raw.pb")));
  EXPECT_EQ(serializeTensorProto(make<float>({1, 2, 2, 3}, rank4), ""),
            readBytes(fixturePath("f32_rank4_raw.pb")));
  EXPECT_EQ(serializeTensorProto(make<int8_t>({4}, {-128, -1, 0, 127}), "q"),
            readBytes(fixturePath("i8_raw.pb")));
}

TEST(TensorFilePb, ReadsTypedDataFields) {
  struct Case {
    const char *file;
    const char *name;
    Tensor expected;
  };
  const Case cases[] = {
      {"f32_float_data.pb", "fd", make<float>({2, 3}, f32Values)},
      {"i64_int64_data.pb", "shape",
       make<int64_t>({4}, {1, -1, 0, int64_t(1) << 40})},
      {"i8_int32_data.pb", "i8", make<int8_t>({4}, {-128, -1, 0, 127})},
      {"u8_int32_data.pb", "u8", make<uint8_t>({2, 2}, {0, 1, 128, 255})},
      {"i32_int32_data.pb", "i32",
       make<int32_t>({3}, {INT32_MIN, -1, INT32_MAX})},
      {"f16_int32_data.pb", "h", makeHalf({4}, halfBits)},
      {"bool_int32_data.pb", "b", makeBool({3}, {1, 0, 1})},
      {"f64_double_data.pb", "d", make<double>({}, {0.1})},
      {"u64_uint64_data.pb", "u", make<uint64_t>({2}, {UINT64_MAX, 7})},
      {"u32_uint64_data.pb", "u", make<uint32_t>({2}, {UINT32_MAX, 7})},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.file);
    NamedTensor got = readFixture(c.file);
    EXPECT_EQ(got.name, c.name);
    EXPECT_EQ(got.tensor.getType(), c.expected.getType());
    EXPECT_TRUE(got.tensor == c.expected);
  }
}

TEST(TensorFilePb, ReadsOnnxBackendTestData) {
  std::string path = "/usr/share/libonnx-testdata/data/node/test_relu/"
                     "test_data_set_0/input_0.pb";
  if (!llvm::sys::fs::exists(path))
    GTEST_SKIP() << "libonnx-testdata not installed";
  auto x = readTensorFile(path, nullptr);
  ASSERT_TRUE(bool(x)) << llvm::toString(x.takeError());
  // As printed by onnx.numpy_helper.to_array for this file.
  EXPECT_EQ(x->name, "x");
  EXPECT_EQ(x->tensor.getType(), TensorType(DType::F32, {3, 4, 5}));
  llvm::ArrayRef<float> v = x->tensor.getData<float>();
  const float first[] = {1.764052391052246f,  0.40015721321105957f,
                         0.978738009929657f,  2.2408931255340576f,
                         1.8675580024719238f, -0.9772778749465942f};
  for (size_t i = 0; i < std::size(first); ++i)
    EXPECT_EQ(v[i], first[i]) << "element " << i;
  EXPECT_EQ(v.back(), -0.3627411723136902f);
}

TEST(TensorFilePb, RoundTripsEveryDTypeAndRank) {
  for (DType type : allDTypes) {
    for (const Dims &shape : allShapes) {
      Tensor t = patterned(type, shape);
      SCOPED_TRACE(t.getType().str());
      auto back = parseTensorProto(serializeTensorProto(t, "name"), "t.pb");
      ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
      EXPECT_EQ(back->name, "name");
      EXPECT_TRUE(back->tensor == t);
    }
  }
}

/// Minimal protobuf encoder for hand-built TensorProtos.
struct Proto {
  std::string bytes;
  Proto &varint(uint64_t v) {
    for (; v >= 0x80; v >>= 7)
      bytes += char((v & 0x7f) | 0x80);
    bytes += char(v);
    return *this;
  }
  Proto &tag(unsigned field, unsigned wire) {
    return varint((uint64_t(field) << 3) | wire);
  }
  Proto &field(unsigned f, uint64_t v) { return tag(f, 0).varint(v); }
  Proto &lengthDelimited(unsigned f, const std::string &payload) {
    tag(f, 2).varint(payload.size());
    bytes += payload;
    return *this;
  }
  Proto &raw(const std::string &s) {
    bytes += s;
    return *this;
  }
};

std::string floats(std::vector<float> v) {
  return std::string(reinterpret_cast<const char *>(v.data()), v.size() * 4);
}

TEST(TensorFilePb, DecodesWireFormatVariants) {
  Tensor expected = make<float>({2, 2}, {1, 2, 3, 4});
  // Packed dims, float_data split into a packed run plus unpacked fixed32s,
  // unknown fields of every wire type, a group with nested content, and a
  // repeated data_type (last one wins).
  Proto p;
  p.lengthDelimited(1, Proto().varint(2).varint(2).bytes)
      .field(2, 7)
      .field(2, 1)
      .lengthDelimited(4, floats({1, 2}));
  p.tag(4, 5).raw(floats({3}));
  p.tag(4, 5).raw(floats({4}));
  p.field(20, 12345678901234ull)
      .tag(21, 1)
      .raw("8bytes!!")
      .lengthDelimited(22, "skip me")
      .tag(23, 3)
      .field(1, 5)
      .tag(24, 3)
      .tag(24, 4)
      .tag(23, 4)
      .tag(25, 5)
      .raw("4byt")
      .lengthDelimited(12, "doc")
      .lengthDelimited(8, "w");
  auto t = parseTensorProto(p.bytes, "v.pb");
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->name, "w");
  EXPECT_TRUE(t->tensor == expected);

  // Packed int64_data and int32_data with sign-extended negatives.
  Proto q;
  q.field(1, 3).field(2, 7).lengthDelimited(
      7, Proto().varint(uint64_t(-5)).varint(0).varint(1ull << 62).bytes);
  auto i64 = parseTensorProto(q.bytes, "q.pb");
  ASSERT_TRUE(bool(i64)) << llvm::toString(i64.takeError());
  EXPECT_TRUE(i64->tensor == make<int64_t>({3}, {-5, 0, int64_t(1) << 62}));
  // Protobuf keeps the low 32 bits of an int32 varint.
  Proto r;
  r.field(1, 2).field(2, 5).field(5, 0xffffffffull).field(5, 3);
  auto i16 = parseTensorProto(r.bytes, "r.pb");
  ASSERT_TRUE(bool(i16)) << llvm::toString(i16.takeError());
  EXPECT_TRUE(i16->tensor == make<int16_t>({2}, {-1, 3}));
}

TEST(TensorFilePb, RejectsMalformedAndUnsupportedProtos) {
  auto err = [](const Proto &p) {
    return errorAt(parseTensorProto(p.bytes, "m.pb"), "m.pb");
  };
  const std::string m = "malformed TensorProto: ";
  EXPECT_EQ(err(Proto().raw(std::string(11, '\xff'))),
            m + "varint overflows 64 bits");
  EXPECT_EQ(err(Proto().raw(std::string(9, '\xff') + '\x02')),
            m + "varint overflows 64 bits");
  EXPECT_EQ(err(Proto().raw("\x08\x80")), m + "truncated varint");
  EXPECT_EQ(err(Proto().tag(9, 2).varint(100).raw("abc")),
            m + "field 9 needs 100 bytes but only 3 remain");
  EXPECT_EQ(err(Proto().tag(9, 2).varint(~0ull)),
            m + "field 9 needs 18446744073709551615 bytes but only 0 remain");
  EXPECT_EQ(err(Proto().tag(30, 6)), m + "invalid tag 246");
  EXPECT_EQ(err(Proto().tag(0, 0).varint(1)), m + "invalid tag 0");
  EXPECT_EQ(err(Proto().tag(30, 4)), m + "unmatched end of group 30");
  EXPECT_EQ(err(Proto().tag(30, 3).tag(31, 4)),
            m + "unmatched end of group 31");
  EXPECT_EQ(err(Proto().tag(30, 3)), m + "truncated varint");
  EXPECT_EQ(err(Proto().tag(2, 2).varint(0)),
            m + "field 2 has wire type 2, expected varint");
  EXPECT_EQ(err(Proto().tag(4, 1).raw("12345678")),
            m + "field 4 has wire type 1, expected 4-byte fixed");
  EXPECT_EQ(err(Proto().lengthDelimited(4, "abcde")),
            m + "packed field 4 is 5 bytes, not a multiple of 4");
  EXPECT_EQ(err(Proto().lengthDelimited(7, "\x80")), m + "truncated varint");
  EXPECT_EQ(err(Proto().lengthDelimited(1, std::string(10, '\xff'))),
            m + "varint overflows 64 bits");

  Proto f32x4 = Proto().field(1, 4).field(2, 1);
  EXPECT_EQ(err(Proto(f32x4).lengthDelimited(9, floats({1, 2, 3}))),
            "raw_data is 12 bytes, expected 16 (4 f32)");
  EXPECT_EQ(err(Proto(f32x4).lengthDelimited(4, floats({1, 2, 3}))),
            "float_data has 3 elements, expected 4 for shape (4)");
  EXPECT_EQ(err(f32x4), "data has 0 elements, expected 4 for shape (4)");
  EXPECT_EQ(err(Proto(f32x4)
                    .lengthDelimited(4, floats({1, 2, 3, 4}))
                    .lengthDelimited(9, floats({1, 2, 3, 4}))),
            "both raw_data and float_data are set");
  EXPECT_EQ(
      err(Proto().field(1, 1).field(2, 7).lengthDelimited(4, floats({1}))),
      "float_data cannot hold data_type INT64");
  EXPECT_EQ(err(Proto().field(1, 1).field(2, 3).field(5, 300)),
            "int32_data value 300 at index 0 is out of range for i8");
  EXPECT_EQ(err(Proto().field(1, 1).field(2, 9).field(5, 2)),
            "int32_data value 2 at index 0 is out of range for i1");
  EXPECT_EQ(err(Proto().field(1, 1).field(2, 12).field(11, 1ull << 32)),
            "uint64_data value 4294967296 at index 0 is out of range for u32");
  EXPECT_EQ(err(Proto().field(1, 4)), "missing data_type");
  EXPECT_EQ(err(Proto().field(1, 1).field(2, 16)),
            "unsupported data_type 16 (BFLOAT16)");
  EXPECT_EQ(err(Proto().field(1, 1).field(2, 99)),
            "unsupported data_type 99 (unknown)");
  Proto rank65;
  for (int i = 0; i < 65; ++i)
    rank65.field(1, 1);
  EXPECT_EQ(err(rank65.field(2, 1)), "rank 65 exceeds the limit of 64");
  EXPECT_EQ(err(Proto().field(1, uint64_t(-2)).field(2, 1)),
            "negative dimension -2");
  EXPECT_EQ(err(Proto().field(1, 1ull << 40).field(1, 1ull << 40).field(2, 1)),
            "shape (1099511627776, 1099511627776) is too large");

  auto fileErr = [](const char *name) {
    return errorAt(readTensorFile(fixturePath(name), nullptr),
                   fixturePath(name));
  };
  EXPECT_EQ(fileErr("string.pb"), "unsupported data_type 8 (STRING)");
  EXPECT_EQ(fileErr("external.pb"),
            "tensor data stored externally (data_location EXTERNAL) is not "
            "supported");
}

TEST(TensorFilePb, EveryTruncationIsAnError) {
  // from_array writes raw_data last, so no proper prefix is a valid tensor.
  for (const char *name : {"f32_2x3_raw.pb", "i8_raw.pb", "f32_rank4_raw.pb"}) {
    std::string bytes = readBytes(fixturePath(name));
    for (size_t len = 0; len < bytes.size(); ++len) {
      SCOPED_TRACE(std::string(name) + " cut at " + std::to_string(len));
      EXPECT_NE(
          errorAt(parseTensorProto(bytes.substr(0, len), "cut.pb"), "cut.pb"),
          "");
    }
  }
  // make_tensor writes the name after the data: cutting exactly before the
  // name leaves a valid unnamed tensor; every other cut is an error.
  for (const char *name : {"f32_float_data.pb", "i64_int64_data.pb",
                           "i8_int32_data.pb", "f16_int32_data.pb"}) {
    std::string bytes = readBytes(fixturePath(name));
    Tensor full = readFixture(name).tensor;
    for (size_t len = 0; len < bytes.size(); ++len) {
      SCOPED_TRACE(std::string(name) + " cut at " + std::to_string(len));
      auto t = parseTensorProto(bytes.substr(0, len), "cut.pb");
      if (t) {
        EXPECT_EQ(t->name, "");
        EXPECT_TRUE(t->tensor == full);
        EXPECT_EQ(bytes[len], '\x42'); // the tag of field 8 (name)
      } else {
        llvm::consumeError(t.takeError());
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Robustness on arbitrary bytes (meant to be run under ASan/UBSan too).
//===----------------------------------------------------------------------===//

TEST(TensorFileFuzz, RandomAndMutatedBytesNeverCrash) {
  std::mt19937 rng(1234);
  auto parseBoth = [](const std::string &b) {
    if (auto t = parseNpy(b, "r.npy"); !t)
      llvm::consumeError(t.takeError());
    if (auto t = parseTensorProto(b, "r.pb"); !t)
      llvm::consumeError(t.takeError());
  };
  for (int i = 0; i < 2000; ++i) {
    std::string b(rng() % 200, '\0');
    for (char &c : b)
      c = char(rng());
    if (i % 2)
      b = std::string("\x93NUMPY\x01\x00", 8) + b;
    parseBoth(b);
  }
  for (const char *name : {"f32_2x3.npy", "f32_2x3_v2.npy", "f32_float_data.pb",
                           "i8_int32_data.pb", "f32_2x3_raw.pb"}) {
    std::string good = readBytes(fixturePath(name));
    for (size_t pos = 0; pos < good.size(); ++pos) {
      for (int v :
           {0x00, 0x01, 0x7f, 0x80, 0xff, int(uint8_t(good[pos]) ^ 0x20)}) {
        std::string b = good;
        b[pos] = char(v);
        parseBoth(b);
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

TEST(TensorFileIo, SampleImageAgreesAcrossFormats) {
  std::string dir = std::string(RTC_SOURCE_DIR) + "/testdata/fashion_mnist/";
  TensorType type(DType::F32, {1, 1, 28, 28});
  auto npy = readTensorFile(dir + "sample0.npy", nullptr);
  auto pb = readTensorFile(dir + "sample0.pb", nullptr);
  auto bin = readTensorFile(dir + "sample0.bin", &type);
  ASSERT_TRUE(bool(npy)) << llvm::toString(npy.takeError());
  ASSERT_TRUE(bool(pb)) << llvm::toString(pb.takeError());
  ASSERT_TRUE(bool(bin)) << llvm::toString(bin.takeError());
  EXPECT_EQ(npy->tensor.getType(), type);
  EXPECT_TRUE(npy->tensor == pb->tensor);
  EXPECT_TRUE(npy->tensor == bin->tensor);
  EXPECT_EQ(pb->name, "input");
  // Pixels 0 and 374 of the first Fashion-MNIST test image are 0 and 3;
  // the script normalises as (p / 255 - 0.2860) / 0.3530 in float32.
  llvm::ArrayRef<float> v = npy->tensor.getData<float>();
  EXPECT_EQ(v[0], (0.0f / 255.0f - 0.2860f) / 0.3530f);
  EXPECT_EQ(v[374], (3.0f / 255.0f - 0.2860f) / 0.3530f);

  TensorType wrong(DType::F32, {1, 1, 28, 27});
  EXPECT_EQ(
      errorAt(readTensorFile(dir + "sample0.bin", &wrong), dir + "sample0.bin"),
      "expected 3024 bytes (1x1x28x27 f32), got 3136");
}

TEST(TensorFileIo, WritesAndReadsEveryFormat) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("rtc-tensorfile", dir));
  std::string base = dir.str().str() + "/";
  Tensor t = make<float>({2, 3}, f32Values);
  TensorType type = t.getType();
  for (const char *name : {"a.npy", "b.pb", "c.bin", "D.NPY", "e.Pb"}) {
    SCOPED_TRACE(name);
    expectOk(writeTensorFile(base + name, t, "tname"));
    auto back = readTensorFile(base + name, &type);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_TRUE(back->tensor == t);
    bool isPb = llvm::StringRef(name).ends_with_insensitive(".pb");
    EXPECT_EQ(back->name, isPb ? "tname" : "");
  }
  // The .bin is exactly the raw little-endian floats.
  EXPECT_EQ(readBytes(base + "c.bin"), floats(f32Values));

  // Exact message format of a wrong-sized .bin.
  std::string input = base + "input.bin";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(input, ec);
    ASSERT_FALSE(ec);
    os << std::string(3135, '\0');
  }
  TensorType image(DType::F32, {1, 1, 28, 28});
  auto bad = readTensorFile(input, &image);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            input + ": error: expected 3136 bytes (1x1x28x28 f32), got 3135");

  EXPECT_EQ(errorAt(readTensorFile(input, nullptr), input),
            "a .bin file has no shape; the expected tensor type must be given");
  EXPECT_EQ(errorAt(readTensorFile(base + "x.txt", nullptr), base + "x.txt"),
            "unknown tensor file extension '.txt' (expected .npy, .pb or "
            ".bin)");
  EXPECT_EQ(errorAt(readTensorFile(base + "noext", nullptr), base + "noext"),
            "unknown tensor file extension '' (expected .npy, .pb or .bin)");
  std::string missing = errorAt(readTensorFile(base + "missing.npy", nullptr),
                                base + "missing.npy");
  EXPECT_EQ(missing, "cannot open: No such file or directory");
  EXPECT_EQ(errorAt(writeTensorFile(base + "x.txt", t), base + "x.txt"),
            "unknown tensor file extension '.txt' (expected .npy, .pb or "
            ".bin)");
  std::string noDir = base + "no/such/dir/a.npy";
  EXPECT_EQ(errorAt(writeTensorFile(noDir, t), noDir),
            "cannot open for writing: No such file or directory");
  llvm::sys::fs::remove_directories(dir);
}

} // namespace

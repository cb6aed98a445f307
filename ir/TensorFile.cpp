//===- ir/TensorFile.cpp - Read and write tensor files --------------------===//
//
// .npy, ONNX TensorProto (.pb) and raw .bin readers and writers. All readers
// treat their input as untrusted: every length, count and size is validated
// (with overflow checks) before anything is allocated, and every problem is
// returned as an error located at the file.
//
// The writers follow the reference implementations byte for byte: .npy as
// numpy >= 1.23 writes format 1.0 (sorted dict keys, spare space after the
// dict for growing the first axis, padding to 64 bytes), and .pb as
// onnx.numpy_helper.from_array serializes (unpacked dims, data_type, name,
// raw_data), so tests can compare against files those tools produced.
//
//===----------------------------------------------------------------------===//
#include "ir/TensorFile.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <limits>
#include <optional>
#include <vector>

using namespace rtc;

// Tensor storage and all three file formats are little-endian; the readers
// copy bytes straight into tensor storage.
static_assert(llvm::endianness::native == llvm::endianness::little,
              "tensor files assume a little-endian host");

/// Largest tensor payload we accept from a file (16 GiB): far above any model
/// input, and small enough that size arithmetic cannot overflow.
static constexpr uint64_t maxTensorBytes = uint64_t(1) << 34;
/// Largest rank we accept from a file.
static constexpr size_t maxRank = 64;

namespace {
/// How each DType is spelled in the two self-describing formats.
struct DTypeInfo {
  DType dtype;
  const char *npyDescr; ///< as numpy writes it on a little-endian host
  int64_t onnxType;     ///< onnx.TensorProto.DataType
};
} // namespace

static constexpr DTypeInfo dtypeTable[] = {
    {DType::F32, "<f4", 1}, {DType::F64, "<f8", 11}, {DType::F16, "<f2", 10},
    {DType::I8, "|i1", 3},  {DType::U8, "|u1", 2},   {DType::I16, "<i2", 5},
    {DType::U16, "<u2", 4}, {DType::I32, "<i4", 6},  {DType::U32, "<u4", 12},
    {DType::I64, "<i8", 7}, {DType::U64, "<u8", 13}, {DType::Bool, "|b1", 9},
};

static const DTypeInfo &getDTypeInfo(DType t) {
  for (const DTypeInfo &row : dtypeTable)
    if (row.dtype == t)
      return row;
  llvm_unreachable("every DType has a row");
}

static llvm::Error fileError(llvm::StringRef displayName, std::string msg) {
  return makeError(Location::inFile(displayName), std::move(msg));
}

/// Computes the element count of \p shape and its size in bytes for elements
/// of \p elemSize bytes, rejecting negative dims and absurd sizes.
static llvm::Error checkShapeSize(llvm::ArrayRef<int64_t> shape,
                                  size_t elemSize, llvm::StringRef displayName,
                                  uint64_t &numElements) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return fileError(displayName, fmt::format("negative dimension {}", d));
    if (d != 0 && n > maxTensorBytes / uint64_t(d))
      return fileError(displayName, fmt::format("shape ({}) is too large",
                                                fmt::join(shape, ", ")));
    n *= uint64_t(d);
  }
  if (n > maxTensorBytes / elemSize)
    return fileError(displayName, fmt::format("shape ({}) is too large",
                                              fmt::join(shape, ", ")));
  numElements = n;
  return llvm::Error::success();
}

/// Booleans are stored one byte each and must be 0 or 1.
static llvm::Error checkBoolBytes(const Tensor &t,
                                  llvm::StringRef displayName) {
  if (t.getElemType() != DType::Bool)
    return llvm::Error::success();
  const uint8_t *p = t.getRawData();
  for (int64_t i = 0, e = t.getNumElements(); i != e; ++i)
    if (p[i] > 1)
      return fileError(displayName,
                       fmt::format("bool element {} has value {} (expected "
                                   "0 or 1)",
                                   i, p[i]));
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

static constexpr llvm::StringLiteral npyMagic("\x93NUMPY");

/// numpy's GROWTH_AXIS_MAX_DIGITS: spare header space numpy >= 1.23 leaves
/// so the first axis can grow in place.
static constexpr size_t npyGrowthDigits = 21;

/// Parses the 'descr' value of a .npy header.
static llvm::Expected<DType> parseNpyDescr(llvm::StringRef descr,
                                           llvm::StringRef displayName) {
  auto unsupported = [&] {
    return fileError(displayName,
                     fmt::format("unsupported dtype '{}'", descr.str()));
  };
  const DTypeInfo *info = nullptr;
  for (const DTypeInfo &row : dtypeTable)
    if (descr.size() == 3 && descr.substr(1) == row.npyDescr + 1)
      info = &row;
  if (!info)
    return unsupported();
  DType t = info->dtype;
  char order = descr[0];
  // Byte order does not matter for one-byte types; '=' is native, which is
  // little-endian here.
  if (order == '>' && getDTypeSize(t) > 1)
    return fileError(
        displayName,
        fmt::format("big-endian dtype '{}' is not supported", descr.str()));
  if (order != '<' && order != '|' && order != '=' && order != '>')
    return unsupported();
  return t;
}

namespace {
/// The three fields of a .npy header dictionary.
struct NpyHeader {
  std::optional<DType> dtype;
  std::optional<bool> fortranOrder;
  std::optional<llvm::SmallVector<int64_t, 4>> shape;
};

/// Parser for the Python-literal dict of a .npy header, e.g.
/// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 28, 28), }
class NpyHeaderParser {
public:
  NpyHeaderParser(llvm::StringRef text, llvm::StringRef displayName)
      : rest(text), displayName(displayName) {}

  llvm::Expected<NpyHeader> parse();

private:
  llvm::Error error(const std::string &what) {
    return fileError(displayName, "malformed header: " + what);
  }
  void skipSpace() { rest = rest.ltrim(" \t\r\n"); }
  bool consume(char c) {
    skipSpace();
    return rest.consume_front(llvm::StringRef(&c, 1));
  }
  llvm::Expected<std::string> parseString();
  llvm::Expected<bool> parseBool();
  llvm::Expected<llvm::SmallVector<int64_t, 4>> parseTuple();

  llvm::StringRef rest;
  llvm::StringRef displayName;
};
} // namespace

llvm::Expected<std::string> NpyHeaderParser::parseString() {
  skipSpace();
  if (rest.empty() || (rest[0] != '\'' && rest[0] != '"'))
    return error("expected a string");
  char quote = rest[0];
  size_t end = rest.find(quote, 1);
  if (end == llvm::StringRef::npos)
    return error("unterminated string");
  llvm::StringRef s = rest.slice(1, end);
  if (s.contains('\\'))
    return error("escapes in strings are not supported");
  rest = rest.drop_front(end + 1);
  return s.str();
}

llvm::Expected<bool> NpyHeaderParser::parseBool() {
  skipSpace();
  if (rest.consume_front("True"))
    return true;
  if (rest.consume_front("False"))
    return false;
  return error("expected True or False for 'fortran_order'");
}

llvm::Expected<llvm::SmallVector<int64_t, 4>> NpyHeaderParser::parseTuple() {
  if (!consume('('))
    return error("expected a tuple for 'shape'");
  llvm::SmallVector<int64_t, 4> dims;
  while (true) {
    if (consume(')'))
      return dims;
    skipSpace();
    size_t len = 0;
    while (len < rest.size() && llvm::isDigit(rest[len]))
      ++len;
    int64_t d;
    if (len == 0 || rest.take_front(len).getAsInteger(10, d))
      return error("expected a non-negative integer in 'shape'");
    rest = rest.drop_front(len);
    rest.consume_front("L"); // Python 2 long literal, e.g. (3L, 4L)
    dims.push_back(d);
    if (dims.size() > maxRank)
      return error(fmt::format("rank exceeds the limit of {}", maxRank));
    if (consume(')')) {
      // "(3)" is an int in Python, not a tuple; numpy rejects it too.
      if (dims.size() == 1)
        return error(fmt::format("'shape' must be a tuple, e.g. ({},)", d));
      return dims;
    }
    if (!consume(','))
      return error("expected ',' or ')' in 'shape'");
  }
}

llvm::Expected<NpyHeader> NpyHeaderParser::parse() {
  NpyHeader h;
  if (!consume('{'))
    return error("expected '{'");
  while (!consume('}')) {
    auto key = parseString();
    if (!key)
      return key.takeError();
    if (!consume(':'))
      return error("expected ':' after '" + *key + "'");
    if (*key == "descr" && !h.dtype) {
      auto descr = parseString();
      if (!descr)
        return descr.takeError();
      auto t = parseNpyDescr(*descr, displayName);
      if (!t)
        return t.takeError();
      h.dtype = *t;
    } else if (*key == "fortran_order" && !h.fortranOrder) {
      auto b = parseBool();
      if (!b)
        return b.takeError();
      h.fortranOrder = *b;
    } else if (*key == "shape" && !h.shape) {
      auto dims = parseTuple();
      if (!dims)
        return dims.takeError();
      h.shape = std::move(*dims);
    } else {
      return error("unexpected or repeated key '" + *key + "'");
    }
    if (consume('}'))
      break;
    if (!consume(','))
      return error("expected ',' or '}'");
  }
  // numpy pads the header with spaces and ends it with '\n'; some writers
  // also pad with NUL bytes.
  if (!rest.ltrim(llvm::StringRef(" \t\r\n\0", 5)).empty())
    return error("unexpected characters after the dictionary");
  if (!h.dtype || !h.fortranOrder || !h.shape)
    return error("missing 'descr', 'fortran_order' or 'shape'");
  return h;
}

llvm::Expected<Tensor> rtc::parseNpy(llvm::StringRef bytes,
                                     llvm::StringRef displayName) {
  if (bytes.size() < 8 || !bytes.starts_with(npyMagic)) {
    if (npyMagic.starts_with(bytes.take_front(npyMagic.size())) &&
        bytes.size() < 8)
      return fileError(displayName, "truncated header");
    return fileError(displayName, "not a .npy file (bad magic)");
  }
  unsigned major = uint8_t(bytes[6]), minor = uint8_t(bytes[7]);
  if (major < 1 || major > 3 || minor != 0)
    return fileError(
        displayName,
        fmt::format("unsupported .npy format version {}.{}", major, minor));
  size_t lenBytes = major == 1 ? 2 : 4;
  size_t prefix = 8 + lenBytes;
  if (bytes.size() < prefix)
    return fileError(displayName, "truncated header");
  uint64_t headerLen = 0;
  for (size_t i = 0; i < lenBytes; ++i)
    headerLen |= uint64_t(uint8_t(bytes[8 + i])) << (8 * i);
  if (headerLen > bytes.size() - prefix)
    return fileError(displayName,
                     fmt::format("truncated header (header length {} exceeds "
                                 "the {} bytes after the prefix)",
                                 headerLen, bytes.size() - prefix));

  NpyHeaderParser parser(bytes.substr(prefix, headerLen), displayName);
  auto header = parser.parse();
  if (!header)
    return header.takeError();
  if (*header->fortranOrder)
    return fileError(displayName,
                     "fortran_order=True is not supported (save a C-ordered "
                     "array, e.g. np.ascontiguousarray)");

  DType dtype = *header->dtype;
  uint64_t numElements;
  if (auto err = checkShapeSize(*header->shape, getDTypeSize(dtype),
                                displayName, numElements))
    return err;
  uint64_t expected = numElements * getDTypeSize(dtype);
  uint64_t actual = bytes.size() - prefix - headerLen;
  if (actual != expected)
    return fileError(
        displayName,
        fmt::format("data is {} bytes, expected {} ({} {})", actual, expected,
                    header->shape->empty() ? std::string("scalar")
                                           : formatShape(*header->shape),
                    getDTypeName(dtype)));

  Tensor t(TensorType(dtype, *header->shape));
  if (expected)
    std::memcpy(t.getRawMutableData(), bytes.data() + prefix + headerLen,
                expected);
  if (auto err = checkBoolBytes(t, displayName))
    return err;
  return t;
}

std::string rtc::serializeNpy(const Tensor &t) {
  llvm::ArrayRef<int64_t> shape = t.getShape();
  // Python's repr of the shape tuple: "()", "(3,)", "(1, 28, 28)".
  std::string shapeRepr = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    shapeRepr += (i ? ", " : "") + std::to_string(shape[i]);
  shapeRepr += shape.size() == 1 ? ",)" : ")";
  std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                  getDTypeInfo(t.getElemType()).npyDescr, shapeRepr);
  if (!shape.empty()) {
    size_t digits = std::to_string(shape[0]).size();
    if (digits < npyGrowthDigits)
      dict.append(npyGrowthDigits - digits, ' ');
  }
  // Version 1.0 has a 2-byte header length; fall back to 2.0 if it does not
  // fit (only for absurd ranks).
  size_t prefix = 10;
  unsigned major = 1;
  if (dict.size() + 1 + 64 > 0xffff) {
    prefix = 12;
    major = 2;
  }
  // Like numpy, pad with 64 spaces rather than none when already aligned.
  dict.append(64 - (prefix + dict.size() + 1) % 64, ' ');
  dict += '\n';

  std::string out(npyMagic);
  out += char(major);
  out += char(0);
  uint32_t headerLen = uint32_t(dict.size());
  for (size_t i = 0; i < prefix - 8; ++i)
    out += char((headerLen >> (8 * i)) & 0xff);
  out += dict;
  if (t.getSizeInBytes())
    out.append(reinterpret_cast<const char *>(t.getRawData()),
               t.getSizeInBytes());
  return out;
}

//===----------------------------------------------------------------------===//
// TensorProto (.pb)
//===----------------------------------------------------------------------===//

namespace {
/// Protobuf wire types.
enum class WireType : uint8_t {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
};

/// onnx.TensorProto field numbers.
enum TensorProtoField : uint32_t {
  FieldDims = 1,
  FieldDataType = 2,
  FieldFloatData = 4,
  FieldInt32Data = 5,
  FieldInt64Data = 7,
  FieldName = 8,
  FieldRawData = 9,
  FieldDoubleData = 10,
  FieldUint64Data = 11,
  FieldDataLocation = 14,
};

/// Reads protobuf wire-format primitives from a byte range, never past its
/// end.
class WireReader {
public:
  WireReader(llvm::StringRef bytes, llvm::StringRef displayName)
      : rest(bytes), displayName(displayName) {}

  bool atEnd() const { return rest.empty(); }
  /// A reader over \p bytes (a nested payload) reporting errors like this.
  WireReader nested(llvm::StringRef bytes) const {
    return WireReader(bytes, displayName);
  }
  llvm::Error error(const std::string &what) const {
    return fileError(displayName, "malformed TensorProto: " + what);
  }

  llvm::Expected<uint64_t> readVarint() {
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; ++i) {
      if (rest.empty())
        return error("truncated varint");
      uint8_t b = uint8_t(rest[0]);
      rest = rest.drop_front();
      // The 10th byte may only contribute the top bit of 64.
      if (i == 9 && b > 1)
        return error("varint overflows 64 bits");
      v |= uint64_t(b & 0x7f) << (7 * i);
      if (!(b & 0x80))
        return v;
    }
    llvm_unreachable("the 10th byte never has the continuation bit");
  }

  llvm::Expected<llvm::StringRef> readBytes(uint64_t n, llvm::StringRef what) {
    if (n > rest.size())
      return error(fmt::format("{} needs {} bytes but only {} remain",
                               what.str(), n, rest.size()));
    llvm::StringRef s = rest.take_front(n);
    rest = rest.drop_front(n);
    return s;
  }

  llvm::Expected<llvm::StringRef> readLengthDelimited(llvm::StringRef what) {
    auto len = readVarint();
    if (!len)
      return len.takeError();
    return readBytes(*len, what);
  }

  /// Skips the payload of a field with wire type \p wt and number \p field
  /// (after its tag was read), including nested groups.
  llvm::Error skipField(uint64_t field, WireType wt);

private:
  llvm::StringRef rest;
  llvm::StringRef displayName;
};
} // namespace

llvm::Error WireReader::skipField(uint64_t field, WireType wt) {
  llvm::SmallVector<uint64_t, 4> openGroups;
  while (true) {
    switch (wt) {
    case WireType::Varint: {
      auto v = readVarint();
      if (!v)
        return v.takeError();
      break;
    }
    case WireType::Fixed64:
    case WireType::Fixed32: {
      auto s = readBytes(wt == WireType::Fixed64 ? 8 : 4,
                         fmt::format("field {}", field));
      if (!s)
        return s.takeError();
      break;
    }
    case WireType::LengthDelimited: {
      auto s = readLengthDelimited(fmt::format("field {}", field));
      if (!s)
        return s.takeError();
      break;
    }
    case WireType::StartGroup:
      if (openGroups.size() >= 64)
        return error("groups nested too deeply");
      openGroups.push_back(field);
      break;
    case WireType::EndGroup:
      if (openGroups.empty() || openGroups.back() != field)
        return error(fmt::format("unmatched end of group {}", field));
      openGroups.pop_back();
      break;
    }
    if (openGroups.empty())
      return llvm::Error::success();
    // Inside a group: read the next tag.
    auto tag = readVarint();
    if (!tag)
      return tag.takeError();
    field = *tag >> 3;
    unsigned w = unsigned(*tag & 7);
    if (field == 0 || w > 5)
      return error(fmt::format("invalid tag {}", *tag));
    wt = WireType(w);
  }
}

namespace {
/// The data-carrying fields of a TensorProto as decoded from the wire.
struct TensorProtoFields {
  llvm::SmallVector<int64_t, 4> dims;
  int64_t dataType = 0;
  std::string name;
  std::optional<llvm::StringRef> rawData;
  std::vector<float> floatData;
  std::vector<uint64_t> int32Data; // raw varints; narrowed per data_type
  std::vector<uint64_t> int64Data;
  std::vector<double> doubleData;
  std::vector<uint64_t> uint64Data;
  int64_t dataLocation = 0;
};
} // namespace

/// Appends the varints of field \p field to \p out; accepts both the packed
/// (length-delimited) and the unpacked (one varint) encodings.
static llvm::Error readRepeatedVarint(WireReader &r, WireType wt,
                                      uint64_t field,
                                      std::vector<uint64_t> &out) {
  if (wt == WireType::Varint) {
    auto v = r.readVarint();
    if (!v)
      return v.takeError();
    out.push_back(*v);
    return llvm::Error::success();
  }
  if (wt != WireType::LengthDelimited)
    return r.error(fmt::format("field {} has wire type {}, expected varint",
                               field, unsigned(wt)));
  auto payload = r.readLengthDelimited(fmt::format("field {}", field));
  if (!payload)
    return payload.takeError();
  WireReader inner = r.nested(*payload);
  while (!inner.atEnd()) {
    auto v = inner.readVarint();
    if (!v)
      return v.takeError();
    out.push_back(*v);
  }
  return llvm::Error::success();
}

/// Appends the fixed-size (4- or 8-byte) elements of field \p field to \p out,
/// packed or unpacked.
template <typename T>
static llvm::Error readRepeatedFixed(WireReader &r, WireType wt, uint64_t field,
                                     std::vector<T> &out) {
  WireType single = sizeof(T) == 4 ? WireType::Fixed32 : WireType::Fixed64;
  llvm::StringRef payload;
  if (wt == single) {
    auto s = r.readBytes(sizeof(T), fmt::format("field {}", field));
    if (!s)
      return s.takeError();
    payload = *s;
  } else if (wt == WireType::LengthDelimited) {
    auto s = r.readLengthDelimited(fmt::format("field {}", field));
    if (!s)
      return s.takeError();
    payload = *s;
    if (payload.size() % sizeof(T))
      return r.error(fmt::format("packed field {} is {} bytes, not a multiple "
                                 "of {}",
                                 field, payload.size(), sizeof(T)));
  } else {
    return r.error(fmt::format("field {} has wire type {}, expected {}-byte "
                               "fixed",
                               field, unsigned(wt), sizeof(T)));
  }
  size_t old = out.size();
  out.resize(old + payload.size() / sizeof(T));
  std::memcpy(out.data() + old, payload.data(), payload.size());
  return llvm::Error::success();
}

/// Reads a singular varint field (data_type, data_location).
static llvm::Error readScalarVarint(WireReader &r, WireType wt, uint64_t field,
                                    int64_t &dst) {
  if (wt != WireType::Varint)
    return r.error(fmt::format("field {} has wire type {}, expected varint",
                               field, unsigned(wt)));
  auto v = r.readVarint();
  if (!v)
    return v.takeError();
  dst = int64_t(*v);
  return llvm::Error::success();
}

/// Reads a bytes/string field (name, raw_data).
static llvm::Error readBytesField(WireReader &r, WireType wt, uint64_t field,
                                  llvm::StringRef &dst) {
  if (wt != WireType::LengthDelimited)
    return r.error(fmt::format("field {} has wire type {}, expected "
                               "length-delimited",
                               field, unsigned(wt)));
  auto s = r.readLengthDelimited(fmt::format("field {}", field));
  if (!s)
    return s.takeError();
  dst = *s;
  return llvm::Error::success();
}

/// Decodes the payload of one field (its tag already read) into \p f.
static llvm::Error decodeField(WireReader &r, uint64_t field, WireType wt,
                               TensorProtoFields &f) {
  switch (field) {
  case FieldDims: {
    std::vector<uint64_t> dims;
    if (auto err = readRepeatedVarint(r, wt, field, dims))
      return err;
    for (uint64_t d : dims)
      f.dims.push_back(int64_t(d));
    return llvm::Error::success();
  }
  case FieldDataType:
    return readScalarVarint(r, wt, field, f.dataType);
  case FieldFloatData:
    return readRepeatedFixed(r, wt, field, f.floatData);
  case FieldInt32Data:
    return readRepeatedVarint(r, wt, field, f.int32Data);
  case FieldInt64Data:
    return readRepeatedVarint(r, wt, field, f.int64Data);
  case FieldName: {
    llvm::StringRef s;
    if (auto err = readBytesField(r, wt, field, s))
      return err;
    f.name = s.str();
    return llvm::Error::success();
  }
  case FieldRawData: {
    llvm::StringRef s;
    if (auto err = readBytesField(r, wt, field, s))
      return err;
    f.rawData = s; // singular: the last occurrence wins
    return llvm::Error::success();
  }
  case FieldDoubleData:
    return readRepeatedFixed(r, wt, field, f.doubleData);
  case FieldUint64Data:
    return readRepeatedVarint(r, wt, field, f.uint64Data);
  case FieldDataLocation:
    return readScalarVarint(r, wt, field, f.dataLocation);
  default: // segment, string_data, doc_string, external_data, unknown
    return r.skipField(field, wt);
  }
}

static llvm::Expected<TensorProtoFields>
decodeTensorProto(llvm::StringRef bytes, llvm::StringRef displayName) {
  TensorProtoFields f;
  WireReader r(bytes, displayName);
  while (!r.atEnd()) {
    auto tag = r.readVarint();
    if (!tag)
      return tag.takeError();
    uint64_t field = *tag >> 3;
    unsigned w = unsigned(*tag & 7);
    if (field == 0 || field > 0x1fffffff || w > 5)
      return r.error(fmt::format("invalid tag {}", *tag));
    if (auto err = decodeField(r, field, WireType(w), f))
      return err;
  }
  return f;
}

static llvm::StringRef onnxDataTypeName(int64_t t) {
  static constexpr const char *names[] = {
      "UNDEFINED", "FLOAT",  "UINT8",     "INT8",       "UINT16",  "INT16",
      "INT32",     "INT64",  "STRING",    "BOOL",       "FLOAT16", "DOUBLE",
      "UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  if (t >= 0 && t < int64_t(std::size(names)))
    return names[t];
  return "unknown";
}

/// Stores the values of the typed field \p fieldName into \p t as elements
/// of type T, checking that each fits in [\p lo, \p hi]. int32_data values
/// are int32 (protobuf sign-extends negatives to 64 bits; like protobuf we
/// take the low 32 bits); uint64_data values are unsigned.
template <typename T>
static llvm::Error storeTyped(Tensor &t, const std::vector<uint64_t> &vals,
                              llvm::StringRef fieldName, bool isInt32Field,
                              int64_t lo, uint64_t hi,
                              llvm::StringRef displayName) {
  uint8_t *base = t.getRawMutableData();
  for (size_t i = 0; i < vals.size(); ++i) {
    bool ok;
    std::string shown;
    if (isInt32Field) {
      int64_t v = int32_t(uint32_t(vals[i]));
      ok = v >= lo && v <= int64_t(hi);
      shown = std::to_string(v);
    } else {
      ok = vals[i] <= hi;
      shown = std::to_string(vals[i]);
    }
    if (!ok)
      return fileError(displayName,
                       fmt::format("{} value {} at index {} is out of range "
                                   "for {}",
                                   fieldName.str(), shown, i,
                                   getDTypeName(t.getElemType())));
    T v = T(vals[i]);
    std::memcpy(base + i * sizeof(T), &v, sizeof(T));
  }
  return llvm::Error::success();
}

/// Stores the int32_data / uint64_data values of \p f into \p t, whose
/// element type is narrower than the field.
static llvm::Error storeNarrowTyped(Tensor &t, const TensorProtoFields &f,
                                    llvm::StringRef fieldName,
                                    llvm::StringRef displayName) {
  const std::vector<uint64_t> &i32 = f.int32Data;
  switch (t.getElemType()) {
  case DType::I32:
    return storeTyped<int32_t>(t, i32, fieldName, true, INT32_MIN, INT32_MAX,
                               displayName);
  case DType::I16:
    return storeTyped<int16_t>(t, i32, fieldName, true, INT16_MIN, INT16_MAX,
                               displayName);
  case DType::I8:
    return storeTyped<int8_t>(t, i32, fieldName, true, INT8_MIN, INT8_MAX,
                              displayName);
  case DType::U16:
  case DType::F16: // IEEE half bits, zero-extended into int32
    return storeTyped<uint16_t>(t, i32, fieldName, true, 0, UINT16_MAX,
                                displayName);
  case DType::U8:
    return storeTyped<uint8_t>(t, i32, fieldName, true, 0, UINT8_MAX,
                               displayName);
  case DType::Bool:
    return storeTyped<uint8_t>(t, i32, fieldName, true, 0, 1, displayName);
  case DType::U32:
    return storeTyped<uint32_t>(t, f.uint64Data, fieldName, false, 0,
                                UINT32_MAX, displayName);
  case DType::F32:
  case DType::F64:
  case DType::I64:
  case DType::U64:
    break;
  }
  llvm_unreachable("wide types are copied directly");
}

llvm::Expected<NamedTensor> rtc::parseTensorProto(llvm::StringRef bytes,
                                                  llvm::StringRef displayName) {
  auto decoded = decodeTensorProto(bytes, displayName);
  if (!decoded)
    return decoded.takeError();
  TensorProtoFields &f = *decoded;

  if (f.dataLocation == 1)
    return fileError(displayName, "tensor data stored externally "
                                  "(data_location EXTERNAL) is not supported");
  if (f.dataType == 0)
    return fileError(displayName, "missing data_type");
  std::optional<DType> dtype;
  for (const DTypeInfo &row : dtypeTable)
    if (row.onnxType == f.dataType)
      dtype = row.dtype;
  if (!dtype)
    return fileError(displayName,
                     fmt::format("unsupported data_type {} ({})", f.dataType,
                                 onnxDataTypeName(f.dataType)));
  if (f.dims.size() > maxRank)
    return fileError(displayName, fmt::format("rank {} exceeds the limit of {}",
                                              f.dims.size(), maxRank));
  uint64_t n;
  if (auto err = checkShapeSize(f.dims, getDTypeSize(*dtype), displayName, n))
    return err;
  uint64_t expectedBytes = n * getDTypeSize(*dtype);

  // Which typed field may carry this data_type (ONNX rules).
  struct TypedField {
    llvm::StringRef name;
    size_t count;
    bool allowed;
  };
  DType dt = *dtype;
  bool viaInt32 = dt == DType::I32 || dt == DType::I16 || dt == DType::I8 ||
                  dt == DType::U16 || dt == DType::U8 || dt == DType::Bool ||
                  dt == DType::F16;
  const TypedField typed[] = {
      {"float_data", f.floatData.size(), dt == DType::F32},
      {"int32_data", f.int32Data.size(), viaInt32},
      {"int64_data", f.int64Data.size(), dt == DType::I64},
      {"double_data", f.doubleData.size(), dt == DType::F64},
      {"uint64_data", f.uint64Data.size(),
       dt == DType::U32 || dt == DType::U64},
  };
  const TypedField *used = nullptr;
  for (const TypedField &tf : typed) {
    if (!tf.count)
      continue;
    if (!tf.allowed)
      return fileError(displayName,
                       fmt::format("{} cannot hold data_type {}", tf.name.str(),
                                   onnxDataTypeName(f.dataType)));
    used = &tf;
  }
  if (used && f.rawData)
    return fileError(displayName, fmt::format("both raw_data and {} are set",
                                              used->name.str()));

  NamedTensor result;
  result.name = f.name;
  if (f.rawData) {
    if (f.rawData->size() != expectedBytes)
      return fileError(displayName,
                       fmt::format("raw_data is {} bytes, expected {} ({} {})",
                                   f.rawData->size(), expectedBytes,
                                   f.dims.empty() ? std::string("scalar")
                                                  : formatShape(f.dims),
                                   getDTypeName(dt)));
    result.tensor = Tensor(TensorType(dt, f.dims));
    if (expectedBytes)
      std::memcpy(result.tensor.getRawMutableData(), f.rawData->data(),
                  expectedBytes);
    if (auto err = checkBoolBytes(result.tensor, displayName))
      return err;
    return result;
  }

  size_t count = used ? used->count : 0;
  if (count != n)
    return fileError(displayName,
                     fmt::format("{} has {} elements, expected {} for shape "
                                 "({})",
                                 used ? used->name.str() : std::string("data"),
                                 count, n, fmt::join(f.dims, ", ")));
  result.tensor = Tensor(TensorType(dt, f.dims));
  Tensor &t = result.tensor;
  if (n == 0)
    return result;

  llvm::StringRef fieldName = used->name;
  switch (dt) {
  case DType::F32:
    std::memcpy(t.getRawMutableData(), f.floatData.data(), n * 4);
    return result;
  case DType::F64:
    std::memcpy(t.getRawMutableData(), f.doubleData.data(), n * 8);
    return result;
  case DType::I64:
    std::memcpy(t.getRawMutableData(), f.int64Data.data(), n * 8);
    return result;
  case DType::U64:
    std::memcpy(t.getRawMutableData(), f.uint64Data.data(), n * 8);
    return result;
  default:
    break;
  }
  if (auto err = storeNarrowTyped(t, f, fieldName, displayName))
    return err;
  return result;
}

static void writeVarint(std::string &out, uint64_t v) {
  while (v >= 0x80) {
    out += char((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += char(v);
}

static void writeTag(std::string &out, uint32_t field, WireType wt) {
  writeVarint(out, (uint64_t(field) << 3) | uint64_t(wt));
}

std::string rtc::serializeTensorProto(const Tensor &t, llvm::StringRef name) {
  std::string out;
  for (int64_t d : t.getShape()) {
    writeTag(out, FieldDims, WireType::Varint);
    writeVarint(out, uint64_t(d));
  }
  writeTag(out, FieldDataType, WireType::Varint);
  writeVarint(out, uint64_t(getDTypeInfo(t.getElemType()).onnxType));
  if (!name.empty()) {
    writeTag(out, FieldName, WireType::LengthDelimited);
    writeVarint(out, name.size());
    out += name;
  }
  writeTag(out, FieldRawData, WireType::LengthDelimited);
  writeVarint(out, t.getSizeInBytes());
  if (t.getSizeInBytes())
    out.append(reinterpret_cast<const char *>(t.getRawData()),
               t.getSizeInBytes());
  return out;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

namespace {
enum class TensorFileKind { Npy, Pb, Bin };
} // namespace

static llvm::Expected<TensorFileKind> getFileKind(llvm::StringRef path) {
  std::string ext = llvm::sys::path::extension(path).lower();
  if (ext == ".npy")
    return TensorFileKind::Npy;
  if (ext == ".pb")
    return TensorFileKind::Pb;
  if (ext == ".bin")
    return TensorFileKind::Bin;
  return fileError(path,
                   fmt::format("unknown tensor file extension '{}' (expected "
                               ".npy, .pb or .bin)",
                               llvm::sys::path::extension(path).str()));
}

llvm::Expected<NamedTensor> rtc::readTensorFile(llvm::StringRef path,
                                                const TensorType *binType) {
  auto kind = getFileKind(path);
  if (!kind)
    return kind.takeError();
  if (*kind == TensorFileKind::Bin && !binType)
    return fileError(path, "a .bin file has no shape; the expected tensor "
                           "type must be given");
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return fileError(path, "cannot open: " + buf.getError().message());
  llvm::StringRef bytes = (*buf)->getBuffer();

  switch (*kind) {
  case TensorFileKind::Npy: {
    auto t = parseNpy(bytes, path);
    if (!t)
      return t.takeError();
    return NamedTensor{"", std::move(*t)};
  }
  case TensorFileKind::Pb:
    return parseTensorProto(bytes, path);
  case TensorFileKind::Bin:
    break;
  }
  const TensorType &type = *binType;
  uint64_t n;
  if (auto err =
          checkShapeSize(type.shape, getDTypeSize(type.elemType), path, n))
    return err;
  uint64_t expected = n * getDTypeSize(type.elemType);
  if (bytes.size() != expected)
    return fileError(path,
                     fmt::format("expected {} bytes ({} {}), got {}", expected,
                                 type.shape.empty() ? std::string("scalar")
                                                    : formatShape(type.shape),
                                 getDTypeName(type.elemType), bytes.size()));
  NamedTensor result{"", Tensor(type)};
  if (expected)
    std::memcpy(result.tensor.getRawMutableData(), bytes.data(), expected);
  if (auto err = checkBoolBytes(result.tensor, path))
    return err;
  return result;
}

llvm::Error rtc::writeTensorFile(llvm::StringRef path, const Tensor &t,
                                 llvm::StringRef name) {
  auto kind = getFileKind(path);
  if (!kind)
    return kind.takeError();
  std::string bytes;
  switch (*kind) {
  case TensorFileKind::Npy:
    bytes = serializeNpy(t);
    break;
  case TensorFileKind::Pb:
    bytes = serializeTensorProto(t, name);
    break;
  case TensorFileKind::Bin:
    if (t.getSizeInBytes())
      bytes.assign(reinterpret_cast<const char *>(t.getRawData()),
                   t.getSizeInBytes());
    break;
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fileError(path, "cannot open for writing: " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error()) {
    std::string msg = "cannot write: " + os.error().message();
    os.clear_error();
    return fileError(path, msg);
  }
  return llvm::Error::success();
}

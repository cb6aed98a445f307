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

#include "ir/FileIO.h"
#include "ir/TensorFileUtils.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <limits>
#include <optional>
#include <vector>

using namespace rtc;

using namespace rtc::tensorfile;

//===----------------------------------------------------------------------===//
// Shared helpers (ir/TensorFileUtils.h)
//===----------------------------------------------------------------------===//

llvm::Error tensorfile::fileError(llvm::StringRef displayName, std::string msg) {
  return makeError(Location::inFile(displayName), std::move(msg));
}

// Computes the element count of shape and its size in bytes for elements of
// elemSize bytes, rejecting negative dims and absurd sizes.
llvm::Error tensorfile::checkShapeSize(llvm::ArrayRef<int64_t> shape,
                                       size_t elemSize,
                                       llvm::StringRef displayName,
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

// Booleans are stored one byte each and must be 0 or 1.
llvm::Error tensorfile::checkBoolBytes(const Tensor &t,
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
  return writeFile(path, [&](llvm::raw_ostream &os) { os << bytes; });
}

//===- ir/TensorProtoFile.cpp - ONNX TensorProto (.pb) codec --------------===//
//
// parseTensorProto() and serializeTensorProto() of ir/TensorFile.h: a
// self-contained protobuf wire-format reader for onnx.TensorProto (no
// protobuf dependency in rtc_ir) and a writer that serializes as
// onnx.numpy_helper.from_array does (unpacked dims, data_type, name,
// raw_data). The input is untrusted: every length and count is validated
// before anything is allocated, and every problem is an error located at
// the file. Split from ir/TensorFile.cpp for size.
//
//===----------------------------------------------------------------------===//
#include "ir/TensorFile.h"

#include "ir/TensorFileUtils.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <optional>
#include <vector>

using namespace rtc;
using namespace rtc::tensorfile;

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

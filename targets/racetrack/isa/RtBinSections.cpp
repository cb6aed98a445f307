//===- targets/racetrack/isa/RtBinSections.cpp - .rtbin sections ---------===//
//
// Encoders and decoders of the .rtbin sections (docs/rtbin.md): tensors
// with their quantization parameters, the memory image, the instruction
// stream, the layer table and the constant tables. Every decoder checks
// each length against the bytes left in its section before allocating.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/RtBinImpl.h"

#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <cstring>
#include <optional>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::detail;

//===----------------------------------------------------------------------===//
// DType codes: the ONNX TensorProto.DataType numbers, so the file does not
// depend on the order of the DType enum.
//===----------------------------------------------------------------------===//

static constexpr std::pair<DType, uint32_t> dtypeCodes[] = {
    {DType::F32, 1},  {DType::U8, 2},   {DType::I8, 3},   {DType::U16, 4},
    {DType::I16, 5},  {DType::I32, 6},  {DType::I64, 7},  {DType::Bool, 9},
    {DType::F16, 10}, {DType::F64, 11}, {DType::U32, 12}, {DType::U64, 13},
};

static uint32_t getDTypeCode(DType t) {
  for (auto [dtype, code] : dtypeCodes)
    if (dtype == t)
      return code;
  llvm_unreachable("every DType has a code");
}

static std::optional<DType> getDTypeFromCode(uint32_t code) {
  for (auto [dtype, c] : dtypeCodes)
    if (c == code)
      return dtype;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Encoders
//===----------------------------------------------------------------------===//

std::string detail::encodeTensors(llvm::ArrayRef<TensorEntry> tensors) {
  std::string s;
  ByteWriter w(s);
  w.u32(uint32_t(tensors.size()));
  for (const TensorEntry &t : tensors) {
    w.string(t.name);
    w.u32(uint32_t(t.role));
    w.u32(getDTypeCode(t.type.elemType));
    w.u32(t.hostBuffer);
    w.u32(uint32_t(t.type.shape.size()));
    for (int64_t d : t.type.shape)
      w.i64(d);
    w.u32(t.type.quant ? 1 : 0);
    if (!t.type.quant)
      continue;
    const QuantParams &q = *t.type.quant;
    w.i64(q.axis);
    w.i64(q.bits);
    w.u32(uint32_t(q.scales.size()));
    w.u32(uint32_t(q.zeroPoints.size()));
    for (float f : q.scales)
      w.f32(f);
    for (int64_t z : q.zeroPoints)
      w.i64(z);
  }
  return s;
}

std::string detail::encodeMemory(llvm::ArrayRef<MemoryChunk> chunks) {
  std::string s;
  ByteWriter w(s);
  w.u32(uint32_t(chunks.size()));
  for (const MemoryChunk &c : chunks) {
    w.u32(c.firstMu);
    w.u32(c.muCount);
    w.u32(c.firstRow);
    w.u32(c.rowCount);
    w.u32(c.rowBytes);
    w.bytes(c.data.data(), c.data.size());
  }
  return s;
}

std::string detail::encodeInstructions(const RtBinFile &file) {
  std::string s;
  ByteWriter w(s);
  w.u32(file.insnBytes);
  w.u32(file.isaVersion);
  w.u64(file.insnBytes ? file.instructions.size() / file.insnBytes : 0);
  w.bytes(file.instructions.data(), file.instructions.size());
  return s;
}

std::string detail::encodeLayers(llvm::ArrayRef<LayerEntry> layers) {
  std::string s;
  ByteWriter w(s);
  w.u32(uint32_t(layers.size()));
  for (const LayerEntry &l : layers) {
    w.u32(l.firstInsn);
    w.u32(l.endInsn);
    w.string(l.name);
    w.string(l.op);
  }
  return s;
}

/// Add-entry flag bits of the Tables section.
static constexpr uint32_t addSignedA = 1, addSignedB = 2, addSignedOut = 4;

std::string detail::encodeTables(const RtBinFile &file) {
  std::string s;
  ByteWriter w(s);
  auto i32 = [&](int32_t v) { w.u32(uint32_t(v)); };
  w.u32(uint32_t(file.biasTable.size()));
  for (const std::vector<int32_t> &b : file.biasTable) {
    w.u32(uint32_t(b.size()));
    for (int32_t v : b)
      i32(v);
  }
  w.u32(uint32_t(file.requantTable.size()));
  for (const RequantEntry &q : file.requantTable) {
    w.u32(uint32_t(q.multipliers.size()));
    w.u32(uint32_t(q.shifts.size()));
    for (int32_t v : q.multipliers)
      i32(v);
    for (int32_t v : q.shifts)
      i32(v);
    i32(q.outZeroPoint);
    w.i64(q.clampMin);
    w.i64(q.clampMax);
  }
  w.u32(uint32_t(file.addTable.size()));
  for (const AddEntry &a : file.addTable) {
    for (int32_t v : {a.zeroPointA, a.zeroPointB, a.multiplierA, a.multiplierB,
                      a.shift, a.outZeroPoint})
      i32(v);
    w.i64(a.clampMin);
    w.i64(a.clampMax);
    w.u32((a.signedA ? addSignedA : 0) | (a.signedB ? addSignedB : 0) |
          (a.signedOut ? addSignedOut : 0));
  }
  return s;
}

//===----------------------------------------------------------------------===//
// Decoders
//===----------------------------------------------------------------------===//

namespace {
/// Reads little-endian fields from one section, checking every length
/// against the bytes left; errors name the section and the field.
class SectionReader {
public:
  SectionReader(llvm::StringRef bytes, RtBinSectionKind kind,
                llvm::StringRef fileName)
      : bytes(bytes), kind(kind), fileName(fileName) {}

  uint64_t remaining() const { return bytes.size() - pos; }

  llvm::Error error(const std::string &what) const {
    return fail(fileName,
                fmt::format("{} section: {}", getSectionName(kind), what));
  }
  /// Fails unless \p n more bytes are available for \p what.
  llvm::Error need(uint64_t n, llvm::StringRef what) const {
    if (n <= remaining())
      return llvm::Error::success();
    return error(fmt::format("{} needs {} bytes at offset {} but the "
                             "section has only {} left",
                             what, n, pos, remaining()));
  }
  llvm::Error u32(uint32_t &v, llvm::StringRef what) {
    if (auto err = need(4, what))
      return err;
    v = loadU32(bytes.data() + pos);
    pos += 4;
    return llvm::Error::success();
  }
  llvm::Error u64(uint64_t &v, llvm::StringRef what) {
    if (auto err = need(8, what))
      return err;
    v = loadU64(bytes.data() + pos);
    pos += 8;
    return llvm::Error::success();
  }
  llvm::Error i64(int64_t &v, llvm::StringRef what) {
    uint64_t u;
    if (auto err = u64(u, what))
      return err;
    v = int64_t(u);
    return llvm::Error::success();
  }
  /// Takes \p n raw bytes (already checked with need()).
  llvm::StringRef take(uint64_t n) {
    llvm::StringRef r = bytes.substr(pos, n);
    pos += n;
    return r;
  }
  llvm::Error string(std::string &s, llvm::StringRef what) {
    uint32_t len;
    if (auto err = u32(len, what))
      return err;
    if (auto err = need(len, what))
      return err;
    s = take(len).str();
    return llvm::Error::success();
  }
  /// Checks that \p count entries of at least \p minSize bytes can fit, so
  /// that reserving \p count is bounded by the file size.
  llvm::Error checkCount(uint64_t count, uint64_t minSize,
                         llvm::StringRef what) {
    if (count <= remaining() / minSize)
      return llvm::Error::success();
    return error(fmt::format("{} count {} cannot fit in the {} bytes left",
                             what, count, remaining()));
  }
  llvm::Error finish() const {
    if (remaining() == 0)
      return llvm::Error::success();
    return error(fmt::format("{} unexpected trailing bytes", remaining()));
  }

private:
  llvm::StringRef bytes;
  uint64_t pos = 0;
  RtBinSectionKind kind;
  llvm::StringRef fileName;
};
} // namespace

static llvm::Error decodeQuant(SectionReader &r, TensorType &type,
                               const std::string &who) {
  QuantParams q;
  uint32_t numScales, numZeroPoints;
  if (auto err = r.i64(q.axis, who + " quantization axis"))
    return err;
  if (auto err = r.i64(q.bits, who + " quantization bits"))
    return err;
  if (auto err = r.u32(numScales, who + " scale count"))
    return err;
  if (auto err = r.u32(numZeroPoints, who + " zero-point count"))
    return err;
  if (auto err = r.need(uint64_t(numScales) * 4 + uint64_t(numZeroPoints) * 8,
                        who + " quantization parameters"))
    return err;
  for (uint32_t i = 0; i < numScales; ++i) {
    uint32_t bits = loadU32(r.take(4).data());
    float f;
    std::memcpy(&f, &bits, 4);
    q.scales.push_back(f);
  }
  for (uint32_t i = 0; i < numZeroPoints; ++i)
    q.zeroPoints.push_back(int64_t(loadU64(r.take(8).data())));
  type.quant = std::move(q);
  return llvm::Error::success();
}

llvm::Error detail::decodeTensors(llvm::StringRef section,
                                  llvm::StringRef fileName,
                                  std::vector<TensorEntry> &out) {
  SectionReader r(section, RtBinSectionKind::Tensors, fileName);
  uint32_t count;
  if (auto err = r.u32(count, "tensor count"))
    return err;
  // Smallest entry: empty name + role, dtype, buffer, rank, hasQuant.
  if (auto err = r.checkCount(count, 24, "tensor"))
    return err;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string who = fmt::format("tensor #{}", i);
    TensorEntry t;
    uint32_t role, dtype, rank, hasQuant;
    if (auto err = r.string(t.name, who + " name"))
      return err;
    who += fmt::format(" ('{}')", t.name);
    if (auto err = r.u32(role, who + " role"))
      return err;
    if (auto err = r.u32(dtype, who + " dtype"))
      return err;
    if (auto err = r.u32(t.hostBuffer, who + " host buffer"))
      return err;
    if (auto err = r.u32(rank, who + " rank"))
      return err;
    if (role > 1)
      return r.error(
          fmt::format("{} has role {} (0 = input, 1 = output)", who, role));
    t.role = TensorRole(role);
    std::optional<DType> elemType = getDTypeFromCode(dtype);
    if (!elemType)
      return r.error(fmt::format("{} has unknown dtype code {}", who, dtype));
    t.type.elemType = *elemType;
    if (rank > rtBinMaxRank)
      return r.error(
          fmt::format("{} has rank {}, more than {}", who, rank, rtBinMaxRank));
    if (auto err = r.need(uint64_t(rank) * 8, who + " shape"))
      return err;
    for (uint32_t d = 0; d < rank; ++d)
      t.type.shape.push_back(int64_t(loadU64(r.take(8).data())));
    if (auto err = r.u32(hasQuant, who + " quantization flag"))
      return err;
    if (hasQuant > 1)
      return r.error(
          fmt::format("{} has quantization flag {} (0 or 1)", who, hasQuant));
    if (hasQuant)
      if (auto err = decodeQuant(r, t.type, who))
        return err;
    out.push_back(std::move(t));
  }
  return r.finish();
}

llvm::Error detail::decodeMemory(llvm::StringRef section,
                                 llvm::StringRef fileName,
                                 std::vector<MemoryChunk> &out) {
  SectionReader r(section, RtBinSectionKind::MemoryImage, fileName);
  uint32_t count;
  if (auto err = r.u32(count, "chunk count"))
    return err;
  if (auto err = r.checkCount(count, 20, "memory chunk"))
    return err;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string who = fmt::format("memory chunk #{}", i);
    if (auto err = r.need(20, who + " header"))
      return err;
    MemoryChunk c;
    const char *p = r.take(20).data();
    c.firstMu = loadU32(p);
    c.muCount = loadU32(p + 4);
    c.firstRow = loadU32(p + 8);
    c.rowCount = loadU32(p + 12);
    c.rowBytes = loadU32(p + 16);
    // Three 32-bit factors can overflow 64 bits; compare without overflow.
    uint64_t rows = uint64_t(c.muCount) * c.rowCount;
    if (c.rowBytes && rows > r.remaining() / c.rowBytes)
      return r.error(fmt::format("{}: {} MUs x {} rows x {} bytes do not fit "
                                 "in the {} bytes left",
                                 who, c.muCount, c.rowCount, c.rowBytes,
                                 r.remaining()));
    llvm::StringRef data = r.take(rows * c.rowBytes);
    c.data.assign(data.bytes_begin(), data.bytes_end());
    out.push_back(std::move(c));
  }
  return r.finish();
}

llvm::Error detail::decodeInstructions(llvm::StringRef section,
                                       llvm::StringRef fileName,
                                       RtBinFile &file) {
  SectionReader r(section, RtBinSectionKind::Instructions, fileName);
  uint64_t count;
  if (auto err = r.u32(file.insnBytes, "instruction width"))
    return err;
  if (auto err = r.u32(file.isaVersion, "ISA version"))
    return err;
  if (auto err = r.u64(count, "instruction count"))
    return err;
  if (file.insnBytes == 0 || file.insnBytes > rtBinMaxInsnBytes)
    return r.error(fmt::format("instruction width {} is outside [1, {}]",
                               file.insnBytes, rtBinMaxInsnBytes));
  if (count != r.remaining() / file.insnBytes || r.remaining() % file.insnBytes)
    return r.error(fmt::format("{} instructions of {} bytes do not match the "
                               "{} bytes of the stream",
                               count, file.insnBytes, r.remaining()));
  llvm::StringRef data = r.take(r.remaining());
  file.instructions.assign(data.bytes_begin(), data.bytes_end());
  return r.finish();
}

llvm::Error detail::decodeLayers(llvm::StringRef section,
                                 llvm::StringRef fileName,
                                 std::vector<LayerEntry> &out) {
  SectionReader r(section, RtBinSectionKind::Layers, fileName);
  uint32_t count;
  if (auto err = r.u32(count, "layer count"))
    return err;
  if (auto err = r.checkCount(count, 16, "layer"))
    return err;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string who = fmt::format("layer #{}", i);
    LayerEntry l;
    if (auto err = r.u32(l.firstInsn, who + " first instruction"))
      return err;
    if (auto err = r.u32(l.endInsn, who + " end instruction"))
      return err;
    if (auto err = r.string(l.name, who + " name"))
      return err;
    if (auto err = r.string(l.op, who + " op"))
      return err;
    out.push_back(std::move(l));
  }
  return r.finish();
}

/// Reads \p count int32 values (the size was checked by the caller).
static void takeI32s(SectionReader &r, uint32_t count,
                     std::vector<int32_t> &out) {
  llvm::StringRef data = r.take(uint64_t(count) * 4);
  out.resize(count);
  for (uint32_t i = 0; i < count; ++i)
    out[i] = int32_t(loadU32(data.data() + 4 * uint64_t(i)));
}

llvm::Error detail::decodeTables(llvm::StringRef section,
                                 llvm::StringRef fileName, RtBinFile &file) {
  SectionReader r(section, RtBinSectionKind::Tables, fileName);
  uint32_t count;
  if (auto err = r.u32(count, "bias vector count"))
    return err;
  if (auto err = r.checkCount(count, 4, "bias vector"))
    return err;
  file.biasTable.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string who = fmt::format("bias vector #{}", i);
    uint32_t n;
    if (auto err = r.u32(n, who + " length"))
      return err;
    if (auto err = r.need(uint64_t(n) * 4, who + " values"))
      return err;
    takeI32s(r, n, file.biasTable[i]);
  }
  if (auto err = r.u32(count, "requant entry count"))
    return err;
  if (auto err = r.checkCount(count, 28, "requant entry"))
    return err;
  file.requantTable.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string who = fmt::format("requant entry #{}", i);
    RequantEntry &q = file.requantTable[i];
    uint32_t numMult, numShifts, zp;
    if (auto err = r.u32(numMult, who + " multiplier count"))
      return err;
    if (auto err = r.u32(numShifts, who + " shift count"))
      return err;
    if (auto err = r.need(uint64_t(numMult) * 4 + uint64_t(numShifts) * 4 + 20,
                          who + " values"))
      return err;
    takeI32s(r, numMult, q.multipliers);
    takeI32s(r, numShifts, q.shifts);
    if (auto err = r.u32(zp, who + " zero point"))
      return err;
    q.outZeroPoint = int32_t(zp);
    if (auto err = r.i64(q.clampMin, who + " clamp minimum"))
      return err;
    if (auto err = r.i64(q.clampMax, who + " clamp maximum"))
      return err;
  }
  if (auto err = r.u32(count, "add entry count"))
    return err;
  if (auto err = r.checkCount(count, 44, "add entry"))
    return err;
  file.addTable.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string who = fmt::format("add entry #{}", i);
    AddEntry &a = file.addTable[i];
    uint32_t v[6], flags;
    for (uint32_t &x : v)
      if (auto err = r.u32(x, who + " parameters"))
        return err;
    a.zeroPointA = int32_t(v[0]);
    a.zeroPointB = int32_t(v[1]);
    a.multiplierA = int32_t(v[2]);
    a.multiplierB = int32_t(v[3]);
    a.shift = int32_t(v[4]);
    a.outZeroPoint = int32_t(v[5]);
    if (auto err = r.i64(a.clampMin, who + " clamp minimum"))
      return err;
    if (auto err = r.i64(a.clampMax, who + " clamp maximum"))
      return err;
    if (auto err = r.u32(flags, who + " flags"))
      return err;
    if (flags & ~(addSignedA | addSignedB | addSignedOut))
      return r.error(fmt::format("{} has unknown flag bits {:#x}", who, flags));
    a.signedA = flags & addSignedA;
    a.signedB = flags & addSignedB;
    a.signedOut = flags & addSignedOut;
  }
  return r.finish();
}

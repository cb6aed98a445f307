//===- targets/racetrack/isa/RtBin.cpp - The .rtbin container -------------===//
//
// Writer and reader of the .rtbin container (docs/rtbin.md). The reader
// checks, in order: magic, version, header fields, total size, checksum,
// section table, then decodes each section with every length checked
// against the bytes left in that section before anything is allocated,
// and finally applies the content rules of checkRtBin.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/RtBin.h"

#include "ir/Diagnostics.h"
#include "ir/QuantMath.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

using namespace rtc;
using namespace rtc::racetrack;

static constexpr char magic[8] = {'R', 'T', 'B', 'I', 'N', '\0', '\r', '\n'};
static constexpr unsigned numSectionKinds = 6;
/// Byte offsets of the header fields.
static constexpr size_t versionOffset = 8;
static constexpr size_t flagsOffset = 12;
static constexpr size_t fileSizeOffset = 16;
static constexpr size_t configHashOffset = 24;
static constexpr size_t checksumOffset = 56;
static constexpr size_t sectionCountOffset = 88;
static constexpr size_t headerReservedOffset = 92;
/// Largest byte size of one tensor's data that is accepted.
static constexpr uint64_t maxTensorBytes = uint64_t(1) << 62;

static llvm::Error fail(llvm::StringRef fileName, std::string msg) {
  return makeError(Location::inFile(fileName), std::move(msg));
}

static llvm::StringRef getSectionName(RtBinSectionKind kind) {
  switch (kind) {
  case RtBinSectionKind::ConfigJson:
    return "ConfigJson";
  case RtBinSectionKind::Tensors:
    return "Tensors";
  case RtBinSectionKind::MemoryImage:
    return "MemoryImage";
  case RtBinSectionKind::Instructions:
    return "Instructions";
  case RtBinSectionKind::Layers:
    return "Layers";
  case RtBinSectionKind::Tables:
    return "Tables";
  }
  return "?";
}

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
// Content rules
//===----------------------------------------------------------------------===//

static std::string describeChunk(const MemoryChunk &c, size_t index) {
  return fmt::format("memory chunk #{} (MUs [{}, {}), rows [{}, {}))", index,
                     c.firstMu, uint64_t(c.firstMu) + c.muCount, c.firstRow,
                     uint64_t(c.firstRow) + c.rowCount);
}

static llvm::Error checkTensor(const TensorEntry &t, size_t index,
                               llvm::StringRef fileName) {
  std::string who = fmt::format("tensor #{} ('{}')", index, t.name);
  if (t.name.empty())
    return fail(fileName, fmt::format("tensor #{} has an empty name", index));
  if (t.type.shape.size() > rtBinMaxRank)
    return fail(fileName, fmt::format("{} has rank {}, more than {}", who,
                                      t.type.shape.size(), rtBinMaxRank));
  uint64_t bytes = getDTypeSize(t.type.elemType);
  for (int64_t d : t.type.shape) {
    if (d < 0)
      return fail(fileName,
                  fmt::format("{} has a negative dimension {}", who, d));
    if (d != 0 && bytes > maxTensorBytes / uint64_t(d))
      return fail(fileName, fmt::format("{} shape {} is too large", who,
                                        formatShape(t.type.shape)));
    bytes *= uint64_t(d);
  }
  if (t.type.quant)
    if (auto err =
            checkQuantParams(*t.type.quant, t.type.elemType, t.type.shape))
      return fail(fileName, fmt::format("{} of type {}: {}", who, t.type.str(),
                                        llvm::toString(std::move(err))));
  return llvm::Error::success();
}

/// Rejects overlapping chunk rectangles with a sweep over the MU axis: the
/// row intervals of the chunks covering the current MU are kept in a map
/// (disjoint, so only the neighbours of a new interval can overlap it).
/// O(n log n), so a hostile file cannot make validation quadratic.
static llvm::Error checkChunkOverlap(llvm::ArrayRef<MemoryChunk> chunks,
                                     llvm::StringRef fileName) {
  struct Event {
    uint64_t mu;
    bool isStart; // ends sort before starts at the same MU (half-open)
    size_t chunk;
    bool operator<(const Event &o) const {
      return std::tie(mu, isStart, chunk) < std::tie(o.mu, o.isStart, o.chunk);
    }
  };
  std::vector<Event> events;
  events.reserve(chunks.size() * 2);
  for (size_t i = 0; i < chunks.size(); ++i) {
    events.push_back({chunks[i].firstMu, true, i});
    events.push_back(
        {uint64_t(chunks[i].firstMu) + chunks[i].muCount, false, i});
  }
  std::sort(events.begin(), events.end());
  std::map<uint64_t, size_t> active; // firstRow -> chunk index
  auto endRow = [&](size_t i) {
    return uint64_t(chunks[i].firstRow) + chunks[i].rowCount;
  };
  auto overlap = [&](size_t a, size_t b) {
    size_t lo = std::min(a, b), hi = std::max(a, b);
    return fail(fileName,
                fmt::format("{} overlaps {}", describeChunk(chunks[hi], hi),
                            describeChunk(chunks[lo], lo)));
  };
  for (const Event &e : events) {
    uint64_t first = chunks[e.chunk].firstRow;
    if (!e.isStart) {
      active.erase(first);
      continue;
    }
    auto next = active.lower_bound(first);
    if (next != active.end() && next->first < endRow(e.chunk))
      return overlap(e.chunk, next->second);
    if (next != active.begin() && endRow(std::prev(next)->second) > first)
      return overlap(e.chunk, std::prev(next)->second);
    active.emplace(first, e.chunk);
  }
  return llvm::Error::success();
}

static llvm::Error checkMemory(llvm::ArrayRef<MemoryChunk> chunks,
                               llvm::StringRef fileName) {
  for (size_t i = 0; i < chunks.size(); ++i) {
    const MemoryChunk &c = chunks[i];
    if (!c.muCount || !c.rowCount || !c.rowBytes)
      return fail(fileName,
                  fmt::format("memory chunk #{} is empty (muCount {}, "
                              "rowCount {}, rowBytes {}); all must be >= 1",
                              i, c.muCount, c.rowCount, c.rowBytes));
    if (uint64_t(c.firstMu) + c.muCount > UINT32_MAX ||
        uint64_t(c.firstRow) + c.rowCount > UINT32_MAX)
      return fail(fileName, fmt::format("{} exceeds the 32-bit MU or row "
                                        "index range",
                                        describeChunk(c, i)));
    // Each factor is < 2^32, so the first product fits; check the second.
    uint64_t rows = uint64_t(c.muCount) * c.rowCount;
    if (rows > UINT64_MAX / c.rowBytes || rows * c.rowBytes != c.data.size())
      return fail(fileName,
                  fmt::format("{} has {} data bytes, but {} MUs x {} rows x "
                              "{} bytes per row need {}",
                              describeChunk(c, i), c.data.size(), c.muCount,
                              c.rowCount, c.rowBytes,
                              rows > UINT64_MAX / c.rowBytes
                                  ? std::string("more than 2^64")
                                  : std::to_string(rows * c.rowBytes)));
    if (i > 0 && std::pair(chunks[i - 1].firstMu, chunks[i - 1].firstRow) >=
                     std::pair(c.firstMu, c.firstRow))
      return fail(fileName,
                  fmt::format("{} is out of order: chunks must be sorted by "
                              "(firstMu, firstRow) without repeats",
                              describeChunk(c, i)));
  }
  return checkChunkOverlap(chunks, fileName);
}

llvm::Error rtc::racetrack::checkRtBin(const RtBinFile &file,
                                       llvm::StringRef fileName) {
  if (file.insnBytes == 0 || file.insnBytes > rtBinMaxInsnBytes)
    return fail(fileName, fmt::format("instruction width {} bytes is outside "
                                      "[1, {}]",
                                      file.insnBytes, rtBinMaxInsnBytes));
  if (file.instructions.size() % file.insnBytes)
    return fail(fileName,
                fmt::format("instruction stream of {} bytes is not a "
                            "multiple of the instruction width {}",
                            file.instructions.size(), file.insnBytes));

  std::set<std::pair<TensorRole, llvm::StringRef>> names;
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    const TensorEntry &t = file.tensors[i];
    if (auto err = checkTensor(t, i, fileName))
      return err;
    if (!names.insert({t.role, t.name}).second)
      return fail(fileName,
                  fmt::format("tensor #{}: duplicate {} name '{}'", i,
                              t.role == TensorRole::Input ? "input" : "output",
                              t.name));
  }

  if (auto err = checkMemory(file.memory, fileName))
    return err;

  uint64_t numInsns = file.getNumInstructions();
  uint64_t prevEnd = 0;
  for (size_t i = 0; i < file.layers.size(); ++i) {
    const LayerEntry &l = file.layers[i];
    std::string who = fmt::format("layer #{} ('{}', {}) [{}, {})", i, l.name,
                                  l.op, l.firstInsn, l.endInsn);
    if (l.firstInsn > l.endInsn)
      return fail(fileName, who + " ends before it starts");
    if (l.endInsn > numInsns)
      return fail(fileName, fmt::format("{} runs past the {} instructions", who,
                                        numInsns));
    if (l.firstInsn < prevEnd)
      return fail(fileName,
                  fmt::format("{} overlaps or precedes the previous layer "
                              "(which ends at {}); layers must be sorted and "
                              "disjoint",
                              who, prevEnd));
    prevEnd = l.endInsn;
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

namespace {
/// Appends little-endian fields to a byte string.
class ByteWriter {
public:
  explicit ByteWriter(std::string &out) : out(out) {}
  void u32(uint32_t v) { appendLE(v); }
  void u64(uint64_t v) { appendLE(v); }
  void i64(int64_t v) { appendLE(uint64_t(v)); }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    appendLE(bits);
  }
  void bytes(const void *data, size_t n) {
    out.append(static_cast<const char *>(data), n);
  }
  void string(llvm::StringRef s) {
    assert(s.size() <= UINT32_MAX && "string too long for .rtbin");
    u32(uint32_t(s.size()));
    out.append(s.data(), s.size());
  }

private:
  template <typename T> void appendLE(T v) {
    for (size_t i = 0; i < sizeof(T); ++i)
      out.push_back(char(uint8_t(v >> (8 * i))));
  }
  std::string &out;
};
} // namespace

static std::string encodeTensors(llvm::ArrayRef<TensorEntry> tensors) {
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

static std::string encodeMemory(llvm::ArrayRef<MemoryChunk> chunks) {
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

static std::string encodeInstructions(const RtBinFile &file) {
  std::string s;
  ByteWriter w(s);
  w.u32(file.insnBytes);
  w.u32(file.isaVersion);
  w.u64(file.insnBytes ? file.instructions.size() / file.insnBytes : 0);
  w.bytes(file.instructions.data(), file.instructions.size());
  return s;
}

static std::string encodeLayers(llvm::ArrayRef<LayerEntry> layers) {
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

static std::string encodeTables(const RtBinFile &file) {
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

/// The checksum: SHA-256 over the whole file with the 32 checksum bytes
/// read as zeros, so the header (config hash included) is covered too.
static Sha256Digest computeChecksum(llvm::StringRef file) {
  assert(file.size() >= rtBinHeaderSize);
  static constexpr char zeros[32] = {};
  llvm::SHA256 sha;
  sha.update(file.take_front(checksumOffset));
  sha.update(llvm::StringRef(zeros, sizeof(zeros)));
  sha.update(file.drop_front(checksumOffset + 32));
  return sha.final();
}

static uint64_t alignTo8(uint64_t v) { return (v + 7) & ~uint64_t(7); }

std::string rtc::racetrack::serializeRtBin(const RtBinFile &file) {
  // Sections in kind order, each 8-byte aligned, zero padding in between.
  std::string sections[numSectionKinds] = {
      file.configJson,           encodeTensors(file.tensors),
      encodeMemory(file.memory), encodeInstructions(file),
      encodeLayers(file.layers), encodeTables(file)};
  uint64_t offsets[numSectionKinds];
  uint64_t pos = rtBinHeaderSize + numSectionKinds * rtBinSectionEntrySize;
  for (unsigned i = 0; i < numSectionKinds; ++i) {
    pos = alignTo8(pos);
    offsets[i] = pos;
    pos += sections[i].size();
  }
  uint64_t fileSize = pos;

  std::string body;
  ByteWriter w(body);
  for (unsigned i = 0; i < numSectionKinds; ++i) {
    w.u32(i + 1);
    w.u32(0);
    w.u64(offsets[i]);
    w.u64(sections[i].size());
  }
  for (unsigned i = 0; i < numSectionKinds; ++i) {
    body.resize(offsets[i] - rtBinHeaderSize, '\0');
    body += sections[i];
  }
  assert(body.size() + rtBinHeaderSize == fileSize);

  std::string out;
  out.reserve(fileSize);
  ByteWriter h(out);
  h.bytes(magic, sizeof(magic));
  h.u32(rtBinFormatVersion);
  h.u32(0); // flags
  h.u64(fileSize);
  h.bytes(file.configHash.data(), file.configHash.size());
  out.append(32, '\0'); // checksum, filled in below
  h.u32(numSectionKinds);
  h.u32(0); // reserved
  assert(out.size() == rtBinHeaderSize);
  out += body;
  Sha256Digest checksum = computeChecksum(out);
  std::memcpy(out.data() + checksumOffset, checksum.data(), checksum.size());
  return out;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

static uint32_t loadU32(const char *p) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; ++i)
    v |= uint32_t(uint8_t(p[i])) << (8 * i);
  return v;
}

static uint64_t loadU64(const char *p) {
  return uint64_t(loadU32(p)) | (uint64_t(loadU32(p + 4)) << 32);
}

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

static llvm::Error decodeTensors(SectionReader &r,
                                 std::vector<TensorEntry> &out) {
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

static llvm::Error decodeMemory(SectionReader &r,
                                std::vector<MemoryChunk> &out) {
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

static llvm::Error decodeInstructions(SectionReader &r, RtBinFile &file) {
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

static llvm::Error decodeLayers(SectionReader &r,
                                std::vector<LayerEntry> &out) {
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

static llvm::Error decodeTables(SectionReader &r, RtBinFile &file) {
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

namespace {
struct SectionEntry {
  RtBinSectionKind kind;
  uint64_t offset;
  uint64_t size;
};
} // namespace

/// Reads and validates the section table of a file whose header has been
/// checked; fills \p table indexed by kind - 1.
static llvm::Error readSectionTable(llvm::StringRef bytes,
                                    llvm::StringRef fileName,
                                    SectionEntry (&table)[numSectionKinds]) {
  uint64_t fileSize = bytes.size();
  uint32_t count = loadU32(bytes.data() + sectionCountOffset);
  if (loadU32(bytes.data() + headerReservedOffset))
    return fail(fileName, "header reserved field is not zero");
  if (count > (fileSize - rtBinHeaderSize) / rtBinSectionEntrySize)
    return fail(fileName, fmt::format("section table of {} entries runs past "
                                      "the end of the file",
                                      count));
  uint64_t tableEnd = rtBinHeaderSize + count * rtBinSectionEntrySize;
  bool seen[numSectionKinds] = {};
  std::vector<SectionEntry> byOffset;
  for (uint32_t i = 0; i < count; ++i) {
    const char *p = bytes.data() + rtBinHeaderSize + i * rtBinSectionEntrySize;
    uint32_t kind = loadU32(p);
    uint64_t offset = loadU64(p + 8), size = loadU64(p + 16);
    if (kind == 0 || kind > numSectionKinds)
      return fail(fileName, fmt::format("section #{} has unknown kind {} "
                                        "(version 1 knows kinds 1-{})",
                                        i, kind, numSectionKinds));
    SectionEntry e{RtBinSectionKind(kind), offset, size};
    std::string who =
        fmt::format("section #{} ({})", i, getSectionName(e.kind));
    if (seen[kind - 1])
      return fail(fileName, who + " appears twice");
    seen[kind - 1] = true;
    if (loadU32(p + 4))
      return fail(fileName, who + ": reserved field is not zero");
    if (offset % 8)
      return fail(fileName, fmt::format("{} offset {} is not 8-byte aligned",
                                        who, offset));
    if (offset < tableEnd || offset > fileSize || size > fileSize - offset)
      return fail(fileName,
                  fmt::format("{} [{}, +{}) is outside the data area [{}, {})",
                              who, offset, size, tableEnd, fileSize));
    table[kind - 1] = e;
    byOffset.push_back(e);
  }
  for (unsigned k = 0; k < numSectionKinds; ++k)
    if (!seen[k])
      return fail(fileName,
                  fmt::format("the {} section is missing",
                              getSectionName(RtBinSectionKind(k + 1))));
  std::sort(byOffset.begin(), byOffset.end(),
            [](const SectionEntry &a, const SectionEntry &b) {
              return a.offset < b.offset;
            });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i - 1].offset + byOffset[i - 1].size > byOffset[i].offset)
      return fail(fileName, fmt::format("the {} and {} sections overlap",
                                        getSectionName(byOffset[i - 1].kind),
                                        getSectionName(byOffset[i].kind)));
  return llvm::Error::success();
}

/// Checks magic, version, flags, total size and checksum.
static llvm::Error checkHeader(llvm::StringRef bytes,
                               llvm::StringRef fileName) {
  size_t n = std::min(bytes.size(), sizeof(magic));
  if (std::memcmp(bytes.data(), magic, n) != 0) {
    if (n >= 6 && std::memcmp(bytes.data(), magic, 6) == 0)
      return fail(fileName, "not an .rtbin file: the magic's line-ending "
                            "bytes are damaged (was it transferred in text "
                            "mode?)");
    return fail(fileName, "not an .rtbin file (bad magic)");
  }
  if (bytes.size() < flagsOffset)
    return fail(fileName, fmt::format("truncated: file has {} bytes, the "
                                      "header alone needs {}",
                                      bytes.size(), rtBinHeaderSize));
  uint32_t version = loadU32(bytes.data() + versionOffset);
  if (version != rtBinFormatVersion)
    return fail(fileName, fmt::format("format version {} is not supported "
                                      "(this rtrun reads version {})",
                                      version, rtBinFormatVersion));
  if (bytes.size() < rtBinHeaderSize)
    return fail(fileName, fmt::format("truncated: file has {} bytes, the "
                                      "header alone needs {}",
                                      bytes.size(), rtBinHeaderSize));
  if (uint32_t flags = loadU32(bytes.data() + flagsOffset))
    return fail(fileName, fmt::format("unknown flags {:#x} (version 1 defines "
                                      "none)",
                                      flags));
  uint64_t declared = loadU64(bytes.data() + fileSizeOffset);
  if (declared > bytes.size())
    return fail(fileName, fmt::format("truncated: header says {} bytes, file "
                                      "has {}",
                                      declared, bytes.size()));
  if (declared < bytes.size())
    return fail(fileName, fmt::format("header says {} bytes, but the file has "
                                      "{} (trailing data)",
                                      declared, bytes.size()));
  Sha256Digest actual = computeChecksum(bytes);
  if (std::memcmp(actual.data(), bytes.data() + checksumOffset, 32) != 0)
    return fail(fileName, "checksum mismatch: the file is corrupted");
  return llvm::Error::success();
}

llvm::Expected<RtBinFile> rtc::racetrack::parseRtBin(llvm::StringRef bytes,
                                                     llvm::StringRef fileName) {
  if (auto err = checkHeader(bytes, fileName))
    return err;
  SectionEntry table[numSectionKinds];
  if (auto err = readSectionTable(bytes, fileName, table))
    return err;

  RtBinFile file;
  std::memcpy(file.configHash.data(), bytes.data() + configHashOffset, 32);
  auto reader = [&](RtBinSectionKind kind) {
    const SectionEntry &e = table[unsigned(kind) - 1];
    return SectionReader(bytes.substr(e.offset, e.size), kind, fileName);
  };
  const SectionEntry &json = table[0];
  file.configJson = bytes.substr(json.offset, json.size).str();
  SectionReader tensors = reader(RtBinSectionKind::Tensors);
  if (auto err = decodeTensors(tensors, file.tensors))
    return err;
  SectionReader memory = reader(RtBinSectionKind::MemoryImage);
  if (auto err = decodeMemory(memory, file.memory))
    return err;
  SectionReader insns = reader(RtBinSectionKind::Instructions);
  if (auto err = decodeInstructions(insns, file))
    return err;
  SectionReader layers = reader(RtBinSectionKind::Layers);
  if (auto err = decodeLayers(layers, file.layers))
    return err;
  SectionReader tables = reader(RtBinSectionKind::Tables);
  if (auto err = decodeTables(tables, file))
    return err;
  if (auto err = checkRtBin(file, fileName))
    return err;
  return file;
}

//===----------------------------------------------------------------------===//
// Files and config hashes
//===----------------------------------------------------------------------===//

llvm::Expected<RtBinFile> rtc::racetrack::readRtBinFile(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return fail(path, "cannot open: " + buf.getError().message());
  return parseRtBin((*buf)->getBuffer(), path);
}

llvm::Error rtc::racetrack::writeRtBinFile(llvm::StringRef path,
                                           const RtBinFile &file) {
  if (auto err = checkRtBin(file, path))
    return err;
  std::string bytes = serializeRtBin(file);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot open for writing: " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error()) {
    std::string msg = "cannot write: " + os.error().message();
    os.clear_error();
    return fail(path, msg);
  }
  return llvm::Error::success();
}

std::string rtc::racetrack::formatDigest(const Sha256Digest &digest) {
  std::string s;
  for (uint8_t b : digest)
    s += fmt::format("{:02x}", b);
  return s;
}

llvm::Error rtc::racetrack::checkConfigHash(const RtBinFile &file,
                                            const Sha256Digest &expected,
                                            llvm::StringRef fileName) {
  if (file.configHash == expected)
    return llvm::Error::success();
  // 16 hex digits (64 bits) are enough to tell configs apart in a message.
  return fail(fileName,
              fmt::format("compiled for hardware config {}... but the current "
                          "config is {}...; recompile with the same "
                          "--config/--set, or pass that config to rtrun",
                          formatDigest(file.configHash).substr(0, 16),
                          formatDigest(expected).substr(0, 16)));
}

//===- targets/racetrack/isa/RtBin.cpp - The .rtbin container -------------===//
//
// Writer and reader of the .rtbin container (docs/rtbin.md). The reader
// checks, in order: magic, version, header fields, total size, checksum,
// section table, then decodes each section with every length checked
// against the bytes left in that section before anything is allocated
// (RtBinSections.cpp), and finally applies the content rules of checkRtBin.
//
//===----------------------------------------------------------------------===//

#include "targets/racetrack/isa/RtBin.h"

#include "ir/Diagnostics.h"
#include "ir/FileIO.h"
#include "ir/QuantMath.h"
#include "targets/racetrack/isa/RtBinImpl.h"

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
using namespace rtc::racetrack::detail;

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

llvm::Error detail::fail(llvm::StringRef fileName, std::string msg) {
  return makeError(Location::inFile(fileName), std::move(msg));
}

llvm::StringRef detail::getSectionName(RtBinSectionKind kind) {
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
  auto section = [&](RtBinSectionKind kind) {
    const SectionEntry &e = table[unsigned(kind) - 1];
    return bytes.substr(e.offset, e.size);
  };
  file.configJson = section(RtBinSectionKind::ConfigJson).str();
  if (auto err = decodeTensors(section(RtBinSectionKind::Tensors), fileName,
                               file.tensors))
    return err;
  if (auto err = decodeMemory(section(RtBinSectionKind::MemoryImage), fileName,
                              file.memory))
    return err;
  if (auto err = decodeInstructions(section(RtBinSectionKind::Instructions),
                                    fileName, file))
    return err;
  if (auto err = decodeLayers(section(RtBinSectionKind::Layers), fileName,
                              file.layers))
    return err;
  if (auto err =
          decodeTables(section(RtBinSectionKind::Tables), fileName, file))
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
  return writeFile(path, [&](llvm::raw_ostream &os) { os << bytes; });
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

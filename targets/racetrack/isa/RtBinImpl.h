//===- targets/racetrack/isa/RtBinImpl.h - .rtbin internals -----*- C++ -*-===//
//
// Shared by RtBin.cpp (the container: header, section table, content rules)
// and RtBinSections.cpp (the encoders and decoders of each section); private
// to those two files. The layouts are in docs/rtbin.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/RtBin.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace rtc::racetrack::detail {

/// \returns an error located at \p fileName with message \p msg.
llvm::Error fail(llvm::StringRef fileName, std::string msg);

/// \returns the name of section \p kind as used in messages.
llvm::StringRef getSectionName(RtBinSectionKind kind);

/// \returns the little-endian uint32 at \p p.
inline uint32_t loadU32(const char *p) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; ++i)
    v |= uint32_t(uint8_t(p[i])) << (8 * i);
  return v;
}

/// \returns the little-endian uint64 at \p p.
inline uint64_t loadU64(const char *p) {
  return uint64_t(loadU32(p)) | (uint64_t(loadU32(p + 4)) << 32);
}

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

// Section encoders: each \returns the bytes of one section.

/// The Tensors section.
std::string encodeTensors(llvm::ArrayRef<TensorEntry> tensors);
/// The MemoryImage section.
std::string encodeMemory(llvm::ArrayRef<MemoryChunk> chunks);
/// The Instructions section of \p file.
std::string encodeInstructions(const RtBinFile &file);
/// The Layers section.
std::string encodeLayers(llvm::ArrayRef<LayerEntry> layers);
/// The Tables section (bias, requant and add tables) of \p file.
std::string encodeTables(const RtBinFile &file);

// Section decoders: each reads all of \p section (the bytes of that section
// in file \p fileName), checks every length against the bytes left, and
// fails on trailing bytes. Errors name the file, section and field.

/// Decodes the Tensors section into \p out.
llvm::Error decodeTensors(llvm::StringRef section, llvm::StringRef fileName,
                          std::vector<TensorEntry> &out);
/// Decodes the MemoryImage section into \p out.
llvm::Error decodeMemory(llvm::StringRef section, llvm::StringRef fileName,
                         std::vector<MemoryChunk> &out);
/// Decodes the Instructions section into \p file (width, ISA version and
/// the stream).
llvm::Error decodeInstructions(llvm::StringRef section,
                               llvm::StringRef fileName, RtBinFile &file);
/// Decodes the Layers section into \p out.
llvm::Error decodeLayers(llvm::StringRef section, llvm::StringRef fileName,
                         std::vector<LayerEntry> &out);
/// Decodes the Tables section into the bias, requant and add tables of
/// \p file.
llvm::Error decodeTables(llvm::StringRef section, llvm::StringRef fileName,
                         RtBinFile &file);

} // namespace rtc::racetrack::detail

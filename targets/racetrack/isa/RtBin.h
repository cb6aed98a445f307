//===- targets/racetrack/isa/RtBin.h - The .rtbin container ----*- C++ -*-===//
//
// An .rtbin file is what rtcc writes and rtrun reads: a fixed header (magic,
// format version, total size, SHA-256 of the hardware config, SHA-256
// checksum of the body), a section table, and six sections: the config
// JSON, the input/output tensor table, the initial memory image (weights on
// tracks), the instruction stream, the layer table and the program's
// constant tables. The byte layout and
// every validation rule are specified in docs/rtbin.md.
//
// The container treats instructions as opaque fixed-width records and the
// config hash as opaque bytes; the ISA (Isa.def) and the config library give
// them meaning. Reading never trusts a size before checking it against the
// bytes that are actually there, and every malformed input becomes a located
// error (Location::inFile), never a crash.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Types.h"
#include "targets/racetrack/isa/Program.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rtc::racetrack {

/// The format version this code writes and the only one it reads.
constexpr uint32_t rtBinFormatVersion = 1;
/// Size of the fixed header in bytes.
constexpr uint64_t rtBinHeaderSize = 96;
/// Size of one section-table entry in bytes.
constexpr uint64_t rtBinSectionEntrySize = 24;
/// Largest accepted instruction width in bytes.
constexpr uint32_t rtBinMaxInsnBytes = 256;
/// Largest accepted tensor rank.
constexpr uint32_t rtBinMaxRank = 64;

/// A SHA-256 digest (config hash, checksum).
using Sha256Digest = std::array<uint8_t, 32>;

/// Section kinds; the numeric values are the on-disk codes.
enum class RtBinSectionKind : uint32_t {
  ConfigJson = 1,   ///< The hardware config text (for reports).
  Tensors = 2,      ///< Input/output tensor table.
  MemoryImage = 3,  ///< Initial track contents.
  Instructions = 4, ///< The encoded instruction stream.
  Layers = 5,       ///< Instruction ranges per ONNX node.
  Tables = 6,       ///< Program constant tables (bias, requant, add).
};

/// Whether a tensor is fed by the host or read back by it.
enum class TensorRole : uint32_t { Input = 0, Output = 1 };

/// One model input or output.
struct TensorEntry {
  /// The ONNX value name; non-empty and unique among tensors of its role.
  std::string name;
  TensorRole role = TensorRole::Input;
  /// Element type, static shape and optional quantization parameters (per
  /// tensor or per axis, with bits); quantization requires an integer
  /// element type (checkQuantParams in ir/QuantMath.h).
  TensorType type;
  /// Host I/O buffer the simulator reads the tensor from or writes it to;
  /// its meaning is defined by the ISA, the container stores it verbatim.
  uint32_t hostBuffer = 0;

  bool operator==(const TensorEntry &) const = default;
};

/// A rectangle of initial memory contents: rows [firstRow, firstRow +
/// rowCount) of MUs [firstMu, firstMu + muCount). A row is one logical
/// domain row of an MU, rowBytes wide. data holds muCount * rowCount *
/// rowBytes bytes, row-major over (mu, row): the rows of firstMu first.
struct MemoryChunk {
  uint32_t firstMu = 0;
  uint32_t muCount = 0;
  uint32_t firstRow = 0;
  uint32_t rowCount = 0;
  uint32_t rowBytes = 0;
  std::vector<uint8_t> data;

  bool operator==(const MemoryChunk &) const = default;
};

/// The instructions [firstInsn, endInsn) generated for one ONNX node.
struct LayerEntry {
  uint32_t firstInsn = 0;
  uint32_t endInsn = 0;
  std::string name; ///< ONNX node name (may be empty for unnamed nodes).
  std::string op;   ///< ONNX op type or graph op mnemonic, e.g. "Conv".

  bool operator==(const LayerEntry &) const = default;
};

/// The decoded contents of an .rtbin file.
struct RtBinFile {
  /// SHA-256 of the canonical hardware config the program was compiled for.
  Sha256Digest configHash{};
  /// The config as JSON text, kept for reports; not interpreted here.
  std::string configJson;
  /// Inputs and outputs, in the order the writer gave them.
  std::vector<TensorEntry> tensors;
  /// Sorted by (firstMu, firstRow); rectangles must not overlap.
  std::vector<MemoryChunk> memory;
  /// Width of one encoded instruction in bytes, in [1, rtBinMaxInsnBytes].
  uint32_t insnBytes = 16;
  /// Revision of the instruction encoding (Isa.def); stored verbatim, the
  /// simulator refuses revisions it does not implement.
  uint32_t isaVersion = 0;
  /// instructions.size() / insnBytes encoded instructions, back to back.
  std::vector<uint8_t> instructions;
  /// Sorted, non-overlapping ranges within the instruction count.
  std::vector<LayerEntry> layers;
  /// The program's constant tables (Program.h), stored verbatim; their
  /// meaning and ranges are checked by the ISA (ProgramVerifier.h).
  std::vector<std::vector<int32_t>> biasTable;
  std::vector<RequantEntry> requantTable;
  std::vector<AddEntry> addTable;

  /// \returns the number of encoded instructions.
  uint64_t getNumInstructions() const {
    return insnBytes ? instructions.size() / insnBytes : 0;
  }
  bool operator==(const RtBinFile &) const = default;
};

/// Checks the semantic rules of docs/rtbin.md ("Content rules") on
/// in-memory contents: instruction width and count, tensor names, shapes
/// and quantization, memory chunk sizes/order/overlap, and layer ranges.
/// parseRtBin applies it after decoding; writeRtBinFile before writing.
/// \returns the first violation, located at \p fileName.
llvm::Error checkRtBin(const RtBinFile &file, llvm::StringRef fileName);

/// Encodes \p file as .rtbin bytes. Deterministic: equal inputs give
/// byte-identical outputs. Content is written as given; if checkRtBin
/// rejects \p file, so will parseRtBin (tests rely on this to build
/// invalid files).
std::string serializeRtBin(const RtBinFile &file);

/// Decodes and fully validates .rtbin \p bytes. Errors are located at
/// \p fileName (e.g. "model.rtbin: error: checksum mismatch: ...").
llvm::Expected<RtBinFile> parseRtBin(llvm::StringRef bytes,
                                     llvm::StringRef fileName);

/// Reads and parses the .rtbin file at \p path.
llvm::Expected<RtBinFile> readRtBinFile(llvm::StringRef path);

/// Validates \p file with checkRtBin and writes it to \p path.
llvm::Error writeRtBinFile(llvm::StringRef path, const RtBinFile &file);

/// \returns an error unless \p file was compiled for the config whose hash
/// is \p expected: "model.rtbin: error: compiled for hardware config
/// 3f2a... but the current config is 9bc1...; recompile ...".
llvm::Error checkConfigHash(const RtBinFile &file, const Sha256Digest &expected,
                            llvm::StringRef fileName);

/// \returns the lowercase hex spelling of \p digest (64 characters).
std::string formatDigest(const Sha256Digest &digest);

} // namespace rtc::racetrack

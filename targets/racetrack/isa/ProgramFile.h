//===- targets/racetrack/isa/ProgramFile.h - .rtbin programs -*- C++ -*-===//
//
// The bridge between a racetrack Program (Program.h) and the .rtbin
// container (RtBin.h): packRtBin verifies and encodes a compiled model for a
// hardware config; unpackRtBin checks the ISA revision and decodes it back.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/Program.h"
#include "targets/racetrack/isa/RtBin.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace rtc::racetrack {

/// A compiled model: everything an .rtbin holds, decoded.
struct CompiledModel {
  Program program;                  ///< insns + bias/requant/add tables
  std::vector<MemoryChunk> memory;  ///< initial track contents
  std::vector<TensorEntry> tensors; ///< inputs and outputs (host buffers)
  std::vector<LayerEntry> layers;   ///< insn ranges per ONNX node

  bool operator==(const CompiledModel &) const = default;
};

/// Verifies \p model's program against \p cfg (verifyProgram) and builds the
/// container: configHash = hashConfig(cfg), configJson = toJson(cfg),
/// isaVersion = racetrack::isaVersion, the encoded instructions, the tables,
/// and checkRtBin's content rules. Errors are located at "<program>" for
/// program problems.
llvm::Expected<RtBinFile> packRtBin(const CompiledModel &model,
                                    const DeviceConfig &cfg);

/// Decodes \p file: refuses an ISA revision other than isaVersion or an
/// instruction width other than insnBytes, and reports every instruction the
/// decoder rejects, located at \p fileName. Does not check the config hash
/// (checkConfigHash) nor verify the program against a config.
llvm::Expected<CompiledModel> unpackRtBin(const RtBinFile &file,
                                          llvm::StringRef fileName);

} // namespace rtc::racetrack

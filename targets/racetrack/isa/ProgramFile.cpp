//===- targets/racetrack/isa/ProgramFile.cpp - Programs in .rtbin files ---===//

#include "targets/racetrack/isa/ProgramFile.h"

#include "targets/racetrack/isa/Encoding.h"
#include "targets/racetrack/isa/ProgramVerifier.h"

#include "ir/Diagnostics.h"

#include <fmt/format.h>

using namespace rtc;
using namespace rtc::racetrack;

llvm::Expected<RtBinFile> rtc::racetrack::packRtBin(const CompiledModel &model,
                                                    const DeviceConfig &cfg) {
  if (auto err = verifyProgram(model.program, cfg, "<program>"))
    return err;
  RtBinFile file;
  file.configHash = hashConfig(cfg);
  file.configJson = toJson(cfg);
  file.tensors = model.tensors;
  file.memory = model.memory;
  file.insnBytes = insnBytes;
  file.isaVersion = isaVersion;
  file.instructions = encodeInsns(model.program.insns);
  file.layers = model.layers;
  file.biasTable = model.program.biasTable;
  file.requantTable = model.program.requantTable;
  file.addTable = model.program.addTable;
  if (auto err = checkRtBin(file, "<program>"))
    return err;
  return file;
}

llvm::Expected<CompiledModel>
rtc::racetrack::unpackRtBin(const RtBinFile &file, llvm::StringRef fileName) {
  if (file.isaVersion != isaVersion)
    return makeError(Location::inFile(fileName),
                     fmt::format("ISA version {} is not supported (this build "
                                 "implements ISA version {}); recompile the "
                                 "model",
                                 file.isaVersion, isaVersion));
  if (file.insnBytes != insnBytes)
    return makeError(Location::inFile(fileName),
                     fmt::format("instructions are {} bytes wide, ISA version "
                                 "{} uses {}",
                                 file.insnBytes, isaVersion, insnBytes));
  auto insns = decodeInsns(file.instructions, fileName);
  if (!insns)
    return insns.takeError();
  CompiledModel model;
  model.program.insns = std::move(*insns);
  model.program.biasTable = file.biasTable;
  model.program.requantTable = file.requantTable;
  model.program.addTable = file.addTable;
  model.memory = file.memory;
  model.tensors = file.tensors;
  model.layers = file.layers;
  return model;
}

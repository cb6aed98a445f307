//===- runtime/rt-asm.cpp - Assemble racetrack assembly into an .rtbin ----===//
//
// rt-asm PROG.rtasm -o X.rtbin [--config FILE] [--set k=v]...
//
// A test tool: builds an .rtbin from hand-written assembly (docs/isa.md,
// "Assembly") plus a few directives, each on its own line outside the
// rt.program block, that give what a compiler would: the tensor table, the
// initial memory image and the layer table (docs/isa.md, "rt-asm").
//
//   .input  NAME DTYPE SHAPE scale=S zp=Z [bits=B] buf=N
//   .output NAME DTYPE SHAPE scale=S zp=Z [bits=B] buf=N
//   .mem    mu=M row=R hex=HEXBYTES      (rows of ceil(T/8) bytes each)
//   .layer  FIRST END NAME OP
//
// The program is verified against the config and packed with packRtBin.
// Exit codes: 0 success, 1 a bad input file, 2 a usage error.
//
//===----------------------------------------------------------------------===//
#include "ir/Diagnostics.h"
#include "targets/racetrack/isa/Asm.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/isa/RtBin.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

using namespace rtc;
using namespace rtc::racetrack;
namespace cl = llvm::cl;

/// Parses "key=value" tokens of one directive into \p out; \returns an error
/// message or "".
static std::string getKeyValue(llvm::ArrayRef<llvm::StringRef> tokens,
                               llvm::StringRef key, llvm::StringRef &value) {
  for (llvm::StringRef t : tokens) {
    auto [k, v] = t.split('=');
    if (k == key && t.contains('=')) {
      value = v;
      return "";
    }
  }
  return fmt::format("missing {}=", key.str());
}

/// Handles one directive line; appends to \p model.
static llvm::Error parseDirective(llvm::StringRef line, unsigned lineNo,
                                  llvm::StringRef fileName,
                                  const DeviceConfig &cfg,
                                  CompiledModel &model) {
  auto err = [&](std::string msg) {
    return makeError(Location::fileLineCol(fileName, lineNo, 1),
                     std::move(msg));
  };
  llvm::SmallVector<llvm::StringRef, 8> tokens;
  line.split(tokens, ' ', -1, /*KeepEmpty=*/false);
  llvm::StringRef kind = tokens[0];
  if (kind == ".input" || kind == ".output") {
    if (tokens.size() < 4)
      return err(kind.str() + " needs NAME DTYPE SHAPE and key=value fields");
    TensorEntry t;
    t.name = tokens[1].str();
    t.role = kind == ".input" ? TensorRole::Input : TensorRole::Output;
    std::optional<DType> dt = parseDTypeName(tokens[2]);
    if (!dt)
      return err(fmt::format("unknown dtype '{}'", tokens[2].str()));
    llvm::SmallVector<llvm::StringRef, 4> dims;
    tokens[3].split(dims, 'x');
    std::vector<int64_t> shape;
    for (llvm::StringRef d : dims) {
      int64_t v;
      if (d.getAsInteger(10, v) || v < 0)
        return err(fmt::format("bad shape '{}'", tokens[3].str()));
      shape.push_back(v);
    }
    t.type = TensorType(*dt, shape);
    llvm::ArrayRef<llvm::StringRef> kv = llvm::ArrayRef(tokens).drop_front(4);
    llvm::StringRef scale, zp, buf, bits = "0";
    for (auto [key, val] : {std::pair{"scale", &scale}, std::pair{"zp", &zp},
                            std::pair{"buf", &buf}}) {
      std::string msg = getKeyValue(kv, key, *val);
      if (!msg.empty())
        return err(msg);
    }
    (void)getKeyValue(kv, "bits", bits);
    double s;
    int64_t z, b;
    unsigned bufNo;
    if (scale.getAsDouble(s) || zp.getAsInteger(10, z) ||
        bits.getAsInteger(10, b) || buf.getAsInteger(10, bufNo))
      return err("bad scale=, zp=, bits= or buf= value");
    t.type.quant = QuantParams{{float(s)}, {z}, -1, b};
    t.hostBuffer = bufNo;
    model.tensors.push_back(std::move(t));
    return llvm::Error::success();
  }
  if (kind == ".mem") {
    llvm::ArrayRef<llvm::StringRef> kv = llvm::ArrayRef(tokens).drop_front();
    llvm::StringRef mu, row, hex;
    for (auto [key, val] : {std::pair{"mu", &mu}, std::pair{"row", &row},
                            std::pair{"hex", &hex}}) {
      std::string msg = getKeyValue(kv, key, *val);
      if (!msg.empty())
        return err(msg);
    }
    MemoryChunk c;
    std::string bytes;
    if (mu.getAsInteger(10, c.firstMu) || row.getAsInteger(10, c.firstRow) ||
        !llvm::tryGetFromHex(hex, bytes))
      return err("bad mu=, row= or hex= value");
    c.rowBytes = uint32_t((cfg.tracksPerMu + 7) / 8);
    if (bytes.empty() || bytes.size() % c.rowBytes)
      return err(fmt::format("hex= has {} bytes, not a whole number of {}-byte "
                             "rows",
                             bytes.size(), c.rowBytes));
    c.muCount = 1;
    c.rowCount = uint32_t(bytes.size() / c.rowBytes);
    c.data.assign(bytes.begin(), bytes.end());
    model.memory.push_back(std::move(c));
    return llvm::Error::success();
  }
  if (kind == ".layer") {
    if (tokens.size() != 5)
      return err(".layer needs FIRST END NAME OP");
    LayerEntry l;
    if (tokens[1].getAsInteger(10, l.firstInsn) ||
        tokens[2].getAsInteger(10, l.endInsn))
      return err("bad instruction range");
    l.name = tokens[3].str();
    l.op = tokens[4].str();
    model.layers.push_back(std::move(l));
    return llvm::Error::success();
  }
  return err(fmt::format("unknown directive '{}'", kind.str()));
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::OptionCategory category("rt-asm options");
  cl::opt<std::string> inputOpt(cl::Positional, cl::Required,
                                cl::desc("<prog.rtasm>"), cl::cat(category));
  cl::opt<std::string> outputOpt("o", cl::Required, cl::value_desc("out.rtbin"),
                                 cl::desc("Output file"), cl::cat(category));
  cl::opt<std::string> configOpt("config", cl::value_desc("file.json"),
                                 cl::desc("Hardware config (JSON)"),
                                 cl::cat(category));
  cl::list<std::string> setOpt("set", cl::value_desc("key=value"),
                               cl::desc("Override one config field"),
                               cl::cat(category));
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          argc, argv, "rt-asm: assemble an .rtbin (tests)\n", &llvm::errs()))
    return 2;
  auto report = [](llvm::Error err, int code) {
    renderErrors(std::move(err), llvm::errs(), "rt-asm");
    return code;
  };
  int configExit = 0;
  std::vector<std::string> sets(setOpt.begin(), setOpt.end());
  auto loaded = loadConfigWithOverrides(configOpt, sets,
                                        /*validateResult=*/true, configExit);
  if (!loaded)
    return report(loaded.takeError(), configExit);
  DeviceConfig cfg = *loaded;

  auto buf = llvm::MemoryBuffer::getFile(inputOpt, /*IsText=*/true);
  if (!buf)
    return report(makeError(Location::inFile(inputOpt),
                            "cannot read: " + buf.getError().message()),
                  1);
  // Directive lines are handled here and blanked (keeping line numbers) for
  // the assembly parser.
  CompiledModel model;
  std::string text;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  (*buf)->getBuffer().split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    llvm::StringRef l = lines[i].trim();
    if (l.starts_with(".input") || l.starts_with(".output") ||
        l.starts_with(".mem") || l.starts_with(".layer")) {
      if (auto err = parseDirective(l, unsigned(i + 1), inputOpt, cfg, model))
        return report(std::move(err), 1);
      text += "\n";
      continue;
    }
    text += lines[i].str() + "\n";
  }
  auto program = parseProgram(text, inputOpt);
  if (!program)
    return report(program.takeError(), 1);
  model.program = std::move(*program);
  std::sort(model.memory.begin(), model.memory.end(),
            [](const MemoryChunk &a, const MemoryChunk &b) {
              return std::tie(a.firstMu, a.firstRow) <
                     std::tie(b.firstMu, b.firstRow);
            });
  auto file = packRtBin(model, cfg);
  if (!file)
    return report(file.takeError(), 1);
  if (auto err = writeRtBinFile(outputOpt, *file))
    return report(std::move(err), 1);
  return 0;
}

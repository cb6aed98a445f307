//===- compiler/rtcc.cpp - The rtcc compiler driver -----------------------===//
//
// rtcc reads an ONNX model and prints its graph IR (--emit=ir), runs the
// reference interpreter on an input tensor and prints the top classes
// (--reference), or compares float and quantized top-1 accuracy on a
// labelled set (--evaluate with --labels). With --bits/--wbits/--abits or
// --calib the graph goes through the default pipeline (passes/Pipelines.h)
// including static quantization first, and every action sees the quantized
// graph; a pass-instrumentation flag alone also runs the (float) pipeline.
// Without either, --emit=ir prints the graph exactly as imported.
//
// The command line is turned into one DriverOptions value first; the
// actions only see that struct, so later stages (racetrack lowering,
// -o model.rtbin) add fields and actions without touching the others.
//
// The --reference and --evaluate actions and the DriverOptions struct live
// in compiler/RtccEvaluate.h/.cpp.
//
// Exit codes: 0 success, 1 a problem with the model or input files,
// 2 a usage error (bad or conflicting options).
//
//===----------------------------------------------------------------------===//
#include "compiler/RtccEvaluate.h"
#include "compiler/RtccPlacement.h"
#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/FileIO.h"
#include "ir/Graph.h"
#include "ir/Printer.h"
#include "ir/TensorFile.h"
#include "passes/PassManager.h"
#include "passes/Pipelines.h"
#include "targets/racetrack/isa/Asm.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/lower/Lowering.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <optional>

using namespace rtc;
using namespace rtc::rtcc;
namespace cl = llvm::cl;

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

static cl::OptionCategory rtccCategory("rtcc options");

static cl::opt<std::string> modelPathOpt(cl::Positional, cl::Optional,
                                         cl::desc("<model.onnx>"),
                                         cl::cat(rtccCategory));

// Hardware configuration (targets/racetrack/isa/DeviceConfig.h).
static cl::opt<bool> dumpConfigOpt(
    "dump-config",
    cl::desc("Print the hardware config (the default, or --config with "
             "--set applied) as JSON and exit; no model is needed"),
    cl::cat(rtccCategory));
static cl::opt<std::string>
    configOpt("config", cl::value_desc("file.json"),
              cl::desc("Racetrack hardware config to compile for (see "
                       "docs/hardware-config.md; default: built in)"),
              cl::cat(rtccCategory));
static cl::list<std::string>
    setOpt("set", cl::value_desc("key=value"),
           cl::desc("Override one hardware config field (repeatable), e.g. "
                    "--set ports_per_track=4"),
           cl::cat(rtccCategory));
// Placement (targets/racetrack/place, docs/placement.md).
static cl::opt<racetrack::place::Strategy> placementOpt(
    "placement",
    cl::desc("Data placement strategy of the racetrack code generator "
             "(default auto):"),
    cl::values(
        clEnumValN(racetrack::place::Strategy::Ofu, "ofu",
                   "rows in order of first use (the baseline)"),
        clEnumValN(racetrack::place::Strategy::Liao, "liao",
                   "maximum-weight path cover (Liao, Leupers tie-break)"),
        clEnumValN(racetrack::place::Strategy::Chen, "chen",
                   "per-port grouping for multi-port tracks"),
        clEnumValN(racetrack::place::Strategy::ShiftsReduce, "shiftsreduce",
                   "affinity growth, local search, genetic refinement"),
        clEnumValN(racetrack::place::Strategy::Interleave, "interleave",
                   "port-interleaved layout for streaming access"),
        clEnumValN(racetrack::place::Strategy::Exact, "exact",
                   "the optimum, for small MU groups only"),
        clEnumValN(racetrack::place::Strategy::Auto, "auto",
                   "the cheapest strategy per MU group and the best "
                   "schedule")),
    cl::init(racetrack::place::Strategy::Auto), cl::cat(rtccCategory));
static cl::opt<bool> reportPlacementOpt(
    "report-placement",
    cl::desc("Compile with every placement strategy and print per layer the "
             "predicted shifts and the cycles of each, and what auto chose"),
    cl::cat(rtccCategory));
static cl::opt<uint64_t> placementSeedOpt(
    "placement-seed",
    cl::desc("Seed of shiftsreduce's genetic refinement (default 1)"),
    cl::init(1), cl::cat(rtccCategory));
static cl::opt<Action>
    emitOpt("emit",
            cl::desc("Print an intermediate form instead of compiling:"),
            cl::values(clEnumValN(Action::EmitIr, "ir",
                                  "the imported graph IR (textual form)"),
                       clEnumValN(Action::EmitAsm, "asm",
                                  "the racetrack assembly listing "
                                  "(docs/isa.md; quantizes like -o)")),
            cl::init(Action::None), cl::cat(rtccCategory));
static cl::opt<std::string>
    outputOpt("o",
              cl::desc("Output file: the IR text with --emit=ir, or the "
                       "model outputs (.npy/.pb/.bin, samples stacked "
                       "along dim 0) with --reference (default: stdout for "
                       "--emit, nothing for --reference)"),
              cl::value_desc("file"), cl::cat(rtccCategory));
static cl::list<std::string> inputShapeOpt(
    "input-shape",
    cl::desc("Static shape of a graph input, overriding symbolic or declared "
             "dims (repeatable)"),
    cl::value_desc("name:1x3x32x32"), cl::cat(rtccCategory));
static cl::opt<bool>
    elideOpt("elide-constants",
             cl::desc("With --emit=ir: print large constants as dense<...> "
                      "(readable, but not parseable)"),
             cl::cat(rtccCategory));
static cl::opt<std::string> referenceOpt(
    "reference",
    cl::desc("Run the float reference interpreter on this input tensor "
             "(.npy, ONNX TensorProto .pb, or raw float32 .bin) and print "
             "the top classes. The input has the model input's shape, or is "
             "a batch N x (input shape without its batch dim), run sample "
             "by sample"),
    cl::value_desc("input"), cl::cat(rtccCategory));
static cl::opt<std::string> goldenOpt(
    "golden",
    cl::desc("Run the integer golden model (the quantized graph on the "
             "reference interpreter) on this input and write its dequantized "
             "outputs with -o; rtrun -o must produce a byte-identical file"),
    cl::value_desc("input"), cl::cat(rtccCategory));
static cl::opt<unsigned>
    topOpt("top",
           cl::desc("With --reference: number of classes to print per "
                    "sample (default 5)"),
           cl::init(5), cl::value_desc("k"), cl::cat(rtccCategory));
static cl::opt<std::string>
    classNamesOpt("class-names",
                  cl::desc("With --reference: a text file with one class "
                           "name per line (line i names class i)"),
                  cl::value_desc("file"), cl::cat(rtccCategory));

// Quantization (passes/Quantize.h) and accuracy evaluation.
static cl::opt<int>
    bitsOpt("bits",
            cl::desc("Quantize weights and activations to N bits (2..8); "
                     "runs the pipeline with static quantization"),
            cl::value_desc("N"), cl::cat(rtccCategory));
static cl::opt<int> wbitsOpt("wbits",
                             cl::desc("Weight bits (2..8), overriding --bits"),
                             cl::value_desc("N"), cl::cat(rtccCategory));
static cl::opt<int>
    abitsOpt("abits", cl::desc("Activation bits (2..8), overriding --bits"),
             cl::value_desc("N"), cl::cat(rtccCategory));
static cl::opt<std::string> calibOpt(
    "calib",
    cl::desc("Calibration inputs for quantization: a float32 .npy of N x "
             "(model input shape without its batch dim). Without it rtcc "
             "calibrates on 16 random N(0,1) inputs and warns"),
    cl::value_desc("file.npy"), cl::cat(rtccCategory));
static cl::opt<CalibMethod> calibMethodOpt(
    "calib-method", cl::desc("How activation ranges are calibrated:"),
    cl::values(clEnumValN(CalibMethod::MinMax, "minmax",
                          "observed minimum and maximum (default)"),
               clEnumValN(CalibMethod::Percentile, "percentile",
                          "the (100-P)-th and P-th percentiles "
                          "(--percentile)")),
    cl::init(CalibMethod::MinMax), cl::cat(rtccCategory));
static cl::opt<double> percentileOpt(
    "percentile",
    cl::desc("P for --calib-method=percentile, in (50, 100] (default 99.99)"),
    cl::init(99.99), cl::value_desc("P"), cl::cat(rtccCategory));
static cl::opt<std::string> evaluateOpt(
    "evaluate",
    cl::desc("Compare float and quantized top-1 accuracy on these inputs "
             "(.npy, N x input shape without batch); needs --labels and "
             "quantization flags"),
    cl::value_desc("x.npy"), cl::cat(rtccCategory));
static cl::opt<std::string>
    labelsOpt("labels",
              cl::desc("With --evaluate: the N class labels (int64 or "
                       "int32 .npy, 1-D)"),
              cl::value_desc("y.npy"), cl::cat(rtccCategory));

namespace {
/// Pass-instrumentation flags. The shared libLLVM registers options with the
/// same names (stats, time-passes, print-after-all, print-after) for its own
/// pass manager; they are dropped in main before these are created, which is
/// why these are not file-scope statics (see also compiler/rtc-opt.cpp).
struct InstrumentationFlags {
  cl::opt<bool> printAfterAll{"print-after-all",
                              cl::desc("Print the IR after every pass "
                                       "(to stderr)"),
                              cl::cat(rtccCategory)};
  cl::list<std::string> printAfter{
      "print-after", cl::desc("Print the IR after the named passes"),
      cl::value_desc("pass"), cl::CommaSeparated, cl::cat(rtccCategory)};
  cl::opt<bool> verifyEach{"verify-each",
                           cl::desc("Verify the graph after every pass"),
                           cl::cat(rtccCategory)};
  cl::opt<bool> timePasses{"time-passes",
                           cl::desc("Report the wall time of each pass"),
                           cl::cat(rtccCategory)};
  cl::opt<bool> stats{"stats", cl::desc("Print pass statistics (to stderr)"),
                      cl::cat(rtccCategory)};

  bool any() const {
    return printAfterAll || !printAfter.empty() || verifyEach || timePasses ||
           stats;
  }
};
} // namespace

static void dropConflictingLlvmOptions() {
  llvm::StringMap<cl::Option *> &registered = cl::getRegisteredOptions();
  for (const char *name : {"verify-each", "print-after-all", "print-after",
                           "time-passes", "stats"}) {
    auto it = registered.find(name);
    if (it != registered.end())
      it->second->removeArgument();
  }
}

static llvm::Error usageError(std::string msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Parses "name:1x3x32x32" (the name may itself contain ':').
static llvm::Error parseInputShape(llvm::StringRef text,
                                   onnx::ImportOptions &import) {
  size_t colon = text.rfind(':');
  if (colon == llvm::StringRef::npos || colon == 0)
    return usageError(fmt::format(
        "--input-shape '{}' must look like name:1x3x32x32", text.str()));
  llvm::StringRef name = text.take_front(colon);
  llvm::SmallVector<llvm::StringRef, 4> parts;
  text.drop_front(colon + 1).split(parts, 'x');
  llvm::SmallVector<int64_t, 4> dims;
  for (llvm::StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d <= 0)
      return usageError(fmt::format("--input-shape '{}': dims must be "
                                    "positive integers separated by 'x'",
                                    text.str()));
    dims.push_back(d);
  }
  if (!import.inputShapes.emplace(name.str(), dims).second)
    return usageError(
        fmt::format("--input-shape given twice for '{}'", name.str()));
  return llvm::Error::success();
}

/// Reads one bits flag; \returns an error unless it is in [2, 8].
static llvm::Error readBits(const cl::opt<int> &opt, int64_t &bits) {
  if (!opt.getNumOccurrences())
    return llvm::Error::success();
  if (opt < 2 || opt > 8)
    return usageError(fmt::format("--{} must be between 2 and 8 (got {})",
                                  opt.ArgStr.str(), opt.getValue()));
  bits = opt;
  return llvm::Error::success();
}

/// Fills the quantization and pipeline parts of \p opts.
static llvm::Error buildPipelineOptions(DriverOptions &opts,
                                        const InstrumentationFlags &flags) {
  CompileOptions &compile = opts.compile;
  QuantOptions &quant = compile.quant;
  if (auto err = readBits(bitsOpt, quant.weightBits))
    return err;
  quant.activationBits = quant.weightBits;
  if (auto err = readBits(wbitsOpt, quant.weightBits))
    return err;
  if (auto err = readBits(abitsOpt, quant.activationBits))
    return err;
  compile.quantize = bitsOpt.getNumOccurrences() ||
                     wbitsOpt.getNumOccurrences() ||
                     abitsOpt.getNumOccurrences() || !calibOpt.empty();
  bool percentileGiven = percentileOpt.getNumOccurrences() > 0;
  if (!compile.quantize &&
      (calibMethodOpt.getNumOccurrences() || percentileGiven))
    return usageError("--calib-method and --percentile require quantization "
                      "(--bits, --wbits, --abits or --calib)");
  quant.method = calibMethodOpt;
  if (percentileGiven) {
    if (calibMethodOpt.getNumOccurrences() &&
        quant.method != CalibMethod::Percentile)
      return usageError("--percentile requires --calib-method=percentile");
    quant.method = CalibMethod::Percentile;
  }
  if (!(percentileOpt > 50.0 && percentileOpt <= 100.0))
    return usageError(fmt::format("--percentile must be in (50, 100] (got {})",
                                  percentileOpt.getValue()));
  quant.percentile = percentileOpt;
  opts.calibPath = calibOpt;

  opts.passes.verifyEach = flags.verifyEach;
  opts.passes.printAfterAll = flags.printAfterAll;
  opts.passes.printAfter.assign(flags.printAfter.begin(),
                                flags.printAfter.end());
  opts.passes.timePasses = flags.timePasses;
  opts.showStats = flags.stats;
  for (const std::string &name : opts.passes.printAfter)
    if (!createPassByName(name))
      return usageError(fmt::format("--print-after: unknown pass '{}'", name));
  opts.runPipeline = compile.quantize || flags.any();
  return llvm::Error::success();
}

/// Builds DriverOptions from the parsed flags, rejecting conflicts.
static llvm::Expected<DriverOptions>
buildOptions(const InstrumentationFlags &flags) {
  DriverOptions opts;
  opts.modelPath = modelPathOpt;
  bool emit = emitOpt != Action::None, reference = !referenceOpt.empty();
  bool evaluate = !evaluateOpt.empty(), golden = !goldenOpt.empty();
  bool report = reportPlacementOpt;
  bool compile = !emit && !reference && !evaluate && !golden && !report &&
                 llvm::StringRef(outputOpt).ends_with(".rtbin");
  if (int(emit) + int(reference) + int(evaluate) + int(golden) +
          int(report) >
      1)
    return usageError("--emit, --reference, --golden, --evaluate and "
                      "--report-placement cannot be combined");
  if (!emit && !reference && !evaluate && !golden && !compile && !report)
    return usageError("nothing to do: pass -o model.rtbin, --emit=ir, "
                      "--reference=<input>, --golden=<input> -o out.npy, "
                      "--evaluate=<x.npy> --labels=<y.npy>, or "
                      "--report-placement");
  if (report && !outputOpt.empty())
    return usageError("-o cannot be combined with --report-placement");
  opts.lower.placement = placementOpt;
  opts.lower.placeOptions.seed = placementSeedOpt;
  if (evaluate != !labelsOpt.empty())
    return usageError("--evaluate and --labels must be given together");
  if (golden && outputOpt.empty())
    return usageError("--golden needs -o OUT.npy");
  opts.action = emit        ? emitOpt.getValue()
                : reference ? Action::Reference
                : golden    ? Action::Golden
                : compile   ? Action::Compile
                : report    ? Action::ReportPlacement
                            : Action::Evaluate;
  if (!reference && (topOpt.getNumOccurrences() || !classNamesOpt.empty()))
    return usageError("--top and --class-names require --reference");
  if (elideOpt && opts.action != Action::EmitIr)
    return usageError("--elide-constants requires --emit=ir");
  if (topOpt == 0)
    return usageError("--top must be at least 1");
  if (evaluate && !outputOpt.empty())
    return usageError("-o cannot be combined with --evaluate");
  for (const std::string &s : inputShapeOpt)
    if (auto err = parseInputShape(s, opts.import))
      return err;
  if (auto err = buildPipelineOptions(opts, flags))
    return err;
  // The racetrack target computes on integers: compiling and the golden
  // model quantize (8 bits unless --bits/--wbits/--abits say otherwise).
  if (golden || compile || report || opts.action == Action::EmitAsm) {
    opts.compile.quantize = true;
    opts.runPipeline = true;
  }
  if (evaluate && !opts.compile.quantize)
    return usageError("--evaluate compares float and quantized accuracy: "
                      "give --bits, --wbits, --abits or --calib");
  if (!outputOpt.empty())
    opts.outputPath = outputOpt;
  else if (!emit)
    opts.outputPath.clear();
  opts.print.elideLargeConstants = elideOpt;
  opts.referenceInput = golden ? goldenOpt.getValue() : referenceOpt.getValue();
  opts.topK = topOpt;
  opts.classNamesPath = classNamesOpt;
  opts.evaluateInputs = evaluateOpt;
  opts.labelsPath = labelsOpt;
  return opts;
}

//===----------------------------------------------------------------------===//
// --emit=ir
//===----------------------------------------------------------------------===//

static llvm::Error emitIr(const Graph &g, const DriverOptions &opts) {
  return writeFile(
      opts.outputPath,
      [&](llvm::raw_ostream &os) { printGraph(g, os, opts.print); },
      /*text=*/true);
}

//===----------------------------------------------------------------------===//
// Quantization: calibration data and the pipeline
//===----------------------------------------------------------------------===//

/// Reads --calib: a float32 .npy of N x (input shape without its batch
/// dim, or the whole input shape if the batch dim is not 1), split into N
/// samples of the input's type.
static llvm::Expected<std::vector<Tensor>>
loadCalibration(llvm::StringRef path, const Graph &g,
                llvm::StringRef modelPath) {
  Location loc = Location::inFile(path);
  if (g.getInputs().size() != 1)
    return emitError(Location::inFile(modelPath),
                     "--calib feeds one input, but the model has {}",
                     g.getInputs().size());
  TensorType inType = g.getType(g.getInputs()[0]);
  inType.quant.reset();
  llvm::ArrayRef<int64_t> sampleDims = inType.shape;
  if (!sampleDims.empty() && sampleDims[0] == 1)
    sampleDims = sampleDims.drop_front();
  std::string want = "Nx" + formatShape(sampleDims);
  if (!path.ends_with(".npy"))
    return emitError(loc,
                     "calibration data must be a .npy file holding a "
                     "float32 array of shape {} (N samples)",
                     want);
  if (inType.elemType != DType::F32)
    return emitError(Location::inFile(modelPath),
                     "cannot calibrate: the model input is {}, expected "
                     "float32",
                     inType.str());
  auto nt = readTensorFile(path, nullptr);
  if (!nt)
    return nt.takeError();
  const Tensor &data = nt->tensor;
  if (data.getElemType() != DType::F32)
    return emitError(loc,
                     "calibration data has element type {}, expected "
                     "float32 (an array of shape {})",
                     getDTypeName(data.getElemType()).str(), want);
  llvm::ArrayRef<int64_t> got = data.getShape();
  if (got.size() != sampleDims.size() + 1 || got[0] < 1 ||
      got.drop_front() != sampleDims)
    return emitError(loc,
                     "calibration data has shape {}, expected {} (N samples "
                     "of the model input {} without its batch dim)",
                     got.empty() ? std::string("() (a scalar)")
                                 : formatShape(got),
                     want, inType.str());
  return splitBatch(data, inType, got[0]);
}

/// Runs \p pm on \p g, rendering nothing. \returns the wall time in seconds.
static llvm::Expected<double> runTimed(PassManager &pm, Graph &g,
                                       PassContext &ctx) {
  auto start = std::chrono::steady_clock::now();
  if (auto err = pm.run(g, ctx))
    return err;
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return took.count();
}


/// Runs the pipeline selected by \p opts on the imported \p g.
static llvm::Expected<Compiled> compileGraph(Graph g, DriverOptions &opts) {
  Compiled out;
  CompileOptions &compile = opts.compile;
  if (compile.quantize && !opts.calibPath.empty()) {
    auto samples = loadCalibration(opts.calibPath, g, opts.modelPath);
    if (!samples)
      return samples.takeError();
    compile.calibration = std::move(*samples);
  } else if (compile.quantize) {
    llvm::errs() << "rtcc: warning: no --calib given: calibrating "
                    "activations on 16 random N(0,1) inputs; accuracy may "
                    "suffer\n";
  }
  if (compile.quantize) {
    // Float pipeline first, quietly, so the timed (and instrumented) run
    // below measures essentially calibration and quantization: its float
    // passes find nothing left to do.
    PassManagerOptions quiet;
    quiet.verifyEach = false;
    PassManager floatPm(quiet);
    buildFloatPipeline(floatPm, compile);
    PassContext floatCtx;
    if (auto err = floatPm.run(g, floatCtx))
      return err;
    if (opts.action == Action::Evaluate)
      out.floatGraph = g;
  }
  PassManager pm(opts.passes);
  buildDefaultPipeline(pm, compile);
  PassContext ctx;
  auto seconds = runTimed(pm, g, ctx);
  if (!seconds)
    return seconds.takeError();
  out.quantizeSeconds = *seconds;
  if (int64_t n = ctx.stats().get("quantize", "float-fallback"))
    llvm::errs() << fmt::format(
        "rtcc: warning: {} node{} could not be quantized and run{} in float "
        "between dequantize and quantize\n",
        n, n == 1 ? "" : "s", n == 1 ? "s" : "");
  if (opts.showStats)
    ctx.stats().print(llvm::errs());
  out.graph = std::move(g);
  return out;
}
//===----------------------------------------------------------------------===//
// -o model.rtbin
//===----------------------------------------------------------------------===//

/// Lowers the quantized graph to the racetrack target and writes the .rtbin.
static llvm::Error compileToRtBin(const Graph &g,
                                  const racetrack::DeviceConfig &device,
                                  const DriverOptions &opts) {
  llvm::StringRef stem = llvm::sys::path::stem(opts.modelPath);
  racetrack::PlacementSummary placement;
  auto model =
      racetrack::lowerToRacetrack(g, device, stem, opts.lower, &placement);
  if (!model)
    return model.takeError();
  auto file = racetrack::packRtBin(*model, device);
  if (!file)
    return file.takeError();
  if (auto err = racetrack::writeRtBinFile(opts.outputPath, *file))
    return err;
  llvm::outs() << fmt::format(
      "rtcc: wrote {}: {} instructions, {} layers, {} memory chunks "
      "(config {})\n",
      opts.outputPath, model->program.insns.size(), model->layers.size(),
      model->memory.size(),
      racetrack::hashToHex(racetrack::hashConfig(device)).substr(0, 12));
  printPlacementLine(llvm::outs(), placement);
  return llvm::Error::success();
}

/// Lowers the quantized graph and prints the assembly listing (the tables,
/// then one instruction per line) to -o or stdout.
static llvm::Error emitAsm(const Graph &g,
                           const racetrack::DeviceConfig &device,
                           const DriverOptions &opts) {
  llvm::StringRef stem = llvm::sys::path::stem(opts.modelPath);
  auto model = racetrack::lowerToRacetrack(g, device, stem, opts.lower);
  if (!model)
    return model.takeError();
  std::string text = racetrack::printProgram(model->program);
  if (opts.outputPath.empty() || opts.outputPath == "-") {
    llvm::outs() << text;
    return llvm::Error::success();
  }
  return writeFile(opts.outputPath,
                   [&](llvm::raw_ostream &os) { os << text; });
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

/// Builds the hardware config from --config and --set and validates it.
/// \returns the config, or std::nullopt after reporting the error, with the
/// exit code it deserves in \p exitCode (racetrack::loadConfigWithOverrides).
static std::optional<racetrack::DeviceConfig> buildDeviceConfig(int &exitCode) {
  std::vector<std::string> sets(setOpt.begin(), setOpt.end());
  auto cfg = racetrack::loadConfigWithOverrides(configOpt, sets,
                                                /*validateResult=*/true,
                                                exitCode);
  if (!cfg) {
    renderErrors(cfg.takeError(), llvm::errs(), "rtcc");
    return std::nullopt;
  }
  return *cfg;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  dropConflictingLlvmOptions();
  InstrumentationFlags flags;
  cl::HideUnrelatedOptions(rtccCategory);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "rtcc: compile ONNX CNNs for racetrack-memory in-memory computing\n",
          &llvm::errs()))
    return 2;
  int configExit = 0;
  auto device = buildDeviceConfig(configExit);
  if (!device)
    return configExit;
  if (dumpConfigOpt) {
    if (!modelPathOpt.empty()) {
      llvm::errs() << "rtcc: error: --dump-config takes no model\n";
      return 2;
    }
    llvm::outs() << racetrack::toJson(*device);
    return 0;
  }
  if (modelPathOpt.empty()) {
    llvm::errs() << "rtcc: error: no model given (see rtcc --help)\n";
    return 2;
  }
  auto opts = buildOptions(flags);
  if (!opts) {
    renderErrors(opts.takeError(), llvm::errs(), "rtcc");
    return 2;
  }

  auto graph = onnx::importModelFile(opts->modelPath, opts->import);
  if (!graph) {
    renderErrors(graph.takeError(), llvm::errs(), "rtcc");
    return 1;
  }
  Compiled compiled;
  if (opts->runPipeline) {
    auto c = compileGraph(std::move(*graph), *opts);
    if (!c) {
      renderErrors(c.takeError(), llvm::errs(), "rtcc");
      return 1;
    }
    compiled = std::move(*c);
  } else {
    compiled.graph = std::move(*graph);
  }
  llvm::Error err = llvm::Error::success();
  switch (opts->action) {
  case Action::EmitIr:
    err = emitIr(compiled.graph, *opts);
    break;
  case Action::Reference:
    err = runReference(compiled.graph, *opts);
    break;
  case Action::Golden:
    err = runReference(compiled.graph, *opts);
    break;
  case Action::EmitAsm:
    err = emitAsm(compiled.graph, *device, *opts);
    break;
  case Action::Compile:
    err = compileToRtBin(compiled.graph, *device, *opts);
    break;
  case Action::Evaluate:
    err = runEvaluation(compiled, *opts);
    break;
  case Action::ReportPlacement:
    err = reportPlacement(compiled.graph, *device,
                          llvm::sys::path::stem(opts->modelPath), opts->lower,
                          llvm::outs());
    break;
  case Action::None:
    break;
  }
  if (err) {
    renderErrors(std::move(err), llvm::errs(), "rtcc");
    return 1;
  }
  return 0;
}

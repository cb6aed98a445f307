//===- bench/rtc-bench.cpp - Simulator and compiler performance benchmark -===//
//
// rtc-bench [MODEL_DIR...] [--calib C.npy] [--inputs X.npy] [--images N]
//           [--bits B] [--compile-reps R] [--json FILE]
//
// Measures, in one process and side by side (issue #4, "Performance"), for
// each model directory (holding model.onnx; default: the three committed
// Fashion-MNIST models):
//
//  * compile time: ONNX import + the default pipeline with calibration and
//    static quantization (as rtcc -o) + racetrack lowering + packing and
//    serializing the .rtbin in memory; the median of R repetitions;
//  * simulator wall time per inference, doing per input exactly what rtrun
//    does (create the machine state, load the memory image, quantize the
//    input into the host buffer, run, dequantize the outputs);
//  * simulated MACs per second: the profile's `macs` counter x N / the
//    simulator's total wall time;
//  * the float reference interpreter (the imported float graph) and the
//    integer golden model (the quantized graph) on the same inputs, and the
//    time ratios sim/float and sim/golden.
//
// The three engines are timed image by image in turn (sim, float, golden on
// image i, then image i+1), so that a slow phase of a noisy machine hits all
// of them alike; the ratios are the figures to compare across machines.
// Every simulator output is compared bit for bit with the golden model's;
// any mismatch is printed and the exit code is 1 (a benchmark of a broken
// run measures nothing). Single-threaded; std::chrono::steady_clock.
//
// Prints Markdown tables to stdout; --json writes the same figures.
// Exit codes: 0 success, 1 a problem with the inputs, a compile or
// simulator error, or a sim/golden mismatch; 2 a usage error.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/FileIO.h"
#include "ir/Graph.h"
#include "ir/TensorFile.h"
#include "ir/reference/Interpreter.h"
#include "passes/PassManager.h"
#include "passes/Pipelines.h"
#include "runtime/sim/HostIO.h"
#include "runtime/sim/Simulator.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/isa/RtBin.h"
#include "targets/racetrack/lower/Lowering.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#ifndef RTC_BENCH_BUILD_TYPE
#define RTC_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef RTC_BENCH_SOURCE_DIR
#define RTC_BENCH_SOURCE_DIR "."
#endif

using namespace rtc;
using namespace rtc::racetrack;
namespace cl = llvm::cl;
using Clock = std::chrono::steady_clock;

namespace {

/// What the command line asks for.
struct BenchOptions {
  std::vector<std::string> modelDirs;
  std::string calibPath;
  std::string inputsPath;
  int64_t images = 200;
  int64_t bits = 8;
  int64_t compileReps = 5;
  std::string jsonPath;
};

/// Wall times of one compilation, in seconds.
struct CompileTimes {
  double import = 0;   ///< importModelFile
  double quantize = 0; ///< default pipeline incl. calibration and quantize
  double lower = 0;    ///< lowerToRacetrack
  double pack = 0;     ///< packRtBin + serializeRtBin (in memory)
  double total() const { return import + quantize + lower + pack; }
};

/// One compiled model and the graphs the interpreters run.
struct Compiled {
  Graph floatGraph{"float"}; ///< as imported (what rtcc --reference runs)
  Graph quantGraph{"quant"}; ///< after the pipeline (the golden model)
  CompiledModel model;
  size_t rtbinBytes = 0;
  CompileTimes times;
};

/// Where the simulator's time goes, in seconds (summed over images).
struct SimTimes {
  double setup = 0;   ///< machine state, memory image, quantized input
  double run = 0;     ///< sim::run
  double readout = 0; ///< dequantizing the host output buffers
};

/// Everything measured for one model.
struct ModelResult {
  std::string name;
  int64_t images = 0;
  int64_t compileReps = 0;
  CompileTimes compileMedian;    ///< per-stage medians
  double compileTotalMedian = 0; ///< median of the per-rep totals
  size_t insns = 0;
  size_t rtbinBytes = 0;
  uint64_t macsPerInference = 0;
  uint64_t simCycles = 0;
  double simSeconds = 0;    ///< total over the images
  SimTimes simParts;        ///< simSeconds split by phase
  double floatSeconds = 0;  ///< total over the images
  double goldenSeconds = 0; ///< total over the images
  int64_t mismatches = 0;   ///< images whose sim outputs differ from golden

  double perImageMs(double s) const { return s * 1e3 / double(images); }
  double simMacsPerSecond() const {
    return double(macsPerInference) * double(images) / simSeconds;
  }
};

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// Reads a float32 .npy of N x (sample dims) and splits it into N tensors of
/// \p sampleType (whose leading batch dim, if 1, is dropped when matching).
/// Takes at most \p limit samples (all if negative).
static llvm::Expected<std::vector<Tensor>>
readSamples(llvm::StringRef path, const TensorType &sampleType, int64_t limit) {
  auto nt = readTensorFile(path, nullptr);
  if (!nt)
    return nt.takeError();
  const Tensor &data = nt->tensor;
  llvm::ArrayRef<int64_t> want = sampleType.shape;
  if (!want.empty() && want[0] == 1)
    want = want.drop_front();
  llvm::ArrayRef<int64_t> got = data.getShape();
  if (data.getElemType() != DType::F32 || got.size() != want.size() + 1 ||
      got.drop_front() != want || got[0] < 1)
    return emitError(Location::inFile(path),
                     "expected a float32 array of shape Nx{} (N samples of "
                     "the model input {}), got {}",
                     formatShape(want), sampleType.str(), data.getType().str());
  int64_t n = limit < 0 ? got[0] : std::min(got[0], limit);
  return splitBatch(data, sampleType, n);
}

/// \returns the float32 input type of the single-input graph \p g.
static llvm::Expected<TensorType> getInputType(const Graph &g,
                                               llvm::StringRef modelPath) {
  if (g.getInputs().size() != 1)
    return emitError(Location::inFile(modelPath),
                     "rtc-bench feeds one input, but the model has {}",
                     g.getInputs().size());
  TensorType t = g.getType(g.getInputs()[0]);
  t.quant.reset();
  if (t.elemType != DType::F32)
    return emitError(Location::inFile(modelPath),
                     "the model input is {}, expected float32", t.str());
  return t;
}

//===----------------------------------------------------------------------===//
// Compile
//===----------------------------------------------------------------------===//

/// Compiles \p modelPath as `rtcc MODEL --calib C --bits B -o m.rtbin`
/// does, timing each stage. Reading the calibration file is not timed (it
/// is done once, before); writing the .rtbin is replaced by serializing it
/// in memory.
static llvm::Expected<Compiled> compileModel(llvm::StringRef modelPath,
                                             llvm::ArrayRef<Tensor> calib,
                                             int64_t bits,
                                             const DeviceConfig &device) {
  Compiled c;
  Clock::time_point t0 = Clock::now();
  auto graph = onnx::importModelFile(modelPath);
  if (!graph)
    return graph.takeError();
  c.times.import = secondsSince(t0);
  c.floatGraph = *graph; // untimed copy for the float reference

  CompileOptions options;
  options.quantize = true;
  options.quant.weightBits = bits;
  options.quant.activationBits = bits;
  options.calibration.assign(calib.begin(), calib.end());
  Clock::time_point t1 = Clock::now();
  PassManager pm; // rtcc's defaults (verify after every pass)
  buildDefaultPipeline(pm, options);
  PassContext ctx;
  if (auto err = pm.run(*graph, ctx))
    return err;
  c.times.quantize = secondsSince(t1);
  if (int64_t n = ctx.stats().get("quantize", "float-fallback"))
    return emitError(Location::inFile(modelPath),
                     "{} node(s) could not be quantized; the racetrack "
                     "target needs an integer graph",
                     n);

  Clock::time_point t2 = Clock::now();
  auto model =
      lowerToRacetrack(*graph, device, llvm::sys::path::stem(modelPath));
  if (!model)
    return model.takeError();
  c.times.lower = secondsSince(t2);

  Clock::time_point t3 = Clock::now();
  auto file = packRtBin(*model, device);
  if (!file)
    return file.takeError();
  std::string bytes = serializeRtBin(*file);
  c.times.pack = secondsSince(t3);

  c.rtbinBytes = bytes.size();
  c.quantGraph = std::move(*graph);
  c.model = std::move(*model);
  return c;
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

//===----------------------------------------------------------------------===//
// One inference on each engine
//===----------------------------------------------------------------------===//

/// The simulator side of a model: the model and its host I/O.
struct SimModel {
  const CompiledModel *model = nullptr;
  sim::HostIOLayout layout;
};

static llvm::Expected<SimModel> makeSimModel(const CompiledModel &model,
                                             llvm::StringRef name) {
  SimModel s{&model, sim::getHostIOLayout(model)};
  if (s.layout.inputs.size() > 1)
    return emitError(Location::inFile(name),
                     "rtc-bench feeds one input; the program has more");
  if (s.layout.inputs.empty() || !s.layout.inputs[0]->type.quant)
    return emitError(Location::inFile(name),
                     "the program has no quantized input tensor");
  return s;
}

/// One simulated inference, the same work rtrun does per input sample
/// (sim::runOnce, here in its three timed phases): fresh machine state,
/// memory image, quantized input, run, dequantized outputs (stored in
/// \p outputs, one vector per output entry).
static llvm::Expected<sim::Stats>
simulateOne(const SimModel &s, const DeviceConfig &cfg,
            llvm::ArrayRef<float> input,
            std::vector<std::vector<float>> &outputs, SimTimes &times,
            llvm::StringRef name) {
  Clock::time_point t0 = Clock::now();
  auto state = sim::prepareMachine(*s.model, cfg, s.layout, {input}, name);
  if (!state)
    return state.takeError();
  Clock::time_point t1 = Clock::now();
  auto stats = sim::run(s.model->program, *state, cfg, s.model->layers, name);
  if (!stats)
    return stats.takeError();
  Clock::time_point t2 = Clock::now();
  outputs = sim::dequantizeHostOutputs(s.layout, *state);
  times.setup += std::chrono::duration<double>(t1 - t0).count();
  times.run += std::chrono::duration<double>(t2 - t1).count();
  times.readout += secondsSince(t2);
  return stats;
}

/// Compares the simulator's outputs for image \p image with the golden
/// model's bit for bit (outputs paired by name). Prints each difference
/// (at most a few per image) to \p os. \returns true if they are equal.
static bool sameOutputs(const SimModel &s, const Graph &golden,
                        llvm::ArrayRef<Tensor> goldenOut,
                        llvm::ArrayRef<std::vector<float>> simOut,
                        int64_t image, llvm::StringRef model,
                        llvm::raw_ostream &os) {
  bool same = true;
  for (size_t k = 0; k < s.layout.outputs.size(); ++k) {
    const std::string &name = s.layout.outputs[k]->name;
    std::optional<size_t> g;
    for (size_t j = 0; j < golden.getOutputs().size(); ++j)
      if (golden.getValue(golden.getOutputs()[j]).name == name)
        g = j;
    if (!g || goldenOut[*g].getElemType() != DType::F32 ||
        size_t(goldenOut[*g].getNumElements()) != simOut[k].size()) {
      os << fmt::format("rtc-bench: {}: image {}: output '{}' has no golden "
                        "counterpart of the same size\n",
                        model.str(), image, name);
      return false;
    }
    llvm::ArrayRef<float> want = goldenOut[*g].getData<float>();
    int shown = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::memcmp(&want[i], &simOut[k][i], sizeof(float)) == 0)
        continue;
      same = false;
      if (shown++ < 4)
        os << fmt::format("rtc-bench: {}: image {}: output '{}'[{}]: sim "
                          "{} != golden {}\n",
                          model.str(), image, name, i, simOut[k][i], want[i]);
    }
  }
  return same;
}

//===----------------------------------------------------------------------===//
// One model
//===----------------------------------------------------------------------===//

static llvm::Expected<ModelResult> benchModel(llvm::StringRef dir,
                                              const BenchOptions &opts,
                                              const DeviceConfig &device) {
  ModelResult r;
  r.name = llvm::sys::path::filename(llvm::StringRef(dir).rtrim("/")).str();
  llvm::SmallString<256> modelPath(dir);
  llvm::sys::path::append(modelPath, "model.onnx");
  if (!llvm::sys::fs::exists(modelPath))
    return emitError(Location::inFile(dir), "no model.onnx in this directory");

  // The input type comes from a first import (untimed), which also tells
  // how to split the calibration and evaluation files.
  auto probe = onnx::importModelFile(modelPath);
  if (!probe)
    return probe.takeError();
  auto inType = getInputType(*probe, modelPath);
  if (!inType)
    return inType.takeError();
  auto calib = readSamples(opts.calibPath, *inType, -1);
  if (!calib)
    return calib.takeError();
  auto inputs = readSamples(opts.inputsPath, *inType, opts.images);
  if (!inputs)
    return inputs.takeError();
  if (int64_t(inputs->size()) < opts.images)
    return emitError(Location::inFile(opts.inputsPath),
                     "holds {} images; --images asks for {}", inputs->size(),
                     opts.images);
  r.images = opts.images;

  // Compile time: the median of R full compilations.
  std::optional<Compiled> compiled;
  std::vector<double> imports, quantizes, lowers, packs, totals;
  for (int64_t rep = 0; rep < opts.compileReps; ++rep) {
    auto c = compileModel(modelPath, *calib, opts.bits, device);
    if (!c)
      return c.takeError();
    imports.push_back(c->times.import);
    quantizes.push_back(c->times.quantize);
    lowers.push_back(c->times.lower);
    packs.push_back(c->times.pack);
    totals.push_back(c->times.total());
    if (!compiled)
      compiled = std::move(*c);
  }
  r.compileReps = opts.compileReps;
  r.compileMedian = {median(imports), median(quantizes), median(lowers),
                     median(packs)};
  r.compileTotalMedian = median(totals);
  r.insns = compiled->model.program.insns.size();
  r.rtbinBytes = compiled->rtbinBytes;

  auto simModel = makeSimModel(compiled->model, modelPath);
  if (!simModel)
    return simModel.takeError();
  const Graph &floatG = compiled->floatGraph, &quantG = compiled->quantGraph;

  // Warm-up (untimed): one inference per engine on the first image.
  std::vector<std::vector<float>> simOut;
  {
    const Tensor &x = (*inputs)[0];
    SimTimes ignored;
    auto stats = simulateOne(*simModel, device, x.getData<float>(), simOut,
                             ignored, modelPath);
    if (!stats)
      return stats.takeError();
    r.macsPerInference = stats->total.macs;
    r.simCycles = stats->total.cycles;
    if (auto f = interpret(floatG, llvm::ArrayRef(x)); !f)
      return f.takeError();
    if (auto g = interpret(quantG, llvm::ArrayRef(x)); !g)
      return g.takeError();
  }

  // Image by image: sim, float, golden; then check sim == golden.
  for (int64_t i = 0; i < r.images; ++i) {
    const Tensor &x = (*inputs)[size_t(i)];
    llvm::ArrayRef<float> xs = x.getData<float>();
    Clock::time_point t0 = Clock::now();
    auto stats =
        simulateOne(*simModel, device, xs, simOut, r.simParts, modelPath);
    r.simSeconds += secondsSince(t0);
    if (!stats)
      return stats.takeError();
    if (stats->total.macs != r.macsPerInference)
      return emitError(Location::inFile(modelPath),
                       "image {}: {} simulated MACs, but {} on the first "
                       "image; the program is static",
                       i, stats->total.macs, r.macsPerInference);

    Clock::time_point t1 = Clock::now();
    auto f = interpret(floatG, llvm::ArrayRef(x));
    r.floatSeconds += secondsSince(t1);
    if (!f)
      return f.takeError();

    Clock::time_point t2 = Clock::now();
    auto g = interpret(quantG, llvm::ArrayRef(x));
    r.goldenSeconds += secondsSince(t2);
    if (!g)
      return g.takeError();

    if (!sameOutputs(*simModel, quantG, *g, simOut, i, r.name, llvm::errs()))
      ++r.mismatches;
  }
  return r;
}

//===----------------------------------------------------------------------===//
// Reports
//===----------------------------------------------------------------------===//

/// Simulated MACs per second at or above this meet issue #4's floor.
constexpr double floorMacsPerSecond = 50e6;

/// \returns \p path relative to the source tree if it lies inside it (the
/// defaults do), so that the report reads the same on every checkout.
static std::string displayPath(llvm::StringRef path) {
  llvm::StringRef root(RTC_BENCH_SOURCE_DIR);
  if (path.starts_with(root) && path.drop_front(root.size()).starts_with("/"))
    return path.drop_front(root.size() + 1).str();
  return path.str();
}

static void printTables(llvm::raw_ostream &os, const BenchOptions &opts,
                        llvm::ArrayRef<ModelResult> results) {
  os << fmt::format(
      "rtc-bench: {} images of {} per model, w{}/a{}, calibration {}; "
      "single thread, steady_clock; build type {}\n\n",
      opts.images, displayPath(opts.inputsPath), opts.bits, opts.bits,
      displayPath(opts.calibPath), RTC_BENCH_BUILD_TYPE);
  os << "| model | MACs / inference | sim ms / inference | sim M MAC/s | "
        "float ref ms / inference | golden ms / inference | sim / float "
        "(time) | sim / golden (time) | sim = golden |\n";
  os << "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const ModelResult &r : results)
    os << fmt::format(
        "| {} | {} | {:.3f} | {:.1f} | {:.3f} | {:.3f} | {:.2f} | {:.2f} | "
        "{}/{} |\n",
        r.name, r.macsPerInference, r.perImageMs(r.simSeconds),
        r.simMacsPerSecond() / 1e6, r.perImageMs(r.floatSeconds),
        r.perImageMs(r.goldenSeconds), r.simSeconds / r.floatSeconds,
        r.simSeconds / r.goldenSeconds, r.images - r.mismatches, r.images);

  os << fmt::format("\nCompile time (median of {} repetitions, ms):\n\n",
                    opts.compileReps);
  os << "| model | import ms | quantize ms | lower ms | pack .rtbin ms | "
        "compile total ms | instructions | .rtbin bytes |\n";
  os << "|---|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const ModelResult &r : results) {
    const CompileTimes &c = r.compileMedian;
    os << fmt::format("| {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | "
                      "{} | {} |\n",
                      r.name, c.import * 1e3, c.quantize * 1e3, c.lower * 1e3,
                      c.pack * 1e3, r.compileTotalMedian * 1e3, r.insns,
                      r.rtbinBytes);
  }

  os << "\nSimulator time by phase (ms / inference; setup = machine state, "
        "memory image and quantized input, as rtrun does per input):\n\n";
  os << "| model | setup ms | sim::run ms | read outputs ms | instructions | "
        "ns / instruction (sim::run) |\n";
  os << "|---|--:|--:|--:|--:|--:|\n";
  for (const ModelResult &r : results) {
    const SimTimes &t = r.simParts;
    os << fmt::format("| {} | {:.3f} | {:.3f} | {:.4f} | {} | {:.1f} |\n",
                      r.name, r.perImageMs(t.setup), r.perImageMs(t.run),
                      r.perImageMs(t.readout), r.insns,
                      t.run * 1e9 / double(r.images) / double(r.insns));
  }

  std::vector<std::string> below;
  for (const ModelResult &r : results)
    if (r.simMacsPerSecond() < floorMacsPerSecond)
      below.push_back(r.name);
  os << "\nsim / float and sim / golden are wall-time ratios (above 1: the "
        "simulator is slower). ";
  if (below.empty())
    os << "Every model meets the floor of 50 M simulated MACs/s.\n";
  else
    os << fmt::format("BELOW the floor of 50 M simulated MACs/s: {}.\n",
                      fmt::join(below, ", "));
}

static llvm::json::Value toJson(const BenchOptions &opts,
                                llvm::ArrayRef<ModelResult> results) {
  llvm::json::Array models;
  for (const ModelResult &r : results) {
    const CompileTimes &c = r.compileMedian;
    models.push_back(llvm::json::Object{
        {"model", r.name},
        {"images", r.images},
        {"macs_per_inference", int64_t(r.macsPerInference)},
        {"sim_cycles_per_inference", int64_t(r.simCycles)},
        {"sim_ms_per_inference", r.perImageMs(r.simSeconds)},
        {"sim_macs_per_second", r.simMacsPerSecond()},
        {"sim_phase_ms_per_inference",
         llvm::json::Object{
             {"setup", r.perImageMs(r.simParts.setup)},
             {"run", r.perImageMs(r.simParts.run)},
             {"read_outputs", r.perImageMs(r.simParts.readout)}}},
        {"float_ms_per_inference", r.perImageMs(r.floatSeconds)},
        {"golden_ms_per_inference", r.perImageMs(r.goldenSeconds)},
        {"sim_over_float", r.simSeconds / r.floatSeconds},
        {"sim_over_golden", r.simSeconds / r.goldenSeconds},
        {"mismatches", r.mismatches},
        {"compile_reps", r.compileReps},
        {"compile_ms",
         llvm::json::Object{{"import", c.import * 1e3},
                            {"quantize", c.quantize * 1e3},
                            {"lower", c.lower * 1e3},
                            {"pack", c.pack * 1e3},
                            {"total", r.compileTotalMedian * 1e3}}},
        {"instructions", int64_t(r.insns)},
        {"rtbin_bytes", int64_t(r.rtbinBytes)},
        {"meets_floor", r.simMacsPerSecond() >= floorMacsPerSecond}});
  }
  return llvm::json::Object{{"images", opts.images},
                            {"bits", opts.bits},
                            {"inputs", displayPath(opts.inputsPath)},
                            {"calibration", displayPath(opts.calibPath)},
                            {"build_type", RTC_BENCH_BUILD_TYPE},
                            {"floor_macs_per_second", floorMacsPerSecond},
                            {"models", std::move(models)}};
}

static llvm::Error writeJson(const BenchOptions &opts,
                             llvm::ArrayRef<ModelResult> results) {
  return writeFile(
      opts.jsonPath,
      [&](llvm::raw_ostream &os) {
        os << llvm::formatv("{0:2}", toJson(opts, results)) << "\n";
      },
      /*text=*/true);
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

static std::string testdataPath(llvm::StringRef rel) {
  llvm::SmallString<256> p(RTC_BENCH_SOURCE_DIR);
  llvm::sys::path::append(p, "testdata", rel);
  return std::string(p);
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::OptionCategory category("rtc-bench options");
  cl::list<std::string> dirsOpt(
      cl::Positional,
      cl::desc("[model-dir...] (each holds model.onnx; "
               "default: the three committed models)"),
      cl::cat(category));
  cl::opt<std::string> calibOpt(
      "calib", cl::value_desc("file.npy"),
      cl::desc("Calibration inputs (default: testdata/fashion_mnist/"
               "calib.npy)"),
      cl::init(testdataPath("fashion_mnist/calib.npy")), cl::cat(category));
  cl::opt<std::string> inputsOpt(
      "inputs", cl::value_desc("file.npy"),
      cl::desc("Inference inputs, N x input shape (default: "
               "testdata/fashion_mnist/eval_x.npy)"),
      cl::init(testdataPath("fashion_mnist/eval_x.npy")), cl::cat(category));
  cl::opt<int64_t> imagesOpt("images", cl::value_desc("N"),
                             cl::desc("Time the first N inputs (default 200)"),
                             cl::init(200), cl::cat(category));
  cl::opt<int64_t> bitsOpt(
      "bits", cl::value_desc("B"),
      cl::desc("Weight and activation bits, 2..8 (default 8)"), cl::init(8),
      cl::cat(category));
  cl::opt<int64_t> repsOpt(
      "compile-reps", cl::value_desc("R"),
      cl::desc("Compilations per model; the median is reported (default 5)"),
      cl::init(5), cl::cat(category));
  cl::opt<std::string> jsonOpt("json", cl::value_desc("file"),
                               cl::desc("Also write the figures as JSON"),
                               cl::cat(category));
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "rtc-bench: compile time, simulator speed and interpreter "
          "speed of racetrack models, measured side by side\n",
          &llvm::errs()))
    return 2;

  BenchOptions opts;
  opts.modelDirs.assign(dirsOpt.begin(), dirsOpt.end());
  if (opts.modelDirs.empty())
    for (const char *m : {"lenet5", "lenet5_k3_wide", "dwres"})
      opts.modelDirs.push_back(testdataPath(std::string("models/") + m));
  opts.calibPath = calibOpt;
  opts.inputsPath = inputsOpt;
  opts.images = imagesOpt;
  opts.bits = bitsOpt;
  opts.compileReps = repsOpt;
  opts.jsonPath = jsonOpt;
  if (opts.images < 1 || opts.bits < 2 || opts.bits > 8 ||
      opts.compileReps < 1) {
    llvm::errs() << "rtc-bench: error: --images and --compile-reps must be "
                    "at least 1 and --bits in 2..8\n";
    return 2;
  }
  if (llvm::StringRef(RTC_BENCH_BUILD_TYPE) != "Release")
    llvm::errs() << "rtc-bench: warning: build type " RTC_BENCH_BUILD_TYPE
                    " (not Release); timings are not representative\n";

  DeviceConfig device = getDefaultConfig();
  std::vector<ModelResult> results;
  int64_t mismatches = 0;
  for (const std::string &dir : opts.modelDirs) {
    auto r = benchModel(dir, opts, device);
    if (!r) {
      renderErrors(r.takeError(), llvm::errs(), "rtc-bench");
      return 1;
    }
    mismatches += r->mismatches;
    results.push_back(std::move(*r));
  }
  printTables(llvm::outs(), opts, results);
  if (!opts.jsonPath.empty())
    if (auto err = writeJson(opts, results)) {
      renderErrors(std::move(err), llvm::errs(), "rtc-bench");
      return 1;
    }
  if (mismatches) {
    llvm::errs() << fmt::format("rtc-bench: error: {} image(s) where the "
                                "simulator differs from the golden model\n",
                                mismatches);
    return 1;
  }
  return 0;
}

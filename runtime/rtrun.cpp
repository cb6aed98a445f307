//===- runtime/rtrun.cpp - Run a compiled .rtbin on the simulator ---------===//
//
// rtrun MODEL.rtbin INPUT [-o OUT.npy] [--config FILE] [--set k=v]...
//       [--labels Y.npy] [--profile-json FILE] [--csv FILE] [--trace FILE]
//       [--top K]
//
// Loads an .rtbin (RtBin.h), checks it was compiled for the hardware config
// given here (default, --config, --set; exactly as rtcc builds it), decodes
// the program (ProgramFile.h) and runs it on the bit-exact simulator once
// per input sample, with the host I/O convention of docs/isa.md
// (runtime/sim/HostIO.h: quantized inputs, dequantized outputs).
//
// Prints the top-K classes per sample (a summary for batches), a per-layer
// profile table and totals; --labels prints the accuracy; -o writes the
// dequantized outputs; --profile-json / --csv / --trace write the profile of
// one inference (the program is static, so every sample costs the same).
//
// Exit codes: 0 success, 1 a problem with the model or input files (or a
// simulator fault), 2 a usage error.
//
//===----------------------------------------------------------------------===//
#include "ir/Diagnostics.h"
#include "ir/FileIO.h"
#include "ir/TensorFile.h"
#include "runtime/sim/HostIO.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/isa/RtBin.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

using namespace rtc;
using namespace rtc::racetrack;
namespace cl = llvm::cl;

namespace {

/// What the run of every sample hands back to main.
struct RunResult {
  /// outputs[o] holds N x numElements(o) dequantized values.
  std::vector<std::vector<float>> outputs;
  sim::Stats stats;
};

llvm::Error fail(llvm::StringRef file, std::string msg) {
  return makeError(Location::inFile(file), std::move(msg));
}

} // namespace

/// \returns \p shape spelled "1x3x4" ("scalar" for rank 0).
static std::string shapeStr(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += 'x';
    s += fmt::format("{}", shape[i]);
  }
  return s;
}

/// Reads INPUT and checks it against \p entry: either exactly the input's
/// shape (\p isBatch false, N = 1) or N x (the shape without its batch
/// dimension). \returns the f32 values, N x numElements.
static llvm::Expected<std::vector<float>> readInput(llvm::StringRef path,
                                                    const TensorEntry &entry,
                                                    int64_t &numSamples,
                                                    bool &isBatch) {
  TensorType binType(DType::F32, entry.type.shape);
  auto read = readTensorFile(path, &binType);
  if (!read)
    return read.takeError();
  const Tensor &t = read->tensor;
  if (!isFloatDType(t.getElemType()))
    return fail(path,
                fmt::format("input has element type {}, but rtrun "
                            "expects float values (f32) for model "
                            "input '{}'",
                            getDTypeName(t.getElemType()).str(), entry.name));
  llvm::ArrayRef<int64_t> want = entry.type.shape, got = t.getShape();
  int64_t sampleSize = entry.type.getNumElements();
  llvm::ArrayRef<int64_t> rest = want.empty() ? want : want.drop_front();
  if (got == want) {
    numSamples = 1;
    isBatch = false;
  } else if (!want.empty() && want[0] == 1 && !got.empty() &&
             got.drop_front() == rest) {
    // N samples of the model's shape without its batch dim of 1.
    numSamples = got[0];
    isBatch = true;
  } else if (!got.empty() && got.drop_front() == want) {
    numSamples = got[0];
    isBatch = true;
  } else {
    return fail(path, fmt::format("input has shape {}, but model input "
                                  "'{}' has shape {}; expected that shape, "
                                  "or N x {}",
                                  shapeStr(got), entry.name, shapeStr(want),
                                  !want.empty() && want[0] != 1
                                      ? shapeStr(want)
                                  : rest.empty() ? "1"
                                                 : shapeStr(rest)));
  }
  if (numSamples < 1)
    return fail(path, "input batch is empty");
  std::vector<float> values(size_t(numSamples * sampleSize));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = float(t.getAsDouble(int64_t(i)));
  return values;
}

/// Runs every sample of \p input (one model input) through \p model, each
/// on a fresh machine (sim::runOnce).
static llvm::Expected<RunResult>
runSamples(const CompiledModel &model, const DeviceConfig &cfg,
           const TensorEntry &inEntry, llvm::ArrayRef<float> input,
           int64_t numSamples, llvm::StringRef fileName) {
  RunResult result;
  size_t sampleSize = size_t(inEntry.type.getNumElements());
  for (int64_t n = 0; n < numSamples; ++n) {
    llvm::ArrayRef<float> sample =
        input.slice(size_t(n) * sampleSize, sampleSize);
    // The counters do not depend on the data: time the first sample only.
    sim::RunOptions options;
    options.timing = n == 0;
    auto run = sim::runOnce(model, cfg, {sample}, fileName, options);
    if (!run)
      return run.takeError();
    if (n == 0) {
      result.stats = std::move(run->stats);
      result.outputs.resize(run->outputs.size());
    }
    for (size_t i = 0; i < run->outputs.size(); ++i)
      result.outputs[i].insert(result.outputs[i].end(), run->outputs[i].begin(),
                               run->outputs[i].end());
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Reports
//===----------------------------------------------------------------------===//

/// \returns the classes of \p scores sorted by descending score (ties: lower
/// class first).
static std::vector<size_t> rankClasses(llvm::ArrayRef<float> scores) {
  std::vector<size_t> order(scores.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

static void printPredictions(llvm::raw_ostream &os, const TensorEntry &out,
                             llvm::ArrayRef<float> values, int64_t numSamples,
                             unsigned topK) {
  size_t classes = values.size() / size_t(numSamples);
  const int64_t shown = 3;
  std::map<size_t, int64_t> histogram;
  for (int64_t n = 0; n < numSamples; ++n) {
    llvm::ArrayRef<float> s = values.slice(size_t(n) * classes, classes);
    std::vector<size_t> order = rankClasses(s);
    if (!order.empty())
      ++histogram[order[0]];
    if (n >= shown)
      continue;
    os << fmt::format("sample {} ({}):\n", n, out.name);
    for (size_t k = 0; k < std::min<size_t>(topK, order.size()); ++k)
      os << fmt::format("  class {}: {:.6f}\n", order[k], s[order[k]]);
  }
  if (numSamples > shown)
    os << fmt::format("... {} more samples\n", numSamples - shown);
  if (numSamples > 1) {
    os << "top-1 class histogram:\n";
    for (auto [cls, count] : histogram)
      os << fmt::format("  class {}: {}\n", cls, count);
  }
}

static std::string profileRow(llvm::StringRef name, llvm::StringRef op,
                              const sim::Counters &c) {
  return fmt::format(
      "{:<24} {:<12} {:>10} {:>10} {:>10} {:>12} {:>12} {:>14.3f} "
      "{:>14.3f}\n",
      name.str(), op.str(), c.shifts, c.reads, c.writes, c.macs, c.cycles,
      c.latencyNs, c.energyPj.total);
}

static void printProfile(llvm::raw_ostream &os, const sim::Stats &stats) {
  os << fmt::format("{:<24} {:<12} {:>10} {:>10} {:>10} {:>12} {:>12} {:>14} "
                    "{:>14}\n",
                    "layer", "op", "shifts", "reads", "writes", "macs",
                    "cycles", "latency_ns", "energy_pj");
  for (const sim::LayerStats &l : stats.layers)
    os << profileRow(l.name.empty() ? "<unnamed>" : l.name, l.op, l.counters);
  os << profileRow("total", "", stats.total);
  os << fmt::format("area_mm2: {:.6f}\n", stats.areaMm2);
}

static std::string csvField(llvm::StringRef s) {
  if (s.find_first_of(",\"\n") == llvm::StringRef::npos)
    return s.str();
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

static void writeCsv(llvm::raw_ostream &os, const sim::Stats &stats) {
  os << "name,op,first_insn,end_insn,shift_requests,shifts,bit_shifts,reads,"
        "writes,macs,transfers,host_words,insns,cycles,busy_cycles,latency_ns,"
        "energy_pj\n";
  for (const sim::LayerStats &l : stats.layers) {
    const sim::Counters &c = l.counters;
    os << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                      csvField(l.name), csvField(l.op), l.firstInsn, l.endInsn,
                      c.shiftRequests, c.shifts, c.bitShifts, c.reads, c.writes,
                      c.macs, c.transfers, c.hostWords, c.insns, c.cycles,
                      c.busyCycles, c.latencyNs, c.energyPj.total);
  }
}

/// Chrome trace (Perfetto loads it too), simulated time in microseconds:
/// thread 0 "layers" has one slice per layer from its first instruction's
/// start to its last one's end; thread 1 + u has one slice per layer per
/// unit u of the timing model (a bank's MUs, the vector unit, the bus, the
/// host port) it used, with the busy cycles as an argument. Instructions
/// outside every layer are not shown.
static void writeTrace(llvm::raw_ostream &os, const sim::Stats &stats,
                       const racetrack::DeviceConfig &cfg) {
  llvm::json::Array events;
  auto us = [&](uint64_t cycles) {
    return double(cycles) * cfg.clockNs / 1000.0;
  };
  auto threadName = [&](int64_t tid, llvm::StringRef name) {
    events.push_back(llvm::json::Object{
        {"name", "thread_name"},
        {"ph", "M"},
        {"pid", 1},
        {"tid", tid},
        {"args", llvm::json::Object{{"name", name}}}});
  };
  threadName(0, "layers");
  for (size_t u = 0; u < stats.unitNames.size(); ++u)
    threadName(int64_t(u) + 1, stats.unitNames[u]);
  for (const sim::LayerStats &l : stats.layers) {
    if (l.counters.insns == 0)
      continue;
    std::string name = l.name.empty() ? "<unnamed>" : l.name;
    events.push_back(llvm::json::Object{
        {"name", name},
        {"cat", l.op},
        {"ph", "X"},
        {"ts", us(l.firstCycle)},
        {"dur", us(l.endCycle - l.firstCycle)},
        {"pid", 1},
        {"tid", 0},
        {"args",
         llvm::json::Object{{"macs", int64_t(l.counters.macs)},
                            {"shifts", int64_t(l.counters.shifts)},
                            {"cycles", int64_t(l.counters.cycles)},
                            {"energy_pj", l.counters.energyPj.total}}}});
    for (size_t u = 0; u < l.units.size(); ++u) {
      const sim::UnitSpan &span = l.units[u];
      if (!span.used())
        continue;
      events.push_back(llvm::json::Object{
          {"name", name},
          {"cat", l.op},
          {"ph", "X"},
          {"ts", us(span.firstCycle)},
          {"dur", us(span.endCycle - span.firstCycle)},
          {"pid", 1},
          {"tid", int64_t(u) + 1},
          {"args",
           llvm::json::Object{{"busy_cycles", int64_t(span.busyCycles)}}}});
    }
  }
  llvm::json::Value trace(
      llvm::json::Object{{"traceEvents", std::move(events)}});
  os << llvm::formatv("{0:2}", trace) << "\n";
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

/// Builds the hardware config from \p configPath and \p sets exactly as
/// rtcc does. \returns the config, or std::nullopt after reporting the
/// error, with \p exitCode set (racetrack::loadConfigWithOverrides).
static std::optional<DeviceConfig>
buildDeviceConfig(const std::string &configPath,
                  const std::vector<std::string> &sets, int &exitCode) {
  auto cfg = loadConfigWithOverrides(configPath, sets,
                                     /*validateResult=*/true, exitCode);
  if (!cfg) {
    renderErrors(cfg.takeError(), llvm::errs(), "rtrun");
    return std::nullopt;
  }
  return *cfg;
}

/// Reads the labels of \p numSamples samples from an integer tensor file.
static llvm::Expected<std::vector<int64_t>> readLabels(llvm::StringRef path,
                                                       int64_t numSamples) {
  auto read = readTensorFile(path, nullptr);
  if (!read)
    return read.takeError();
  const Tensor &t = read->tensor;
  if (!isIntegerDType(t.getElemType()))
    return fail(path, fmt::format("labels have element type {}; expected "
                                  "integer class indices",
                                  t.getType().str()));
  if (t.getNumElements() != numSamples)
    return fail(path, fmt::format("{} labels for {} input samples",
                                  t.getNumElements(), numSamples));
  std::vector<int64_t> labels(static_cast<size_t>(numSamples));
  for (int64_t i = 0; i < numSamples; ++i)
    labels[size_t(i)] = t.getAsInt64(i);
  return labels;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::OptionCategory category("rtrun options");
  cl::opt<std::string> modelOpt(cl::Positional, cl::Required,
                                cl::desc("<model.rtbin>"), cl::cat(category));
  cl::opt<std::string> inputOpt(cl::Positional, cl::Required,
                                cl::desc("<input.npy|.pb|.bin>"),
                                cl::cat(category));
  cl::opt<std::string> outputOpt("o", cl::value_desc("out.npy"),
                                 cl::desc("Write the dequantized f32 outputs"),
                                 cl::cat(category));
  cl::opt<std::string> configOpt("config", cl::value_desc("file.json"),
                                 cl::desc("Hardware config (JSON)"),
                                 cl::cat(category));
  cl::list<std::string> setOpt("set", cl::value_desc("key=value"),
                               cl::desc("Override one config field"),
                               cl::cat(category));
  cl::opt<std::string> labelsOpt(
      "labels", cl::value_desc("labels.npy"),
      cl::desc("Class labels of the batch; prints the accuracy"),
      cl::cat(category));
  cl::opt<std::string> profileJsonOpt(
      "profile-json", cl::value_desc("file"),
      cl::desc("Write the profile of one inference as JSON"),
      cl::cat(category));
  cl::opt<std::string> csvOpt("csv", cl::value_desc("file"),
                              cl::desc("Write the per-layer profile as CSV"),
                              cl::cat(category));
  cl::opt<std::string> traceOpt(
      "trace", cl::value_desc("file"),
      cl::desc("Write a Chrome trace (one slice per layer per unit)"),
      cl::cat(category));
  cl::opt<unsigned> topOpt("top", cl::init(5),
                           cl::desc("Classes to print per sample"),
                           cl::cat(category));
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "rtrun: run a compiled .rtbin on the racetrack simulator\n",
          &llvm::errs()))
    return 2;

  int configExit = 0;
  std::vector<std::string> sets(setOpt.begin(), setOpt.end());
  auto cfg = buildDeviceConfig(configOpt, sets, configExit);
  if (!cfg)
    return configExit;

  auto report = [](llvm::Error err) {
    renderErrors(std::move(err), llvm::errs(), "rtrun");
    return 1;
  };
  auto file = readRtBinFile(modelOpt);
  if (!file)
    return report(file.takeError());
  if (auto err = checkConfigHash(*file, hashConfig(*cfg), modelOpt))
    return report(std::move(err));
  auto model = unpackRtBin(*file, modelOpt);
  if (!model)
    return report(model.takeError());
  if (auto err = sim::checkHostTensors(*model, *cfg, modelOpt))
    return report(std::move(err));

  sim::HostIOLayout layout = sim::getHostIOLayout(*model);
  if (layout.inputs.size() != 1)
    return report(fail(modelOpt, fmt::format("model has {} inputs; rtrun "
                                             "feeds exactly one",
                                             layout.inputs.size())));
  const TensorEntry *inEntry = layout.inputs[0];
  if (!inEntry->type.quant)
    return report(fail(modelOpt, fmt::format("model input '{}' has no "
                                             "quantization parameters",
                                             inEntry->name)));
  int64_t numSamples = 1;
  bool isBatch = false;
  auto input = readInput(inputOpt, *inEntry, numSamples, isBatch);
  if (!input)
    return report(input.takeError());
  std::optional<std::vector<int64_t>> labels;
  if (!labelsOpt.empty()) {
    auto read = readLabels(labelsOpt, numSamples);
    if (!read)
      return report(read.takeError());
    labels = std::move(*read);
  }

  auto result =
      runSamples(*model, *cfg, *inEntry, *input, numSamples, modelOpt);
  if (!result)
    return report(result.takeError());

  const std::vector<const TensorEntry *> &outputs = layout.outputs;
  llvm::raw_ostream &os = llvm::outs();
  for (size_t i = 0; i < outputs.size(); ++i)
    printPredictions(os, *outputs[i], result->outputs[i], numSamples, topOpt);
  if (labels && !outputs.empty()) {
    llvm::ArrayRef<float> values = result->outputs[0];
    size_t classes = values.size() / size_t(numSamples);
    int64_t correct = 0;
    for (int64_t n = 0; n < numSamples; ++n) {
      std::vector<size_t> order =
          rankClasses(values.slice(size_t(n) * classes, classes));
      if (!order.empty() && int64_t(order[0]) == (*labels)[size_t(n)])
        ++correct;
    }
    os << fmt::format("accuracy: {:.3f} ({}/{})\n",
                      double(correct) / double(numSamples), correct,
                      numSamples);
  }
  printProfile(os, result->stats);

  if (!outputOpt.empty() && !outputs.empty()) {
    std::vector<int64_t> shape(outputs[0]->type.shape.begin(),
                               outputs[0]->type.shape.end());
    if (isBatch) {
      if (!shape.empty() && shape[0] == 1)
        shape.erase(shape.begin());
      shape.insert(shape.begin(), numSamples);
    }
    Tensor t = Tensor::fromValues<float>(shape, result->outputs[0]);
    if (auto err = writeTensorFile(outputOpt, t, outputs[0]->name))
      return report(std::move(err));
  }
  if (!profileJsonOpt.empty())
    if (auto err = writeFile(
            profileJsonOpt,
            [&](llvm::raw_ostream &o) {
              sim::printStatsJson(o, result->stats, *cfg);
            },
            /*text=*/true))
      return report(std::move(err));
  if (!csvOpt.empty())
    if (auto err = writeFile(
            csvOpt,
            [&](llvm::raw_ostream &o) { writeCsv(o, result->stats); },
            /*text=*/true))
      return report(std::move(err));
  if (!traceOpt.empty())
    if (auto err = writeFile(
            traceOpt,
            [&](llvm::raw_ostream &o) { writeTrace(o, result->stats, *cfg); },
            /*text=*/true))
      return report(std::move(err));
  return 0;
}

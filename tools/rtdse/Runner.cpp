//===- tools/rtdse/Runner.cpp - Running a sweep
//----------------------------===//
//
// Inputs, the per-(model, bits) work, the per-point work and the thread
// pool of runSweep (Runner.h). The libraries it calls (import, passes,
// reference interpreter, lowering, placement, simulator) keep no global
// mutable state, so points run concurrently on shared read-only graphs.
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Runner.h"

#include "tools/rtdse/Points.h"
#include "tools/rtdse/Progress.h"
#include "tools/rtdse/Report.h"
#include "tools/rtdse/Results.h"

#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/Graph.h"
#include "ir/TensorFile.h"
#include "ir/reference/Interpreter.h"
#include "passes/PassManager.h"
#include "passes/Pipelines.h"
#include "runtime/sim/HostIO.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/lower/Lowering.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

using namespace llvm;
using namespace rtc;
using namespace rtc::dse;
using Clock = std::chrono::steady_clock;

namespace {
/// One imported model and its data, split into samples of its input type.
struct ModelData {
  Graph floatGraph{"model"};
  std::vector<Tensor> calib;
  std::vector<Tensor> eval;
};

/// The quantized graph of one (model, bits) pair and its golden figures.
struct QuantData {
  std::string error; ///< Non-empty if quantization or evaluation failed.
  Graph graph{"quantized"};
  int64_t correct = 0;
  /// Per evaluation sample, the golden model's outputs (only kept for
  /// --check-accuracy-sim).
  std::vector<std::vector<Tensor>> goldenOutputs;
};

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
} // namespace

/// Runs \p body(i) for i in [0, n) on \p jobs threads (the caller's thread
/// is one of them). Each index runs exactly once.
static void parallelFor(size_t n, unsigned jobs,
                        function_ref<void(size_t)> body) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++)
      body(i);
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::min<size_t>(jobs, n); ++t)
    threads.emplace_back(worker);
  worker();
  for (std::thread &t : threads)
    t.join();
}

static std::string errorText(Error err) {
  std::string text = toString(std::move(err));
  StringRef trimmed = StringRef(text).trim();
  return trimmed.str();
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// Splits \p data (N x sample dims, float32) into at most \p limit samples
/// of \p type (limit < 0: all).
static Expected<std::vector<Tensor>> splitSamples(const Tensor &data,
                                                  const TensorType &type,
                                                  int64_t limit, StringRef path,
                                                  StringRef modelPath) {
  ArrayRef<int64_t> want = type.shape;
  if (!want.empty() && want[0] == 1)
    want = want.drop_front();
  ArrayRef<int64_t> got = data.getShape();
  if (data.getElemType() != DType::F32 || got.size() != want.size() + 1 ||
      got.drop_front() != want || got[0] < 1)
    return emitError(Location::inFile(path),
                     "expected a float32 array of shape Nx{} (N samples of "
                     "the input {} of {}), got {}",
                     formatShape(want), type.str(), modelPath.str(),
                     data.getType().str());
  int64_t n = limit < 0 ? got[0] : std::min(got[0], limit);
  return splitBatch(data, type, n);
}

static Expected<Tensor> readTensor(StringRef path) {
  auto nt = readTensorFile(path, nullptr);
  if (!nt)
    return nt.takeError();
  return std::move(nt->tensor);
}

/// Reads \p count labels (int64 or int32, 1-D, one per evaluation sample of
/// the file, \p fileSamples).
static Expected<std::vector<int64_t>>
readLabels(StringRef path, int64_t fileSamples, int64_t count) {
  auto t = readTensor(path);
  if (!t)
    return t.takeError();
  if ((t->getElemType() != DType::I64 && t->getElemType() != DType::I32) ||
      t->getShape().size() != 1 || t->getShape()[0] != fileSamples)
    return emitError(Location::inFile(path),
                     "expected a 1-D int64 or int32 array of {} labels (one "
                     "per --eval sample), got {}",
                     fileSamples, t->getType().str());
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < count; ++i)
    labels.push_back(t->getAsInt64(i));
  return labels;
}

/// Imports every model and splits the data sets for it.
static Expected<std::vector<ModelData>>
loadModels(Manifest &m, std::vector<int64_t> &labels) {
  auto eval = readTensor(m.eval.path);
  if (!eval)
    return eval.takeError();
  std::optional<Tensor> calib;
  if (m.calib.isGiven()) {
    auto c = readTensor(m.calib.path);
    if (!c)
      return c.takeError();
    calib = std::move(*c);
  }
  std::vector<ModelData> models;
  for (const ModelRef &ref : m.models) {
    auto graph = onnx::importModelFile(ref.file.path);
    if (!graph)
      return graph.takeError();
    if (graph->getInputs().size() != 1)
      return emitError(Location::inFile(ref.file.path),
                       "rtdse feeds one input, but the model has {}",
                       graph->getInputs().size());
    TensorType type = graph->getType(graph->getInputs()[0]);
    type.quant.reset();
    if (type.elemType != DType::F32)
      return emitError(Location::inFile(ref.file.path),
                       "the model input is {}, expected float32", type.str());
    ModelData data;
    auto evalSamples =
        splitSamples(*eval, type, m.evalLimit, m.eval.path, ref.file.path);
    if (!evalSamples)
      return evalSamples.takeError();
    data.eval = std::move(*evalSamples);
    if (calib) {
      auto c = splitSamples(*calib, type, -1, m.calib.path, ref.file.path);
      if (!c)
        return c.takeError();
      data.calib = std::move(*c);
    }
    data.floatGraph = std::move(*graph);
    models.push_back(std::move(data));
  }
  m.evalSamples = int64_t(models.front().eval.size());
  auto l = readLabels(m.labels.path, eval->getShape()[0], m.evalSamples);
  if (!l)
    return l.takeError();
  labels = std::move(*l);
  return models;
}

//===----------------------------------------------------------------------===//
// Per (model, bits): quantize and evaluate the golden model
//===----------------------------------------------------------------------===//

static QuantData quantizeAndEvaluate(const ModelData &model, int64_t bits,
                                     ArrayRef<int64_t> labels, bool keep) {
  QuantData q;
  q.graph = model.floatGraph;
  CompileOptions options;
  options.quantize = true;
  options.quant.weightBits = bits;
  options.quant.activationBits = bits;
  options.calibration = model.calib;
  PassManager pm; // rtcc's defaults (verify after every pass)
  buildDefaultPipeline(pm, options);
  PassContext ctx;
  if (Error err = pm.run(q.graph, ctx)) {
    q.error = "quantization failed: " + errorText(std::move(err));
    return q;
  }
  for (size_t s = 0; s < model.eval.size(); ++s) {
    auto outs = interpret(q.graph, ArrayRef(model.eval[s]));
    if (!outs) {
      q.error = fmt::format("golden model failed on sample {}: {}", s,
                            errorText(outs.takeError()));
      return q;
    }
    q.correct += argmaxElement((*outs)[0]) == labels[s];
    if (keep)
      q.goldenOutputs.push_back(std::move(*outs));
  }
  return q;
}

//===----------------------------------------------------------------------===//
// Per point
//===----------------------------------------------------------------------===//

/// Compares the simulator's outputs with the golden model's for one sample
/// (paired by name, bit for bit). \returns a description of the first
/// difference, or "" if equal. Sets \p prediction to the simulator's top-1.
static std::string compareWithGolden(const sim::HostIOLayout &layout,
                                     const sim::HostRunResult &run,
                                     const Graph &golden,
                                     ArrayRef<Tensor> goldenOut,
                                     int64_t &prediction) {
  prediction = -1;
  for (size_t k = 0; k < layout.outputs.size(); ++k) {
    const std::string &name = layout.outputs[k]->name;
    std::optional<size_t> g;
    for (size_t j = 0; j < golden.getOutputs().size(); ++j)
      if (golden.getValue(golden.getOutputs()[j]).name == name)
        g = j;
    if (!g || goldenOut[*g].getElemType() != DType::F32 ||
        size_t(goldenOut[*g].getNumElements()) != run.outputs[k].size())
      return fmt::format("output '{}' has no golden counterpart of the same "
                         "size",
                         name);
    ArrayRef<float> want = goldenOut[*g].getData<float>();
    for (size_t i = 0; i < want.size(); ++i)
      if (std::memcmp(&want[i], &run.outputs[k][i], sizeof(float)) != 0)
        return fmt::format("output '{}'[{}]: simulator {} != golden {}", name,
                           i, run.outputs[k][i], want[i]);
    if (*g == 0) {
      prediction = 0;
      for (size_t i = 1; i < want.size(); ++i)
        if (run.outputs[k][i] > run.outputs[k][size_t(prediction)])
          prediction = int64_t(i);
    }
  }
  return "";
}

/// Simulates every evaluation sample of \p p and compares with the golden
/// model. \returns "" or the first difference.
static std::string checkAgainstGolden(const racetrack::CompiledModel &model,
                                      const racetrack::DeviceConfig &cfg,
                                      const ModelData &data, const QuantData &q,
                                      ArrayRef<int64_t> labels,
                                      StringRef name) {
  sim::HostIOLayout layout = sim::getHostIOLayout(model);
  int64_t simCorrect = 0;
  for (size_t s = 0; s < data.eval.size(); ++s) {
    ArrayRef<float> input = data.eval[s].getData<float>();
    auto run = sim::runOnce(model, cfg, {input}, name);
    if (!run)
      return fmt::format("sample {}: {}", s, errorText(run.takeError()));
    int64_t prediction = -1;
    std::string diff = compareWithGolden(layout, *run, q.graph,
                                         q.goldenOutputs[s], prediction);
    if (!diff.empty())
      return fmt::format("sample {}: {}", s, diff);
    simCorrect += prediction == labels[s];
  }
  if (simCorrect != q.correct)
    return fmt::format("simulator accuracy {}/{} != golden {}/{}", simCorrect,
                       data.eval.size(), q.correct, data.eval.size());
  return "";
}

/// Compiles and simulates one point. \p checkError receives a simulator /
/// golden difference found by the check.
static PointResult runPoint(const Manifest &m, const Point &p,
                            const ModelData &data, const QuantData &q,
                            ArrayRef<int64_t> labels, bool check,
                            std::string &checkError) {
  PointResult r;
  r.id = getPointId(m, p);
  r.describe = describePoint(m, p);
  if (!q.error.empty()) {
    r.error = q.error;
    return r;
  }
  r.hasGolden = true;
  r.goldenCorrect = q.correct;
  r.samples = int64_t(data.eval.size());
  racetrack::DeviceConfig cfg = getPointConfig(m, p);
  const std::string &name = m.models[p.model].name;
  racetrack::LowerOptions lower;
  lower.placement = m.spec.placements[p.placement];
  lower.placeOptions.seed = m.placementSeed;

  Clock::time_point t0 = Clock::now();
  auto model = racetrack::lowerToRacetrack(q.graph, cfg, name, lower);
  if (!model) {
    r.error = errorText(model.takeError());
    return r;
  }
  auto file = racetrack::packRtBin(*model, cfg);
  if (!file) {
    r.error = errorText(file.takeError());
    return r;
  }
  double compileSeconds = secondsSince(t0);

  Clock::time_point t1 = Clock::now();
  ArrayRef<float> input = data.eval.front().getData<float>();
  auto run = sim::runOnce(*model, cfg, {input}, name);
  if (!run) {
    r.error = errorText(run.takeError());
    return r;
  }
  double simSeconds = secondsSince(t1);

  const sim::Counters &total = run->stats.total;
  Metrics &mt = r.metrics;
  mt.accuracy = double(q.correct) / double(data.eval.size());
  mt.macs = total.macs;
  mt.shifts = total.shifts;
  mt.cycles = total.cycles;
  mt.latencyNs = total.latencyNs;
  mt.energyPj = total.energyPj.total;
  mt.areaMm2 = run->stats.areaMm2;
  mt.compileSeconds = compileSeconds;
  mt.simSeconds = simSeconds;
  if (check)
    checkError = checkAgainstGolden(*model, cfg, data, q, labels, name);
  return r;
}

//===----------------------------------------------------------------------===//
// runSweep
//===----------------------------------------------------------------------===//

/// True if OUT/points/<id>.json holds a readable result for \p id.
static bool hasResult(StringRef outDir, StringRef id) {
  std::string path = getPointFilePath(outDir, id);
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return false;
  auto r = parsePointResult((*buf)->getBuffer(), path);
  if (!r) {
    consumeError(r.takeError());
    return false;
  }
  return r->id == id;
}

Expected<RunSummary> dse::runSweep(RunOptions &opts, raw_ostream &log) {
  Clock::time_point start = Clock::now();
  Manifest &m = opts.manifest;
  std::vector<int64_t> labels;
  auto models = loadModels(m, labels);
  if (!models)
    return models.takeError();
  if (std::error_code ec = sys::fs::create_directories(opts.outDir))
    return emitError(Location::inFile(opts.outDir), "cannot create: {}",
                     ec.message());
  if (Error err = writeManifestFile(m, opts.outDir))
    return err;

  // The shard's points, and which of them are already done.
  RunSummary summary;
  std::vector<Point> pending;
  for (Point &p : enumeratePoints(m)) {
    if (!isInShard(p, m.shard))
      continue;
    ++summary.points;
    if (hasResult(opts.outDir, getPointId(m, p)))
      ++summary.reused;
    else
      pending.push_back(std::move(p));
  }

  // Quantize and evaluate each (model, bits) pair a pending point needs.
  std::vector<std::pair<size_t, size_t>> pairs;
  for (const Point &p : pending)
    if (!is_contained(pairs, std::make_pair(p.model, p.bits)))
      pairs.push_back({p.model, p.bits});
  std::map<std::pair<size_t, size_t>, QuantData> quant;
  for (auto pair : pairs)
    quant[pair];
  Progress progress(log, opts.progressBar, opts.quiet);
  progress.start(pairs.size(), "quantized models evaluated");
  parallelFor(pairs.size(), opts.jobs, [&](size_t i) {
    auto [model, bits] = pairs[i];
    Clock::time_point t0 = Clock::now();
    QuantData &q = quant.at(pairs[i]);
    q = quantizeAndEvaluate((*models)[model], m.spec.bits[bits], labels,
                            opts.checkAccuracySim);
    std::string what = q.error.empty() ? fmt::format("golden top-1 {}/{}",
                                                     q.correct, m.evalSamples)
                                       : q.error;
    progress.finish(fmt::format("{} at {} bits: {} ({:.2f} s)",
                                m.models[model].name, m.spec.bits[bits], what,
                                secondsSince(t0)),
                    !q.error.empty());
  });
  progress.end();

  // The points.
  std::vector<std::string> checkErrors(pending.size());
  std::mutex errorMutex;
  Error writeError = Error::success();
  progress.start(pending.size(), "points");
  parallelFor(pending.size(), opts.jobs, [&](size_t i) {
    const Point &p = pending[i];
    Clock::time_point t0 = Clock::now();
    PointResult r =
        runPoint(m, p, (*models)[p.model], quant.at({p.model, p.bits}), labels,
                 opts.checkAccuracySim, checkErrors[i]);
    if (Error err = writePointFile(opts.outDir, r)) {
      std::lock_guard<std::mutex> lock(errorMutex);
      writeError = joinErrors(std::move(writeError), std::move(err));
    }
    progress.finish(fmt::format("{}: {} ({:.2f} s)", r.describe,
                                r.ok() ? std::string("ok") : r.error,
                                secondsSince(t0)),
                    !r.ok());
  });
  progress.end();
  if (writeError)
    return writeError;
  summary.computed = pending.size();

  ErrorList mismatches;
  if (opts.checkAccuracySim) {
    for (size_t i = 0; i < pending.size(); ++i) {
      if (!checkErrors[i].empty())
        mismatches.add(emitError(
            Location::unknown(),
            "--check-accuracy-sim: {}: the simulator differs from the golden "
            "model: {}",
            describePoint(m, pending[i]), checkErrors[i]));
    }
  }

  auto table = loadTable(m, {opts.outDir}, /*requireAll=*/true);
  if (!table)
    return table.takeError();
  for (const Row &row : table->rows)
    summary.failed += !row.result.ok();
  if (opts.checkAccuracySim) {
    for (const Row &row : table->rows)
      summary.checkedPoints +=
          row.result.ok() && any_of(pending, [&](const Point &p) {
            return p.index == row.point.index;
          });
    summary.checkedSamples = size_t(m.evalSamples);
  }
  if (Error err = writeReports(*table, opts.outDir))
    return err;
  if (!mismatches.empty())
    return mismatches.take();
  summary.seconds = secondsSince(start);
  return summary;
}

//===- tools/rtdse/rtdse.cpp - Design-space co-exploration driver ---------===//
//
//   rtdse MODEL.onnx... -o OUT --eval X.npy --labels Y.npy [--calib C.npy]
//         [--sweep KEY=V1,V2,...]... [--sweep-file F.json] [--bits 8,4,2]
//         [--placement ofu,auto] [--eval-limit N] [--config F] [--set K=V]...
//         [--jobs N] [--shard I/N] [--list-points] [--quiet]
//   rtdse --merge DIR... -o OUT
//
// Sweeps hardware config x model x bit width x placement and records per
// point accuracy, MACs, shifts, cycles, latency, energy, area and the wall
// times, then writes results.csv, pareto.csv, summary.md and three SVG
// plots (docs/dse.md). The command line is checked completely (every sweep
// value against the config's own parser) before any file is read.
//
// Exit codes: 0 success (failed points are results, not errors), 1 a
// problem with an input file, the output folder or the accuracy check,
// 2 a usage error (bad flags or sweep specs).
//
//===----------------------------------------------------------------------===//
#include "tools/rtdse/Manifest.h"
#include "tools/rtdse/Merge.h"
#include "tools/rtdse/Points.h"
#include "tools/rtdse/Report.h"
#include "tools/rtdse/Runner.h"
#include "tools/rtdse/Sweep.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <memory>
#include <set>

using namespace rtc;
using namespace rtc::dse;
namespace cl = llvm::cl;

static cl::OptionCategory dseCategory("rtdse options");

static cl::list<std::string>
    inputsOpt(cl::Positional,
              cl::desc("<model.onnx>... (or, with --merge, <folder>...)"),
              cl::cat(dseCategory));
static cl::opt<std::string>
    outOpt("o", cl::desc("Output folder (created; reused to resume)"),
           cl::value_desc("folder"), cl::cat(dseCategory));
static cl::list<std::string>
    sweepOpt("sweep",
             cl::desc("Sweep a hardware config key over a list of values "
                      "(repeatable), e.g. --sweep ports_per_track=1,2,4"),
             cl::value_desc("key=v1,v2,..."), cl::cat(dseCategory));
static cl::opt<std::string> sweepFileOpt(
    "sweep-file",
    cl::desc("JSON object of config keys to value arrays, e.g. "
             "{\"ports_per_track\": [1, 2, 4]}; swept before --sweep keys"),
    cl::value_desc("file.json"), cl::cat(dseCategory));
static cl::opt<std::string>
    bitsOpt("bits",
            cl::desc("Bit widths of weights and activations (default 8)"),
            cl::value_desc("8,4,2"), cl::init("8"), cl::cat(dseCategory));
static cl::opt<std::string> placementOpt(
    "placement",
    cl::desc("Placement strategies (ofu, liao, chen, shiftsreduce, "
             "interleave, exact, auto; default auto)"),
    cl::value_desc("ofu,auto"), cl::init("auto"), cl::cat(dseCategory));
static cl::opt<uint64_t> placementSeedOpt(
    "placement-seed",
    cl::desc("Seed of shiftsreduce's genetic refinement (default 1)"),
    cl::init(1), cl::cat(dseCategory));
static cl::opt<std::string>
    calibOpt("calib",
             cl::desc("Calibration inputs (float32 .npy, N x input shape "
                      "without batch); default: 16 random inputs"),
             cl::value_desc("c.npy"), cl::cat(dseCategory));
static cl::opt<std::string>
    evalOpt("eval",
            cl::desc("Evaluation inputs (float32 .npy, N x input "
                     "shape without batch)"),
            cl::value_desc("x.npy"), cl::cat(dseCategory));
static cl::opt<std::string>
    labelsOpt("labels", cl::desc("Labels of --eval (int64/int32 .npy)"),
              cl::value_desc("y.npy"), cl::cat(dseCategory));
static cl::opt<int64_t>
    evalLimitOpt("eval-limit",
                 cl::desc("Evaluate on the first N samples only (default: "
                          "all)"),
                 cl::value_desc("N"), cl::init(-1), cl::cat(dseCategory));
static cl::opt<std::string>
    configOpt("config", cl::desc("Base hardware config (default: built in)"),
              cl::value_desc("file.json"), cl::cat(dseCategory));
static cl::list<std::string>
    setOpt("set", cl::desc("Override one base config field (repeatable)"),
           cl::value_desc("key=value"), cl::cat(dseCategory));
static cl::opt<unsigned> jobsOpt("jobs",
                                 cl::desc("Points run in parallel (default 1)"),
                                 cl::value_desc("N"), cl::init(1),
                                 cl::cat(dseCategory));
static cl::alias jobsAlias("j", cl::desc("Alias for --jobs"),
                           cl::aliasopt(jobsOpt), cl::cat(dseCategory));
static cl::opt<std::string>
    shardOpt("shard",
             cl::desc("Run only points with index % N == I-1 (1 <= I <= N)"),
             cl::value_desc("I/N"), cl::cat(dseCategory));
static cl::opt<bool>
    mergeOpt("merge",
             cl::desc("Merge the result folders given as arguments into -o"),
             cl::cat(dseCategory));
static cl::opt<bool>
    listPointsOpt("list-points",
                  cl::desc("Print the points (of --shard) and their ids, "
                           "then exit"),
                  cl::cat(dseCategory));
static cl::opt<bool> quietOpt("quiet", cl::desc("No progress output on stderr"),
                              cl::cat(dseCategory));
static cl::alias quietAlias("q", cl::desc("Alias for --quiet"),
                            cl::aliasopt(quietOpt), cl::cat(dseCategory));
// A proof rather than a feature: simulates every evaluation sample at every
// computed point and fails unless the outputs equal the golden model's.
static cl::opt<bool> checkAccuracySimOpt(
    "check-accuracy-sim",
    cl::desc("Also simulate every evaluation sample at every point and fail "
             "if any output differs from the golden model"),
    cl::Hidden, cl::cat(dseCategory));

static llvm::Error usage(std::string message) {
  return makeError(Location::unknown(), std::move(message));
}

/// --merge: checks that no sweep flag is given and merges.
static int runMerge() {
  const cl::Option *sweepFlags[] = {std::addressof(sweepOpt),
                                    &sweepFileOpt,
                                    &bitsOpt,
                                    &placementOpt,
                                    &placementSeedOpt,
                                    &calibOpt,
                                    &evalOpt,
                                    &labelsOpt,
                                    &evalLimitOpt,
                                    &configOpt,
                                    std::addressof(setOpt),
                                    &jobsOpt,
                                    &shardOpt,
                                    &listPointsOpt,
                                    &checkAccuracySimOpt};
  for (const cl::Option *o : sweepFlags)
    if (o->getNumOccurrences()) {
      llvm::errs() << fmt::format("rtdse: error: --{} cannot be combined "
                                  "with --merge\n",
                                  o->ArgStr.str());
      return 2;
    }
  if (inputsOpt.empty() || outOpt.empty()) {
    llvm::errs() << "rtdse: error: --merge needs folders and -o OUT\n";
    return 2;
  }
  auto merged = mergeSweeps(inputsOpt, outOpt);
  if (!merged) {
    renderErrors(merged.takeError(), llvm::errs(), "rtdse");
    return 1;
  }
  llvm::outs() << fmt::format("rtdse: merged {} folders: {} points ({} "
                              "failed) into {}\n",
                              inputsOpt.size(), merged->points, merged->failed,
                              outOpt.getValue());
  return 0;
}

/// The base config from --config and --set (validated per sweep point, not
/// here). \p exitCode: 1 for a bad file, 2 for a bad --set.
static std::optional<racetrack::DeviceConfig> buildBaseConfig(int &exitCode) {
  std::vector<std::string> sets(setOpt.begin(), setOpt.end());
  auto cfg = racetrack::loadConfigWithOverrides(configOpt, sets,
                                                /*validateResult=*/false,
                                                exitCode);
  if (!cfg) {
    renderErrors(cfg.takeError(), llvm::errs(), "rtdse");
    return std::nullopt;
  }
  return *cfg;
}

/// Checks the flags and builds the sweep (everything but file hashes).
static llvm::Error buildSweep(const racetrack::DeviceConfig &base, Manifest &m,
                              bool &badSweepFile) {
  if (inputsOpt.empty())
    return usage("no model given (see rtdse --help)");
  if (outOpt.empty() && !listPointsOpt)
    return usage("no output folder: give -o OUT");
  if (evalOpt.empty() || labelsOpt.empty())
    return usage("--eval X.npy and --labels Y.npy are required (accuracy "
                 "is measured on them)");
  if (jobsOpt == 0)
    return usage("--jobs must be at least 1");
  if (evalLimitOpt == 0 || evalLimitOpt < -1)
    return usage("--eval-limit must be at least 1");
  m.base = base;
  std::vector<std::string> fixedKeys;
  for (const std::string &kv : setOpt)
    fixedKeys.push_back(llvm::StringRef(kv).split('=').first.trim().str());
  if (!sweepFileOpt.empty()) {
    auto buf = llvm::MemoryBuffer::getFile(sweepFileOpt, /*IsText=*/true);
    if (!buf) {
      badSweepFile = true;
      return emitError(Location::inFile(sweepFileOpt), "cannot read: {}",
                       buf.getError().message());
    }
    if (auto err = addSweepFile(m.spec, (*buf)->getBuffer(), sweepFileOpt, base,
                                fixedKeys))
      return err;
  }
  for (const std::string &arg : sweepOpt)
    if (auto err = addSweepArg(m.spec, arg, base, fixedKeys))
      return err;
  auto bits = parseBitsList(bitsOpt);
  if (!bits)
    return bits.takeError();
  m.spec.bits = *bits;
  auto placements = parsePlacementList(placementOpt);
  if (!placements)
    return placements.takeError();
  m.spec.placements = *placements;
  if (!shardOpt.empty()) {
    auto shard = parseShard(shardOpt);
    if (!shard)
      return shard.takeError();
    m.shard = *shard;
  }
  if (auto err = validateSweep(base, m.spec))
    return err;
  std::set<std::string> names;
  for (const std::string &path : inputsOpt) {
    std::string name = modelNameFromPath(path);
    if (!names.insert(name).second)
      return usage(fmt::format("two models are named '{}' (the file stem, "
                               "or the folder of a model.onnx); rename one",
                               name));
    m.models.push_back({name, {path, ""}});
  }
  m.calib.path = calibOpt;
  m.eval.path = evalOpt;
  m.labels.path = labelsOpt;
  m.evalLimit = evalLimitOpt;
  m.placementSeed = placementSeedOpt;
  return llvm::Error::success();
}

/// Fills the SHA-256 of every input file.
static llvm::Error hashInputs(Manifest &m) {
  std::vector<FileRef *> files{&m.eval, &m.labels};
  if (m.calib.isGiven())
    files.push_back(&m.calib);
  for (ModelRef &model : m.models)
    files.push_back(&model.file);
  for (FileRef *f : files) {
    auto hash = hashFile(f->path);
    if (!hash)
      return hash.takeError();
    f->sha256 = *hash;
  }
  return llvm::Error::success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::HideUnrelatedOptions(dseCategory);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "rtdse: design-space co-exploration of racetrack hardware, CNN "
          "variants, bit widths and placements (docs/dse.md)\n",
          &llvm::errs()))
    return 2;
  if (mergeOpt)
    return runMerge();

  int configExit = 0;
  auto base = buildBaseConfig(configExit);
  if (!base)
    return configExit;
  Manifest m;
  bool badSweepFile = false;
  if (auto err = buildSweep(*base, m, badSweepFile)) {
    renderErrors(std::move(err), llvm::errs(), "rtdse");
    return badSweepFile ? 1 : 2;
  }
  if (!m.calib.isGiven() && !quietOpt)
    llvm::errs() << "rtdse: warning: no --calib given: calibrating "
                    "activations on 16 random N(0,1) inputs\n";
  if (auto err = hashInputs(m)) {
    renderErrors(std::move(err), llvm::errs(), "rtdse");
    return 1;
  }
  if (listPointsOpt) {
    for (const Point &p : enumeratePoints(m))
      if (isInShard(p, m.shard))
        llvm::outs() << fmt::format("{} {} {}\n", p.index, getPointId(m, p),
                                    describePoint(m, p));
    return 0;
  }

  RunOptions opts;
  opts.manifest = m;
  opts.outDir = outOpt;
  opts.jobs = jobsOpt;
  opts.checkAccuracySim = checkAccuracySimOpt;
  opts.quiet = quietOpt;
  opts.progressBar = llvm::sys::Process::StandardErrIsDisplayed();
  auto summary = runSweep(opts, llvm::errs());
  if (!summary) {
    renderErrors(summary.takeError(), llvm::errs(), "rtdse");
    return 1;
  }
  size_t total = enumeratePoints(opts.manifest).size();
  std::string scope =
      m.shard.isWhole()
          ? fmt::format("{} points", total)
          : fmt::format("shard {}/{}: {} of {} points", m.shard.index,
                        m.shard.count, summary->points, total);
  llvm::outs() << fmt::format(
      "rtdse: {}: {} computed, {} reused, {} failed ({:.1f} s, {} job{})\n",
      scope, summary->computed, summary->reused, summary->failed,
      summary->seconds, opts.jobs, opts.jobs == 1 ? "" : "s");
  if (opts.checkAccuracySim)
    llvm::outs() << fmt::format(
        "rtdse: --check-accuracy-sim: simulator outputs == golden model on "
        "all {} samples at {} computed points (accuracy identical)\n",
        summary->checkedSamples, summary->checkedPoints);
  llvm::outs() << fmt::format("rtdse: wrote {} in {}\n",
                              llvm::join(getReportFileNames(), ", "),
                              opts.outDir);
  return 0;
}

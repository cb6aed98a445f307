//===- tests/conformance/BackendConformance.cpp - Racetrack e2e on ONNX ---===//
//
// rtc-backend-conformance compiles the ONNX backend test cases of the
// operators the racetrack backend is about (Conv, Gemm, MatMul, MaxPool,
// AveragePool, GlobalAveragePool, GlobalMaxPool; chosen by the op types in
// model.onnx, not by the case name) for several hardware configs, runs them
// on the bit-exact simulator and compares the dequantized outputs byte for
// byte with the integer golden model (the reference interpreter on the
// quantized graph).
//
// Per case: every graph input but the first is frozen to its test data (the
// weights of Conv/Gemm node tests are graph inputs); the graph goes through
// rtcc's default pipeline at 8 bits, calibrated on input_0 (as
// `rtcc --calib`); the golden outputs are interpret() of the quantized
// graph on input_0; then per config: lowerToRacetrack, packRtBin (program
// verifier, encoding) and unpackRtBin, the simulator with rtrun's host I/O
// (sim::runOnce, runtime/sim/HostIO.h), and a bytewise comparison.
//
// A case or config is SKIPPED for a reason printed with it: the frontend
// cannot import the model (unsupported op, opset, feature), the quantizer
// cannot handle it (non-f32 input, an error), or the backend rejects the
// quantized graph (its located error message, e.g. "op 'X' is not
// supported yet"). Everything after a successful lowering (an invalid
// program, a simulator fault, a wrong output word) is a FAILURE, and so is
// a backend message containing "internal error"; any failure makes the
// tool exit with status 1.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/FileIO.h"
#include "ir/Graph.h"
#include "ir/Printer.h"
#include "ir/reference/Interpreter.h"
#include "passes/PassManager.h"
#include "passes/Pipelines.h"
#include "runtime/sim/HostIO.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/lower/Lowering.h"
#include "tests/conformance/ConformanceUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <map>

using namespace rtc;
using namespace rtc::conformance;
using namespace rtc::racetrack;
namespace cl = llvm::cl;

static cl::OptionCategory category("rtc-backend-conformance options");
static cl::list<std::string>
    rootsOpt(cl::Positional, cl::OneOrMore,
             cl::desc("<dir>... (a test case, or a folder of test cases)"),
             cl::cat(category));
static cl::opt<std::string>
    summaryOpt("summary", cl::desc("Write a markdown summary to this file"),
               cl::value_desc("file.md"), cl::cat(category));
static cl::opt<std::string>
    filterOpt("filter",
              cl::desc("Only run cases whose name contains this string"),
              cl::value_desc("text"), cl::cat(category));
static cl::opt<bool> verboseOpt("v", cl::desc("Print every case's status"),
                                cl::cat(category));
static cl::opt<bool>
    printIrOpt("print-ir",
               cl::desc("Print each case's quantized graph (debugging)"),
               cl::cat(category));

/// The ONNX op types whose node tests this tool runs.
static const char *const selectedOps[] = {"Conv",         "Gemm",
                                          "MatMul",       "MaxPool",
                                          "AveragePool",  "GlobalAveragePool",
                                          "GlobalMaxPool"};

namespace {
/// One hardware config the cases are compiled for.
struct NamedConfig {
  std::string name; ///< "A", "B", ...
  std::string sets; ///< the --set overrides, for the report
  DeviceConfig cfg;
};

struct ConfigResult {
  Status status = Status::Pass;
  std::string reason;
  size_t numInsns = 0; ///< of the compiled program (-v)
};

struct CaseResult {
  std::string name; ///< "node/test_conv..."
  /// A skip or failure before lowering applies to every config.
  std::optional<ConfigResult> common;
  /// How far the golden model is from the case's float outputs (-v).
  std::string goldenNote;
  std::vector<ConfigResult> perConfig;
};
} // namespace

/// The configs every case is compiled for: the default (A), more ports and
/// an odd track count, i.e. other lanes per row (B), one port (C).
static llvm::Expected<std::vector<NamedConfig>> makeConfigs() {
  std::vector<NamedConfig> out;
  const std::pair<const char *, std::vector<const char *>> specs[] = {
      {"A", {}},
      {"B", {"ports_per_track=4", "tracks_per_mu=20"}},
      {"C", {"ports_per_track=1"}}};
  for (const auto &[name, sets] : specs) {
    NamedConfig nc;
    nc.name = name;
    nc.cfg = getDefaultConfig();
    for (const char *kv : sets) {
      if (auto err = applyOverride(nc.cfg, kv))
        return err;
      nc.sets += (nc.sets.empty() ? "" : " ") + std::string("--set ") + kv;
    }
    if (auto err = validate(nc.cfg))
      return err;
    if (nc.sets.empty())
      nc.sets = "default";
    out.push_back(std::move(nc));
  }
  return out;
}

/// \returns the frontend's reason to skip \p s, or "".
static std::string frontendSkip(const onnx::ModelSummary &s) {
  std::vector<std::string> unsupported = getUnsupportedOpTypes(s);
  if (!unsupported.empty())
    return "frontend: unsupported op " + llvm::join(unsupported, ", ");
  if (std::string opset = getOpsetProblem(s); !opset.empty())
    return "frontend: " + opset;
  if (!s.unsupportedFeatures.empty())
    return "frontend: " + llvm::join(s.unsupportedFeatures, ", ");
  return "";
}

/// Compiles \p g for \p nc, runs it on \p input and compares with
/// \p golden (the f32 outputs of the golden model).
static ConfigResult runConfig(const Graph &g, const NamedConfig &nc,
                              const Tensor &input,
                              llvm::ArrayRef<Tensor> golden,
                              llvm::StringRef caseDir) {
  std::string name = llvm::sys::path::filename(caseDir).str();
  ConfigResult r;
  auto failWith = [&](Status s, std::string reason) {
    r.status = s;
    r.reason = std::move(reason);
    return r;
  };
  auto lowered = lowerToRacetrack(g, nc.cfg, name);
  if (!lowered) {
    std::string text = errorText(lowered.takeError(), true);
    bool internal = text.find("internal error") != std::string::npos;
    return failWith(internal ? Status::Fail : Status::Skip, "backend: " + text);
  }
  auto packed = packRtBin(*lowered, nc.cfg);
  if (!packed)
    return failWith(Status::Fail,
                    "packRtBin: " + errorText(packed.takeError()));
  auto model = unpackRtBin(*packed, name);
  if (!model)
    return failWith(Status::Fail,
                    "unpackRtBin: " + errorText(model.takeError()));
  if (!(*model == *lowered))
    return failWith(Status::Fail, "the .rtbin does not round-trip");
  r.numInsns = model->program.insns.size();

  sim::HostIOLayout layout = sim::getHostIOLayout(*model);
  if (layout.inputs.size() != 1 || layout.outputs.size() != golden.size())
    return failWith(Status::Fail,
                    fmt::format("the model has {} inputs and {} outputs, the "
                                "golden model 1 and {}",
                                layout.inputs.size(), layout.outputs.size(),
                                golden.size()));
  std::vector<float> x(size_t(input.getNumElements()));
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(input.getAsDouble(int64_t(i)));
  auto run = sim::runOnce(*model, nc.cfg, {x}, name);
  if (!run)
    return failWith(Status::Fail, "simulator: " + errorText(run.takeError()));

  for (size_t i = 0; i < layout.outputs.size(); ++i) {
    const TensorEntry &o = *layout.outputs[i];
    const Tensor &want = golden[i];
    llvm::ArrayRef<int64_t> words = run->outputWords[i];
    llvm::ArrayRef<float> got = run->outputs[i];
    if (want.getElemType() != DType::F32 ||
        int64_t(words.size()) != want.getNumElements() || !o.type.quant)
      return failWith(Status::Fail,
                      fmt::format("output {}: golden {} vs device {}", i,
                                  want.getType().str(), o.type.str()));
    llvm::ArrayRef<float> wv = want.getData<float>();
    for (size_t k = 0; k < words.size(); ++k)
      if (std::memcmp(&got[k], &wv[k], sizeof(float)) != 0)
        return failWith(Status::Fail,
                        fmt::format("output {} differs first at flat index "
                                    "{}: golden {}, device {} (word {})",
                                    i, k, wv[k], got[k], words[k]));
  }
  return r;
}

/// \returns why the quantizer left the float nodes of \p g (after the
/// pipeline) in float, "" if there are none.
static std::string describeFloatNodes(const Graph &g) {
  std::vector<std::string> parts;
  for (NodeId id : g.getNodeIds()) {
    const Node &n = g.getNode(id);
    std::string what;
    if (n.results.size() != 1 || g.getType(n.results[0]).elemType != DType::F32)
      continue;
    if (n.kind == OpKind::Gemm) {
      const auto &a = n.getAttrs<GemmAttrs>();
      if (a.transA)
        what = "Gemm with transA = 1 (A transposed is an activation "
               "transpose)";
      else if (n.operands.size() > 2 &&
               g.getType(n.operands[2]).getRank() == 2 &&
               g.getType(n.operands[2]).shape[0] > 1)
        what = "Gemm with a matrix bias C " + g.getType(n.operands[2]).str() +
               " (qmatmul's bias is per output column)";
      else
        what = "Gemm";
    } else if (n.kind == OpKind::MatMul) {
      const TensorType &b = g.getType(n.operands[1]);
      what = b.getRank() > 2 ? "MatMul with a batched B " + b.str() +
                                   " (qmatmul takes a 2-D [K, N] weight)"
                             : "MatMul";
    } else if (n.kind != OpKind::Constant && n.kind != OpKind::Dequantize) {
      what = getOpMnemonic(n.kind).str();
    }
    if (!what.empty())
      parts.push_back(what);
  }
  return llvm::join(parts, ", ");
}

/// Imports and quantizes one case, then runs every config; never aborts.
static CaseResult runCase(llvm::StringRef dir, std::string name,
                          llvm::ArrayRef<NamedConfig> configs) {
  CaseResult r;
  r.name = std::move(name);
  auto common = [&](Status s, std::string reason) {
    r.common = ConfigResult{s, std::move(reason)};
    return r;
  };
  std::string modelPath = getModelPath(dir);
  auto summary = onnx::summarizeModelFile(modelPath);
  if (!summary)
    return common(Status::Fail, "summary: " + errorText(summary.takeError()));
  std::string skip = frontendSkip(*summary);
  if (!skip.empty())
    return common(Status::Skip, skip);

  std::string dataDir = getDataDir(dir);
  auto inputs = readTensors(dataDir, "input");
  if (!inputs)
    return common(Status::Fail,
                  "reading inputs: " + errorText(inputs.takeError()));
  if (inputs->empty() || inputs->size() != summary->inputNames.size())
    return common(Status::Fail,
                  fmt::format("{} input files for {} graph inputs",
                              inputs->size(), summary->inputNames.size()));
  // input_0 stays the graph input; the others (weights, bias) become
  // constants with their test data.
  onnx::ImportOptions options;
  options.inputShapes[summary->inputNames[0]] = llvm::SmallVector<int64_t, 4>(
      (*inputs)[0].getShape().begin(), (*inputs)[0].getShape().end());
  for (size_t i = 1; i < inputs->size(); ++i)
    options.frozenInputs[summary->inputNames[i]] = (*inputs)[i];
  auto graph = onnx::importModelFile(modelPath, options);
  if (!graph)
    return common(Status::Skip,
                  "frontend: " + errorText(graph.takeError(), true));
  if (graph->getInputs().size() != 1)
    return common(Status::Fail, "freezing left several graph inputs");
  const TensorType &inType = graph->getType(graph->getInputs()[0]);
  if (inType.elemType != DType::F32)
    return common(Status::Skip,
                  fmt::format("quantizer: the input is {}, but rtcc "
                              "quantizes (and calibrates) f32 inputs only",
                              inType.str()));

  CompileOptions compile;
  compile.quantize = true;
  compile.calibration = {(*inputs)[0]};
  PassManager pm;
  buildDefaultPipeline(pm, compile);
  PassContext ctx;
  if (auto err = pm.run(*graph, ctx))
    return common(Status::Skip,
                  "quantizer: " + errorText(std::move(err), true));
  if (printIrOpt)
    llvm::outs() << "// " << r.name << "\n"
                 << printGraphToString(*graph, {16, true, false});
  auto golden = interpret(*graph, {(*inputs)[0]});
  if (!golden)
    return common(Status::Fail,
                  "golden model: " + errorText(golden.takeError()));
  auto expected = readTensors(dataDir, "output");
  if (expected && expected->size() == golden->size()) {
    double worst = 0;
    for (size_t i = 0; i < golden->size(); ++i)
      for (int64_t k = 0; k < (*golden)[i].getNumElements(); ++k)
        worst = std::max(worst, std::fabs((*golden)[i].getAsDouble(k) -
                                          (*expected)[i].getAsDouble(k)));
    r.goldenNote =
        fmt::format("golden vs ONNX float outputs: max |diff| {:.4g}", worst);
  } else if (!expected) {
    llvm::consumeError(expected.takeError());
  }
  std::string floatNodes = describeFloatNodes(*graph);
  for (const NamedConfig &nc : configs) {
    ConfigResult c = runConfig(*graph, nc, (*inputs)[0], *golden, dir);
    if (c.status == Status::Skip && !floatNodes.empty())
      c.reason = "quantizer left in float: " + floatNodes + "; " + c.reason;
    r.perConfig.push_back(std::move(c));
  }
  // A common reason for every config is printed once.
  if (!r.perConfig.empty() &&
      llvm::all_of(r.perConfig, [&](const ConfigResult &c) {
        return c.status == Status::Skip && c.reason == r.perConfig[0].reason;
      }))
    r.common = r.perConfig[0];
  return r;
}

/// \returns true if the model at \p dir uses one of the selected ops.
static bool isSelected(llvm::StringRef dir) {
  auto summary = onnx::summarizeModelFile(getModelPath(dir));
  if (!summary) {
    llvm::consumeError(summary.takeError());
    return true; // unreadable: let runCase report it
  }
  for (const std::string &op : summary->opTypes)
    for (const char *sel : selectedOps)
      if (op == sel)
        return true;
  return false;
}

/// The result of \p r for config \p i.
static const ConfigResult &resultFor(const CaseResult &r, size_t i) {
  return r.common ? *r.common : r.perConfig[i];
}

static void writeSummary(llvm::raw_ostream &os,
                         llvm::ArrayRef<CaseResult> results,
                         llvm::ArrayRef<NamedConfig> configs,
                         const std::vector<std::map<Status, unsigned>> &tot) {
  os << "## Racetrack backend\n\n"
     << "Generated by `rtc-backend-conformance` (tests/conformance/"
        "BackendConformance.cpp, ctest `backend_conformance`): every ONNX "
        "node test case of Conv, Gemm, MatMul, MaxPool, AveragePool, "
        "GlobalAveragePool and GlobalMaxPool (chosen by the op types in "
        "model.onnx) goes through rtcc's default pipeline at 8 bits "
        "(calibrated on input_0; the other graph inputs, i.e. weights and "
        "biases, frozen to their test data), is compiled for each hardware "
        "config, packed into an .rtbin and unpacked, run on the simulator "
        "and its dequantized outputs are compared byte for byte with the "
        "integer golden model (the reference interpreter on the quantized "
        "graph). A case is skipped, per config, when the frontend, the "
        "quantizer or the backend rejects it; the reason is the rejecting "
        "component's own message. Anything going wrong after a successful "
        "lowering is a failure.\n\n"
     << "Regenerate: `ctest -R backend_conformance` in a build directory "
        "writes `<build>/backend-conformance.md`; it replaces this section "
        "(the end of docs/conformance.md).\n\n";
  os << "| Config | Settings | Passed | Failed | Skipped |\n"
        "|---|---|---:|---:|---:|\n";
  for (size_t i = 0; i < configs.size(); ++i) {
    auto counts = tot[i];
    os << fmt::format("| {} | {} | {} | {} | {} |\n", configs[i].name,
                      configs[i].sets, counts[Status::Pass],
                      counts[Status::Fail], counts[Status::Skip]);
  }
  // Skip reasons with the configs and cases they apply to.
  struct Skips {
    std::vector<std::string> configs, cases;
  };
  std::map<std::string, Skips> skipKinds;
  for (const CaseResult &r : results)
    for (size_t i = 0; i < configs.size(); ++i) {
      const ConfigResult &c = resultFor(r, i);
      if (c.status != Status::Skip)
        continue;
      Skips &k = skipKinds[c.reason];
      std::string n = llvm::StringRef(r.name).split('/').second.str();
      if (k.cases.empty() || k.cases.back() != n)
        k.cases.push_back(n);
      if (!llvm::is_contained(k.configs, configs[i].name))
        k.configs.push_back(configs[i].name);
    }
  os << "\n| Skip reason | Configs | Cases |\n|---|---|---|\n";
  for (auto &[kind, k] : skipKinds)
    os << fmt::format("| {} | {} | {} |\n", escapeMarkdown(kind),
                      llvm::join(k.configs, ", "), llvm::join(k.cases, ", "));
  os << "\n| Case |";
  for (const NamedConfig &nc : configs)
    os << " " << nc.name << " |";
  os << " Reason |\n|---|";
  for (size_t i = 0; i < configs.size(); ++i)
    os << "---|";
  os << "---|\n";
  for (const CaseResult &r : results) {
    os << "| " << r.name << " |";
    std::vector<std::string> reasons;
    for (size_t i = 0; i < configs.size(); ++i) {
      const ConfigResult &c = resultFor(r, i);
      os << " " << statusName(c.status) << " |";
      if (!c.reason.empty() && !llvm::is_contained(reasons, c.reason))
        reasons.push_back(c.reason);
    }
    os << " " << escapeMarkdown(llvm::join(reasons, "; ")) << " |\n";
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "Compile ONNX node tests for the racetrack backend, simulate them "
          "and compare with the integer golden model\n",
          &llvm::errs()))
    return 2;
  auto configs = makeConfigs();
  if (!configs) {
    renderErrors(configs.takeError(), llvm::errs(), "rtc-backend-conformance");
    return 2;
  }

  std::vector<std::string> roots(rootsOpt.begin(), rootsOpt.end());
  auto cases = findCases(roots, filterOpt);
  if (!cases) {
    renderErrors(cases.takeError(), llvm::errs(), "rtc-backend-conformance");
    return 2;
  }
  std::vector<CaseResult> results;
  std::vector<std::map<Status, unsigned>> totals(configs->size());
  for (auto &t : totals)
    t = {{Status::Pass, 0}, {Status::Fail, 0}, {Status::Skip, 0}};
  for (const TestCase &tc : *cases) {
    if (!isSelected(tc.dir))
      continue;
    CaseResult r = runCase(tc.dir, tc.name, *configs);
    std::vector<std::string> allNames;
    for (size_t i = 0; i < configs->size(); ++i) {
      const ConfigResult &c = resultFor(r, i);
      ++totals[i][c.status];
      allNames.push_back((*configs)[i].name);
      if (r.common || (c.status == Status::Pass && !verboseOpt))
        continue;
      // Skips are always printed: the list must be visible in the log.
      std::string why =
          c.status == Status::Pass
              ? fmt::format("{} instructions; {}", c.numInsns, r.goldenNote)
              : c.reason;
      llvm::outs() << statusName(c.status) << " [" << (*configs)[i].name << "] "
                   << r.name << (why.empty() ? "" : ": ") << why << "\n";
    }
    if (r.common)
      llvm::outs() << statusName(r.common->status) << " ["
                   << llvm::join(allNames, ",") << "] " << r.name << ": "
                   << r.common->reason << "\n";
    results.push_back(std::move(r));
  }
  unsigned failed = 0;
  for (size_t i = 0; i < configs->size(); ++i) {
    llvm::outs() << fmt::format(
        "backend conformance [{}] ({}): {} passed, {} failed, {} skipped\n",
        (*configs)[i].name, (*configs)[i].sets, totals[i][Status::Pass],
        totals[i][Status::Fail], totals[i][Status::Skip]);
    failed += totals[i][Status::Fail];
  }
  if (!summaryOpt.empty())
    if (auto err = writeFile(summaryOpt, [&](llvm::raw_ostream &os) {
          writeSummary(os, results, *configs, totals);
        }, /*text=*/true)) {
      renderErrors(std::move(err), llvm::errs(), "rtc-backend-conformance");
      return 2;
    }
  return failed ? 1 : 0;
}

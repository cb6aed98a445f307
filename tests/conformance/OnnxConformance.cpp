//===- tests/conformance/OnnxConformance.cpp - ONNX backend-test runner ---===//
//
// rtc-conformance runs ONNX backend test cases (model.onnx plus
// test_data_set_0/{input_*,output_*}.pb) through the importer and the float
// reference interpreter and compares every output with the expected data.
//
// A case is SKIPPED only for a reason decided before running it, from the
// model summary alone (see decideSkip for the complete list): an op the
// importer does not support, an opset outside 7-17, an element type the
// reference interpreter does not compute, or a use of a supported op outside
// the inference-only foundation scope. Anything that goes wrong afterwards
// (import error, interpreter error, wrong shape, dtype or values) is a
// FAILURE, and any failure makes the tool exit with status 1.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/FileIO.h"
#include "ir/Graph.h"
#include "ir/reference/Interpreter.h"
#include "tests/conformance/ConformanceUtil.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

using namespace rtc;
using namespace rtc::conformance;
namespace cl = llvm::cl;

static cl::OptionCategory category("rtc-conformance options");
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

/// Comparison tolerance for floating-point outputs:
/// |got - expected| <= atol + rtol * |expected|.
constexpr double relTolerance = 1e-4;
constexpr double absTolerance = 1e-5;

namespace {
struct CaseResult {
  std::string name; ///< "<suite>/<case>", e.g. "node/test_add".
  Status status = Status::Pass;
  std::string reason;
};
} // namespace

/// The pre-run skip decision: \returns the reason, or "" to run the case.
/// This is the complete list of reasons a case may be skipped.
static std::string decideSkip(const onnx::ModelSummary &s) {
  // 1. Operators the importer does not support.
  std::vector<std::string> unsupported = getUnsupportedOpTypes(s);
  if (!unsupported.empty())
    return "unsupported op: " + llvm::join(unsupported, ", ");
  // 2. Opsets outside the supported range (7-17).
  if (std::string opset = getOpsetProblem(s); !opset.empty())
    return opset;
  // 3. Uses of supported ops outside the inference-only foundation scope:
  //    training-mode BatchNormalization/Dropout, MaxPool Indices, Dropout
  //    mask, non-tensor values, element types the IR cannot hold.
  if (!s.unsupportedFeatures.empty())
    return "outside foundation scope: " +
           llvm::join(s.unsupportedFeatures, ", ");
  // 4. Element types the reference interpreter does not compute.
  if (llvm::is_contained(s.elemTypes, "f16"))
    return "element type f16 is not computed by the reference interpreter";
  return "";
}

/// Compares \p got with \p expected; \returns a description of the first
/// difference, or "".
static std::string compareTensors(const Tensor &got, const Tensor &expected) {
  if (got.getElemType() != expected.getElemType() ||
      got.getShape() != expected.getShape())
    return fmt::format("expected {}, got {}", expected.getType().str(),
                       got.getType().str());
  bool exact = !isFloatDType(expected.getElemType());
  int64_t bad = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0, e = expected.getNumElements(); i != e; ++i) {
    double g = got.getAsDouble(i), x = expected.getAsDouble(i);
    bool ok;
    if (exact)
      ok = got.getAsInt64(i) == expected.getAsInt64(i) && g == x;
    else if (std::isnan(x) || std::isnan(g))
      ok = std::isnan(x) && std::isnan(g);
    else if (std::isinf(x) || std::isinf(g))
      ok = g == x;
    else
      ok = std::fabs(g - x) <= absTolerance + relTolerance * std::fabs(x);
    if (ok)
      continue;
    if (first < 0)
      first = i;
    ++bad;
    if (!std::isnan(g) && !std::isnan(x))
      worst = std::max(worst, std::fabs(g - x));
  }
  if (!bad)
    return "";
  return fmt::format("{} of {} values differ; first at flat index {}: "
                     "expected {}, got {} (max abs diff {:.3g})",
                     bad, expected.getNumElements(), first,
                     expected.getAsDouble(first), got.getAsDouble(first),
                     worst);
}

/// Runs one case directory; never aborts.
static CaseResult runCase(llvm::StringRef dir, std::string name) {
  CaseResult r;
  r.name = std::move(name);
  auto fail = [&](std::string reason) {
    r.status = Status::Fail;
    r.reason = std::move(reason);
    return r;
  };
  std::string modelPath = getModelPath(dir);
  auto summary = onnx::summarizeModelFile(modelPath);
  if (!summary)
    return fail("summary: " + errorText(summary.takeError()));
  std::string skip = decideSkip(*summary);
  if (!skip.empty()) {
    r.status = Status::Skip;
    r.reason = skip;
    return r;
  }

  std::string dataDir = getDataDir(dir);
  auto inputs = readTensors(dataDir, "input");
  if (!inputs)
    return fail("reading inputs: " + errorText(inputs.takeError()));
  auto expected = readTensors(dataDir, "output");
  if (!expected)
    return fail("reading outputs: " + errorText(expected.takeError()));
  if (inputs->size() != summary->inputNames.size())
    return fail(fmt::format("{} input files for {} graph inputs",
                            inputs->size(), summary->inputNames.size()));

  // Inputs are positional: input_i.pb feeds the i-th non-initializer graph
  // input. Shape-defining inputs are frozen to their data; the others get
  // their static shape from the data.
  onnx::ImportOptions options;
  std::map<std::string, const Tensor *> byName;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const std::string &inName = summary->inputNames[i];
    byName[inName] = &(*inputs)[i];
    if (llvm::is_contained(summary->shapeInputNames, inName))
      options.frozenInputs[inName] = (*inputs)[i];
    else
      options.inputShapes[inName] = llvm::SmallVector<int64_t, 4>(
          (*inputs)[i].getShape().begin(), (*inputs)[i].getShape().end());
  }
  auto graph = onnx::importModelFile(modelPath, options);
  if (!graph)
    return fail("import: " + errorText(graph.takeError()));

  std::vector<Tensor> feeds;
  for (ValueId in : graph->getInputs()) {
    auto it = byName.find(graph->getValue(in).name);
    if (it == byName.end())
      return fail("graph input '" + graph->getValue(in).name + "' has no data");
    feeds.push_back(*it->second);
  }
  auto outputs = interpret(*graph, feeds);
  if (!outputs)
    return fail("interpreter: " + errorText(outputs.takeError()));
  if (outputs->size() != expected->size())
    return fail(fmt::format("{} outputs, expected {}", outputs->size(),
                            expected->size()));
  for (size_t i = 0; i < outputs->size(); ++i) {
    std::string diff = compareTensors((*outputs)[i], (*expected)[i]);
    if (!diff.empty())
      return fail(fmt::format("output {} ('{}'): {}", i,
                              graph->getValue(graph->getOutputs()[i]).name,
                              diff));
  }
  return r;
}

static void writeSummary(llvm::raw_ostream &os,
                         llvm::ArrayRef<CaseResult> results,
                         const std::map<Status, unsigned> &totals) {
  os << "# ONNX conformance\n\n"
     << "Generated by `rtc-conformance` (tests/conformance/): each ONNX "
        "backend test case is imported by rtcc's ONNX frontend and run by "
        "the float reference interpreter; every output is compared with "
        "the case's expected data (float: |got - expected| <= "
     << fmt::format("{:g} + {:g}", absTolerance, relTolerance)
     << " * |expected|; integers: exact; shapes and element types must "
        "match). A case is skipped only for a reason decided before it "
        "runs: an unsupported op, an opset outside 7-17, a feature outside "
        "the inference-only foundation scope, or an element type the "
        "reference interpreter does not compute.\n\n"
     << "Regenerate: `ctest -R onnx_conformance` in a build directory writes "
        "`<build>/conformance.md`; copy it to `docs/conformance.md`.\n\n";
  os << fmt::format("**{} passed, {} failed, {} skipped** ({} cases)\n\n",
                    totals.at(Status::Pass), totals.at(Status::Fail),
                    totals.at(Status::Skip), results.size());

  // Totals per suite, then per skip reason kind.
  std::map<std::string, std::map<Status, unsigned>> perSuite;
  std::map<std::string, unsigned> skipKinds;
  for (const CaseResult &r : results) {
    ++perSuite[llvm::StringRef(r.name).split('/').first.str()][r.status];
    if (r.status == Status::Skip)
      ++skipKinds[llvm::StringRef(r.reason).split(':').first.str()];
  }
  os << "| Suite | Passed | Failed | Skipped |\n|---|---:|---:|---:|\n";
  for (auto &[suite, counts] : perSuite)
    os << fmt::format("| {} | {} | {} | {} |\n", suite, counts[Status::Pass],
                      counts[Status::Fail], counts[Status::Skip]);
  os << "\n| Skip reason | Cases |\n|---|---:|\n";
  for (auto &[kind, n] : skipKinds)
    os << fmt::format("| {} | {} |\n", escapeMarkdown(kind), n);
  os << "\n| Case | Status | Reason |\n|---|---|---|\n";
  for (const CaseResult &r : results)
    os << fmt::format("| {} | {} | {} |\n", r.name, statusName(r.status).str(),
                      escapeMarkdown(r.reason));
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "Run ONNX backend test cases through rtcc\n",
                                   &llvm::errs()))
    return 2;

  std::vector<std::string> roots(rootsOpt.begin(), rootsOpt.end());
  auto cases = findCases(roots, filterOpt);
  if (!cases) {
    renderErrors(cases.takeError(), llvm::errs(), "rtc-conformance");
    return 2;
  }
  std::vector<CaseResult> results;
  std::map<Status, unsigned> totals = {
      {Status::Pass, 0}, {Status::Fail, 0}, {Status::Skip, 0}};
  for (const TestCase &c : *cases) {
    CaseResult r = runCase(c.dir, c.name);
    ++totals[r.status];
    if (r.status == Status::Fail || verboseOpt)
      llvm::outs() << statusName(r.status) << " " << r.name
                   << (r.reason.empty() ? "" : ": ") << r.reason << "\n";
    results.push_back(std::move(r));
  }
  llvm::outs() << fmt::format("conformance: {} passed, {} failed, {} skipped\n",
                              totals[Status::Pass], totals[Status::Fail],
                              totals[Status::Skip]);
  if (!summaryOpt.empty())
    if (auto err = writeFile(summaryOpt, [&](llvm::raw_ostream &os) {
          writeSummary(os, results, totals);
        }, /*text=*/true)) {
      renderErrors(std::move(err), llvm::errs(), "rtc-conformance");
      return 2;
    }
  return totals[Status::Fail] ? 1 : 0;
}

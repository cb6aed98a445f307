//===- compiler/rtcc.cpp - The rtcc compiler driver -----------------------===//
//
// rtcc reads an ONNX model and, for now, either prints the imported graph IR
// (--emit=ir) or runs the float reference interpreter on an input tensor and
// prints the top classes (--reference). The command line is turned into one
// CompileOptions value first; the actions only see that struct, so later
// stages (quantization, racetrack lowering, -o model.rtbin) add fields and
// actions without touching the others.
//
// Exit codes: 0 success, 1 a problem with the model or input files,
// 2 a usage error (bad or conflicting options).
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxImporter.h"
#include "ir/Diagnostics.h"
#include "ir/Graph.h"
#include "ir/Printer.h"
#include "ir/TensorFile.h"
#include "ir/reference/Interpreter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <numeric>

using namespace rtc;
namespace cl = llvm::cl;

namespace {
enum class Action { None, EmitIr, Reference };

/// Everything the driver does, decided from the command line.
struct CompileOptions {
  std::string modelPath;
  /// Output file; "-" means stdout.
  std::string outputPath = "-";
  Action action = Action::None;
  onnx::ImportOptions import;
  PrintOptions print;
  /// --reference: the input tensor file, how many classes to show, and an
  /// optional file of class names (one per line).
  std::string referenceInput;
  unsigned topK = 5;
  std::string classNamesPath;
};
} // namespace

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

static cl::OptionCategory rtccCategory("rtcc options");

static cl::opt<std::string> modelPathOpt(cl::Positional, cl::Required,
                                         cl::desc("<model.onnx>"),
                                         cl::cat(rtccCategory));
static cl::opt<Action>
    emitOpt("emit",
            cl::desc("Print an intermediate form instead of compiling:"),
            cl::values(clEnumValN(Action::EmitIr, "ir",
                                  "the imported graph IR (textual form)")),
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

/// Builds CompileOptions from the parsed flags, rejecting conflicts.
static llvm::Expected<CompileOptions> buildOptions() {
  CompileOptions opts;
  opts.modelPath = modelPathOpt;
  bool emit = emitOpt != Action::None, reference = !referenceOpt.empty();
  if (emit && reference)
    return usageError("--emit and --reference cannot be combined");
  if (!emit && !reference)
    return usageError("nothing to do: pass --emit=ir or --reference=<input> "
                      "(compiling to .rtbin is not available yet)");
  opts.action = emit ? emitOpt.getValue() : Action::Reference;
  if (!reference && (topOpt.getNumOccurrences() || !classNamesOpt.empty()))
    return usageError("--top and --class-names require --reference");
  if (elideOpt && opts.action != Action::EmitIr)
    return usageError("--elide-constants requires --emit=ir");
  if (topOpt == 0)
    return usageError("--top must be at least 1");
  for (const std::string &s : inputShapeOpt)
    if (auto err = parseInputShape(s, opts.import))
      return err;
  if (!outputOpt.empty())
    opts.outputPath = outputOpt;
  else if (reference)
    opts.outputPath.clear();
  opts.print.elideLargeConstants = elideOpt;
  opts.referenceInput = referenceOpt;
  opts.topK = topOpt;
  opts.classNamesPath = classNamesOpt;
  return opts;
}

//===----------------------------------------------------------------------===//
// --emit=ir
//===----------------------------------------------------------------------===//

static llvm::Error emitIr(const Graph &g, const CompileOptions &opts) {
  std::error_code ec;
  llvm::raw_fd_ostream os(opts.outputPath, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return emitError(Location::inFile(opts.outputPath),
                     "cannot open for writing: {}", ec.message());
  printGraph(g, os, opts.print);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// --reference
//===----------------------------------------------------------------------===//

/// Reads the input tensor for \p modelType. A raw .bin has no header, so its
/// shape comes from the model: the exact input shape, or a whole number of
/// samples.
static llvm::Expected<Tensor> readInput(llvm::StringRef path,
                                        const TensorType &modelType) {
  Location loc = Location::inFile(path);
  if (!llvm::StringRef(path).ends_with(".bin")) {
    auto nt = readTensorFile(path, nullptr);
    if (!nt)
      return nt.takeError();
    return std::move(nt->tensor);
  }
  if (modelType.elemType != DType::F32)
    return emitError(loc,
                     ".bin inputs hold float32, but the model input is "
                     "{}; use .npy or .pb",
                     modelType.str());
  uint64_t size = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, size))
    return emitError(loc, "cannot read file: {}", ec.message());
  TensorType binType = modelType;
  int64_t sampleBytes = int64_t(modelType.getSizeInBytes());
  if (!modelType.shape.empty() && modelType.shape[0] == 1 && sampleBytes &&
      size % uint64_t(sampleBytes) == 0)
    binType.shape[0] = int64_t(size / uint64_t(sampleBytes));
  auto nt = readTensorFile(path, &binType);
  if (!nt)
    return nt.takeError();
  return std::move(nt->tensor);
}

/// Splits \p input into samples of \p modelType: the exact type, a batch
/// along dim 0 when the model's batch dim is 1, or one sample without its
/// batch dim.
static llvm::Expected<std::vector<Tensor>>
splitSamples(Tensor input, const TensorType &modelType, llvm::StringRef path) {
  TensorType want = modelType;
  want.quant.reset();
  if (input.getElemType() != want.elemType) {
    if (!isFloatDType(input.getElemType()) || !isFloatDType(want.elemType))
      return emitError(Location::inFile(path),
                       "input has element type {}, but the model expects {}",
                       getDTypeName(input.getElemType()).str(), want.str());
    input = input.castTo(want.elemType);
  }
  llvm::ArrayRef<int64_t> got = input.getShape(), shape = want.shape;
  if (got == shape)
    return std::vector<Tensor>{std::move(input)};
  bool batchOne = !shape.empty() && shape[0] == 1;
  if (batchOne && got == shape.drop_front()) {
    input.setType(want);
    return std::vector<Tensor>{std::move(input)};
  }
  if (!batchOne || got.size() != shape.size() ||
      got.drop_front() != shape.drop_front())
    return emitError(Location::inFile(path),
                     "input has shape {}, but the model expects {} (or a "
                     "batch Nx{})",
                     input.getType().str(), want.str(),
                     formatShape(shape.drop_front()));
  std::vector<Tensor> samples;
  size_t bytes = want.getSizeInBytes();
  for (int64_t i = 0; i < got[0]; ++i) {
    Tensor s(want);
    std::memcpy(s.getRawMutableData(), input.getRawData() + i * bytes, bytes);
    samples.push_back(std::move(s));
  }
  return samples;
}

/// True if \p v is produced by a Softmax, possibly behind reshapes.
static bool isSoftmaxOutput(const Graph &g, ValueId v) {
  for (const Node *n = g.getProducer(v); n; n = g.getProducer(n->operands[0])) {
    if (n->kind == OpKind::Softmax)
      return true;
    if (n->kind != OpKind::Reshape && n->kind != OpKind::Flatten &&
        n->kind != OpKind::Identity)
      return false;
  }
  return false;
}

static void printTopK(llvm::raw_ostream &os, const Tensor &t, bool isProb,
                      const CompileOptions &opts,
                      llvm::ArrayRef<std::string> classNames) {
  int64_t n = t.getNumElements();
  std::vector<double> scores(n);
  for (int64_t i = 0; i < n; ++i)
    scores[i] = t.getAsDouble(i);
  // Softmax of the raw scores (max-subtracted for stability).
  std::vector<double> probs(n);
  double maxScore = n ? *std::max_element(scores.begin(), scores.end()) : 0;
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += probs[i] = std::exp(scores[i] - maxScore);
  for (double &p : probs)
    p /= sum;
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  size_t k = std::min<size_t>(opts.topK, order.size());
  os << (isProb ? "  rank  class  probability\n"
                : "  rank  class         score      softmax\n");
  for (size_t r = 0; r < k; ++r) {
    int64_t c = order[r];
    std::string line =
        isProb ? fmt::format("  {:>4}  {:>5}  {:>11.6f}", r + 1, c, scores[c])
               : fmt::format("  {:>4}  {:>5}  {:>12.6f}  {:>11.6f}", r + 1, c,
                             scores[c], probs[c]);
    if (size_t(c) < classNames.size())
      line += "  " + classNames[c];
    os << line << "\n";
  }
}

/// Stacks per-sample outputs along a new or existing leading batch dim.
static Tensor stackSamples(llvm::ArrayRef<Tensor> outs) {
  const TensorType &one = outs.front().getType();
  TensorType type = one;
  type.quant.reset();
  if (!type.shape.empty() && type.shape[0] == 1)
    type.shape[0] = int64_t(outs.size());
  else
    type.shape.insert(type.shape.begin(), int64_t(outs.size()));
  Tensor stacked(type);
  size_t bytes = one.getSizeInBytes();
  for (size_t i = 0; i < outs.size(); ++i)
    std::memcpy(stacked.getRawMutableData() + i * bytes, outs[i].getRawData(),
                bytes);
  return stacked;
}

static llvm::Error runReference(const Graph &g, const CompileOptions &opts) {
  Location modelLoc = Location::inFile(opts.modelPath);
  if (g.getInputs().size() != 1)
    return emitError(modelLoc,
                     "--reference feeds one input, but the model has {}",
                     g.getInputs().size());
  if (!opts.outputPath.empty() && g.getOutputs().size() != 1)
    return emitError(modelLoc,
                     "-o writes one output, but the model has {} outputs",
                     g.getOutputs().size());
  std::vector<std::string> classNames;
  if (!opts.classNamesPath.empty()) {
    auto buf = llvm::MemoryBuffer::getFile(opts.classNamesPath, true);
    if (!buf)
      return emitError(Location::inFile(opts.classNamesPath),
                       "cannot read file: {}", buf.getError().message());
    llvm::SmallVector<llvm::StringRef, 0> lines;
    (*buf)->getBuffer().split(lines, '\n');
    for (llvm::StringRef l : lines)
      classNames.push_back(l.rtrim("\r").str());
  }

  const TensorType &inType = g.getType(g.getInputs()[0]);
  auto input = readInput(opts.referenceInput, inType);
  if (!input)
    return input.takeError();
  auto samples = splitSamples(std::move(*input), inType, opts.referenceInput);
  if (!samples)
    return samples.takeError();

  llvm::raw_ostream &os = llvm::outs();
  std::vector<Tensor> firstOutputs;
  for (size_t s = 0; s < samples->size(); ++s) {
    auto outs = interpret(g, llvm::ArrayRef((*samples)[s]));
    if (!outs)
      return outs.takeError();
    for (size_t o = 0; o < outs->size(); ++o) {
      ValueId v = g.getOutputs()[o];
      const std::string &name = g.getValue(v).name;
      os << fmt::format("sample {}: output '{}' {}\n", s, name,
                        (*outs)[o].getType().str());
      printTopK(os, (*outs)[o], isSoftmaxOutput(g, v), opts, classNames);
    }
    firstOutputs.push_back(std::move((*outs)[0]));
  }
  if (opts.outputPath.empty())
    return llvm::Error::success();
  bool exact = samples->size() == 1 && (*samples)[0].getType() == inType;
  Tensor result =
      exact ? std::move(firstOutputs[0]) : stackSamples(firstOutputs);
  return writeTensorFile(opts.outputPath, result);
}

//===----------------------------------------------------------------------===//
// main
//===----------------------------------------------------------------------===//

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  cl::HideUnrelatedOptions(rtccCategory);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "rtcc: compile ONNX CNNs for racetrack-memory in-memory computing\n",
          &llvm::errs()))
    return 2;
  auto opts = buildOptions();
  if (!opts) {
    renderErrors(opts.takeError(), llvm::errs(), "rtcc");
    return 2;
  }

  auto graph = onnx::importModelFile(opts->modelPath, opts->import);
  if (!graph) {
    renderErrors(graph.takeError(), llvm::errs(), "rtcc");
    return 1;
  }
  llvm::Error err = llvm::Error::success();
  switch (opts->action) {
  case Action::EmitIr:
    err = emitIr(*graph, *opts);
    break;
  case Action::Reference:
    err = runReference(*graph, *opts);
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

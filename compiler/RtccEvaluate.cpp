//===- compiler/RtccEvaluate.cpp - rtcc --reference and --evaluate --------===//
//
// The rtcc actions that run graphs with the reference interpreter on input
// tensor files and report on them: --reference (top classes per sample,
// optional -o output file) and --evaluate (float vs quantized top-1 on a
// labelled set). Split from compiler/rtcc.cpp for size; internal to the
// tool (compiler/RtccEvaluate.h).
//
//===----------------------------------------------------------------------===//
#include "compiler/RtccEvaluate.h"

#include "ir/Diagnostics.h"
#include "ir/TensorFile.h"
#include "ir/reference/Interpreter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

using namespace rtc;
using namespace rtc::rtcc;

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
  return splitBatch(input, want, got[0]);
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
                      const DriverOptions &opts,
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

llvm::Error rtcc::runReference(const Graph &g, const DriverOptions &opts) {
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
// --evaluate
//===----------------------------------------------------------------------===//

/// Reads the labels: a 1-D int64 or int32 array of \p count entries.
static llvm::Expected<std::vector<int64_t>> readLabels(llvm::StringRef path,
                                                       size_t count) {
  Location loc = Location::inFile(path);
  auto nt = readTensorFile(path, nullptr);
  if (!nt)
    return nt.takeError();
  const Tensor &t = nt->tensor;
  if (t.getElemType() != DType::I64 && t.getElemType() != DType::I32)
    return emitError(loc,
                     "labels have element type {}, expected int64 or "
                     "int32",
                     getDTypeName(t.getElemType()).str());
  if (t.getShape().size() != 1 || size_t(t.getShape()[0]) != count)
    return emitError(loc,
                     "labels have shape {}, expected a 1-D array of {} "
                     "entries (one per --evaluate sample)",
                     t.getType().str(), count);
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    labels.push_back(t.getAsInt64(i));
  return labels;
}

llvm::Error rtcc::runEvaluation(const Compiled &c,
                                 const DriverOptions &opts) {
  const Graph &floatG = *c.floatGraph, &quantG = c.graph;
  if (floatG.getInputs().size() != 1)
    return emitError(Location::inFile(opts.modelPath),
                     "--evaluate feeds one input, but the model has {}",
                     floatG.getInputs().size());
  const TensorType &inType = floatG.getType(floatG.getInputs()[0]);
  auto input = readInput(opts.evaluateInputs, inType);
  if (!input)
    return input.takeError();
  auto samples = splitSamples(std::move(*input), inType, opts.evaluateInputs);
  if (!samples)
    return samples.takeError();
  auto labels = readLabels(opts.labelsPath, samples->size());
  if (!labels)
    return labels.takeError();

  size_t n = samples->size(), floatCorrect = 0, quantCorrect = 0, agree = 0;
  for (size_t s = 0; s < n; ++s) {
    llvm::ArrayRef<Tensor> in((*samples)[s]);
    auto f = interpret(floatG, in);
    if (!f)
      return f.takeError();
    auto q = interpret(quantG, in);
    if (!q)
      return q.takeError();
    int64_t fp = argmaxElement((*f)[0]), qp = argmaxElement((*q)[0]);
    floatCorrect += fp == (*labels)[s];
    quantCorrect += qp == (*labels)[s];
    agree += fp == qp;
  }
  double floatTop1 = double(floatCorrect) / double(n);
  double quantTop1 = double(quantCorrect) / double(n);
  const QuantOptions &q = opts.compile.quant;
  std::string calib =
      opts.calibPath.empty()
          ? std::string("16 random N(0,1) inputs")
          : fmt::format("{} samples of {}", opts.compile.calibration.size(),
                        opts.calibPath);
  std::string method = q.method == CalibMethod::MinMax
                           ? std::string("minmax")
                           : fmt::format("percentile {}", q.percentile);
  llvm::raw_ostream &os = llvm::outs();
  os << fmt::format("evaluated {} samples of {} (labels {})\n", n,
                    opts.evaluateInputs, opts.labelsPath);
  os << fmt::format("  {:<28}  {:>6}  {:>9}\n", "model", "top-1", "correct");
  os << fmt::format("  {:<28}  {:>6.4f}  {:>9}\n", "float (reference)",
                    floatTop1, fmt::format("{}/{}", floatCorrect, n));
  os << fmt::format("  {:<28}  {:>6.4f}  {:>9}\n",
                    fmt::format("quantized (w{}/a{}, integer)", q.weightBits,
                                q.activationBits),
                    quantTop1, fmt::format("{}/{}", quantCorrect, n));
  os << fmt::format("  same prediction on {}/{} samples\n", agree, n);
  os << fmt::format("  calibration: {}, {}\n", method, calib);
  os << fmt::format("  time to quantize (calibration + quantize pass): "
                    "{:.3f} s\n",
                    c.quantizeSeconds);
  os << fmt::format("float top-1: {:.4f}\n", floatTop1);
  os << fmt::format("quantized top-1: {:.4f}\n", quantTop1);
  return llvm::Error::success();
}

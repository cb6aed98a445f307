//===- passes/Quantize.cpp - Static post-training quantization ------------===//
//
// The pass rebuilds the graph node by node, in order, into a fresh Graph.
// Every source value can have two versions in the new graph: its "plain"
// version (same type as in the source, e.g. f32) and its quantized version.
// Each node is rewritten to an integer op when its operands can be
// quantized and to a copy of itself (on plain operands) otherwise; the
// missing version of an operand is materialized on demand with one
// `quantize` or `dequantize`, cached, so every conversion happens once.
// Constants are copied only if a float op still uses them (weights consumed
// by qconv / qmatmul are re-encoded instead).
//
// Arithmetic (rounding, multipliers, ranges) comes from ir/QuantMath.h; this
// file only chooses parameters. This file holds the value versions, naming
// and the driver; the per-op rewrites are in passes/QuantizeOps.cpp, the
// Quantizer class in passes/QuantizerImpl.h.
//
//===----------------------------------------------------------------------===//
#include "passes/Quantize.h"

#include "ir/Builder.h"
#include "ir/QuantMath.h"
#include "passes/DeadNodeElim.h"
#include "passes/QuantizerImpl.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <optional>

using namespace rtc;
using namespace rtc::quant_detail;

std::string Quantizer::uniqueName(const std::string &base) {
  if (base.empty())
    return base;
  std::string name = base;
  for (unsigned i = 1; usedNames.contains(name); ++i)
    name = fmt::format("{}.{}", base, i);
  usedNames.insert(name);
  return name;
}

std::string Quantizer::primaryName(ValueId v, bool isQuantVersion) {
  const std::string &base = src.getValue(v).name;
  // Graph outputs are float: their name goes to the dequantized value.
  if (isQuantVersion && !base.empty() && src.isGraphOutput(v))
    return uniqueName(base + ".q");
  return uniqueName(base);
}

llvm::Expected<ValueId> Quantizer::emit(OpKind kind,
                                        llvm::ArrayRef<ValueId> operands,
                                        Attrs attrs, const Location &loc,
                                        std::string name) {
  return buildValue(dst, kind, operands, std::move(attrs), loc,
                    std::move(name));
}

ValueId Quantizer::getPlain(ValueId v) {
  if (plain[v.index].isValid())
    return plain[v.index];
  if (const Tensor *c = src.getConstantValue(v)) {
    const Node *producer = src.getProducer(v);
    plain[v.index] =
        dst.addConstant(*c, uniqueName(src.getValue(v).name), producer->loc);
    return plain[v.index];
  }
  assert(quant[v.index].isValid() && "value used before its definition");
  const std::string &base = src.getValue(v).name;
  std::string name = src.isGraphOutput(v)
                         ? uniqueName(base)
                         : uniqueName(base.empty() ? base : base + ".f");
  const Node *producer = src.getProducer(v);
  plain[v.index] = llvm::cantFail(
      emit(OpKind::Dequantize, {quant[v.index]}, NoAttrs{},
           producer ? producer->loc : Location{}, std::move(name)));
  return plain[v.index];
}

llvm::Expected<std::optional<ValueId>> Quantizer::getQuant(ValueId v) {
  if (quant[v.index].isValid())
    return quant[v.index];
  const ValueRange *r = ranges.lookup(v);
  if (!r || src.getType(v).elemType != DType::F32)
    return std::nullopt;
  ActivationQuant aq =
      chooseActivationQuant(r->min, r->max, opts.activationBits);
  ValueId p = getPlain(v);
  const std::string &base = src.getValue(v).name;
  const Node *producer = src.getProducer(v);
  auto q = emit(OpKind::Quantize, {p}, QuantizeAttrs{aq.elemType, aq.params},
                producer ? producer->loc : Location{},
                uniqueName(base.empty() ? base : base + ".q"));
  if (!q)
    return q.takeError();
  quant[v.index] = *q;
  return *q;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

llvm::Error Quantizer::copyNode(const Node &n) {
  llvm::SmallVector<ValueId, 4> operands;
  for (ValueId op : n.operands)
    operands.push_back(getPlain(op));
  llvm::SmallVector<TensorType, 1> types;
  std::vector<std::string> names;
  bool computesFloat = false;
  for (ValueId r : n.results) {
    types.push_back(src.getType(r));
    names.push_back(primaryName(r, false));
    computesFloat |= isFloatDType(src.getType(r).elemType);
  }
  NodeId id = dst.addNode(n.kind, operands, types, n.attrs, n.loc, names);
  for (size_t i = 0; i < n.results.size(); ++i)
    plain[n.results[i].index] = dst.getNode(id).results[i];
  if (computesFloat && !isDataMovement(n.kind))
    ++numFallbacks;
  return llvm::Error::success();
}

llvm::Error Quantizer::rewriteNode(const Node &n) {
  llvm::Expected<bool> done = false;
  switch (n.kind) {
  case OpKind::Constant:
    return llvm::Error::success(); // copied on first float use
  case OpKind::Conv:
    done = rewriteConv(n);
    break;
  case OpKind::Gemm:
  case OpKind::MatMul:
    done = rewriteGemm(n);
    break;
  case OpKind::Add:
    done = rewriteAdd(n);
    break;
  case OpKind::Concat:
    done = rewriteConcat(n);
    break;
  case OpKind::GlobalAveragePool:
  case OpKind::AveragePool:
    done = rewriteAvgPool(n);
    if (done && !*done)
      done = rewriteTransparent(n);
    break;
  default:
    if (isQuantTransparent(n.kind))
      done = rewriteTransparent(n);
    break;
  }
  if (!done)
    return done.takeError();
  if (*done)
    return llvm::Error::success();
  return copyNode(n);
}

llvm::Expected<Graph> Quantizer::run() {
  for (ValueId in : src.getInputs())
    plain[in.index] =
        dst.addInput(src.getType(in), uniqueName(src.getValue(in).name));
  for (NodeId id : src.getNodeIds()) {
    if (absorbed[id.index])
      continue;
    if (auto err = rewriteNode(src.getNode(id)))
      return err;
  }
  llvm::SmallVector<ValueId, 4> outputs;
  for (ValueId out : src.getOutputs())
    outputs.push_back(getPlain(out));
  dst.setOutputs(outputs);
  eraseDeadNodes(dst);
  return std::move(dst);
}

llvm::Expected<Changed> rtc::quantizeGraph(Graph &g,
                                           const ActivationRanges &ranges,
                                           const QuantOptions &opts,
                                           unsigned &numQuantized,
                                           unsigned &numFallbacks) {
  for (int64_t bits : {opts.weightBits, opts.activationBits})
    if (bits < 2 || bits > 8)
      return makeError({}, fmt::format("quantization bits {} must be between "
                                       "2 and 8",
                                       bits));
  Quantizer q(g, ranges, opts);
  auto out = q.run();
  if (!out)
    return out.takeError();
  numQuantized = q.numQuantized;
  numFallbacks = q.numFallbacks;
  // Nothing runs on integers (e.g. a lone softmax): keep the float graph
  // rather than add a quantize/dequantize pair that only loses precision.
  // Data movement alone (a lone max pool) does run on integers.
  if (numQuantized == 0 && q.numMoved == 0)
    return Changed::No;
  g = std::move(*out);
  return Changed::Yes;
}

llvm::Expected<Changed> QuantizePass::run(Graph &g, PassContext &ctx) {
  if (g.getInputs().size() != 1)
    return makeError({}, fmt::format("quantize: graph @{} has {} inputs; "
                                     "only single-input graphs are supported",
                                     g.getName().str(), g.getInputs().size()));
  std::vector<Tensor> randomSet;
  llvm::ArrayRef<Tensor> samples = calibration;
  if (samples.empty()) {
    randomSet = makeRandomCalibrationSet(g.getType(g.getInputs()[0]));
    samples = randomSet;
  }
  auto ranges = calibrate(g, samples, opts);
  if (!ranges)
    return ranges.takeError();
  unsigned numQuantized = 0, numFallbacks = 0;
  auto changed = quantizeGraph(g, *ranges, opts, numQuantized, numFallbacks);
  if (!changed)
    return changed.takeError();
  if (numQuantized)
    ctx.stats().add(getName(), "quantized", numQuantized);
  if (numFallbacks)
    ctx.stats().add(getName(), "float-fallback", numFallbacks);
  return *changed;
}

std::unique_ptr<GraphPass>
rtc::createQuantizePass(const QuantOptions &opts,
                        std::vector<Tensor> calibration) {
  return std::make_unique<QuantizePass>(opts, std::move(calibration));
}

std::unique_ptr<GraphPass> rtc::createQuantizePass() {
  return createQuantizePass(QuantOptions{}, {});
}

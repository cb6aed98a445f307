//===- passes/FoldBatchNorm.cpp - Fold BatchNorm into Conv/Gemm -----------===//
//
// The new producer is inserted right before the BatchNorm (not in place of
// the old producer) because its new constants are created there: inserting
// at the BatchNorm keeps every operand defined before its use without moving
// any other node.
//
//===----------------------------------------------------------------------===//
#include "passes/FoldBatchNorm.h"

#include "passes/RewriteUtils.h"

#include <cmath>
#include <optional>

using namespace rtc;

namespace {
/// A BatchNorm with constant per-channel parameters and its producer.
struct FoldCandidate {
  NodeId bn, producer;
  const Tensor *weight = nullptr;
  const Tensor *bias = nullptr; ///< Conv bias or Gemm C; may be null.
  llvm::SmallVector<float, 16> s; ///< scale / sqrt(var + eps), per channel
  const Tensor *mean = nullptr;
  const Tensor *beta = nullptr;
};

/// The folded constants of one candidate.
struct Folded {
  Tensor weight, bias;
};
} // namespace

static bool isF32Constant(const Tensor *t) {
  return t && t->getElemType() == DType::F32 && !t->getType().quant;
}

static bool hasActivation(const Node &node) {
  if (node.kind == OpKind::Conv)
    return node.getAttrs<ConvAttrs>().activation.kind != ActivationKind::None;
  return node.getAttrs<GemmAttrs>().activation.kind != ActivationKind::None;
}

/// Checks the conditions of the header for BatchNorm \p bnId.
static std::optional<FoldCandidate> matchCandidate(const Graph &g,
                                                   NodeId bnId) {
  const Node &bn = g.getNode(bnId);
  ValueId z = bn.operands[0];
  const ValueInfo &zInfo = g.getValue(z);
  if (!zInfo.producer.isValid() || !rewrite::hasSingleUse(g, z))
    return std::nullopt;
  const Node &producer = g.getNode(zInfo.producer);
  if ((producer.kind != OpKind::Conv && producer.kind != OpKind::Gemm) ||
      hasActivation(producer) || g.getType(z).elemType != DType::F32)
    return std::nullopt;

  FoldCandidate c;
  c.bn = bnId;
  c.producer = zInfo.producer;
  c.weight = g.getConstantValue(producer.operands[1]);
  if (!isF32Constant(c.weight))
    return std::nullopt;
  if (producer.operands.size() > 2) {
    c.bias = g.getConstantValue(producer.operands[2]);
    if (!isF32Constant(c.bias))
      return std::nullopt;
  }
  const Tensor *params[4];
  for (unsigned i = 0; i < 4; ++i) {
    params[i] = g.getConstantValue(bn.operands[i + 1]);
    if (!isF32Constant(params[i]))
      return std::nullopt;
  }
  const Tensor *scale = params[0], *var = params[3];
  c.beta = params[1];
  c.mean = params[2];
  float eps = bn.getAttrs<BatchNormAttrs>().epsilon;
  int64_t channels = g.getType(z).shape[1];
  for (int64_t i = 0; i < channels; ++i)
    c.s.push_back(scale->getData<float>()[i] /
                  std::sqrt(var->getData<float>()[i] + eps));
  return c;
}

/// b'[c] = (b[c] - mean[c]) * s[c] + beta[c].
static float foldBias(const FoldCandidate &c, int64_t ch, float b) {
  return (b - c.mean->getData<float>()[ch]) * c.s[ch] +
         c.beta->getData<float>()[ch];
}

static Folded foldIntoConv(const FoldCandidate &c) {
  Folded f{*c.weight, Tensor(TensorType(DType::F32, {int64_t(c.s.size())}))};
  llvm::MutableArrayRef<float> w = f.weight.getMutableData<float>();
  int64_t channels = int64_t(c.s.size());
  int64_t perChannel = f.weight.getNumElements() / channels;
  for (int64_t m = 0; m < channels; ++m)
    for (int64_t i = 0; i < perChannel; ++i)
      w[m * perChannel + i] *= c.s[m];
  llvm::MutableArrayRef<float> b = f.bias.getMutableData<float>();
  for (int64_t m = 0; m < channels; ++m)
    b[m] = foldBias(c, m, c.bias ? c.bias->getData<float>()[m] : 0.0f);
  return f;
}

static Folded foldIntoGemm(const FoldCandidate &c, const GemmAttrs &attrs,
                           int64_t rows) {
  int64_t n = int64_t(c.s.size());
  Folded f{*c.weight, Tensor()};
  llvm::MutableArrayRef<float> w = f.weight.getMutableData<float>();
  int64_t k = f.weight.getNumElements() / n;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < k; ++i)
      w[attrs.transB ? j * k + i : i * n + j] *= c.s[j];

  // C broadcasts unidirectionally to [rows, n]; keep its rows only if it
  // has more than one.
  llvm::ArrayRef<int64_t> cs;
  if (c.bias)
    cs = c.bias->getShape();
  int64_t cRows = cs.size() == 2 ? cs[0] : 1;
  int64_t cCols = cs.empty() ? 1 : cs.back();
  int64_t outRows = cRows > 1 ? rows : 1;
  f.bias = outRows > 1 ? Tensor(TensorType(DType::F32, {outRows, n}))
                       : Tensor(TensorType(DType::F32, {n}));
  llvm::MutableArrayRef<float> b = f.bias.getMutableData<float>();
  for (int64_t i = 0; i < outRows; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float cij = 0.0f;
      if (c.bias && attrs.beta != 0.0f)
        cij = attrs.beta * c.bias->getData<float>()[(cRows > 1 ? i : 0) *
                                                        cCols +
                                                    (cCols > 1 ? j : 0)];
      b[i * n + j] = foldBias(c, j, cij);
    }
  return f;
}

/// Rewrites one matched candidate.
static void applyFold(Graph &g, const FoldCandidate &c) {
  const Node &producer = g.getNode(c.producer);
  OpKind kind = producer.kind;
  Attrs attrs = producer.attrs;
  Location loc = producer.loc;
  ValueId input = producer.operands[0];
  ValueId oldWeight = producer.operands[1];
  std::optional<ValueId> oldBias;
  if (producer.operands.size() > 2)
    oldBias = producer.operands[2];
  TensorType type = g.getType(producer.results[0]);

  Folded f;
  if (kind == OpKind::Conv) {
    f = foldIntoConv(c);
  } else {
    auto &gemm = std::get<GemmAttrs>(attrs);
    f = foldIntoGemm(c, gemm, type.shape[0]);
    gemm.beta = 1.0f;
  }

  llvm::SmallVector<ValueId, 4> bnOperands = g.getNode(c.bn).operands;
  ValueId bnResult = g.getNode(c.bn).results[0];
  ValueId w = rewrite::insertConstantBefore(g, c.bn, std::move(f.weight));
  NodeId bnId{c.bn.index + 1};
  ValueId b = rewrite::insertConstantBefore(g, bnId, std::move(f.bias));
  bnId.index += 1;
  NodeId fused = g.insertNodeBefore(bnId, kind, {input, w, b}, {type},
                                    std::move(attrs), std::move(loc));
  bnId.index += 1;
  rewrite::replaceValue(g, bnResult, g.getNode(fused).results[0]);
  g.eraseNode(bnId);
  g.eraseNode(c.producer); // its only user was the BatchNorm
  rewrite::eraseConstantIfDead(g, oldWeight, w);
  if (oldBias)
    rewrite::eraseConstantIfDead(g, *oldBias, b);
  for (size_t i = 1; i < bnOperands.size(); ++i)
    rewrite::eraseConstantIfDead(g, bnOperands[i]);
}

unsigned rtc::foldBatchNorms(Graph &g) {
  unsigned folded = 0;
  // Indexing slots (not a precomputed id list): each fold inserts nodes
  // before the BatchNorm, shifting the ids after it.
  for (uint32_t i = 0; i < g.getNumNodeSlots(); ++i) {
    const Node &node = g.getNode(NodeId{i});
    if (node.erased || node.kind != OpKind::BatchNorm)
      continue;
    std::optional<FoldCandidate> c = matchCandidate(g, NodeId{i});
    if (!c)
      continue;
    applyFold(g, *c);
    ++folded;
    i += 3; // skip the two constants and the new producer
  }
  if (folded)
    g.compact();
  return folded;
}

llvm::Expected<Changed> FoldBatchNormPass::run(Graph &g, PassContext &ctx) {
  unsigned folded = foldBatchNorms(g);
  if (folded == 0)
    return Changed::No;
  ctx.stats().add(getName(), "folded", folded);
  return Changed::Yes;
}

std::unique_ptr<GraphPass> rtc::createFoldBatchNormPass() {
  return std::make_unique<FoldBatchNormPass>();
}

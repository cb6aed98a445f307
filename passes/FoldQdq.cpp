//===- passes/FoldQdq.cpp - Fold QDQ patterns into integer ops ------------===//
//
// Matching is local and conservative: every condition in passes/FoldQdq.h
// must hold, otherwise the pattern is left alone. Quantize nodes are
// visited from the last to the first so that inserting the replacement
// just before a quantize node never shifts a node still to be visited.
//
//===----------------------------------------------------------------------===//
#include "passes/FoldQdq.h"

#include "ir/Builder.h"
#include "ir/QuantMath.h"
#include "ir/ShapeInference.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace rtc;

namespace {
/// A matched pattern: everything needed to build the replacement.
struct Match {
  NodeId floatNode;
  ValueId floatResult;
  ValueId result; ///< The quantize result to replace.
  OpKind kind;    ///< QConv or QMatMul.
  ValueId xq;
  ValueId wq;                      ///< The quantized weight constant ...
  std::optional<Tensor> newWeight; ///< ... or a transposed copy of it.
  std::optional<Tensor> bias;      ///< i32 bias to materialize.
  std::string biasName;            ///< Its name: the float bias's + ".q".
  ConvAttrs conv;                  ///< For QConv.
  RequantAttrs requant;
  /// Values whose producers may become dead (dequantize nodes, constants).
  llvm::SmallVector<ValueId, 4> maybeDead;
};
} // namespace

/// \returns q if \p v is `dequantize q`, else nullopt.
static std::optional<ValueId> matchDequantize(const Graph &g, ValueId v) {
  const Node *p = g.getProducer(v);
  if (!p || p->kind != OpKind::Dequantize)
    return std::nullopt;
  return p->operands[0];
}

static bool isPerTensor(const std::optional<QuantParams> &q) {
  return q && !q->isPerAxis() && q->scales.size() == 1 &&
         q->zeroPoints.size() == 1;
}

/// The scale of channel \p c of \p q (per tensor: the one scale).
static double scaleOf(const QuantParams &q, size_t c) {
  return q.isPerAxis() ? q.scales[c] : q.scales[0];
}

/// Transposes a 2-D tensor of any element type.
static Tensor transpose2D(const Tensor &t) {
  int64_t rows = t.getShape()[0], cols = t.getShape()[1];
  Tensor out(TensorType(t.getElemType(), {cols, rows}));
  size_t es = getDTypeSize(t.getElemType());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      std::memcpy(out.getRawMutableData() + size_t(j * rows + i) * es,
                  t.getRawData() + size_t(i * cols + j) * es, es);
  return out;
}

/// Reads the optional bias \p v (an f32 constant, or the dequantize of an
/// integer constant) of \p m elements as i32 with scale sx * sw[c].
/// \returns nullopt if it has another form.
static std::optional<Tensor> quantizeBias(const Graph &g, ValueId v, int64_t m,
                                          double sx, const QuantParams &w,
                                          Match &match) {
  if (g.getType(v).getNumElements() != m)
    return std::nullopt;
  llvm::SmallVector<double, 16> real;
  match.maybeDead.push_back(v);
  match.biasName = g.getValue(v).name.empty() ? std::string("bias.q")
                                              : g.getValue(v).name + ".q";
  const Tensor *c = g.getConstantValue(v);
  if (c && c->getElemType() == DType::F32) {
    for (int64_t i = 0; i < m; ++i)
      real.push_back(c->getAsDouble(i));
  } else if (auto q = matchDequantize(g, v)) {
    const Tensor *qc = g.getConstantValue(*q);
    const std::optional<QuantParams> &bq = g.getType(*q).quant;
    if (!qc || !bq || (bq->isPerAxis() && bq->scales.size() != size_t(m)))
      return std::nullopt;
    for (int64_t i = 0; i < m; ++i) {
      double s = scaleOf(*bq, size_t(i));
      int64_t zp = bq->isPerAxis() ? bq->zeroPoints[i] : bq->zeroPoints[0];
      real.push_back(double(qc->getAsInt64(i) - zp) * s);
    }
    match.maybeDead.push_back(*q);
  } else {
    return std::nullopt;
  }
  Tensor out(TensorType(DType::I32, {m}));
  auto data = out.getMutableData<int32_t>();
  for (int64_t i = 0; i < m; ++i) {
    // nearbyint rounds half to even in the default rounding mode.
    double q = std::nearbyint(real[i] / (sx * scaleOf(w, size_t(i))));
    data[i] = int32_t(saturate(int64_t(std::clamp(q, -4e18, 4e18)),
                               std::numeric_limits<int32_t>::min(),
                               std::numeric_limits<int32_t>::max()));
  }
  return out;
}

/// Fills the requantization of \p match for output parameters \p y of
/// element type \p outType and the fused activation \p act.
static void fillRequant(Match &match, double sx, const QuantParams &w,
                        size_t channels, DType outType, const QuantParams &y,
                        const FusedActivation &act) {
  RequantAttrs &r = match.requant;
  r.outType = outType;
  r.outQuant = y;
  size_t n = w.isPerAxis() ? channels : 1;
  for (size_t c = 0; c < n; ++c) {
    FixedPointMultiplier m =
        quantizeMultiplier(sx * scaleOf(w, c) / double(y.scales[0]));
    r.multipliers.push_back(m.multiplier);
    r.shifts.push_back(m.shift);
  }
  QuantRange range = getQuantRange(outType, y.bits);
  r.clampMin = range.min;
  r.clampMax = range.max;
  int64_t zy = y.zeroPoints[0];
  if (act.kind == ActivationKind::Relu) {
    r.clampMin = std::max(r.clampMin, zy);
  } else if (act.kind == ActivationKind::Clip) {
    if (!std::isinf(act.min))
      r.clampMin =
          std::max(r.clampMin, quantizeValue(act.min, y.scales[0], zy, range));
    if (!std::isinf(act.max))
      r.clampMax =
          std::min(r.clampMax, quantizeValue(act.max, y.scales[0], zy, range));
  }
}

/// The attributes of the integer op of \p m.
static Attrs makeAttrs(const Match &m) {
  if (m.kind == OpKind::QConv)
    return QConvAttrs{m.conv, m.requant};
  return m.requant;
}

/// Matches the pattern ending at quantize node \p qn.
static std::optional<Match> matchPattern(const Graph &g, const Node &qn) {
  const auto &qa = qn.getAttrs<QuantizeAttrs>();
  if (!isPerTensor(qa.params))
    return std::nullopt;
  ValueId yf = qn.operands[0];
  const Node *fn = g.getProducer(yf);
  if (!fn || (fn->kind != OpKind::Conv && fn->kind != OpKind::MatMul &&
              fn->kind != OpKind::Gemm))
    return std::nullopt;
  if (g.getUsers(yf).size() != 1 || g.isGraphOutput(yf))
    return std::nullopt;
  auto xq = matchDequantize(g, fn->operands[0]);
  auto wq = matchDequantize(g, fn->operands[1]);
  if (!xq || !wq || !isPerTensor(g.getType(*xq).quant))
    return std::nullopt;
  const Tensor *w = g.getConstantValue(*wq);
  const std::optional<QuantParams> &wQuant = g.getType(*wq).quant;
  if (!w || !wQuant)
    return std::nullopt;

  Match m;
  m.floatNode = g.getValue(yf).producer;
  m.floatResult = yf;
  m.result = qn.results[0];
  m.xq = *xq;
  m.wq = *wq;
  m.maybeDead = {fn->operands[0], fn->operands[1]};
  QuantParams wp = *wQuant;
  double sx = g.getType(*xq).quant->scales[0];
  int64_t channels = 0;
  FusedActivation act;
  size_t rank = w->getType().getRank();

  if (fn->kind == OpKind::Conv) {
    m.kind = OpKind::QConv;
    m.conv = fn->getAttrs<ConvAttrs>();
    act = m.conv.activation;
    m.conv.activation = FusedActivation{};
    channels = w->getShape()[0];
    if (wp.isPerAxis() && wp.axis != 0)
      return std::nullopt;
  } else {
    m.kind = OpKind::QMatMul;
    if (rank < 2)
      return std::nullopt;
    if (fn->kind == OpKind::Gemm) {
      const auto &ga = fn->getAttrs<GemmAttrs>();
      act = ga.activation;
      if (ga.alpha != 1.0f || ga.transA || rank != 2 ||
          (fn->operands.size() > 2 && ga.beta != 1.0f) ||
          g.getType(fn->operands[0]).getRank() != 2)
        return std::nullopt;
      if (ga.transB) {
        if (wp.isPerAxis() && wp.axis != 0)
          return std::nullopt;
        Tensor t = transpose2D(*w);
        if (wp.isPerAxis())
          wp.axis = 1;
        TensorType tt = t.getType();
        tt.quant = wp;
        t.setType(tt);
        m.newWeight = std::move(t);
        m.maybeDead.push_back(*wq);
      }
    }
    int64_t lastAxis = int64_t(rank) - 1;
    if (wp.isPerAxis() && wp.axis != lastAxis)
      return std::nullopt;
    channels =
        m.newWeight ? m.newWeight->getShape()[1] : w->getShape()[rank - 1];
  }
  if (fn->operands.size() > 2) {
    auto bias = quantizeBias(g, fn->operands[2], channels, sx, wp, m);
    if (!bias)
      return std::nullopt;
    m.bias = std::move(bias);
  }
  fillRequant(m, sx, wp, size_t(channels), qa.elemType, qa.params, act);

  // The integer op must accept these operands (e.g. 8/16-bit x and w) and
  // produce exactly the quantize node's type; otherwise leave it alone.
  llvm::SmallVector<TensorType, 3> types = {
      g.getType(m.xq), m.newWeight ? m.newWeight->getType() : g.getType(m.wq)};
  if (m.bias)
    types.push_back(m.bias->getType());
  auto inferred = inferResultTypes(m.kind, types, makeAttrs(m));
  if (!inferred) {
    llvm::consumeError(inferred.takeError());
    return std::nullopt;
  }
  if ((*inferred)[0] != g.getType(m.result))
    return std::nullopt;
  return m;
}

/// \returns \p base, or \p base with a numeric suffix, unused in \p g.
static std::string uniqueName(const Graph &g, const std::string &base) {
  llvm::StringSet<> taken;
  for (size_t i = 0; i < g.getNumValues(); ++i)
    taken.insert(g.getValue(ValueId{uint32_t(i)}).name);
  std::string name = base;
  for (unsigned k = 1; taken.contains(name); ++k)
    name = base + "." + std::to_string(k);
  return name;
}

/// Erases the producer of \p v if it is a live node none of whose results
/// is used.
static void eraseIfDead(Graph &g, ValueId v) {
  const ValueInfo &vi = g.getValue(v);
  if (!vi.producer.isValid() || g.getNode(vi.producer).erased)
    return;
  for (ValueId r : g.getNode(vi.producer).results)
    if (!g.getUsers(r).empty() || g.isGraphOutput(r))
      return;
  g.eraseNode(vi.producer);
}

/// Builds the replacement of \p m before its quantize node and erases what
/// died.
static void rewrite(Graph &g, Match &m) {
  const Node &fn = g.getNode(m.floatNode);
  Location loc = fn.loc;
  auto insertConstant = [&](Tensor t, const std::string &base) {
    NodeId q = g.getValue(m.result).producer;
    NodeId c = cantFail(buildNodeBefore(g, q, OpKind::Constant, {},
                                        ConstantAttrs{std::move(t)}, loc,
                                        {uniqueName(g, base)}));
    return g.getNode(c).results[0];
  };
  ValueId w = m.wq;
  if (m.newWeight)
    w = insertConstant(
        std::move(*m.newWeight),
        g.getValue(m.wq).name.empty() ? "w.t" : g.getValue(m.wq).name + ".t");
  llvm::SmallVector<ValueId, 3> operands = {m.xq, w};
  if (m.bias)
    operands.push_back(insertConstant(std::move(*m.bias), m.biasName));
  Attrs attrs = makeAttrs(m);

  NodeId q = g.getValue(m.result).producer;
  std::string name = std::move(g.getValue(m.result).name);
  g.getValue(m.result).name.clear();
  NodeId n = cantFail(
      buildNodeBefore(g, q, m.kind, operands, std::move(attrs), loc, {name}));
  ValueId folded = g.getNode(n).results[0];
  assert(g.getType(folded) == g.getType(m.result) &&
         "folded node must produce the quantize node's type");
  g.replaceAllUsesWith(m.result, folded);
  g.eraseNode(g.getValue(m.result).producer);
  // The float node's result was used only by the quantize node.
  eraseIfDead(g, m.floatResult);
  for (ValueId v : m.maybeDead)
    eraseIfDead(g, v);
}

unsigned rtc::foldQdqPatterns(Graph &g) {
  unsigned folded = 0;
  llvm::SmallVector<NodeId, 0> ids = g.getNodeIds();
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const Node &node = g.getNode(*it);
    if (node.erased || node.kind != OpKind::Quantize)
      continue;
    std::optional<Match> m = matchPattern(g, node);
    if (!m)
      continue;
    rewrite(g, *m);
    ++folded;
  }
  if (folded)
    g.compact();
  return folded;
}

llvm::Expected<Changed> FoldQdqPass::run(Graph &g, PassContext &ctx) {
  unsigned folded = foldQdqPatterns(g);
  if (folded == 0)
    return Changed::No;
  ctx.stats().add(getName(), "folded", folded);
  return Changed::Yes;
}

std::unique_ptr<GraphPass> rtc::createFoldQdqPass() {
  return std::make_unique<FoldQdqPass>();
}

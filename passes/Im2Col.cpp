//===- passes/Im2Col.cpp - Lower Conv to Im2Col + MatMul ------------------===//
//
// Every emitted node is inserted right before the Conv with its type from
// shape inference (ir/Builder.h), so the lowering is topologically valid
// wherever the Conv's operands were defined. Ungrouped QConv with a
// constant weight is lowered to Im2Col + Transpose + QMatMul (see
// passes/Im2Col.h); the product is exact in the integer golden model.
//
//===----------------------------------------------------------------------===//
#include "passes/Im2Col.h"

#include "ir/Builder.h"
#include "passes/RewriteUtils.h"

#include <cassert>
#include <cstring>
#include <optional>

using namespace rtc;

namespace {
/// Appends nodes before a fixed node (the Conv being lowered), tracking its
/// id as insertions shift it.
class Inserter {
public:
  Inserter(Graph &g, NodeId conv) : g(g), conv(conv) {}

  llvm::Expected<ValueId> build(OpKind kind, llvm::ArrayRef<ValueId> ops,
                                Attrs attrs) {
    auto id = buildNodeBefore(g, conv, kind, ops, std::move(attrs), loc());
    if (!id)
      return id.takeError();
    ++conv.index;
    return g.getNode(*id).results[0];
  }
  ValueId constant(Tensor value) {
    ValueId v = rewrite::insertConstantBefore(g, conv, std::move(value), "",
                                              loc());
    ++conv.index;
    return v;
  }
  /// \p v viewed as \p shape: \p v itself if it has that shape, a new
  /// constant if \p v is constant, else a Reshape node.
  llvm::Expected<ValueId> reshape(ValueId v, llvm::ArrayRef<int64_t> shape) {
    if (llvm::ArrayRef<int64_t>(g.getType(v).shape) == shape)
      return v; // e.g. the [N, M, L] product of a 1-D conv
    if (const Tensor *t = g.getConstantValue(v)) {
      Tensor copy = *t;
      TensorType type = copy.getType();
      type.shape.assign(shape.begin(), shape.end());
      copy.setType(type);
      return constant(std::move(copy));
    }
    ReshapeAttrs attrs;
    attrs.shape.assign(shape.begin(), shape.end());
    return build(OpKind::Reshape, {v}, attrs);
  }
  NodeId getConv() const { return conv; }

private:
  Location loc() const { return g.getNode(conv).loc; }
  Graph &g;
  NodeId conv;
};
} // namespace

/// A QConv is lowered when it is ungrouped and its weight is a constant
/// (see passes/Im2Col.h for why grouped ones are not).
static bool isLowerableQConv(const Graph &g, const Node &node) {
  return node.kind == OpKind::QConv &&
         node.getAttrs<QConvAttrs>().conv.group == 1 &&
         g.getConstantValue(node.operands[1]) != nullptr;
}

static bool isLowerable(const Graph &g, const Node &node) {
  if (node.kind == OpKind::Conv)
    return g.getType(node.results[0]).elemType == DType::F32;
  return isLowerableQConv(g, node);
}

/// \returns the QConv weight \p w [M, C, K1..Kr] as W^T [C*K, M]: element
/// (r, m) is w[m, r] (bytes copied unchanged). Per-axis parameters move
/// from axis 0 to axis 1 (same scales and zero points, indexed by m).
static Tensor transposeWeight(const Tensor &w) {
  int64_t m = w.getShape()[0];
  int64_t rows = m ? w.getNumElements() / m : 0;
  TensorType type(w.getElemType(), {rows, m});
  type.quant = w.getType().quant;
  if (type.quant && type.quant->isPerAxis())
    type.quant->axis = 1;
  Tensor t(type);
  size_t size = getDTypeSize(w.getElemType());
  const uint8_t *src = w.getRawData();
  uint8_t *dst = t.getRawMutableData();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < m; ++j)
      std::memcpy(dst + size_t(r * m + j) * size,
                  src + size_t(j * rows + r) * size, size);
  return t;
}

/// Emits the lowering of the (ungrouped, constant-weight) QConv at \p id
/// and erases it.
static llvm::Error lowerQConv(Graph &g, NodeId id) {
  const Node &qconv = g.getNode(id);
  const QConvAttrs attrs = qconv.getAttrs<QConvAttrs>();
  ValueId x = qconv.operands[0], w = qconv.operands[1];
  std::optional<ValueId> bias;
  if (qconv.operands.size() > 2)
    bias = qconv.operands[2];
  ValueId result = qconv.results[0];
  TensorType outType = g.getType(result);
  Tensor weightT = transposeWeight(*g.getConstantValue(w));

  Inserter ins(g, id);
  Im2ColAttrs colAttrs;
  colAttrs.kernelShape = attrs.conv.kernelShape;
  colAttrs.strides = attrs.conv.strides;
  colAttrs.dilations = attrs.conv.dilations;
  colAttrs.pads = attrs.conv.pads;
  // Padding taps then hold zx and contribute (zx - zx) * (w - zw) = 0,
  // exactly as in the direct kernel.
  colAttrs.padValue = g.getType(x).quant->zeroPoints[0];
  auto cols = ins.build(OpKind::Im2Col, {x}, colAttrs);
  if (!cols)
    return cols.takeError();
  auto colsT = ins.build(OpKind::Transpose, {*cols}, TransposeAttrs{{0, 2, 1}});
  if (!colsT)
    return colsT.takeError();
  ValueId newWeight = ins.constant(std::move(weightT));
  llvm::SmallVector<ValueId, 3> operands = {*colsT, newWeight};
  if (bias)
    operands.push_back(*bias);
  auto product = ins.build(OpKind::QMatMul, operands, attrs.requant);
  if (!product)
    return product.takeError();
  auto y = ins.build(OpKind::Transpose, {*product}, TransposeAttrs{{0, 2, 1}});
  if (y)
    y = ins.reshape(*y, outType.shape);
  if (!y)
    return y.takeError();
  assert(g.getType(*y) == outType && "lowering changed the result type");

  rewrite::replaceValue(g, result, *y);
  g.eraseNode(ins.getConv());
  // W^T takes over the name of the weight it replaces.
  rewrite::eraseConstantIfDead(g, w, newWeight);
  return llvm::Error::success();
}

/// Emits the lowering of the Conv at \p id and erases it.
static llvm::Error lowerConv(Graph &g, NodeId id) {
  const Node &conv = g.getNode(id);
  const ConvAttrs attrs = conv.getAttrs<ConvAttrs>();
  ValueId x = conv.operands[0], w = conv.operands[1];
  std::optional<ValueId> bias;
  if (conv.operands.size() > 2)
    bias = conv.operands[2];
  ValueId result = conv.results[0];
  TensorType outType = g.getType(result);
  int64_t n = outType.shape[0], m = outType.shape[1];
  int64_t c = g.getType(x).shape[1];
  int64_t groups = attrs.group;
  int64_t kernel = 1, positions = 1;
  for (int64_t k : attrs.kernelShape)
    kernel *= k;
  for (size_t d = 2; d < outType.getRank(); ++d)
    positions *= outType.shape[d];
  int64_t rows = c / groups * kernel; // rows of cols per group

  Inserter ins(g, id);
  Im2ColAttrs colAttrs;
  colAttrs.kernelShape = attrs.kernelShape;
  colAttrs.strides = attrs.strides;
  colAttrs.dilations = attrs.dilations;
  colAttrs.pads = attrs.pads;
  colAttrs.padValue = 0;
  auto cols = ins.build(OpKind::Im2Col, {x}, colAttrs);
  if (!cols)
    return cols.takeError();
  llvm::Expected<ValueId> lhs = w, rhs = *cols;
  if (groups == 1) {
    lhs = ins.reshape(w, {m, rows});
  } else {
    lhs = ins.reshape(w, {groups, m / groups, rows});
    if (lhs)
      rhs = ins.reshape(*cols, {n, groups, rows, positions});
  }
  if (!lhs)
    return lhs.takeError();
  if (!rhs)
    return rhs.takeError();
  auto product = ins.build(OpKind::MatMul, {*lhs, *rhs}, NoAttrs{});
  if (!product)
    return product.takeError();
  auto y = ins.reshape(*product, outType.shape);
  if (!y)
    return y.takeError();

  ValueId newWeight = *lhs;
  std::optional<ValueId> newBias;
  if (bias) {
    llvm::SmallVector<int64_t, 4> biasShape(outType.getRank() - 1, 1);
    biasShape[0] = m;
    auto b = ins.reshape(*bias, biasShape);
    if (!b)
      return b.takeError();
    newBias = *b;
    y = ins.build(OpKind::Add, {*y, *b}, NoAttrs{});
    if (!y)
      return y.takeError();
  }
  switch (attrs.activation.kind) {
  case ActivationKind::None:
    break;
  case ActivationKind::Relu:
    y = ins.build(OpKind::Relu, {*y}, NoAttrs{});
    break;
  case ActivationKind::Clip:
    y = ins.build(OpKind::Clip, {*y},
                  ClipAttrs{attrs.activation.min, attrs.activation.max});
    break;
  }
  if (!y)
    return y.takeError();

  rewrite::replaceValue(g, result, *y);
  g.eraseNode(ins.getConv());
  // Reshaped constants take over the names of the originals they replace.
  rewrite::eraseConstantIfDead(g, w, newWeight);
  if (bias)
    rewrite::eraseConstantIfDead(g, *bias, *newBias);
  return llvm::Error::success();
}

llvm::Expected<unsigned> rtc::lowerConvsToIm2Col(Graph &g) {
  unsigned lowered = 0;
  // Indexing slots: a lowering inserts nodes before the Conv, so the loop
  // index moves past them to the (erased) Conv.
  for (uint32_t i = 0; i < g.getNumNodeSlots(); ++i) {
    if (g.getNode(NodeId{i}).erased || !isLowerable(g, g.getNode(NodeId{i})))
      continue;
    size_t before = g.getNumNodeSlots();
    bool isConv = g.getNode(NodeId{i}).kind == OpKind::Conv;
    if (llvm::Error err = isConv ? lowerConv(g, NodeId{i})
                                 : lowerQConv(g, NodeId{i}))
      return attachLocation(std::move(err), g.getNode(NodeId{i}).loc);
    i += uint32_t(g.getNumNodeSlots() - before);
    ++lowered;
  }
  if (lowered)
    g.compact();
  return lowered;
}

llvm::Expected<Changed> Im2ColPass::run(Graph &g, PassContext &ctx) {
  auto lowered = lowerConvsToIm2Col(g);
  if (!lowered)
    return lowered.takeError();
  if (*lowered == 0)
    return Changed::No;
  ctx.stats().add(getName(), "lowered", *lowered);
  return Changed::Yes;
}

std::unique_ptr<GraphPass> rtc::createIm2ColPass() {
  return std::make_unique<Im2ColPass>();
}

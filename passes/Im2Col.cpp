//===- passes/Im2Col.cpp - Lower Conv to Im2Col + MatMul ------------------===//
//
// Every emitted node is inserted right before the Conv with its type from
// shape inference (ir/Builder.h), so the lowering is topologically valid
// wherever the Conv's operands were defined.
//
//===----------------------------------------------------------------------===//
#include "passes/Im2Col.h"

#include "ir/Builder.h"
#include "passes/RewriteUtils.h"

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

static bool isLowerable(const Graph &g, const Node &node) {
  return node.kind == OpKind::Conv &&
         g.getType(node.results[0]).elemType == DType::F32;
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
    if (llvm::Error err = lowerConv(g, NodeId{i}))
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

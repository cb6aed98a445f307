//===- passes/FuseActivation.cpp - Fuse bias and activations --------------===//
//
// A bias fusion creates a new producer right before the Add (where the bias
// constant is known to be defined) and erases the old producer and the Add;
// the sweep reaches the new producer later and can then fuse a following
// activation into it. An activation fusion edits the producer in place.
//
//===----------------------------------------------------------------------===//
#include "passes/FuseActivation.h"

#include "passes/RewriteUtils.h"

#include <optional>

using namespace rtc;

static FusedActivation *getActivation(Node &node) {
  if (node.kind == OpKind::Conv)
    return &node.getAttrs<ConvAttrs>().activation;
  if (node.kind == OpKind::Gemm)
    return &node.getAttrs<GemmAttrs>().activation;
  return nullptr;
}

static bool isPlainF32(const TensorType &t) {
  return t.elemType == DType::F32 && !t.quant;
}

/// If \p b (broadcast against a result of rank \p rank) varies at most along
/// dim \p channelDim of size \p channels, \returns it as a [channels]
/// vector; otherwise nullopt.
static std::optional<Tensor> matchChannelBias(const Tensor &b, size_t rank,
                                              size_t channelDim,
                                              int64_t channels) {
  llvm::ArrayRef<int64_t> bs = b.getShape();
  if (!isPlainF32(b.getType()) || bs.size() > rank)
    return std::nullopt;
  size_t offset = rank - bs.size();
  bool alongChannel = false;
  for (size_t d = 0; d < bs.size(); ++d) {
    if (bs[d] == 1)
      continue;
    if (d + offset != channelDim || bs[d] != channels)
      return std::nullopt;
    alongChannel = true;
  }
  Tensor out(TensorType(DType::F32, {channels}));
  llvm::MutableArrayRef<float> o = out.getMutableData<float>();
  for (int64_t c = 0; c < channels; ++c)
    o[c] = b.getData<float>()[alongChannel ? c : 0];
  return out;
}

/// The Add using \p v (the producer's only user) and its constant operand.
struct BiasAdd {
  NodeId add;
  ValueId bias;
  Tensor channelBias;
};

/// Matches "v + constant bias" (either operand order) where v has a single
/// use and the sum has v's type.
static std::optional<BiasAdd> matchBiasAdd(const Graph &g, ValueId v,
                                           size_t channelDim) {
  NodeId user = rewrite::getSingleUser(g, v);
  if (!user.isValid())
    return std::nullopt;
  const Node &add = g.getNode(user);
  if (add.kind != OpKind::Add || g.getType(add.results[0]) != g.getType(v))
    return std::nullopt;
  ValueId other = add.operands[0] == v ? add.operands[1] : add.operands[0];
  const Tensor *b = g.getConstantValue(other);
  if (!b || other == v)
    return std::nullopt;
  const TensorType &t = g.getType(v);
  auto bias = matchChannelBias(*b, t.getRank(), channelDim,
                               t.shape[channelDim]);
  if (!bias)
    return std::nullopt;
  return BiasAdd{user, other, std::move(*bias)};
}

/// Tries patterns 1 and 2 on the node at \p id. \returns true if rewritten.
static bool fuseBias(Graph &g, NodeId id) {
  const Node &node = g.getNode(id);
  ValueId result = node.results[0];
  if (!isPlainF32(g.getType(result)))
    return false;
  OpKind newKind;
  Attrs attrs = node.attrs;
  switch (node.kind) {
  case OpKind::MatMul: {
    const Tensor *w = g.getConstantValue(node.operands[1]);
    if (g.getType(node.operands[0]).getRank() != 2 || !w ||
        w->getShape().size() != 2 || !isPlainF32(w->getType()))
      return false;
    newKind = OpKind::Gemm;
    attrs = GemmAttrs{};
    break;
  }
  case OpKind::Gemm:
    if (node.operands.size() != 2 ||
        node.getAttrs<GemmAttrs>().activation.kind != ActivationKind::None)
      return false;
    newKind = OpKind::Gemm;
    std::get<GemmAttrs>(attrs).beta = 1.0f;
    break;
  case OpKind::Conv:
    if (node.operands.size() != 2 ||
        node.getAttrs<ConvAttrs>().activation.kind != ActivationKind::None ||
        g.getType(result).getRank() < 2)
      return false;
    newKind = OpKind::Conv;
    break;
  default:
    return false;
  }
  std::optional<BiasAdd> m = matchBiasAdd(g, result, 1);
  if (!m)
    return false;

  ValueId x = node.operands[0], w = node.operands[1];
  Location loc = node.loc;
  TensorType type = g.getType(result);
  NodeId addId = m->add;
  ValueId addResult = g.getNode(addId).results[0];
  ValueId bias = m->bias;
  if (g.getType(bias) != m->channelBias.getType()) {
    bias = rewrite::insertConstantBefore(g, addId, std::move(m->channelBias));
    addId.index += 1;
  }
  NodeId fused = g.insertNodeBefore(addId, newKind, {x, w, bias}, {type},
                                    std::move(attrs), std::move(loc));
  addId.index += 1;
  rewrite::replaceValue(g, addResult, g.getNode(fused).results[0]);
  g.eraseNode(addId);
  g.eraseNode(id); // its only user was the Add
  rewrite::eraseConstantIfDead(g, m->bias, bias);
  return true;
}

/// Tries pattern 3 on the node at \p id. \returns true if rewritten.
static bool fuseActivation(Graph &g, NodeId id) {
  Node &node = g.getNode(id);
  FusedActivation *act = getActivation(node);
  if (!act || act->kind != ActivationKind::None)
    return false;
  ValueId result = node.results[0];
  NodeId userId = rewrite::getSingleUser(g, result);
  if (!userId.isValid())
    return false;
  const Node &user = g.getNode(userId);
  if (user.kind == OpKind::Relu) {
    act->kind = ActivationKind::Relu;
  } else if (user.kind == OpKind::Clip) {
    const ClipAttrs &clip = user.getAttrs<ClipAttrs>();
    *act = FusedActivation{ActivationKind::Clip, clip.min, clip.max};
  } else {
    return false;
  }
  rewrite::replaceValue(g, user.results[0], result);
  g.eraseNode(userId);
  return true;
}

FusionCounts rtc::fuseActivations(Graph &g) {
  FusionCounts counts;
  // Indexing slots: bias fusions insert nodes after the current one, which
  // the sweep then reaches.
  for (uint32_t i = 0; i < g.getNumNodeSlots(); ++i) {
    if (g.getNode(NodeId{i}).erased)
      continue;
    if (fuseBias(g, NodeId{i}))
      ++counts.biases;
    else if (fuseActivation(g, NodeId{i}))
      ++counts.activations;
  }
  if (counts.biases || counts.activations)
    g.compact();
  return counts;
}

llvm::Expected<Changed> FuseActivationPass::run(Graph &g, PassContext &ctx) {
  FusionCounts counts = fuseActivations(g);
  if (counts.biases)
    ctx.stats().add(getName(), "bias", counts.biases);
  if (counts.activations)
    ctx.stats().add(getName(), "activation", counts.activations);
  return counts.biases || counts.activations ? Changed::Yes : Changed::No;
}

std::unique_ptr<GraphPass> rtc::createFuseActivationPass() {
  return std::make_unique<FuseActivationPass>();
}

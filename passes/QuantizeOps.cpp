//===- passes/QuantizeOps.cpp - Per-op rewrites of the quantize pass ------===//
//
// The Quantizer's rewrites of individual ops (passes/QuantizerImpl.h):
// conv / gemm / matmul into qconv / qmatmul with symmetric per-channel
// weights, average pools into depthwise qconvs, add into qadd
// (absorbing a following relu), and the ops that run unchanged on quantized
// tensors (data movement, pools, relu, concat). Each returns false when the
// node must stay in float; the driver (passes/Quantize.cpp) then copies it.
//
// Arithmetic (rounding, multipliers, ranges) comes from ir/QuantMath.h; this
// file only chooses parameters.
//
//===----------------------------------------------------------------------===//
#include "passes/QuantizerImpl.h"

#include "ir/Builder.h"
#include "ir/QuantMath.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <optional>

using namespace rtc;
using namespace rtc::quant_detail;

static const QuantParams &getParams(const TensorType &t) {
  assert(t.quant && !t.quant->isPerAxis() && "expected per-tensor params");
  return *t.quant;
}

/// Symmetric per-channel weights along \p axis of a float tensor.
struct QuantizedWeights {
  Tensor values; ///< i8 with per-axis quant params
  llvm::SmallVector<float, 8> scales;
  llvm::SmallVector<int64_t, 8> absSums; ///< sum |q| per channel
};

static QuantizedWeights quantizeWeights(const Tensor &w, int64_t axis,
                                        int64_t bits) {
  llvm::ArrayRef<int64_t> shape = w.getShape();
  int64_t channels = shape[axis], inner = 1;
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t n = w.getNumElements();
  auto channelOf = [&](int64_t i) { return (i / inner) % channels; };
  std::vector<float> absMax(channels, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    absMax[channelOf(i)] =
        std::max(absMax[channelOf(i)], std::fabs(float(w.getAsDouble(i))));
  QuantizedWeights out;
  int64_t qmax = (int64_t(1) << (bits - 1)) - 1;
  QuantRange range{-qmax, qmax};
  for (int64_t c = 0; c < channels; ++c)
    out.scales.push_back(chooseSymmetricScale(absMax[c], bits));
  out.absSums.assign(channels, 0);
  TensorType type(DType::I8, shape);
  QuantParams params;
  params.scales.assign(out.scales.begin(), out.scales.end());
  params.zeroPoints.assign(channels, 0);
  params.axis = axis;
  params.bits = bits;
  type.quant = params;
  out.values = Tensor(type);
  llvm::MutableArrayRef<int8_t> q = out.values.getMutableData<int8_t>();
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = channelOf(i);
    q[i] =
        int8_t(quantizeValue(float(w.getAsDouble(i)), out.scales[c], 0, range));
    out.absSums[c] += std::abs(int64_t(q[i]));
  }
  return out;
}

/// The requantization clamp of an output with parameters \p out, narrowed
/// by a fused activation.
static std::pair<int64_t, int64_t> activationClamp(const ActivationQuant &out,
                                                   const FusedActivation &act) {
  const QuantParams &p = out.params;
  QuantRange r = getQuantRange(out.elemType, p.bits);
  int64_t lo = r.min, hi = r.max, zp = p.zeroPoints[0];
  float scale = p.scales[0];
  if (act.kind == ActivationKind::Relu)
    lo = std::max(lo, zp);
  if (act.kind == ActivationKind::Clip) {
    if (std::isfinite(act.min))
      lo = std::max(lo, quantizeValue(act.min, scale, zp, r));
    if (std::isfinite(act.max))
      hi = std::min(hi, quantizeValue(act.max, scale, zp, r));
  }
  return {lo, hi};
}

//===----------------------------------------------------------------------===//
// Linear ops: conv, gemm, matmul
//===----------------------------------------------------------------------===//

llvm::Error Quantizer::emitLinear(const Node &n, ValueId qx, const Tensor &w,
                                  const std::optional<ConvAttrs> &conv,
                                  llvm::ArrayRef<float> bias,
                                  const FusedActivation &act,
                                  const ValueRange &outR) {
  int64_t axis = conv ? 0 : 1;
  const TensorType &xt = dst.getType(qx);
  const QuantParams &xp = getParams(xt);
  double sx = xp.scales[0];
  QuantRange xr = getQuantRange(xt.elemType, xp.bits);
  int64_t zx = xp.zeroPoints[0];
  int64_t maxDx = std::max(xr.max - zx, zx - xr.min);

  QuantizedWeights qw = quantizeWeights(w, axis, opts.weightBits);
  ActivationQuant out =
      chooseActivationQuant(outR.min, outR.max, opts.activationBits);
  double sy = out.params.scales[0];
  int64_t channels = int64_t(qw.scales.size());

  RequantAttrs requant;
  requant.outType = out.elemType;
  requant.outQuant = out.params;
  std::tie(requant.clampMin, requant.clampMax) = activationClamp(out, act);
  Tensor biasQ(TensorType(DType::I32, {channels}));
  llvm::MutableArrayRef<int32_t> b = biasQ.getMutableData<int32_t>();
  constexpr double limit = 2147483648.0; // 2^31
  for (int64_t c = 0; c < channels; ++c) {
    double accScale = sx * double(qw.scales[c]);
    double bq = bias.empty() ? 0.0 : std::nearbyint(bias[c] / accScale);
    // Worst case of |sum (x - zx) * w + bias| over every possible input.
    double bound = double(maxDx) * double(qw.absSums[c]) + std::fabs(bq);
    if (!(bound < limit))
      return emitError(n.loc,
                       "cannot quantize: the int32 accumulator of output "
                       "channel {} could overflow (worst case {} >= 2^31)",
                       c, bound);
    b[c] = int32_t(bq);
    FixedPointMultiplier m = quantizeMultiplier(accScale / sy);
    requant.multipliers.push_back(m.multiplier);
    requant.shifts.push_back(m.shift);
  }

  QuantParams biasParams;
  biasParams.axis = 0;
  for (int64_t c = 0; c < channels; ++c) {
    biasParams.scales.push_back(float(sx * double(qw.scales[c])));
    biasParams.zeroPoints.push_back(0);
  }
  TensorType biasType = biasQ.getType();
  biasType.quant = biasParams;
  biasQ.setType(biasType);

  std::string base =
      n.operands.size() > 1 ? src.getValue(n.operands[1]).name : "";
  ValueId wv =
      dst.addConstant(std::move(qw.values),
                      uniqueName(base.empty() ? base : base + ".q"), n.loc);
  llvm::SmallVector<ValueId, 3> operands{qx, wv};
  if (!bias.empty()) {
    std::string bbase = n.operands.size() > 2 ? src.getValue(n.operands[2]).name
                                              : std::string();
    operands.push_back(dst.addConstant(
        std::move(biasQ), uniqueName(bbase.empty() ? bbase : bbase + ".q"),
        n.loc));
  }

  ValueId result = n.results[0];
  OpKind kind = OpKind::QMatMul;
  Attrs attrs = requant;
  if (conv) {
    QConvAttrs qconv;
    qconv.conv = *conv;
    qconv.conv.activation = FusedActivation{};
    qconv.requant = std::move(requant);
    kind = OpKind::QConv;
    attrs = std::move(qconv);
  }
  auto y =
      emit(kind, operands, std::move(attrs), n.loc, primaryName(result, true));
  if (!y)
    return y.takeError();
  quant[result.index] = *y;
  ++numQuantized;
  return llvm::Error::success();
}

/// \returns the float values of constant \p v times \p factor, or nullopt.
static std::optional<std::vector<float>>
getScaledConstant(const Graph &g, ValueId v, float factor) {
  const Tensor *t = g.getConstantValue(v);
  if (!t || t->getElemType() != DType::F32)
    return std::nullopt;
  std::vector<float> out;
  for (float x : t->getData<float>())
    out.push_back(x * factor);
  return out;
}

llvm::Expected<bool> Quantizer::rewriteConv(const Node &n) {
  const Tensor *w = src.getConstantValue(n.operands[1]);
  const ValueRange *outR = ranges.lookup(n.results[0]);
  if (!w || w->getElemType() != DType::F32 || !outR)
    return false;
  std::vector<float> bias;
  if (n.operands.size() > 2) {
    auto b = getScaledConstant(src, n.operands[2], 1.0f);
    if (!b)
      return false;
    bias = std::move(*b);
  }
  auto qx = getQuant(n.operands[0]);
  if (!qx)
    return qx.takeError();
  if (!*qx)
    return false;
  const FusedActivation &act = n.getAttrs<ConvAttrs>().activation;
  if (auto err =
          emitLinear(n, **qx, *w, n.getAttrs<ConvAttrs>(), bias, act, *outR))
    return err;
  return true;
}

/// Gemm (A not transposed, constant B and per-column or scalar C) and
/// MatMul with a constant 2-D B become qmatmul over a [K, N] weight.
llvm::Expected<bool> Quantizer::rewriteGemm(const Node &n) {
  const Tensor *b = src.getConstantValue(n.operands[1]);
  const ValueRange *outR = ranges.lookup(n.results[0]);
  if (!b || b->getElemType() != DType::F32 || b->getShape().size() != 2 ||
      !outR || src.getType(n.operands[0]).getRank() < 2)
    return false;
  GemmAttrs attrs;
  if (n.kind == OpKind::Gemm)
    attrs = n.getAttrs<GemmAttrs>();
  if (attrs.transA)
    return false;
  int64_t rows = b->getShape()[0], cols = b->getShape()[1];
  int64_t k = attrs.transB ? cols : rows, outN = attrs.transB ? rows : cols;
  Tensor weights(TensorType(DType::F32, {k, outN}));
  llvm::MutableArrayRef<float> wd = weights.getMutableData<float>();
  llvm::ArrayRef<float> bd = b->getData<float>();
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < outN; ++j)
      wd[i * outN + j] =
          attrs.alpha * (attrs.transB ? bd[j * cols + i] : bd[i * cols + j]);

  std::vector<float> bias;
  if (n.operands.size() > 2) {
    auto c = getScaledConstant(src, n.operands[2], attrs.beta);
    if (!c)
      return false;
    llvm::ArrayRef<int64_t> cShape = src.getType(n.operands[2]).shape;
    bool perColumn =
        int64_t(c->size()) == outN &&
        (cShape.size() == 1 || (cShape.size() == 2 && cShape[0] == 1));
    if (c->size() == 1)
      bias.assign(size_t(outN), (*c)[0]);
    else if (perColumn)
      bias = std::move(*c);
    else
      return false;
  }
  auto qx = getQuant(n.operands[0]);
  if (!qx)
    return qx.takeError();
  if (!*qx)
    return false;
  if (auto err = emitLinear(n, **qx, weights, std::nullopt, bias,
                            attrs.activation, *outR))
    return err;
  return true;
}

/// \returns true if every window of AveragePool \p n divides by the full
/// kernel size: count_include_pad or no padding, and no ceil-mode window
/// reaching past the padded input (whose overhang is not counted).
static bool hasFullWindows(const Graph &g, const Node &n) {
  const PoolAttrs &pa = n.getAttrs<PoolAttrs>();
  llvm::ArrayRef<int64_t> in = g.getType(n.operands[0]).shape;
  llvm::ArrayRef<int64_t> out = g.getType(n.results[0]).shape;
  size_t r = pa.kernelShape.size();
  if (pa.strides.size() != r || pa.dilations.size() != r ||
      pa.pads.size() != 2 * r || in.size() != r + 2 || out.size() != r + 2)
    return false;
  bool padded = llvm::any_of(pa.pads, [](int64_t p) { return p != 0; });
  if (padded && !pa.countIncludePad)
    return false;
  for (size_t d = 0; d < r; ++d) {
    int64_t span = (out[d + 2] - 1) * pa.strides[d] +
                   (pa.kernelShape[d] - 1) * pa.dilations[d] + 1;
    if (span > in[d + 2] + pa.pads[d] + pa.pads[d + r])
      return false;
  }
  return true;
}

/// GlobalAveragePool over x [N, C, D1..Dk] becomes a depthwise qconv with
/// a full-size kernel of equal weights 1/(D1*..*Dk) (exact in any weight
/// width: all weights quantize to the largest level). Unlike an integer
/// average at the input's scale, the result gets its own calibrated,
/// usually much narrower range: averages of a wide activation would
/// otherwise keep only a few integer levels at low bit widths. An
/// AveragePool whose windows all divide by the kernel size (hasFullWindows)
/// becomes the same depthwise qconv with its kernel, strides, dilations and
/// pads: padded taps read the zero point, i.e. real 0, as count_include_pad
/// counts them. Other average pools (the divisor changes at the borders)
/// stay integer averages at the input's scale (rewriteTransparent).
llvm::Expected<bool> Quantizer::rewriteAvgPool(const Node &n) {
  ValueId x = n.operands[0];
  const ValueRange *outR = ranges.lookup(n.results[0]);
  if (!outR || (!quant[x.index].isValid() && !src.isGraphInput(x)))
    return false;
  if (n.kind == OpKind::AveragePool && !hasFullWindows(src, n))
    return false;
  auto qx = getQuant(x);
  if (!qx)
    return qx.takeError();
  if (!*qx)
    return false;
  llvm::ArrayRef<int64_t> shape = src.getType(x).shape;
  int64_t channels = shape[1], window = 1;
  ConvAttrs conv;
  if (n.kind == OpKind::AveragePool) {
    const PoolAttrs &pa = n.getAttrs<PoolAttrs>();
    conv.kernelShape = pa.kernelShape;
    conv.strides = pa.strides;
    conv.dilations = pa.dilations;
    conv.pads = pa.pads;
  } else {
    for (int64_t d : shape.drop_front(2)) {
      conv.kernelShape.push_back(d);
      conv.strides.push_back(1);
      conv.dilations.push_back(1);
    }
    conv.pads.assign(2 * conv.kernelShape.size(), 0);
  }
  for (int64_t k : conv.kernelShape)
    window *= k;
  conv.group = channels;
  llvm::SmallVector<int64_t, 4> wShape{channels, 1};
  wShape.append(conv.kernelShape.begin(), conv.kernelShape.end());
  Tensor w(TensorType(DType::F32, wShape));
  for (float &v : w.getMutableData<float>())
    v = 1.0f / float(window);
  if (auto err = emitLinear(n, **qx, w, conv, {}, FusedActivation{}, *outR))
    return err;
  return true;
}

//===----------------------------------------------------------------------===//
// Add, transparent ops, concat
//===----------------------------------------------------------------------===//

/// An Add whose only use is a Relu (and which is not a graph output)
/// absorbs the Relu into its clamp. \returns the Relu node or nullopt.
static std::optional<NodeId> getAbsorbableRelu(const Graph &g,
                                               const Node &add) {
  ValueId r = add.results[0];
  if (g.isGraphOutput(r))
    return std::nullopt;
  llvm::SmallVector<NodeId, 4> users = g.getUsers(r);
  if (users.size() != 1 || g.getNode(users[0]).kind != OpKind::Relu)
    return std::nullopt;
  return users[0];
}

llvm::Expected<bool> Quantizer::rewriteAdd(const Node &n) {
  ValueId a = n.operands[0], b = n.operands[1];
  if (!ranges.lookup(a) || !ranges.lookup(b))
    return false;
  std::optional<NodeId> reluId = getAbsorbableRelu(src, n);
  const Node *relu = reluId ? &src.getNode(*reluId) : nullptr;
  const ValueRange *outR =
      ranges.lookup(relu ? relu->results[0] : n.results[0]);
  if (!outR)
    return false;
  auto qa = getQuant(a);
  if (!qa)
    return qa.takeError();
  auto qb = getQuant(b);
  if (!qb)
    return qb.takeError();
  if (!*qa || !*qb)
    return false;

  ActivationQuant out =
      chooseActivationQuant(outR->min, outR->max, opts.activationBits);
  double sy = out.params.scales[0];
  double ra = getParams(dst.getType(**qa)).scales[0] / sy;
  double rb = getParams(dst.getType(**qb)).scales[0] / sy;
  // The largest shift that keeps both multipliers below 2^30: the inputs'
  // rescaled sum then fits int64 with room to spare, and the relative
  // rounding error of the multipliers is at most 2^-30 / min(ra, rb).
  double rmax = std::max(ra, rb);
  int shift = 0;
  while (shift < 62 && std::nearbyint(std::ldexp(rmax, shift + 1)) < 0x1p30)
    ++shift;
  if (!(std::nearbyint(std::ldexp(rmax, shift)) < 0x1p30))
    return emitError(n.loc,
                     "cannot quantize: input scale / output scale ratio {} "
                     "is too large for a fixed-point add",
                     rmax);
  QAddAttrs attrs;
  attrs.outType = out.elemType;
  attrs.outQuant = out.params;
  attrs.multiplierA = int32_t(std::nearbyint(std::ldexp(ra, shift)));
  attrs.multiplierB = int32_t(std::nearbyint(std::ldexp(rb, shift)));
  attrs.shift = shift;
  FusedActivation act;
  act.kind = relu ? ActivationKind::Relu : ActivationKind::None;
  std::tie(attrs.clampMin, attrs.clampMax) = activationClamp(out, act);

  ValueId result = relu ? relu->results[0] : n.results[0];
  auto y = emit(OpKind::QAdd, {**qa, **qb}, std::move(attrs), n.loc,
                primaryName(result, true));
  if (!y)
    return y.takeError();
  quant[n.results[0].index] = *y;
  if (relu) {
    quant[result.index] = *y;
    absorbed[reluId->index] = true;
  }
  ++numQuantized;
  return true;
}

llvm::Expected<bool> Quantizer::rewriteTransparent(const Node &n) {
  ValueId x = n.operands[0];
  // Graph inputs are quantized eagerly so that leading reshapes run on
  // integers; other float values stay float (their producer fell back).
  if (!quant[x.index].isValid() && !src.isGraphInput(x))
    return false;
  auto qx = getQuant(x);
  if (!qx)
    return qx.takeError();
  if (!*qx)
    return false;
  auto y =
      emit(n.kind, {**qx}, n.attrs, n.loc, primaryName(n.results[0], true));
  if (!y)
    return y.takeError();
  // Every transparent op keeps the input's real range inside its own.
  dst.getValue(*y).type.quant = dst.getType(**qx).quant;
  quant[n.results[0].index] = *y;
  if (!isDataMovement(n.kind))
    ++numQuantized;
  else
    ++numMoved;
  return true;
}

llvm::Expected<bool> Quantizer::rewriteConcat(const Node &n) {
  const ValueRange *outR = ranges.lookup(n.results[0]);
  if (!outR)
    return false;
  for (ValueId op : n.operands)
    if (!quant[op.index].isValid() &&
        (!ranges.lookup(op) || src.getConstantValue(op)))
      return false;
  llvm::SmallVector<ValueId, 4> qops;
  for (ValueId op : n.operands) {
    auto q = getQuant(op);
    if (!q)
      return q.takeError();
    if (!*q)
      return false;
    qops.push_back(**q);
  }
  bool same = llvm::all_of(qops, [&](ValueId q) {
    const TensorType &t = dst.getType(q), &t0 = dst.getType(qops[0]);
    return t.elemType == t0.elemType && t.quant == t0.quant;
  });
  if (!same) {
    ActivationQuant out =
        chooseActivationQuant(outR->min, outR->max, opts.activationBits);
    QuantRange r = getQuantRange(out.elemType, out.params.bits);
    for (ValueId &q : qops) {
      const TensorType &t = dst.getType(q);
      if (t.elemType == out.elemType && t.quant == out.params)
        continue;
      RequantAttrs attrs;
      attrs.outType = out.elemType;
      attrs.outQuant = out.params;
      FixedPointMultiplier m = quantizeMultiplier(
          double(getParams(t).scales[0]) / double(out.params.scales[0]));
      attrs.multipliers = {m.multiplier};
      attrs.shifts = {m.shift};
      attrs.clampMin = r.min;
      attrs.clampMax = r.max;
      auto rq = emit(OpKind::Requantize, {q}, std::move(attrs), n.loc, "");
      if (!rq)
        return rq.takeError();
      q = *rq;
    }
  }
  auto y = emit(OpKind::Concat, qops, n.attrs, n.loc,
                primaryName(n.results[0], true));
  if (!y)
    return y.takeError();
  dst.getValue(*y).type.quant = dst.getType(qops[0]).quant;
  quant[n.results[0].index] = *y;
  return true;
}

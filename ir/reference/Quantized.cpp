//===- ir/reference/Quantized.cpp - Integer golden model kernels ----------===//
//
// The integer reference kernels of the quantized IR. They are THE golden
// model: the racetrack simulator must reproduce them bit for bit. All
// arithmetic is exact integer arithmetic (int64, or int128 inside
// applyMultiplier) except Quantize and Dequantize, which are the float
// boundary; the rounding helpers are those of ir/QuantMath.h. Notation: zx,
// zw, zy are zero points, s scales; "rhe" is round half to even; sat(v) is
// v clamped to [lo, hi]; ranges are getQuantRange(type, bits).
//
//  quantize    q = sat(rhe(float(x) / s[i]) + z[i]) over the range of the
//              result type with params.bits; NaN -> z[i]; i is the index
//              along params.axis for per-axis params. f64 x is first
//              rounded to float.
//  dequantize  y = float(q - z[i]) * s[i]   (f32; one float multiply)
//  requantize  y = sat(zy + rhe((x - zx) * M / 2^shift)) over
//              [clamp_min, clamp_max]
//  qconv       acc[n,m,o] = bias[m] + sum over c in m's group (ascending),
//              taps k (row-major) inside the input of (x - zx) * (w - zw[m]);
//              taps in the padding contribute 0 (i.e. the padding holds zx).
//              acc is computed exactly (int64) and must fit int32: if the
//              exact value does not, the kernel fails with a located error
//              (never wraps). Since int32 addition wraps consistently, a
//              machine accumulating in wrapping int32 in any order gets the
//              same acc whenever the exact one fits.
//              With multipliers: y = sat(zy + rhe(acc * M[c] / 2^shift[c]))
//              over [clamp_min, clamp_max], c = m (one pair: c = 0).
//              Without: y = acc (i32).
//  qmatmul     acc[.., i, j] = bias[j] + sum_k (a - za) * (b - zb[j]),
//              numpy batching and 1-D promotion like matmul; the same int32
//              check and requantization with c = j.
//  qadd        y = sat(zy + rhe(((a - za) * ma + (b - zb) * mb) / 2^shift))
//              over [clamp_min, clamp_max], numpy broadcasting.
//  avg_pool,   on quantized integers (result parameters = input's):
//  global_avg_pool
//              y = z + divRhe(sum of (q - z) over the taps inside the input,
//              count), with count the float kernel's divisor (taps inside
//              the input, or inside the padded input with
//              count_include_pad); padding contributes real 0, i.e. q = z.
//              divRhe(a, b) is a / b rounded half to even, exactly; then
//              sat over the range of the type with bits. z is per tensor or
//              per channel (axis 0 or 1).
//  max_pool,   the integer maximum of the taps inside the input (the float
//  global_max_pool  kernel on the raw integers); parameters unchanged.
//  relu        y = max(q, z)                      (real max(x, 0))
//  clip        y = min(max(q, lo), hi) with lo = quantize(min), hi =
//              quantize(max) by the quantize rule above (infinite bounds are
//              the range ends); per-channel z / s give per-channel bounds.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include "ir/QuantMath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace rtc;
using namespace rtc::reference;

bool reference::isQuantizedInt(const TensorType &t) {
  return t.quant && isIntegerDType(t.elemType) && t.elemType != DType::Bool;
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// \returns the elements of integer tensor \p t as int64.
static std::vector<int64_t> readInts(const Tensor &t) {
  std::vector<int64_t> v(size_t(t.getNumElements()));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = t.getAsInt64(int64_t(i));
  return v;
}

/// Stores \p values (already inside the element type's range) into a new
/// tensor of \p type.
static Tensor writeInts(const TensorType &type, llvm::ArrayRef<int64_t> values) {
  Tensor t(type);
  for (size_t i = 0; i < values.size(); ++i)
    t.setFromDouble(int64_t(i), double(values[i]));
  return t;
}

namespace {
/// Maps a flat element index to the index into a QuantParams' scales and
/// zero points: 0 per tensor, else the coordinate along the axis.
struct ParamIndex {
  int64_t stride = 1, size = 1;
  bool perAxis = false;
  ParamIndex(const QuantParams &q, llvm::ArrayRef<int64_t> shape) {
    if (!q.isPerAxis())
      return;
    perAxis = true;
    size = shape[q.axis];
    stride = getProduct(shape.drop_front(q.axis + 1));
  }
  size_t operator()(int64_t i) const {
    return perAxis ? size_t((i / stride) % size) : 0;
  }
};
} // namespace

/// Operand \p i must be a quantized integer tensor with valid parameters.
static llvm::Error checkQuantizedOperand(const Node &node, const Tensor &t,
                                         size_t i, bool perTensor) {
  const TensorType &type = t.getType();
  if (!isQuantizedInt(type))
    return nodeError(node, "operand #{} must be a quantized integer tensor, "
                           "got {}",
                     i, type.str());
  if (auto err = checkQuantParams(*type.quant, type.elemType, type.shape))
    return nodeError(node, "operand #{} {}: {}", i, type.str(),
                     llvm::toString(std::move(err)));
  if (perTensor && type.quant->isPerAxis())
    return nodeError(node, "operand #{} must be quantized per tensor, got {}",
                     i, type.str());
  return llvm::Error::success();
}

/// The result type must carry exactly \p quant (the kernel's output
/// parameters), so the graph's type never misdescribes the data.
static llvm::Error checkResultQuant(const Node &node,
                                    const TensorType &resultType,
                                    const std::optional<QuantParams> &quant) {
  if (resultType.quant == quant)
    return llvm::Error::success();
  TensorType want(resultType.elemType, resultType.shape);
  want.quant = quant;
  return nodeError(node, "result type {} does not carry the kernel's output "
                         "parameters: expected {}",
                   resultType.str(), want.str());
}

/// \returns a / b rounded half to even, exactly (b > 0).
static int64_t divRoundHalfEven(int64_t a, int64_t b) {
  int64_t q = a / b, r = a % b;
  if (r < 0) { // floor division
    --q;
    r += b;
  }
  if (2 * r > b || (2 * r == b && (q & 1) != 0))
    ++q;
  return q;
}

/// Requantizes accumulator \p acc of output channel \p c (RequantAttrs).
static int64_t requantize(const RequantAttrs &r, int64_t acc, size_t c) {
  size_t k = r.multipliers.size() == 1 ? 0 : c;
  int64_t zy = r.outQuant.zeroPoints.empty() ? 0 : r.outQuant.zeroPoints[0];
  int64_t v = zy + applyMultiplier(acc, r.multipliers[k], r.shifts[k]);
  return saturate(v, r.clampMin, r.clampMax);
}

/// Checks the requantization attributes against \p channels outputs.
static llvm::Error checkRequant(const Node &node, const RequantAttrs &r,
                                int64_t channels) {
  size_t n = r.multipliers.size();
  if (r.shifts.size() != n || (n > 1 && int64_t(n) != channels))
    return nodeError(node, "{} multipliers and {} shifts for {} output "
                           "channels",
                     n, r.shifts.size(), channels);
  for (size_t i = 0; i < n; ++i)
    if (r.multipliers[i] < 0 || r.shifts[i] < 0 || r.shifts[i] > 62)
      return nodeError(node, "multiplier #{} {} with shift {} is out of range",
                       i, r.multipliers[i], r.shifts[i]);
  if (n == 0)
    return llvm::Error::success();
  if (r.outQuant.scales.size() != 1 || r.outQuant.zeroPoints.size() != 1)
    return nodeError(node, "out_quant must be per tensor");
  QuantRange range = getQuantRange(r.outType, r.outQuant.bits);
  if (r.clampMin > r.clampMax || r.clampMin < range.min ||
      r.clampMax > range.max)
    return nodeError(node, "clamp [{}, {}] is not inside [{}, {}]",
                     r.clampMin, r.clampMax, range.min, range.max);
  return llvm::Error::success();
}

/// Requantizes int64 accumulators \p acc (channel of element i: channelOf(i))
/// into the result, or stores them as i32 after the int32 range check.
template <typename ChannelOf>
static llvm::Expected<Tensor>
finishAccumulators(const Node &node, const RequantAttrs &r,
                   std::vector<int64_t> &acc, ChannelOf channelOf,
                   const TensorType &resultType) {
  constexpr int64_t lo = std::numeric_limits<int32_t>::min();
  constexpr int64_t hi = std::numeric_limits<int32_t>::max();
  for (size_t i = 0; i < acc.size(); ++i)
    if (acc[i] < lo || acc[i] > hi)
      return nodeError(node, "int32 accumulator overflow: output element {} "
                             "accumulates to {}",
                       i, acc[i]);
  std::optional<QuantParams> outQuant;
  if (!r.outQuant.scales.empty())
    outQuant = r.outQuant;
  if (auto err = checkResultQuant(node, resultType, outQuant))
    return err;
  if (!r.multipliers.empty())
    for (size_t i = 0; i < acc.size(); ++i)
      acc[i] = requantize(r, acc[i], channelOf(i));
  return writeInts(resultType, acc);
}

/// The optional bias: i32 of shape [channels], read as int64.
static llvm::Expected<std::vector<int64_t>>
readBias(const Node &node, const Tensor *bias, int64_t channels) {
  if (!bias)
    return std::vector<int64_t>(size_t(channels), 0);
  if (bias->getElemType() != DType::I32 || bias->getShape().size() != 1 ||
      bias->getShape()[0] != channels)
    return nodeError(node, "bias {} must be tensor<{}xi32>",
                     bias->getType().str(), channels);
  return readInts(*bias);
}

//===----------------------------------------------------------------------===//
// Quantize, dequantize, requantize
//===----------------------------------------------------------------------===//

llvm::Expected<Tensor> reference::evalQuantize(const Node &node,
                                               const Tensor &x,
                                               const TensorType &resultType) {
  const QuantizeAttrs &attrs = node.getAttrs<QuantizeAttrs>();
  if (x.getElemType() != DType::F32 && x.getElemType() != DType::F64)
    return nodeError(node, "operand must be f32 or f64, got {}",
                     x.getType().str());
  if (auto err = checkQuantParams(attrs.params, attrs.elemType, x.getShape()))
    return nodeError(node, "params: {}", llvm::toString(std::move(err)));
  if (auto err =
          checkResultType(node, resultType, attrs.elemType, x.getShape()))
    return err;
  if (auto err = checkResultQuant(node, resultType, attrs.params))
    return err;
  const QuantParams &q = attrs.params;
  QuantRange range = getQuantRange(attrs.elemType, q.bits);
  ParamIndex index(q, x.getShape());
  std::vector<int64_t> out(size_t(x.getNumElements()));
  for (size_t i = 0; i < out.size(); ++i) {
    size_t c = index(int64_t(i));
    out[i] = quantizeValue(float(x.getAsDouble(int64_t(i))), q.scales[c],
                           q.zeroPoints[c], range);
  }
  return writeInts(resultType, out);
}

llvm::Expected<Tensor> reference::evalDequantize(const Node &node,
                                                 const Tensor &x,
                                                 const TensorType &resultType) {
  if (auto err = checkQuantizedOperand(node, x, 0, /*perTensor=*/false))
    return err;
  if (auto err = checkResultType(node, resultType, DType::F32, x.getShape()))
    return err;
  if (auto err = checkResultQuant(node, resultType, std::nullopt))
    return err;
  const QuantParams &q = *x.getType().quant;
  ParamIndex index(q, x.getShape());
  Tensor result(resultType);
  llvm::MutableArrayRef<float> out = result.getMutableData<float>();
  for (size_t i = 0; i < out.size(); ++i) {
    size_t c = index(int64_t(i));
    out[i] = dequantizeValue(x.getAsInt64(int64_t(i)), q.scales[c],
                             q.zeroPoints[c]);
  }
  return result;
}

llvm::Expected<Tensor> reference::evalRequantize(const Node &node,
                                                 const Tensor &x,
                                                 const TensorType &resultType) {
  const RequantAttrs &attrs = node.getAttrs<RequantAttrs>();
  if (auto err = checkQuantizedOperand(node, x, 0, /*perTensor=*/true))
    return err;
  if (attrs.multipliers.size() != 1)
    return nodeError(node, "needs exactly one multiplier, got {}",
                     attrs.multipliers.size());
  if (auto err = checkRequant(node, attrs, 1))
    return err;
  if (auto err = checkResultType(node, resultType, attrs.outType, x.getShape()))
    return err;
  if (auto err = checkResultQuant(node, resultType, attrs.outQuant))
    return err;
  int64_t zx = x.getType().quant->zeroPoints[0];
  std::vector<int64_t> v = readInts(x);
  for (int64_t &e : v)
    e = requantize(attrs, e - zx, 0);
  return writeInts(resultType, v);
}

//===----------------------------------------------------------------------===//
// QConv and QMatMul
//===----------------------------------------------------------------------===//

/// \returns the elements of \p t minus their zero points.
static std::vector<int64_t> centered(const Tensor &t) {
  const QuantParams &q = *t.getType().quant;
  ParamIndex index(q, t.getShape());
  std::vector<int64_t> v = readInts(t);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] -= q.zeroPoints[index(int64_t(i))];
  return v;
}

llvm::Expected<Tensor> reference::evalQConv(const Node &node, const Tensor &x,
                                            const Tensor &w, const Tensor *bias,
                                            const TensorType &resultType) {
  const QConvAttrs &attrs = node.getAttrs<QConvAttrs>();
  if (auto err = checkQuantizedOperand(node, x, 0, /*perTensor=*/true))
    return err;
  if (auto err = checkQuantizedOperand(node, w, 1, /*perTensor=*/false))
    return err;
  const QuantParams &wq = *w.getType().quant;
  if (wq.isPerAxis() && wq.axis != 0)
    return nodeError(node, "weight must be quantized per tensor or on axis 0, "
                           "got {}",
                     w.getType().str());
  if (attrs.conv.activation.kind != ActivationKind::None)
    return nodeError(node, "takes no fused activation");
  auto geometry = makeConvGeometry(node, attrs.conv, x.getType(), w.getType(),
                                   bias ? &bias->getType() : nullptr);
  if (!geometry)
    return geometry.takeError();
  const ConvGeometry &g = *geometry;
  auto biasValues = readBias(node, bias, g.m);
  if (!biasValues)
    return biasValues.takeError();
  if (auto err = checkRequant(node, attrs.requant, g.m))
    return err;
  if (auto err = checkResultType(node, resultType, attrs.requant.outType,
                                 g.outShape))
    return err;

  std::vector<int64_t> xc = centered(x), wc = centered(w);
  std::vector<int64_t> acc(size_t(getProduct(g.outShape)));
  convolveInt64(g, xc.data(), wc.data(), biasValues->data(), acc.data());
  int64_t plane = getProduct(llvm::ArrayRef<int64_t>(g.outShape).drop_front(2));
  return finishAccumulators(
      node, attrs.requant, acc,
      [&](size_t i) { return size_t((int64_t(i) / plane) % g.m); },
      resultType);
}

llvm::Expected<Tensor> reference::evalQMatMul(const Node &node, const Tensor &a,
                                              const Tensor &b,
                                              const Tensor *bias,
                                              const TensorType &resultType) {
  const RequantAttrs &attrs = node.getAttrs<RequantAttrs>();
  if (auto err = checkQuantizedOperand(node, a, 0, /*perTensor=*/true))
    return err;
  if (auto err = checkQuantizedOperand(node, b, 1, /*perTensor=*/false))
    return err;
  llvm::ArrayRef<int64_t> bShape = b.getShape();
  if (bShape.size() < 2)
    return nodeError(node, "b must have rank >= 2, got {}", b.getType().str());
  const QuantParams &bq = *b.getType().quant;
  if (bq.isPerAxis() && bq.axis != int64_t(bShape.size()) - 1)
    return nodeError(node, "b must be quantized per tensor or on its last "
                           "axis, got {}",
                     b.getType().str());
  int64_t n = bShape.back();
  auto biasValues = readBias(node, bias, n);
  if (!biasValues)
    return biasValues.takeError();
  if (auto err = checkRequant(node, attrs, n))
    return err;

  // The float kernel's matmul on exact int64 values (no wrap at these
  // magnitudes), then the bias per column.
  Tensor ac = Tensor::fromValues<int64_t>(a.getShape(), centered(a));
  Tensor bc = Tensor::fromValues<int64_t>(bShape, centered(b));
  llvm::ArrayRef<int64_t> outShape = resultType.shape;
  auto product =
      evalMatMul(node, ac, bc, TensorType(DType::I64, outShape));
  if (!product)
    return product.takeError();
  if (auto err = checkResultType(node, resultType, attrs.outType, outShape))
    return err;
  llvm::ArrayRef<int64_t> p = product->getData<int64_t>();
  std::vector<int64_t> acc(p.begin(), p.end());
  for (size_t i = 0; i < acc.size(); ++i)
    acc[i] += (*biasValues)[i % size_t(n)];
  return finishAccumulators(
      node, attrs, acc, [&](size_t i) { return i % size_t(n); }, resultType);
}

//===----------------------------------------------------------------------===//
// QAdd
//===----------------------------------------------------------------------===//

llvm::Expected<Tensor> reference::evalQAdd(const Node &node, const Tensor &a,
                                           const Tensor &b,
                                           const TensorType &resultType) {
  const QAddAttrs &attrs = node.getAttrs<QAddAttrs>();
  for (size_t i = 0; i < 2; ++i)
    if (auto err = checkQuantizedOperand(node, i ? b : a, i, true))
      return err;
  RequantAttrs r;
  r.outType = attrs.outType;
  r.outQuant = attrs.outQuant;
  r.multipliers = {attrs.multiplierA};
  r.shifts = {attrs.shift};
  r.clampMin = attrs.clampMin;
  r.clampMax = attrs.clampMax;
  if (attrs.multiplierB < 0)
    return nodeError(node, "multiplier_b {} must be >= 0", attrs.multiplierB);
  if (auto err = checkRequant(node, r, 1))
    return err;
  // Broadcast both operands to the result shape.
  llvm::ArrayRef<int64_t> out = resultType.shape;
  size_t rank = out.size();
  auto strides = [&](llvm::ArrayRef<int64_t> shape, size_t d) -> int64_t {
    size_t lead = rank - shape.size();
    if (d < lead || shape[d - lead] == 1)
      return 0;
    return getStrides(shape)[d - lead];
  };
  for (const Tensor *t : {&a, &b}) {
    llvm::ArrayRef<int64_t> s = t->getShape();
    if (s.size() > rank)
      return nodeError(node, "operand {} does not broadcast to {}",
                       t->getType().str(), resultType.str());
    for (size_t d = 0; d < s.size(); ++d)
      if (s[d] != 1 && s[d] != out[rank - s.size() + d])
        return nodeError(node, "operand {} does not broadcast to {}",
                         t->getType().str(), resultType.str());
  }
  if (auto err = checkResultType(node, resultType, attrs.outType, out))
    return err;
  if (auto err = checkResultQuant(node, resultType, attrs.outQuant))
    return err;
  std::vector<int64_t> av = centered(a), bv = centered(b);
  llvm::SmallVector<int64_t, 6> sa(rank), sb(rank), idx(rank, 0);
  for (size_t d = 0; d < rank; ++d) {
    sa[d] = strides(a.getShape(), d);
    sb[d] = strides(b.getShape(), d);
  }
  int64_t zy = attrs.outQuant.zeroPoints[0];
  std::vector<int64_t> y(size_t(getProduct(out)));
  int64_t offA = 0, offB = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    int64_t sum = av[size_t(offA)] * attrs.multiplierA +
                  bv[size_t(offB)] * attrs.multiplierB;
    y[i] = saturate(zy + roundingShiftRight(sum, attrs.shift), attrs.clampMin,
                    attrs.clampMax);
    for (size_t d = rank; d-- > 0;) {
      offA += sa[d];
      offB += sb[d];
      if (++idx[d] < out[d])
        break;
      offA -= sa[d] * out[d];
      offB -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
  return writeInts(resultType, y);
}

//===----------------------------------------------------------------------===//
// Average pools, Relu and Clip on quantized integers
//===----------------------------------------------------------------------===//

/// Zero point of channel plane \p p ([N, C] flattened) of \p x.
static int64_t planeZeroPoint(const TensorType &x, int64_t p) {
  const QuantParams &q = *x.quant;
  if (!q.isPerAxis())
    return q.zeroPoints[0];
  return q.zeroPoints[size_t(q.axis == 0 ? p / x.shape[1] : p % x.shape[1])];
}

llvm::Expected<Tensor>
reference::evalQuantizedAvgPool(const Node &node, const Tensor &x,
                                const TensorType &resultType) {
  if (auto err = checkQuantizedOperand(node, x, 0, /*perTensor=*/false))
    return err;
  const TensorType &xt = x.getType();
  llvm::ArrayRef<int64_t> xs = xt.shape;
  if (xs.size() < 3)
    return nodeError(node, "input {} must have rank >= 3", xt.str());
  if (xt.quant->isPerAxis() && xt.quant->axis > 1)
    return nodeError(node, "input {} must be quantized per tensor or per "
                           "N or C",
                     xt.str());
  PoolAttrs global;
  const PoolAttrs *attrs = &global;
  if (node.kind == OpKind::GlobalAveragePool) {
    global.kernelShape.assign(xs.begin() + 2, xs.end());
    global.strides.assign(xs.size() - 2, 1);
    global.dilations.assign(xs.size() - 2, 1);
    global.pads.assign(2 * (xs.size() - 2), 0);
  } else {
    attrs = &node.getAttrs<PoolAttrs>();
  }
  auto win = makeWindow3d(node, xs.drop_front(2), attrs->kernelShape,
                          attrs->strides, attrs->dilations, attrs->pads,
                          attrs->ceilMode);
  if (!win)
    return win.takeError();
  const Window3d &w = *win;
  llvm::SmallVector<int64_t, 5> outShape = {xs[0], xs[1]};
  for (size_t d = 3 - (xs.size() - 2); d < 3; ++d)
    outShape.push_back(w.out[d]);
  if (auto err = checkResultType(node, resultType, xt.elemType, outShape))
    return err;
  if (auto err = checkResultQuant(node, resultType, xt.quant))
    return err;

  TapRanges taps[3], padded[3];
  for (unsigned d = 0; d < 3; ++d) {
    taps[d] = computeTapRanges(w, d, 0, w.in[d]);
    padded[d] = computeTapRanges(w, d, -w.padBegin[d], w.in[d] + w.padEnd[d]);
  }
  const TapRanges *counted = attrs->countIncludePad ? padded : taps;
  QuantRange range = getQuantRange(xt.elemType, xt.quant->bits);
  std::vector<int64_t> xv = readInts(x);
  int64_t inPlane = w.in[0] * w.in[1] * w.in[2];
  int64_t outPlane = w.out[0] * w.out[1] * w.out[2];
  std::vector<int64_t> y(size_t(xs[0] * xs[1] * outPlane));
  for (int64_t p = 0; p < xs[0] * xs[1]; ++p) {
    int64_t z = planeZeroPoint(xt, p);
    const int64_t *xp = xv.data() + p * inPlane;
    int64_t *yp = y.data() + p * outPlane;
    for (int64_t o0 = 0; o0 < w.out[0]; ++o0)
      for (int64_t o1 = 0; o1 < w.out[1]; ++o1)
        for (int64_t o2 = 0; o2 < w.out[2]; ++o2) {
          int64_t o[3] = {o0, o1, o2}, base[3], count = 1;
          for (unsigned d = 0; d < 3; ++d) {
            base[d] = o[d] * w.stride[d] - w.padBegin[d];
            count *= counted[d].hi[o[d]] - counted[d].lo[o[d]];
          }
          int64_t sum = 0;
          for (int64_t k0 = taps[0].lo[o0]; k0 < taps[0].hi[o0]; ++k0)
            for (int64_t k1 = taps[1].lo[o1]; k1 < taps[1].hi[o1]; ++k1)
              for (int64_t k2 = taps[2].lo[o2]; k2 < taps[2].hi[o2]; ++k2) {
                int64_t i0 = base[0] + k0 * w.dilation[0];
                int64_t i1 = base[1] + k1 * w.dilation[1];
                int64_t i2 = base[2] + k2 * w.dilation[2];
                sum += xp[(i0 * w.in[1] + i1) * w.in[2] + i2] - z;
              }
          int64_t avg = count > 0 ? divRoundHalfEven(sum, count) : 0;
          yp[(o0 * w.out[1] + o1) * w.out[2] + o2] =
              saturate(z + avg, range.min, range.max);
        }
  }
  return writeInts(resultType, y);
}

llvm::Expected<Tensor>
reference::evalQuantizedUnary(const Node &node, const Tensor &x,
                              const TensorType &resultType) {
  if (auto err = checkQuantizedOperand(node, x, 0, /*perTensor=*/false))
    return err;
  const TensorType &xt = x.getType();
  if (auto err = checkResultType(node, resultType, xt.elemType, xt.shape))
    return err;
  if (auto err = checkResultQuant(node, resultType, xt.quant))
    return err;
  const QuantParams &q = *xt.quant;
  QuantRange range = getQuantRange(xt.elemType, q.bits);
  // Per parameter index: the integer bounds [lo, hi].
  std::vector<int64_t> lo(q.scales.size()), hi(q.scales.size());
  for (size_t c = 0; c < q.scales.size(); ++c) {
    if (node.kind == OpKind::Relu) {
      lo[c] = q.zeroPoints[c];
      hi[c] = range.max;
      continue;
    }
    const ClipAttrs &clip = node.getAttrs<ClipAttrs>();
    auto bound = [&](float v) {
      if (std::isinf(v))
        return v > 0 ? range.max : range.min;
      return quantizeValue(v, q.scales[c], q.zeroPoints[c], range);
    };
    lo[c] = bound(clip.min);
    hi[c] = bound(clip.max);
  }
  ParamIndex index(q, xt.shape);
  std::vector<int64_t> v = readInts(x);
  // Applied in this order, lo > hi yields hi everywhere (like float Clip).
  for (size_t i = 0; i < v.size(); ++i) {
    size_t c = index(int64_t(i));
    v[i] = std::min(std::max(v[i], lo[c]), hi[c]);
  }
  return writeInts(resultType, v);
}

llvm::Expected<Tensor>
reference::evalQuantizedMaxPool(const Node &node, const Tensor &x,
                                const TensorType &resultType) {
  if (auto err = checkQuantizedOperand(node, x, 0, /*perTensor=*/false))
    return err;
  const TensorType &xt = x.getType();
  if (auto err = checkResultQuant(node, resultType, xt.quant))
    return err;
  if (node.kind == OpKind::GlobalMaxPool) {
    if (xt.shape.size() < 3)
      return nodeError(node, "input {} must have rank >= 3", xt.str());
    llvm::SmallVector<int64_t, 5> outShape(xt.shape.size(), 1);
    outShape[0] = xt.shape[0];
    outShape[1] = xt.shape[1];
    if (auto err = checkResultType(node, resultType, xt.elemType, outShape))
      return err;
    int64_t planes = xt.shape[0] * xt.shape[1];
    int64_t plane = planes ? x.getNumElements() / planes : 0;
    std::vector<int64_t> v = readInts(x);
    std::vector<int64_t> y(static_cast<size_t>(planes));
    for (int64_t p = 0; p < planes; ++p)
      y[size_t(p)] = *std::max_element(v.begin() + p * plane,
                                       v.begin() + (p + 1) * plane);
    return writeInts(resultType, y);
  }
  // The maximum commutes with the monotonic affine map, so the float
  // kernel on the raw integers (parameters stripped) is the integer model.
  Tensor raw = x;
  raw.setType(TensorType(xt.elemType, xt.shape));
  auto result =
      evalPool(node, raw, TensorType(resultType.elemType, resultType.shape));
  if (!result)
    return result.takeError();
  result->setType(resultType);
  return result;
}

//===- ir/QuantShapeInference.cpp - Typing of im2col and quantized ops ----===//
//
// The typing rules of Im2Col and the quantized ops of ir/Ops.def. Shapes of
// window and matmul ops reuse the float rules of inferResultTypes() (on
// copies of the operand types with the element type set to f32), so the
// geometry is defined once; this file adds the element-type and
// quantization-parameter rules:
//  * im2col: any element type; the result keeps x's element type and its
//    per-tensor (or axis 0) parameters; pad_value must fit the element type.
//  * quantize: float x -> elem_type (an integer of at most 32 bits) with
//    `params`, which must be valid for the result (ir/QuantMath.h).
//  * dequantize: quantized integer x -> f32, same shape.
//  * requantize: quantized integer x -> out_type with out_quant (per
//    tensor), exactly one multiplier and shift.
//  * qconv / qmatmul: x (a) per-tensor quantized, w (b) per tensor or per
//    output channel (qconv: axis 0 of size M; qmatmul: the last axis of
//    size N), 8- or 16-bit integers; optional i32 bias [M] / [N];
//    multipliers and shifts of size 1 or M (N), or both empty for the raw
//    i32 accumulator.
//  * qadd: both operands per-tensor quantized integers, numpy broadcast.
// Requantizing results are out_type with out_quant when out_quant has
// scales; the clamp bounds must lie in the representable range of out_type
// with out_quant's bits, shifts in [0, 62], multipliers >= 0.
//
//===----------------------------------------------------------------------===//
#include "ir/QuantShapeInference.h"

#include "ir/QuantMath.h"
#include "ir/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>

#include <cmath>

using namespace rtc;

using ResultTypes = llvm::SmallVector<TensorType, 1>;
using llvm::ArrayRef;

template <typename... Args>
static llvm::Error typeError(fmt::format_string<Args...> f, Args &&...args) {
  return llvm::createStringError(fmt::format(f, std::forward<Args>(args)...));
}

/// Prefixes the message of \p err with \p prefix.
static llvm::Error prefixError(llvm::Error err, llvm::StringRef prefix) {
  return llvm::createStringError(prefix.str() + llvm::toString(std::move(err)));
}

static ResultTypes single(TensorType t) { return ResultTypes{std::move(t)}; }

static bool isQuantizableInt(DType t) {
  return isIntegerDType(t) && t != DType::Bool;
}

/// \returns \p t as an f32 tensor without quantization (for the float rules).
static TensorType asFloat(const TensorType &t) {
  return TensorType(DType::F32, t.shape);
}

/// Operand \p i (called \p name) must be a quantized integer tensor, per
/// tensor if \p perTensor.
static llvm::Error checkQuantizedOperand(ArrayRef<TensorType> ops, size_t i,
                                         const char *name, bool perTensor) {
  const TensorType &t = ops[i];
  if (!isQuantizableInt(t.elemType) || !t.quant)
    return typeError("operand #{} ({}) must be a quantized integer tensor, "
                     "got {}",
                     i, name, t.str());
  if (perTensor && t.quant->isPerAxis())
    return typeError("operand #{} ({}) must be quantized per tensor, got {}", i,
                     name, t.str());
  return llvm::Error::success();
}

/// The 8- and 16-bit element types the integer conv/matmul accept.
static llvm::Error checkNarrowInt(ArrayRef<TensorType> ops, size_t i,
                                  const char *name) {
  DType t = ops[i].elemType;
  if (t == DType::I8 || t == DType::U8 || t == DType::I16 || t == DType::U16)
    return llvm::Error::success();
  return typeError("operand #{} ({}) has element type {}; expected i8, u8, "
                   "i16 or u16",
                   i, name, getDTypeName(t).str());
}

/// The optional bias (operand 2) is i32 of shape [channels].
static llvm::Error checkBias(ArrayRef<TensorType> ops, int64_t channels) {
  if (ops.size() < 3)
    return llvm::Error::success();
  const TensorType &b = ops[2];
  if (b.elemType != DType::I32 || b.shape.size() != 1 || b.shape[0] != channels)
    return typeError("operand #2 (bias) must be tensor<{}xi32>, got {}",
                     channels, b.str());
  return llvm::Error::success();
}

/// Checks the output type, quantization and clamp of \p r.
static llvm::Error checkRequantOutput(const RequantAttrs &r,
                                      ArrayRef<int64_t> shape) {
  bool raw = r.multipliers.empty();
  if (raw && r.outType != DType::I32)
    return typeError("without multipliers the result is the raw i32 "
                     "accumulator, but out_type is {}",
                     getDTypeName(r.outType).str());
  if (!isQuantizableInt(r.outType))
    return typeError("out_type {} is not an integer type",
                     getDTypeName(r.outType).str());
  bool hasQuant = !r.outQuant.scales.empty();
  if (!raw && !hasQuant)
    return typeError("out_quant must have a scale when requantizing");
  if (hasQuant || r.outQuant != QuantParams()) {
    if (r.outQuant.isPerAxis())
      return typeError("out_quant must be per tensor");
    if (auto err = checkQuantParams(r.outQuant, r.outType, shape))
      return prefixError(std::move(err), "out_quant: ");
  }
  if (raw)
    return llvm::Error::success();
  QuantRange range = getQuantRange(r.outType, r.outQuant.bits);
  if (r.clampMin > r.clampMax || r.clampMin < range.min ||
      r.clampMax > range.max)
    return typeError("clamp [{}, {}] must be a non-empty part of the range "
                     "[{}, {}] of the result",
                     r.clampMin, r.clampMax, range.min, range.max);
  return llvm::Error::success();
}

static llvm::Error checkMultiplier(int64_t multiplier, int64_t shift,
                                   size_t i) {
  if (multiplier < 0)
    return typeError("multiplier #{} ({}) must be >= 0", i, multiplier);
  if (shift < 0 || shift > 62)
    return typeError("shift #{} ({}) must be in [0, 62]", i, shift);
  return llvm::Error::success();
}

/// Multipliers and shifts: equal counts of 0 (raw), 1 or \p channels.
static llvm::Error checkMultipliers(const RequantAttrs &r, int64_t channels) {
  size_t n = r.multipliers.size();
  if (r.shifts.size() != n)
    return typeError("{} multipliers but {} shifts", n, r.shifts.size());
  if (n > 1 && int64_t(n) != channels)
    return typeError("{} multipliers; expected 1 or {} (one per output "
                     "channel)",
                     n, channels);
  for (size_t i = 0; i < n; ++i)
    if (auto err = checkMultiplier(r.multipliers[i], r.shifts[i], i))
      return err;
  return llvm::Error::success();
}

static TensorType requantResult(const RequantAttrs &r,
                                ArrayRef<int64_t> shape) {
  TensorType t(r.outType, shape);
  if (!r.outQuant.scales.empty())
    t.quant = r.outQuant;
  return t;
}

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

static llvm::Expected<ResultTypes> inferIm2Col(ArrayRef<TensorType> ops,
                                               const Im2ColAttrs &attrs) {
  const TensorType &x = ops[0];
  if (x.getRank() < 3)
    return typeError("operand #0 must have rank >= 3 ([N, C, D1, ...]), got "
                     "{}",
                     x.str());
  PoolAttrs window;
  window.kernelShape = attrs.kernelShape;
  window.strides = attrs.strides;
  window.dilations = attrs.dilations;
  window.pads = attrs.pads;
  auto pooled = inferResultTypes(OpKind::MaxPool, {asFloat(x)}, window);
  if (!pooled)
    return pooled.takeError();
  if (isIntegerDType(x.elemType)) {
    QuantRange range = getQuantRange(x.elemType, 0);
    if (attrs.padValue < range.min || attrs.padValue > range.max)
      return typeError("pad_value {} does not fit element type {}",
                       attrs.padValue, getDTypeName(x.elemType).str());
  }
  int64_t kernel = 1, positions = 1;
  for (int64_t k : attrs.kernelShape)
    kernel *= k;
  for (int64_t o : ArrayRef<int64_t>((*pooled)[0].shape).drop_front(2))
    positions *= o;
  TensorType result(x.elemType, {x.shape[0], x.shape[1] * kernel, positions});
  if (x.quant && x.quant->axis < 1)
    result.quant = x.quant;
  return single(std::move(result));
}

static llvm::Expected<ResultTypes> inferQuantize(ArrayRef<TensorType> ops,
                                                 const QuantizeAttrs &attrs) {
  const TensorType &x = ops[0];
  if (!isFloatDType(x.elemType) || x.quant)
    return typeError("operand #0 must be a float tensor, got {}", x.str());
  DType t = attrs.elemType;
  if (!isQuantizableInt(t) || getDTypeSize(t) > 4)
    return typeError("elem_type {} must be an integer type of at most 32 bits",
                     getDTypeName(t).str());
  if (auto err = checkQuantParams(attrs.params, t, x.shape))
    return prefixError(std::move(err), "params: ");
  TensorType result(t, x.shape);
  result.quant = attrs.params;
  return single(std::move(result));
}

static llvm::Expected<ResultTypes> inferDequantize(ArrayRef<TensorType> ops) {
  if (auto err = checkQuantizedOperand(ops, 0, "x", /*perTensor=*/false))
    return err;
  return single(TensorType(DType::F32, ops[0].shape));
}

static llvm::Expected<ResultTypes> inferRequantize(ArrayRef<TensorType> ops,
                                                   const RequantAttrs &attrs) {
  if (auto err = checkQuantizedOperand(ops, 0, "x", /*perTensor=*/true))
    return err;
  if (attrs.multipliers.size() != 1 || attrs.shifts.size() != 1)
    return typeError("requantize needs exactly one multiplier and one shift, "
                     "got {} and {}",
                     attrs.multipliers.size(), attrs.shifts.size());
  if (auto err = checkMultiplier(attrs.multipliers[0], attrs.shifts[0], 0))
    return err;
  if (auto err = checkRequantOutput(attrs, ops[0].shape))
    return err;
  return single(requantResult(attrs, ops[0].shape));
}

/// Checks the weight/rhs quantization: per tensor, or per axis \p axis with
/// \p channels entries.
static llvm::Error checkPerChannelOperand(ArrayRef<TensorType> ops, size_t i,
                                          const char *name, int64_t axis,
                                          int64_t channels) {
  if (auto err = checkQuantizedOperand(ops, i, name, /*perTensor=*/false))
    return err;
  const QuantParams &q = *ops[i].quant;
  if (q.isPerAxis() &&
      (q.axis != axis || int64_t(q.scales.size()) != channels))
    return typeError("operand #{} ({}) must be quantized per tensor or per "
                     "axis {} with {} entries, got {}",
                     i, name, axis, channels, ops[i].str());
  return llvm::Error::success();
}

static llvm::Expected<ResultTypes> inferQConv(ArrayRef<TensorType> ops,
                                              const QConvAttrs &attrs) {
  if (attrs.conv.activation.kind != ActivationKind::None)
    return typeError("qconv takes no fused activation (the clamp is the "
                     "activation)");
  if (ops[0].getRank() < 3 || ops[1].getRank() < 3)
    return typeError("x and w must have rank >= 3, got {} and {}",
                     ops[0].str(), ops[1].str());
  int64_t m = ops[1].shape[0];
  if (auto err = checkQuantizedOperand(ops, 0, "x", /*perTensor=*/true))
    return err;
  if (auto err = checkPerChannelOperand(ops, 1, "w", 0, m))
    return err;
  for (size_t i = 0; i < 2; ++i)
    if (auto err = checkNarrowInt(ops, i, i ? "w" : "x"))
      return err;
  if (auto err = checkBias(ops, m))
    return err;
  llvm::SmallVector<TensorType, 3> floats;
  for (const TensorType &t : ops)
    floats.push_back(asFloat(t));
  auto conv = inferResultTypes(OpKind::Conv, floats, attrs.conv);
  if (!conv)
    return conv.takeError();
  if (auto err = checkMultipliers(attrs.requant, m))
    return err;
  ArrayRef<int64_t> shape = (*conv)[0].shape;
  if (auto err = checkRequantOutput(attrs.requant, shape))
    return err;
  return single(requantResult(attrs.requant, shape));
}

static llvm::Expected<ResultTypes> inferQMatMul(ArrayRef<TensorType> ops,
                                                const RequantAttrs &attrs) {
  if (ops[0].getRank() < 1 || ops[1].getRank() < 2)
    return typeError("a must have rank >= 1 and b rank >= 2, got {} and {}",
                     ops[0].str(), ops[1].str());
  int64_t lastAxis = int64_t(ops[1].getRank()) - 1;
  int64_t n = ops[1].shape[lastAxis];
  if (auto err = checkQuantizedOperand(ops, 0, "a", /*perTensor=*/true))
    return err;
  if (auto err = checkPerChannelOperand(ops, 1, "b", lastAxis, n))
    return err;
  for (size_t i = 0; i < 2; ++i)
    if (auto err = checkNarrowInt(ops, i, i ? "b" : "a"))
      return err;
  if (auto err = checkBias(ops, n))
    return err;
  auto matmul = inferResultTypes(OpKind::MatMul,
                                 {asFloat(ops[0]), asFloat(ops[1])}, NoAttrs{});
  if (!matmul)
    return matmul.takeError();
  if (auto err = checkMultipliers(attrs, n))
    return err;
  ArrayRef<int64_t> shape = (*matmul)[0].shape;
  if (auto err = checkRequantOutput(attrs, shape))
    return err;
  return single(requantResult(attrs, shape));
}

static llvm::Expected<ResultTypes> inferQAdd(ArrayRef<TensorType> ops,
                                             const QAddAttrs &attrs) {
  for (size_t i = 0; i < 2; ++i)
    if (auto err = checkQuantizedOperand(ops, i, i ? "b" : "a",
                                         /*perTensor=*/true))
      return err;
  auto shape = broadcastShapes(ops[0].shape, ops[1].shape);
  if (!shape)
    return shape.takeError();
  if (auto err = checkMultiplier(attrs.multiplierA, attrs.shift, 0))
    return err;
  if (auto err = checkMultiplier(attrs.multiplierB, attrs.shift, 1))
    return err;
  RequantAttrs r;
  r.outType = attrs.outType;
  r.outQuant = attrs.outQuant;
  r.multipliers = {attrs.multiplierA};
  r.shifts = {attrs.shift};
  r.clampMin = attrs.clampMin;
  r.clampMax = attrs.clampMax;
  if (auto err = checkRequantOutput(r, *shape))
    return err;
  return single(requantResult(r, *shape));
}

llvm::Error rtc::detail::checkFusedActivation(const FusedActivation &act) {
  if (act.kind == ActivationKind::Clip && !(act.min <= act.max))
    return typeError("fused clip activation needs act_min <= act_max, got "
                     "[{}, {}]",
                     act.min, act.max);
  return llvm::Error::success();
}

llvm::Expected<ResultTypes>
rtc::detail::inferQuantizedOpTypes(OpKind kind, ArrayRef<TensorType> ops,
                                   const Attrs &attrs) {
  switch (kind) {
  case OpKind::Im2Col:
    return inferIm2Col(ops, std::get<Im2ColAttrs>(attrs));
  case OpKind::Quantize:
    return inferQuantize(ops, std::get<QuantizeAttrs>(attrs));
  case OpKind::Dequantize:
    return inferDequantize(ops);
  case OpKind::Requantize:
    return inferRequantize(ops, std::get<RequantAttrs>(attrs));
  case OpKind::QConv:
    return inferQConv(ops, std::get<QConvAttrs>(attrs));
  case OpKind::QMatMul:
    return inferQMatMul(ops, std::get<RequantAttrs>(attrs));
  case OpKind::QAdd:
    return inferQAdd(ops, std::get<QAddAttrs>(attrs));
  default:
    break;
  }
  llvm_unreachable("not a quantized op");
}

//===- compiler/onnx/OpImportersQuant.cpp - Pre-quantized ONNX ops --------===//
//
// Importers for models that are already quantized: QuantizeLinear,
// DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger.
// The model's own scales and zero points are kept: they become the quant
// parameters of IR types (ir/Types.h) and the fixed-point requantization of
// qconv / qmatmul (ir/QuantMath.h).
//
// Scales and zero points must be compile-time constants (the conformance
// runner freezes graph inputs that feed them). A scale holding one value is
// per tensor; a 1-D scale with more values is per axis.
//
// The integer operands of these ops must carry their quant parameters in
// their IR type. The importer arranges that:
//  * a constant operand is re-emitted as a constant of the quantized type;
//  * a value already quantized with the same parameters is used as is;
//  * a graph input of integer type that nothing has used yet is re-typed:
//    its type gains the parameters (the data fed to it is unchanged; only
//    the IR type records how to read it). ConvInteger and MatMulInteger
//    have zero points but no scales: their operands get scale 1.0.
// Anything else (an integer value produced by another op with other or no
// parameters) is an error naming the operand.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OpImporters.h"
#include "ir/QuantMath.h"

#include <cmath>
#include <limits>

using namespace rtc;
using namespace rtc::onnx;

namespace {
/// The parameters read from a (scale, zero point) input pair.
struct ReadParams {
  QuantParams params;
  DType zeroPointType; ///< The zero point's element type (or the default).
};
} // namespace

/// Reads quant parameters for data of type \p data from constant input
/// \p scaleIdx (absent: every scale is 1.0) and optional constant input
/// \p zpIdx (absent: zero points 0 of type \p dfltZpType). A scale or zero
/// point with more than one value is per axis along \p axis (nullopt: per
/// axis is not allowed); \p axis may be negative (normalized here).
static llvm::Expected<ReadParams>
readQuantParams(NodeContext &ctx, std::optional<unsigned> scaleIdx,
                unsigned zpIdx, const TensorType &data,
                std::optional<int64_t> axis, DType dfltZpType,
                llvm::StringRef scaleName, llvm::StringRef zpName) {
  ReadParams r;
  r.zeroPointType = dfltZpType;
  llvm::SmallVector<float, 4> scales;
  if (scaleIdx) {
    auto s = ctx.requireConstantInput(*scaleIdx, scaleName);
    if (!s)
      return s.takeError();
    const Tensor &st = **s;
    if (st.getElemType() != DType::F32 || st.getType().getRank() > 1 ||
        st.getNumElements() < 1)
      return ctx.error("operand '{}' must be an f32 scalar or 1-D tensor, "
                       "got {}",
                       scaleName.str(), st.getType().str());
    for (float v : st.getData<float>()) {
      if (!(v > 0) || !std::isfinite(v))
        return ctx.error("operand '{}' holds {}; scales must be positive "
                         "and finite",
                         scaleName.str(), v);
      scales.push_back(v);
    }
  }
  llvm::SmallVector<int64_t, 4> zeroPoints;
  if (ctx.hasInput(zpIdx)) {
    auto z = ctx.requireConstantInput(zpIdx, zpName);
    if (!z)
      return z.takeError();
    const Tensor &zt = **z;
    if (!isIntegerDType(zt.getElemType()) || zt.getElemType() == DType::Bool ||
        zt.getType().getRank() > 1 || zt.getNumElements() < 1)
      return ctx.error("operand '{}' must be an integer scalar or 1-D "
                       "tensor, got {}",
                       zpName.str(), zt.getType().str());
    r.zeroPointType = zt.getElemType();
    for (int64_t k = 0, e = zt.getNumElements(); k != e; ++k)
      zeroPoints.push_back(zt.getAsInt64(k));
  }
  // Without scales (ConvInteger, MatMulInteger) the zero points set the
  // count; without zero points the scales do.
  size_t count =
      scaleIdx ? scales.size() : std::max<size_t>(1, zeroPoints.size());
  if (!scaleIdx)
    scales.assign(count, 1.0f);
  if (zeroPoints.empty())
    zeroPoints.assign(count, 0);
  if (zeroPoints.size() != count)
    return ctx.error("operand '{}' has {} values but '{}' has {}", zpName.str(),
                     zeroPoints.size(), scaleName.str(), count);

  r.params.scales.assign(scales.begin(), scales.end());
  r.params.zeroPoints.assign(zeroPoints.begin(), zeroPoints.end());
  if (count == 1)
    return r; // per tensor
  if (!axis)
    return ctx.error("operand '{}' has {} values; only per-tensor "
                     "quantization (one value) is supported for this operand",
                     (scaleIdx ? scaleName : zpName).str(), count);
  auto a = normalizeAxis(ctx, *axis, int64_t(data.getRank()), "axis");
  if (!a)
    return a.takeError();
  if (data.shape[*a] != int64_t(count))
    return ctx.error("operand '{}' has {} values, but dim {} of {} has {}",
                     (scaleIdx ? scaleName : zpName).str(), count, *a,
                     data.str(), data.shape[*a]);
  r.params.axis = *a;
  return r;
}

/// \returns the IR value of integer input \p i typed with quant parameters
/// \p params (see the file comment for how each kind of operand is
/// handled). \p what names the operand in errors.
static llvm::Expected<ValueId> getQuantizedOperand(NodeContext &ctx, unsigned i,
                                                   const QuantParams &params,
                                                   llvm::StringRef what) {
  TensorType type = ctx.getInputType(i);
  if (!isIntegerDType(type.elemType) || type.elemType == DType::Bool)
    return ctx.error("operand '{}' must be an integer tensor, got {}",
                     what.str(), type.str());
  if (const Tensor *c = ctx.getConstantInput(i)) {
    if (c->getType().quant == params)
      return ctx.getInputValue(i);
    Tensor copy = *c;
    TensorType qtype = copy.getType();
    qtype.quant = params;
    copy.setType(qtype);
    return ctx.emitTemp(OpKind::Constant, {}, ConstantAttrs{std::move(copy)},
                        (ctx.getInputName(i) + ".q").str());
  }
  ValueId v = ctx.getInputValue(i);
  Graph &g = ctx.getGraph();
  const TensorType &vt = g.getType(v);
  if (vt.quant) {
    if (*vt.quant == params)
      return v;
    TensorType wanted = vt;
    wanted.quant = params;
    return ctx.error("operand '{}' ('{}') has type {}, but this node reads it "
                     "as {}",
                     what.str(), ctx.getInputName(i).str(), vt.str(),
                     wanted.str());
  }
  if (g.isGraphInput(v) && g.getUsers(v).empty()) {
    g.getValue(v).type.quant = params;
    return v;
  }
  return ctx.error("operand '{}' ('{}') must be a constant, an unused graph "
                   "input, or a value quantized with the same parameters; "
                   "it is an integer value without quantization parameters",
                   what.str(), ctx.getInputName(i).str());
}

/// Checks that the zero point type \p zpType equals the data type \p data.
static llvm::Error checkSameType(NodeContext &ctx, DType zpType, DType data,
                                 llvm::StringRef zpName,
                                 llvm::StringRef dataName) {
  if (zpType == data)
    return llvm::Error::success();
  return ctx.error("operand '{}' has element type {}, but '{}' has {}",
                   zpName.str(), getDTypeName(zpType).str(), dataName.str(),
                   getDTypeName(data).str());
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear
//===----------------------------------------------------------------------===//

llvm::Error rtc::onnx::importQuantizeLinear(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  if (x.elemType != DType::F32)
    return ctx.error("input 'x' must be f32, got {}", x.str());
  // Per-axis parameters exist from opset 13 on (default axis 1).
  std::optional<int64_t> axis;
  if (ctx.getOpset() >= 13)
    axis = ctx.getInt("axis", 1);
  auto p = readQuantParams(ctx, 1u, 2, x, axis, DType::U8, "y_scale",
                           "y_zero_point");
  if (!p)
    return p.takeError();
  if (p->zeroPointType != DType::U8 && p->zeroPointType != DType::I8)
    return ctx.error("operand 'y_zero_point' must be u8 or i8, got {}",
                     getDTypeName(p->zeroPointType).str());
  QuantizeAttrs attrs;
  attrs.elemType = p->zeroPointType;
  attrs.params = p->params;
  return ctx.emit(OpKind::Quantize, {ctx.getInputValue(0)}, attrs).takeError();
}

llvm::Error rtc::onnx::importDequantizeLinear(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  std::optional<int64_t> axis;
  if (ctx.getOpset() >= 13)
    axis = ctx.getInt("axis", 1);
  auto p = readQuantParams(ctx, 1u, 2, x, axis, x.elemType, "x_scale",
                           "x_zero_point");
  if (!p)
    return p.takeError();
  if (auto err =
          checkSameType(ctx, p->zeroPointType, x.elemType, "x_zero_point", "x"))
    return err;
  auto v = getQuantizedOperand(ctx, 0, p->params, "x");
  if (!v)
    return v.takeError();
  return ctx.emit(OpKind::Dequantize, {*v}, NoAttrs{}).takeError();
}

//===----------------------------------------------------------------------===//
// QLinearConv, ConvInteger
//===----------------------------------------------------------------------===//

/// Reads and resolves the Conv attributes of a QLinearConv / ConvInteger
/// node with input type \p x and weight type \p w (the same schema as Conv).
static llvm::Expected<ConvAttrs>
readConvAttrs(NodeContext &ctx, const TensorType &x, const TensorType &w) {
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return ctx.error("input {} and weight {} must have the same rank >= 3",
                     x.str(), w.str());
  size_t n = x.getRank() - 2;
  llvm::ArrayRef<int64_t> wKernel = llvm::ArrayRef(w.shape).drop_front(2);
  llvm::SmallVector<int64_t, 2> ones(n, 1);
  ConvAttrs attrs;
  attrs.kernelShape = ctx.getInts("kernel_shape", wKernel);
  attrs.strides = ctx.getInts("strides", ones);
  attrs.dilations = ctx.getInts("dilations", ones);
  attrs.group = ctx.getInt("group", 1);
  llvm::SmallVector<int64_t, 4> pads = ctx.getInts("pads");
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");
  if (llvm::ArrayRef(attrs.kernelShape) != wKernel)
    return ctx.error("kernel_shape [{}] does not match the weight {}",
                     fmt::join(attrs.kernelShape, ", "), w.str());
  auto positive = [](llvm::ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t e) { return e >= 1; });
  };
  if (attrs.strides.size() != n || !positive(attrs.strides))
    return ctx.error("attribute 'strides' must have {} entries >= 1", n);
  if (attrs.dilations.size() != n || !positive(attrs.dilations))
    return ctx.error("attribute 'dilations' must have {} entries >= 1", n);
  if (ctx.hasAttr("pads") &&
      (pads.size() != 2 * n ||
       llvm::any_of(pads, [](int64_t p) { return p < 0; })))
    return ctx.error("attribute 'pads' must have {} entries >= 0", 2 * n);
  if (ctx.hasAttr("pads") && autoPad != "NOTSET")
    return ctx.error("attributes 'pads' and 'auto_pad' ({}) cannot be used "
                     "together",
                     autoPad);
  auto resolved =
      resolveAutoPad(autoPad, llvm::ArrayRef(x.shape).drop_front(2),
                     attrs.kernelShape, attrs.strides, attrs.dilations, pads);
  if (!resolved)
    return attachLocation(resolved.takeError(), ctx.getLoc());
  attrs.pads = std::move(*resolved);
  return attrs;
}

/// The requantization of an accumulator with scale sa * sb[c] into output
/// parameters (sy, zy) of element type \p outType: one fixed-point
/// multiplier per entry of \p bScales (ir/QuantMath.h), computed in double
/// from the float scales, and the clamp of outType's full range.
static RequantAttrs makeRequant(float aScale, llvm::ArrayRef<float> bScales,
                                float yScale, int64_t yZeroPoint,
                                DType outType) {
  RequantAttrs r;
  r.outType = outType;
  r.outQuant.scales = {yScale};
  r.outQuant.zeroPoints = {yZeroPoint};
  for (float bScale : bScales) {
    FixedPointMultiplier m =
        quantizeMultiplier(double(aScale) * double(bScale) / double(yScale));
    r.multipliers.push_back(m.multiplier);
    r.shifts.push_back(m.shift);
  }
  QuantRange range = getQuantRange(outType, 0);
  r.clampMin = range.min;
  r.clampMax = range.max;
  return r;
}

/// The raw int32 accumulator output of ConvInteger / MatMulInteger.
static RequantAttrs makeRawI32() {
  RequantAttrs r;
  r.outType = DType::I32;
  r.clampMin = std::numeric_limits<int32_t>::min();
  r.clampMax = std::numeric_limits<int32_t>::max();
  return r;
}

/// Checks that the optional i32 bias input \p i has \p m elements (1-D).
static llvm::Error checkBias(NodeContext &ctx, unsigned i, int64_t m) {
  TensorType b = ctx.getInputType(i);
  if (b.elemType != DType::I32 || b.getRank() != 1 || b.shape[0] != m)
    return ctx.error("bias must be an i32 tensor of {} elements, got {}", m,
                     b.str());
  return llvm::Error::success();
}

/// The operands of QLinearConv / QLinearMatMul (inputs a, a_scale,
/// a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point) or of
/// ConvInteger / MatMulInteger (a, b, a_zero_point, b_zero_point), read and
/// checked: the quantized values a and b and, for the QLinear forms, the
/// requantization to y.
struct QuantBinaryOperands {
  ValueId a, b;
  RequantAttrs requant;
};

/// Reads the operands of \p ctx, a QLinear op if \p qlinear else an
/// Integer op; \p aName / \p bName name the operands ("x"/"w", "a"/"b") and
/// \p bAxis is the axis of b's per-channel parameters. Every problem is
/// reported at once.
static llvm::Expected<QuantBinaryOperands>
readQuantBinaryOperands(NodeContext &ctx, bool qlinear, const char *aName,
                        const char *bName, std::optional<int64_t> bAxis) {
  unsigned bIdx = qlinear ? 3 : 1;
  TensorType a = ctx.getInputType(0);
  TensorType b = ctx.getInputType(bIdx);
  auto name = [](const char *operand, const char *what) {
    return std::string(operand) + what;
  };
  std::string aScale = name(aName, "_scale"), aZp = name(aName, "_zero_point");
  std::string bScale = name(bName, "_scale"), bZp = name(bName, "_zero_point");
  auto ap = readQuantParams(ctx, qlinear ? std::optional<unsigned>(1u)
                                         : std::nullopt,
                            2, a, std::nullopt, a.elemType,
                            aScale.c_str(), aZp.c_str());
  if (!ap)
    return ap.takeError();
  auto bp = readQuantParams(ctx, qlinear ? std::optional<unsigned>(4u)
                                         : std::nullopt,
                            qlinear ? 5 : 3, b, bAxis, b.elemType,
                            bScale.c_str(), bZp.c_str());
  if (!bp)
    return bp.takeError();
  std::optional<ReadParams> yp;
  if (qlinear) {
    auto y = readQuantParams(ctx, 6u, 7, a, std::nullopt, DType::U8,
                             "y_scale", "y_zero_point");
    if (!y)
      return y.takeError();
    yp = std::move(*y);
  }
  ErrorList errors;
  errors.add(checkSameType(ctx, ap->zeroPointType, a.elemType, aZp.c_str(),
                           aName));
  errors.add(checkSameType(ctx, bp->zeroPointType, b.elemType, bZp.c_str(),
                           bName));
  if (yp && yp->zeroPointType != DType::U8 && yp->zeroPointType != DType::I8)
    errors.add(ctx.error("operand 'y_zero_point' must be u8 or i8, got {}",
                         getDTypeName(yp->zeroPointType).str()));
  if (!errors.empty())
    return errors.take();
  QuantBinaryOperands out;
  out.requant = yp ? makeRequant(ap->params.scales[0], bp->params.scales,
                                 yp->params.scales[0],
                                 yp->params.zeroPoints[0], yp->zeroPointType)
                   : makeRawI32();
  auto av = getQuantizedOperand(ctx, 0, ap->params, aName);
  if (!av)
    return av.takeError();
  auto bv = getQuantizedOperand(ctx, bIdx, bp->params, bName);
  if (!bv)
    return bv.takeError();
  out.a = *av;
  out.b = *bv;
  return out;
}

llvm::Error rtc::onnx::importQLinearConv(NodeContext &ctx) {
  auto conv = readConvAttrs(ctx, ctx.getInputType(0), ctx.getInputType(3));
  if (!conv)
    return conv.takeError();
  auto ops = readQuantBinaryOperands(ctx, /*qlinear=*/true, "x", "w", 0);
  if (!ops)
    return ops.takeError();
  if (ctx.hasInput(8))
    if (auto err = checkBias(ctx, 8, ctx.getInputType(3).shape[0]))
      return err;
  QConvAttrs attrs;
  attrs.conv = std::move(*conv);
  attrs.requant = std::move(ops->requant);
  llvm::SmallVector<ValueId, 3> operands = {ops->a, ops->b};
  if (ctx.hasInput(8))
    operands.push_back(ctx.getInputValue(8));
  return ctx.emit(OpKind::QConv, operands, attrs).takeError();
}

llvm::Error rtc::onnx::importConvInteger(NodeContext &ctx) {
  auto conv = readConvAttrs(ctx, ctx.getInputType(0), ctx.getInputType(1));
  if (!conv)
    return conv.takeError();
  auto ops = readQuantBinaryOperands(ctx, /*qlinear=*/false, "x", "w", 0);
  if (!ops)
    return ops.takeError();
  QConvAttrs attrs;
  attrs.conv = std::move(*conv);
  attrs.requant = std::move(ops->requant);
  return ctx.emit(OpKind::QConv, {ops->a, ops->b}, attrs).takeError();
}

//===----------------------------------------------------------------------===//
// QLinearMatMul, MatMulInteger
//===----------------------------------------------------------------------===//

/// The axis of per-column parameters of a matmul operand of type \p b.
static std::optional<int64_t> columnAxis(const TensorType &b) {
  if (b.getRank() < 2)
    return std::nullopt;
  return int64_t(b.getRank()) - 1;
}

llvm::Error rtc::onnx::importQLinearMatMul(NodeContext &ctx) {
  auto ops = readQuantBinaryOperands(ctx, /*qlinear=*/true, "a", "b",
                                     columnAxis(ctx.getInputType(3)));
  if (!ops)
    return ops.takeError();
  return ctx.emit(OpKind::QMatMul, {ops->a, ops->b}, ops->requant)
      .takeError();
}

llvm::Error rtc::onnx::importMatMulInteger(NodeContext &ctx) {
  auto ops = readQuantBinaryOperands(ctx, /*qlinear=*/false, "a", "b",
                                     columnAxis(ctx.getInputType(1)));
  if (!ops)
    return ops.takeError();
  return ctx.emit(OpKind::QMatMul, {ops->a, ops->b}, ops->requant)
      .takeError();
}

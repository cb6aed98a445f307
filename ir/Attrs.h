//===- ir/Attrs.h - Typed per-op attributes --------------------*- C++ -*-===//
//
// Attributes are typed structs, never string maps: the ONNX importer
// validates ONNX attributes, fills in defaults and converts them to these
// structs; the textual parser is the only other place that spells attribute
// names. All axes are normalized to be non-negative, and all shape-like lists
// are fully resolved (static shapes), so passes never re-derive defaults.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Tensor.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <limits>
#include <variant>

namespace rtc {

/// For ops without attributes.
struct NoAttrs {
  bool operator==(const NoAttrs &) const = default;
};

/// Constant: the value (its type is the result type).
struct ConstantAttrs {
  Tensor value;
  bool operator==(const ConstantAttrs &) const = default;
};

/// LeakyRelu: y = x < 0 ? alpha * x : x.
struct LeakyReluAttrs {
  float alpha = 0.01f;
  bool operator==(const LeakyReluAttrs &) const = default;
};

/// Clip: y = min(max(x, min), max). Infinite bounds mean "no bound".
struct ClipAttrs {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
  bool operator==(const ClipAttrs &) const = default;
};

/// Softmax, Concat, Flatten: one non-negative axis.
struct AxisAttrs {
  int64_t axis = 0;
  bool operator==(const AxisAttrs &) const = default;
};

/// An activation fused into Conv or Gemm (passes/FuseActivation.cpp):
/// applied to the result after bias. Relu is max(x, 0); Clip clamps to
/// [min, max]. Printed only when kind != None.
enum class ActivationKind : uint8_t { None, Relu, Clip };
struct FusedActivation {
  ActivationKind kind = ActivationKind::None;
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
  bool operator==(const FusedActivation &) const = default;
};

/// Gemm: Y = act(alpha * A' * B' + beta * C).
struct GemmAttrs {
  float alpha = 1.0f;
  float beta = 1.0f;
  bool transA = false;
  bool transB = false;
  FusedActivation activation;
  bool operator==(const GemmAttrs &) const = default;
};

/// Conv. One entry per spatial dim in kernelShape, strides and dilations;
/// pads holds [begin_0, begin_1, ..., end_0, end_1, ...] (ONNX order).
/// auto_pad is resolved to explicit pads by the importer.
struct ConvAttrs {
  llvm::SmallVector<int64_t, 2> kernelShape;
  llvm::SmallVector<int64_t, 2> strides;
  llvm::SmallVector<int64_t, 2> dilations;
  llvm::SmallVector<int64_t, 4> pads;
  int64_t group = 1;
  FusedActivation activation;
  bool operator==(const ConvAttrs &) const = default;
};

/// MaxPool / AveragePool; same layout conventions as ConvAttrs.
/// countIncludePad only affects AveragePool.
struct PoolAttrs {
  llvm::SmallVector<int64_t, 2> kernelShape;
  llvm::SmallVector<int64_t, 2> strides;
  llvm::SmallVector<int64_t, 2> dilations;
  llvm::SmallVector<int64_t, 4> pads;
  bool ceilMode = false;
  bool countIncludePad = false;
  bool operator==(const PoolAttrs &) const = default;
};

/// BatchNormalization (inference): y = scale * (x - mean) /
/// sqrt(var + epsilon) + bias, per channel (dim 1).
struct BatchNormAttrs {
  float epsilon = 1e-5f;
  bool operator==(const BatchNormAttrs &) const = default;
};

/// Reshape: the fully resolved output shape (no 0 or -1 entries).
struct ReshapeAttrs {
  llvm::SmallVector<int64_t, 4> shape;
  bool operator==(const ReshapeAttrs &) const = default;
};

/// Transpose: output dim i is input dim perm[i].
struct TransposeAttrs {
  llvm::SmallVector<int64_t, 4> perm;
  bool operator==(const TransposeAttrs &) const = default;
};

/// Squeeze / Unsqueeze: sorted, non-negative axes (Squeeze: of the input;
/// Unsqueeze: of the output).
struct AxesAttrs {
  llvm::SmallVector<int64_t, 4> axes;
  bool operator==(const AxesAttrs &) const = default;
};

enum class PadMode : uint8_t { Constant, Reflect, Edge };

/// Pad: pads is [begin_0..begin_{r-1}, end_0..end_{r-1}] over all dims;
/// negative entries crop. value is used in Constant mode.
struct PadAttrs {
  llvm::SmallVector<int64_t, 8> pads;
  PadMode mode = PadMode::Constant;
  double value = 0.0;
  bool operator==(const PadAttrs &) const = default;
};

/// Im2Col: x [N, C, D1..Dk] -> columns [N, C * prod(kernel), prod(out)],
/// row index (c, k1, .., kk) row-major, column index the output position
/// row-major; positions in the padding read padValue (0 for floats, the zero
/// point for quantized tensors). Conv == MatMul(W[M, C*K], cols) + bias.
struct Im2ColAttrs {
  llvm::SmallVector<int64_t, 2> kernelShape;
  llvm::SmallVector<int64_t, 2> strides;
  llvm::SmallVector<int64_t, 2> dilations;
  llvm::SmallVector<int64_t, 4> pads;
  int64_t padValue = 0;
  bool operator==(const Im2ColAttrs &) const = default;
};

/// Quantize (ONNX QuantizeLinear): q = clamp(roundHalfEven(x / scale) + zp,
/// clampMin, clampMax). The result type is elemType with quant params, and
/// the clamp is the representable range of params.bits (ir/QuantMath.h).
struct QuantizeAttrs {
  DType elemType = DType::I8;
  QuantParams params;
  bool operator==(const QuantizeAttrs &) const = default;
};

/// Integer requantization of an int32 accumulator, the one rounding rule of
/// the integer golden model (ir/QuantMath.h):
///   y = clamp(outZeroPoint + applyMultiplier(acc, multiplier[c], shift[c]),
///             clampMin, clampMax)
/// with one (multiplier, shift) per output channel (or one for all). With
/// no multipliers the raw accumulator is the result (ConvInteger,
/// MatMulInteger; outType i32, no clamp beyond i32). The result type is
/// outType with outQuant (per tensor) when outQuant has a scale.
struct RequantAttrs {
  DType outType = DType::I8;
  QuantParams outQuant;
  llvm::SmallVector<int32_t, 1> multipliers;
  llvm::SmallVector<int32_t, 1> shifts;
  int64_t clampMin = 0;
  int64_t clampMax = 0;
  bool operator==(const RequantAttrs &) const = default;
};

/// QConv: integer convolution. x is quantized per tensor (zero point zx),
/// w per tensor or per output channel (axis 0, zero points zw), the
/// optional bias is i32 (scale sx * sw[c], zero point 0):
///   acc[c] = bias[c] + sum (x - zx) * (w - zw)      (int32, wraps never:
///   the quantizer keeps the accumulation range inside int32)
/// then requantized per output channel. conv.activation must be None (a
/// fused activation becomes the clamp).
struct QConvAttrs {
  ConvAttrs conv;
  RequantAttrs requant;
  bool operator==(const QConvAttrs &) const = default;
};

/// QAdd: y = clamp(zy + applyMultiplier((a - za) * ma + (b - zb) * mb, 1,
/// shift) ...): both inputs are rescaled to a common fixed-point scale
/// 2^-shift * sy (ma = round(sa / sy * 2^shift), mb likewise), added, and
/// rounded once (round half to even). Numpy broadcasting.
struct QAddAttrs {
  DType outType = DType::I8;
  QuantParams outQuant;
  int32_t multiplierA = 0;
  int32_t multiplierB = 0;
  int32_t shift = 0;
  int64_t clampMin = 0;
  int64_t clampMax = 0;
  bool operator==(const QAddAttrs &) const = default;
};

/// The attributes of any node. Each struct appears once.
using Attrs =
    std::variant<NoAttrs, ConstantAttrs, LeakyReluAttrs, ClipAttrs, AxisAttrs,
                 GemmAttrs, ConvAttrs, PoolAttrs, BatchNormAttrs, ReshapeAttrs,
                 TransposeAttrs, AxesAttrs, PadAttrs, Im2ColAttrs,
                 QuantizeAttrs, RequantAttrs, QConvAttrs, QAddAttrs>;

} // namespace rtc

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

/// Gemm: Y = alpha * A' * B' + beta * C.
struct GemmAttrs {
  float alpha = 1.0f;
  float beta = 1.0f;
  bool transA = false;
  bool transB = false;
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

/// The attributes of any node. Each struct appears once.
using Attrs =
    std::variant<NoAttrs, ConstantAttrs, LeakyReluAttrs, ClipAttrs, AxisAttrs,
                 GemmAttrs, ConvAttrs, PoolAttrs, BatchNormAttrs, ReshapeAttrs,
                 TransposeAttrs, AxesAttrs, PadAttrs>;

} // namespace rtc

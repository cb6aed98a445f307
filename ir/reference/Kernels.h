//===- ir/reference/Kernels.h - Reference kernel entry points --*- C++ -*-===//
//
// Internal header of rtc_reference: the per-family kernel functions that
// evaluateNode() dispatches to, plus the small helpers they share (located
// errors, element-type dispatch, wrapping integer arithmetic, strides and
// the canonical 3-D window geometry of Conv and the pools).
//
// Every kernel takes the node (for its kind, attributes and location), its
// operand tensors and the result type recorded in the graph. It validates
// everything it relies on (ranks, dims, attribute sizes) so that it never
// reads out of bounds on an unverified graph, computes the result shape from
// the operands and attributes, and checks that shape against the result
// type: a mismatch is a located error, not a silently reshaped tensor.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <cstdint>
#include <type_traits>

namespace rtc::reference {

//===--- Errors -----------------------------------------------------------===//

/// \returns an error located at \p node whose message is prefixed by the
/// node's mnemonic, e.g. "conv: group 3 does not divide 64 input channels".
template <typename... Args>
llvm::Error nodeError(const Node &node, fmt::format_string<Args...> f,
                      Args &&...args) {
  return makeError(node.loc,
                   fmt::format("{}: {}", getOpMnemonic(node.kind).str(),
                               fmt::format(f, std::forward<Args>(args)...)));
}

/// \returns "<op>: element type <t> is not supported by the reference
/// interpreter", located at \p node.
llvm::Error unsupportedElemType(const Node &node, DType t);

/// Checks that \p resultType (the node's result type in the graph) has
/// element type \p elemType and shape \p shape.
llvm::Error checkResultType(const Node &node, const TensorType &resultType,
                            DType elemType, llvm::ArrayRef<int64_t> shape);

/// Checks the operands of an arithmetic op: all share one element type,
/// none is quantized (the float interpreter would compute on raw integers),
/// and \p resultType has the same element type. \returns that type.
llvm::Expected<DType>
checkArithmeticOperands(const Node &node,
                        llvm::ArrayRef<const Tensor *> operands,
                        const TensorType &resultType);

//===--- Element-type dispatch --------------------------------------------===//

/// Which element types a kernel computes on.
enum class TypeSet : uint8_t {
  Float,    ///< f32, f64.
  FloatInt, ///< f32, f64 and every integer type except i1.
};

/// Calls \p fn with a value of the C++ type of \p t (e.g. `float{}`) when
/// \p t is in \p Set; otherwise returns unsupportedElemType(). \p fn must
/// return llvm::Expected<Tensor>. \p fn is only instantiated for the types
/// of \p Set.
template <TypeSet Set, typename Fn>
llvm::Expected<Tensor> dispatchElemType(const Node &node, DType t, Fn &&fn) {
  switch (t) {
  case DType::F32:
    return fn(float{});
  case DType::F64:
    return fn(double{});
  default:
    break;
  }
  if constexpr (Set == TypeSet::FloatInt) {
    switch (t) {
    case DType::I8:
      return fn(int8_t{});
    case DType::U8:
      return fn(uint8_t{});
    case DType::I16:
      return fn(int16_t{});
    case DType::U16:
      return fn(uint16_t{});
    case DType::I32:
      return fn(int32_t{});
    case DType::U32:
      return fn(uint32_t{});
    case DType::I64:
      return fn(int64_t{});
    case DType::U64:
      return fn(uint64_t{});
    default:
      break;
    }
  }
  return unsupportedElemType(node, t);
}

//===--- Arithmetic -------------------------------------------------------===//

// Integer arithmetic wraps modulo 2^bits (two's complement) instead of being
// undefined on signed overflow: the operands are widened to uint64_t, where
// wrap-around is defined, and narrowed back (modular in C++20).

template <typename T> T addValues(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return T(uint64_t(a) + uint64_t(b));
  else
    return a + b;
}

template <typename T> T subValues(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return T(uint64_t(a) - uint64_t(b));
  else
    return a - b;
}

template <typename T> T mulValues(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return T(uint64_t(a) * uint64_t(b));
  else
    return a * b;
}

/// Division; integers truncate toward zero (ONNX Div, C semantics) and the
/// caller guarantees \p b != 0. INT_MIN / -1 wraps to INT_MIN.
template <typename T> T divValues(T a, T b) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    if (b == T(-1))
      return T(uint64_t(0) - uint64_t(a));
    return T(a / b);
  } else {
    return T(a / b);
  }
}

/// Applies a fused activation of Conv / Gemm in place (float T): Relu is
/// `v < 0 ? 0 : v`, Clip `min(max(v, lo), hi)` in that order; NaN passes
/// through, as in the standalone Relu and Clip kernels.
template <typename T>
void applyFusedActivation(const FusedActivation &act,
                          llvm::MutableArrayRef<T> data) {
  if (act.kind == ActivationKind::Relu) {
    for (T &v : data)
      v = v < T(0) ? T(0) : v;
  } else if (act.kind == ActivationKind::Clip) {
    T lo = T(act.min), hi = T(act.max);
    for (T &v : data) {
      T c = v < lo ? lo : v;
      v = c > hi ? hi : c;
    }
  }
}

//===--- Shapes -----------------------------------------------------------===//

/// Row-major element strides of \p shape.
llvm::SmallVector<int64_t, 6> getStrides(llvm::ArrayRef<int64_t> shape);

/// Product of \p dims (1 when empty).
int64_t getProduct(llvm::ArrayRef<int64_t> dims);

/// Conv and pool geometry, canonicalized to exactly 3 spatial dims: an op
/// with r < 3 spatial dims gets 3 - r leading dims of size 1 (kernel 1,
/// stride 1, dilation 1, no padding), so one triple loop serves 1-D, 2-D and
/// 3-D windows and the innermost loop stays the contiguous last dim.
struct Window3d {
  int64_t in[3];
  int64_t out[3];
  int64_t kernel[3];
  int64_t stride[3];
  int64_t dilation[3];
  int64_t padBegin[3];
  int64_t padEnd[3];
};

/// Builds the geometry of a window op over \p inSpatial (the dims after N
/// and C) from its fully resolved attributes (one stride and dilation per
/// spatial dim, pads [begins..., ends...]). Output sizes follow ONNX: floor((in
/// + padBegin + padEnd - ((k - 1) * d + 1)) / s) + 1, or ceil in \p ceilMode
/// where a last window that would start in the end padding is dropped (the
/// PyTorch rule that ONNX adopted; in ceil mode even a window larger than the
/// padded input yields one output). \returns an error for inconsistent
/// attributes, an output size below 1, or more than 3 spatial dims.
llvm::Expected<Window3d>
makeWindow3d(const Node &node, llvm::ArrayRef<int64_t> inSpatial,
             llvm::ArrayRef<int64_t> kernelShape,
             llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> dilations,
             llvm::ArrayRef<int64_t> pads, bool ceilMode);

/// For one canonical spatial dim \p d of \p w and each output position o,
/// the kernel taps [lo[o], hi[o]) whose input index o*s - padBegin + k*dil
/// lies inside [lower, upper). With lower = 0, upper = in these are the taps
/// that read the input; with lower = -padBegin, upper = in + padEnd those
/// inside the explicitly padded input.
struct TapRanges {
  llvm::SmallVector<int64_t, 16> lo;
  llvm::SmallVector<int64_t, 16> hi;
};
TapRanges computeTapRanges(const Window3d &w, unsigned d, int64_t lower,
                           int64_t upper);

//===--- Kernels, one group per family file ------------------------------===//

// Elementwise.cpp
/// Add, Sub, Mul, Div with numpy broadcasting.
llvm::Expected<Tensor> evalBinary(const Node &node, const Tensor &lhs,
                                  const Tensor &rhs,
                                  const TensorType &resultType);
/// Relu, LeakyRelu, Clip, Sigmoid.
llvm::Expected<Tensor> evalUnary(const Node &node, const Tensor &x,
                                 const TensorType &resultType);
/// Identity (any element type).
llvm::Expected<Tensor> evalIdentity(const Node &node, const Tensor &x,
                                    const TensorType &resultType);

// MatMul.cpp
/// numpy matmul: batched with broadcast batch dims, 1-D operands promoted.
llvm::Expected<Tensor> evalMatMul(const Node &node, const Tensor &a,
                                  const Tensor &b,
                                  const TensorType &resultType);
/// Gemm; \p c may be null.
llvm::Expected<Tensor> evalGemm(const Node &node, const Tensor &a,
                                const Tensor &b, const Tensor *c,
                                const TensorType &resultType);

// Conv.cpp
/// Sizes of one convolution, with canonical 3-D spatial geometry.
struct ConvGeometry {
  int64_t n, c, m, group, cPerGroup, mPerGroup;
  Window3d w;
  llvm::SmallVector<int64_t, 5> outShape; ///< [N, M, O1..Or]
};
/// Validates x [N, C, D..], w [M, C/group, K..], the optional bias [M] and
/// the window attributes, and \returns the geometry (errors at \p node).
llvm::Expected<ConvGeometry> makeConvGeometry(const Node &node,
                                              const ConvAttrs &attrs,
                                              const TensorType &x,
                                              const TensorType &w,
                                              const TensorType *bias);
/// The float kernel's loop on int64 data (exact for the integer golden
/// model's ranges); \p bias may be null.
void convolveInt64(const ConvGeometry &g, const int64_t *x, const int64_t *w,
                   const int64_t *bias, int64_t *y);
/// N-d convolution (up to 3 spatial dims); \p bias may be null.
llvm::Expected<Tensor> evalConv(const Node &node, const Tensor &x,
                                const Tensor &w, const Tensor *bias,
                                const TensorType &resultType);

/// Im2Col: patches of x [N, C, D..] as columns [N, C*prod(k), prod(out)]
/// (any element type; padding reads pad_value).
llvm::Expected<Tensor> evalIm2Col(const Node &node, const Tensor &x,
                                  const TensorType &resultType);

// Pool.cpp
/// MaxPool and AveragePool.
llvm::Expected<Tensor> evalPool(const Node &node, const Tensor &x,
                                const TensorType &resultType);
/// GlobalAveragePool and GlobalMaxPool.
llvm::Expected<Tensor> evalGlobalPool(const Node &node, const Tensor &x,
                                      const TensorType &resultType);

// Normalization.cpp
/// Inference BatchNormalization; \p operands are x, scale, bias, mean, var.
llvm::Expected<Tensor> evalBatchNorm(const Node &node,
                                     llvm::ArrayRef<const Tensor *> operands,
                                     const TensorType &resultType);
/// Softmax along one axis.
llvm::Expected<Tensor> evalSoftmax(const Node &node, const Tensor &x,
                                   const TensorType &resultType);

// Shape.cpp (all element types)
/// Constant: its value, typed as \p resultType.
llvm::Expected<Tensor> evalConstant(const Node &node,
                                    const TensorType &resultType);
llvm::Expected<Tensor> evalConcat(const Node &node,
                                  llvm::ArrayRef<const Tensor *> operands,
                                  const TensorType &resultType);
/// Flatten, Reshape, Squeeze, Unsqueeze: same bytes, new shape.
llvm::Expected<Tensor> evalReshapeLike(const Node &node, const Tensor &x,
                                       const TensorType &resultType);
llvm::Expected<Tensor> evalTranspose(const Node &node, const Tensor &x,
                                     const TensorType &resultType);
/// Pad in constant, reflect or edge mode; negative pads crop.
llvm::Expected<Tensor> evalPad(const Node &node, const Tensor &x,
                               const TensorType &resultType);

// Quantized.cpp: the integer golden model (semantics at the top of the file)
/// True if \p t is an integer tensor with quantization parameters.
bool isQuantizedInt(const TensorType &t);
llvm::Expected<Tensor> evalQuantize(const Node &node, const Tensor &x,
                                    const TensorType &resultType);
llvm::Expected<Tensor> evalDequantize(const Node &node, const Tensor &x,
                                      const TensorType &resultType);
llvm::Expected<Tensor> evalRequantize(const Node &node, const Tensor &x,
                                      const TensorType &resultType);
/// QConv; \p bias may be null.
llvm::Expected<Tensor> evalQConv(const Node &node, const Tensor &x,
                                 const Tensor &w, const Tensor *bias,
                                 const TensorType &resultType);
/// QMatMul; \p bias may be null.
llvm::Expected<Tensor> evalQMatMul(const Node &node, const Tensor &a,
                                   const Tensor &b, const Tensor *bias,
                                   const TensorType &resultType);
llvm::Expected<Tensor> evalQAdd(const Node &node, const Tensor &a,
                                const Tensor &b, const TensorType &resultType);
/// AveragePool and GlobalAveragePool on quantized integers.
llvm::Expected<Tensor> evalQuantizedAvgPool(const Node &node, const Tensor &x,
                                            const TensorType &resultType);
/// MaxPool and GlobalMaxPool on quantized integers: the integer maximum,
/// parameters unchanged.
llvm::Expected<Tensor> evalQuantizedMaxPool(const Node &node, const Tensor &x,
                                            const TensorType &resultType);
/// Relu and Clip on quantized integers.
llvm::Expected<Tensor> evalQuantizedUnary(const Node &node, const Tensor &x,
                                          const TensorType &resultType);

} // namespace rtc::reference

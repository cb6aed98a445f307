//===- ir/reference/Elementwise.cpp - Element-wise reference kernels ------===//
//
// Add, Sub, Mul, Div with numpy (multidirectional) broadcasting; Relu,
// LeakyRelu, Clip, Sigmoid; Identity. Float types compute in their own
// precision (f32 in float). Integer types (Add/Sub/Mul/Div/Relu/Clip) wrap
// modulo 2^bits, Div truncates toward zero and rejects a zero divisor.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace rtc;
using namespace rtc::reference;

/// The numpy broadcast of two shapes (aligned at the last dim).
static llvm::Expected<llvm::SmallVector<int64_t, 6>>
broadcastShape(const Node &node, const TensorType &aType,
               const TensorType &bType) {
  llvm::ArrayRef<int64_t> a = aType.shape, b = bType.shape;
  size_t rank = std::max(a.size(), b.size());
  llvm::SmallVector<int64_t, 6> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return nodeError(node, "shapes {} and {} are not broadcastable",
                       aType.str(), bType.str());
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// Strides of \p shape viewed at rank \p rank under broadcasting: 0 for
/// missing leading dims and for size-1 dims.
static llvm::SmallVector<int64_t, 6>
getBroadcastStrides(llvm::ArrayRef<int64_t> shape, size_t rank) {
  llvm::SmallVector<int64_t, 6> own = getStrides(shape);
  llvm::SmallVector<int64_t, 6> strides(rank, 0);
  size_t lead = rank - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    strides[lead + i] = shape[i] == 1 ? 0 : own[i];
  return strides;
}

/// out[idx] = fn(a[idx'], b[idx'']) over the broadcast index space. The
/// last dim is the inner loop; outer dims advance with an odometer that
/// updates the operand offsets incrementally.
template <typename T, typename Fn>
static void broadcastLoop(const T *a, llvm::ArrayRef<int64_t> aShape,
                          const T *b, llvm::ArrayRef<int64_t> bShape, T *out,
                          llvm::ArrayRef<int64_t> outShape, Fn fn) {
  int64_t numel = getProduct(outShape);
  if (numel == 0)
    return;
  if (aShape == bShape) { // common case: no broadcasting at all
    for (int64_t i = 0; i < numel; ++i)
      out[i] = fn(a[i], b[i]);
    return;
  }
  size_t rank = outShape.size();
  llvm::SmallVector<int64_t, 6> sa = getBroadcastStrides(aShape, rank);
  llvm::SmallVector<int64_t, 6> sb = getBroadcastStrides(bShape, rank);
  int64_t inner = outShape[rank - 1];
  int64_t ia = sa[rank - 1], ib = sb[rank - 1];
  llvm::SmallVector<int64_t, 6> idx(rank, 0);
  int64_t offA = 0, offB = 0;
  for (int64_t base = 0; base < numel; base += inner) {
    for (int64_t i = 0; i < inner; ++i)
      out[base + i] = fn(a[offA + i * ia], b[offB + i * ib]);
    for (size_t d = rank - 1; d-- > 0;) {
      offA += sa[d];
      offB += sb[d];
      if (++idx[d] < outShape[d])
        break;
      offA -= sa[d] * outShape[d];
      offB -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

llvm::Expected<Tensor> reference::evalBinary(const Node &node,
                                             const Tensor &lhs,
                                             const Tensor &rhs,
                                             const TensorType &resultType) {
  const Tensor *ops[] = {&lhs, &rhs};
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  auto shape = broadcastShape(node, lhs.getType(), rhs.getType());
  if (!shape)
    return shape.takeError();
  if (auto err = checkResultType(node, resultType, *elemType, *shape))
    return err;

  return dispatchElemType<TypeSet::FloatInt>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        const T *a = lhs.getData<T>().data();
        const T *b = rhs.getData<T>().data();
        Tensor result(resultType);
        T *out = result.getMutableData<T>().data();
        auto loop = [&](auto fn) {
          broadcastLoop<T>(a, lhs.getShape(), b, rhs.getShape(), out, *shape,
                           fn);
        };
        switch (node.kind) {
        case OpKind::Add:
          loop([](T x, T y) { return addValues(x, y); });
          break;
        case OpKind::Sub:
          loop([](T x, T y) { return subValues(x, y); });
          break;
        case OpKind::Mul:
          loop([](T x, T y) { return mulValues(x, y); });
          break;
        case OpKind::Div:
          if constexpr (std::is_integral_v<T>) {
            for (T v : rhs.getData<T>())
              if (v == T(0))
                return nodeError(node, "integer division by zero");
          }
          loop([](T x, T y) { return divValues(x, y); });
          break;
        default:
          llvm_unreachable("evalBinary called on a non-binary op");
        }
        return result;
      });
}

/// Clamp bound \p bound (a float attribute; +-inf means none) converted to
/// integer type T: the smallest (lower) or largest (upper) T on the allowed
/// side of the bound.
template <typename T> static T intClipBound(float bound, bool lower) {
  double lowest = double(std::numeric_limits<T>::lowest());
  double highest = double(std::numeric_limits<T>::max());
  double v = lower ? std::ceil(double(bound)) : std::floor(double(bound));
  if (std::isnan(v))
    return lower ? std::numeric_limits<T>::lowest()
                 : std::numeric_limits<T>::max();
  if (v <= lowest)
    return std::numeric_limits<T>::lowest();
  if (v >= highest)
    return std::numeric_limits<T>::max();
  return T(v);
}

/// Relu and Clip, for float and integer T.
template <typename T>
static void reluOrClip(const Node &node, llvm::ArrayRef<T> in,
                       llvm::MutableArrayRef<T> out) {
  size_t n = in.size();
  if (node.kind == OpKind::Relu) {
    if constexpr (std::is_unsigned_v<T>) {
      std::copy(in.begin(), in.end(), out.begin());
    } else {
      // `v < 0 ? 0 : v` keeps NaN, like numpy's maximum(x, 0).
      for (size_t i = 0; i < n; ++i)
        out[i] = in[i] < T(0) ? T(0) : in[i];
    }
    return;
  }
  const ClipAttrs &attrs = node.getAttrs<ClipAttrs>();
  T lo, hi;
  if constexpr (std::is_integral_v<T>) {
    lo = intClipBound<T>(attrs.min, /*lower=*/true);
    hi = intClipBound<T>(attrs.max, /*lower=*/false);
  } else {
    lo = T(attrs.min);
    hi = T(attrs.max);
  }
  // Applied in this order, min > max yields max everywhere (ONNX); NaN
  // passes through.
  for (size_t i = 0; i < n; ++i) {
    T v = in[i] < lo ? lo : in[i];
    out[i] = v > hi ? hi : v;
  }
}

/// LeakyRelu and Sigmoid, for float T.
template <typename T>
static void floatUnary(const Node &node, llvm::ArrayRef<T> in,
                       llvm::MutableArrayRef<T> out) {
  size_t n = in.size();
  if (node.kind == OpKind::LeakyRelu) {
    T alpha = T(node.getAttrs<LeakyReluAttrs>().alpha);
    for (size_t i = 0; i < n; ++i)
      out[i] = in[i] < T(0) ? alpha * in[i] : in[i];
    return;
  }
  assert(node.kind == OpKind::Sigmoid && "unexpected float unary op");
  // Of the two algebraically equal forms, use the one whose exp() cannot
  // overflow.
  for (size_t i = 0; i < n; ++i) {
    T v = in[i];
    if (v >= T(0)) {
      out[i] = T(1) / (T(1) + std::exp(-v));
    } else {
      T e = std::exp(v);
      out[i] = e / (T(1) + e);
    }
  }
}

llvm::Expected<Tensor> reference::evalUnary(const Node &node, const Tensor &x,
                                            const TensorType &resultType) {
  const Tensor *ops[] = {&x};
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  if (auto err = checkResultType(node, resultType, *elemType, x.getShape()))
    return err;

  if (node.kind == OpKind::Relu || node.kind == OpKind::Clip)
    return dispatchElemType<TypeSet::FloatInt>(
        node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
          using T = decltype(tag);
          Tensor result(resultType);
          reluOrClip<T>(node, x.getData<T>(), result.getMutableData<T>());
          return result;
        });
  return dispatchElemType<TypeSet::Float>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        floatUnary<T>(node, x.getData<T>(), result.getMutableData<T>());
        return result;
      });
}

llvm::Expected<Tensor> reference::evalIdentity(const Node &node,
                                               const Tensor &x,
                                               const TensorType &resultType) {
  if (auto err =
          checkResultType(node, resultType, x.getElemType(), x.getShape()))
    return err;
  Tensor result(resultType);
  if (x.getSizeInBytes())
    std::memcpy(result.getRawMutableData(), x.getRawData(), x.getSizeInBytes());
  return result;
}

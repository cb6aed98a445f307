//===- ir/reference/Pool.cpp - Pooling reference kernels ------------------===//
//
// MaxPool and AveragePool over x [N, C, D1..Dr] (r <= 3, canonicalized to a
// 3-D window), with strides, dilations, explicit pads and ceil mode; and
// GlobalAveragePool / GlobalMaxPool (y [N, C, 1, .., 1]).
//
// Padding never contributes a value: MaxPool takes the maximum over the
// taps inside the input (-inf if there is none) and AveragePool sums the
// taps inside the input in row-major tap order, accumulating in the element
// type, then divides once. The divisor is
//  * count_include_pad = 0: the number of taps inside the input;
//  * count_include_pad = 1: the number of taps inside the explicitly padded
//    input [-padBegin, in + padEnd). In ceil mode the last window may extend
//    beyond even the padded input; that overhang is not counted (ONNX
//    reference, PyTorch and onnxruntime agree: [1..5], kernel 2, stride 2,
//    ceil mode averages to [1.5, 3.5, 5]).
// The divisor is the product of per-dim tap counts because a window is the
// Cartesian product of its per-dim taps.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include <cmath>
#include <limits>

using namespace rtc;
using namespace rtc::reference;

/// The value MaxPool yields for a window without any input tap.
template <typename T> static T maxIdentity() {
  if constexpr (std::numeric_limits<T>::has_infinity)
    return -std::numeric_limits<T>::infinity();
  else
    return std::numeric_limits<T>::lowest();
}

template <typename T>
static void pool(const Node &node, const Window3d &w, int64_t planes,
                 const T *x, T *y) {
  const PoolAttrs &attrs = node.getAttrs<PoolAttrs>();
  bool isMax = node.kind == OpKind::MaxPool;
  TapRanges taps[3], padded[3];
  for (unsigned d = 0; d < 3; ++d) {
    taps[d] = computeTapRanges(w, d, 0, w.in[d]);
    padded[d] = computeTapRanges(w, d, -w.padBegin[d], w.in[d] + w.padEnd[d]);
  }
  const TapRanges *counted = attrs.countIncludePad ? padded : taps;
  int64_t inPlane = w.in[0] * w.in[1] * w.in[2];
  int64_t outPlane = w.out[0] * w.out[1] * w.out[2];
  int64_t in12 = w.in[1] * w.in[2];

  for (int64_t p = 0; p < planes; ++p) {
    const T *xp = x + p * inPlane;
    T *yp = y + p * outPlane;
    for (int64_t o0 = 0; o0 < w.out[0]; ++o0) {
      int64_t base0 = o0 * w.stride[0] - w.padBegin[0];
      for (int64_t o1 = 0; o1 < w.out[1]; ++o1) {
        int64_t base1 = o1 * w.stride[1] - w.padBegin[1];
        for (int64_t o2 = 0; o2 < w.out[2]; ++o2) {
          int64_t base2 = o2 * w.stride[2] - w.padBegin[2];
          T acc = isMax ? maxIdentity<T>() : T(0);
          for (int64_t k0 = taps[0].lo[o0]; k0 < taps[0].hi[o0]; ++k0) {
            int64_t i0 = base0 + k0 * w.dilation[0];
            for (int64_t k1 = taps[1].lo[o1]; k1 < taps[1].hi[o1]; ++k1) {
              const T *xRow =
                  xp + i0 * in12 + (base1 + k1 * w.dilation[1]) * w.in[2];
              for (int64_t k2 = taps[2].lo[o2]; k2 < taps[2].hi[o2]; ++k2) {
                T v = xRow[base2 + k2 * w.dilation[2]];
                if (isMax)
                  acc = v > acc ? v : acc;
                else
                  acc += v;
              }
            }
          }
          if (!isMax) {
            int64_t count = (counted[0].hi[o0] - counted[0].lo[o0]) *
                            (counted[1].hi[o1] - counted[1].lo[o1]) *
                            (counted[2].hi[o2] - counted[2].lo[o2]);
            acc = count ? acc / T(count) : std::numeric_limits<T>::quiet_NaN();
          }
          yp[(o0 * w.out[1] + o1) * w.out[2] + o2] = acc;
        }
      }
    }
  }
}

llvm::Expected<Tensor> reference::evalPool(const Node &node, const Tensor &x,
                                           const TensorType &resultType) {
  const Tensor *ops[] = {&x};
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  const PoolAttrs &attrs = node.getAttrs<PoolAttrs>();
  llvm::ArrayRef<int64_t> xs = x.getShape();
  if (xs.size() < 2)
    return nodeError(node, "input {} must have rank >= 2", x.getType().str());
  auto win =
      makeWindow3d(node, xs.drop_front(2), attrs.kernelShape, attrs.strides,
                   attrs.dilations, attrs.pads, attrs.ceilMode);
  if (!win)
    return win.takeError();
  llvm::SmallVector<int64_t, 5> outShape = {xs[0], xs[1]};
  for (size_t d = 3 - (xs.size() - 2); d < 3; ++d)
    outShape.push_back(win->out[d]);
  if (auto err = checkResultType(node, resultType, *elemType, outShape))
    return err;

  auto run = [&](auto tag) -> llvm::Expected<Tensor> {
    using T = decltype(tag);
    Tensor result(resultType);
    pool<T>(node, *win, xs[0] * xs[1], x.getData<T>().data(),
            result.getMutableData<T>().data());
    return result;
  };
  // ONNX MaxPool also takes 8-bit integers; AveragePool is float only.
  if (node.kind == OpKind::MaxPool)
    return dispatchElemType<TypeSet::FloatInt>(node, *elemType, run);
  return dispatchElemType<TypeSet::Float>(node, *elemType, run);
}

llvm::Expected<Tensor> reference::evalGlobalPool(const Node &node,
                                                 const Tensor &x,
                                                 const TensorType &resultType) {
  const Tensor *ops[] = {&x};
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  llvm::ArrayRef<int64_t> xs = x.getShape();
  if (xs.size() < 2)
    return nodeError(node, "input {} must have rank >= 2", x.getType().str());
  llvm::SmallVector<int64_t, 5> outShape(xs.size(), 1);
  outShape[0] = xs[0];
  outShape[1] = xs[1];
  if (auto err = checkResultType(node, resultType, *elemType, outShape))
    return err;
  bool isMax = node.kind == OpKind::GlobalMaxPool;

  return dispatchElemType<TypeSet::Float>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        const T *in = x.getData<T>().data();
        T *out = result.getMutableData<T>().data();
        int64_t planes = xs[0] * xs[1];
        int64_t size = getProduct(xs.drop_front(2));
        for (int64_t p = 0; p < planes; ++p) {
          const T *plane = in + p * size;
          T acc = isMax ? maxIdentity<T>() : T(0);
          for (int64_t i = 0; i < size; ++i)
            acc = isMax ? (plane[i] > acc ? plane[i] : acc) : acc + plane[i];
          if (!isMax)
            acc = size ? acc / T(size) : std::numeric_limits<T>::quiet_NaN();
          out[p] = acc;
        }
        return result;
      });
}

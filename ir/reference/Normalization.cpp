//===- ir/reference/Normalization.cpp - BatchNorm and Softmax kernels -----===//
//
// Inference BatchNormalization, evaluated per element exactly as the ONNX
// reference writes it: y = scale * (x - mean) / sqrt(var + epsilon) + bias,
// with the per-channel sqrt(var + epsilon) computed once.
//
// Softmax along one axis (opset-13 semantics), numerically stable: for each
// slice along the axis, m = max(x); e = exp(x - m); y = e / sum(e), with the
// sum accumulated in the element type in ascending index order.
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include <cmath>
#include <vector>

using namespace rtc;
using namespace rtc::reference;

llvm::Expected<Tensor>
reference::evalBatchNorm(const Node &node,
                         llvm::ArrayRef<const Tensor *> operands,
                         const TensorType &resultType) {
  assert(operands.size() == 5 && "BatchNorm has 5 operands");
  auto elemType = checkArithmeticOperands(node, operands, resultType);
  if (!elemType)
    return elemType.takeError();
  const Tensor &x = *operands[0];
  llvm::ArrayRef<int64_t> xs = x.getShape();
  if (xs.size() < 2)
    return nodeError(node, "input {} must have rank >= 2", x.getType().str());
  int64_t channels = xs[1];
  static const char *const names[] = {"x", "scale", "bias", "mean", "var"};
  for (unsigned i = 1; i < 5; ++i) {
    llvm::ArrayRef<int64_t> s = operands[i]->getShape();
    if (s.size() != 1 || s[0] != channels)
      return nodeError(node, "{} has type {}, expected shape [{}]", names[i],
                       operands[i]->getType().str(), channels);
  }
  if (auto err = checkResultType(node, resultType, *elemType, xs))
    return err;
  float epsilon = node.getAttrs<BatchNormAttrs>().epsilon;

  return dispatchElemType<TypeSet::Float>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        const T *in = x.getData<T>().data();
        const T *scale = operands[1]->getData<T>().data();
        const T *bias = operands[2]->getData<T>().data();
        const T *mean = operands[3]->getData<T>().data();
        const T *var = operands[4]->getData<T>().data();
        T *out = result.getMutableData<T>().data();
        int64_t inner = getProduct(xs.drop_front(2));
        std::vector<T> denom(static_cast<size_t>(channels));
        for (int64_t c = 0; c < channels; ++c)
          denom[size_t(c)] = std::sqrt(var[c] + T(epsilon));
        for (int64_t n = 0; n < xs[0]; ++n)
          for (int64_t c = 0; c < channels; ++c) {
            int64_t base = (n * channels + c) * inner;
            for (int64_t i = 0; i < inner; ++i)
              out[base + i] =
                  scale[c] * (in[base + i] - mean[c]) / denom[size_t(c)] +
                  bias[c];
          }
        return result;
      });
}

llvm::Expected<Tensor> reference::evalSoftmax(const Node &node, const Tensor &x,
                                              const TensorType &resultType) {
  const Tensor *ops[] = {&x};
  auto elemType = checkArithmeticOperands(node, ops, resultType);
  if (!elemType)
    return elemType.takeError();
  llvm::ArrayRef<int64_t> xs = x.getShape();
  int64_t axis = node.getAttrs<AxisAttrs>().axis;
  if (axis < 0 || axis >= int64_t(xs.size()))
    return nodeError(node, "axis {} is out of range for {}", axis,
                     x.getType().str());
  if (auto err = checkResultType(node, resultType, *elemType, xs))
    return err;

  return dispatchElemType<TypeSet::Float>(
      node, *elemType, [&](auto tag) -> llvm::Expected<Tensor> {
        using T = decltype(tag);
        Tensor result(resultType);
        const T *in = x.getData<T>().data();
        T *out = result.getMutableData<T>().data();
        int64_t outer = getProduct(xs.take_front(axis));
        int64_t len = xs[axis];
        int64_t inner = getProduct(xs.drop_front(axis + 1));
        // Element j of slice (o, i) is at (o * len + j) * inner + i.
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t i = 0; i < inner; ++i) {
            const T *xSlice = in + o * len * inner + i;
            T *ySlice = out + o * len * inner + i;
            if (len == 0)
              continue;
            T maxVal = xSlice[0];
            for (int64_t j = 1; j < len; ++j)
              maxVal = xSlice[j * inner] > maxVal ? xSlice[j * inner] : maxVal;
            T sum = T(0);
            for (int64_t j = 0; j < len; ++j) {
              T e = std::exp(xSlice[j * inner] - maxVal);
              ySlice[j * inner] = e;
              sum += e;
            }
            for (int64_t j = 0; j < len; ++j)
              ySlice[j * inner] /= sum;
          }
        return result;
      });
}

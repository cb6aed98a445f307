//===- ir/reference/KernelUtils.cpp - Helpers shared by the kernels -------===//
//
// Located errors, operand/result type checks, strides and the canonical 3-D
// window geometry used by Conv and the pools (see Kernels.h).
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include <algorithm>

using namespace rtc;
using namespace rtc::reference;

llvm::Error reference::unsupportedElemType(const Node &node, DType t) {
  return nodeError(node,
                   "element type {} is not supported by the reference "
                   "interpreter",
                   getDTypeName(t).str());
}

llvm::Error reference::checkResultType(const Node &node,
                                       const TensorType &resultType,
                                       DType elemType,
                                       llvm::ArrayRef<int64_t> shape) {
  if (resultType.elemType == elemType &&
      llvm::ArrayRef<int64_t>(resultType.shape) == shape)
    return llvm::Error::success();
  return nodeError(node, "result type {} does not match the computed {}",
                   resultType.str(), TensorType(elemType, shape).str());
}

llvm::Expected<DType>
reference::checkArithmeticOperands(const Node &node,
                                   llvm::ArrayRef<const Tensor *> operands,
                                   const TensorType &resultType) {
  assert(!operands.empty() && "arithmetic ops have operands");
  DType elemType = operands[0]->getElemType();
  for (size_t i = 0; i < operands.size(); ++i) {
    const TensorType &t = operands[i]->getType();
    if (t.quant)
      return nodeError(node,
                       "operand #{} has quantized type {}, which the float "
                       "reference interpreter does not support",
                       i, t.str());
    if (t.elemType != elemType)
      return nodeError(node,
                       "operand #{} has element type {}, expected {} like "
                       "operand #0",
                       i, getDTypeName(t.elemType).str(),
                       getDTypeName(elemType).str());
  }
  if (resultType.quant)
    return nodeError(node,
                     "result has quantized type {}, which the float "
                     "reference interpreter does not support",
                     resultType.str());
  if (resultType.elemType != elemType)
    return nodeError(node,
                     "result element type {} does not match operand "
                     "element type {}",
                     getDTypeName(resultType.elemType).str(),
                     getDTypeName(elemType).str());
  return elemType;
}

llvm::SmallVector<int64_t, 6>
reference::getStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> strides(shape.size(), 1);
  for (size_t i = shape.size(); i > 1; --i)
    strides[i - 2] = strides[i - 1] * shape[i - 1];
  return strides;
}

int64_t reference::getProduct(llvm::ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// Floor and ceiling of a / b for b > 0 and any sign of a.
static int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
static int64_t ceilDiv(int64_t a, int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

llvm::Expected<Window3d>
reference::makeWindow3d(const Node &node, llvm::ArrayRef<int64_t> inSpatial,
                        llvm::ArrayRef<int64_t> kernelShape,
                        llvm::ArrayRef<int64_t> strides,
                        llvm::ArrayRef<int64_t> dilations,
                        llvm::ArrayRef<int64_t> pads, bool ceilMode) {
  size_t r = inSpatial.size();
  if (r > 3)
    return nodeError(node,
                     "{} spatial dims are not supported by the reference "
                     "interpreter (at most 3)",
                     r);
  if (kernelShape.size() != r)
    return nodeError(node, "kernel shape has {} dims, expected {}",
                     kernelShape.size(), r);
  if (strides.size() != r)
    return nodeError(node, "strides has {} entries, expected {}",
                     strides.size(), r);
  if (dilations.size() != r)
    return nodeError(node, "dilations has {} entries, expected {}",
                     dilations.size(), r);
  if (pads.size() != 2 * r)
    return nodeError(node, "pads has {} entries, expected {}", pads.size(),
                     2 * r);

  Window3d w;
  size_t lead = 3 - r; // canonical dims [0, lead) are size-1 fillers
  for (size_t d = 0; d < 3; ++d) {
    if (d < lead) {
      w.in[d] = w.out[d] = w.kernel[d] = w.stride[d] = w.dilation[d] = 1;
      w.padBegin[d] = w.padEnd[d] = 0;
      continue;
    }
    size_t i = d - lead;
    w.in[d] = inSpatial[i];
    w.kernel[d] = kernelShape[i];
    w.stride[d] = strides[i];
    w.dilation[d] = dilations[i];
    w.padBegin[d] = pads[i];
    w.padEnd[d] = pads[r + i];
    if (w.kernel[d] < 1 || w.stride[d] < 1 || w.dilation[d] < 1)
      return nodeError(node,
                       "spatial dim {}: kernel {}, stride {} and dilation {} "
                       "must be positive",
                       i, w.kernel[d], w.stride[d], w.dilation[d]);
    if (w.padBegin[d] < 0 || w.padEnd[d] < 0)
      return nodeError(node, "spatial dim {}: negative padding {}, {}", i,
                       w.padBegin[d], w.padEnd[d]);
    int64_t span = (w.kernel[d] - 1) * w.dilation[d] + 1;
    int64_t padded = w.in[d] + w.padBegin[d] + w.padEnd[d];
    // room < 0 (a window larger than the padded input) still yields one
    // window in ceil mode, as in ONNX and PyTorch.
    int64_t room = padded - span;
    if (ceilMode) {
      w.out[d] = ceilDiv(room, w.stride[d]) + 1;
      // A last window starting in the end padding is dropped.
      if ((w.out[d] - 1) * w.stride[d] >= w.in[d] + w.padBegin[d])
        --w.out[d];
    } else {
      w.out[d] = floorDiv(room, w.stride[d]) + 1;
    }
    if (w.out[d] < 1)
      return nodeError(node,
                       "spatial dim {}: a window of extent {} leaves no "
                       "output position in the padded input of size {}",
                       i, span, padded);
  }
  return w;
}

TapRanges reference::computeTapRanges(const Window3d &w, unsigned d,
                                      int64_t lower, int64_t upper) {
  TapRanges ranges;
  ranges.lo.resize(w.out[d]);
  ranges.hi.resize(w.out[d]);
  for (int64_t o = 0; o < w.out[d]; ++o) {
    int64_t base = o * w.stride[d] - w.padBegin[d];
    int64_t lo = std::max<int64_t>(0, ceilDiv(lower - base, w.dilation[d]));
    int64_t hi = std::min<int64_t>(
        w.kernel[d], floorDiv(upper - 1 - base, w.dilation[d]) + 1);
    ranges.lo[o] = lo;
    ranges.hi[o] = std::max(lo, hi);
  }
  return ranges;
}

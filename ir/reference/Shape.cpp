//===- ir/reference/Shape.cpp - Data-movement reference kernels -----------===//
//
// Constant, Concat, Flatten, Reshape, Squeeze, Unsqueeze, Transpose and Pad.
// These never compute on element values, so they work on every element
// type by moving bytes: element copies go through memcpy of a compile-time
// size (one load and store; no aliasing questions).
//
//===----------------------------------------------------------------------===//
#include "ir/reference/Kernels.h"

#include <cstring>

using namespace rtc;
using namespace rtc::reference;

llvm::Expected<Tensor> reference::evalConstant(const Node &node,
                                               const TensorType &resultType) {
  const Tensor &value = node.getAttrs<ConstantAttrs>().value;
  if (auto err = checkResultType(node, resultType, value.getElemType(),
                                 value.getShape()))
    return err;
  Tensor result = value;
  if (!(result.getType() == resultType))
    result.setType(resultType); // e.g. quantization parameters differ
  return result;
}

llvm::Expected<Tensor>
reference::evalConcat(const Node &node, llvm::ArrayRef<const Tensor *> operands,
                      const TensorType &resultType) {
  const Tensor &first = *operands[0];
  size_t rank = first.getShape().size();
  int64_t axis = node.getAttrs<AxisAttrs>().axis;
  if (axis < 0 || axis >= int64_t(rank))
    return nodeError(node, "axis {} is out of range for {}", axis,
                     first.getType().str());
  llvm::SmallVector<int64_t, 6> outShape(first.getShape().begin(),
                                         first.getShape().end());
  outShape[axis] = 0;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Tensor &t = *operands[i];
    bool ok =
        t.getElemType() == first.getElemType() && t.getShape().size() == rank;
    for (size_t d = 0; ok && d < rank; ++d)
      ok = int64_t(d) == axis || t.getShape()[d] == first.getShape()[d];
    if (!ok)
      return nodeError(node,
                       "operand #{} of type {} does not match operand #0 of "
                       "type {} outside axis {}",
                       i, t.getType().str(), first.getType().str(), axis);
    outShape[axis] += t.getShape()[axis];
  }
  if (auto err =
          checkResultType(node, resultType, first.getElemType(), outShape))
    return err;

  Tensor result(resultType);
  size_t elemSize = getDTypeSize(first.getElemType());
  int64_t outer = getProduct(first.getShape().take_front(axis));
  int64_t inner = getProduct(first.getShape().drop_front(axis + 1));
  uint8_t *out = result.getRawMutableData();
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor *t : operands) {
      size_t chunk = size_t(t->getShape()[axis] * inner) * elemSize;
      if (chunk) {
        std::memcpy(out, t->getRawData() + size_t(o) * chunk, chunk);
        out += chunk;
      }
    }
  return result;
}

/// The result shape of Flatten, Reshape, Squeeze or Unsqueeze applied to
/// \p in.
static llvm::Expected<llvm::SmallVector<int64_t, 6>>
computeReshapedShape(const Node &node, const TensorType &inType) {
  llvm::ArrayRef<int64_t> in = inType.shape;
  llvm::SmallVector<int64_t, 6> out;
  switch (node.kind) {
  case OpKind::Flatten: {
    int64_t axis = node.getAttrs<AxisAttrs>().axis;
    if (axis < 0 || axis > int64_t(in.size()))
      return nodeError(node, "axis {} is out of range for rank {}", axis,
                       in.size());
    out = {getProduct(in.take_front(axis)), getProduct(in.drop_front(axis))};
    return out;
  }
  case OpKind::Reshape: {
    const ReshapeAttrs &attrs = node.getAttrs<ReshapeAttrs>();
    out.assign(attrs.shape.begin(), attrs.shape.end());
    for (int64_t d : out)
      if (d < 0)
        return nodeError(node, "shape has unresolved dim {}", d);
    if (getProduct(out) != getProduct(in))
      return nodeError(node, "cannot reshape {} elements into {}",
                       getProduct(in), TensorType(inType.elemType, out).str());
    return out;
  }
  case OpKind::Squeeze: {
    llvm::ArrayRef<int64_t> axes = node.getAttrs<AxesAttrs>().axes;
    for (size_t i = 0; i < axes.size(); ++i)
      if (axes[i] < 0 || axes[i] >= int64_t(in.size()) ||
          (i && axes[i] <= axes[i - 1]) || in[axes[i]] != 1)
        return nodeError(node,
                         "axes must be sorted, unique and name size-1 dims "
                         "of rank-{} input; axis {} does not",
                         in.size(), axes[i]);
    // The axes are explicit: the importer resolves ONNX's "no axes".
    for (size_t d = 0, next = 0; d < in.size(); ++d) {
      if (next < axes.size() && axes[next] == int64_t(d))
        ++next;
      else
        out.push_back(in[d]);
    }
    return out;
  }
  case OpKind::Unsqueeze: {
    llvm::ArrayRef<int64_t> axes = node.getAttrs<AxesAttrs>().axes;
    size_t outRank = in.size() + axes.size();
    for (size_t i = 0; i < axes.size(); ++i)
      if (axes[i] < 0 || axes[i] >= int64_t(outRank) ||
          (i && axes[i] <= axes[i - 1]))
        return nodeError(node,
                         "axes must be sorted, unique and < {}; axis {} is "
                         "not",
                         outRank, axes[i]);
    for (size_t d = 0, next = 0, src = 0; d < outRank; ++d) {
      if (next < axes.size() && axes[next] == int64_t(d)) {
        out.push_back(1);
        ++next;
      } else {
        out.push_back(in[src++]);
      }
    }
    return out;
  }
  default:
    llvm_unreachable("not a reshape-like op");
  }
}

llvm::Expected<Tensor>
reference::evalReshapeLike(const Node &node, const Tensor &x,
                           const TensorType &resultType) {
  auto shape = computeReshapedShape(node, x.getType());
  if (!shape)
    return shape.takeError();
  if (auto err = checkResultType(node, resultType, x.getElemType(), *shape))
    return err;
  Tensor result(resultType);
  if (x.getSizeInBytes())
    std::memcpy(result.getRawMutableData(), x.getRawData(), x.getSizeInBytes());
  return result;
}

/// Calls fn(std::integral_constant<size_t, S>) for the element size S.
template <typename Fn> static void dispatchElemSize(size_t size, Fn fn) {
  switch (size) {
  case 1:
    return fn(std::integral_constant<size_t, 1>{});
  case 2:
    return fn(std::integral_constant<size_t, 2>{});
  case 4:
    return fn(std::integral_constant<size_t, 4>{});
  case 8:
    return fn(std::integral_constant<size_t, 8>{});
  default:
    llvm_unreachable("unexpected element size");
  }
}

llvm::Expected<Tensor> reference::evalTranspose(const Node &node,
                                                const Tensor &x,
                                                const TensorType &resultType) {
  llvm::ArrayRef<int64_t> in = x.getShape();
  size_t rank = in.size();
  // The perm is explicit: the importer resolves ONNX's default (reverse).
  llvm::ArrayRef<int64_t> perm = node.getAttrs<TransposeAttrs>().perm;
  llvm::SmallVector<bool, 6> seen(rank, false);
  bool ok = perm.size() == rank;
  for (size_t i = 0; ok && i < rank; ++i) {
    ok = perm[i] >= 0 && perm[i] < int64_t(rank) && !seen[perm[i]];
    if (ok)
      seen[perm[i]] = true;
  }
  if (!ok)
    return nodeError(node, "perm is not a permutation of the {} dims of {}",
                     rank, x.getType().str());
  llvm::SmallVector<int64_t, 6> outShape, inStrides = getStrides(in), strides;
  for (int64_t p : perm) {
    outShape.push_back(in[p]);
    strides.push_back(inStrides[p]); // input stride along each output dim
  }
  if (auto err = checkResultType(node, resultType, x.getElemType(), outShape))
    return err;

  Tensor result(resultType);
  int64_t numel = x.getNumElements();
  if (numel == 0)
    return result;
  if (rank == 0) {
    std::memcpy(result.getRawMutableData(), x.getRawData(), x.getSizeInBytes());
    return result;
  }
  const uint8_t *src = x.getRawData();
  uint8_t *dst = result.getRawMutableData();
  dispatchElemSize(getDTypeSize(x.getElemType()), [&](auto sizeTag) {
    constexpr size_t size = decltype(sizeTag)::value;
    int64_t inner = outShape[rank - 1], innerStride = strides[rank - 1];
    llvm::SmallVector<int64_t, 6> idx(rank, 0);
    int64_t off = 0;
    for (int64_t base = 0; base < numel; base += inner) {
      for (int64_t i = 0; i < inner; ++i)
        std::memcpy(dst + size_t(base + i) * size,
                    src + size_t(off + i * innerStride) * size, size);
      for (size_t d = rank - 1; d-- > 0;) {
        off += strides[d];
        if (++idx[d] < outShape[d])
          break;
        off -= strides[d] * outShape[d];
        idx[d] = 0;
      }
    }
  });
  return result;
}

/// The input index that output index \p o of a dim of size \p n with begin
/// pad \p padBegin reads, or -1 for the constant. Reflect mirrors without
/// repeating the edge (period 2(n-1), as numpy.pad), edge clamps.
static int64_t mapPadIndex(int64_t o, int64_t n, int64_t padBegin,
                           PadMode mode) {
  int64_t i = o - padBegin;
  if (i >= 0 && i < n)
    return i;
  switch (mode) {
  case PadMode::Constant:
    return -1;
  case PadMode::Edge:
    return i < 0 ? 0 : n - 1;
  case PadMode::Reflect: {
    if (n == 1)
      return 0;
    int64_t period = 2 * (n - 1);
    int64_t m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  }
  }
  llvm_unreachable("unknown pad mode");
}

llvm::Expected<Tensor> reference::evalPad(const Node &node, const Tensor &x,
                                          const TensorType &resultType) {
  const PadAttrs &attrs = node.getAttrs<PadAttrs>();
  llvm::ArrayRef<int64_t> in = x.getShape();
  size_t rank = in.size();
  if (attrs.pads.size() != 2 * rank)
    return nodeError(node, "pads has {} entries, expected {} for {}",
                     attrs.pads.size(), 2 * rank, x.getType().str());
  llvm::SmallVector<int64_t, 6> outShape;
  for (size_t d = 0; d < rank; ++d) {
    int64_t size = in[d] + attrs.pads[d] + attrs.pads[rank + d];
    if (size < 0)
      return nodeError(node, "dim {} of size {} cannot be cropped by {}", d,
                       in[d], -(attrs.pads[d] + attrs.pads[rank + d]));
    if (in[d] == 0 && size > 0 && attrs.mode != PadMode::Constant)
      return nodeError(node,
                       "dim {} is empty and cannot be padded by "
                       "reflect or edge mode",
                       d);
    outShape.push_back(size);
  }
  if (auto err = checkResultType(node, resultType, x.getElemType(), outShape))
    return err;

  Tensor result(resultType);
  int64_t numel = getProduct(outShape);
  if (numel == 0)
    return result;
  // Per dim, the input index read by each output index (-1: the constant).
  llvm::SmallVector<llvm::SmallVector<int64_t, 16>, 6> maps(rank);
  for (size_t d = 0; d < rank; ++d)
    for (int64_t o = 0; o < outShape[d]; ++o)
      maps[d].push_back(mapPadIndex(o, in[d], attrs.pads[d], attrs.mode));
  Tensor fill(TensorType(x.getElemType(), {}));
  fill.setFromDouble(0, attrs.value);
  llvm::SmallVector<int64_t, 6> strides = getStrides(in);
  const uint8_t *src = x.getRawData();
  const uint8_t *fillBytes = fill.getRawData();
  uint8_t *dst = result.getRawMutableData();
  if (rank == 0) {
    std::memcpy(dst, src, x.getSizeInBytes());
    return result;
  }
  dispatchElemSize(getDTypeSize(x.getElemType()), [&](auto sizeTag) {
    constexpr size_t size = decltype(sizeTag)::value;
    const llvm::SmallVector<int64_t, 16> &innerMap = maps[rank - 1];
    int64_t inner = outShape[rank - 1];
    llvm::SmallVector<int64_t, 6> idx(rank, 0);
    for (int64_t base = 0; base < numel; base += inner) {
      // Offset of the input row for the outer index, or -1 if any outer dim
      // reads the constant.
      int64_t off = 0;
      for (size_t d = 0; d + 1 < rank && off >= 0; ++d) {
        int64_t m = maps[d][idx[d]];
        off = m < 0 ? -1 : off + m * strides[d];
      }
      for (int64_t i = 0; i < inner; ++i) {
        int64_t m = off < 0 ? -1 : innerMap[i];
        const uint8_t *from = m < 0 ? fillBytes : src + size_t(off + m) * size;
        std::memcpy(dst + size_t(base + i) * size, from, size);
      }
      for (size_t d = rank - 1; d-- > 0;) {
        if (++idx[d] < outShape[d])
          break;
        idx[d] = 0;
      }
    }
  });
  return result;
}

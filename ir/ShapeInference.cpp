//===- ir/ShapeInference.cpp - Per-op result type inference ---------------===//
//
// The typing rule of every op in ir/Ops.def, following the ONNX operator of
// the same name (opset 13-17) on the already-normalized attribute structs of
// ir/Attrs.h. inferResultTypes() first checks the operand count and the
// attribute kind, then dispatches to one function per op family. Messages
// name the operand, attribute or dim at fault and carry no location (callers
// attach the node's).
//
// Quantization parameters. Results carry none, except for ops that only move
// data, where the input's parameters still describe the result:
//  * Identity propagates them unchanged;
//  * Reshape, Flatten, Squeeze, Unsqueeze propagate per-tensor parameters,
//    and per-axis ones only if the quantized axis survives (Squeeze and
//    Unsqueeze renumber it; Reshape and Flatten keep it only if the output
//    dims up to and including the axis equal the input's);
//  * Transpose propagates per-tensor parameters only;
//  * MaxPool propagates per-tensor parameters and per-axis ones on N or C;
//    so do AveragePool and GlobalAveragePool on integer inputs (the integer
//    golden model averages quantized values, rounding half to even), and
//    Relu and Clip on integer inputs (they clamp quantized values);
//  * Concat propagates them if all operands carry equal parameters and they
//    are per-tensor or on an axis other than the concatenation axis.
// Everything else (arithmetic, Pad, float pools, ...) drops them; the
// quantization passes set result parameters explicitly. Im2Col and the
// quantized ops have their own rules in ir/QuantShapeInference.cpp.
//
//===----------------------------------------------------------------------===//
#include "ir/ShapeInference.h"

#include "ir/QuantShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cassert>
#include <numeric>

using namespace rtc;

using ResultTypes = llvm::SmallVector<TensorType, 1>;
using Shape = llvm::SmallVector<int64_t, 4>;
using llvm::ArrayRef;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// \returns a plain (unlocated) error with a fmt-formatted message.
template <typename... Args>
static llvm::Error shapeError(fmt::format_string<Args...> f, Args &&...args) {
  return llvm::createStringError(fmt::format(f, std::forward<Args>(args)...));
}

/// \returns "[1, 2, 3]" ("[]" for an empty list).
static std::string formatList(ArrayRef<int64_t> list) {
  return fmt::format("[{}]", fmt::join(list, ", "));
}

static ResultTypes single(TensorType t) { return ResultTypes{std::move(t)}; }

static TensorType makeType(DType elemType, ArrayRef<int64_t> shape,
                           std::optional<QuantParams> quant = std::nullopt) {
  TensorType t(elemType, shape);
  t.quant = std::move(quant);
  return t;
}

static int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

static llvm::Error checkRank(ArrayRef<TensorType> ops, size_t i, size_t rank) {
  if (ops[i].getRank() != rank)
    return shapeError("operand #{} has rank {}, expected {}", i,
                      ops[i].getRank(), rank);
  return llvm::Error::success();
}

static llvm::Error checkMinRank(ArrayRef<TensorType> ops, size_t i,
                                size_t minRank) {
  if (ops[i].getRank() < minRank)
    return shapeError("operand #{} has rank {}, expected at least {}", i,
                      ops[i].getRank(), minRank);
  return llvm::Error::success();
}

/// Checks that every operand has the element type of operand #0.
static llvm::Error checkSameElemTypes(ArrayRef<TensorType> ops) {
  for (size_t i = 1; i < ops.size(); ++i)
    if (ops[i].elemType != ops[0].elemType)
      return shapeError("operand #{} has element type {}, expected {} (the "
                        "element type of operand #0)",
                        i, getDTypeName(ops[i].elemType),
                        getDTypeName(ops[0].elemType));
  return llvm::Error::success();
}

static llvm::Error checkFloat(ArrayRef<TensorType> ops, size_t i) {
  if (!isFloatDType(ops[i].elemType))
    return shapeError("operand #{} has element type {}, expected a float type",
                      i, getDTypeName(ops[i].elemType));
  return llvm::Error::success();
}

static llvm::Error checkAxis(int64_t axis, size_t rank) {
  if (axis < 0 || axis >= int64_t(rank))
    return shapeError("axis {} is out of range for rank {}", axis, rank);
  return llvm::Error::success();
}

/// Checks that attribute list \p name has \p size entries.
static llvm::Error checkListSize(llvm::StringRef name, ArrayRef<int64_t> list,
                                 size_t size, llvm::StringRef why) {
  if (list.size() != size)
    return shapeError("{} {} has {} entries, expected {} ({})", name,
                      formatList(list), list.size(), size, why);
  return llvm::Error::success();
}

/// Checks that every entry of attribute list \p name is >= \p min.
static llvm::Error checkListMin(llvm::StringRef name, ArrayRef<int64_t> list,
                                int64_t min) {
  for (int64_t v : list)
    if (v < min)
      return shapeError("{} {} has entry {}, expected every entry >= {}", name,
                        formatList(list), v, min);
  return llvm::Error::success();
}

/// Checks that \p axes is strictly increasing, non-negative and < \p bound.
static llvm::Error checkSortedAxes(ArrayRef<int64_t> axes, int64_t bound,
                                   llvm::StringRef boundWhat) {
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= bound)
      return shapeError("axes {}: axis {} is out of range for {} {}",
                        formatList(axes), axes[i], boundWhat, bound);
    if (i > 0 && axes[i] <= axes[i - 1])
      return shapeError("axes {} must be sorted and unique", formatList(axes));
  }
  return llvm::Error::success();
}

/// Integer division rounding toward negative / positive infinity (\p b > 0).
static int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
static int64_t ceilDiv(int64_t a, int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

//===----------------------------------------------------------------------===//
// Public shape helpers
//===----------------------------------------------------------------------===//

llvm::Expected<llvm::SmallVector<int64_t, 4>>
rtc::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align trailing dims; missing leading dims act as 1.
    size_t fromEnd = rank - 1 - i;
    int64_t da = fromEnd < a.size() ? a[a.size() - 1 - fromEnd] : 1;
    int64_t db = fromEnd < b.size() ? b[b.size() - 1 - fromEnd] : 1;
    if (da == db || db == 1)
      result[i] = da;
    else if (da == 1)
      result[i] = db;
    else
      return shapeError("shapes {} and {} are not broadcastable: dim {} of "
                        "the result would be {} vs {}",
                        formatList(a), formatList(b), i, da, db);
  }
  return result;
}

int64_t rtc::computeWindowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                     int64_t dilation, int64_t padBegin,
                                     int64_t padEnd, bool ceilMode) {
  assert(stride >= 1 && dilation >= 1 && "window attributes not checked");
  int64_t span = in + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (!ceilMode)
    return floorDiv(span, stride) + 1;
  int64_t out = ceilDiv(span, stride) + 1;
  // ONNX / PyTorch: the last window must start inside the input or the
  // begin padding, never in the end padding.
  if (out > 0 && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// \returns true if \p from can be broadcast to \p to in one direction only.
static bool isUnidirectionallyBroadcastable(ArrayRef<int64_t> from,
                                            ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  for (size_t i = 0; i < from.size(); ++i) {
    int64_t f = from[from.size() - 1 - i], t = to[to.size() - 1 - i];
    if (f != t && f != 1)
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Quantization propagation through data movement
//===----------------------------------------------------------------------===//

/// \returns \p q if per tensor, nullopt otherwise.
static std::optional<QuantParams>
perTensorOnly(const std::optional<QuantParams> &q) {
  if (q && !q->isPerAxis())
    return q;
  return std::nullopt;
}

/// For reshapes: per-axis parameters survive if the dims up to and including
/// the quantized axis are unchanged (then the index along it is too).
static std::optional<QuantParams>
propagateThroughReshape(const TensorType &in, ArrayRef<int64_t> outShape) {
  if (!in.quant || !in.quant->isPerAxis())
    return in.quant;
  size_t axis = size_t(in.quant->axis);
  if (axis >= outShape.size() || axis >= in.getRank())
    return std::nullopt;
  if (!std::equal(outShape.begin(), outShape.begin() + axis + 1,
                  in.shape.begin()))
    return std::nullopt;
  return in.quant;
}

/// Renumbers a per-axis quantized axis after removing \p axes (sorted).
static std::optional<QuantParams>
propagateThroughSqueeze(const std::optional<QuantParams> &q,
                        ArrayRef<int64_t> axes) {
  if (!q || !q->isPerAxis())
    return q;
  if (llvm::is_contained(axes, q->axis))
    return std::nullopt;
  QuantParams result = *q;
  result.axis -= llvm::count_if(axes, [&](int64_t a) { return a < q->axis; });
  return result;
}

/// Renumbers a per-axis quantized axis after inserting output \p axes.
static std::optional<QuantParams>
propagateThroughUnsqueeze(const std::optional<QuantParams> &q,
                          ArrayRef<int64_t> axes) {
  if (!q || !q->isPerAxis())
    return q;
  QuantParams result = *q;
  // Each inserted axis at or before the (moving) position shifts it by one.
  for (int64_t a : axes)
    if (a <= result.axis)
      ++result.axis;
  return result;
}

//===----------------------------------------------------------------------===//
// Element-wise ops and Softmax
//===----------------------------------------------------------------------===//

static llvm::Expected<ResultTypes>
inferBroadcastBinary(ArrayRef<TensorType> ops) {
  if (auto err = checkSameElemTypes(ops))
    return err;
  auto shape = broadcastShapes(ops[0].shape, ops[1].shape);
  if (!shape)
    return shape.takeError();
  return single(makeType(ops[0].elemType, *shape));
}

static llvm::Expected<ResultTypes> inferUnary(ArrayRef<TensorType> ops,
                                              bool requireFloat) {
  if (requireFloat)
    if (auto err = checkFloat(ops, 0))
      return err;
  // Relu and Clip on quantized integers clamp in the quantized domain.
  std::optional<QuantParams> quant;
  if (!requireFloat && isIntegerDType(ops[0].elemType))
    quant = ops[0].quant;
  return single(makeType(ops[0].elemType, ops[0].shape, quant));
}

static llvm::Expected<ResultTypes> inferSoftmax(ArrayRef<TensorType> ops,
                                                const AxisAttrs &attrs) {
  if (auto err = checkFloat(ops, 0))
    return err;
  if (auto err = checkAxis(attrs.axis, ops[0].getRank()))
    return err;
  return single(makeType(ops[0].elemType, ops[0].shape));
}

//===----------------------------------------------------------------------===//
// MatMul and Gemm
//===----------------------------------------------------------------------===//

static llvm::Expected<ResultTypes> inferMatMul(ArrayRef<TensorType> ops) {
  for (size_t i = 0; i < 2; ++i)
    if (auto err = checkMinRank(ops, i, 1))
      return err;
  if (auto err = checkSameElemTypes(ops))
    return err;
  // numpy: a 1-D lhs gets a leading 1, a 1-D rhs a trailing 1; both are
  // removed from the result again.
  Shape a(ops[0].shape), b(ops[1].shape);
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t k = a[a.size() - 1], kRhs = b[b.size() - 2];
  if (k != kRhs)
    return shapeError("inner dimensions differ: operand #0 {} has {} "
                      "columns, operand #1 {} has {} rows",
                      formatList(ops[0].shape), k, formatList(ops[1].shape),
                      kRhs);
  auto batch = broadcastShapes(ArrayRef<int64_t>(a).drop_back(2),
                               ArrayRef<int64_t>(b).drop_back(2));
  if (!batch)
    return shapeError("batch dims: {}", llvm::toString(batch.takeError()));
  Shape result(*batch);
  if (!lhsVector)
    result.push_back(a[a.size() - 2]);
  if (!rhsVector)
    result.push_back(b[b.size() - 1]);
  return single(makeType(ops[0].elemType, result));
}

static llvm::Expected<ResultTypes> inferGemm(ArrayRef<TensorType> ops,
                                             const GemmAttrs &attrs) {
  for (size_t i = 0; i < 2; ++i)
    if (auto err = checkRank(ops, i, 2))
      return err;
  if (auto err = checkSameElemTypes(ops))
    return err;
  ArrayRef<int64_t> a = ops[0].shape, b = ops[1].shape;
  int64_t m = attrs.transA ? a[1] : a[0], k = attrs.transA ? a[0] : a[1];
  int64_t kRhs = attrs.transB ? b[1] : b[0], n = attrs.transB ? b[0] : b[1];
  if (k != kRhs)
    return shapeError("inner dimensions differ: A' is [{}, {}] (transA = {}), "
                      "B' is [{}, {}] (transB = {})",
                      m, k, attrs.transA, kRhs, n, attrs.transB);
  if (auto err = detail::checkFusedActivation(attrs.activation))
    return err;
  Shape result{m, n};
  if (ops.size() == 3 && !isUnidirectionallyBroadcastable(ops[2].shape, result))
    return shapeError("operand #2 (C) of shape {} cannot be broadcast to the "
                      "result shape {}",
                      formatList(ops[2].shape), formatList(result));
  return single(makeType(ops[0].elemType, result));
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

namespace {
/// The sliding-window attributes shared by Conv and the pools.
struct WindowParams {
  ArrayRef<int64_t> kernelShape, strides, dilations, pads;
};
} // namespace

/// Checks the window attribute list sizes and ranges for \p numSpatial dims.
static llvm::Error checkWindowAttrs(const WindowParams &p, size_t numSpatial) {
  const char *perDim = "one per spatial dim";
  if (auto err =
          checkListSize("kernel_shape", p.kernelShape, numSpatial, perDim))
    return err;
  if (auto err = checkListMin("kernel_shape", p.kernelShape, 1))
    return err;
  if (auto err = checkListSize("strides", p.strides, numSpatial, perDim))
    return err;
  if (auto err = checkListMin("strides", p.strides, 1))
    return err;
  if (auto err = checkListSize("dilations", p.dilations, numSpatial, perDim))
    return err;
  if (auto err = checkListMin("dilations", p.dilations, 1))
    return err;
  if (auto err = checkListSize("pads", p.pads, 2 * numSpatial,
                               "begin and end per spatial dim"))
    return err;
  return checkListMin("pads", p.pads, 0);
}

/// \returns the output spatial dims of a window over the spatial dims
/// (dims 2..) of \p inShape; every one must be >= 1.
static llvm::Expected<Shape> inferWindowDims(ArrayRef<int64_t> inShape,
                                             const WindowParams &p,
                                             bool ceilMode) {
  size_t numSpatial = inShape.size() - 2;
  Shape out;
  for (size_t i = 0; i < numSpatial; ++i) {
    int64_t in = inShape[2 + i], padBegin = p.pads[i],
            padEnd = p.pads[numSpatial + i];
    int64_t size =
        computeWindowOutputSize(in, p.kernelShape[i], p.strides[i],
                                p.dilations[i], padBegin, padEnd, ceilMode);
    if (size < 1)
      return shapeError("output spatial dim #{} (dim {}) would be {}: input "
                        "{}, kernel {}, stride {}, dilation {}, pads {}+{}",
                        i, 2 + i, size, in, p.kernelShape[i], p.strides[i],
                        p.dilations[i], padBegin, padEnd);
    out.push_back(size);
  }
  return out;
}

static llvm::Expected<ResultTypes> inferConv(ArrayRef<TensorType> ops,
                                             const ConvAttrs &attrs) {
  if (auto err = checkMinRank(ops, 0, 3))
    return err;
  const TensorType &x = ops[0], &w = ops[1];
  if (auto err = checkRank(ops, 1, x.getRank()))
    return err;
  if (auto err = checkSameElemTypes(ops))
    return err;
  size_t numSpatial = x.getRank() - 2;
  WindowParams p{attrs.kernelShape, attrs.strides, attrs.dilations, attrs.pads};
  if (auto err = checkWindowAttrs(p, numSpatial))
    return err;
  ArrayRef<int64_t> weightSpatial = ArrayRef<int64_t>(w.shape).drop_front(2);
  if (ArrayRef<int64_t>(attrs.kernelShape) != weightSpatial)
    return shapeError("kernel_shape {} does not match weight spatial dims {}",
                      formatList(attrs.kernelShape), formatList(weightSpatial));

  int64_t inChannels = x.shape[1], outChannels = w.shape[0];
  if (auto err = detail::checkFusedActivation(attrs.activation))
    return err;
  int64_t group = attrs.group;
  if (group < 1)
    return shapeError("group {} must be >= 1", group);
  if (inChannels % group != 0)
    return shapeError("group {} does not divide {} input channels", group,
                      inChannels);
  if (outChannels % group != 0)
    return shapeError("group {} does not divide {} output channels (weight "
                      "dim 0)",
                      group, outChannels);
  if (w.shape[1] != inChannels / group)
    return shapeError("weight has {} input channels per group (dim 1), "
                      "expected {} ({} input channels / group {})",
                      w.shape[1], inChannels / group, inChannels, group);
  if (ops.size() == 3) {
    if (auto err = checkRank(ops, 2, 1))
      return err;
    if (ops[2].shape[0] != outChannels)
      return shapeError("bias has {} entries, expected {} (output channels)",
                        ops[2].shape[0], outChannels);
  }

  auto spatial = inferWindowDims(x.shape, p, /*ceilMode=*/false);
  if (!spatial)
    return spatial.takeError();
  Shape result{x.shape[0], outChannels};
  result.append(spatial->begin(), spatial->end());
  return single(makeType(x.elemType, result));
}

static llvm::Expected<ResultTypes> inferPool(ArrayRef<TensorType> ops,
                                             const PoolAttrs &attrs,
                                             bool propagateQuant) {
  if (auto err = checkMinRank(ops, 0, 3))
    return err;
  const TensorType &x = ops[0];
  WindowParams p{attrs.kernelShape, attrs.strides, attrs.dilations, attrs.pads};
  if (auto err = checkWindowAttrs(p, x.getRank() - 2))
    return err;
  auto spatial = inferWindowDims(x.shape, p, attrs.ceilMode);
  if (!spatial)
    return spatial.takeError();
  Shape result{x.shape[0], x.shape[1]};
  result.append(spatial->begin(), spatial->end());
  std::optional<QuantParams> quant;
  // Max pooling picks input elements: N and C (the only per-axis axes that
  // survive) and per-tensor parameters stay valid.
  if (propagateQuant && x.quant && x.quant->axis < 2)
    quant = x.quant;
  return single(makeType(x.elemType, result, quant));
}

static llvm::Expected<ResultTypes> inferGlobalPool(ArrayRef<TensorType> ops,
                                                   bool propagateQuant) {
  if (auto err = checkMinRank(ops, 0, 3))
    return err;
  Shape result(ops[0].getRank(), 1);
  result[0] = ops[0].shape[0];
  result[1] = ops[0].shape[1];
  std::optional<QuantParams> quant;
  if (propagateQuant && ops[0].quant && ops[0].quant->axis < 2)
    quant = ops[0].quant;
  return single(makeType(ops[0].elemType, result, quant));
}

static llvm::Expected<ResultTypes> inferBatchNorm(ArrayRef<TensorType> ops) {
  static const char *const names[] = {"x", "scale", "bias", "mean", "var"};
  if (auto err = checkMinRank(ops, 0, 2))
    return err;
  if (auto err = checkSameElemTypes(ops))
    return err;
  int64_t channels = ops[0].shape[1];
  for (size_t i = 1; i < 5; ++i) {
    if (auto err = checkRank(ops, i, 1))
      return err;
    if (ops[i].shape[0] != channels)
      return shapeError("operand #{} ({}) has {} entries, expected {} "
                        "(channels, dim 1 of x)",
                        i, names[i], ops[i].shape[0], channels);
  }
  return single(makeType(ops[0].elemType, ops[0].shape));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

static llvm::Expected<ResultTypes> inferConcat(ArrayRef<TensorType> ops,
                                               const AxisAttrs &attrs) {
  const TensorType &first = ops[0];
  if (auto err = checkAxis(attrs.axis, first.getRank()))
    return err;
  if (auto err = checkSameElemTypes(ops))
    return err;
  Shape result(first.shape);
  bool sameQuant = true;
  for (size_t i = 1; i < ops.size(); ++i) {
    if (auto err = checkRank(ops, i, first.getRank()))
      return err;
    for (size_t d = 0; d < first.getRank(); ++d)
      if (int64_t(d) != attrs.axis && ops[i].shape[d] != first.shape[d])
        return shapeError("operand #{} has dim {} = {}, expected {} like "
                          "operand #0 (only axis {} may differ)",
                          i, d, ops[i].shape[d], first.shape[d], attrs.axis);
    result[attrs.axis] += ops[i].shape[attrs.axis];
    sameQuant &= ops[i].quant == first.quant;
  }
  std::optional<QuantParams> quant;
  if (sameQuant && first.quant && first.quant->axis != attrs.axis)
    quant = first.quant;
  return single(makeType(first.elemType, result, quant));
}

static llvm::Expected<ResultTypes> inferFlatten(ArrayRef<TensorType> ops,
                                                const AxisAttrs &attrs) {
  const TensorType &x = ops[0];
  if (attrs.axis < 0 || attrs.axis > int64_t(x.getRank()))
    return shapeError("axis {} is out of range for rank {} (flatten allows "
                      "0 to {})",
                      attrs.axis, x.getRank(), x.getRank());
  ArrayRef<int64_t> dims = x.shape;
  Shape result{product(dims.take_front(attrs.axis)),
               product(dims.drop_front(attrs.axis))};
  return single(
      makeType(x.elemType, result, propagateThroughReshape(x, result)));
}

static llvm::Expected<ResultTypes> inferReshape(ArrayRef<TensorType> ops,
                                                const ReshapeAttrs &attrs) {
  const TensorType &x = ops[0];
  // The importer resolves ONNX's 0 (copy) and -1 (infer) entries, so every
  // entry is a literal size here (0 only fits an empty input).
  for (int64_t d : attrs.shape)
    if (d < 0)
      return shapeError("reshape shape {} has negative entry {} (shapes must "
                        "be fully resolved)",
                        formatList(attrs.shape), d);
  if (product(attrs.shape) != x.getNumElements())
    return shapeError("reshape shape {} has {} elements, input {} has {}",
                      formatList(attrs.shape), product(attrs.shape),
                      formatList(x.shape), x.getNumElements());
  return single(makeType(x.elemType, attrs.shape,
                         propagateThroughReshape(x, attrs.shape)));
}

static llvm::Expected<ResultTypes> inferTranspose(ArrayRef<TensorType> ops,
                                                  const TransposeAttrs &attrs) {
  const TensorType &x = ops[0];
  size_t rank = x.getRank();
  llvm::SmallVector<bool, 8> seen(rank, false);
  bool isPermutation = attrs.perm.size() == rank;
  for (int64_t p : attrs.perm) {
    if (!isPermutation || p < 0 || p >= int64_t(rank) || seen[p]) {
      isPermutation = false;
      break;
    }
    seen[p] = true;
  }
  if (!isPermutation)
    return shapeError("perm {} is not a permutation of [0, {})",
                      formatList(attrs.perm), rank);
  Shape result;
  for (int64_t p : attrs.perm)
    result.push_back(x.shape[p]);
  return single(makeType(x.elemType, result, perTensorOnly(x.quant)));
}

static llvm::Expected<ResultTypes> inferSqueeze(ArrayRef<TensorType> ops,
                                                const AxesAttrs &attrs) {
  const TensorType &x = ops[0];
  if (auto err = checkSortedAxes(attrs.axes, x.getRank(), "input rank"))
    return err;
  Shape result;
  for (size_t d = 0; d < x.getRank(); ++d) {
    if (!llvm::is_contained(attrs.axes, int64_t(d))) {
      result.push_back(x.shape[d]);
      continue;
    }
    if (x.shape[d] != 1)
      return shapeError("cannot squeeze dim {} of size {} (must be 1)", d,
                        x.shape[d]);
  }
  return single(makeType(x.elemType, result,
                         propagateThroughSqueeze(x.quant, attrs.axes)));
}

static llvm::Expected<ResultTypes> inferUnsqueeze(ArrayRef<TensorType> ops,
                                                  const AxesAttrs &attrs) {
  const TensorType &x = ops[0];
  int64_t outRank = int64_t(x.getRank() + attrs.axes.size());
  if (auto err = checkSortedAxes(attrs.axes, outRank, "output rank"))
    return err;
  Shape result;
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    result.push_back(llvm::is_contained(attrs.axes, d) ? 1 : x.shape[next++]);
  return single(makeType(x.elemType, result,
                         propagateThroughUnsqueeze(x.quant, attrs.axes)));
}

static llvm::Expected<ResultTypes> inferPad(ArrayRef<TensorType> ops,
                                            const PadAttrs &attrs) {
  const TensorType &x = ops[0];
  size_t rank = x.getRank();
  if (auto err =
          checkListSize("pads", attrs.pads, 2 * rank, "begin and end per dim"))
    return err;
  Shape result;
  for (size_t d = 0; d < rank; ++d) {
    int64_t in = x.shape[d], begin = attrs.pads[d], end = attrs.pads[rank + d];
    int64_t out = in + begin + end;
    if (out < 0)
      return shapeError("pads {} would give dim {} size {} (input {}, pads "
                        "{}+{})",
                        formatList(attrs.pads), d, out, in, begin, end);
    int64_t maxPad = std::max(begin, end);
    if (attrs.mode == PadMode::Reflect && maxPad > 0 && maxPad >= in)
      return shapeError("reflect pad {} of dim {} must be smaller than its "
                        "size {}",
                        maxPad, d, in);
    if (attrs.mode == PadMode::Edge && maxPad > 0 && in < 1)
      return shapeError("edge pad of dim {} needs a non-empty dim, got size "
                        "{}",
                        d, in);
    result.push_back(out);
  }
  return single(makeType(x.elemType, result));
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

/// \returns the attribute struct name \p kind expects, from ir/Ops.def.
static llvm::StringRef getAttrsStructName(OpKind kind) {
  switch (kind) {
#define OP(Name, Mnemonic, AttrsT, MinOps, MaxOps, NumRes)                     \
  case OpKind::Name:                                                           \
    return #AttrsT;
#include "ir/Ops.def"
  }
  llvm_unreachable("unknown op kind");
}

static llvm::Error checkOperandCount(OpKind kind, size_t count) {
  const OpInfo &info = getOpInfo(kind);
  int64_t n = int64_t(count);
  if (n >= info.minOperands && (info.maxOperands < 0 || n <= info.maxOperands))
    return llvm::Error::success();
  std::string expected;
  if (info.maxOperands < 0)
    expected = fmt::format("at least {}", info.minOperands);
  else if (info.maxOperands == info.minOperands)
    expected = fmt::format("{}", info.minOperands);
  else
    expected = fmt::format("{} to {}", info.minOperands, info.maxOperands);
  bool plural = info.maxOperands != 1;
  return shapeError("'{}' expects {} operand{}, got {}", info.mnemonic,
                    expected, plural ? "s" : "", count);
}

llvm::Expected<ResultTypes>
rtc::inferResultTypes(OpKind kind, ArrayRef<TensorType> operandTypes,
                      const Attrs &attrs) {
  if (auto err = checkOperandCount(kind, operandTypes.size()))
    return err;
  if (!hasAttrsOfRightKind(kind, attrs))
    return shapeError("'{}' expects {} attributes", getOpMnemonic(kind),
                      getAttrsStructName(kind));
  ArrayRef<TensorType> ops = operandTypes;
  switch (kind) {
  case OpKind::Constant:
    return single(std::get<ConstantAttrs>(attrs).value.getType());
  case OpKind::Identity:
    return single(ops[0]);
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
    return inferBroadcastBinary(ops);
  case OpKind::Relu:
  case OpKind::Clip:
    return inferUnary(ops, /*requireFloat=*/false);
  case OpKind::LeakyRelu:
  case OpKind::Sigmoid:
    return inferUnary(ops, /*requireFloat=*/true);
  case OpKind::Softmax:
    return inferSoftmax(ops, std::get<AxisAttrs>(attrs));
  case OpKind::MatMul:
    return inferMatMul(ops);
  case OpKind::Gemm:
    return inferGemm(ops, std::get<GemmAttrs>(attrs));
  case OpKind::Conv:
    return inferConv(ops, std::get<ConvAttrs>(attrs));
  case OpKind::MaxPool:
    return inferPool(ops, std::get<PoolAttrs>(attrs), /*propagateQuant=*/true);
  case OpKind::AveragePool:
    return inferPool(ops, std::get<PoolAttrs>(attrs),
                     /*propagateQuant=*/isIntegerDType(ops[0].elemType));
  case OpKind::GlobalAveragePool:
    return inferGlobalPool(ops,
                           /*propagateQuant=*/isIntegerDType(ops[0].elemType));
  case OpKind::GlobalMaxPool:
    return inferGlobalPool(ops, /*propagateQuant=*/true);
  case OpKind::BatchNorm:
    return inferBatchNorm(ops);
  case OpKind::Concat:
    return inferConcat(ops, std::get<AxisAttrs>(attrs));
  case OpKind::Flatten:
    return inferFlatten(ops, std::get<AxisAttrs>(attrs));
  case OpKind::Reshape:
    return inferReshape(ops, std::get<ReshapeAttrs>(attrs));
  case OpKind::Transpose:
    return inferTranspose(ops, std::get<TransposeAttrs>(attrs));
  case OpKind::Squeeze:
    return inferSqueeze(ops, std::get<AxesAttrs>(attrs));
  case OpKind::Unsqueeze:
    return inferUnsqueeze(ops, std::get<AxesAttrs>(attrs));
  case OpKind::Pad:
    return inferPad(ops, std::get<PadAttrs>(attrs));
  case OpKind::Im2Col:
  case OpKind::Quantize:
  case OpKind::Dequantize:
  case OpKind::Requantize:
  case OpKind::QConv:
  case OpKind::QMatMul:
  case OpKind::QAdd:
    return detail::inferQuantizedOpTypes(kind, ops, attrs);
  }
  llvm_unreachable("unknown op kind");
}

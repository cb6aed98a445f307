//===- compiler/onnx/OpImportersShape.cpp - Data-movement ops -------------===//
//
// Importers for Concat, Flatten, Reshape, Transpose, Squeeze, Unsqueeze and
// Pad. The IR keeps shapes static, so every shape-defining operand (Reshape's
// shape, Squeeze/Unsqueeze axes from opset 13, Pad's pads and value from
// opset 11) must be a compile-time constant and becomes a fully resolved
// attribute: axes normalized and sorted, Reshape's 0 and -1 replaced by the
// actual dims.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OpImporters.h"

#include "llvm/ADT/STLExtras.h"

using namespace rtc;
using namespace rtc::onnx;

static llvm::Error makeMessage(std::string msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Expected<llvm::SmallVector<int64_t, 4>>
rtc::onnx::resolveReshapeTarget(llvm::ArrayRef<int64_t> inputShape,
                                llvm::ArrayRef<int64_t> target,
                                bool allowZero) {
  llvm::SmallVector<int64_t, 4> shape;
  int64_t inferredAt = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == -1) {
      if (inferredAt >= 0)
        return makeMessage(fmt::format("shape [{}] has more than one -1",
                                       fmt::join(target, ", ")));
      inferredAt = int64_t(i);
      shape.push_back(-1);
      continue;
    }
    if (d < -1)
      return makeMessage(fmt::format("shape [{}] has invalid entry {}",
                                     fmt::join(target, ", "), d));
    if (d == 0 && !allowZero) {
      if (i >= inputShape.size())
        return makeMessage(fmt::format(
            "shape [{}] copies dim {} (0) but the input has rank {}",
            fmt::join(target, ", "), i, inputShape.size()));
      d = inputShape[i];
    }
    shape.push_back(d);
    known *= d;
  }
  int64_t total = 1;
  for (int64_t d : inputShape)
    total *= d;
  if (inferredAt >= 0) {
    if (allowZero && llvm::is_contained(target, 0))
      return makeMessage("shape cannot contain both 0 and -1 when "
                         "allowzero=1");
    if (known == 0 || total % known != 0)
      return makeMessage(fmt::format(
          "cannot reshape {} elements to [{}]: -1 cannot be inferred", total,
          fmt::join(target, ", ")));
    shape[inferredAt] = total / known;
  } else if (known != total) {
    return makeMessage(
        fmt::format("cannot reshape {} elements to {} elements (shape [{}])",
                    total, known, fmt::join(target, ", ")));
  }
  return shape;
}

llvm::Error rtc::onnx::importConcat(NodeContext &ctx) {
  if (!ctx.hasAttr("axis"))
    return ctx.error("missing required attribute 'axis'");
  int64_t rank = int64_t(ctx.getInputType(0).getRank());
  auto axis = normalizeAxis(ctx, ctx.getInt("axis", 0), rank, "axis");
  if (!axis)
    return axis.takeError();
  llvm::SmallVector<ValueId, 4> operands;
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    if (!ctx.hasInput(i))
      return ctx.error("input {} is empty; Concat inputs are not optional", i);
    operands.push_back(ctx.getInputValue(i));
  }
  return ctx.emit(OpKind::Concat, operands, AxisAttrs{*axis}).takeError();
}

llvm::Error rtc::onnx::importFlatten(NodeContext &ctx) {
  int64_t rank = int64_t(ctx.getInputType(0).getRank());
  int64_t axis = ctx.getInt("axis", 1);
  // Flatten's axis ranges over [-rank, rank]: axis == rank gives [N, 1].
  if (axis < -rank || axis > rank)
    return ctx.error("axis {} is out of range for rank {}", axis, rank);
  if (axis < 0)
    axis += rank;
  return ctx.emit(OpKind::Flatten, {ctx.getInputValue(0)}, AxisAttrs{axis})
      .takeError();
}

llvm::Error rtc::onnx::importReshape(NodeContext &ctx) {
  auto target = ctx.getConstantInts(1, "shape");
  if (!target)
    return target.takeError();
  TensorType x = ctx.getInputType(0);
  bool allowZero = ctx.getInt("allowzero", 0) != 0;
  auto shape = resolveReshapeTarget(x.shape, *target, allowZero);
  if (!shape)
    return attachLocation(shape.takeError(), ctx.getLoc());
  return ctx.emit(OpKind::Reshape, {ctx.getInputValue(0)}, ReshapeAttrs{*shape})
      .takeError();
}

llvm::Error rtc::onnx::importTranspose(NodeContext &ctx) {
  int64_t rank = int64_t(ctx.getInputType(0).getRank());
  llvm::SmallVector<int64_t, 4> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  llvm::SmallVector<int64_t, 4> perm = ctx.getInts("perm", reversed);
  llvm::SmallVector<bool, 4> seen(rank, false);
  bool valid = int64_t(perm.size()) == rank;
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= rank || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid)
    return ctx.error("perm [{}] is not a permutation of the {} dims",
                     fmt::join(perm, ", "), rank);
  return ctx
      .emit(OpKind::Transpose, {ctx.getInputValue(0)}, TransposeAttrs{perm})
      .takeError();
}

/// Reads Squeeze/Unsqueeze axes: the attribute before opset 13, the
/// constant input 1 from opset 13. \returns nullopt if none are given.
static llvm::Expected<std::optional<llvm::SmallVector<int64_t, 4>>>
readAxes(NodeContext &ctx) {
  if (ctx.getOpset() < 13) {
    if (!ctx.hasAttr("axes"))
      return std::nullopt;
    return ctx.getInts("axes");
  }
  if (!ctx.hasInput(1))
    return std::nullopt;
  auto axes = ctx.getConstantInts(1, "axes");
  if (!axes)
    return axes.takeError();
  return std::move(*axes);
}

/// Normalizes \p axes for rank \p rank, sorts them and rejects duplicates.
static llvm::Expected<llvm::SmallVector<int64_t, 4>>
normalizeAxes(const NodeContext &ctx, llvm::ArrayRef<int64_t> axes,
              int64_t rank) {
  llvm::SmallVector<int64_t, 4> out;
  for (int64_t a : axes) {
    auto n = normalizeAxis(ctx, a, rank, "axis");
    if (!n)
      return n.takeError();
    out.push_back(*n);
  }
  llvm::sort(out);
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    return ctx.error("axes [{}] contain a duplicate", fmt::join(axes, ", "));
  return out;
}

llvm::Error rtc::onnx::importSqueeze(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  auto axes = readAxes(ctx);
  if (!axes)
    return axes.takeError();
  llvm::SmallVector<int64_t, 4> resolved;
  if (*axes) {
    auto n = normalizeAxes(ctx, **axes, int64_t(x.getRank()));
    if (!n)
      return n.takeError();
    resolved = std::move(*n);
  } else {
    // No axes: remove every dim of size 1.
    for (size_t i = 0; i < x.getRank(); ++i)
      if (x.shape[i] == 1)
        resolved.push_back(int64_t(i));
  }
  return ctx.emit(OpKind::Squeeze, {ctx.getInputValue(0)}, AxesAttrs{resolved})
      .takeError();
}

llvm::Error rtc::onnx::importUnsqueeze(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  auto axes = readAxes(ctx);
  if (!axes)
    return axes.takeError();
  if (!*axes)
    return ctx.getOpset() < 13 ? ctx.error("missing required attribute 'axes'")
                               : ctx.error("missing required input 'axes'");
  int64_t outRank = int64_t(x.getRank() + (*axes)->size());
  auto resolved = normalizeAxes(ctx, **axes, outRank);
  if (!resolved)
    return resolved.takeError();
  return ctx
      .emit(OpKind::Unsqueeze, {ctx.getInputValue(0)}, AxesAttrs{*resolved})
      .takeError();
}

llvm::Error rtc::onnx::importPad(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  PadAttrs attrs;
  std::string mode = ctx.getString("mode", "constant");
  ErrorList errors;
  if (mode == "constant")
    attrs.mode = PadMode::Constant;
  else if (mode == "reflect")
    attrs.mode = PadMode::Reflect;
  else if (mode == "edge")
    attrs.mode = PadMode::Edge;
  else
    errors.add(ctx.error("unsupported pad mode '{}' (expected constant, "
                         "reflect or edge)",
                         mode));

  if (ctx.getOpset() < 11) {
    if (!ctx.hasAttr("pads"))
      errors.add(ctx.error("missing required attribute 'pads'"));
    attrs.pads = ctx.getInts("pads");
    attrs.value = ctx.getFloat("value", 0.0f);
  } else {
    auto pads = ctx.getConstantInts(1, "pads");
    if (pads)
      attrs.pads.assign(pads->begin(), pads->end());
    else
      errors.add(pads.takeError());
    if (ctx.hasInput(2)) {
      auto value = ctx.getConstantScalar(2, "constant_value");
      if (value)
        attrs.value = *value;
      else
        errors.add(value.takeError());
    }
  }
  if (!errors.empty())
    return errors.take();
  if (attrs.pads.size() != 2 * x.getRank())
    return ctx.error("pads has {} entries, expected {} (begin and end for "
                     "each of the {} dims)",
                     attrs.pads.size(), 2 * x.getRank(), x.getRank());
  return ctx.emit(OpKind::Pad, {ctx.getInputValue(0)}, attrs).takeError();
}

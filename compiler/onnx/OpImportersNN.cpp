//===- compiler/onnx/OpImportersNN.cpp - Conv, pooling, BN, Gemm, MatMul --===//
//
// Importers for the neural-network op family. Window attributes are fully
// resolved here: defaults filled in, auto_pad turned into explicit pads from
// the static input shape, kernel_shape taken from the weights when absent.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OpImporters.h"

using namespace rtc;
using namespace rtc::onnx;

llvm::Expected<llvm::SmallVector<int64_t, 4>> rtc::onnx::resolveAutoPad(
    llvm::StringRef autoPad, llvm::ArrayRef<int64_t> inputSpatial,
    llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
    llvm::ArrayRef<int64_t> dilations, llvm::ArrayRef<int64_t> explicitPads) {
  size_t n = inputSpatial.size();
  assert(kernel.size() == n && strides.size() == n && dilations.size() == n &&
         "spatial lists must have one entry per spatial dim");
  llvm::SmallVector<int64_t, 4> pads(2 * n, 0);
  if (autoPad == "NOTSET") {
    if (!explicitPads.empty())
      pads.assign(explicitPads.begin(), explicitPads.end());
    return pads;
  }
  if (autoPad == "VALID")
    return pads;
  bool upper = autoPad == "SAME_UPPER";
  if (!upper && autoPad != "SAME_LOWER")
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fmt::format("unknown auto_pad '{}' (expected NOTSET, VALID, "
                    "SAME_UPPER or SAME_LOWER)",
                    autoPad.str()));
  for (size_t i = 0; i < n; ++i) {
    // SAME: the output has ceil(in / stride) elements; the padding needed
    // for that is split evenly, the odd element going to the end (UPPER)
    // or to the beginning (LOWER).
    int64_t out = (inputSpatial[i] + strides[i] - 1) / strides[i];
    int64_t effKernel = (kernel[i] - 1) * dilations[i] + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + effKernel -
                                             inputSpatial[i]);
    int64_t small = total / 2, large = total - total / 2;
    pads[i] = upper ? small : large;
    pads[i + n] = upper ? large : small;
  }
  return pads;
}

/// Checks that list attribute \p name has \p expected entries, all at least
/// \p minValue.
static void checkSpatialList(const NodeContext &ctx, ErrorList &errors,
                             llvm::StringRef name,
                             llvm::ArrayRef<int64_t> values, size_t expected,
                             int64_t minValue) {
  if (values.size() != expected) {
    errors.add(ctx.error("attribute '{}' has {} entries, expected {}",
                         name.str(), values.size(), expected));
    return;
  }
  for (int64_t v : values)
    if (v < minValue) {
      errors.add(ctx.error("attribute '{}' has entry {}, must be >= {}",
                           name.str(), v, minValue));
      return;
    }
}

/// The window attributes shared by Conv and the pools, resolved.
struct Window {
  llvm::SmallVector<int64_t, 2> kernelShape, strides, dilations;
  llvm::SmallVector<int64_t, 4> pads;
};

/// Reads kernel_shape (or \p dfltKernel), strides, dilations, pads and
/// auto_pad for input type \p x, validating them.
static llvm::Expected<Window> readWindow(const NodeContext &ctx,
                                         const TensorType &x,
                                         llvm::ArrayRef<int64_t> dfltKernel) {
  if (x.getRank() < 3)
    return ctx.error("input must have rank >= 3 (N, C, spatial...), got {}",
                     x.str());
  size_t n = x.getRank() - 2;
  llvm::SmallVector<int64_t, 2> ones(n, 1);
  Window w;
  w.kernelShape = ctx.getInts("kernel_shape", dfltKernel);
  w.strides = ctx.getInts("strides", ones);
  w.dilations = ctx.getInts("dilations", ones);
  llvm::SmallVector<int64_t, 4> pads = ctx.getInts("pads");
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");

  ErrorList errors;
  if (!ctx.hasAttr("kernel_shape") && dfltKernel.empty())
    errors.add(ctx.error("missing required attribute 'kernel_shape'"));
  else
    checkSpatialList(ctx, errors, "kernel_shape", w.kernelShape, n, 1);
  checkSpatialList(ctx, errors, "strides", w.strides, n, 1);
  checkSpatialList(ctx, errors, "dilations", w.dilations, n, 1);
  if (ctx.hasAttr("pads"))
    checkSpatialList(ctx, errors, "pads", pads, 2 * n, 0);
  if (ctx.hasAttr("pads") && autoPad != "NOTSET")
    errors.add(ctx.error("attributes 'pads' and 'auto_pad' ({}) cannot be "
                         "used together",
                         autoPad));
  if (!errors.empty())
    return errors.take();

  llvm::ArrayRef<int64_t> spatial = llvm::ArrayRef(x.shape).drop_front(2);
  auto resolved = resolveAutoPad(autoPad, spatial, w.kernelShape, w.strides,
                                 w.dilations, pads);
  if (!resolved)
    return attachLocation(resolved.takeError(), ctx.getLoc());
  w.pads = std::move(*resolved);
  return w;
}

llvm::Error rtc::onnx::importConv(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  TensorType w = ctx.getInputType(1);
  llvm::ArrayRef<int64_t> wKernel;
  if (w.getRank() >= 3)
    wKernel = llvm::ArrayRef(w.shape).drop_front(2);
  if (w.getRank() != x.getRank())
    return ctx.error("weight has type {}, expected the rank of input {}",
                     w.str(), x.str());
  auto window = readWindow(ctx, x, wKernel);
  if (!window)
    return window.takeError();
  if (llvm::ArrayRef(window->kernelShape) != wKernel)
    return ctx.error("kernel_shape [{}] does not match the weight {}",
                     fmt::join(window->kernelShape, ", "), w.str());
  ConvAttrs attrs;
  attrs.kernelShape = window->kernelShape;
  attrs.strides = window->strides;
  attrs.dilations = window->dilations;
  attrs.pads = window->pads;
  attrs.group = ctx.getInt("group", 1);

  llvm::SmallVector<ValueId, 3> operands = {ctx.getInputValue(0),
                                            ctx.getInputValue(1)};
  if (ctx.hasInput(2))
    operands.push_back(ctx.getInputValue(2));
  return ctx.emit(OpKind::Conv, operands, attrs).takeError();
}

/// Shared by MaxPool and AveragePool.
static llvm::Error importPool(NodeContext &ctx, OpKind kind) {
  TensorType x = ctx.getInputType(0);
  auto window = readWindow(ctx, x, {});
  if (!window)
    return window.takeError();
  PoolAttrs attrs;
  attrs.kernelShape = window->kernelShape;
  attrs.strides = window->strides;
  attrs.dilations = window->dilations;
  attrs.pads = window->pads;
  attrs.ceilMode = ctx.getInt("ceil_mode", 0) != 0;
  attrs.countIncludePad = ctx.getInt("count_include_pad", 0) != 0;
  return ctx.emit(kind, {ctx.getInputValue(0)}, attrs).takeError();
}

llvm::Error rtc::onnx::importMaxPool(NodeContext &ctx) {
  // storage_order only affects the Indices output, which we reject when
  // used; an unused Indices output is simply not produced.
  if (ctx.isOutputUsed(1))
    return ctx.error("the Indices output ('{}') is not supported",
                     ctx.getOutputName(1).str());
  return importPool(ctx, OpKind::MaxPool);
}

llvm::Error rtc::onnx::importAveragePool(NodeContext &ctx) {
  return importPool(ctx, OpKind::AveragePool);
}

llvm::Error rtc::onnx::importGlobalAveragePool(NodeContext &ctx) {
  return ctx.emit(OpKind::GlobalAveragePool, {ctx.getInputValue(0)}, {})
      .takeError();
}

llvm::Error rtc::onnx::importGlobalMaxPool(NodeContext &ctx) {
  return ctx.emit(OpKind::GlobalMaxPool, {ctx.getInputValue(0)}, {})
      .takeError();
}

llvm::Error rtc::onnx::importBatchNormalization(NodeContext &ctx) {
  ErrorList errors;
  if (ctx.getInt("training_mode", 0) != 0)
    errors.add(ctx.error("training_mode=1 is not supported (inference only)"));
  if (ctx.getInt("spatial", 1) != 1)
    errors.add(ctx.error("spatial=0 (per-activation statistics) is not "
                         "supported"));
  for (unsigned i = 1; i < ctx.getNumOutputs(); ++i)
    if (ctx.isOutputUsed(i))
      errors.add(ctx.error("output {} ('{}') is a training-mode statistic "
                           "and is not supported (inference only)",
                           i, ctx.getOutputName(i).str()));
  if (!errors.empty())
    return errors.take();
  BatchNormAttrs attrs;
  attrs.epsilon = ctx.getFloat("epsilon", 1e-5f);
  llvm::SmallVector<ValueId, 5> operands;
  for (unsigned i = 0; i < 5; ++i)
    operands.push_back(ctx.getInputValue(i));
  return ctx.emit(OpKind::BatchNorm, operands, attrs).takeError();
}

llvm::Error rtc::onnx::importGemm(NodeContext &ctx) {
  // Before opset 11, C is required.
  if (ctx.getOpset() < 11 && !ctx.hasInput(2))
    return ctx.error("input C is required before opset 11");
  GemmAttrs attrs;
  attrs.alpha = ctx.getFloat("alpha", 1.0f);
  attrs.beta = ctx.getFloat("beta", 1.0f);
  attrs.transA = ctx.getInt("transA", 0) != 0;
  attrs.transB = ctx.getInt("transB", 0) != 0;
  llvm::SmallVector<ValueId, 3> operands = {ctx.getInputValue(0),
                                            ctx.getInputValue(1)};
  if (ctx.hasInput(2))
    operands.push_back(ctx.getInputValue(2));
  return ctx.emit(OpKind::Gemm, operands, attrs).takeError();
}

llvm::Error rtc::onnx::importMatMul(NodeContext &ctx) {
  return ctx
      .emit(OpKind::MatMul, {ctx.getInputValue(0), ctx.getInputValue(1)}, {})
      .takeError();
}

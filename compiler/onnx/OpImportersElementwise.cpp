//===- compiler/onnx/OpImportersElementwise.cpp - Element-wise and misc ---===//
//
// Importers for element-wise ops (binary arithmetic, activations, Clip,
// Softmax) and for the ops that only pass data through or define it
// (Identity, Dropout, Constant). Opset differences handled here: Clip's
// bounds moved from attributes to inputs in opset 11, Softmax changed from
// "flatten to 2-D at axis" to "along axis" in opset 13, Dropout gained
// ratio/training_mode inputs in opset 12.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxTensors.h"
#include "compiler/onnx/OpImporters.h"

#include "onnx/onnx_pb.h"

#include <limits>

using namespace rtc;
using namespace rtc::onnx;

static llvm::Error importBinary(NodeContext &ctx, OpKind kind) {
  return ctx.emit(kind, {ctx.getInputValue(0), ctx.getInputValue(1)}, {})
      .takeError();
}

llvm::Error rtc::onnx::importAdd(NodeContext &ctx) {
  return importBinary(ctx, OpKind::Add);
}
llvm::Error rtc::onnx::importSub(NodeContext &ctx) {
  return importBinary(ctx, OpKind::Sub);
}
llvm::Error rtc::onnx::importMul(NodeContext &ctx) {
  return importBinary(ctx, OpKind::Mul);
}
llvm::Error rtc::onnx::importDiv(NodeContext &ctx) {
  return importBinary(ctx, OpKind::Div);
}

llvm::Error rtc::onnx::importRelu(NodeContext &ctx) {
  return ctx.emit(OpKind::Relu, {ctx.getInputValue(0)}, {}).takeError();
}

llvm::Error rtc::onnx::importSigmoid(NodeContext &ctx) {
  return ctx.emit(OpKind::Sigmoid, {ctx.getInputValue(0)}, {}).takeError();
}

llvm::Error rtc::onnx::importLeakyRelu(NodeContext &ctx) {
  LeakyReluAttrs attrs;
  attrs.alpha = ctx.getFloat("alpha", 0.01f);
  return ctx.emit(OpKind::LeakyRelu, {ctx.getInputValue(0)}, attrs).takeError();
}

llvm::Error rtc::onnx::importClip(NodeContext &ctx) {
  ClipAttrs attrs;
  if (ctx.getOpset() < 11) {
    // Clip-6 defaults to the float range, not to infinities.
    attrs.min = ctx.getFloat("min", std::numeric_limits<float>::lowest());
    attrs.max = ctx.getFloat("max", std::numeric_limits<float>::max());
  } else {
    ErrorList errors;
    if (ctx.hasInput(1)) {
      auto min = ctx.getConstantScalar(1, "min");
      if (min)
        attrs.min = float(*min);
      else
        errors.add(min.takeError());
    }
    if (ctx.hasInput(2)) {
      auto max = ctx.getConstantScalar(2, "max");
      if (max)
        attrs.max = float(*max);
      else
        errors.add(max.takeError());
    }
    if (!errors.empty())
      return errors.take();
  }
  return ctx.emit(OpKind::Clip, {ctx.getInputValue(0)}, attrs).takeError();
}

llvm::Error rtc::onnx::importSoftmax(NodeContext &ctx) {
  TensorType x = ctx.getInputType(0);
  int64_t rank = int64_t(x.getRank());
  bool flattening = ctx.getOpset() < 13;
  auto axis = normalizeAxis(ctx, ctx.getInt("axis", flattening ? 1 : -1),
                            std::max<int64_t>(rank, 1), "axis");
  if (!axis)
    return axis.takeError();
  // Opset 13 and flattening semantics agree when the axis is the last one.
  if (!flattening || *axis == rank - 1 || rank == 0)
    return ctx.emit(OpKind::Softmax, {ctx.getInputValue(0)}, AxisAttrs{*axis})
        .takeError();

  // Before opset 13: coerce to 2-D [prod(d < axis), prod(d >= axis)],
  // normalize each row, and restore the shape.
  int64_t rows = 1, cols = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? rows : cols) *= x.shape[i];
  std::string base = ctx.getOutputName(0).str();
  auto flat = ctx.emitTemp(OpKind::Reshape, {ctx.getInputValue(0)},
                           ReshapeAttrs{{rows, cols}}, base + ".flat");
  if (!flat)
    return flat.takeError();
  auto soft =
      ctx.emitTemp(OpKind::Softmax, {*flat}, AxisAttrs{1}, base + ".softmax");
  if (!soft)
    return soft.takeError();
  return ctx.emit(OpKind::Reshape, {*soft}, ReshapeAttrs{x.shape}).takeError();
}

/// Binds output 0 to input 0: a constant stays a constant, a value gets an
/// Identity node (so the ONNX output name and location survive).
static llvm::Error forwardInput(NodeContext &ctx) {
  if (const Tensor *c = ctx.getConstantInput(0)) {
    ctx.defineConstantOutput(0, *c);
    return llvm::Error::success();
  }
  return ctx.emit(OpKind::Identity, {ctx.getInputValue(0)}, {}).takeError();
}

llvm::Error rtc::onnx::importIdentity(NodeContext &ctx) {
  return forwardInput(ctx);
}

llvm::Error rtc::onnx::importDropout(NodeContext &ctx) {
  ErrorList errors;
  if (ctx.isOutputUsed(1))
    errors.add(ctx.error("the mask output ('{}') is not supported",
                         ctx.getOutputName(1).str()));
  // From opset 12, ratio and training_mode are inputs. The ratio does not
  // matter in inference; training_mode must be known to be false.
  if (ctx.getOpset() >= 12 && ctx.hasInput(2)) {
    auto training = ctx.getConstantScalar(2, "training_mode");
    if (!training)
      errors.add(training.takeError());
    else if (*training != 0)
      errors.add(ctx.error("training_mode=true is not supported (inference "
                           "only)"));
  }
  if (!errors.empty())
    return errors.take();
  return forwardInput(ctx);
}

llvm::Error rtc::onnx::importConstant(NodeContext &ctx) {
  static const char *const forms[] = {
      "value",     "sparse_value", "value_float",  "value_floats",
      "value_int", "value_ints",   "value_string", "value_strings"};
  llvm::SmallVector<llvm::StringRef, 2> present;
  for (const char *f : forms)
    if (ctx.hasAttr(f))
      present.push_back(f);
  if (present.size() != 1)
    return ctx.error("expected exactly one value attribute, got {}",
                     present.size());
  llvm::StringRef form = present.front();
  const ::onnx::AttributeProto &attr = *ctx.findAttr(form);
  if (form == "value") {
    auto t = convertTensorProto(attr.t());
    if (!t)
      return attachLocation(t.takeError(), ctx.getLoc());
    ctx.defineConstantOutput(0, std::move(*t));
  } else if (form == "value_float") {
    ctx.defineConstantOutput(0, Tensor::fromValues<float>({}, {attr.f()}));
  } else if (form == "value_int") {
    ctx.defineConstantOutput(0, Tensor::fromValues<int64_t>({}, {attr.i()}));
  } else if (form == "value_floats") {
    llvm::SmallVector<float, 4> v = ctx.getFloats(form);
    ctx.defineConstantOutput(0,
                             Tensor::fromValues<float>({int64_t(v.size())}, v));
  } else if (form == "value_ints") {
    llvm::SmallVector<int64_t, 4> v = ctx.getInts(form);
    ctx.defineConstantOutput(
        0, Tensor::fromValues<int64_t>({int64_t(v.size())}, v));
  } else {
    return ctx.error("Constant with '{}' is not supported", form.str());
  }
  return llvm::Error::success();
}

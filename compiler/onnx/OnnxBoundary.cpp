//===- compiler/onnx/OnnxBoundary.cpp - Exception-safe libonnx calls ------===//
//
// The one file of rtcc allowed to contain try/catch: libonnx's checker and
// shape inference throw on invalid models, and we turn every exception into
// an llvm::Error here, at the library boundary.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OnnxBoundary.h"

#include "llvm/ADT/StringRef.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <algorithm>
#include <exception>
#include <unordered_map>

using namespace rtc;

/// libonnx messages end with a context block ("==> Context: ...") that
/// repeats the whole node; keep the first paragraph, on one line.
static std::string cleanMessage(llvm::StringRef msg) {
  size_t ctx = msg.find("==> Context:");
  llvm::StringRef head = msg.substr(0, ctx).trim();
  std::string out;
  for (char c : head)
    out.push_back(c == '\n' ? ' ' : c);
  return out;
}

static llvm::Error toError(const char *what, const std::exception &e) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s", what,
                                 cleanMessage(e.what()).c_str());
}

/// libonnx 1.12's checker rejects IR versions newer than its own (8), but
/// the newer IR versions only add features outside our op set (float8,
/// new attribute kinds), so newer models are checked as IR 8.
static int64_t clampIrVersion(int64_t irVersion) {
  return std::min<int64_t>(irVersion, ::onnx::Version::IR_VERSION);
}

llvm::Error rtc::onnx::checkModelWithOnnx(const ::onnx::ModelProto &model) {
  try {
    ::onnx::ModelProto copy = model;
    copy.set_ir_version(clampIrVersion(model.ir_version()));
    ::onnx::checker::check_model(copy);
    // full_check: shape inference that fails on any node-level error and
    // checks declared types against inferred ones.
    ::onnx::ShapeInferenceOptions options(/*check_type=*/true,
                                          /*strict_mode=*/1);
    ::onnx::shape_inference::InferShapes(
        copy, ::onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    return toError("ONNX checker", e);
  }
  return llvm::Error::success();
}

llvm::Error
rtc::onnx::checkNodeWithOnnx(const ::onnx::NodeProto &node, int64_t irVersion,
                             const std::map<std::string, int> &opsetImports) {
  try {
    ::onnx::checker::CheckerContext ctx;
    ctx.set_ir_version(int(clampIrVersion(irVersion)));
    ctx.set_opset_imports(std::unordered_map<std::string, int>(
        opsetImports.begin(), opsetImports.end()));
    ::onnx::checker::LexicalScopeContext lex;
    ::onnx::checker::check_node(node, ctx, lex);
  } catch (const std::exception &e) {
    return toError("ONNX checker", e);
  }
  return llvm::Error::success();
}

llvm::Error rtc::onnx::inferShapesWithOnnx(::onnx::ModelProto &model) {
  try {
    ::onnx::ShapeInferenceOptions options(/*check_type=*/true,
                                          /*strict_mode=*/0);
    ::onnx::shape_inference::InferShapes(
        model, ::onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    return toError("ONNX shape inference", e);
  }
  return llvm::Error::success();
}

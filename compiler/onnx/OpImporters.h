//===- compiler/onnx/OpImporters.h - The ONNX operator table ----*- C++ -*-===//
//
// Internal to rtc_onnx. One entry per supported ONNX operator (default
// domain): its importer function, the attributes it understands (with the
// opset range in which each exists), its input/output arity, and which
// inputs must be compile-time constants because the IR turns them into
// attributes. The importers themselves live in one file per op family
// (OpImportersNN.cpp, OpImportersElementwise.cpp, OpImportersShape.cpp,
// OpImportersQuant.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/onnx/NodeContext.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace rtc::onnx {

/// Imports one node: emits IR (or binds constants) for its outputs, or
/// returns every problem found with the node.
using OpImportFn = llvm::Error (*)(NodeContext &ctx);

/// An input that must be a compile-time constant from \c sinceOpset on.
struct ConstantInputSpec {
  unsigned index;
  int64_t sinceOpset;
};

struct OpImporterInfo {
  llvm::StringRef opType;
  OpImportFn import;
  llvm::ArrayRef<AttrSpec> attrs;
  unsigned minInputs;
  unsigned maxInputs;
  unsigned maxOutputs;
  llvm::ArrayRef<ConstantInputSpec> constantInputs;
};

/// \returns the importer of default-domain op \p opType, or nullptr.
const OpImporterInfo *lookupOpImporter(llvm::StringRef opType);
/// Every supported op, sorted by op type.
llvm::ArrayRef<OpImporterInfo> getOpImporters();
/// \returns true if input \p index of \p info must be constant at \p opset.
bool isConstantInput(const OpImporterInfo &info, unsigned index, int64_t opset);

// Op-family importers (OpImportersNN.cpp).
llvm::Error importConv(NodeContext &ctx);
llvm::Error importMaxPool(NodeContext &ctx);
llvm::Error importAveragePool(NodeContext &ctx);
llvm::Error importGlobalAveragePool(NodeContext &ctx);
llvm::Error importGlobalMaxPool(NodeContext &ctx);
llvm::Error importBatchNormalization(NodeContext &ctx);
llvm::Error importGemm(NodeContext &ctx);
llvm::Error importMatMul(NodeContext &ctx);

// Element-wise and misc importers (OpImportersElementwise.cpp).
llvm::Error importAdd(NodeContext &ctx);
llvm::Error importSub(NodeContext &ctx);
llvm::Error importMul(NodeContext &ctx);
llvm::Error importDiv(NodeContext &ctx);
llvm::Error importRelu(NodeContext &ctx);
llvm::Error importSigmoid(NodeContext &ctx);
llvm::Error importLeakyRelu(NodeContext &ctx);
llvm::Error importClip(NodeContext &ctx);
llvm::Error importSoftmax(NodeContext &ctx);
llvm::Error importDropout(NodeContext &ctx);
llvm::Error importIdentity(NodeContext &ctx);
llvm::Error importConstant(NodeContext &ctx);

// Data-movement importers (OpImportersShape.cpp).
llvm::Error importConcat(NodeContext &ctx);
llvm::Error importFlatten(NodeContext &ctx);
llvm::Error importReshape(NodeContext &ctx);
llvm::Error importTranspose(NodeContext &ctx);
llvm::Error importSqueeze(NodeContext &ctx);
llvm::Error importUnsqueeze(NodeContext &ctx);
llvm::Error importPad(NodeContext &ctx);

// Pre-quantized model importers (OpImportersQuant.cpp).
llvm::Error importQuantizeLinear(NodeContext &ctx);
llvm::Error importDequantizeLinear(NodeContext &ctx);
llvm::Error importQLinearConv(NodeContext &ctx);
llvm::Error importQLinearMatMul(NodeContext &ctx);
llvm::Error importConvInteger(NodeContext &ctx);
llvm::Error importMatMulInteger(NodeContext &ctx);

/// Resolves an ONNX Reshape target \p target (with 0 = copy the input dim
/// unless \p allowZero, and one -1 = inferred) against \p inputShape.
/// \returns the static output shape or a message (no location).
llvm::Expected<llvm::SmallVector<int64_t, 4>>
resolveReshapeTarget(llvm::ArrayRef<int64_t> inputShape,
                     llvm::ArrayRef<int64_t> target, bool allowZero);

/// Resolves ONNX auto_pad \p autoPad ("NOTSET", "VALID", "SAME_UPPER",
/// "SAME_LOWER") for the spatial dims \p inputSpatial into explicit pads
/// [begin..., end...]. For NOTSET, \p explicitPads is returned (zeros if
/// empty). \returns a message (no location) for an unknown mode.
llvm::Expected<llvm::SmallVector<int64_t, 4>>
resolveAutoPad(llvm::StringRef autoPad, llvm::ArrayRef<int64_t> inputSpatial,
               llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
               llvm::ArrayRef<int64_t> dilations,
               llvm::ArrayRef<int64_t> explicitPads);

} // namespace rtc::onnx

//===- compiler/onnx/OpImporters.cpp - The ONNX operator table ------------===//
//
// Adding an operator: write its importer in the right family file, declare
// it in OpImporters.h, and add one row here with every attribute of its
// ONNX schema (opsets 7-17) that the importer honours. Attributes not listed
// are reported as unsupported rather than silently ignored.
//
//===----------------------------------------------------------------------===//
#include "compiler/onnx/OpImporters.h"

#include <algorithm>

using namespace rtc;
using namespace rtc::onnx;

namespace {
using K = AttrKind;
} // namespace

static const AttrSpec convAttrs[] = {
    {"auto_pad", K::String}, {"kernel_shape", K::Ints}, {"pads", K::Ints},
    {"strides", K::Ints},    {"dilations", K::Ints},    {"group", K::Int}};
static const AttrSpec maxPoolAttrs[] = {{"auto_pad", K::String},
                                        {"kernel_shape", K::Ints},
                                        {"pads", K::Ints},
                                        {"strides", K::Ints},
                                        {"storage_order", K::Int, 8},
                                        {"ceil_mode", K::Int, 10},
                                        {"dilations", K::Ints, 10}};
static const AttrSpec avgPoolAttrs[] = {{"auto_pad", K::String},
                                        {"kernel_shape", K::Ints},
                                        {"pads", K::Ints},
                                        {"strides", K::Ints},
                                        {"count_include_pad", K::Int, 7},
                                        {"ceil_mode", K::Int, 10}};
static const AttrSpec batchNormAttrs[] = {{"epsilon", K::Float},
                                          {"momentum", K::Float},
                                          {"spatial", K::Int, 7, 8},
                                          {"training_mode", K::Int, 14}};
static const AttrSpec gemmAttrs[] = {{"alpha", K::Float},
                                     {"beta", K::Float},
                                     {"transA", K::Int},
                                     {"transB", K::Int}};
static const AttrSpec leakyReluAttrs[] = {{"alpha", K::Float}};
static const AttrSpec clipAttrs[] = {{"min", K::Float, 6, 10},
                                     {"max", K::Float, 6, 10}};
static const AttrSpec axisAttrs[] = {{"axis", K::Int}};
static const AttrSpec dropoutAttrs[] = {{"ratio", K::Float, 7, 11},
                                        {"seed", K::Int, 12}};
static const AttrSpec constantAttrs[] = {{"value", K::Tensor},
                                         {"sparse_value", K::Tensor, 11},
                                         {"value_float", K::Float, 12},
                                         {"value_floats", K::Floats, 12},
                                         {"value_int", K::Int, 12},
                                         {"value_ints", K::Ints, 12},
                                         {"value_string", K::String, 12},
                                         {"value_strings", K::Ints, 12}};
static const AttrSpec reshapeAttrs[] = {{"allowzero", K::Int, 14}};
static const AttrSpec transposeAttrs[] = {{"perm", K::Ints}};
static const AttrSpec axesAttrs[] = {{"axes", K::Ints, 1, 12}};
static const AttrSpec padAttrs[] = {
    {"mode", K::String}, {"pads", K::Ints, 2, 10}, {"value", K::Float, 2, 10}};

static const AttrSpec quantAxisAttrs[] = {{"axis", K::Int, 13}};

static const ConstantInputSpec clipConstants[] = {{1, 11}, {2, 11}};
static const ConstantInputSpec dropoutConstants[] = {{2, 12}};
static const ConstantInputSpec reshapeConstants[] = {{1, 5}};
static const ConstantInputSpec axesConstants[] = {{1, 13}};
static const ConstantInputSpec padConstants[] = {{1, 11}, {2, 11}};
// Scales and zero points (OpImportersQuant.cpp).
static const ConstantInputSpec quantConstants[] = {{1, 10}, {2, 10}};
static const ConstantInputSpec qlinearConstants[] = {{1, 10}, {2, 10}, {4, 10},
                                                     {5, 10}, {6, 10}, {7, 10}};
static const ConstantInputSpec integerConstants[] = {{2, 10}, {3, 10}};

// Sorted by op type (checked on lookup).
static const OpImporterInfo opImporters[] = {
    // opType, import, attrs, minInputs, maxInputs, maxOutputs, constants
    {"Add", importAdd, {}, 2, 2, 1, {}},
    {"AveragePool", importAveragePool, avgPoolAttrs, 1, 1, 1, {}},
    {"BatchNormalization",
     importBatchNormalization,
     batchNormAttrs,
     5,
     5,
     5,
     {}},
    {"Clip", importClip, clipAttrs, 1, 3, 1, clipConstants},
    {"Concat", importConcat, axisAttrs, 1, ~0u, 1, {}},
    {"Constant", importConstant, constantAttrs, 0, 0, 1, {}},
    {"Conv", importConv, convAttrs, 2, 3, 1, {}},
    {"ConvInteger", importConvInteger, convAttrs, 2, 4, 1, integerConstants},
    {"DequantizeLinear", importDequantizeLinear, quantAxisAttrs, 2, 3, 1,
     quantConstants},
    {"Div", importDiv, {}, 2, 2, 1, {}},
    {"Dropout", importDropout, dropoutAttrs, 1, 3, 2, dropoutConstants},
    {"Flatten", importFlatten, axisAttrs, 1, 1, 1, {}},
    {"Gemm", importGemm, gemmAttrs, 2, 3, 1, {}},
    {"GlobalAveragePool", importGlobalAveragePool, {}, 1, 1, 1, {}},
    {"GlobalMaxPool", importGlobalMaxPool, {}, 1, 1, 1, {}},
    {"Identity", importIdentity, {}, 1, 1, 1, {}},
    {"LeakyRelu", importLeakyRelu, leakyReluAttrs, 1, 1, 1, {}},
    {"MatMul", importMatMul, {}, 2, 2, 1, {}},
    {"MatMulInteger", importMatMulInteger, {}, 2, 4, 1, integerConstants},
    {"MaxPool", importMaxPool, maxPoolAttrs, 1, 1, 2, {}},
    {"Mul", importMul, {}, 2, 2, 1, {}},
    {"Pad", importPad, padAttrs, 1, 3, 1, padConstants},
    {"QLinearConv", importQLinearConv, convAttrs, 8, 9, 1, qlinearConstants},
    {"QLinearMatMul", importQLinearMatMul, {}, 8, 8, 1, qlinearConstants},
    {"QuantizeLinear", importQuantizeLinear, quantAxisAttrs, 2, 3, 1,
     quantConstants},
    {"Relu", importRelu, {}, 1, 1, 1, {}},
    {"Reshape", importReshape, reshapeAttrs, 2, 2, 1, reshapeConstants},
    {"Sigmoid", importSigmoid, {}, 1, 1, 1, {}},
    {"Softmax", importSoftmax, axisAttrs, 1, 1, 1, {}},
    {"Squeeze", importSqueeze, axesAttrs, 1, 2, 1, axesConstants},
    {"Sub", importSub, {}, 2, 2, 1, {}},
    {"Transpose", importTranspose, transposeAttrs, 1, 1, 1, {}},
    {"Unsqueeze", importUnsqueeze, axesAttrs, 1, 2, 1, axesConstants},
};

llvm::ArrayRef<OpImporterInfo> rtc::onnx::getOpImporters() {
  return opImporters;
}

const OpImporterInfo *rtc::onnx::lookupOpImporter(llvm::StringRef opType) {
  auto less = [](const OpImporterInfo &info, llvm::StringRef t) {
    return info.opType < t;
  };
  assert(std::is_sorted(std::begin(opImporters), std::end(opImporters),
                        [](const OpImporterInfo &a, const OpImporterInfo &b) {
                          return a.opType < b.opType;
                        }) &&
         "operator table must be sorted");
  const OpImporterInfo *it = std::lower_bound(
      std::begin(opImporters), std::end(opImporters), opType, less);
  if (it == std::end(opImporters) || it->opType != opType)
    return nullptr;
  return it;
}

bool rtc::onnx::isConstantInput(const OpImporterInfo &info, unsigned index,
                                int64_t opset) {
  for (const ConstantInputSpec &spec : info.constantInputs)
    if (spec.index == index && opset >= spec.sinceOpset)
      return true;
  return false;
}

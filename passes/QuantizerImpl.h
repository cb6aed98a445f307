//===- passes/QuantizerImpl.h - The quantize pass's graph rebuilder -*- C++ -*-===//
//
// Internal to the quantize pass (the public interface is passes/Quantize.h):
// the Quantizer that rebuilds a float graph as its quantized form. Its
// member functions are split over passes/Quantize.cpp (value versions,
// names, the node-by-node driver) and passes/QuantizeOps.cpp (the per-op
// rewrites: conv, gemm/matmul, average pools, add, transparent ops,
// concat). See passes/Quantize.cpp for the design.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/Tensor.h"
#include "passes/Calibration.h"
#include "passes/Pipelines.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace rtc::quant_detail {

/// Ops that run unchanged on quantized tensors, their results keeping the
/// input's parameters (max/average pooling, relu and reshapes cannot leave
/// the input's real range).
inline bool isQuantTransparent(OpKind kind) {
  switch (kind) {
  case OpKind::Identity:
  case OpKind::Reshape:
  case OpKind::Flatten:
  case OpKind::Transpose:
  case OpKind::Squeeze:
  case OpKind::Unsqueeze:
  case OpKind::MaxPool:
  case OpKind::GlobalMaxPool:
  case OpKind::AveragePool:
  case OpKind::GlobalAveragePool:
  case OpKind::Relu:
    return true;
  default:
    return false;
  }
}

/// Ops that only move or select data (no float fallback counted for them).
inline bool isDataMovement(OpKind kind) {
  return kind == OpKind::Constant || kind == OpKind::Concat ||
         kind == OpKind::Pad ||
         (isQuantTransparent(kind) && kind != OpKind::Relu &&
          kind != OpKind::AveragePool && kind != OpKind::GlobalAveragePool);
}

/// Rebuilds a float graph as its quantized form.
class Quantizer {
public:
  Quantizer(const Graph &src, const ActivationRanges &ranges,
            const QuantOptions &opts)
      : src(src), ranges(ranges), opts(opts), dst(src.getName().str()),
        plain(src.getNumValues()), quant(src.getNumValues()),
        absorbed(src.getNumNodeSlots(), false) {}

  llvm::Expected<Graph> run();

  unsigned numQuantized = 0;
  unsigned numFallbacks = 0;
  /// Data-movement nodes rewritten to run on quantized tensors.
  unsigned numMoved = 0;

private:
  llvm::Error rewriteNode(const Node &n);
  llvm::Expected<bool> rewriteConv(const Node &n);
  llvm::Expected<bool> rewriteGemm(const Node &n);
  llvm::Expected<bool> rewriteAdd(const Node &n);
  llvm::Expected<bool> rewriteTransparent(const Node &n);
  llvm::Expected<bool> rewriteConcat(const Node &n);
  llvm::Error copyNode(const Node &n);

  /// Emits for node \p n a qconv (if \p conv is given; weights [M, C/g,
  /// k..], channels on axis 0) or a qmatmul (weights [K, N], channels on
  /// axis 1) with quantized input \p qx, float weights \p w and float
  /// \p bias (or empty).
  llvm::Error emitLinear(const Node &n, ValueId qx, const Tensor &w,
                         const std::optional<ConvAttrs> &conv,
                         llvm::ArrayRef<float> bias, const FusedActivation &act,
                         const ValueRange &outR);
  /// GlobalAveragePool, and AveragePool whose windows all divide by the
  /// kernel size, into a depthwise qconv.
  llvm::Expected<bool> rewriteAvgPool(const Node &n);

  ValueId getPlain(ValueId v);
  llvm::Expected<std::optional<ValueId>> getQuant(ValueId v);
  /// The name for the primary (first) version of \p v in the new graph.
  std::string primaryName(ValueId v, bool isQuantVersion);
  std::string uniqueName(const std::string &base);
  /// Appends a single-result node; \returns its result.
  llvm::Expected<ValueId> emit(OpKind kind, llvm::ArrayRef<ValueId> operands,
                               Attrs attrs, const Location &loc,
                               std::string name);

  const Graph &src;
  const ActivationRanges &ranges;
  const QuantOptions &opts;
  Graph dst;
  std::vector<ValueId> plain; ///< source value -> its plain version
  std::vector<ValueId> quant; ///< source value -> its quantized version
  std::vector<bool> absorbed; ///< source nodes folded into an earlier one
  llvm::StringSet<> usedNames;
};

} // namespace rtc::quant_detail

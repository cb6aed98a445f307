//===- passes/FoldQdq.h - Fold QDQ patterns into integer ops ---*- C++ -*-===//
//
// `fold-qdq`: turns the quantize-dequantize ("QDQ") form of a pre-quantized
// model into integer ops, keeping the model's own scales:
//
//   %xf = dequantize %xq                 x: per-tensor quantized value
//   %wf = dequantize %wq                 w: quantized constant, per tensor or
//                                           per output channel
//   %bf = const f32 [M]  (or dequantize of an i32 constant; optional)
//   %yf = conv %xf, %wf, %bf             (or matmul %xf, %wf;
//                                          or gemm %xf, %wf, %bf)
//   %yq = quantize %yf                   per tensor
// becomes
//   %bq = const i32 [M]   roundHalfEven(b / (sx * sw[c])), saturated
//   %yq = qconv %xq, %wq, %bq            (qmatmul for matmul / gemm)
// with one fixed-point multiplier per output channel for sx * sw[c] / sy and
// the clamp of y's representable range. A fused Relu or Clip on the conv /
// gemm narrows the clamp (exact: quantization is monotone and maps 0 to the
// zero point). Gemm needs alpha = beta = 1, transA = 0 and a 2-D A; transB
// is folded by transposing the weight constant; C must be [N] or [1, N].
//
//   requires:   a verified graph.
//   guarantees: every matched pattern is replaced; the replaced float node
//               and the dequantize nodes left without users are erased and
//               the graph is compacted. Unmatched patterns are unchanged.
//               The result (after a final dequantize) equals the float
//               graph's up to the difference between float accumulation
//               and exact integer accumulation with fixed-point
//               requantization: at most one quantization step of y.
//   statistics: fold-qdq.folded = number of patterns folded.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <memory>

namespace rtc {

/// Folds every QDQ conv / matmul / gemm pattern in \p g (see the file
/// comment). \returns the number of patterns folded (0: nothing changed).
unsigned foldQdqPatterns(Graph &g);

/// The `fold-qdq` pass: a thin adapter over foldQdqPatterns().
class FoldQdqPass : public GraphPass {
public:
  llvm::StringRef getName() const override { return "fold-qdq"; }
  llvm::StringRef getDescription() const override {
    return "Fold dequantize -> conv/matmul/gemm -> quantize into qconv/qmatmul";
  }
  llvm::Expected<Changed> run(Graph &g, PassContext &ctx) override;
};

/// Factory used by the pass registry (passes/Passes.def).
std::unique_ptr<GraphPass> createFoldQdqPass();

} // namespace rtc

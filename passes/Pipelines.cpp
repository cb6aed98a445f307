//===- passes/Pipelines.cpp - The production pass pipelines ---------------===//
//
// The order of the compiler's graph passes, written once. Each list reads
// top to bottom in execution order; the comments say why a pass sits where
// it does.
//
//===----------------------------------------------------------------------===//
#include "passes/Pipelines.h"

#include "passes/Canonicalize.h"
#include "passes/DeadNodeElim.h"
#include "passes/FoldBatchNorm.h"
#include "passes/FoldConstants.h"
#include "passes/FoldQdq.h"
#include "passes/FuseActivation.h"
#include "passes/Im2Col.h"
#include "passes/Quantize.h"

using namespace rtc;

void rtc::buildFloatPipeline(PassManager &pm, const CompileOptions &) {
  // Drop identities and no-op reshapes first so the patterns below see
  // producers and consumers next to each other.
  pm.addPass(createCanonicalizePass());
  // Shape computations and weight transposes on constants become constants,
  // so BatchNorm and bias operands are recognisably constant.
  pm.addPass(createFoldConstantsPass());
  // Conv/Gemm + BatchNorm -> Conv/Gemm with new weights and bias.
  pm.addPass(createFoldBatchNormPass());
  // Bias Add and Relu/Clip into Conv/Gemm (MatMul + Add -> Gemm).
  pm.addPass(createFuseActivationPass());
  // Anything the rewrites above left constant-only.
  pm.addPass(createFoldConstantsPass());
  pm.addPass(createDeadNodeElimPass());
}

void rtc::buildDefaultPipeline(PassManager &pm,
                               const CompileOptions &options) {
  buildFloatPipeline(pm, options);

  // Pre-quantized (QDQ) models: dequantize -> conv/matmul -> quantize
  // becomes qconv/qmatmul with the model's own scales. A no-op on float
  // graphs, so it always runs; it comes after fuse-activation because a
  // fused Relu/Clip narrows the requantization clamp.
  pm.addPass(createFoldQdqPass());

  if (options.quantize) {
    // Static post-training quantization on the fused float graph, then
    // clean-up of what it leaves constant-only (quantized weights) or dead.
    pm.addPass(createQuantizePass(options.quant, options.calibration));
    pm.addPass(createFoldConstantsPass());
    pm.addPass(createDeadNodeElimPass());
  }

  if (options.lowerIm2Col)
    pm.addPass(createIm2ColPass());
}

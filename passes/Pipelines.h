//===- passes/Pipelines.h - The production pass pipelines ------*- C++ -*-===//
//
// The order of the compiler's graph passes is written once, here and in
// passes/Pipelines.cpp, as readable lists.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Tensor.h"
#include "passes/PassManager.h"

#include <cstdint>
#include <vector>

namespace rtc {

enum class CalibMethod : uint8_t {
  MinMax,     ///< observed min and max of every activation
  Percentile, ///< the percentile-th / (100 - percentile)-th values
};

/// Static post-training quantization settings.
struct QuantOptions {
  int64_t weightBits = 8;     ///< 2..8: per-channel symmetric weights
  int64_t activationBits = 8; ///< 2..8: per-tensor activations
  CalibMethod method = CalibMethod::MinMax;
  double percentile = 99.99;  ///< with CalibMethod::Percentile, in (50, 100]
};

/// What rtcc compiles and how.
struct CompileOptions {
  /// Quantize to integers (otherwise the graph stays float).
  bool quantize = false;
  QuantOptions quant;
  /// Calibration inputs, one tensor per sample with the model input's type
  /// (single-input models). Empty: the quantizer calibrates on seeded random
  /// inputs and the driver warns.
  std::vector<Tensor> calibration;
  /// Lower Conv to Im2Col + MatMul (off by default: the racetrack backend
  /// chooses between im2col and direct sliding windows itself).
  bool lowerIm2Col = false;
};

/// Target-independent float clean-up and fusion: canonicalize, fold
/// constants, fold batch norm, fuse activations, dce.
void buildFloatPipeline(PassManager &pm, const CompileOptions &options);

/// The whole graph pipeline: the float pipeline, then (if
/// options.quantize) quantization and integer clean-up, then (if
/// options.lowerIm2Col) im2col.
void buildDefaultPipeline(PassManager &pm, const CompileOptions &options);

} // namespace rtc

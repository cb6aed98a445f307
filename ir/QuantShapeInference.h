//===- ir/QuantShapeInference.h - Typing of im2col and quantized ops -*- C++ -*-===//
//
// Internal to rtc_ir: the typing rules of Im2Col and the quantized ops
// (Quantize, Dequantize, Requantize, QConv, QMatMul, QAdd), kept apart from
// ir/ShapeInference.cpp for size. inferResultTypes() dispatches here after
// it has checked the operand count and the attribute kind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Attrs.h"
#include "ir/Graph.h"
#include "ir/Types.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

namespace rtc::detail {

/// \returns the result types of \p kind, one of the ops above, whose operand
/// count and attribute kind are already checked.
llvm::Expected<llvm::SmallVector<TensorType, 1>>
inferQuantizedOpTypes(OpKind kind, llvm::ArrayRef<TensorType> ops,
                      const Attrs &attrs);

/// Checks a fused activation of Conv or Gemm: Clip needs min <= max (no NaN).
llvm::Error checkFusedActivation(const FusedActivation &act);

} // namespace rtc::detail

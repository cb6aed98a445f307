//===- ir/ShapeInference.h - Per-op result type inference ------*- C++ -*-===//
//
// The one definition of every op's typing rule: operand count, element
// types, ranks, attribute consistency, and the static result shapes. Used by
// the builder, the ONNX importer and the verifier (which re-infers and
// compares). Errors are plain messages without a location; callers attach
// the node's location with attachLocation().
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Attrs.h"
#include "ir/Graph.h"
#include "ir/Types.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

namespace rtc {

/// Infers the result types of an op \p kind applied to operands of
/// \p operandTypes with attributes \p attrs. For Constant the result is the
/// value's type. \returns an error describing the first violated rule.
/// Result types carry no quantization parameters unless the op's rule says
/// so (quantization passes set them).
llvm::Expected<llvm::SmallVector<TensorType, 1>>
inferResultTypes(OpKind kind, llvm::ArrayRef<TensorType> operandTypes,
                 const Attrs &attrs);

/// Numpy multidirectional broadcast of two shapes, or an error.
llvm::Expected<llvm::SmallVector<int64_t, 4>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Output size of one spatial dim of a convolution or pooling window:
/// floor or ceil((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1.
/// With ceil mode, a last window that would start in the end padding is
/// dropped (ONNX / PyTorch rule).
int64_t computeWindowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, bool ceilMode);

} // namespace rtc

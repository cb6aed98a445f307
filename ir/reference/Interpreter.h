//===- ir/reference/Interpreter.h - Float reference interpreter -*- C++ -*-===//
//
// The golden semantics of every graph op, implemented once (one kernel file
// per op family: Elementwise, MatMul, Conv, Pool, Normalization, Shape).
// Constant folding, the reference interpreter and the end-to-end oracle all
// call these kernels. Float ops compute in float32 (accumulating in float,
// in the loop order documented in each kernel); data-movement ops work on
// any element type.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/Tensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace rtc {

/// Evaluates node \p node of \p g on \p operands (one per node operand).
/// \returns the results (typed as the node's result values), or an error
/// located at the node for unsupported element types or invalid data.
llvm::Expected<llvm::SmallVector<Tensor, 1>>
evaluateNode(const Graph &g, const Node &node,
             llvm::ArrayRef<const Tensor *> operands);

/// Runs \p g on \p inputs (one per graph input; element types and shapes
/// must match; the data is read with the graph input's quantization
/// parameters, so plain integer tensors may feed quantized inputs).
/// \returns the graph outputs in order.
llvm::Expected<std::vector<Tensor>> interpret(const Graph &g,
                                              llvm::ArrayRef<Tensor> inputs);

} // namespace rtc

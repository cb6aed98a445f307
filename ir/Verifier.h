//===- ir/Verifier.h - Graph invariants ------------------------*- C++ -*-===//
#pragma once

#include "llvm/Support/Error.h"

namespace rtc {
class Graph;

/// Checks every invariant listed in ir/Graph.h: operand counts and attribute
/// kinds from ir/Ops.def, result types re-inferred and compared (quantization
/// parameters on results are allowed to differ from inference's none),
/// topological order, no use of erased nodes, defined outputs, unique value
/// names. \returns all violations joined, each located at its node.
llvm::Error verify(const Graph &g);

} // namespace rtc

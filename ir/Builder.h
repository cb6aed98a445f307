//===- ir/Builder.h - Type-inferring node construction ---------*- C++ -*-===//
//
// Helpers that append nodes whose result types come from shape inference,
// so passes and tests never spell result types by hand.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/Support/Error.h"

namespace rtc {

/// Appends a node of \p kind with inferred result types. \returns the new
/// node's id, or the shape-inference error located at \p loc.
llvm::Expected<NodeId> buildNode(Graph &g, OpKind kind,
                                 llvm::ArrayRef<ValueId> operands,
                                 Attrs attrs, Location loc = {},
                                 llvm::ArrayRef<std::string> resultNames = {});

/// Like buildNode for single-result ops; \returns the result value.
llvm::Expected<ValueId> buildValue(Graph &g, OpKind kind,
                                   llvm::ArrayRef<ValueId> operands,
                                   Attrs attrs, Location loc = {},
                                   std::string resultName = "");

/// Inserts before \p pos a node with inferred result types.
llvm::Expected<NodeId>
buildNodeBefore(Graph &g, NodeId pos, OpKind kind,
                llvm::ArrayRef<ValueId> operands, Attrs attrs,
                Location loc = {},
                llvm::ArrayRef<std::string> resultNames = {});

} // namespace rtc

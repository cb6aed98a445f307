//===- ir/Parser.h - Parse the textual graph IR ----------------*- C++ -*-===//
#pragma once

#include "ir/Graph.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace rtc {

/// Parses one graph in the form printed by ir/Printer.h. Nodes get
/// FileLineCol locations in \p fileName (an ONNX loc("...") suffix is kept as
/// an OnnxNode location with that node name). Result types are checked
/// against shape inference. \returns the graph or every error found, each at
/// file:line:col.
/// \p firstLine is the line number of the first line of \p text.
llvm::Expected<Graph> parseGraph(llvm::StringRef text,
                                 llvm::StringRef fileName,
                                 unsigned firstLine = 1);

/// Splits \p text at lines consisting of "// -----" (lit's
/// -split-input-file convention). \returns each chunk together with the
/// 1-based line number where it starts, so diagnostics keep true lines.
struct TextChunk {
  llvm::StringRef text;
  unsigned firstLine;
};
llvm::SmallVector<TextChunk, 4> splitInputFile(llvm::StringRef text);

} // namespace rtc

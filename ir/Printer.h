//===- ir/Printer.h - Textual form of the graph IR -------------*- C++ -*-===//
//
// The textual form is MLIR-flavoured and round-trips exactly through
// ir/Parser.h: print(parse(print(g))) == print(g). Example:
//
//   graph @lenet(%input: tensor<1x1x28x28xf32>) -> (tensor<1x10xf32>) {
//     %w = const dense<0x...> : tensor<6x1x5x5xf32>
//     %0 = conv %input, %w {kernel_shape = [5, 5], strides = [1, 1],
//            dilations = [1, 1], pads = [2, 2, 2, 2], group = 1}
//            : tensor<1x6x28x28xf32>
//     %1 = relu %0 : tensor<1x6x28x28xf32>
//     ...
//     return %9
//   }
//
// Values print with their name when they have one (quoted as %"a/b:0" when
// it is not an identifier) and are numbered %0, %1, ... otherwise.
// Constants of up to `inlineConstantLimit` elements print as lists
// (dense<[1, 2, 3]>, or a splat dense<0>); larger ones as exact little-
// endian hex (dense<0x...>) or, with elideLargeConstants, as
// dense<...> which is readable but does not parse back.
// Nodes imported from ONNX print a trailing loc("node name").
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc {
class Graph;

struct PrintOptions {
  /// Constants with more elements print as hex (or elided).
  int64_t inlineConstantLimit = 16;
  /// Print large constants as "dense<...>" (not parseable).
  bool elideLargeConstants = false;
  /// Print loc("...") suffixes for ONNX locations.
  bool printLocations = true;
};

void printGraph(const Graph &g, llvm::raw_ostream &os,
                const PrintOptions &options = {});
std::string printGraphToString(const Graph &g,
                               const PrintOptions &options = {});

} // namespace rtc

//===- ir/Printer.h - Textual form of the graph IR -------------*- C++ -*-===//
//
// The textual form is MLIR-flavoured and round-trips exactly through
// ir/Parser.h: print(parse(print(g))) == print(g). Example (one line per
// node; the conv is wrapped here):
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
// Values print with their name when they have one and are numbered %0,
// %1, ... (in definition order: inputs, then node results) otherwise. A
// name prints bare when it matches [A-Za-z0-9_.$-]+ and is not purely
// decimal; otherwise it is quoted with \" \\ \n \t \xHH escapes
// (%"a/b:0", %"5"), so a bare decimal always means "unnamed" and
// parse(print(g)) == g, names included. A name used twice (an invalid
// graph) prints numbered the second time, so output stays unambiguous.
// The graph name follows the same rule (@"" when empty; decimals bare).
//
// Node lines: `%r = mnemonic %a, %b {attrs} : type` (several results:
// `%r0, %r1 = ... : t0, t1`). Every attribute of the struct is printed, in
// the order of ir/AttrFields.h, with snake_case names; floats use the
// shortest text that round-trips (fmt "{}"), spelled inf, -inf, nan;
// booleans true/false; pad mode "constant" | "reflect" | "edge". The parser
// accepts omitted scalar attributes (struct default) but requires lists and
// `axis`; see ir/AttrFields.h.
//
// Constants: `%w = const dense<...> : type` where the literal is a splat
// dense<v> when all elements are bitwise equal (any size), a flat row-major
// list dense<[1, 2, 3]> up to `inlineConstantLimit` elements, and otherwise
// the exact little-endian bytes dense<0x0000803F...> (uppercase hex), or,
// with elideLargeConstants, dense<...> which is readable but does not parse
// back. Float constants holding a NaN always print as hex (payloads and
// signs survive). i1 elements print true/false.
//
// Nodes with an ONNX location print a trailing loc("node name") (unless
// printLocations is off); the parser keeps it as an OnnxNode location.
// Printing never fails: dangling operands of a broken graph print as
// %<invalid#N> so --print-ir-on-failure dumps stay readable.
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

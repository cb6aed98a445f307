//===- compiler/RtccEvaluate.h - rtcc's options and graph runs --*- C++ -*-===//
//
// Internal to the rtcc tool (compiler/rtcc.cpp): the DriverOptions value the
// command line is turned into, the compiled graphs, and the two actions
// that run graphs on input files and report on them (--reference and
// --evaluate), implemented in compiler/RtccEvaluate.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/onnx/OnnxImporter.h"
#include "ir/Graph.h"
#include "ir/Printer.h"
#include "passes/PassManager.h"
#include "passes/Pipelines.h"
#include "targets/racetrack/lower/Lowering.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace rtc::rtcc {

/// What rtcc was asked to do.
enum class Action {
  None,
  EmitIr,    ///< --emit=ir
  EmitAsm,   ///< --emit=asm: the racetrack assembly listing
  Reference, ///< --reference X: run the (float or quantized) graph
  Evaluate,  ///< --evaluate X --labels Y
  Golden,    ///< --golden X -o OUT: the integer golden model's outputs
  Compile,   ///< -o model.rtbin: lower to the racetrack target
  ReportPlacement, ///< --report-placement: every strategy side by side
};

/// Everything the driver does, decided from the command line.
struct DriverOptions {
  std::string modelPath;
  /// Output file; "-" means stdout.
  std::string outputPath = "-";
  Action action = Action::None;
  onnx::ImportOptions import;
  PrintOptions print;
  /// --reference: the input tensor file, how many classes to show, and an
  /// optional file of class names (one per line).
  std::string referenceInput;
  unsigned topK = 5;
  std::string classNamesPath;
  /// Run the graph pipeline (quantizing if compile.quantize).
  bool runPipeline = false;
  /// What the pipeline does; compile.calibration is filled after import
  /// from calibPath (it needs the model's input type).
  CompileOptions compile;
  std::string calibPath;
  PassManagerOptions passes;
  bool showStats = false;
  /// --evaluate: the inputs (N x input shape) and their labels (N).
  std::string evaluateInputs;
  std::string labelsPath;
  /// Placement strategy and options of the racetrack code generator.
  racetrack::LowerOptions lower;
};

/// The compiled graphs: the pipeline's result and, for --evaluate, the
/// float graph after the float pipeline.
struct Compiled {
  Graph graph;
  std::optional<Graph> floatGraph;
  double quantizeSeconds = 0.0;
};

/// --reference: runs \p g on the input file of \p opts (one sample or a
/// batch), prints the top classes of every output per sample and, with -o,
/// writes the first output (stacked over samples) to a tensor file.
llvm::Error runReference(const Graph &g, const DriverOptions &opts);

/// --evaluate: runs the float and the quantized graph of \p c on every
/// sample of the --evaluate file and prints their top-1 accuracy against
/// --labels, ending with the lines `float top-1: X` and
/// `quantized top-1: Y` (4 decimals).
llvm::Error runEvaluation(const Compiled &c, const DriverOptions &opts);

} // namespace rtc::rtcc

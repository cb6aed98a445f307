//===- compiler/rtc-opt.cpp - Textual graph IR -> passes -> textual IR ----===//
//
// The lit workhorse: parses .rtg text, verifies it, runs --passes=a,b,c and
// prints the result to stdout (or -o). Diagnostics go to stderr as
// `file:line:col: error: ...`. Exit codes: 0 success, 1 input errors
// (parse, verify, pass failure), 2 usage errors (bad flags, unknown pass).
//
//===----------------------------------------------------------------------===//
#include "ir/Diagnostics.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "passes/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace cl = llvm::cl;
using namespace rtc;

static constexpr const char *toolName = "rtc-opt";

/// The shared libLLVM registers options spelled like ours (stats,
/// time-passes, print-after, ...) for its own pass manager. They mean
/// nothing here, and registering ours next to them would be a fatal
/// duplicate, so they are dropped before rtc-opt's options exist.
static void dropConflictingLlvmOptions() {
  llvm::StringMap<cl::Option *> &registered = cl::getRegisteredOptions();
  for (const char *name :
       {"passes", "o", "split-input-file", "verify-each", "print-after-all",
        "print-after", "print-ir-on-failure", "time-passes", "stats",
        "list-passes", "elide-constants"}) {
    auto it = registered.find(name);
    if (it != registered.end())
      it->second->removeArgument();
  }
}

/// Parses, verifies and transforms one graph. \returns its printed form,
/// or nullopt after printing the diagnostics.
static std::optional<std::string>
processChunk(const TextChunk &chunk, llvm::StringRef displayName,
             llvm::StringRef pipeline, const PassManagerOptions &pmOptions,
             const PrintOptions &printOptions, PassContext &ctx) {
  llvm::Expected<Graph> g =
      parseGraph(chunk.text, displayName, chunk.firstLine);
  if (!g) {
    renderErrors(g.takeError(), llvm::errs(), toolName);
    return std::nullopt;
  }
  if (llvm::Error err = verify(*g)) {
    renderErrors(std::move(err), llvm::errs(), toolName);
    return std::nullopt;
  }
  PassManager pm(pmOptions);
  // The pipeline was validated before any input was read.
  llvm::cantFail(parsePassPipeline(pipeline, pm));
  if (llvm::Error err = pm.run(*g, ctx)) {
    renderErrors(std::move(err), llvm::errs(), toolName);
    return std::nullopt;
  }
  return printGraphToString(*g, printOptions);
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLlvm(argc, argv);
  dropConflictingLlvmOptions();

  cl::OptionCategory category("rtc-opt options");
  cl::opt<std::string> inputFile(cl::Positional,
                                 cl::desc("<input .rtg file, - for stdin>"),
                                 cl::init("-"), cl::cat(category));
  cl::opt<std::string> outputFile("o", cl::desc("Output file (default: -)"),
                                  cl::value_desc("file"), cl::init("-"),
                                  cl::cat(category));
  cl::opt<std::string> pipeline(
      "passes", cl::desc("Comma-separated passes to run, in order"),
      cl::value_desc("a,b,c"), cl::init(""), cl::cat(category));
  cl::opt<bool> splitInput(
      "split-input-file",
      cl::desc("Treat each '// -----' separated chunk as its own graph"),
      cl::cat(category));
  cl::opt<bool> verifyEach("verify-each",
                           cl::desc("Verify the graph after every pass"),
                           cl::init(true), cl::cat(category));
  cl::opt<bool> printAfterAll("print-after-all",
                              cl::desc("Print the IR after every pass"),
                              cl::cat(category));
  cl::list<std::string> printAfter(
      "print-after", cl::desc("Print the IR after the named passes"),
      cl::value_desc("pass"), cl::CommaSeparated, cl::cat(category));
  cl::opt<bool> printIrOnFailure(
      "print-ir-on-failure",
      cl::desc("Print the IR when a pass or the verifier fails"),
      cl::cat(category));
  cl::opt<bool> timePasses("time-passes",
                           cl::desc("Report the wall time of each pass"),
                           cl::cat(category));
  cl::opt<bool> showStats("stats", cl::desc("Print pass statistics"),
                          cl::cat(category));
  cl::opt<bool> listPasses("list-passes",
                           cl::desc("List the registered passes and exit"),
                           cl::cat(category));
  cl::opt<bool> elideConstants(
      "elide-constants",
      cl::desc("Print large constants as dense<...> (not parseable)"),
      cl::cat(category));
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "rtc-opt: run graph passes on textual IR\n",
                                   &llvm::errs()))
    return 2;

  if (listPasses) {
    for (const PassRegistryEntry &e : getRegisteredPasses())
      llvm::outs() << e.name << " - " << e.description << "\n";
    return 0;
  }
  {
    PassManager probe;
    if (llvm::Error err = parsePassPipeline(pipeline, probe)) {
      renderErrors(std::move(err), llvm::errs(), toolName);
      return 2;
    }
  }

  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer) {
    llvm::errs() << toolName << ": error: cannot read '" << inputFile
                 << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  std::string displayName =
      inputFile == "-" ? std::string("<stdin>") : inputFile.getValue();

  PassManagerOptions pmOptions;
  pmOptions.verifyEach = verifyEach;
  pmOptions.printAfterAll = printAfterAll;
  pmOptions.printAfter.assign(printAfter.begin(), printAfter.end());
  pmOptions.printIrOnFailure = printIrOnFailure;
  pmOptions.timePasses = timePasses;
  PrintOptions printOptions;
  printOptions.elideLargeConstants = elideConstants;

  llvm::StringRef text = (*buffer)->getBuffer();
  llvm::SmallVector<TextChunk, 4> chunks;
  if (splitInput)
    chunks = splitInputFile(text);
  else
    chunks.push_back({text, 1});

  PassContext ctx;
  bool failed = false;
  std::vector<std::string> outputs;
  for (const TextChunk &chunk : chunks) {
    std::optional<std::string> out = processChunk(chunk, displayName, pipeline,
                                                  pmOptions, printOptions, ctx);
    if (out)
      outputs.push_back(std::move(*out));
    else
      failed = true;
  }

  std::error_code ec;
  llvm::ToolOutputFile output(outputFile, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    llvm::errs() << toolName << ": error: cannot write '" << outputFile
                 << "': " << ec.message() << "\n";
    return 1;
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    output.os() << (i ? "// -----\n" : "") << outputs[i];
  output.keep();
  if (showStats)
    ctx.stats().print(llvm::errs());
  return failed ? 1 : 0;
}

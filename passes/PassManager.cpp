//===- passes/PassManager.cpp - Run pipelines of passes -------------------===//
//
// Runs passes in order with the instrumentation of PassManagerOptions.
// IR dumps and the timing report go to the dump stream (stderr by default),
// never to stdout, which belongs to the tool's result. Dumps use the MLIR
// banner `// -----// IR Dump After <pass> //----- //` so existing habits
// for reading them carry over.
//
//===----------------------------------------------------------------------===//
#include "passes/PassManager.h"

#include "ir/Printer.h"
#include "ir/Verifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

using namespace rtc;

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

void Statistics::add(llvm::StringRef passName, llvm::StringRef counter,
                     int64_t delta) {
  counters[(passName + "." + counter).str()] += delta;
}

void Statistics::print(llvm::raw_ostream &os) const {
  std::vector<std::pair<std::string, int64_t>> sorted;
  for (const auto &entry : counters)
    sorted.emplace_back(entry.getKey().str(), entry.getValue());
  llvm::sort(sorted);
  for (const auto &[key, value] : sorted)
    os << key << " = " << value << "\n";
}

//===----------------------------------------------------------------------===//
// PassManager
//===----------------------------------------------------------------------===//

PassManager::PassManager(PassManagerOptions options)
    : options(std::move(options)) {}

PassManager::~PassManager() = default;

void PassManager::addPass(std::unique_ptr<GraphPass> pass) {
  passes.push_back(std::move(pass));
}

static void dumpIr(const Graph &g, llvm::StringRef passName,
                   llvm::StringRef suffix, llvm::raw_ostream &os) {
  os << "// -----// IR Dump After " << passName << suffix << " //----- //\n";
  printGraph(g, os);
  os << "\n";
}

namespace {
using Clock = std::chrono::steady_clock;

/// Wall time per pass (in pipeline order) plus verification.
struct TimingReport {
  std::vector<std::pair<std::string, double>> rows;
  double verifySeconds = 0;

  void print(llvm::raw_ostream &os, bool withVerify) const {
    double total = verifySeconds;
    for (const auto &row : rows)
      total += row.second;
    auto line = [&](llvm::StringRef name, double s) {
      double pct = total > 0 ? 100.0 * s / total : 0.0;
      os << fmt::format("  {:9.4f} ({:5.1f}%)  {}\n", s, pct, name.str());
    };
    os << "===" << std::string(73, '-') << "===\n"
       << "                      ... Pass execution timing report ...\n"
       << "===" << std::string(73, '-') << "===\n"
       << fmt::format("  Total Execution Time: {:.4f} seconds\n\n", total)
       << "   ---Wall Time---  --- Name ---\n";
    for (const auto &[name, s] : rows)
      line(name, s);
    if (withVerify)
      line("(verifier)", verifySeconds);
    line("Total", total);
  }
};
} // namespace

static double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

llvm::Error PassManager::run(Graph &g, PassContext &ctx) {
  llvm::raw_ostream &dump =
      options.dumpStream ? *options.dumpStream : llvm::errs();
  TimingReport timing;
  llvm::Error result = llvm::Error::success();
  for (const std::unique_ptr<GraphPass> &pass : passes) {
    llvm::StringRef name = pass->getName();
    auto start = Clock::now();
    llvm::Expected<Changed> changed = pass->run(g, ctx);
    timing.rows.emplace_back(name.str(), secondsSince(start));
    if (!changed) {
      if (options.printIrOnFailure)
        dumpIr(g, name, " Failed", dump);
      result = changed.takeError();
      break;
    }
    if (options.printAfterAll || llvm::is_contained(options.printAfter, name))
      dumpIr(g, name, "", dump);
    if (!options.verifyEach)
      continue;
    start = Clock::now();
    llvm::Error err = verify(g);
    timing.verifySeconds += secondsSince(start);
    if (err) {
      if (options.printIrOnFailure)
        dumpIr(g, name, " Failed Verification", dump);
      result = llvm::joinErrors(
          makeError({}, fmt::format("verification failed after pass '{}'",
                                    name.str())),
          std::move(err));
      break;
    }
  }
  if (options.timePasses)
    timing.print(dump, options.verifyEach);
  return result;
}

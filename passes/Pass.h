//===- passes/Pass.h - The graph pass interface ----------------*- C++ -*-===//
//
// One pass interface for the whole compiler. A pass transforms a Graph in
// place and returns whether it changed anything, or an error a user can
// cause. Passes never print to stdout; they report through the context.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace rtc {

enum class Changed : bool { No, Yes };

/// Named counters passes add to ("--stats"). Deterministic: printed sorted.
class Statistics {
public:
  void add(llvm::StringRef passName, llvm::StringRef counter,
           int64_t delta = 1);
  /// Prints "pass.counter = value" lines sorted by key.
  void print(llvm::raw_ostream &os) const;
  bool empty() const { return counters.empty(); }
  /// \returns the counter "passName.counter" (0 if never added to).
  int64_t get(llvm::StringRef passName, llvm::StringRef counter) const {
    auto it = counters.find((passName + "." + counter).str());
    return it == counters.end() ? 0 : it->second;
  }

private:
  llvm::StringMap<int64_t> counters;
};

/// What a pass may see besides the IR. No globals: everything arrives here.
class PassContext {
public:
  Statistics &stats() { return statistics; }

private:
  Statistics statistics;
};

/// Base class of graph passes.
class GraphPass {
public:
  virtual ~GraphPass() = default;
  /// Stable kebab-case name used on the command line and in lit tests.
  virtual llvm::StringRef getName() const = 0;
  virtual llvm::StringRef getDescription() const = 0;
  /// Transforms \p g in place.
  virtual llvm::Expected<Changed> run(Graph &g, PassContext &ctx) = 0;
};

} // namespace rtc

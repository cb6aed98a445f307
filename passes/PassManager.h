//===- passes/PassManager.h - Run pipelines of passes ----------*- C++ -*-===//
#pragma once

#include "passes/Pass.h"

#include "llvm/ADT/ArrayRef.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc {

/// Instrumentation switches (the tools map their flags onto these).
struct PassManagerOptions {
  bool verifyEach = true;    ///< Run verify() after every pass.
  bool printAfterAll = false; ///< Print the IR after every pass.
  std::vector<std::string> printAfter; ///< Print after these passes.
  bool printIrOnFailure = false; ///< Dump IR and name the failing pass.
  bool timePasses = false;   ///< Report wall time per pass.
  /// Sink for printed IR and timing reports (llvm::errs() if null).
  llvm::raw_ostream *dumpStream = nullptr;
};

/// Runs an ordered list of passes with instrumentation.
class PassManager {
public:
  explicit PassManager(PassManagerOptions options = {});
  ~PassManager();
  void addPass(std::unique_ptr<GraphPass> pass);
  /// Runs every pass in order. \returns the first error (a pass error, or a
  /// verifier failure naming the pass after which it occurred).
  llvm::Error run(Graph &g, PassContext &ctx);
  size_t size() const { return passes.size(); }

private:
  PassManagerOptions options;
  std::vector<std::unique_ptr<GraphPass>> passes;
};

/// Creates the pass registered as \p name, or nullptr.
std::unique_ptr<GraphPass> createPassByName(llvm::StringRef name);
/// Registered pass names and descriptions, in registry order.
struct PassRegistryEntry {
  llvm::StringRef name;
  llvm::StringRef description;
};
llvm::ArrayRef<PassRegistryEntry> getRegisteredPasses();
/// Parses "a,b,c" into passes added to \p pm; unknown names are an error
/// that lists the registered ones.
llvm::Error parsePassPipeline(llvm::StringRef pipeline, PassManager &pm);

} // namespace rtc

//===- passes/PassRegistry.cpp - The table of registered passes -----------===//
//
// Built from passes/Passes.def; there are no static registrar objects. Each
// pass file defines a factory `std::unique_ptr<GraphPass> create<Class>()`
// (declared here from the same table), so adding a pass means: a .def entry,
// the pass file, and its line in passes/CMakeLists.txt.
//
//===----------------------------------------------------------------------===//
#include "passes/PassManager.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

using namespace rtc;

namespace rtc {
#define PASS(Name, Class, Description)                                         \
  std::unique_ptr<GraphPass> create##Class();
#include "passes/Passes.def"
} // namespace rtc

llvm::ArrayRef<PassRegistryEntry> rtc::getRegisteredPasses() {
  static const PassRegistryEntry entries[] = {
#define PASS(Name, Class, Description) {Name, Description},
#include "passes/Passes.def"
  };
  return entries;
}

std::unique_ptr<GraphPass> rtc::createPassByName(llvm::StringRef name) {
#define PASS(Name, Class, Description)                                         \
  if (name == Name)                                                            \
    return create##Class();
#include "passes/Passes.def"
  return nullptr;
}

llvm::Error rtc::parsePassPipeline(llvm::StringRef pipeline, PassManager &pm) {
  if (pipeline.trim().empty())
    return llvm::Error::success();
  llvm::SmallVector<llvm::StringRef, 8> names;
  pipeline.split(names, ',');
  for (llvm::StringRef raw : names) {
    llvm::StringRef name = raw.trim();
    if (name.empty())
      return makeError(
          {}, fmt::format("empty pass name in pipeline '{}'", pipeline.str()));
    std::unique_ptr<GraphPass> pass = createPassByName(name);
    if (!pass) {
      llvm::SmallVector<std::string, 8> known;
      for (const PassRegistryEntry &e : getRegisteredPasses())
        known.push_back(e.name.str());
      return makeError({}, fmt::format("unknown pass '{}' (registered "
                                       "passes: {})",
                                       name.str(), llvm::join(known, ", ")));
    }
    pm.addPass(std::move(pass));
  }
  return llvm::Error::success();
}

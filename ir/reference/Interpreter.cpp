// PLACEHOLDER (link stub) - being replaced by the reference-kernel helper.
#include "ir/reference/Interpreter.h"
using namespace rtc;
llvm::Expected<llvm::SmallVector<Tensor, 1>>
rtc::evaluateNode(const Graph &, const Node &,
                  llvm::ArrayRef<const Tensor *>) {
  return llvm::createStringError("interpreter not implemented");
}
llvm::Expected<std::vector<Tensor>> rtc::interpret(const Graph &,
                                                   llvm::ArrayRef<Tensor>) {
  return llvm::createStringError("interpreter not implemented");
}

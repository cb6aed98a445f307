// PLACEHOLDER (link stub) - being replaced by the tensor-file helper.
#include "ir/TensorFile.h"
using namespace rtc;
llvm::Expected<Tensor> rtc::parseNpy(llvm::StringRef, llvm::StringRef) {
  return llvm::createStringError("npy not implemented");
}
llvm::Expected<NamedTensor> rtc::parseTensorProto(llvm::StringRef,
                                                  llvm::StringRef) {
  return llvm::createStringError("pb not implemented");
}
std::string rtc::serializeNpy(const Tensor &) { return ""; }
std::string rtc::serializeTensorProto(const Tensor &, llvm::StringRef) {
  return "";
}
llvm::Expected<NamedTensor> rtc::readTensorFile(llvm::StringRef,
                                                const TensorType *) {
  return llvm::createStringError("tensor files not implemented");
}
llvm::Error rtc::writeTensorFile(llvm::StringRef, const Tensor &) {
  return llvm::createStringError("tensor files not implemented");
}

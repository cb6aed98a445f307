// PLACEHOLDER (link stub) - being replaced by the shape-inference helper.
#include "ir/ShapeInference.h"
using namespace rtc;
llvm::Expected<llvm::SmallVector<TensorType, 1>>
rtc::inferResultTypes(OpKind kind, llvm::ArrayRef<TensorType> operandTypes,
                      const Attrs &attrs) {
  if (kind == OpKind::Constant)
    return llvm::SmallVector<TensorType, 1>{
        std::get<ConstantAttrs>(attrs).value.getType()};
  if (!operandTypes.empty())
    return llvm::SmallVector<TensorType, 1>{operandTypes[0]};
  return llvm::createStringError("shape inference not implemented");
}
llvm::Expected<llvm::SmallVector<int64_t, 4>>
rtc::broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  return llvm::createStringError("not implemented");
}
int64_t rtc::computeWindowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                     int64_t dilation, int64_t padBegin,
                                     int64_t padEnd, bool ceilMode) {
  return 0;
}

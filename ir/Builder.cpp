//===- ir/Builder.cpp - Type-inferring node construction ------------------===//
#include "ir/Builder.h"

#include "ir/ShapeInference.h"

using namespace rtc;

static llvm::Expected<llvm::SmallVector<TensorType, 1>>
inferFor(const Graph &g, OpKind kind, llvm::ArrayRef<ValueId> operands,
         const Attrs &attrs, const Location &loc) {
  llvm::SmallVector<TensorType, 4> types;
  for (ValueId v : operands)
    types.push_back(g.getType(v));
  auto results = inferResultTypes(kind, types, attrs);
  if (!results)
    return attachLocation(results.takeError(), loc);
  return results;
}

llvm::Expected<NodeId> rtc::buildNode(Graph &g, OpKind kind,
                                      llvm::ArrayRef<ValueId> operands,
                                      Attrs attrs, Location loc,
                                      llvm::ArrayRef<std::string> names) {
  auto types = inferFor(g, kind, operands, attrs, loc);
  if (!types)
    return types.takeError();
  return g.addNode(kind, operands, *types, std::move(attrs), std::move(loc),
                   names);
}

llvm::Expected<ValueId> rtc::buildValue(Graph &g, OpKind kind,
                                        llvm::ArrayRef<ValueId> operands,
                                        Attrs attrs, Location loc,
                                        std::string resultName) {
  auto n = buildNode(g, kind, operands, std::move(attrs), std::move(loc),
                     {std::move(resultName)});
  if (!n)
    return n.takeError();
  return g.getNode(*n).results[0];
}

llvm::Expected<NodeId>
rtc::buildNodeBefore(Graph &g, NodeId pos, OpKind kind,
                     llvm::ArrayRef<ValueId> operands, Attrs attrs,
                     Location loc, llvm::ArrayRef<std::string> names) {
  auto types = inferFor(g, kind, operands, attrs, loc);
  if (!types)
    return types.takeError();
  return g.insertNodeBefore(pos, kind, operands, *types, std::move(attrs),
                            std::move(loc), names);
}

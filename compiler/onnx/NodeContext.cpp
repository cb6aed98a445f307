//===- compiler/onnx/NodeContext.cpp - State shared by op importers -------===//
#include "compiler/onnx/NodeContext.h"

#include "onnx/onnx_pb.h"

#include <cassert>

using namespace rtc;
using namespace rtc::onnx;
using ::onnx::AttributeProto;

//===----------------------------------------------------------------------===//
// ModelState
//===----------------------------------------------------------------------===//

void ModelState::bindValue(llvm::StringRef name, ValueId v,
                           const Location &loc) {
  NameBinding &b = names[name];
  b.kind = NameBinding::Kind::Value;
  b.value = v;
  b.constant.reset();
  b.loc = loc;
}

void ModelState::bindConstant(llvm::StringRef name, Tensor value,
                              const Location &loc) {
  NameBinding &b = names[name];
  b.kind = NameBinding::Kind::Constant;
  b.value = ValueId{};
  b.constant = std::make_shared<const Tensor>(std::move(value));
  b.loc = loc;
}

void ModelState::poison(llvm::StringRef name) {
  if (name.empty())
    return;
  NameBinding &b = names[name];
  b = NameBinding{};
}

const NameBinding *ModelState::lookup(llvm::StringRef name) const {
  auto it = names.find(name);
  return it == names.end() ? nullptr : &it->second;
}

ValueId ModelState::materialize(llvm::StringRef name) {
  auto it = names.find(name);
  assert(it != names.end() && "materializing an unbound name");
  NameBinding &b = it->second;
  assert(b.kind != NameBinding::Kind::Poisoned && "materializing poison");
  if (!b.value.isValid())
    b.value = graph.addConstant(*b.constant, name.str(), b.loc);
  return b.value;
}

std::string ModelState::makeUniqueName(llvm::StringRef base) {
  std::string name = base.str();
  for (unsigned i = 1; takenNames.contains(name); ++i)
    name = fmt::format("{}.{}", base.str(), i);
  takenNames.insert(name);
  return name;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

llvm::StringRef rtc::onnx::describeAttrKind(AttrKind kind) {
  switch (kind) {
  case AttrKind::Int:
    return "an int";
  case AttrKind::Float:
    return "a float";
  case AttrKind::String:
    return "a string";
  case AttrKind::Ints:
    return "a list of ints";
  case AttrKind::Floats:
    return "a list of floats";
  case AttrKind::Tensor:
    return "a tensor";
  }
  return "?";
}

/// \returns true if \p attr holds a value of \p kind. Attributes written
/// before IR version 2 may leave `type` UNDEFINED; then the set field
/// decides.
static bool hasKind(const AttributeProto &attr, AttrKind kind) {
  switch (attr.type()) {
  case AttributeProto::INT:
    return kind == AttrKind::Int;
  case AttributeProto::FLOAT:
    return kind == AttrKind::Float;
  case AttributeProto::STRING:
    return kind == AttrKind::String;
  case AttributeProto::INTS:
    return kind == AttrKind::Ints;
  case AttributeProto::FLOATS:
    return kind == AttrKind::Floats;
  case AttributeProto::TENSOR:
    return kind == AttrKind::Tensor;
  case AttributeProto::UNDEFINED:
    switch (kind) {
    case AttrKind::Int:
      return attr.has_i();
    case AttrKind::Float:
      return attr.has_f();
    case AttrKind::String:
      return attr.has_s();
    case AttrKind::Ints:
      return attr.ints_size() > 0;
    case AttrKind::Floats:
      return attr.floats_size() > 0;
    case AttrKind::Tensor:
      return attr.has_t();
    }
    return false;
  default:
    return false;
  }
}

static std::string describeActualKind(const AttributeProto &attr) {
  if (attr.type() == AttributeProto::UNDEFINED)
    return "no value";
  std::string name = AttributeProto::AttributeType_Name(attr.type());
  for (char &c : name)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

llvm::Error NodeContext::checkAttributes(llvm::ArrayRef<AttrSpec> specs) const {
  ErrorList errors;
  llvm::StringSet<> seen;
  for (const AttributeProto &attr : node.attribute()) {
    if (!seen.insert(attr.name()).second) {
      errors.add(error("attribute '{}' is given twice", attr.name()));
      continue;
    }
    const AttrSpec *spec = nullptr;
    for (const AttrSpec &s : specs)
      if (attr.name() == s.name)
        spec = &s;
    if (!spec) {
      errors.add(error("unsupported attribute '{}'", attr.name()));
      continue;
    }
    if (getOpset() < spec->sinceOpset || getOpset() > spec->untilOpset) {
      errors.add(error("attribute '{}' is not part of {} at opset {}",
                       attr.name(), getOpType().str(), getOpset()));
      continue;
    }
    if (!hasKind(attr, spec->kind))
      errors.add(error("attribute '{}' must be {}, got {}", attr.name(),
                       describeAttrKind(spec->kind).str(),
                       describeActualKind(attr)));
  }
  return errors.take();
}

const AttributeProto *NodeContext::findAttr(llvm::StringRef name) const {
  for (const AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeContext::getInt(llvm::StringRef name, int64_t dflt) const {
  const AttributeProto *a = findAttr(name);
  return a ? a->i() : dflt;
}

float NodeContext::getFloat(llvm::StringRef name, float dflt) const {
  const AttributeProto *a = findAttr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::getString(llvm::StringRef name,
                                   llvm::StringRef dflt) const {
  const AttributeProto *a = findAttr(name);
  return a ? a->s() : dflt.str();
}

llvm::SmallVector<int64_t, 4>
NodeContext::getInts(llvm::StringRef name, llvm::ArrayRef<int64_t> dflt) const {
  const AttributeProto *a = findAttr(name);
  if (!a)
    return llvm::SmallVector<int64_t, 4>(dflt.begin(), dflt.end());
  return llvm::SmallVector<int64_t, 4>(a->ints().begin(), a->ints().end());
}

llvm::SmallVector<float, 4> NodeContext::getFloats(llvm::StringRef name) const {
  const AttributeProto *a = findAttr(name);
  if (!a)
    return {};
  return llvm::SmallVector<float, 4>(a->floats().begin(), a->floats().end());
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

llvm::StringRef NodeContext::getOpType() const { return node.op_type(); }

unsigned NodeContext::getNumInputs() const { return node.input_size(); }

bool NodeContext::hasInput(unsigned i) const {
  return i < getNumInputs() && !node.input(int(i)).empty();
}

llvm::StringRef NodeContext::getInputName(unsigned i) const {
  return i < getNumInputs() ? llvm::StringRef(node.input(int(i)))
                            : llvm::StringRef();
}

TensorType NodeContext::getInputType(unsigned i) const {
  const NameBinding *b = state.lookup(getInputName(i));
  assert(b && b->kind != NameBinding::Kind::Poisoned && "input not bound");
  if (b->kind == NameBinding::Kind::Constant)
    return b->constant->getType();
  return state.graph.getType(b->value);
}

ValueId NodeContext::getInputValue(unsigned i) {
  assert(hasInput(i) && "absent input");
  return state.materialize(getInputName(i));
}

const Tensor *NodeContext::getConstantInput(unsigned i) const {
  if (!hasInput(i))
    return nullptr;
  const NameBinding *b = state.lookup(getInputName(i));
  if (!b)
    return nullptr;
  if (b->kind == NameBinding::Kind::Constant)
    return b->constant.get();
  if (b->kind == NameBinding::Kind::Value)
    return state.graph.getConstantValue(b->value);
  return nullptr;
}

llvm::Expected<const Tensor *>
NodeContext::requireConstantInput(unsigned i, llvm::StringRef what) {
  if (const Tensor *t = getConstantInput(i))
    return t;
  return error("operand '{}' ('{}', input {}) must be a compile-time "
               "constant (an initializer or Constant node; freeze a graph "
               "input to give it a value)",
               what.str(), getInputName(i).str(), i);
}

llvm::Expected<llvm::SmallVector<int64_t, 4>>
NodeContext::getConstantInts(unsigned i, llvm::StringRef what) {
  auto t = requireConstantInput(i, what);
  if (!t)
    return t.takeError();
  const Tensor &c = **t;
  if (c.getElemType() != DType::I64 && c.getElemType() != DType::I32)
    return error("operand '{}' must be an int64 tensor, got {}", what.str(),
                 c.getType().str());
  if (c.getType().getRank() > 1)
    return error("operand '{}' must be 1-D, got {}", what.str(),
                 c.getType().str());
  llvm::SmallVector<int64_t, 4> values;
  for (int64_t k = 0, e = c.getNumElements(); k != e; ++k)
    values.push_back(c.getAsInt64(k));
  return values;
}

llvm::Expected<double> NodeContext::getConstantScalar(unsigned i,
                                                      llvm::StringRef what) {
  auto t = requireConstantInput(i, what);
  if (!t)
    return t.takeError();
  if ((*t)->getNumElements() != 1)
    return error("operand '{}' must hold one value, got {}", what.str(),
                 (*t)->getType().str());
  return (*t)->getAsDouble(0);
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

unsigned NodeContext::getNumOutputs() const { return node.output_size(); }

llvm::StringRef NodeContext::getOutputName(unsigned i) const {
  return i < getNumOutputs() ? llvm::StringRef(node.output(int(i)))
                             : llvm::StringRef();
}

bool NodeContext::isOutputUsed(unsigned i) const {
  llvm::StringRef name = getOutputName(i);
  return !name.empty() && state.usedNames.contains(name);
}

llvm::Expected<ValueId> NodeContext::emit(OpKind kind,
                                          llvm::ArrayRef<ValueId> operands,
                                          Attrs attrs, unsigned output) {
  llvm::StringRef name = getOutputName(output);
  auto v = buildValue(state.graph, kind, operands, std::move(attrs), loc,
                      name.str());
  if (!v)
    return v.takeError();
  if (!name.empty())
    state.bindValue(name, *v, loc);
  return v;
}

llvm::Expected<ValueId> NodeContext::emitTemp(OpKind kind,
                                              llvm::ArrayRef<ValueId> operands,
                                              Attrs attrs,
                                              llvm::StringRef hint) {
  return buildValue(state.graph, kind, operands, std::move(attrs), loc,
                    state.makeUniqueName(hint));
}

void NodeContext::defineConstantOutput(unsigned output, Tensor value) {
  llvm::StringRef name = getOutputName(output);
  if (!name.empty())
    state.bindConstant(name, std::move(value), loc);
}

llvm::Expected<int64_t> rtc::onnx::normalizeAxis(const NodeContext &ctx,
                                                 int64_t axis, int64_t rank,
                                                 llvm::StringRef what) {
  if (axis < -rank || axis >= rank)
    return ctx.error("{} {} is out of range for rank {}", what.str(), axis,
                     rank);
  return axis < 0 ? axis + rank : axis;
}

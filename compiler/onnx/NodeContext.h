//===- compiler/onnx/NodeContext.h - State shared by op importers -*- C++
//-*-===//
//
// Internal to rtc_onnx. ModelState binds every ONNX tensor name of the
// model being imported to what it is in the graph under construction: an IR
// value, a compile-time constant (initializer, Constant node or frozen
// input; materialized as a Constant node only when an op consumes it as a
// runtime operand), or "poisoned" (its producer failed, so consumers are
// skipped silently instead of cascading errors).
//
// NodeContext is the view one op importer gets of one ONNX node: validated
// typed attribute access, input values and constants, and helpers that emit
// IR nodes located at the ONNX node and named after its outputs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Builder.h"
#include "ir/Graph.h"
#include "ir/Tensor.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace onnx {
class AttributeProto;
class NodeProto;
} // namespace onnx

namespace rtc::onnx {

/// What an ONNX tensor name stands for during import.
struct NameBinding {
  enum class Kind : uint8_t { Value, Constant, Poisoned };
  Kind kind = Kind::Poisoned;
  /// The IR value: set for Value, and for a Constant once materialized.
  ValueId value;
  /// The data of a Constant binding.
  std::shared_ptr<const Tensor> constant;
  /// Where the value comes from (the producing node, or the model file).
  Location loc;
};

/// The import state of one model, shared by all node importers.
class ModelState {
public:
  ModelState(std::string displayName, int64_t opset)
      : displayName(std::move(displayName)), opset(opset) {}

  Graph graph;
  std::string displayName;
  int64_t opset;
  /// Bindings of ONNX tensor names.
  llvm::StringMap<NameBinding> names;
  /// Names read by some node or listed as graph outputs.
  llvm::StringSet<> usedNames;
  /// Every name in the model plus names we invented (kept unique).
  llvm::StringSet<> takenNames;

  /// Binds \p name to the value \p v.
  void bindValue(llvm::StringRef name, ValueId v, const Location &loc);
  /// Binds \p name to constant data (materialized lazily).
  void bindConstant(llvm::StringRef name, Tensor value, const Location &loc);
  /// Marks \p name poisoned (its producer failed).
  void poison(llvm::StringRef name);
  /// \returns the binding of \p name, or nullptr if it is unbound.
  const NameBinding *lookup(llvm::StringRef name) const;
  /// \returns the IR value of the Value or Constant bound to \p name,
  /// adding the Constant node on first use. \p name must be bound and not
  /// poisoned.
  ValueId materialize(llvm::StringRef name);
  /// \returns \p base, or \p base with a numeric suffix if it is taken, and
  /// marks the result taken.
  std::string makeUniqueName(llvm::StringRef base);
};

/// ONNX attribute value kinds, as listed in each op's attribute table.
enum class AttrKind : uint8_t { Int, Float, String, Ints, Floats, Tensor };

/// \returns "an int", "a list of floats", ... for messages.
llvm::StringRef describeAttrKind(AttrKind kind);

/// One attribute an op importer understands.
struct AttrSpec {
  const char *name;
  AttrKind kind;
  /// The attribute exists in the op's schema from this opset on ...
  int64_t sinceOpset = 1;
  /// ... up to and including this one.
  int64_t untilOpset = 1000;
};

/// The view of one ONNX node given to its op importer.
class NodeContext {
public:
  NodeContext(ModelState &state, const ::onnx::NodeProto &node, Location loc)
      : state(state), node(node), loc(std::move(loc)) {}

  const Location &getLoc() const { return loc; }
  int64_t getOpset() const { return state.opset; }
  llvm::StringRef getOpType() const;
  Graph &getGraph() { return state.graph; }

  /// \returns a diagnostic located at this node.
  template <typename... Args>
  llvm::Error error(fmt::format_string<Args...> f, Args &&...args) const {
    return makeError(loc, fmt::format(f, std::forward<Args>(args)...));
  }

  //===--- Inputs ---------------------------------------------------------===//

  /// Number of input slots (optional inputs may have empty names).
  unsigned getNumInputs() const;
  /// True if input \p i exists and is not an omitted optional input.
  bool hasInput(unsigned i) const;
  llvm::StringRef getInputName(unsigned i) const;
  /// The type of present input \p i (a value or a constant).
  TensorType getInputType(unsigned i) const;
  /// The IR value of present input \p i (materializing constants).
  ValueId getInputValue(unsigned i);
  /// The constant data of input \p i, or nullptr if it is not a
  /// compile-time constant (or absent).
  const Tensor *getConstantInput(unsigned i) const;
  /// Like getConstantInput, but a missing constant is an error naming the
  /// operand as \p what ("shape", "pads", ...).
  llvm::Expected<const Tensor *> requireConstantInput(unsigned i,
                                                      llvm::StringRef what);
  /// Reads constant input \p i as a list of integers (an int32 or int64
  /// tensor of rank 0 or 1).
  llvm::Expected<llvm::SmallVector<int64_t, 4>>
  getConstantInts(unsigned i, llvm::StringRef what);
  /// Reads constant input \p i as a single number.
  llvm::Expected<double> getConstantScalar(unsigned i, llvm::StringRef what);

  //===--- Attributes (names and kinds were validated by the driver) -----===//

  const ::onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return findAttr(name); }
  int64_t getInt(llvm::StringRef name, int64_t dflt) const;
  float getFloat(llvm::StringRef name, float dflt) const;
  std::string getString(llvm::StringRef name, llvm::StringRef dflt) const;
  /// The list attribute \p name, or \p dflt if absent.
  llvm::SmallVector<int64_t, 4>
  getInts(llvm::StringRef name,
          llvm::ArrayRef<int64_t> dflt = std::nullopt) const;
  llvm::SmallVector<float, 4> getFloats(llvm::StringRef name) const;
  /// Validates every attribute of the node against \p specs: unknown names,
  /// attributes not in the op's schema at this opset and wrong kinds are
  /// errors (all of them are reported).
  llvm::Error checkAttributes(llvm::ArrayRef<AttrSpec> specs) const;

  //===--- Outputs
  //---------------------------------------------------------===//

  unsigned getNumOutputs() const;
  llvm::StringRef getOutputName(unsigned i) const;
  /// True if output \p i exists and some node or graph output reads it.
  bool isOutputUsed(unsigned i) const;

  /// Appends an IR node with inferred types whose first result defines
  /// ONNX output \p output (named after it).
  llvm::Expected<ValueId> emit(OpKind kind, llvm::ArrayRef<ValueId> operands,
                               Attrs attrs, unsigned output = 0);
  /// Appends an IR node for an intermediate value (not an ONNX output),
  /// named \p hint made unique.
  llvm::Expected<ValueId> emitTemp(OpKind kind,
                                   llvm::ArrayRef<ValueId> operands,
                                   Attrs attrs, llvm::StringRef hint);
  /// Defines ONNX output \p output as constant data.
  void defineConstantOutput(unsigned output, Tensor value);

private:
  ModelState &state;
  const ::onnx::NodeProto &node;
  Location loc;
};

/// Normalizes \p axis of a rank-\p rank tensor into [0, rank), or returns
/// an error naming the attribute \p what.
llvm::Expected<int64_t> normalizeAxis(const NodeContext &ctx, int64_t axis,
                                      int64_t rank, llvm::StringRef what);

} // namespace rtc::onnx

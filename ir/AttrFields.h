//===- ir/AttrFields.h - Attribute fields of the text form ------*- C++ -*-===//
//
// The textual IR spells attribute names in exactly one place: this table.
// forEachAttrField(attrs, fn) calls fn(name, field, required) for every field
// of an attribute struct in the fixed order the printer writes them; the
// parser walks the same table to bind `{name = value}` dictionaries. Adding a
// field to a struct in ir/Attrs.h means adding one line here.
//
// Field types are int64_t, int32_t, float, double, bool, PadMode, DType
// (printed as its mnemonic: `elem_type = i8`), QuantParams (printed like the
// q<...> suffix of a tensor type, or `none` when empty), FusedActivation
// and SmallVector<int64_t or int32_t, N>. A FusedActivation spans several
// names: nothing is printed when its kind is None, otherwise
// `activation = "relu"` or `activation = "clip", act_min = 0, act_max = 6`.
// QConvAttrs prints the ConvAttrs fields, then the RequantAttrs fields.
// `required` is false for scalar fields whose
// struct default is meaningful on its own (the parser lets them be omitted);
// list fields and `axis` are always required, because an empty list or
// axis 0 is rarely what a hand-written test means. ConstantAttrs is not in
// the table: constants have their own `dense<...>` syntax.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Attrs.h"

#include <type_traits>

namespace rtc {

/// Calls \p fn(const char *name, Field &field, bool required) for each field
/// of \p attrs (const or not) in printing order. No-op for NoAttrs and
/// ConstantAttrs.
template <typename A, typename Fn> void forEachAttrField(A &attrs, Fn &&fn) {
  using T = std::remove_const_t<A>;
  if constexpr (std::is_same_v<T, LeakyReluAttrs>) {
    fn("alpha", attrs.alpha, false);
  } else if constexpr (std::is_same_v<T, ClipAttrs>) {
    fn("min", attrs.min, false);
    fn("max", attrs.max, false);
  } else if constexpr (std::is_same_v<T, AxisAttrs>) {
    fn("axis", attrs.axis, true);
  } else if constexpr (std::is_same_v<T, GemmAttrs>) {
    fn("alpha", attrs.alpha, false);
    fn("beta", attrs.beta, false);
    fn("trans_a", attrs.transA, false);
    fn("trans_b", attrs.transB, false);
    fn("activation", attrs.activation, false);
  } else if constexpr (std::is_same_v<T, ConvAttrs>) {
    fn("kernel_shape", attrs.kernelShape, true);
    fn("strides", attrs.strides, true);
    fn("dilations", attrs.dilations, true);
    fn("pads", attrs.pads, true);
    fn("group", attrs.group, false);
    fn("activation", attrs.activation, false);
  } else if constexpr (std::is_same_v<T, PoolAttrs>) {
    fn("kernel_shape", attrs.kernelShape, true);
    fn("strides", attrs.strides, true);
    fn("dilations", attrs.dilations, true);
    fn("pads", attrs.pads, true);
    fn("ceil_mode", attrs.ceilMode, false);
    fn("count_include_pad", attrs.countIncludePad, false);
  } else if constexpr (std::is_same_v<T, BatchNormAttrs>) {
    fn("epsilon", attrs.epsilon, false);
  } else if constexpr (std::is_same_v<T, ReshapeAttrs>) {
    fn("shape", attrs.shape, true);
  } else if constexpr (std::is_same_v<T, TransposeAttrs>) {
    fn("perm", attrs.perm, true);
  } else if constexpr (std::is_same_v<T, AxesAttrs>) {
    fn("axes", attrs.axes, true);
  } else if constexpr (std::is_same_v<T, PadAttrs>) {
    fn("pads", attrs.pads, true);
    fn("mode", attrs.mode, false);
    fn("value", attrs.value, false);
  } else if constexpr (std::is_same_v<T, Im2ColAttrs>) {
    fn("kernel_shape", attrs.kernelShape, true);
    fn("strides", attrs.strides, true);
    fn("dilations", attrs.dilations, true);
    fn("pads", attrs.pads, true);
    fn("pad_value", attrs.padValue, false);
  } else if constexpr (std::is_same_v<T, QuantizeAttrs>) {
    fn("elem_type", attrs.elemType, true);
    fn("params", attrs.params, true);
  } else if constexpr (std::is_same_v<T, RequantAttrs>) {
    fn("out_type", attrs.outType, true);
    fn("out_quant", attrs.outQuant, true);
    fn("multipliers", attrs.multipliers, true);
    fn("shifts", attrs.shifts, true);
    fn("clamp_min", attrs.clampMin, true);
    fn("clamp_max", attrs.clampMax, true);
  } else if constexpr (std::is_same_v<T, QConvAttrs>) {
    forEachAttrField(attrs.conv, fn);
    forEachAttrField(attrs.requant, fn);
  } else if constexpr (std::is_same_v<T, QAddAttrs>) {
    fn("out_type", attrs.outType, true);
    fn("out_quant", attrs.outQuant, true);
    fn("multiplier_a", attrs.multiplierA, true);
    fn("multiplier_b", attrs.multiplierB, true);
    fn("shift", attrs.shift, true);
    fn("clamp_min", attrs.clampMin, true);
    fn("clamp_max", attrs.clampMax, true);
  } else {
    static_assert(std::is_same_v<T, NoAttrs> ||
                      std::is_same_v<T, ConstantAttrs>,
                  "attribute struct missing from ir/AttrFields.h");
  }
}

/// \returns the textual spelling of a pad mode ("constant", ...).
inline const char *getPadModeName(PadMode mode) {
  switch (mode) {
  case PadMode::Constant:
    return "constant";
  case PadMode::Reflect:
    return "reflect";
  case PadMode::Edge:
    return "edge";
  }
  return "constant";
}

/// \returns the textual spelling of a fused activation kind ("none",
/// "relu", "clip").
inline const char *getActivationKindName(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::None:
    return "none";
  case ActivationKind::Relu:
    return "relu";
  case ActivationKind::Clip:
    return "clip";
  }
  return "none";
}

} // namespace rtc

//===- ir/AttrFields.h - Attribute fields of the text form ------*- C++ -*-===//
//
// The textual IR spells attribute names in exactly one place: this table.
// forEachAttrField(attrs, fn) calls fn(name, field, required) for every field
// of an attribute struct in the fixed order the printer writes them; the
// parser walks the same table to bind `{name = value}` dictionaries. Adding a
// field to a struct in ir/Attrs.h means adding one line here.
//
// Field types are int64_t, float, double, bool, PadMode and
// SmallVector<int64_t, N>. `required` is false for scalar fields whose
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
  } else if constexpr (std::is_same_v<T, ConvAttrs>) {
    fn("kernel_shape", attrs.kernelShape, true);
    fn("strides", attrs.strides, true);
    fn("dilations", attrs.dilations, true);
    fn("pads", attrs.pads, true);
    fn("group", attrs.group, false);
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

} // namespace rtc

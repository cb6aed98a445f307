//===- ir/ParserAttrs.cpp - Attributes and constants of the IR parser -----===//
//
// The part of the textual IR parser (ir/ParserImpl.h) that reads attribute
// dictionaries `{name = value, ...}`, binds them to the typed attribute
// structs through the one table of attribute names (ir/AttrFields.h), and
// reads and materializes dense<...> constants. Split from ir/Parser.cpp for
// size; the error-handling rules there apply unchanged.
//
//===----------------------------------------------------------------------===//
#include "ir/ParserImpl.h"

#include "ir/AttrFields.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>

#include <cstring>
#include <type_traits>
#include <utility>

using namespace rtc;
using namespace rtc::text;
using namespace rtc::text::detail;

//===--- Attributes
//--------------------------------------------------------===//

/// {name = value, name = [v, ...], ...}
bool Parser::parseAttrDict(std::vector<ParsedAttr> &attrs) {
  consume(); // {
  if (consumeIf(Tok::RBrace))
    return true;
  do {
    if (!tok.is(Tok::Ident)) {
      errorExpected("an attribute name");
      return false;
    }
    ParsedAttr pa;
    pa.name = tok.spelling.str();
    pa.loc = tok.spelling.begin();
    bool duplicate = llvm::any_of(
        attrs, [&](const ParsedAttr &other) { return other.name == pa.name; });
    if (duplicate)
      error(pa.loc, fmt::format("duplicate attribute '{}'", pa.name));
    consume();
    if (!expect(Tok::Equal, "'='"))
      return false;
    auto isScalar = [&] {
      return tok.is(Tok::Integer) || tok.is(Tok::Float) || tok.is(Tok::Ident) ||
             tok.is(Tok::String);
    };
    if (consumeIf(Tok::LSquare)) {
      pa.isList = true;
      if (!tok.is(Tok::RSquare)) {
        do {
          if (!isScalar()) {
            errorExpected("a list element");
            return false;
          }
          pa.list.push_back(tok);
          consume();
        } while (consumeIf(Tok::Comma));
      }
      if (!expect(Tok::RSquare, "']'"))
        return false;
    } else if (tok.isIdent("q")) {
      pa.quant.emplace();
      if (!parseQuantParams(*pa.quant))
        return false;
    } else if (isScalar()) {
      pa.value = tok;
      consume();
    } else {
      errorExpected("an attribute value");
      return false;
    }
    if (!duplicate)
      attrs.push_back(std::move(pa));
  } while (consumeIf(Tok::Comma));
  return expect(Tok::RBrace, "',' or '}'");
}

template <typename F> bool Parser::bindField(ParsedAttr &pa, F &field) {
  auto fail = [&](const char *what) {
    error(pa.loc, fmt::format("attribute '{}' expects {}", pa.name, what));
    return false;
  };
  if (pa.quant && !std::is_same_v<F, QuantParams>)
    return fail("a plain value, not quantization parameters");
  if constexpr (std::is_same_v<F, int64_t> || std::is_same_v<F, int32_t>) {
    auto v = pa.isList ? std::nullopt : toInt<F>(pa.value);
    if (!v)
      return fail(std::is_same_v<F, int32_t> ? "a 32-bit integer"
                                             : "an integer");
    field = *v;
  } else if constexpr (std::is_same_v<F, DType>) {
    std::optional<DType> t;
    if (!pa.isList && pa.value.is(Tok::Ident))
      t = parseDTypeName(pa.value.spelling);
    if (!t)
      return fail("an element type such as i8");
    field = *t;
  } else if constexpr (std::is_same_v<F, QuantParams>) {
    if (pa.quant)
      field = *pa.quant;
    else if (!pa.isList && pa.value.isIdent("none"))
      field = QuantParams();
    else
      return fail("quantization parameters q<...> or none");
  } else if constexpr (std::is_same_v<F, float> || std::is_same_v<F, double>) {
    auto v = pa.isList ? std::nullopt : toFloat<F>(pa.value);
    if (!v)
      return fail("a number");
    field = *v;
  } else if constexpr (std::is_same_v<F, bool>) {
    if (pa.isList || !(pa.value.isIdent("true") || pa.value.isIdent("false")))
      return fail("true or false");
    field = pa.value.isIdent("true");
  } else if constexpr (std::is_same_v<F, PadMode>) {
    for (PadMode m : {PadMode::Constant, PadMode::Reflect, PadMode::Edge})
      if (!pa.isList && pa.value.is(Tok::String) &&
          pa.value.text == getPadModeName(m)) {
        field = m;
        return true;
      }
    return fail("\"constant\", \"reflect\" or \"edge\"");
  } else {
    using Elem = typename F::value_type;
    if (!pa.isList)
      return fail("a list of integers");
    field.clear();
    for (const Token &t : pa.list) {
      auto v = toInt<Elem>(t);
      if (!v)
        return fail(std::is_same_v<Elem, int32_t> ? "a list of 32-bit integers"
                                                  : "a list of integers");
      field.push_back(*v);
    }
  }
  return true;
}

/// Binds the optional `activation = "relu"` or `activation = "clip",
/// act_min = A, act_max = B` of a Conv or Gemm (ir/AttrFields.h). Without
/// `activation`, stray act_min / act_max stay unused (unknown attributes).
bool Parser::bindActivation(std::vector<ParsedAttr> &parsed,
                            FusedActivation &act, const char *loc) {
  auto find = [&](llvm::StringRef name) {
    auto it = llvm::find_if(
        parsed, [&](const ParsedAttr &pa) { return pa.name == name; });
    return it == parsed.end() ? nullptr : &*it;
  };
  ParsedAttr *kind = find("activation");
  if (!kind)
    return true;
  kind->used = true;
  if (kind->isList || kind->quant || !kind->value.is(Tok::String) ||
      (kind->value.text != "relu" && kind->value.text != "clip")) {
    error(kind->loc, "attribute 'activation' expects \"relu\" or \"clip\"");
    return false;
  }
  if (kind->value.text == "relu") {
    act.kind = ActivationKind::Relu;
    return true;
  }
  act.kind = ActivationKind::Clip;
  bool ok = true;
  for (auto [name, bound] : {std::pair<const char *, float *>{"act_min", &act.min},
                             {"act_max", &act.max}}) {
    ParsedAttr *pa = find(name);
    if (!pa) {
      error(loc, fmt::format("activation \"clip\" needs attribute '{}'", name));
      ok = false;
      continue;
    }
    pa->used = true;
    ok &= bindField(*pa, *bound);
  }
  return ok;
}

/// Fills \p out (already the right struct, at defaults) from \p parsed.
/// Required fields must be written; optional ones default (ir/AttrFields.h).
bool Parser::bindAttrs(OpKind kind, std::vector<ParsedAttr> &parsed, Attrs &out,
                       const char *loc) {
  bool ok = true;
  llvm::StringRef mnemonic = getOpMnemonic(kind);
  std::visit(
      [&](auto &a) {
        forEachAttrField(a, [&](const char *name, auto &field, bool required) {
          using F = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<F, FusedActivation>) {
            ok &= bindActivation(parsed, field, loc);
          } else {
            auto it = llvm::find_if(
                parsed, [&](const ParsedAttr &pa) { return pa.name == name; });
            if (it == parsed.end()) {
              if (required) {
                error(loc, fmt::format("missing attribute '{}' for '{}'", name,
                                       mnemonic.str()));
                ok = false;
              }
              return;
            }
            it->used = true;
            ok &= bindField(*it, field);
          }
        });
      },
      out);
  for (const ParsedAttr &pa : parsed) {
    if (pa.used)
      continue;
    error(pa.loc, fmt::format("unknown attribute '{}' for '{}'", pa.name,
                              mnemonic.str()));
    ok = false;
  }
  return ok;
}

//===--- Constants
//---------------------------------------------------------===//

/// dense<[e, e, ...]> | dense<e> | dense<0xHEX>; dense<...> is an error.
bool Parser::parseDense(DenseLiteral &lit) {
  if (!tok.isIdent("dense")) {
    errorExpected("'dense<...>' (constants take no operands)");
    return false;
  }
  consume();
  if (!expect(Tok::Less, "'<'"))
    return false;
  lit.loc = tok.spelling.begin();
  auto isElement = [&] {
    return tok.is(Tok::Integer) || tok.is(Tok::Float) || tok.is(Tok::Ident);
  };
  if (tok.is(Tok::Ellipsis)) {
    error(lit.loc, "elided constant cannot be parsed");
    return false;
  }
  if (tok.is(Tok::Hex)) {
    lit.form = DenseLiteral::Hex;
    lit.hex = tok;
    consume();
  } else if (consumeIf(Tok::LSquare)) {
    lit.form = DenseLiteral::List;
    if (!tok.is(Tok::RSquare)) {
      do {
        if (!isElement()) {
          errorExpected("a constant element");
          return false;
        }
        lit.elems.push_back(tok);
        consume();
      } while (consumeIf(Tok::Comma));
    }
    if (!expect(Tok::RSquare, "']'"))
      return false;
  } else if (isElement()) {
    lit.form = DenseLiteral::Splat;
    lit.elems.push_back(tok);
    consume();
  } else {
    errorExpected("a constant value");
    return false;
  }
  return expect(Tok::Greater, "'>'");
}

std::optional<Tensor> Parser::materialize(const DenseLiteral &lit,
                                          const TensorType &type) {
  constexpr size_t maxConstantBytes = size_t(1) << 31;
  if (type.getSizeInBytes() > maxConstantBytes) {
    error(lit.loc, fmt::format("constant of type {} is too large", type.str()));
    return std::nullopt;
  }
  Tensor t(type);
  size_t elemSize = getDTypeSize(type.elemType);
  int64_t n = type.getNumElements();
  uint8_t *data = t.getRawMutableData();
  bool ok = true;
  auto store = [&](uint8_t *p, const Token &e) {
    if (storeElement(p, type.elemType, e))
      return true;
    error(e.spelling.begin(),
          fmt::format("'{}' is not a valid {} value", e.spelling.str(),
                      getDTypeName(type.elemType).str()));
    return false;
  };
  switch (lit.form) {
  case DenseLiteral::Hex: {
    llvm::StringRef digits = lit.hex.spelling.drop_front(2);
    if (digits.size() != 2 * t.getSizeInBytes()) {
      error(lit.loc, fmt::format("hex constant has {} digits, but {} needs {} "
                                 "bytes ({} digits)",
                                 digits.size(), type.str(), t.getSizeInBytes(),
                                 2 * t.getSizeInBytes()));
      return std::nullopt;
    }
    for (size_t i = 0; i < t.getSizeInBytes(); ++i)
      data[i] =
          uint8_t(hexValue(digits[2 * i]) * 16 + hexValue(digits[2 * i + 1]));
    break;
  }
  case DenseLiteral::Splat:
    if (n > 0 && (ok = store(data, lit.elems[0])))
      for (int64_t i = 1; i < n; ++i)
        std::memcpy(data + i * elemSize, data, elemSize);
    break;
  case DenseLiteral::List:
    if (int64_t(lit.elems.size()) != n) {
      error(lit.loc, fmt::format("dense literal has {} elements, but {} has {}",
                                 lit.elems.size(), type.str(), n));
      return std::nullopt;
    }
    for (int64_t i = 0; i < n; ++i)
      ok &= store(data + i * elemSize, lit.elems[i]);
    break;
  }
  if (!ok)
    return std::nullopt;
  return t;
}

//===- ir/TextLexer.h - Tokens of the textual IRs ---------------*- C++ -*-===//
//
// The lexer behind ir/Parser.cpp, kept apart so the parser stays readable
// and so the racetrack assembly parser can reuse it. Internal: only text
// parsers include it. Header-only because ir/CMakeLists.txt is owned by the
// IR core; TODO: move the bodies to TextLexer.cpp when convenient.
//
// Tokens: identifiers ([A-Za-z_][A-Za-z0-9_]*, plus "-inf"/"-nan"), values
// (%name, %"quoted", %12 numbered), symbols (@name), integers, floats
// (1.5, -2e-05), strings with \" \\ \n \t \xHH escapes, hex (0x00FF),
// "...", punctuation and "->". `//` starts a comment to end of line. The
// lexer never reads past its buffer (chunks need not end in NUL) and turns
// bad input into Error tokens carrying a message.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Tensor.h"
#include "ir/Types.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

namespace rtc::text {

/// Token kinds.
enum class Tok : uint8_t {
  Eof,
  Error,   // text holds the message
  Ident,   // graph, const, dense, tensor, mnemonics, true, inf, -inf, ...
  Value,   // %name, %"quoted", %12 (numbered)
  Symbol,  // @name, @"quoted"
  Integer, // -12
  Float,   // 1.5, -2e-05
  String,  // "text" (text holds the decoded string)
  Hex,     // 0x00FF
  Ellipsis,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LSquare,
  RSquare,
  Less,
  Greater,
  Comma,
  Colon,
  Equal,
  Arrow,
};

/// One token; `spelling` points into the lexed buffer.
struct Token {
  Tok kind = Tok::Eof;
  llvm::StringRef spelling; ///< The source text of the token.
  std::string text;         ///< Decoded name or string; error message.
  bool numbered = false;    ///< %123: an unnamed, numbered value.

  bool is(Tok k) const { return kind == k; }
  bool isIdent(llvm::StringRef s) const {
    return kind == Tok::Ident && spelling == s;
  }
};

/// Produces tokens on demand from a buffer. The parser may re-position it
/// (resetTo) after scanning characters itself, e.g. inside tensor types.
class Lexer {
public:
  explicit Lexer(llvm::StringRef buf) : pos(buf.begin()), end(buf.end()) {}
  Token lex();
  void resetTo(const char *p) { pos = p; }

private:
  char peek(size_t k = 0) const { return pos + k < end ? pos[k] : '\0'; }
  Token make(Tok kind, const char *start) {
    Token t;
    t.kind = kind;
    t.spelling = llvm::StringRef(start, pos - start);
    return t;
  }
  Token error(const char *start, std::string msg) {
    Token t = make(Tok::Error, start);
    t.text = std::move(msg);
    return t;
  }
  bool lexQuoted(std::string &out, std::string &err);
  Token lexNumber(const char *start);

  const char *pos;
  const char *end;
};

inline bool isBareNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '$' || c == '-';
}
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline int hexValue(char c) {
  if (isDigit(c))
    return c - '0';
  return (c | 0x20) - 'a' + 10;
}
inline bool isAlpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

/// Decodes a "..." string at pos (escapes as written by the printer).
inline bool Lexer::lexQuoted(std::string &out, std::string &err) {
  ++pos; // opening quote
  while (true) {
    if (pos == end || *pos == '\n') {
      err = "unterminated string";
      return false;
    }
    char c = *pos++;
    if (c == '"')
      return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = peek();
    if (e == '"' || e == '\\') {
      out += e;
      ++pos;
    } else if (e == 'n' || e == 't') {
      out += e == 'n' ? '\n' : '\t';
      ++pos;
    } else if (e == 'x' && std::isxdigit(static_cast<unsigned char>(peek(1))) &&
               std::isxdigit(static_cast<unsigned char>(peek(2)))) {
      out += char(hexValue(pos[1]) * 16 + hexValue(pos[2]));
      pos += 3;
    } else {
      err = "invalid escape sequence in string";
      return false;
    }
  }
}

inline Token Lexer::lexNumber(const char *start) {
  if (peek() == '-')
    ++pos;
  while (isDigit(peek()))
    ++pos;
  bool isFloat = false;
  if (peek() == '.' && isDigit(peek(1))) {
    isFloat = true;
    for (++pos; isDigit(peek());)
      ++pos;
  }
  if ((peek() == 'e' || peek() == 'E') &&
      (isDigit(peek(1)) ||
       ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
    isFloat = true;
    pos += isDigit(peek(1)) ? 1 : 2;
    while (isDigit(peek()))
      ++pos;
  }
  return make(isFloat ? Tok::Float : Tok::Integer, start);
}

inline Token Lexer::lex() {
  // Skip whitespace and // comments.
  while (pos != end) {
    if (std::isspace(static_cast<unsigned char>(*pos))) {
      ++pos;
    } else if (*pos == '/' && peek(1) == '/') {
      while (pos != end && *pos != '\n')
        ++pos;
    } else {
      break;
    }
  }
  const char *start = pos;
  if (pos == end)
    return make(Tok::Eof, start);
  char c = *pos;
  if (c == '%' || c == '@') {
    ++pos;
    std::string name, err;
    bool quoted = peek() == '"';
    if (quoted) {
      if (!lexQuoted(name, err))
        return error(start, err);
    } else {
      while (pos != end && isBareNameChar(*pos))
        name += *pos++;
    }
    if (name.empty() && (c == '%' || !quoted))
      return error(start, fmt::format("expected a name after '{}'", c));
    Token t = make(c == '%' ? Tok::Value : Tok::Symbol, start);
    t.numbered = c == '%' && !quoted && llvm::all_of(name, isDigit);
    t.text = std::move(name);
    return t;
  }
  if (c == '"') {
    std::string s, err;
    if (!lexQuoted(s, err))
      return error(start, err);
    Token t = make(Tok::String, start);
    t.text = std::move(s);
    return t;
  }
  if (isAlpha(c) || c == '_' || (c == '-' && isAlpha(peek(1)))) {
    ++pos;
    while (isAlpha(peek()) || isDigit(peek()) || peek() == '_')
      ++pos;
    return make(Tok::Ident, start);
  }
  if (c == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    pos += 2;
    while (std::isxdigit(static_cast<unsigned char>(peek())))
      ++pos;
    return make(Tok::Hex, start);
  }
  if (isDigit(c) || (c == '-' && isDigit(peek(1))))
    return lexNumber(start);
  if (c == '-' && peek(1) == '>') {
    pos += 2;
    return make(Tok::Arrow, start);
  }
  if (c == '.' && peek(1) == '.' && peek(2) == '.') {
    pos += 3;
    return make(Tok::Ellipsis, start);
  }
  ++pos;
  switch (c) {
  case '(':
    return make(Tok::LParen, start);
  case ')':
    return make(Tok::RParen, start);
  case '{':
    return make(Tok::LBrace, start);
  case '}':
    return make(Tok::RBrace, start);
  case '[':
    return make(Tok::LSquare, start);
  case ']':
    return make(Tok::RSquare, start);
  case '<':
    return make(Tok::Less, start);
  case '>':
    return make(Tok::Greater, start);
  case ',':
    return make(Tok::Comma, start);
  case ':':
    return make(Tok::Colon, start);
  case '=':
    return make(Tok::Equal, start);
  default:
    break;
  }
  if (std::isprint(static_cast<unsigned char>(c)))
    return error(start, fmt::format("unexpected character '{}'", c));
  return error(start, fmt::format("unexpected byte 0x{:02X}",
                                  static_cast<unsigned char>(c)));
}

//===----------------------------------------------------------------------===//
// Scalar conversions
//===----------------------------------------------------------------------===//

/// Parses an Integer, Float or inf/-inf/nan/-nan token as F (float/double).
template <typename F> std::optional<F> toFloat(const Token &t) {
  if (t.is(Tok::Ident)) {
    llvm::StringRef s = t.spelling;
    bool neg = s.consume_front("-");
    F v;
    if (s == "inf")
      v = std::numeric_limits<F>::infinity();
    else if (s == "nan")
      v = std::numeric_limits<F>::quiet_NaN();
    else
      return std::nullopt;
    return neg ? -v : v;
  }
  if (!t.is(Tok::Integer) && !t.is(Tok::Float))
    return std::nullopt;
  F v;
  auto [ptr, ec] = std::from_chars(t.spelling.begin(), t.spelling.end(), v);
  if (ec != std::errc() || ptr != t.spelling.end())
    return std::nullopt;
  return v;
}

/// Parses an Integer token as I; nullopt if it is not one or overflows.
template <typename I> std::optional<I> toInt(const Token &t) {
  if (!t.is(Tok::Integer))
    return std::nullopt;
  I v;
  auto [ptr, ec] = std::from_chars(t.spelling.begin(), t.spelling.end(), v);
  if (ec != std::errc() || ptr != t.spelling.end())
    return std::nullopt;
  return v;
}

/// \returns true if the integer token \p t fits \p dtype and stores it.
inline bool storeInteger(uint8_t *p, DType dtype, const Token &t) {
  if (dtype == DType::U64) {
    auto v = toInt<uint64_t>(t);
    if (v)
      std::memcpy(p, &*v, 8);
    return v.has_value();
  }
  auto v = toInt<int64_t>(t);
  if (!v)
    return false;
  auto fits = [&](int64_t lo, int64_t hi) { return *v >= lo && *v <= hi; };
  size_t size = getDTypeSize(dtype);
  bool ok = isSignedDType(dtype)
                ? size == 8 || fits(-(int64_t(1) << (8 * size - 1)),
                                    (int64_t(1) << (8 * size - 1)) - 1)
                : fits(0, (int64_t(1) << (8 * size)) - 1);
  if (ok)
    std::memcpy(p, &*v, size); // little-endian truncation of an in-range value
  return ok;
}

/// Stores the dense-literal element \p t at \p p. \returns false if the
/// token does not denote a value of \p dtype.
inline bool storeElement(uint8_t *p, DType dtype, const Token &t) {
  switch (dtype) {
  case DType::F32: {
    auto v = toFloat<float>(t);
    if (v)
      std::memcpy(p, &*v, 4);
    return v.has_value();
  }
  case DType::F64: {
    auto v = toFloat<double>(t);
    if (v)
      std::memcpy(p, &*v, 8);
    return v.has_value();
  }
  case DType::F16: {
    auto v = toFloat<float>(t);
    if (v) {
      uint16_t h = floatToHalf(*v);
      std::memcpy(p, &h, 2);
    }
    return v.has_value();
  }
  case DType::Bool:
    if (t.isIdent("true") || t.isIdent("false") || t.spelling == "0" ||
        t.spelling == "1") {
      *p = t.isIdent("true") || t.spelling == "1";
      return true;
    }
    return false;
  default:
    return storeInteger(p, dtype, t);
  }
}

} // namespace rtc::text

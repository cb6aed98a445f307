//===- ir/TextLexer.h - Tokens of the textual IRs ---------------*- C++ -*-===//
//
// The lexer behind ir/Parser.cpp, kept apart so the parser stays readable
// and so the racetrack assembly parser can reuse it. Internal: only text
// parsers include it. The lexer and element-store bodies are in
// ir/TextLexer.cpp; the small character classes and the number conversion
// templates stay inline here.
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

#include "llvm/ADT/StringRef.h"

#include <cctype>
#include <charconv>
#include <cstdint>
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
  /// \returns the next token (Eof at the end, Error with a message on bad
  /// input); never reads past the buffer.
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
bool storeInteger(uint8_t *p, DType dtype, const Token &t);

/// Stores the dense-literal element \p t at \p p. \returns false if the
/// token does not denote a value of \p dtype.
bool storeElement(uint8_t *p, DType dtype, const Token &t);

} // namespace rtc::text

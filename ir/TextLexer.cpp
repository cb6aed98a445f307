//===- ir/TextLexer.cpp - Tokens of the textual IRs -----------------------===//
//
// The bodies of the lexer of ir/TextLexer.h (see there for the token
// grammar) and of the dense-literal element stores.
//
//===----------------------------------------------------------------------===//
#include "ir/TextLexer.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>

using namespace rtc;
using namespace rtc::text;

//===----------------------------------------------------------------------===//
// Lexer
//===----------------------------------------------------------------------===//

/// Decodes a "..." string at pos (escapes as written by the printer).
bool Lexer::lexQuoted(std::string &out, std::string &err) {
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

Token Lexer::lexNumber(const char *start) {
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

Token Lexer::lex() {
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
// Element stores
//===----------------------------------------------------------------------===//

// Stores an integer token after checking it fits dtype.
bool text::storeInteger(uint8_t *p, DType dtype, const Token &t) {
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

// Stores one dense-literal element (float, half, bool or integer).
bool text::storeElement(uint8_t *p, DType dtype, const Token &t) {
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

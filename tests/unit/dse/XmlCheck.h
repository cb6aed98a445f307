//===- tests/unit/dse/XmlCheck.h - XML well-formedness checker -*- C++ -*-===//
//
// A small, independent XML 1.0 well-formedness checker for the SVG tests:
// one root element, properly nested and matching tags, attributes quoted
// and unique per element, no '<' in attribute values, every '&' starting a
// predefined or numeric entity, comments, processing instructions and the
// XML declaration, only whitespace around the root. No DTDs or CDATA (the
// SVG writer emits none). Header-only, test code.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace rtc::dse::test {

/// Checks \p doc; \returns "" if well-formed, else a message with the byte
/// offset of the first problem.
class XmlChecker {
public:
  explicit XmlChecker(const std::string &doc) : s(doc) {}

  std::string check() {
    skipProlog();
    if (!error.empty())
      return error;
    if (!at('<'))
      return fail("expected the root element");
    element();
    if (!error.empty())
      return error;
    skipMisc();
    if (!error.empty())
      return error;
    if (pos != s.size())
      return fail("content after the root element");
    return "";
  }

private:
  const std::string &s;
  size_t pos = 0;
  std::string error;

  std::string fail(const std::string &what) {
    if (error.empty())
      error = what + " at byte " + std::to_string(pos);
    return error;
  }
  bool at(char c) const { return pos < s.size() && s[pos] == c; }
  bool startsWith(const char *t) const {
    return s.compare(pos, std::char_traits<char>::length(t), t) == 0;
  }
  void skipSpace() {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos])))
      ++pos;
  }
  static bool isNameStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  }
  static bool isNameChar(char c) {
    return isNameStart(c) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '-' || c == '.';
  }
  std::string name() {
    if (pos >= s.size() || !isNameStart(s[pos])) {
      fail("expected a name");
      return "";
    }
    size_t start = pos;
    while (pos < s.size() && isNameChar(s[pos]))
      ++pos;
    return s.substr(start, pos - start);
  }
  void skipUntil(const char *end) {
    size_t found = s.find(end, pos);
    if (found == std::string::npos) {
      fail(std::string("unterminated construct, expected '") + end + "'");
      pos = s.size();
      return;
    }
    pos = found + std::char_traits<char>::length(end);
  }
  void comment() {
    pos += 4; // "<!--"
    size_t found = s.find("--", pos);
    if (found == std::string::npos || s.compare(found, 3, "-->") != 0) {
      fail("bad comment");
      return;
    }
    pos = found + 3;
  }
  void skipMisc() {
    for (;;) {
      skipSpace();
      if (startsWith("<!--"))
        comment();
      else if (startsWith("<?"))
        skipUntil("?>");
      else
        return;
      if (!error.empty())
        return;
    }
  }
  void skipProlog() {
    if (startsWith("<?xml"))
      skipUntil("?>");
    skipMisc();
    if (startsWith("<!"))
      fail("DTDs and CDATA are not expected");
  }
  /// An entity reference at '&'.
  void reference() {
    size_t semi = s.find(';', pos);
    if (semi == std::string::npos) {
      fail("unterminated entity");
      return;
    }
    std::string ref = s.substr(pos + 1, semi - pos - 1);
    static const std::set<std::string> predefined = {"amp", "lt", "gt", "quot",
                                                     "apos"};
    bool ok = predefined.count(ref) > 0;
    if (!ok && ref.size() > 1 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string digits = ref.substr(hex ? 2 : 1);
      ok = !digits.empty();
      for (char c : digits)
        ok = ok && (hex ? std::isxdigit(static_cast<unsigned char>(c))
                        : std::isdigit(static_cast<unsigned char>(c)));
    }
    if (!ok) {
      fail("bad entity '&" + ref + ";'");
      return;
    }
    pos = semi + 1;
  }
  void attributeValue() {
    if (!at('"') && !at('\'')) {
      fail("attribute value must be quoted");
      return;
    }
    char quote = s[pos++];
    while (pos < s.size() && s[pos] != quote) {
      if (s[pos] == '<') {
        fail("'<' in an attribute value");
        return;
      }
      if (s[pos] == '&') {
        reference();
        if (!error.empty())
          return;
        continue;
      }
      ++pos;
    }
    if (!at(quote)) {
      fail("unterminated attribute value");
      return;
    }
    ++pos;
  }
  void element() {
    ++pos; // '<'
    std::string tag = name();
    if (!error.empty())
      return;
    std::set<std::string> attrs;
    for (;;) {
      size_t before = pos;
      skipSpace();
      if (startsWith("/>")) {
        pos += 2;
        return;
      }
      if (at('>')) {
        ++pos;
        break;
      }
      if (pos == before) {
        fail("expected whitespace before an attribute");
        return;
      }
      std::string attr = name();
      if (!error.empty())
        return;
      if (!attrs.insert(attr).second) {
        fail("duplicate attribute '" + attr + "'");
        return;
      }
      skipSpace();
      if (!at('=')) {
        fail("expected '=' after attribute '" + attr + "'");
        return;
      }
      ++pos;
      skipSpace();
      attributeValue();
      if (!error.empty())
        return;
    }
    content(tag);
  }
  void content(const std::string &tag) {
    while (pos < s.size()) {
      if (startsWith("</")) {
        pos += 2;
        std::string end = name();
        if (!error.empty())
          return;
        if (end != tag) {
          fail("</" + end + "> closes <" + tag + ">");
          return;
        }
        skipSpace();
        if (!at('>')) {
          fail("expected '>'");
          return;
        }
        ++pos;
        return;
      }
      if (startsWith("<!--"))
        comment();
      else if (startsWith("<?"))
        skipUntil("?>");
      else if (startsWith("<!"))
        fail("CDATA or declarations are not expected");
      else if (at('<'))
        element();
      else if (at('&'))
        reference();
      else if (at('>') && pos >= 2 && s.compare(pos - 2, 2, "]]") == 0)
        fail("']]>' in text");
      else
        ++pos;
      if (!error.empty())
        return;
    }
    fail("unclosed <" + tag + ">");
  }
};

/// \returns "" if \p doc is well-formed XML, else the first problem.
inline std::string checkXml(const std::string &doc) {
  return XmlChecker(doc).check();
}

} // namespace rtc::dse::test

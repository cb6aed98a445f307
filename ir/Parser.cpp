//===- ir/Parser.cpp - Parse the textual graph IR -------------------------===//
//
// A recursive-descent parser over a small on-demand lexer. Tensor types are
// scanned character by character (`1x3xf32` is not a token sequence), so the
// parser can re-position the lexer after a type.
//
// Error handling: every problem becomes a located diagnostic in an
// ErrorList. Semantic errors (undefined values, bad attributes, type
// mismatches) do not stop the statement; syntax errors skip to the next line
// that starts a statement. Values of a statement that failed are "poisoned":
// later uses of them are not reported again. Nothing in here asserts on
// input, and all scanning is bounds-checked (chunks need not end in NUL).
//
//===----------------------------------------------------------------------===//
#include "ir/Parser.h"

#include "ir/AttrFields.h"
#include "ir/ShapeInference.h"
#include "ir/TextLexer.h"

#include "llvm/ADT/StringMap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

using namespace rtc;
using namespace rtc::text;

/// \returns "1 operand", "2 operands", ...
static std::string plural(size_t n, llvm::StringRef noun) {
  return fmt::format("{} {}{}", n, noun.str(), n == 1 ? "" : "s");
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

namespace {
/// An attribute as written, before it is bound to a struct field.
struct ParsedAttr {
  std::string name;
  const char *loc = nullptr;
  Token value;                      ///< Scalar value (unless isList).
  llvm::SmallVector<Token, 4> list; ///< Elements of a [...] value.
  std::optional<QuantParams> quant; ///< A q<...> value.
  bool isList = false;
  bool used = false;
};

/// A dense<...> literal as written; materialized once the type is known.
struct DenseLiteral {
  enum Form { List, Splat, Hex } form = List;
  llvm::SmallVector<Token, 16> elems; ///< List elements, or the splat.
  Token hex;
  const char *loc = nullptr;
};

class Parser {
public:
  Parser(llvm::StringRef text, llvm::StringRef fileName, unsigned firstLine)
      : text(text), fileName(fileName), firstLine(firstLine), lexer(text) {
    lineStarts.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n')
        lineStarts.push_back(i + 1);
  }
  llvm::Expected<Graph> parse();

private:
  // Token stream.
  void consume() { tok = lexer.lex(); }
  bool consumeIf(Tok k) {
    if (!tok.is(k))
      return false;
    consume();
    return true;
  }
  bool expect(Tok k, llvm::StringRef what);
  bool isAtLineStart(const Token &t) const;
  void skipStatement();

  // Diagnostics.
  Location locOf(const char *p) const;
  void error(const char *p, std::string msg) {
    errors.add(makeError(locOf(p), std::move(msg)));
  }
  void errorExpected(llvm::StringRef what);

  // Symbols.
  static std::string symbolKey(const Token &t) {
    return (t.numbered ? "#" : "n:") + t.text;
  }
  void define(const Token &t, ValueId id);
  void poison(llvm::ArrayRef<Token> results);
  std::optional<ValueId> resolve(const Token &t, bool &bad);

  // Grammar.
  bool parseHeader();
  std::optional<TensorType> parseType();
  bool parseQuant(TensorType &type);
  bool parseQuantParams(QuantParams &q);
  bool parseTypeList(llvm::SmallVectorImpl<TensorType> &types,
                     llvm::SmallVectorImpl<const char *> &locs);
  bool parseStatement();
  bool parseReturn();
  bool parseNodeRest(llvm::ArrayRef<Token> results, const char *stmtStart);
  bool parseAttrDict(std::vector<ParsedAttr> &attrs);
  bool parseDense(DenseLiteral &lit);
  bool parseLoc(std::optional<std::string> &onnxName);
  bool bindAttrs(OpKind kind, std::vector<ParsedAttr> &parsed, Attrs &out,
                 const char *loc);
  template <typename F> bool bindField(ParsedAttr &pa, F &field);
  bool bindActivation(std::vector<ParsedAttr> &parsed, FusedActivation &act,
                      const char *loc);
  std::optional<Tensor> materialize(const DenseLiteral &lit,
                                    const TensorType &type);
  void checkInferredTypes(OpKind kind, llvm::ArrayRef<ValueId> operands,
                          const Attrs &attrs,
                          llvm::ArrayRef<TensorType> written,
                          llvm::ArrayRef<const char *> typeLocs,
                          const char *opLoc);

  llvm::StringRef text;
  llvm::StringRef fileName;
  unsigned firstLine;
  std::vector<size_t> lineStarts;
  Lexer lexer;
  Token tok;
  Graph graph;
  ErrorList errors;
  llvm::StringMap<ValueId> symbols; ///< Invalid ValueId: poisoned.
  llvm::SmallVector<TensorType, 4> signatureResults;
  bool sawReturn = false;
};
} // namespace

Location Parser::locOf(const char *p) const {
  size_t offset = std::min<size_t>(p ? p - text.begin() : 0, text.size());
  auto it = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset);
  size_t lineIndex = size_t(it - lineStarts.begin()) - 1;
  return Location::fileLineCol(fileName, firstLine + unsigned(lineIndex),
                               unsigned(offset - lineStarts[lineIndex]) + 1);
}

void Parser::errorExpected(llvm::StringRef what) {
  if (tok.is(Tok::Error)) {
    error(tok.spelling.begin(), tok.text);
    return;
  }
  std::string found =
      tok.is(Tok::Eof) ? "end of input"
                       : fmt::format("'{}'", tok.spelling.take_front(32).str());
  error(tok.spelling.begin(),
        fmt::format("expected {}, found {}", what.str(), found));
}

bool Parser::expect(Tok k, llvm::StringRef what) {
  if (consumeIf(k))
    return true;
  errorExpected(what);
  return false;
}

bool Parser::isAtLineStart(const Token &t) const {
  const char *p = t.spelling.begin();
  while (p != text.begin() && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
    --p;
  return p == text.begin() || p[-1] == '\n';
}

/// Error recovery: skips to the next token that starts a line and can start
/// a statement (a value, `return` or `}`), or is a lexer error there (so
/// that it gets reported). After `return`, only `}` can follow.
void Parser::skipStatement() {
  while (!tok.is(Tok::Eof)) {
    if (isAtLineStart(tok) &&
        (tok.is(Tok::RBrace) ||
         (!sawReturn &&
          (tok.is(Tok::Value) || tok.isIdent("return") || tok.is(Tok::Error)))))
      return;
    consume();
  }
}

void Parser::define(const Token &t, ValueId id) {
  auto [it, inserted] = symbols.try_emplace(symbolKey(t), id);
  if (!inserted)
    error(t.spelling.begin(),
          fmt::format("redefinition of value '{}'", t.spelling.str()));
}

void Parser::poison(llvm::ArrayRef<Token> results) {
  for (const Token &t : results)
    symbols.try_emplace(symbolKey(t), ValueId{});
}

std::optional<ValueId> Parser::resolve(const Token &t, bool &bad) {
  auto it = symbols.find(symbolKey(t));
  if (it == symbols.end()) {
    error(t.spelling.begin(),
          fmt::format("use of undefined value '{}'", t.spelling.str()));
    bad = true;
    return std::nullopt;
  }
  if (!it->second.isValid()) { // poisoned: already reported
    bad = true;
    return std::nullopt;
  }
  return it->second;
}

//===--- Types -----------------------------------------------------------===//

/// Scans `tensor<DxDx...xdtype[, q<...>]>` starting at the current `tensor`
/// identifier, character by character up to the element type.
std::optional<TensorType> Parser::parseType() {
  if (!tok.isIdent("tensor")) {
    errorExpected("a tensor type");
    return std::nullopt;
  }
  const char *p = tok.spelling.end();
  const char *end = text.end();
  if (p == end || *p != '<') {
    error(p, "expected '<' after 'tensor'");
    return std::nullopt;
  }
  ++p;
  TensorType type;
  constexpr int64_t maxElements = int64_t(1) << 40;
  int64_t numElements = 1;
  while (true) {
    const char *start = p;
    if (p != end && isDigit(*p)) {
      int64_t dim = 0;
      for (; p != end && isDigit(*p); ++p) {
        dim = dim * 10 + (*p - '0');
        if (dim > maxElements) {
          error(start, "dimension too large");
          return std::nullopt;
        }
      }
      if (dim && numElements > maxElements / dim) {
        error(start, "tensor type has too many elements");
        return std::nullopt;
      }
      numElements *= dim;
      if (p == end || *p != 'x') {
        error(p, "expected 'x' after a dimension");
        return std::nullopt;
      }
      ++p;
      type.shape.push_back(dim);
      continue;
    }
    while (p != end && (isAlpha(*p) || isDigit(*p)))
      ++p;
    llvm::StringRef name(start, p - start);
    if (name.empty()) {
      error(start, "expected a dimension or an element type");
      return std::nullopt;
    }
    std::optional<DType> dtype = parseDTypeName(name);
    if (!dtype) {
      error(start, fmt::format("unknown element type '{}'", name.str()));
      return std::nullopt;
    }
    type.elemType = *dtype;
    break;
  }
  lexer.resetTo(p);
  consume();
  if (consumeIf(Tok::Comma) && !parseQuant(type))
    return std::nullopt;
  if (!expect(Tok::Greater, "'>' to close the tensor type"))
    return std::nullopt;
  return type;
}

bool Parser::parseQuant(TensorType &type) {
  QuantParams q;
  if (!parseQuantParams(q))
    return false;
  type.quant = std::move(q);
  return true;
}

/// Parses `q<scale, zp>` or `q<axis A: [scales], [zps]>`, each optionally
/// followed by `, bits N` before the '>' (see ir/Types.h).
bool Parser::parseQuantParams(QuantParams &q) {
  if (!tok.isIdent("q")) {
    errorExpected("'q<...>' quantization parameters");
    return false;
  }
  consume();
  if (!expect(Tok::Less, "'<'"))
    return false;
  auto scale = [&]() -> bool {
    auto v = toFloat<float>(tok);
    if (!v) {
      errorExpected("a quantization scale");
      return false;
    }
    q.scales.push_back(*v);
    consume();
    return true;
  };
  auto zeroPoint = [&]() -> bool {
    auto v = toInt<int64_t>(tok);
    if (!v) {
      errorExpected("an integer zero point");
      return false;
    }
    q.zeroPoints.push_back(*v);
    consume();
    return true;
  };
  if (tok.isIdent("axis")) {
    consume();
    const char *axisLoc = tok.spelling.begin();
    auto axis = toInt<int64_t>(tok);
    if (!axis || *axis < 0) {
      errorExpected("a non-negative quantization axis");
      return false;
    }
    q.axis = *axis;
    consume();
    if (!expect(Tok::Colon, "':'") || !expect(Tok::LSquare, "'['"))
      return false;
    if (!tok.is(Tok::RSquare))
      do {
        if (!scale())
          return false;
      } while (consumeIf(Tok::Comma));
    if (!expect(Tok::RSquare, "']'") || !expect(Tok::Comma, "','") ||
        !expect(Tok::LSquare, "'['"))
      return false;
    if (!tok.is(Tok::RSquare))
      do {
        if (!zeroPoint())
          return false;
      } while (consumeIf(Tok::Comma));
    if (!expect(Tok::RSquare, "']'"))
      return false;
    if (q.scales.size() != q.zeroPoints.size())
      error(axisLoc, fmt::format("{} scales but {} zero points",
                                 q.scales.size(), q.zeroPoints.size()));
  } else if (!scale() || !expect(Tok::Comma, "','") || !zeroPoint()) {
    return false;
  }
  if (consumeIf(Tok::Comma)) {
    if (!tok.isIdent("bits")) {
      errorExpected("'bits'");
      return false;
    }
    consume();
    auto bits = toInt<int64_t>(tok);
    if (!bits || *bits < 0 || *bits > 64) {
      errorExpected("a bit width between 0 and 64");
      return false;
    }
    q.bits = *bits;
    consume();
  }
  return expect(Tok::Greater, "'>' to close the quantization parameters");
}

bool Parser::parseTypeList(llvm::SmallVectorImpl<TensorType> &types,
                           llvm::SmallVectorImpl<const char *> &locs) {
  do {
    locs.push_back(tok.spelling.begin());
    std::optional<TensorType> t = parseType();
    if (!t)
      return false;
    types.push_back(std::move(*t));
  } while (consumeIf(Tok::Comma));
  return true;
}

//===--- Graph structure
//---------------------------------------------------===//

/// graph @name(%a: type, ...) -> (type, ...) {
bool Parser::parseHeader() {
  if (!tok.isIdent("graph")) {
    errorExpected("'graph'");
    return false;
  }
  consume();
  if (!tok.is(Tok::Symbol)) {
    errorExpected("a graph name '@name'");
    return false;
  }
  graph.setName(tok.text);
  consume();
  if (!expect(Tok::LParen, "'('"))
    return false;
  if (!tok.is(Tok::RParen)) {
    do {
      if (!tok.is(Tok::Value)) {
        errorExpected("an argument '%name'");
        return false;
      }
      Token arg = tok;
      consume();
      if (!expect(Tok::Colon, "':'"))
        return false;
      std::optional<TensorType> type = parseType();
      if (!type)
        return false;
      define(arg, graph.addInput(*type, arg.numbered ? "" : arg.text));
    } while (consumeIf(Tok::Comma));
  }
  if (!expect(Tok::RParen, "')'") || !expect(Tok::Arrow, "'->'"))
    return false;
  llvm::SmallVector<const char *, 4> locs;
  if (consumeIf(Tok::LParen)) {
    if (!tok.is(Tok::RParen) && !parseTypeList(signatureResults, locs))
      return false;
    if (!expect(Tok::RParen, "')'"))
      return false;
  } else if (!parseTypeList(signatureResults, locs)) {
    return false;
  }
  return expect(Tok::LBrace, "'{'");
}

llvm::Expected<Graph> Parser::parse() {
  consume();
  if (!parseHeader()) {
    // Resynchronize on the body so its errors are reported too.
    while (!tok.is(Tok::Eof) && !tok.is(Tok::LBrace))
      consume();
    consumeIf(Tok::LBrace);
  }
  while (!tok.is(Tok::Eof) && !tok.is(Tok::RBrace)) {
    const char *before = tok.spelling.begin();
    if (parseStatement())
      continue;
    if (tok.spelling.begin() == before)
      consume(); // the offending token itself; guarantees progress
    skipStatement();
  }
  if (!tok.is(Tok::RBrace)) {
    errorExpected("'}' to close the graph");
  } else {
    const char *close = tok.spelling.begin();
    consume();
    if (!sawReturn)
      error(close, "graph has no 'return'");
    if (!tok.is(Tok::Eof))
      errorExpected("end of input after the graph");
  }
  if (llvm::Error err = errors.take())
    return err;
  return std::move(graph);
}

bool Parser::parseStatement() {
  if (tok.isIdent("return"))
    return parseReturn();
  if (sawReturn) {
    errorExpected("'}' after 'return'");
    return false;
  }
  if (!tok.is(Tok::Value)) {
    errorExpected("a value definition or 'return'");
    return false;
  }
  const char *stmtStart = tok.spelling.begin();
  llvm::SmallVector<Token, 1> results{tok};
  consume();
  while (consumeIf(Tok::Comma)) {
    if (!tok.is(Tok::Value)) {
      errorExpected("a result name");
      poison(results);
      return false;
    }
    results.push_back(tok);
    consume();
  }
  if (!parseNodeRest(results, stmtStart)) {
    poison(results);
    return false;
  }
  return true;
}

/// return %a, %b
bool Parser::parseReturn() {
  const char *loc = tok.spelling.begin();
  if (sawReturn)
    error(loc, "duplicate 'return'");
  sawReturn = true;
  consume();
  llvm::SmallVector<Token, 4> outs;
  if (tok.is(Tok::Value) && !isAtLineStart(tok)) {
    do {
      if (!tok.is(Tok::Value)) {
        errorExpected("a value");
        return false;
      }
      outs.push_back(tok);
      consume();
    } while (consumeIf(Tok::Comma));
  }
  if (outs.size() != signatureResults.size())
    error(loc, fmt::format("'return' has {}, but the signature declares {}",
                           plural(outs.size(), "value"),
                           plural(signatureResults.size(), "result")));
  llvm::SmallVector<ValueId, 4> ids;
  bool bad = false;
  for (size_t i = 0; i < outs.size(); ++i) {
    std::optional<ValueId> v = resolve(outs[i], bad);
    if (!v)
      continue;
    ids.push_back(*v);
    if (i < signatureResults.size() && graph.getType(*v) != signatureResults[i])
      error(outs[i].spelling.begin(),
            fmt::format("return value #{} has type {}, but the signature "
                        "declares {}",
                        i, graph.getType(*v).str(), signatureResults[i].str()));
  }
  if (!bad)
    graph.setOutputs(ids);
  return true;
}

/// Everything after `%r0, %r1 =`.
bool Parser::parseNodeRest(llvm::ArrayRef<Token> results,
                           const char *stmtStart) {
  if (!expect(Tok::Equal, "'='"))
    return false;
  if (!tok.is(Tok::Ident)) {
    errorExpected("an op name");
    return false;
  }
  const char *opLoc = tok.spelling.begin();
  std::optional<OpKind> kind = lookupOpMnemonic(tok.spelling);
  if (!kind) {
    error(opLoc, fmt::format("unknown op '{}'", tok.spelling.str()));
    return false;
  }
  consume();
  const OpInfo &info = getOpInfo(*kind);
  bool bad = false; // a semantic error: report, but keep parsing

  // Operands, or the dense literal of a constant.
  llvm::SmallVector<ValueId, 4> operands;
  llvm::SmallVector<Token, 4> operandToks;
  DenseLiteral dense;
  if (*kind == OpKind::Constant) {
    if (!parseDense(dense))
      return false;
  } else if (tok.is(Tok::Value)) {
    do {
      if (!tok.is(Tok::Value)) {
        errorExpected("an operand");
        return false;
      }
      operandToks.push_back(tok);
      consume();
    } while (consumeIf(Tok::Comma));
  }
  for (const Token &t : operandToks)
    if (std::optional<ValueId> v = resolve(t, bad))
      operands.push_back(*v);

  // Attributes.
  std::vector<ParsedAttr> parsedAttrs;
  const char *attrLoc = tok.is(Tok::LBrace) ? tok.spelling.begin() : opLoc;
  if (tok.is(Tok::LBrace) && !parseAttrDict(parsedAttrs))
    return false;

  // Result types and location.
  if (!expect(Tok::Colon, "':' and the result types"))
    return false;
  llvm::SmallVector<TensorType, 1> types;
  llvm::SmallVector<const char *, 1> typeLocs;
  if (!parseTypeList(types, typeLocs))
    return false;
  std::optional<std::string> onnxName;
  if (!parseLoc(onnxName))
    return false;

  // Semantic checks.
  int numOperands = int(operandToks.size());
  if (numOperands < info.minOperands ||
      (info.maxOperands >= 0 && numOperands > info.maxOperands)) {
    std::string expected =
        info.maxOperands < 0 ? "at least " + plural(info.minOperands, "operand")
        : info.minOperands == info.maxOperands
            ? plural(info.minOperands, "operand")
            : fmt::format("{} to {} operands", info.minOperands,
                          info.maxOperands);
    error(opLoc, fmt::format("'{}' expects {}, got {}", info.mnemonic.str(),
                             expected, numOperands));
    bad = true;
  }
  if (int(results.size()) != info.numResults) {
    error(stmtStart,
          fmt::format("'{}' has {}, but {} written", info.mnemonic.str(),
                      plural(info.numResults, "result"),
                      plural(results.size(), "name")));
    bad = true;
  }
  if (types.size() != results.size()) {
    error(typeLocs.front(),
          fmt::format("{} written for {}", plural(types.size(), "result type"),
                      plural(results.size(), "result")));
    return false;
  }
  Attrs attrs = getDefaultAttrs(*kind);
  if (*kind == OpKind::Constant) {
    std::optional<Tensor> value = materialize(dense, types[0]);
    if (!value)
      return false;
    attrs = ConstantAttrs{std::move(*value)};
  } else if (!bindAttrs(*kind, parsedAttrs, attrs, attrLoc)) {
    bad = true;
  }
  if (!bad)
    checkInferredTypes(*kind, operands, attrs, types, typeLocs, opLoc);
  if (operands.size() != operandToks.size())
    return false; // an undefined operand: no node can be built

  Location loc = locOf(stmtStart);
  if (onnxName)
    loc = Location::onnxNode(fileName, *onnxName, info.mnemonic, -1, -1);
  llvm::SmallVector<std::string, 1> names;
  for (const Token &t : results)
    names.push_back(t.numbered ? "" : t.text);
  NodeId n = graph.addNode(*kind, operands, types, std::move(attrs),
                           std::move(loc), names);
  for (size_t i = 0; i < results.size(); ++i)
    define(results[i], graph.getNode(n).results[i]);
  return true;
}

void Parser::checkInferredTypes(OpKind kind, llvm::ArrayRef<ValueId> operands,
                                const Attrs &attrs,
                                llvm::ArrayRef<TensorType> written,
                                llvm::ArrayRef<const char *> typeLocs,
                                const char *opLoc) {
  llvm::SmallVector<TensorType, 4> operandTypes;
  for (ValueId v : operands)
    operandTypes.push_back(graph.getType(v));
  auto inferred = inferResultTypes(kind, operandTypes, attrs);
  if (!inferred) {
    errors.add(attachLocation(inferred.takeError(), locOf(opLoc)));
    return;
  }
  if (inferred->size() != written.size()) {
    error(opLoc, fmt::format("shape inference gives {} results, {} written",
                             inferred->size(), written.size()));
    return;
  }
  for (size_t i = 0; i < written.size(); ++i) {
    const TensorType &w = written[i], &t = (*inferred)[i];
    if (w.elemType != t.elemType || w.shape != t.shape)
      error(typeLocs[i],
            fmt::format("result type {} does not match the inferred type {}",
                        w.str(), t.str()));
  }
}

/// Optional ` loc("onnx node name")`.
bool Parser::parseLoc(std::optional<std::string> &onnxName) {
  if (!tok.isIdent("loc"))
    return true;
  consume();
  if (!expect(Tok::LParen, "'('"))
    return false;
  if (!tok.is(Tok::String)) {
    errorExpected("a node name string");
    return false;
  }
  onnxName = tok.text;
  consume();
  return expect(Tok::RParen, "')'");
}

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

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

llvm::Expected<Graph> rtc::parseGraph(llvm::StringRef text,
                                      llvm::StringRef fileName,
                                      unsigned firstLine) {
  return Parser(text, fileName, firstLine).parse();
}

llvm::SmallVector<TextChunk, 4> rtc::splitInputFile(llvm::StringRef text) {
  llvm::SmallVector<TextChunk, 4> chunks;
  size_t chunkStart = 0, pos = 0;
  unsigned line = 1, chunkLine = 1;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    size_t next = eol == llvm::StringRef::npos ? text.size() : eol + 1;
    llvm::StringRef content = text.slice(pos, next).rtrim(" \t\r\n");
    if (content == "// -----") {
      chunks.push_back({text.slice(chunkStart, pos), chunkLine});
      chunkStart = next;
      chunkLine = line + 1;
    }
    pos = next;
    ++line;
  }
  chunks.push_back({text.substr(chunkStart), chunkLine});
  return chunks;
}

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

#include "ir/ParserImpl.h"
#include "ir/ShapeInference.h"

#include "llvm/ADT/StringMap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

using namespace rtc;
using namespace rtc::text;
using namespace rtc::text::detail;

/// \returns "1 operand", "2 operands", ...
static std::string plural(size_t n, llvm::StringRef noun) {
  return fmt::format("{} {}{}", n, noun.str(), n == 1 ? "" : "s");
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

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

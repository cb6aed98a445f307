//===- ir/ParserImpl.h - The textual IR parser class -------------*- C++ -*-===//
//
// Internal to rtc_ir: the recursive-descent Parser of ir/Parser.cpp, whose
// member functions are split over ir/Parser.cpp (token stream, types, graph
// structure, statements, entry points) and ir/ParserAttrs.cpp (attribute
// dictionaries, binding to the typed structs of ir/Attrs.h, dense
// constants). Only those two files include it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Diagnostics.h"
#include "ir/Graph.h"
#include "ir/TextLexer.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace rtc::text::detail {

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

/// Parses one graph from text into a Graph, collecting every diagnostic
/// (see ir/Parser.cpp for the error-handling rules).
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

} // namespace rtc::text::detail

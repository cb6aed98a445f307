//===- targets/racetrack/isa/Asm.cpp - Racetrack assembly text -------------===//
//
// Printer and recursive-descent parser of the assembly form (Asm.h).
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/Asm.h"

#include "targets/racetrack/isa/Encoding.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <limits>

using namespace rtc;
using namespace rtc::racetrack;

//===----------------------------------------------------------------------===//
// Printer
//===----------------------------------------------------------------------===//

template <typename T>
static void printList(llvm::raw_ostream &os, const std::vector<T> &values) {
  os << '[';
  for (size_t i = 0; i < values.size(); ++i)
    os << (i ? ", " : "") << values[i];
  os << ']';
}

void rtc::racetrack::printInsn(const Insn &insn, llvm::raw_ostream &os) {
  const InsnInfo &info = insn.info();
  os << info.mnemonic;
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    os << (i ? ", " : " ") << o.name << '=';
    if (o.isSigned && insn.operands[i] >= 0)
      os << '+';
    os << insn.operands[i];
  }
}

std::string rtc::racetrack::printInsn(const Insn &insn) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printInsn(insn, os);
  return s;
}

void rtc::racetrack::printProgram(const Program &p, llvm::raw_ostream &os) {
  os << "rt.program {\n";
  for (size_t i = 0; i < p.biasTable.size(); ++i) {
    os << "  .bias " << i << ' ';
    printList(os, p.biasTable[i]);
    os << '\n';
  }
  for (size_t i = 0; i < p.requantTable.size(); ++i) {
    const RequantEntry &e = p.requantTable[i];
    os << "  .requant " << i << " multipliers=";
    printList(os, e.multipliers);
    os << " shifts=";
    printList(os, e.shifts);
    os << " zp=" << e.outZeroPoint << " clamp=[" << e.clampMin << ", "
       << e.clampMax << "]\n";
  }
  for (size_t i = 0; i < p.addTable.size(); ++i) {
    const AddEntry &e = p.addTable[i];
    os << "  .add " << i << " za=" << e.zeroPointA << " zb=" << e.zeroPointB
       << " ma=" << e.multiplierA << " mb=" << e.multiplierB
       << " shift=" << e.shift << " zp=" << e.outZeroPoint << " clamp=["
       << e.clampMin << ", " << e.clampMax << "] signed=[" << int(e.signedA)
       << ", " << int(e.signedB) << ", " << int(e.signedOut) << "]\n";
  }
  for (const Insn &insn : p.insns) {
    os << "  ";
    printInsn(insn, os);
    os << '\n';
  }
  os << "}\n";
}

std::string rtc::racetrack::printProgram(const Program &program) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printProgram(program, os);
  return s;
}

//===----------------------------------------------------------------------===//
// Lexer
//===----------------------------------------------------------------------===//

namespace {

enum class TokKind { Ident, Int, Punct, Eof };

struct Token {
  TokKind kind = TokKind::Eof;
  llvm::StringRef text;
  unsigned line = 1;
  unsigned col = 1;
};

class AsmParser {
public:
  AsmParser(llvm::StringRef text, llvm::StringRef fileName)
      : text(text), fileName(fileName) {}

  llvm::Expected<Program> parse();

private:
  // Lexing.
  void skipSpace();
  Token lex();
  const Token &peek() { return tok; }
  Token consume() {
    Token t = tok;
    tok = lex();
    return t;
  }

  llvm::Error errorAt(const Token &t, std::string msg) {
    return makeError(Location::fileLineCol(fileName, t.line, t.col),
                     std::move(msg));
  }
  static std::string describe(const Token &t) {
    if (t.kind == TokKind::Eof)
      return "end of file";
    return fmt::format("'{}'", t.text.str());
  }

  // Parsing helpers.
  llvm::Error expectPunct(char c);
  llvm::Error expectKeyword(llvm::StringRef word);
  llvm::Error parseInt(int64_t &value, int64_t lo, int64_t hi,
                       llvm::StringRef what);
  llvm::Error parseInt32List(std::vector<int32_t> &values);
  llvm::Error parseClamp(int64_t &lo, int64_t &hi);
  llvm::Error parseTableIndex(size_t expected, llvm::StringRef table);
  llvm::Error parseBias(Program &p);
  llvm::Error parseRequant(Program &p);
  llvm::Error parseAdd(Program &p);
  llvm::Error parseInsn(Program &p);

  llvm::StringRef text;
  llvm::StringRef fileName;
  size_t pos = 0;
  unsigned line = 1;
  unsigned col = 1;
  Token tok;
};

} // namespace

void AsmParser::skipSpace() {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '\n') {
      ++pos;
      ++line;
      col = 1;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++pos;
      ++col;
    } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '/') {
      while (pos < text.size() && text[pos] != '\n')
        ++pos;
    } else {
      return;
    }
  }
}

Token AsmParser::lex() {
  skipSpace();
  Token t;
  t.line = line;
  t.col = col;
  if (pos >= text.size())
    return t;
  size_t start = pos;
  char c = text[pos];
  auto isIdentChar = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' ||
           ch == '.';
  };
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.') {
    while (pos < text.size() && isIdentChar(text[pos]))
      ++pos;
    t.kind = TokKind::Ident;
  } else if (std::isdigit(static_cast<unsigned char>(c)) ||
             ((c == '-' || c == '+') && pos + 1 < text.size() &&
              std::isdigit(static_cast<unsigned char>(text[pos + 1])))) {
    ++pos;
    while (pos < text.size() &&
           std::isalnum(static_cast<unsigned char>(text[pos])))
      ++pos;
    t.kind = TokKind::Int;
  } else {
    ++pos;
    t.kind = TokKind::Punct;
  }
  t.text = text.slice(start, pos);
  col += static_cast<unsigned>(pos - start);
  return t;
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

llvm::Error AsmParser::expectPunct(char c) {
  if (tok.kind != TokKind::Punct || tok.text[0] != c)
    return errorAt(tok, fmt::format("expected '{}', found {}", c,
                                    describe(tok)));
  consume();
  return llvm::Error::success();
}

llvm::Error AsmParser::expectKeyword(llvm::StringRef word) {
  if (tok.kind != TokKind::Ident || tok.text != word)
    return errorAt(tok, fmt::format("expected '{}', found {}", word.str(),
                                    describe(tok)));
  consume();
  return llvm::Error::success();
}

llvm::Error AsmParser::parseInt(int64_t &value, int64_t lo, int64_t hi,
                                llvm::StringRef what) {
  if (tok.kind != TokKind::Int)
    return errorAt(tok, fmt::format("expected an integer for {}, found {}",
                                    what.str(), describe(tok)));
  llvm::StringRef s = tok.text;
  bool plus = s.consume_front("+");
  if (plus && s.starts_with("-"))
    return errorAt(tok, "malformed integer");
  if (s.getAsInteger(10, value))
    return errorAt(tok, fmt::format("malformed or out-of-range integer '{}'",
                                    tok.text.str()));
  if (value < lo || value > hi)
    return errorAt(tok, fmt::format("{} = {} out of range [{}, {}]",
                                    what.str(), value, lo, hi));
  consume();
  return llvm::Error::success();
}

static constexpr int64_t i32Min = std::numeric_limits<int32_t>::min();
static constexpr int64_t i32Max = std::numeric_limits<int32_t>::max();

llvm::Error AsmParser::parseInt32List(std::vector<int32_t> &values) {
  if (auto err = expectPunct('['))
    return err;
  values.clear();
  if (tok.kind == TokKind::Punct && tok.text == "]") {
    consume();
    return llvm::Error::success();
  }
  while (true) {
    int64_t v = 0;
    if (auto err = parseInt(v, i32Min, i32Max, "list element"))
      return err;
    values.push_back(static_cast<int32_t>(v));
    if (tok.kind == TokKind::Punct && tok.text == ",") {
      consume();
      continue;
    }
    return expectPunct(']');
  }
}

llvm::Error AsmParser::parseClamp(int64_t &lo, int64_t &hi) {
  constexpr int64_t lo64 = std::numeric_limits<int64_t>::min();
  constexpr int64_t hi64 = std::numeric_limits<int64_t>::max();
  if (auto err = expectKeyword("clamp"))
    return err;
  if (auto err = expectPunct('='))
    return err;
  if (auto err = expectPunct('['))
    return err;
  if (auto err = parseInt(lo, lo64, hi64, "clamp minimum"))
    return err;
  if (auto err = expectPunct(','))
    return err;
  if (auto err = parseInt(hi, lo64, hi64, "clamp maximum"))
    return err;
  return expectPunct(']');
}

llvm::Error AsmParser::parseTableIndex(size_t expected,
                                       llvm::StringRef table) {
  Token at = tok;
  int64_t index = 0;
  if (auto err = parseInt(index, 0, std::numeric_limits<int64_t>::max(),
                          "table index"))
    return err;
  if (static_cast<size_t>(index) != expected)
    return errorAt(at, fmt::format("{} entry {} out of order, expected {}",
                                   table.str(), index, expected));
  return llvm::Error::success();
}

/// Parses `name=INT` with an int32 range.
#define PARSE_FIELD(key, dest)                                                 \
  do {                                                                         \
    if (auto err = expectKeyword(key))                                         \
      return err;                                                              \
    if (auto err = expectPunct('='))                                           \
      return err;                                                              \
    int64_t v = 0;                                                             \
    if (auto err = parseInt(v, i32Min, i32Max, key))                           \
      return err;                                                              \
    dest = static_cast<int32_t>(v);                                            \
  } while (false)

llvm::Error AsmParser::parseBias(Program &p) {
  if (auto err = parseTableIndex(p.biasTable.size(), ".bias"))
    return err;
  std::vector<int32_t> values;
  if (auto err = parseInt32List(values))
    return err;
  p.biasTable.push_back(std::move(values));
  return llvm::Error::success();
}

llvm::Error AsmParser::parseRequant(Program &p) {
  if (auto err = parseTableIndex(p.requantTable.size(), ".requant"))
    return err;
  RequantEntry e;
  if (auto err = expectKeyword("multipliers"))
    return err;
  if (auto err = expectPunct('='))
    return err;
  if (auto err = parseInt32List(e.multipliers))
    return err;
  if (auto err = expectKeyword("shifts"))
    return err;
  if (auto err = expectPunct('='))
    return err;
  if (auto err = parseInt32List(e.shifts))
    return err;
  PARSE_FIELD("zp", e.outZeroPoint);
  if (auto err = parseClamp(e.clampMin, e.clampMax))
    return err;
  p.requantTable.push_back(std::move(e));
  return llvm::Error::success();
}

llvm::Error AsmParser::parseAdd(Program &p) {
  if (auto err = parseTableIndex(p.addTable.size(), ".add"))
    return err;
  AddEntry e;
  PARSE_FIELD("za", e.zeroPointA);
  PARSE_FIELD("zb", e.zeroPointB);
  PARSE_FIELD("ma", e.multiplierA);
  PARSE_FIELD("mb", e.multiplierB);
  PARSE_FIELD("shift", e.shift);
  PARSE_FIELD("zp", e.outZeroPoint);
  if (auto err = parseClamp(e.clampMin, e.clampMax))
    return err;
  if (auto err = expectKeyword("signed"))
    return err;
  if (auto err = expectPunct('='))
    return err;
  Token at = tok;
  std::vector<int32_t> flags;
  if (auto err = parseInt32List(flags))
    return err;
  if (flags.size() != 3)
    return errorAt(at, fmt::format("signed= needs 3 flags (a, b, result), "
                                   "found {}",
                                   flags.size()));
  for (int32_t f : flags)
    if (f != 0 && f != 1)
      return errorAt(at, fmt::format("signed flag {} is not 0 or 1", f));
  e.signedA = flags[0];
  e.signedB = flags[1];
  e.signedOut = flags[2];
  p.addTable.push_back(e);
  return llvm::Error::success();
}

#undef PARSE_FIELD

llvm::Error AsmParser::parseInsn(Program &p) {
  Token mnemonicTok = consume();
  Opcode op;
  if (!lookupMnemonic(mnemonicTok.text, op))
    return errorAt(mnemonicTok, fmt::format("unknown instruction '{}'",
                                            mnemonicTok.text.str()));
  const InsnInfo &info = getInsnInfo(op);
  Insn insn;
  insn.op = op;
  std::array<bool, maxInsnOperands> seen{};
  bool first = true;
  // Operands stay on the mnemonic's line.
  while (tok.kind != TokKind::Eof && tok.line == mnemonicTok.line &&
         !(tok.kind == TokKind::Punct && tok.text == "}")) {
    if (!first)
      if (auto err = expectPunct(','))
        return err;
    first = false;
    Token nameTok = tok;
    if (nameTok.kind != TokKind::Ident)
      return errorAt(nameTok, fmt::format("expected an operand name, found {}",
                                          describe(nameTok)));
    int index = info.findOperand(nameTok.text);
    if (index < 0)
      return errorAt(nameTok,
                     fmt::format("'{}' has no operand '{}'", info.mnemonic.str(),
                                 nameTok.text.str()));
    if (seen[index])
      return errorAt(nameTok, fmt::format("operand '{}' given twice",
                                          nameTok.text.str()));
    seen[index] = true;
    consume();
    if (auto err = expectPunct('='))
      return err;
    const OperandInfo &o = info.operands[index];
    if (auto err = parseInt(insn.operands[index], o.minEncodable(),
                            o.maxEncodable(), o.name))
      return err;
  }
  for (unsigned i = 0; i < info.numOperands; ++i)
    if (!seen[i])
      return errorAt(mnemonicTok,
                     fmt::format("'{}' is missing operand '{}'",
                                 info.mnemonic.str(), info.operands[i].name.str()));
  p.insns.push_back(insn);
  return llvm::Error::success();
}

llvm::Expected<Program> AsmParser::parse() {
  tok = lex();
  if (auto err = expectKeyword("rt.program"))
    return err;
  if (auto err = expectPunct('{'))
    return err;
  Program p;
  while (!(tok.kind == TokKind::Punct && tok.text == "}")) {
    if (tok.kind != TokKind::Ident)
      return errorAt(tok, fmt::format("expected an instruction, a table or "
                                      "'}}', found {}",
                                      describe(tok)));
    llvm::Error err = llvm::Error::success();
    if (tok.text == ".bias" || tok.text == ".requant" || tok.text == ".add") {
      if (!p.insns.empty())
        return errorAt(tok, "tables must come before the instructions");
      Token kw = consume();
      if (kw.text == ".bias")
        err = parseBias(p);
      else if (kw.text == ".requant")
        err = parseRequant(p);
      else
        err = parseAdd(p);
    } else {
      err = parseInsn(p);
    }
    if (err)
      return err;
  }
  consume();
  if (tok.kind != TokKind::Eof)
    return errorAt(tok, fmt::format("unexpected {} after the program",
                                    describe(tok)));
  return p;
}

llvm::Expected<Program> rtc::racetrack::parseProgram(llvm::StringRef text,
                                                     llvm::StringRef fileName) {
  return AsmParser(text, fileName).parse();
}

//===- ir/Printer.cpp - Textual form of the graph IR ----------------------===//
//
// Writes the format documented in ir/Printer.h. Value names are assigned up
// front (inputs, then node results in order) so that every reference prints
// the same spelling and the output is unique even for graphs that would not
// verify (duplicate names, dangling operands): the printer also serves
// --print-ir-on-failure.
//
//===----------------------------------------------------------------------===//
#include "ir/Printer.h"

#include "ir/AttrFields.h"
#include "ir/Graph.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <set>
#include <type_traits>

using namespace rtc;

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

static bool isBareNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '$' || c == '-';
}

/// A name prints bare when it is made of [A-Za-z0-9_.$-] and is not purely
/// decimal (bare decimals denote unnamed values).
static bool canPrintBare(llvm::StringRef name, bool allowDecimal) {
  if (name.empty() || !llvm::all_of(name, isBareNameChar))
    return false;
  return allowDecimal ||
         !llvm::all_of(name, [](char c) { return c >= '0' && c <= '9'; });
}

/// Appends \p s as a double-quoted string with \", \\, \n, \t and \xHH
/// escapes for other control bytes. Bytes >= 0x80 are copied (UTF-8).
static void appendQuoted(std::string &out, llvm::StringRef s) {
  out += '"';
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02X}", u);
    } else {
      out += c;
    }
  }
  out += '"';
}

static std::string formatSymbol(char sigil, llvm::StringRef name,
                                bool allowDecimal) {
  std::string out(1, sigil);
  if (canPrintBare(name, allowDecimal))
    out += name.str();
  else
    appendQuoted(out, name);
  return out;
}

namespace {
/// The printed spelling of every value defined by an input or a live node.
class NameTable {
public:
  explicit NameTable(const Graph &g) : spellings(g.getNumValues()) {
    std::set<std::string> used;
    unsigned nextNumber = 0;
    auto assign = [&](ValueId v) {
      if (v.index >= spellings.size() || !spellings[v.index].empty())
        return;
      const std::string &name = g.getValue(v).name;
      // A duplicate name falls back to a number so the output stays unique.
      if (!name.empty() && used.insert(name).second)
        spellings[v.index] = formatSymbol('%', name, /*allowDecimal=*/false);
      else
        spellings[v.index] = fmt::format("%{}", nextNumber++);
    };
    for (ValueId v : g.getInputs())
      assign(v);
    for (NodeId n : g.getNodeIds())
      for (ValueId r : g.getNode(n).results)
        assign(r);
  }

  /// \returns the spelling of \p v; values defined nowhere (a broken graph)
  /// print as %<invalid#N> so the dump still shows what is wrong.
  std::string get(ValueId v) const {
    if (v.index < spellings.size() && !spellings[v.index].empty())
      return spellings[v.index];
    return fmt::format("%<invalid#{}>", v.index);
  }

private:
  std::vector<std::string> spellings;
};
} // namespace

//===----------------------------------------------------------------------===//
// Scalars, attributes and constants
//===----------------------------------------------------------------------===//

/// fmt's "{}" is the shortest text that parses back to the same float;
/// infinities and NaN print as inf, -inf, nan.
template <typename F> static std::string formatFloat(F v) {
  return fmt::format("{}", v);
}

namespace {
/// Writes `name = value` pairs separated by ", ".
struct AttrWriter {
  std::string &out;
  bool first = true;

  void key(const char *name) {
    out += first ? "" : ", ";
    first = false;
    out += name;
    out += " = ";
  }

  template <typename F>
  void operator()(const char *name, const F &field, bool /*required*/) {
    if constexpr (std::is_same_v<F, FusedActivation>) {
      // Spans several names; nothing at all when there is no activation.
      if (field.kind == ActivationKind::None)
        return;
      key(name);
      appendQuoted(out, getActivationKindName(field.kind));
      if (field.kind == ActivationKind::Clip) {
        key("act_min");
        out += formatFloat(field.min);
        key("act_max");
        out += formatFloat(field.max);
      }
    } else {
      key(name);
      writeValue(field);
    }
  }

  template <typename F> void writeValue(const F &field) {
    if constexpr (std::is_same_v<F, bool>)
      out += field ? "true" : "false";
    else if constexpr (std::is_same_v<F, int64_t> || std::is_same_v<F, int32_t>)
      out += std::to_string(field);
    else if constexpr (std::is_same_v<F, float> || std::is_same_v<F, double>)
      out += formatFloat(field);
    else if constexpr (std::is_same_v<F, PadMode>)
      appendQuoted(out, getPadModeName(field));
    else if constexpr (std::is_same_v<F, DType>)
      out += getDTypeName(field).str();
    else if constexpr (std::is_same_v<F, QuantParams>)
      out += field == QuantParams() ? "none" : formatQuantParams(field);
    else
      out += fmt::format("[{}]", fmt::join(field, ", "));
  }
};
} // namespace

static std::string formatAttrs(const Attrs &attrs) {
  std::string out;
  std::visit(
      [&](const auto &a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (!std::is_same_v<T, NoAttrs> &&
                      !std::is_same_v<T, ConstantAttrs>) {
          out += " {";
          forEachAttrField(a, AttrWriter{out});
          out += "}";
        }
      },
      attrs);
  return out;
}

/// Formats element \p i of \p t as a dense-literal element.
static std::string formatElement(const Tensor &t, int64_t i) {
  const uint8_t *p = t.getRawData() + size_t(i) * getDTypeSize(t.getElemType());
  switch (t.getElemType()) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return formatFloat(v);
  }
  case DType::F64: {
    double v;
    std::memcpy(&v, p, 8);
    return formatFloat(v);
  }
  case DType::F16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return formatFloat(halfToFloat(h));
  }
  case DType::U64: {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return std::to_string(v);
  }
  case DType::Bool:
    return *p ? "true" : "false";
  case DType::I8:
  case DType::U8:
  case DType::I16:
  case DType::U16:
  case DType::I32:
  case DType::U32:
  case DType::I64:
    return std::to_string(t.getAsInt64(i));
  }
  return "?";
}

/// NaN payloads and signs do not survive decimal text, so constants holding
/// a NaN always print as hex.
static bool hasNaN(const Tensor &t) {
  if (!isFloatDType(t.getElemType()))
    return false;
  for (int64_t i = 0, e = t.getNumElements(); i != e; ++i)
    if (std::isnan(t.getAsDouble(i)))
      return true;
  return false;
}

static bool isSplat(const Tensor &t) {
  size_t size = getDTypeSize(t.getElemType());
  const uint8_t *data = t.getRawData();
  for (int64_t i = 1, e = t.getNumElements(); i < e; ++i)
    if (std::memcmp(data, data + size_t(i) * size, size) != 0)
      return false;
  return t.getNumElements() > 0;
}

static std::string formatDense(const Tensor &t, const PrintOptions &options) {
  int64_t n = t.getNumElements();
  bool nan = hasNaN(t);
  if (!nan && isSplat(t))
    return fmt::format("dense<{}>", formatElement(t, 0));
  if (!nan && n <= options.inlineConstantLimit) {
    std::string out = "dense<[";
    for (int64_t i = 0; i < n; ++i) {
      out += i ? ", " : "";
      out += formatElement(t, i);
    }
    return out + "]>";
  }
  if (options.elideLargeConstants)
    return "dense<...>";
  static const char digits[] = "0123456789ABCDEF";
  std::string out = "dense<0x";
  const uint8_t *data = t.getRawData();
  for (size_t i = 0, e = t.getSizeInBytes(); i != e; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out + ">";
}

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

static std::string typeOf(const Graph &g, ValueId v) {
  if (v.index >= g.getNumValues())
    return "<invalid type>";
  return g.getType(v).str();
}

static void printNode(const Graph &g, const Node &node, const NameTable &names,
                      llvm::raw_ostream &os, const PrintOptions &options) {
  std::string line = "  ";
  for (size_t i = 0; i < node.results.size(); ++i) {
    line += i ? ", " : "";
    line += names.get(node.results[i]);
  }
  line += " = ";
  line += getOpMnemonic(node.kind).str();
  if (const auto *c = std::get_if<ConstantAttrs>(&node.attrs)) {
    line += ' ';
    line += formatDense(c->value, options);
  } else {
    for (size_t i = 0; i < node.operands.size(); ++i) {
      line += i ? ", " : " ";
      line += names.get(node.operands[i]);
    }
    line += formatAttrs(node.attrs);
  }
  line += " : ";
  for (size_t i = 0; i < node.results.size(); ++i) {
    line += i ? ", " : "";
    line += typeOf(g, node.results[i]);
  }
  if (options.printLocations && node.loc.kind == LocationKind::OnnxNode) {
    line += " loc(";
    appendQuoted(line, node.loc.nodeName);
    line += ")";
  }
  os << line << "\n";
}

void rtc::printGraph(const Graph &g, llvm::raw_ostream &os,
                     const PrintOptions &options) {
  NameTable names(g);
  os << "graph " << formatSymbol('@', g.getName(), /*allowDecimal=*/true)
     << "(";
  llvm::ArrayRef<ValueId> inputs = g.getInputs();
  for (size_t i = 0; i < inputs.size(); ++i)
    os << (i ? ", " : "") << names.get(inputs[i]) << ": "
       << typeOf(g, inputs[i]);
  os << ") -> (";
  llvm::ArrayRef<ValueId> outputs = g.getOutputs();
  for (size_t i = 0; i < outputs.size(); ++i)
    os << (i ? ", " : "") << typeOf(g, outputs[i]);
  os << ") {\n";
  for (NodeId n : g.getNodeIds())
    printNode(g, g.getNode(n), names, os, options);
  os << "  return";
  for (size_t i = 0; i < outputs.size(); ++i)
    os << (i ? ", " : " ") << names.get(outputs[i]);
  os << "\n}\n";
}

std::string rtc::printGraphToString(const Graph &g,
                                    const PrintOptions &options) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printGraph(g, os, options);
  os.flush();
  return s;
}

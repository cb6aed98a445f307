//===- ir/Diagnostics.h - Locations and located errors ---------*- C++ -*-===//
//
// Every error a user can cause travels as an llvm::Error that wraps a
// DiagnosticError: a Diagnostic with a Location. Tools render them in
// compiler convention so editors and FileCheck can match them:
//
//   model.onnx: node 'conv_3' (Conv, opset 13): error: group 3 does not ...
//   mlp.rtg:12:8: error: operand #1 has type tensor<4xf32>, expected ...
//   prog.rtbin: insn #1234 (shift): error: domain 70 out of range [0, 64)
//
// Several problems are reported at once by joining errors with
// llvm::joinErrors; renderErrors() prints every one of them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc {

/// Discriminates the kinds of source position a node or instruction has.
enum class LocationKind : uint8_t {
  Unknown,     ///< No position known.
  File,        ///< A whole file (e.g. a truncated model).
  FileLineCol, ///< Textual IR: file:line:col.
  OnnxNode,    ///< An imported ONNX node.
  Insn,        ///< A racetrack instruction (program, pc).
};

/// Where something came from. A small value type; copy freely.
struct Location {
  LocationKind kind = LocationKind::Unknown;
  /// File path for File, FileLineCol, OnnxNode (the model) and Insn.
  std::string file;
  unsigned line = 0;
  unsigned col = 0;
  /// ONNX node name, op type, index in the graph and the model's opset.
  std::string nodeName;
  std::string opType;
  int64_t nodeIndex = -1;
  int64_t opset = -1;
  /// Instruction index for Insn locations; opType holds the mnemonic.
  uint64_t pc = 0;

  static Location unknown() { return {}; }
  static Location inFile(llvm::StringRef file);
  static Location fileLineCol(llvm::StringRef file, unsigned line,
                              unsigned col);
  static Location onnxNode(llvm::StringRef model, llvm::StringRef nodeName,
                           llvm::StringRef opType, int64_t index,
                           int64_t opset);
  static Location insn(llvm::StringRef program, uint64_t pc,
                       llvm::StringRef mnemonic);

  bool isUnknown() const { return kind == LocationKind::Unknown; }
  /// Renders the location prefix without the trailing ": ", e.g.
  /// "m.onnx: node 'c1' (Conv, opset 13)" or "a.rtg:3:7". Empty if unknown.
  std::string str() const;

  bool operator==(const Location &) const = default;
};

enum class Severity : uint8_t { Error, Warning, Note };

/// One located message with optional notes.
struct Diagnostic {
  Severity severity = Severity::Error;
  Location loc;
  std::string message;
  llvm::SmallVector<std::string, 1> notes;

  /// Renders "<loc>: error: <message>" plus one "note: ..." line per note,
  /// without a trailing newline.
  std::string str() const;
};

/// An llvm::Error payload carrying one Diagnostic.
class DiagnosticError : public llvm::ErrorInfo<DiagnosticError> {
public:
  static char ID;
  explicit DiagnosticError(Diagnostic diag) : diag(std::move(diag)) {}

  const Diagnostic &getDiagnostic() const { return diag; }
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  Diagnostic diag;
};

/// \returns an error located at \p loc with message \p message.
llvm::Error makeError(const Location &loc, std::string message);

/// \returns an error located at \p loc with a fmt-formatted message.
template <typename... Args>
llvm::Error emitError(const Location &loc, fmt::format_string<Args...> f,
                      Args &&...args) {
  return makeError(loc, fmt::format(f, std::forward<Args>(args)...));
}

/// Adds \p loc to every diagnostic in \p err that has no location yet, and
/// turns plain (non-diagnostic) errors into diagnostics at \p loc.
llvm::Error attachLocation(llvm::Error err, const Location &loc);

/// Prints every error in \p err (one per line, joined errors included) to
/// \p os, prefixing diagnostics without location by \p tool (e.g. "rtcc").
/// \returns the number of errors printed.
unsigned renderErrors(llvm::Error err, llvm::raw_ostream &os,
                      llvm::StringRef tool);

/// Accumulates several errors so that a checker can report all of them.
class ErrorList {
public:
  void add(llvm::Error err);
  bool empty() const { return count == 0; }
  unsigned size() const { return count; }
  /// \returns the joined errors (success if none) and resets the list.
  llvm::Error take();

private:
  llvm::Error errors = llvm::Error::success();
  unsigned count = 0;
};

} // namespace rtc

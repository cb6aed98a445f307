//===- ir/Diagnostics.cpp - Locations and located errors ------------------===//
#include "ir/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

using namespace rtc;

char DiagnosticError::ID = 0;

Location Location::inFile(llvm::StringRef file) {
  Location loc;
  loc.kind = LocationKind::File;
  loc.file = file.str();
  return loc;
}

Location Location::fileLineCol(llvm::StringRef file, unsigned line,
                               unsigned col) {
  Location loc;
  loc.kind = LocationKind::FileLineCol;
  loc.file = file.str();
  loc.line = line;
  loc.col = col;
  return loc;
}

Location Location::onnxNode(llvm::StringRef model, llvm::StringRef nodeName,
                            llvm::StringRef opType, int64_t index,
                            int64_t opset) {
  Location loc;
  loc.kind = LocationKind::OnnxNode;
  loc.file = model.str();
  loc.nodeName = nodeName.str();
  loc.opType = opType.str();
  loc.nodeIndex = index;
  loc.opset = opset;
  return loc;
}

Location Location::insn(llvm::StringRef program, uint64_t pc,
                        llvm::StringRef mnemonic) {
  Location loc;
  loc.kind = LocationKind::Insn;
  loc.file = program.str();
  loc.pc = pc;
  loc.opType = mnemonic.str();
  return loc;
}

std::string Location::str() const {
  switch (kind) {
  case LocationKind::Unknown:
    return "";
  case LocationKind::File:
    return file;
  case LocationKind::FileLineCol:
    return fmt::format("{}:{}:{}", file, line, col);
  case LocationKind::OnnxNode: {
    // Unnamed ONNX nodes are identified by their index instead.
    std::string who = nodeName.empty() ? fmt::format("#{}", nodeIndex)
                                       : fmt::format("'{}'", nodeName);
    std::string what = opType;
    if (opset >= 0)
      what += fmt::format(", opset {}", opset);
    return fmt::format("{}: node {} ({})", file, who, what);
  }
  case LocationKind::Insn:
    if (opType.empty())
      return fmt::format("{}: insn #{}", file, pc);
    return fmt::format("{}: insn #{} ({})", file, pc, opType);
  }
  return "";
}

static llvm::StringRef severityName(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}

std::string Diagnostic::str() const {
  std::string prefix = loc.str();
  std::string out = prefix.empty() ? "" : prefix + ": ";
  out += fmt::format("{}: {}", severityName(severity).str(), message);
  for (const std::string &note : notes)
    out += fmt::format("\n{}note: {}", prefix.empty() ? "" : prefix + ": ",
                       note);
  return out;
}

void DiagnosticError::log(llvm::raw_ostream &os) const { os << diag.str(); }

std::error_code DiagnosticError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

llvm::Error rtc::makeError(const Location &loc, std::string message) {
  Diagnostic diag;
  diag.loc = loc;
  diag.message = std::move(message);
  return llvm::make_error<DiagnosticError>(std::move(diag));
}

llvm::Error rtc::attachLocation(llvm::Error err, const Location &loc) {
  ErrorList out;
  llvm::handleAllErrors(
      std::move(err),
      [&](const DiagnosticError &de) {
        Diagnostic diag = de.getDiagnostic();
        if (diag.loc.isUnknown())
          diag.loc = loc;
        out.add(llvm::make_error<DiagnosticError>(std::move(diag)));
      },
      [&](const llvm::ErrorInfoBase &eib) {
        out.add(makeError(loc, eib.message()));
      });
  return out.take();
}

unsigned rtc::renderErrors(llvm::Error err, llvm::raw_ostream &os,
                           llvm::StringRef tool) {
  unsigned n = 0;
  llvm::handleAllErrors(
      std::move(err),
      [&](const DiagnosticError &de) {
        const Diagnostic &diag = de.getDiagnostic();
        if (diag.loc.isUnknown() && !tool.empty())
          os << tool << ": ";
        os << diag.str() << "\n";
        ++n;
      },
      [&](const llvm::ErrorInfoBase &eib) {
        if (!tool.empty())
          os << tool << ": ";
        os << "error: " << eib.message() << "\n";
        ++n;
      });
  return n;
}

void ErrorList::add(llvm::Error err) {
  if (!err)
    return;
  ++count;
  errors = llvm::joinErrors(std::move(errors), std::move(err));
}

llvm::Error ErrorList::take() {
  count = 0;
  llvm::Error out = std::move(errors);
  errors = llvm::Error::success();
  return out;
}

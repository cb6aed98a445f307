//===- targets/racetrack/isa/Asm.h - Racetrack assembly text ----*- C++ -*-===//
//
// The textual form of a Program (docs/isa.md, "Assembly"):
//
//   rt.program {
//     .bias 0 [1, -2, 3]
//     .requant 0 multipliers=[1073741824] shifts=[3] zp=-128 clamp=[-128, 127]
//     .add 0 za=0 zb=0 ma=1 mb=1 shift=0 zp=0 clamp=[0, 255] signed=[0, 0, 0]
//     shift mu=3, count=2, delta=+1
//     halt
//   }
//
// Tables come first, numbered densely from 0; then one instruction per line
// with named operands in Isa.def order (signed operands printed with an
// explicit sign). `//` starts a comment. parse(print(p)) == p.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/Program.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace rtc::racetrack {

/// Prints one instruction without indentation or newline, e.g.
/// "shift mu=3, count=2, delta=+1".
void printInsn(const Insn &insn, llvm::raw_ostream &os);
std::string printInsn(const Insn &insn);

/// Prints \p program in the canonical assembly form (final newline).
void printProgram(const Program &program, llvm::raw_ostream &os);
std::string printProgram(const Program &program);

/// Parses assembly text. Errors are located file:line:col in \p fileName.
/// Does not check operand ranges against a device (see ProgramVerifier.h),
/// only that each value fits its encoded field.
llvm::Expected<Program> parseProgram(llvm::StringRef text,
                                     llvm::StringRef fileName);

} // namespace rtc::racetrack

//===- targets/racetrack/isa/ProgramVerifier.h - Static checks --*- C++ -*-===//
//
// Checks a Program against a DeviceConfig before it is encoded or simulated:
// every operand range of docs/isa.md that is known statically, the constant
// tables, and that the program ends with halt. Every problem is reported at
// once, each located with Location::insn(name, pc, mnemonic) (table problems
// with Location::inFile(name)).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/Program.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace rtc::racetrack {

/// \returns success, or every problem of \p program on \p config.
llvm::Error verifyProgram(const Program &program, const DeviceConfig &config,
                          llvm::StringRef name);

} // namespace rtc::racetrack

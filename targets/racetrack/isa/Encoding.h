//===- targets/racetrack/isa/Encoding.h - Binary instruction format -*- C++ -*-===//
//
// Fixed 16-byte little-endian instructions: byte 0 is the opcode (Isa.def
// index + 1), then the operands packed LSB-first in declaration order with
// the widths of Isa.def; signed fields are two's complement. Unused (padding)
// bits must be zero. See docs/isa.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/Program.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <vector>

namespace rtc::racetrack {

/// Checks that every operand of \p insn fits its encoded field. Errors are
/// located at Location::insn(\p programName, \p pc, mnemonic).
llvm::Error checkEncodable(const Insn &insn, uint64_t pc,
                           llvm::StringRef programName);

/// Encodes one instruction. The operands must fit (checkEncodable).
std::array<uint8_t, insnBytes> encodeInsn(const Insn &insn);

/// Decodes the 16 bytes of \p bytes. Errors (located at instruction \p pc of
/// \p programName) for a wrong size, an unknown opcode, nonzero padding bits
/// and reserved values (a width not in {2..8, 16, 32}, a dir not -1/+1).
llvm::Expected<Insn> decodeInsn(llvm::ArrayRef<uint8_t> bytes, uint64_t pc,
                                llvm::StringRef programName = "");

/// Encodes a whole stream, back to back.
std::vector<uint8_t> encodeInsns(llvm::ArrayRef<Insn> insns);

/// Decodes a whole stream; the size must be a multiple of 16. Reports every
/// bad instruction at once.
llvm::Expected<std::vector<Insn>>
decodeInsns(llvm::ArrayRef<uint8_t> bytes, llvm::StringRef programName = "");

/// \returns whether \p width is a valid element width (2..8, 16, 32).
inline bool isValidWidth(int64_t width) {
  return (width >= 2 && width <= 8) || width == 16 || width == 32;
}

} // namespace rtc::racetrack

//===- targets/racetrack/isa/Program.h - Racetrack programs -----*- C++ -*-===//
//
// A racetrack program: the instruction stream plus the constant tables the
// instructions index (bias vectors, requantization and quantized-add
// parameters). Instructions and their operands come from Isa.def; see
// docs/isa.md for the semantics, the encoding and the assembly syntax.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace rtc::racetrack {

/// The ISA version this build encodes, decodes and simulates.
constexpr uint32_t isaVersion = 2;

/// Maximum operands of one instruction.
constexpr unsigned maxInsnOperands = 9;

/// Bytes of one encoded instruction.
constexpr unsigned insnBytes = 16;

/// Bias table index meaning "no bias" (accumulators are cleared to 0).
constexpr int64_t noBias = 0xFFFF;

/// One value per instruction in Isa.def, in table order.
enum class Opcode : uint8_t {
#define INSN(Name, Mnemonic, Cost, Doc, Operands) Name,
#define OPERAND(Name, Kind, Bits, Signed)
#include "targets/racetrack/isa/Isa.def"
};

/// Number of opcodes.
constexpr unsigned numOpcodes = 0
#define INSN(Name, Mnemonic, Cost, Doc, Operands) +1
#define OPERAND(Name, Kind, Bits, Signed)
#include "targets/racetrack/isa/Isa.def"
    ;

/// What an operand denotes; decides the verifier's range rule.
enum class OperandKind : uint8_t {
  Mu,           ///< MU index, < numMus.
  Count,        ///< Number of MUs in a lockstep group, >= 1.
  Delta,        ///< Signed shift distance.
  Port,         ///< Access port, < ports_per_track.
  Width,        ///< Element width in bits: 2..8, 16 or 32.
  Sign,         ///< 0 = unsigned, 1 = signed.
  Lane,         ///< Lane index, < lanes(width).
  Length,       ///< Element or step count, >= 1.
  Dir,          ///< Shift direction: -1 or +1.
  BiasIndex,    ///< biasTable index, or noBias.
  RequantIndex, ///< requantTable index.
  AddIndex,     ///< addTable index.
  Buffer,       ///< Host buffer number.
  Offset,       ///< Word offset into a host buffer.
};

/// Cost category of an instruction (which hardware it occupies).
enum class CostClass : uint8_t {
  Shift,    ///< Track shifts.
  Read,     ///< One row read into the broadcast buffer.
  Mac,      ///< Row reads + in-memory MACs.
  Requant,  ///< Accumulator requantization + row write.
  Transfer, ///< Inter-MU bus.
  Vector,   ///< Controller vector unit: reads, lane op, write.
  Host,     ///< Host I/O.
  Control,  ///< Controller only.
};

/// Static description of one operand.
struct OperandInfo {
  llvm::StringRef name;
  OperandKind kind = OperandKind::Mu;
  /// Encoded field width in bits.
  unsigned bits = 0;
  /// Two's complement (sign-extended on decode).
  bool isSigned = false;

  /// Smallest and largest value the field can encode.
  int64_t minEncodable() const {
    return isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  }
  int64_t maxEncodable() const {
    return isSigned ? (int64_t(1) << (bits - 1)) - 1
                    : (int64_t(1) << bits) - 1;
  }
};

/// Static description of one instruction (from Isa.def).
struct InsnInfo {
  Opcode op = Opcode::Halt;
  llvm::StringRef mnemonic;
  CostClass costClass = CostClass::Control;
  /// One-line semantics.
  llvm::StringRef doc;
  unsigned numOperands = 0;
  std::array<OperandInfo, maxInsnOperands> operands{};

  llvm::ArrayRef<OperandInfo> getOperands() const {
    return llvm::ArrayRef<OperandInfo>(operands.data(), numOperands);
  }
  /// \returns the index of operand \p name, or -1.
  int findOperand(llvm::StringRef name) const;
  /// Sum of the operand field widths.
  unsigned totalBits() const;
};

/// \returns the description of \p op.
const InsnInfo &getInsnInfo(Opcode op);

/// \returns the opcode spelled \p mnemonic, or false.
bool lookupMnemonic(llvm::StringRef mnemonic, Opcode &op);

/// Operand index constants, e.g. `insn.operands[MacsOp::xlane]` or
/// `insn[MacsOp::xlane]`; `MacsOp::numOperands` is the count.
#define INSN(Name, Mnemonic, Cost, Doc, Operands)                              \
  namespace Name##Op {                                                         \
  enum : unsigned { Operands numOperands };                                    \
  }
#define OPERAND(Name, Kind, Bits, Signed) Name,
#include "targets/racetrack/isa/Isa.def"

/// One decoded instruction. Operands beyond getInsnInfo(op).numOperands are
/// zero.
struct Insn {
  Opcode op = Opcode::Halt;
  std::array<int64_t, maxInsnOperands> operands{};

  /// Builds an instruction; \p ops must have exactly the operand count.
  static Insn make(Opcode op, std::initializer_list<int64_t> ops);

  int64_t operator[](unsigned i) const { return operands[i]; }
  int64_t &operator[](unsigned i) { return operands[i]; }
  const InsnInfo &info() const { return getInsnInfo(op); }
  llvm::StringRef mnemonic() const { return info().mnemonic; }

  bool operator==(const Insn &) const = default;
};

/// Requantization parameters of one accumulator group (rules of
/// ir/QuantMath.h): y = saturate(outZeroPoint + applyMultiplier(acc,
/// multipliers[l], shifts[l]), clampMin, clampMax). A vector of size 1
/// applies to every lane.
struct RequantEntry {
  std::vector<int32_t> multipliers;
  std::vector<int32_t> shifts;
  int32_t outZeroPoint = 0;
  int64_t clampMin = 0;
  int64_t clampMax = 0;

  bool operator==(const RequantEntry &) const = default;
};

/// Quantized add parameters: y = saturate(outZeroPoint + roundingShiftRight(
/// (a - zeroPointA) * multiplierA + (b - zeroPointB) * multiplierB, shift),
/// clampMin, clampMax). signedA/signedB/signedOut say how the a, b rows are
/// decoded and how y is stored (vqadd has no room for three sign operands).
struct AddEntry {
  int32_t zeroPointA = 0;
  int32_t zeroPointB = 0;
  int32_t multiplierA = 0;
  int32_t multiplierB = 0;
  int32_t shift = 0;
  int32_t outZeroPoint = 0;
  int64_t clampMin = 0;
  int64_t clampMax = 0;
  bool signedA = false;
  bool signedB = false;
  bool signedOut = false;

  bool operator==(const AddEntry &) const = default;
};

/// A complete racetrack program.
struct Program {
  std::vector<Insn> insns;
  std::vector<std::vector<int32_t>> biasTable;
  std::vector<RequantEntry> requantTable;
  std::vector<AddEntry> addTable;

  bool operator==(const Program &) const = default;
};

} // namespace rtc::racetrack

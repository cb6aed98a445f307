//===- targets/racetrack/isa/Encoding.cpp - Binary instruction format ------===//
//
// Packs operands LSB-first into bits 8..127 of a 128-bit little-endian word.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/Encoding.h"

#include "ir/Diagnostics.h"

#include <cassert>

using namespace rtc;
using namespace rtc::racetrack;

using U128 = unsigned __int128;

static Location insnLoc(llvm::StringRef program, uint64_t pc,
                        llvm::StringRef mnemonic) {
  return Location::insn(program, pc, mnemonic);
}

llvm::Error rtc::racetrack::checkEncodable(const Insn &insn, uint64_t pc,
                                           llvm::StringRef programName) {
  const InsnInfo &info = insn.info();
  ErrorList errors;
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    int64_t v = insn.operands[i];
    if (v < o.minEncodable() || v > o.maxEncodable())
      errors.add(emitError(insnLoc(programName, pc, info.mnemonic),
                           "operand '{}' = {} does not fit its {}-bit field "
                           "[{}, {}]",
                           o.name, v, o.bits, o.minEncodable(),
                           o.maxEncodable()));
  }
  for (unsigned i = info.numOperands; i < maxInsnOperands; ++i)
    if (insn.operands[i] != 0)
      errors.add(emitError(insnLoc(programName, pc, info.mnemonic),
                           "unused operand slot {} is {}, expected 0", i,
                           insn.operands[i]));
  return errors.take();
}

std::array<uint8_t, insnBytes> rtc::racetrack::encodeInsn(const Insn &insn) {
  const InsnInfo &info = insn.info();
  U128 word = static_cast<U128>(static_cast<uint8_t>(insn.op) + 1);
  unsigned pos = 8;
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    int64_t v = insn.operands[i];
    assert(v >= o.minEncodable() && v <= o.maxEncodable() &&
           "operand does not fit its field");
    uint64_t mask = o.bits == 64 ? ~uint64_t(0) : (uint64_t(1) << o.bits) - 1;
    word |= static_cast<U128>(static_cast<uint64_t>(v) & mask) << pos;
    pos += o.bits;
  }
  std::array<uint8_t, insnBytes> bytes{};
  for (unsigned b = 0; b < insnBytes; ++b)
    bytes[b] = static_cast<uint8_t>(word >> (8 * b));
  return bytes;
}

llvm::Expected<Insn> rtc::racetrack::decodeInsn(llvm::ArrayRef<uint8_t> bytes,
                                                uint64_t pc,
                                                llvm::StringRef programName) {
  if (bytes.size() != insnBytes)
    return emitError(insnLoc(programName, pc, "?"),
                     "instruction has {} bytes, expected {}", bytes.size(),
                     insnBytes);
  U128 word = 0;
  for (unsigned b = 0; b < insnBytes; ++b)
    word |= static_cast<U128>(bytes[b]) << (8 * b);
  unsigned opByte = bytes[0];
  if (opByte == 0 || opByte > numOpcodes)
    return emitError(insnLoc(programName, pc, "?"),
                     "unknown opcode 0x{:02x} (valid: 0x01..0x{:02x})", opByte,
                     numOpcodes);
  Insn insn;
  insn.op = static_cast<Opcode>(opByte - 1);
  const InsnInfo &info = insn.info();
  Location loc = insnLoc(programName, pc, info.mnemonic);
  unsigned pos = 8;
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    uint64_t mask = (uint64_t(1) << o.bits) - 1;
    uint64_t raw = static_cast<uint64_t>(word >> pos) & mask;
    int64_t v = static_cast<int64_t>(raw);
    if (o.isSigned && (raw >> (o.bits - 1)) & 1)
      v = static_cast<int64_t>(raw | ~mask); // sign-extend
    insn.operands[i] = v;
    pos += o.bits;
  }
  U128 padding = pos >= 128 ? 0 : word >> pos;
  if (padding != 0)
    return emitError(loc, "nonzero padding bits above bit {} (the operands "
                          "of {} end there)",
                     pos, info.mnemonic);
  ErrorList errors;
  for (unsigned i = 0; i < info.numOperands; ++i) {
    const OperandInfo &o = info.operands[i];
    int64_t v = insn.operands[i];
    if (o.kind == OperandKind::Width && !isValidWidth(v))
      errors.add(emitError(loc, "reserved width {} in operand '{}' (valid: "
                                "2..8, 16, 32)",
                           v, o.name));
    if (o.kind == OperandKind::Dir && v != 1 && v != -1)
      errors.add(emitError(loc, "reserved direction {} in operand '{}' "
                                "(valid: -1, +1)",
                           v, o.name));
  }
  if (!errors.empty())
    return errors.take();
  return insn;
}

std::vector<uint8_t> rtc::racetrack::encodeInsns(llvm::ArrayRef<Insn> insns) {
  std::vector<uint8_t> bytes;
  bytes.reserve(insns.size() * insnBytes);
  for (const Insn &insn : insns) {
    std::array<uint8_t, insnBytes> one = encodeInsn(insn);
    bytes.insert(bytes.end(), one.begin(), one.end());
  }
  return bytes;
}

llvm::Expected<std::vector<Insn>>
rtc::racetrack::decodeInsns(llvm::ArrayRef<uint8_t> bytes,
                            llvm::StringRef programName) {
  if (bytes.size() % insnBytes != 0)
    return emitError(Location::inFile(programName),
                     "instruction stream has {} bytes, not a multiple of {}",
                     bytes.size(), insnBytes);
  std::vector<Insn> insns;
  insns.reserve(bytes.size() / insnBytes);
  ErrorList errors;
  for (uint64_t pc = 0; pc * insnBytes < bytes.size(); ++pc) {
    auto insn =
        decodeInsn(bytes.slice(pc * insnBytes, insnBytes), pc, programName);
    if (!insn) {
      errors.add(insn.takeError());
      continue;
    }
    insns.push_back(*insn);
  }
  if (!errors.empty())
    return errors.take();
  return insns;
}

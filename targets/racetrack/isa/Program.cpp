//===- targets/racetrack/isa/Program.cpp - Instruction table ---------------===//
//
// getInsnInfo() and friends, generated from Isa.def.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/isa/Program.h"

#include <cassert>

using namespace rtc::racetrack;

// Every instruction's operands must fit behind the opcode byte.
#define INSN(Name, Mnemonic, Cost, Doc, Operands)                              \
  static_assert((0 Operands) <= (insnBytes - 1) * 8,                           \
                "operands of " Mnemonic " exceed 120 bits");
#define OPERAND(Name, Kind, Bits, Signed) +Bits
#include "targets/racetrack/isa/Isa.def"

#define INSN(Name, Mnemonic, Cost, Doc, Operands)                              \
  static_assert(Name##Op::numOperands <= maxInsnOperands,                      \
                "too many operands in " Mnemonic);
#define OPERAND(Name, Kind, Bits, Signed)
#include "targets/racetrack/isa/Isa.def"

static InsnInfo makeInfo(Opcode op, llvm::StringRef mnemonic, CostClass cost,
                         llvm::StringRef doc,
                         std::initializer_list<OperandInfo> operands) {
  InsnInfo info;
  info.op = op;
  info.mnemonic = mnemonic;
  info.costClass = cost;
  info.doc = doc;
  for (const OperandInfo &o : operands)
    info.operands[info.numOperands++] = o;
  return info;
}

static const std::array<InsnInfo, numOpcodes> &getTable() {
  static const std::array<InsnInfo, numOpcodes> table = {
#define INSN(Name, Mnemonic, Cost, Doc, Operands)                              \
  makeInfo(Opcode::Name, Mnemonic, CostClass::Cost, Doc, {Operands}),
#define OPERAND(Name, Kind, Bits, Signed)                                      \
  OperandInfo{#Name, OperandKind::Kind, Bits, Signed},
#include "targets/racetrack/isa/Isa.def"
  };
  return table;
}

const InsnInfo &rtc::racetrack::getInsnInfo(Opcode op) {
  assert(static_cast<unsigned>(op) < numOpcodes && "bad opcode");
  return getTable()[static_cast<unsigned>(op)];
}

bool rtc::racetrack::lookupMnemonic(llvm::StringRef mnemonic, Opcode &op) {
  for (const InsnInfo &info : getTable())
    if (info.mnemonic == mnemonic) {
      op = info.op;
      return true;
    }
  return false;
}

int InsnInfo::findOperand(llvm::StringRef name) const {
  for (unsigned i = 0; i < numOperands; ++i)
    if (operands[i].name == name)
      return static_cast<int>(i);
  return -1;
}

unsigned InsnInfo::totalBits() const {
  unsigned bits = 0;
  for (const OperandInfo &o : getOperands())
    bits += o.bits;
  return bits;
}

Insn Insn::make(Opcode op, std::initializer_list<int64_t> ops) {
  assert(ops.size() == getInsnInfo(op).numOperands &&
         "wrong number of operands");
  Insn insn;
  insn.op = op;
  unsigned i = 0;
  for (int64_t v : ops)
    insn.operands[i++] = v;
  return insn;
}

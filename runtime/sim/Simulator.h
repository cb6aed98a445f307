//===- runtime/sim/Simulator.h - Bit-exact racetrack simulator -*- C++ -*-===//
//
// Executes a decoded racetrack Program (targets/racetrack/isa/Program.h) on
// a MachineState, bit-exactly per the ISA semantics (docs/isa.md), and
// counts events, latency and energy per instruction (Stats.h).
//
// Every run-time fault (a shift leaving [0, S-1], an operand out of range,
// a requantized value that does not fit its
// output width, ...) stops the run and returns an error located at the
// instruction: "prog.rtbin: insn #12 (shift): error: ...".
//
// Duration and energy of each instruction (cfg = DeviceConfig, mc =
// macCost(cfg, wbits, abits) with wbits the instruction's width and abits
// the width of the words in XB from the last ldx); every step is rounded up
// to whole cycles, and the scoreboard of Stats.h overlaps instructions:
//   shift    latency |d|*shift_ns (lockstep MUs overlap), energy
//            shift_pj*|d|*count
//   ldx      read_ns;               read_pj
//   clracc   one clock_ns;          no energy (register reset not modelled)
// Accumulators are int32 and wrap modulo 2^32 like hardware adders (exact
// whenever the final sum fits, which the golden model guarantees).
//   mac      read_ns + mc.latency;  count*read_pj + count*lanes*mc.energy
//   macs     n mac steps and n-1 one-position shift steps, each costed and
//            rounded to cycles as the stand-alone instruction would be
//   req      read_ns + write_ns;    read_pj + write_pj (controller vector
//            arithmetic not modelled)
//   xfer     read_ns + transfer_ns_per_word + write_ns; likewise in pJ
//   vmax,    2*read_ns + write_ns;  2*read_pj + write_pj
//   vqadd
//   hin      write_ns + n*host_ns_per_word;  write_pj + n*host_pj_per_word
//   hout     read_ns + n*host_ns_per_word;   read_pj + n*host_pj_per_word
//   halt     nothing; ends the run
// A program without halt ends after its last instruction.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/sim/MachineState.h"
#include "runtime/sim/Stats.h"

#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/Program.h"
#include "targets/racetrack/isa/RtBin.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace rtc::sim {

/// How much run() accounts for.
struct RunOptions {
  /// false: execute and count events (Stats::total's shifts, reads, writes,
  /// MACs, transfers, host words, instructions and dynamic energy) but skip
  /// the timing model and the per-layer counters: cycles, latency, leakage
  /// and Stats::layers stay zero. The program is static, so a batch needs
  /// the full profile of one sample only (rtrun times the first sample).
  bool timing = true;
};

/// Runs \p program on \p state (which must have been created for \p cfg)
/// until halt or the end of the instruction stream. \p layers (sorted,
/// non-overlapping instruction ranges, e.g. the .rtbin layer table) get
/// their own counters; instructions outside every layer count only in the
/// total. \p programName locates faults. \returns the counters, or the
/// first fault (the state then holds the effects of the instructions before
/// the faulting one).
llvm::Expected<Stats> run(const racetrack::Program &program,
                          MachineState &state,
                          const racetrack::DeviceConfig &cfg,
                          llvm::ArrayRef<racetrack::LayerEntry> layers = {},
                          llvm::StringRef programName = "<program>",
                          const RunOptions &options = {});

} // namespace rtc::sim

//===- compiler/RtccPlacement.h - rtcc placement report -------*- C++ -*-===//
//
// Internal to the rtcc tool: --report-placement, and the one-line placement
// summary printed after -o model.rtbin.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/lower/Lowering.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace rtc::rtcc {

/// --report-placement: lowers \p g once per strategy (CLI order), checks
/// that every compile's predicted shifts equal what the simulator counts on
/// it, and prints per layer the shifts and cycles of every strategy, the
/// totals, the reduction against `ofu` and what `auto` chose. A strategy
/// that cannot place the model (e.g. exact past its size limit) gets "n/a"
/// and its reason below the tables. \p options supplies the placement
/// options (its strategy is ignored).
llvm::Error reportPlacement(const Graph &g, const racetrack::DeviceConfig &cfg,
                            llvm::StringRef modelName,
                            const racetrack::LowerOptions &options,
                            llvm::raw_ostream &os);

/// One line: "placement <strategy> (<schedule> schedule): N shifts
/// predicted, X% fewer than ofu (N shifts); placed in T s".
void printPlacementLine(llvm::raw_ostream &os,
                        const racetrack::PlacementSummary &s);

} // namespace rtc::rtcc

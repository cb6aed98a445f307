//===- targets/racetrack/lower/Lowering.h - Graph -> code ---*- C++ -*-===//
//
// Code generation for the racetrack target: lowers a quantized graph (after
// rtcc's pipeline with --bits) to a CompiledModel (program, initial memory
// image, host tensor table, layer table). See Lowering.cpp for the mapping
// and docs/backend-plan.md ("Implemented") for what is supported.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/place/Placement.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace rtc::racetrack {

/// Schedule choices of the code generator (docs/placement.md).
struct ScheduleOptions {
  /// Alternate the direction of the reduction walk between consecutive
  /// output positions (zig-zag), so the weight MUs never shift back.
  bool zigzag = false;
  /// Visit the output positions of convs and pools row by row in snake
  /// order (odd rows right to left), so consecutive positions stay
  /// neighbours at the end of a row.
  bool snake = false;
};

/// How lowerToRacetrack places data (docs/placement.md).
struct LowerOptions {
  /// The placement strategy of every MU group; Auto also searches the
  /// schedule choices.
  place::Strategy placement = place::Strategy::Auto;
  /// The schedule used by every strategy but Auto (which picks its own).
  ScheduleOptions schedule;
  place::PlaceOptions placeOptions;
};

/// What the placement decided and predicted for one compile.
struct PlacementSummary {
  place::Strategy strategy = place::Strategy::Auto; ///< As requested.
  ScheduleOptions schedule;                          ///< As used.
  /// Position shifts the program performs (sum over MUs), in total and per
  /// entry of CompiledModel::layers: computed from the access traces and the
  /// placements with place::traceShifts, the simulator's rule, before and
  /// independently of any simulation.
  uint64_t predictedShifts = 0;
  std::vector<uint64_t> layerShifts;
  /// The same for the `ofu` placement of the schedule the named strategies
  /// use (straight unless LowerOptions::schedule says otherwise): what
  /// --placement=ofu compiles, the baseline.
  uint64_t ofuShifts = 0;
  /// MU groups (a lockstep set of weight MUs, or one activation MU) per
  /// strategy that placed them (Auto picks per group), by CLI order.
  std::vector<int64_t> groupsPerStrategy;
  /// Wall time spent in placement (all passes), seconds.
  double placeSeconds = 0;
};

/// Lowers \p g for the device \p cfg. Supported today: one f32 graph input
/// -> quantize -> qconv (1-D or 2-D, any padding/stride/dilation/group),
/// max_pool / global_max_pool (1-D or 2-D, any padding, ceil mode), qadd
/// (equal shapes), flatten/reshape/identity (to [1, K]), qmatmul ([.., M,
/// K] activation) with constant i8 weights (zero points 0), optional i32
/// bias and requantized outputs -> dequantize -> one graph output
/// (docs/backend-plan.md, "Implemented"). Every unsupported node is
/// reported at once, located at the node; a model that needs more MUs than
/// cfg has gets a capacity error. \p modelName locates errors that belong
/// to no node. \p options selects the placement strategy and schedule
/// (`exact` fails on an MU group with more items than its limit); if
/// \p summary is not null it receives the predicted shifts.
llvm::Expected<CompiledModel>
lowerToRacetrack(const Graph &g, const DeviceConfig &cfg,
                 llvm::StringRef modelName, const LowerOptions &options = {},
                 PlacementSummary *summary = nullptr);

} // namespace rtc::racetrack

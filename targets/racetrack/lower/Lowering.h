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

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace rtc::racetrack {

/// Lowers \p g for the device \p cfg. Supported today: one f32 graph input
/// -> quantize -> qconv (1-D or 2-D, any padding/stride/dilation/group),
/// max_pool / global_max_pool (1-D or 2-D, any padding, ceil mode), qadd
/// (equal shapes), flatten/reshape/identity (to [1, K]), qmatmul ([.., M,
/// K] activation) with constant i8 weights (zero points 0), optional i32
/// bias and requantized outputs -> dequantize -> one graph output
/// (docs/backend-plan.md, "Implemented"). Every unsupported node is
/// reported at once, located at the node; a model that needs more MUs than
/// cfg has gets a capacity error. \p modelName locates errors that belong
/// to no node.
llvm::Expected<CompiledModel> lowerToRacetrack(const Graph &g,
                                               const DeviceConfig &cfg,
                                               llvm::StringRef modelName);

} // namespace rtc::racetrack

//===- runtime/sim/HostIO.h - Host side of an inference --------*- C++ -*-===//
//
// The host I/O convention of docs/isa.md ("Host I/O convention"), written
// once for every driver of the simulator (rtrun, rtc-bench, the backend
// conformance tool, the lowering tests): each input tensor entry's f32
// values are quantized with its QuantParams exactly as the golden `quantize`
// op (quantizeValue with getQuantRange(dtype, bits); per tensor or per axis)
// into host input buffer `hostBuffer`, row-major; each output entry's host
// output buffer holds its quantized words row-major, which the host
// dequantizes (dequantizeValue) into f32.
//
// One inference is prepareMachine (fresh state, memory image, quantized
// inputs, zeroed output buffers), sim::run, and dequantizeHostOutputs;
// runOnce does all three.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/sim/MachineState.h"
#include "runtime/sim/Simulator.h"
#include "runtime/sim/Stats.h"

#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/isa/RtBin.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace rtc::sim {

/// The host's view of a compiled model's I/O.
struct HostIOLayout {
  /// The input and output tensor entries, each in model.tensors order.
  std::vector<const racetrack::TensorEntry *> inputs, outputs;
  /// Host input / output buffers the machine needs: one past the largest
  /// hostBuffer of an input / output entry (0 if there is none).
  size_t numInputBuffers = 0, numOutputBuffers = 0;
};

/// \returns the layout of \p model's tensor entries (pointers into
/// model.tensors, valid while \p model is).
HostIOLayout getHostIOLayout(const racetrack::CompiledModel &model);

/// Checks that every tensor entry of \p model fits \p cfg: its elements
/// (at their bit width) are at most the device's capacity, since every
/// input element is written into a row and every output element read from
/// one. A larger entry (a corrupted or foreign file) is an error located at
/// \p modelName, so that no driver allocates host buffers for it.
llvm::Error checkHostTensors(const racetrack::CompiledModel &model,
                             const racetrack::DeviceConfig &cfg,
                             llvm::StringRef modelName);

/// \returns the index along \p axis (0 <= axis < rank) of the element at
/// row-major flat index \p flat of a tensor of \p shape.
int64_t getAxisIndex(llvm::ArrayRef<int64_t> shape, int64_t axis, int64_t flat);

/// Quantizes \p values (one sample of \p entry, row-major, at most
/// numElements of its type) into host words with \p entry's QuantParams,
/// which must be present (asserted).
std::vector<int64_t> quantizeHostInput(const racetrack::TensorEntry &entry,
                                       llvm::ArrayRef<float> values);

/// Dequantizes the host words \p words of output \p entry (row-major) into
/// f32; words of an entry without QuantParams are converted as they are.
std::vector<float> dequantizeHostOutput(const racetrack::TensorEntry &entry,
                                        llvm::ArrayRef<int64_t> words);

/// Creates a fresh machine for \p cfg, loads \p model's memory image, fills
/// the host input buffers with \p inputs (one f32 sample per entry of
/// \p layout.inputs, quantized by quantizeHostInput) and sizes each output
/// buffer to its entry's element count, zeroed. \p layout must be
/// getHostIOLayout(model). Errors (located at \p modelName): a state or
/// memory-image problem, a wrong number of inputs, an input without
/// QuantParams, or an input sample of the wrong size.
llvm::Expected<MachineState>
prepareMachine(const racetrack::CompiledModel &model,
               const racetrack::DeviceConfig &cfg, const HostIOLayout &layout,
               llvm::ArrayRef<llvm::ArrayRef<float>> inputs,
               llvm::StringRef modelName);

/// \returns the dequantized host output buffers of \p state after a run,
/// one vector per entry of \p layout.outputs (dequantizeHostOutput).
std::vector<std::vector<float>>
dequantizeHostOutputs(const HostIOLayout &layout, const MachineState &state);

/// What one simulated inference returns.
struct HostRunResult {
  /// The run's counters (sim::run).
  Stats stats;
  /// Per output entry (HostIOLayout order): its host output buffer's words.
  std::vector<std::vector<int64_t>> outputWords;
  /// Per output entry: the words dequantized (dequantizeHostOutput).
  std::vector<std::vector<float>> outputs;
};

/// Runs one inference of \p model on \p cfg: prepareMachine, sim::run (with
/// the model's layer table) and the output read-back. \p inputs holds one
/// f32 sample per input entry, in model.tensors order. Errors are those of
/// prepareMachine and the simulator's faults, located at \p modelName.
/// \p options: RunOptions::timing false skips the timing model (Simulator.h).
llvm::Expected<HostRunResult>
runOnce(const racetrack::CompiledModel &model,
        const racetrack::DeviceConfig &cfg,
        llvm::ArrayRef<llvm::ArrayRef<float>> inputs,
        llvm::StringRef modelName = "<model>",
        const RunOptions &options = {});

} // namespace rtc::sim

//===- runtime/sim/HostIO.cpp - Host side of a simulated inference --------===//
#include "runtime/sim/HostIO.h"

#include "runtime/sim/Simulator.h"

#include "ir/Diagnostics.h"
#include "ir/QuantMath.h"

#include <algorithm>
#include <cassert>
#include <optional>

using namespace rtc;
using namespace rtc::sim;
using racetrack::TensorEntry;
using racetrack::TensorRole;

HostIOLayout sim::getHostIOLayout(const racetrack::CompiledModel &model) {
  HostIOLayout layout;
  for (const TensorEntry &t : model.tensors) {
    if (t.role == TensorRole::Input) {
      layout.inputs.push_back(&t);
      layout.numInputBuffers =
          std::max<size_t>(layout.numInputBuffers, size_t(t.hostBuffer) + 1);
    } else {
      layout.outputs.push_back(&t);
      layout.numOutputBuffers =
          std::max<size_t>(layout.numOutputBuffers, size_t(t.hostBuffer) + 1);
    }
  }
  return layout;
}

int64_t sim::getAxisIndex(llvm::ArrayRef<int64_t> shape, int64_t axis,
                          int64_t flat) {
  assert(axis >= 0 && size_t(axis) < shape.size() && "axis out of range");
  int64_t inner = 1;
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d)
    inner *= shape[d];
  return (flat / inner) % shape[size_t(axis)];
}

/// \returns the index into \p q's scales and zero points for element
/// \p flat of a tensor of \p shape (0 for per-tensor parameters).
static size_t paramIndex(const QuantParams &q, llvm::ArrayRef<int64_t> shape,
                         size_t flat) {
  return q.axis < 0 ? 0 : size_t(getAxisIndex(shape, q.axis, int64_t(flat)));
}

std::vector<int64_t> sim::quantizeHostInput(const TensorEntry &entry,
                                            llvm::ArrayRef<float> values) {
  assert(entry.type.quant && "host inputs need quantization parameters");
  const QuantParams &q = *entry.type.quant;
  QuantRange range = getQuantRange(entry.type.elemType, q.bits);
  std::vector<int64_t> words(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    size_t p = paramIndex(q, entry.type.shape, i);
    words[i] = quantizeValue(values[i], q.scales[p], q.zeroPoints[p], range);
  }
  return words;
}

std::vector<float> sim::dequantizeHostOutput(const TensorEntry &entry,
                                             llvm::ArrayRef<int64_t> words) {
  std::vector<float> out(words.size());
  const std::optional<QuantParams> &q = entry.type.quant;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!q) {
      out[i] = float(words[i]);
      continue;
    }
    size_t p = paramIndex(*q, entry.type.shape, i);
    out[i] = dequantizeValue(words[i], q->scales[p], q->zeroPoints[p]);
  }
  return out;
}

llvm::Error sim::checkHostTensors(const racetrack::CompiledModel &model,
                                  const racetrack::DeviceConfig &cfg,
                                  llvm::StringRef modelName) {
  for (const TensorEntry &e : model.tensors) {
    int64_t bits = e.type.quant && e.type.quant->bits ? e.type.quant->bits
                                                      : 8;
    // Element counts are at most 2^62 (checkRtBin), so compare in 128 bits.
    __int128 need = __int128(e.type.getNumElements()) * bits;
    if (need > __int128(cfg.capacityBits()))
      return emitError(Location::inFile(modelName),
                       "tensor '{}' ({}) has {} elements, more than the "
                       "device's {} bits hold",
                       e.name, e.type.str(), e.type.getNumElements(),
                       cfg.capacityBits());
  }
  return llvm::Error::success();
}

llvm::Expected<MachineState> sim::prepareMachine(
    const racetrack::CompiledModel &model, const racetrack::DeviceConfig &cfg,
    const HostIOLayout &layout, llvm::ArrayRef<llvm::ArrayRef<float>> inputs,
    llvm::StringRef modelName) {
  Location loc = Location::inFile(modelName);
  if (auto err = checkHostTensors(model, cfg, modelName))
    return err;
  if (inputs.size() != layout.inputs.size())
    return emitError(loc, "the model has {} input(s), but {} were given",
                     layout.inputs.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorEntry &e = *layout.inputs[i];
    if (!e.type.quant)
      return emitError(loc, "model input '{}' has no quantization parameters",
                       e.name);
    if (int64_t(inputs[i].size()) != e.type.getNumElements())
      return emitError(loc, "model input '{}' takes {} values, got {}", e.name,
                       e.type.getNumElements(), inputs[i].size());
  }
  auto state = MachineState::create(cfg);
  if (!state)
    return state.takeError();
  if (auto err = state->loadMemoryImage(model.memory, modelName))
    return err;
  state->hostInputs.assign(layout.numInputBuffers, {});
  state->hostOutputs.assign(layout.numOutputBuffers, {});
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorEntry &e = *layout.inputs[i];
    state->hostInputs[e.hostBuffer] = quantizeHostInput(e, inputs[i]);
  }
  for (const TensorEntry *o : layout.outputs)
    state->hostOutputs[o->hostBuffer].assign(size_t(o->type.getNumElements()),
                                             0);
  return state;
}

std::vector<std::vector<float>>
sim::dequantizeHostOutputs(const HostIOLayout &layout,
                           const MachineState &state) {
  std::vector<std::vector<float>> outputs;
  outputs.reserve(layout.outputs.size());
  for (const TensorEntry *o : layout.outputs)
    outputs.push_back(
        dequantizeHostOutput(*o, state.hostOutputs[o->hostBuffer]));
  return outputs;
}

llvm::Expected<HostRunResult> sim::runOnce(
    const racetrack::CompiledModel &model, const racetrack::DeviceConfig &cfg,
    llvm::ArrayRef<llvm::ArrayRef<float>> inputs, llvm::StringRef modelName,
    const RunOptions &options) {
  HostIOLayout layout = getHostIOLayout(model);
  auto state = prepareMachine(model, cfg, layout, inputs, modelName);
  if (!state)
    return state.takeError();
  auto stats =
      run(model.program, *state, cfg, model.layers, modelName, options);
  if (!stats)
    return stats.takeError();
  HostRunResult result;
  result.stats = std::move(*stats);
  for (const TensorEntry *o : layout.outputs)
    result.outputWords.push_back(state->hostOutputs[o->hostBuffer]);
  result.outputs = dequantizeHostOutputs(layout, *state);
  return result;
}

//===- targets/racetrack/lower/Lowering.cpp - Graph -> racetrack code -----===//
//
// First code generation for the racetrack target: quantized MLPs.
//
// Notation: T = tracks_per_mu, D = domains_per_track, S = D / ports (segment
// length). MUs are allocated in order of first use, never reused.
//
// Activations. A quantized [1, K] tensor (or any shape; the layout is the
// flat row-major order, so flatten/reshape/identity are no-ops) is a vector
// of K words of width abits (its QuantParams bits, or 8), la = floor(T /
// abits) lanes per row: word k is at row k / la, lane k % la, rows stored in
// fresh activation MUs (D rows each). Row r of an MU is reached through port
// r / S at offset r % S; the compiler tracks every MU's offset and emits a
// `shift` before an access whose offset differs.
//
// qmatmul (a [1, K] activation, b a constant i8 [K, N] with zero points 0).
// lw = floor(T / wbits) output columns per weight MU; K is split in C =
// ceil(K / D) chunks and N in G = ceil(N / lw) groups. MU (g, c) = base + c*G
// + g holds rows W[c*D + r, g*lw .. g*lw + lw - 1] (signed wbits words), so
// the G MUs of one chunk are consecutive and one lockstep `macs mu=base+c*G,
// count=G` drives all groups (they always share one offset). Code:
//   clracc chunk 0 per group with bias' (biasTable), chunks >= 1 with none;
//   for each activation row: shift + ldx it, then for each piece of its k
//     range inside one chunk and one port segment: shift the chunk's MUs to
//     the piece's first offset and `macs` over it (dir +1);
//   accadd chunk c into chunk 0 per group (c >= 1);
//   req per group (requantTable entry: the node's multipliers/shifts sliced
//     to the group's columns, its zero point and clamp) into row g of the
//     output vector (requires floor(T / wbits) == floor(T / obits)).
// The golden acc is bias + sum (a - za) * b; the MACs compute sum a * b, so
// the activation zero point is folded: bias'[n] = bias[n] - za * sum_k
// b[k, n] (must fit int32).
//
// Host I/O: the host quantizes the input (tensor entry: the graph input's
// name, the quantize result's type, host buffer 0); the program starts with
// `hin` of its rows from buffer 0 and ends with `hout` of the last vector's
// rows to output buffer 0 (entry: the graph output's name, the dequantize
// operand's type), then `halt`. One LayerEntry per node that emitted code.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/lower/Lowering.h"

#include "ir/Diagnostics.h"
#include "targets/racetrack/isa/RowFormat.h"

#include <algorithm>
#include <limits>
#include <map>

using namespace rtc;
using namespace rtc::racetrack;

namespace {

/// A quantized activation vector stored in activation MUs.
struct ActVec {
  int64_t firstMu = 0;
  int64_t numWords = 0;
  unsigned bits = 8;
  bool isSigned = false;
  int64_t lanes = 1;
  int64_t rows() const { return (numWords + lanes - 1) / lanes; }
};

/// Element encoding of a quantized activation tensor.
struct ActFormat {
  unsigned bits = 8;
  bool isSigned = false;
};

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

class Lowerer {
public:
  Lowerer(const Graph &g, const DeviceConfig &cfg, llvm::StringRef modelName)
      : g(g), cfg(cfg), modelName(modelName.str()), T(cfg.tracksPerMu),
        D(cfg.domainsPerTrack), S(cfg.segmentLength()) {}

  llvm::Expected<CompiledModel> run();

private:
  llvm::Error checkSupported();
  llvm::Error lowerNode(const Node &node);
  llvm::Error lowerQuantize(const Node &node);
  llvm::Error lowerQMatMul(const Node &node);
  llvm::Error lowerDequantize(const Node &node);

  llvm::Expected<ActFormat> getActFormat(const TensorType &t,
                                         const Location &loc,
                                         llvm::StringRef what) const;
  int64_t allocMus(int64_t n);
  ActVec allocVec(int64_t numWords, ActFormat f);
  void emit(Opcode op, std::initializer_list<int64_t> ops) {
    model.program.insns.push_back(Insn::make(op, ops));
  }
  /// Brings MUs [mu, mu+count) (sharing one offset) to \p offset.
  void align(int64_t mu, int64_t count, int64_t offset);
  /// Aligns the MU holding row \p row of \p v; \returns {mu, port}.
  std::pair<int64_t, int64_t> accessRow(const ActVec &v, int64_t row);

  const Graph &g;
  const DeviceConfig &cfg;
  std::string modelName;
  int64_t T, D, S;
  CompiledModel model;
  int64_t nextMu = 0;
  std::vector<int64_t> offsets;
  std::map<uint32_t, ActVec> vecs; // by ValueId index
};

} // namespace

llvm::Expected<ActFormat> Lowerer::getActFormat(const TensorType &t,
                                                const Location &loc,
                                                llvm::StringRef what) const {
  if (!t.quant || t.quant->isPerAxis() || t.quant->zeroPoints.size() != 1 ||
      (t.elemType != DType::I8 && t.elemType != DType::U8))
    return emitError(loc,
                     "racetrack backend: {} must be a per-tensor quantized i8 "
                     "or u8 tensor, got {}",
                     what, t.str());
  ActFormat f;
  f.bits = t.quant->bits ? unsigned(t.quant->bits) : 8u;
  f.isSigned = t.elemType == DType::I8;
  if (!isValidWidth(f.bits) || f.bits > T)
    return emitError(loc,
                     "racetrack backend: {} has {} bits, not supported "
                     "with {} tracks per MU",
                     what, f.bits, T);
  return f;
}

int64_t Lowerer::allocMus(int64_t n) {
  int64_t first = nextMu;
  nextMu += n;
  offsets.resize(size_t(nextMu), 0);
  return first;
}

ActVec Lowerer::allocVec(int64_t numWords, ActFormat f) {
  ActVec v;
  v.numWords = numWords;
  v.bits = f.bits;
  v.isSigned = f.isSigned;
  v.lanes = T / f.bits;
  v.firstMu = allocMus(ceilDiv(v.rows(), D));
  return v;
}

void Lowerer::align(int64_t mu, int64_t count, int64_t offset) {
  int64_t cur = offsets[size_t(mu)];
  for (int64_t m = mu; m < mu + count; ++m)
    assert(offsets[size_t(m)] == cur && "lockstep MUs must share an offset");
  if (cur == offset)
    return;
  emit(Opcode::Shift, {mu, count, offset - cur});
  for (int64_t m = mu; m < mu + count; ++m)
    offsets[size_t(m)] = offset;
}

std::pair<int64_t, int64_t> Lowerer::accessRow(const ActVec &v, int64_t row) {
  int64_t mu = v.firstMu + row / D;
  int64_t local = row % D;
  align(mu, 1, local % S);
  return {mu, local / S};
}

llvm::Error Lowerer::checkSupported() {
  ErrorList errors;
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    switch (node.kind) {
    case OpKind::Constant:
    case OpKind::Quantize:
    case OpKind::Dequantize:
    case OpKind::QMatMul:
    case OpKind::Flatten:
    case OpKind::Reshape:
    case OpKind::Identity:
      break;
    default:
      errors.add(emitError(node.loc,
                           "racetrack backend: op '{}' is not supported yet",
                           getOpMnemonic(node.kind)));
    }
  }
  if (g.getInputs().size() != 1 || g.getOutputs().size() != 1)
    errors.add(emitError(Location::inFile(modelName),
                         "racetrack backend: only models with one input and "
                         "one output are supported yet (this one has {} and "
                         "{})",
                         g.getInputs().size(), g.getOutputs().size()));
  return errors.take();
}

llvm::Error Lowerer::lowerQuantize(const Node &node) {
  ValueId in = node.operands[0];
  if (!g.isGraphInput(in) || g.getType(in).elemType != DType::F32)
    return emitError(node.loc, "racetrack backend: quantize must read the f32 "
                               "graph input");
  const TensorType &rt = g.getType(node.results[0]);
  auto f = getActFormat(rt, node.loc, "the quantize result");
  if (!f)
    return f.takeError();
  TensorEntry e;
  e.name = g.getValue(in).name;
  e.role = TensorRole::Input;
  e.type = rt;
  e.hostBuffer = 0;
  model.tensors.push_back(std::move(e));
  ActVec v = allocVec(rt.getNumElements(), *f);
  for (int64_t r = 0; r < v.rows(); ++r) {
    auto [mu, port] = accessRow(v, r);
    int64_t n = std::min(v.lanes, v.numWords - r * v.lanes);
    emit(Opcode::HIn, {mu, port, 0, r * v.lanes, n, v.bits, v.isSigned});
  }
  vecs[node.results[0].index] = v;
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerDequantize(const Node &node) {
  ValueId in = node.operands[0];
  auto it = vecs.find(in.index);
  if (it == vecs.end() || !g.isGraphOutput(node.results[0]))
    return emitError(node.loc, "racetrack backend: dequantize must turn a "
                               "lowered quantized vector into the graph "
                               "output");
  const ActVec &v = it->second;
  TensorEntry e;
  e.name = g.getValue(node.results[0]).name;
  e.role = TensorRole::Output;
  e.type = g.getType(in);
  e.hostBuffer = 0;
  model.tensors.push_back(std::move(e));
  for (int64_t r = 0; r < v.rows(); ++r) {
    auto [mu, port] = accessRow(v, r);
    int64_t n = std::min(v.lanes, v.numWords - r * v.lanes);
    emit(Opcode::HOut, {mu, port, 0, r * v.lanes, n, v.bits, v.isSigned});
  }
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerQMatMul(const Node &node) {
  const Location &loc = node.loc;
  auto it = vecs.find(node.operands[0].index);
  if (it == vecs.end())
    return emitError(loc, "racetrack backend: qmatmul activation must come "
                          "from quantize or another qmatmul");
  ActVec in = it->second;
  const TensorType &at = g.getType(node.operands[0]);
  const TensorType &bt = g.getType(node.operands[1]);
  const Tensor *w = g.getConstantValue(node.operands[1]);
  if (!w || bt.getRank() != 2 || bt.elemType != DType::I8 || !bt.quant)
    return emitError(loc,
                     "racetrack backend: qmatmul weights must be a "
                     "constant quantized i8 [K, N] matrix, got {}",
                     bt.str());
  int64_t K = bt.shape[0], N = bt.shape[1];
  if (in.numWords != K)
    return emitError(loc,
                     "racetrack backend: qmatmul activation {} is not "
                     "a [1, {}] vector; batched matmul is not supported "
                     "yet",
                     at.str(), K);
  for (int64_t zp : bt.quant->zeroPoints)
    if (zp != 0)
      return emitError(loc, "racetrack backend: qmatmul weights with a "
                            "nonzero zero point are not supported yet");
  unsigned wbits = bt.quant->bits ? unsigned(bt.quant->bits) : 8u;
  const auto &attrs = node.getAttrs<RequantAttrs>();
  if (attrs.multipliers.empty())
    return emitError(loc, "racetrack backend: qmatmul without "
                          "requantization (raw i32 output) is not supported "
                          "yet");
  const TensorType &ot = g.getType(node.results[0]);
  auto of = getActFormat(ot, loc, "the qmatmul result");
  if (!of)
    return of.takeError();
  int64_t lw = T / wbits;
  if (lw != T / of->bits)
    return emitError(loc,
                     "racetrack backend: qmatmul with {}-bit weights "
                     "and a {}-bit result is not supported yet ({} vs "
                     "{} lanes per row)",
                     wbits, of->bits, lw, T / of->bits);
  int64_t za = at.quant->zeroPoints[0];

  // Bias with the activation zero point folded in.
  std::vector<int64_t> bias(size_t(N), 0);
  if (node.operands.size() > 2) {
    const Tensor *bv = g.getConstantValue(node.operands[2]);
    if (!bv)
      return emitError(loc, "racetrack backend: qmatmul bias must be a "
                            "constant");
    for (int64_t n = 0; n < N; ++n)
      bias[size_t(n)] = bv->getAsInt64(n);
  }
  for (int64_t n = 0; n < N; ++n) {
    int64_t colSum = 0;
    for (int64_t k = 0; k < K; ++k)
      colSum += w->getAsInt64(k * N + n);
    int64_t b = bias[size_t(n)] - za * colSum;
    if (b < std::numeric_limits<int32_t>::min() ||
        b > std::numeric_limits<int32_t>::max())
      return emitError(loc,
                       "racetrack backend: column {}: bias with the "
                       "folded activation zero point ({}) does not fit "
                       "int32",
                       n, b);
    bias[size_t(n)] = b;
  }

  int64_t G = ceilDiv(N, lw), C = ceilDiv(K, D);
  int64_t base = allocMus(C * G);
  ActVec out = allocVec(N, *of);
  auto cols = [&](int64_t grp) { return std::min(lw, N - grp * lw); };

  // Initial memory image of the weight MUs.
  int64_t rowBytes = rowBytesFor(T), rowsUsed = std::min(K, D);
  MemoryChunk chunk;
  chunk.firstMu = uint32_t(base);
  chunk.muCount = uint32_t(C * G);
  chunk.firstRow = 0;
  chunk.rowCount = uint32_t(rowsUsed);
  chunk.rowBytes = uint32_t(rowBytes);
  chunk.data.assign(size_t(C * G * rowsUsed * rowBytes), 0);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t grp = 0; grp < G; ++grp)
      for (int64_t r = 0; r < rowsUsed && c * D + r < K; ++r) {
        uint8_t *row =
            chunk.data.data() + ((c * G + grp) * rowsUsed + r) * rowBytes;
        for (int64_t j = 0; j < cols(grp); ++j)
          writeWord(row, j, wbits,
                    w->getAsInt64((c * D + r) * N + grp * lw + j));
      }
  model.memory.push_back(std::move(chunk));

  // Clear the accumulators, chunk 0 with the folded bias.
  auto &prog = model.program;
  for (int64_t grp = 0; grp < G; ++grp) {
    int64_t idx = int64_t(prog.biasTable.size());
    prog.biasTable.emplace_back(bias.begin() + grp * lw,
                                bias.begin() + grp * lw + cols(grp));
    emit(Opcode::ClrAcc, {base + grp, 1, idx});
  }
  if (C > 1)
    emit(Opcode::ClrAcc, {base + G, (C - 1) * G, noBias});

  // Stream the activation rows past the weight rows.
  for (int64_t ar = 0; ar < in.rows(); ++ar) {
    int64_t k0 = ar * in.lanes, k1 = std::min(K, k0 + in.lanes);
    auto [amu, aport] = accessRow(in, ar);
    emit(Opcode::Ldx, {amu, aport, in.bits, in.isSigned});
    for (int64_t k = k0; k < k1;) {
      int64_t c = k / D, r = k % D, seg = r / S;
      int64_t kEnd = std::min(k1, c * D + (seg + 1) * S);
      int64_t n = kEnd - k, mu = base + c * G;
      align(mu, G, r % S);
      emit(Opcode::Macs, {mu, G, seg, wbits, 1, k - k0, n, 1});
      for (int64_t m = mu; m < mu + G; ++m)
        offsets[size_t(m)] = r % S + n - 1;
      k = kEnd;
    }
  }

  // Reduce the chunks, requantize each group into the output vector.
  for (int64_t c = 1; c < C; ++c)
    for (int64_t grp = 0; grp < G; ++grp)
      emit(Opcode::AccAdd, {base + grp, base + c * G + grp, cols(grp)});
  for (int64_t grp = 0; grp < G; ++grp) {
    RequantEntry e;
    auto slice = [&](llvm::ArrayRef<int32_t> v) {
      return v.size() == 1
                 ? std::vector<int32_t>(v.begin(), v.end())
                 : std::vector<int32_t>(v.begin() + grp * lw,
                                        v.begin() + grp * lw + cols(grp));
    };
    e.multipliers = slice(attrs.multipliers);
    e.shifts = slice(attrs.shifts);
    e.outZeroPoint = int32_t(ot.quant->zeroPoints[0]);
    e.clampMin = attrs.clampMin;
    e.clampMax = attrs.clampMax;
    int64_t idx = int64_t(prog.requantTable.size());
    prog.requantTable.push_back(std::move(e));
    auto [omu, oport] = accessRow(out, grp);
    emit(Opcode::Req,
         {base + grp, idx, omu, oport, 0, cols(grp), out.bits, out.isSigned});
  }
  vecs[node.results[0].index] = out;
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerNode(const Node &node) {
  switch (node.kind) {
  case OpKind::Quantize:
    return lowerQuantize(node);
  case OpKind::Dequantize:
    return lowerDequantize(node);
  case OpKind::QMatMul:
    return lowerQMatMul(node);
  case OpKind::Flatten:
  case OpKind::Reshape:
  case OpKind::Identity: {
    auto it = vecs.find(node.operands[0].index);
    if (it != vecs.end())
      vecs[node.results[0].index] = it->second;
    return llvm::Error::success();
  }
  default:
    return llvm::Error::success();
  }
}

llvm::Expected<CompiledModel> Lowerer::run() {
  if (auto err = checkSupported())
    return err;
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    uint32_t first = uint32_t(model.program.insns.size());
    if (auto err = lowerNode(node))
      return err;
    uint32_t end = uint32_t(model.program.insns.size());
    if (end == first)
      continue;
    LayerEntry layer;
    layer.firstInsn = first;
    layer.endInsn = end;
    layer.name = !node.loc.nodeName.empty() ? node.loc.nodeName
                                            : g.getValue(node.results[0]).name;
    layer.op = getOpMnemonic(node.kind).str();
    model.layers.push_back(std::move(layer));
  }
  bool hasInput = false, hasOutput = false;
  for (const TensorEntry &t : model.tensors)
    (t.role == TensorRole::Input ? hasInput : hasOutput) = true;
  if (!hasInput || !hasOutput)
    return emitError(Location::inFile(modelName),
                     "racetrack backend: the model must read its input "
                     "through quantize and write its output through "
                     "dequantize");
  if (nextMu > cfg.numMus()) {
    double kib = double(cfg.muCapacityBits()) / 8.0 / 1024.0;
    return emitError(Location::inFile(modelName),
                     "model needs {} MUs ({:g} KiB), the config has {} ({:g} "
                     "KiB); raise mus_per_bank or banks",
                     nextMu, double(nextMu) * kib, cfg.numMus(),
                     double(cfg.numMus()) * kib);
  }
  emit(Opcode::Halt, {});
  return std::move(model);
}

llvm::Expected<CompiledModel>
racetrack::lowerToRacetrack(const Graph &g, const DeviceConfig &cfg,
                            llvm::StringRef modelName) {
  return Lowerer(g, cfg, modelName).run();
}

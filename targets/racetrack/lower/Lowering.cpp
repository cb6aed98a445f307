//===- targets/racetrack/lower/Lowering.cpp - Graph -> racetrack code -----===//
//
// Code generation for the racetrack target: quantized MLPs and CNNs
// (qconv, max_pool, global_max_pool, flatten, qmatmul, qadd). This file:
// one lowering pass (Lowerer::run), the activation layout and host I/O;
// LowerCompute.cpp: the compute ops; LowerPlacement.cpp: lowerToRacetrack,
// which runs the passes around placement.
//
// Notation: T = tracks_per_mu, D = domains_per_track, S = D / ports (segment
// length). MUs are allocated in order of first use, never reused. Row r of
// an MU is reached through port r / S at offset r % S; the compiler tracks
// every MU's offset and emits a `shift` before an access whose offset
// differs.
//
// Activations (struct Act). A quantized tensor of width abits (its
// QuantParams bits, or 8), la = floor(T / abits) lanes per row, is H x W
// positions of C channels (ActShape), stored POSITION-MAJOR in fresh MUs:
// padded position (ph, pw) owns CR = ceil(C / la) consecutive rows, channel
// c at row (ph * Wp + pw) * CR + c / la, lane c % la. The geometry:
//   * images [1, C, H, W] (and [1, C, L] as H = 1: 1-D convs and pools)
//     read or written by qconv, the max pools or qadd: host order (c, h, w);
//   * matrices [.., M, K] read by a qmatmul with M > 1 rows, or written by
//     qmatmul (and qadd of such): H = M positions of C = K channels, host
//     order (h, w, c);
//   * any other quantize result (e.g. read only through flatten): flat, C =
//     all elements, one position.
// The buffer is allocated with the largest padding of the qconvs that read
// it (through flatten/reshape/identity aliases too); padded positions hold
// the zero point in the initial memory image, so every conv tap reads a
// real row and the zero-point fold stays exact. flatten/reshape/identity
// are no-ops that alias the producer's buffer (a reshape to another shape
// than [1, K] is an error); a qmatmul with one row (M = 1) reading a
// multi-position buffer permutes its weight rows at compile time from the
// host order (the flattening) to the layout order.
//
// Weight-stationary reduction (WeightBank, LowerCompute.cpp). A reduction
// of K' weight rows (layout order) to N outputs: lw = floor(T / wbits)
// outputs per weight MU; C = ceil(K' / D) chunks, G = ceil(N / lw) groups;
// MU base + c*G + g holds rows W'[c*D + r, g*lw ..]. Per output position:
//   clracc chunk 0 per group with bias' (biasTable), chunks >= 1 with none;
//   for each activation row piece: shift + ldx it, then its k range chunk
//     by chunk as `macs` runs over the rows the placement gave those k
//     (emitMacRun: consecutive offsets in one direction, several ports per
//     offset; the zig-zag schedule walks odd positions backwards);
//   accadd chunk c into chunk 0 per group (c >= 1);
//   req per group (requantTable entry: the node's multipliers/shifts sliced
//     to the group's outputs, its zero point and clamp) into channel row g
//     of the output position (requires floor(T / wbits) == floor(T / obits)).
// The golden acc is bias + sum (x - zx) * w; the MACs compute sum x * w, so
// the activation zero point is folded: bias'[n] = bias[n] - zx * sum_k W'[k,
// n] (must fit int32). Padded taps read x = zx and contribute 0 exactly.
//
// qmatmul: M = 1: one position, K' = real input rows x la (padding rows
// skipped); M > 1 (batched, [.., M, K] x [K, N]): one output position per
// row of A, K' = CR x la, the weights in channel order.
// qconv (1-D or 2-D): K' = KH*KW*CR*la ordered (dy, dx, channel row,
// lane); one output position after the other; per tap and channel row one
// activation row. Grouped/depthwise convs (and average pools, which the
// quantizer turns into depthwise qconvs) are lowered as dense convs with
// block-diagonal weights (zeros outside the group): correct, but C x more
// MACs than needed (placement issue #5).
// max_pool / global_max_pool (1-D or 2-D, any pads, strides, dilations,
// ceil mode): per output position and channel row, `xfer` the first window
// tap inside the input and `vmax` the others into it; taps in the padding
// are skipped, so padding acts as -inf like the golden kernel. qadd:
// `vqadd` row by row (addTable entry from QAddAttrs), shapes and layouts
// equal (no broadcasting).
//
// Host I/O: the host quantizes the input (tensor entry: the graph input's
// name, the quantize result's type, host buffer 0) into row-major words; the
// program starts with `hin` of its rows from buffer 0 and ends with `hout`
// of the last tensor's rows to output buffer 0 (entry: the graph output's
// name, the dequantize operand's type), then `halt`. When a row's channels
// are consecutive host words (host order (h, w, c), or C == 1, or one
// position) one hin/hout moves the row; otherwise (images with several
// channels and positions) each lane moves on its own (emitHostIO). One
// LayerEntry per node that emitted code.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/lower/Lowering.h"
#include "targets/racetrack/lower/LowerImpl.h"

#include "targets/racetrack/isa/RowFormat.h"

#include <limits>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lower;

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
  f.zp = t.quant->zeroPoints[0];
  if (!isValidWidth(f.bits) || f.bits > T)
    return emitError(loc,
                     "racetrack backend: {} has {} bits, not supported "
                     "with {} tracks per MU",
                     what, f.bits, T);
  return f;
}

llvm::Expected<Act> Lowerer::lookupAct(ValueId v, const Location &loc,
                                       llvm::StringRef what) const {
  auto it = acts.find(v.index);
  if (it == acts.end())
    return emitError(loc,
                     "racetrack backend: {} must be a quantized activation "
                     "computed on the device",
                     what);
  return it->second;
}

int64_t Lowerer::allocMus(int64_t n) {
  int64_t first = nextMu;
  nextMu += n;
  offsets.resize(size_t(nextMu), 0);
  traces.resize(size_t(nextMu));
  traceLayers.resize(size_t(nextMu));
  for (int64_t m = first; m < nextMu; ++m) {
    leaderOf.push_back(m);
    groupSize.push_back(1);
    traces[size_t(m)].numItems = D;
  }
  return first;
}

void Lowerer::makeGroup(int64_t first, int64_t count) {
  for (int64_t m = first; m < first + count; ++m) {
    leaderOf[size_t(m)] = first;
    groupSize[size_t(m)] = m == first ? count : 0;
  }
}

int64_t Lowerer::touch(int64_t mu, int64_t row) {
  int64_t leader = leaderOf[size_t(mu)];
  traces[size_t(leader)].accesses.push_back(int32_t(row));
  traceLayers[size_t(leader)].push_back(int32_t(model.layers.size()));
  if (rowMaps && size_t(leader) < rowMaps->size() &&
      !(*rowMaps)[size_t(leader)].empty())
    return (*rowMaps)[size_t(leader)][size_t(row)];
  return row;
}

std::vector<GroupTrace> Lowerer::getTraces() const {
  std::vector<GroupTrace> out;
  for (int64_t m = 0; m < nextMu; ++m) {
    if (leaderOf[size_t(m)] != m)
      continue;
    GroupTrace t;
    t.leader = m;
    t.size = groupSize[size_t(m)];
    t.trace = traces[size_t(m)];
    t.layers = traceLayers[size_t(m)];
    out.push_back(std::move(t));
  }
  return out;
}

ValueId Lowerer::rootOf(ValueId v) const {
  while (const Node *p = g.getProducer(v)) {
    if (p->kind != OpKind::Flatten && p->kind != OpKind::Reshape &&
        p->kind != OpKind::Identity)
      break;
    v = p->operands[0];
  }
  return v;
}

void Lowerer::computePadding() {
  for (NodeId id : g.getNodeIds()) {
    const Node &node = g.getNode(id);
    switch (node.kind) {
    case OpKind::MaxPool:
    case OpKind::GlobalMaxPool:
    case OpKind::QAdd:
      for (ValueId v : node.operands)
        spatial[rootOf(v).index] = true;
      break;
    case OpKind::QConv: {
      ValueId root = rootOf(node.operands[0]);
      spatial[root.index] = true;
      const ConvAttrs &conv = node.getAttrs<QConvAttrs>().conv;
      auto w = makeWindow2d(conv.kernelShape, conv.strides, conv.dilations,
                            conv.pads);
      if (!w)
        break; // lowerQConv reports it
      auto &p = pads[root.index];
      p = {std::max(p[0], w->pt), std::max(p[1], w->pl), std::max(p[2], w->pb),
           std::max(p[3], w->pr)};
      break;
    }
    case OpKind::QMatMul: {
      const TensorType &at = g.getType(node.operands[0]);
      if (at.getRank() >= 2 && at.shape.back() > 0 &&
          at.getNumElements() / at.shape.back() > 1)
        matrix[rootOf(node.operands[0]).index] = true;
      break;
    }
    default:
      break;
    }
  }
}

llvm::Expected<ActShape> Lowerer::inputShape(ValueId v,
                                             const Location &loc) const {
  const TensorType &t = g.getType(v);
  llvm::ArrayRef<int64_t> s = t.shape;
  bool isSpatial = spatial.count(v.index), isMatrix = matrix.count(v.index);
  bool nchw = (s.size() == 4 || s.size() == 3) && s[0] == 1;
  ActShape a;
  if (isSpatial && isMatrix && nchw)
    return emitError(loc,
                     "racetrack backend: {} is read both as an image and "
                     "as a batch of matrix rows; no single layout fits",
                     t.str());
  if (isSpatial && nchw) { // an image
    a.C = s[1];
    a.H = s.size() == 4 ? s[2] : 1;
    a.W = s.back();
    return a;
  }
  if ((isSpatial || isMatrix) && s.size() >= 2) { // rows of a matrix
    a.C = s.back();
    a.H = t.getNumElements() / std::max<int64_t>(a.C, 1);
    a.channelsFirst = false;
    return a;
  }
  a.C = t.getNumElements(); // flat row-major
  return a;
}

Act Lowerer::allocAct(ValueId v, ActFormat f, const ActShape &shape) {
  Act a;
  static_cast<ActShape &>(a) = shape;
  auto it = pads.find(v.index);
  if (it != pads.end()) {
    a.padT = it->second[0];
    a.padL = it->second[1];
    a.padB = it->second[2];
    a.padR = it->second[3];
  }
  a.bits = f.bits;
  a.isSigned = f.isSigned;
  a.zp = f.zp;
  a.lanes = T / f.bits;
  a.CR = ceilDiv(a.C, a.lanes);
  int64_t numMus = ceilDiv(a.rows(), D);
  a.firstMu = allocMus(numMus);
  bool padded = a.padT || a.padL || a.padB || a.padR;
  if (padded && a.zp != 0) {
    // Every lane of every row starts as the zero point (the padding).
    int64_t rowBytes = rowBytesFor(T);
    std::vector<uint8_t> row(size_t(rowBytes), 0);
    for (int64_t l = 0; l < a.lanes; ++l)
      writeWord(row.data(), l, a.bits, a.zp);
    MemoryChunk chunk;
    chunk.firstMu = uint32_t(a.firstMu);
    chunk.muCount = uint32_t(numMus);
    chunk.firstRow = 0;
    chunk.rowCount = uint32_t(numMus > 1 ? D : a.rows());
    chunk.rowBytes = uint32_t(rowBytes);
    for (int64_t r = 0; r < int64_t(chunk.muCount) * chunk.rowCount; ++r)
      chunk.data.insert(chunk.data.end(), row.begin(), row.end());
    model.memory.push_back(std::move(chunk));
  }
  return a;
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

std::pair<int64_t, int64_t> Lowerer::accessRow(const Act &a, int64_t row) {
  int64_t mu = a.firstMu + row / D;
  int64_t phys = touch(mu, row % D);
  align(mu, 1, phys % S);
  return {mu, phys / S};
}

/// \returns why the average pool \p node cannot be one depthwise qconv
/// (the quantizer rewrites every other one, passes/QuantizeOps.cpp).
static std::string avgPoolReason(const Graph &g, const Node &node) {
  if (node.kind != OpKind::AveragePool)
    return "";
  const auto &pa = node.getAttrs<PoolAttrs>();
  bool padded = llvm::any_of(pa.pads, [](int64_t p) { return p != 0; });
  if (pa.kernelShape.size() > 2)
    return ": 3-D pools are not supported";
  if (padded && !pa.countIncludePad)
    return ": with count_include_pad = 0 and padding the divisor changes at "
           "the borders, so it is not one depthwise convolution";
  const TensorType &in = g.getType(node.operands[0]);
  const TensorType &out = g.getType(node.results[0]);
  size_t r = pa.kernelShape.size();
  if (pa.pads.size() != 2 * r || pa.strides.size() != r ||
      pa.dilations.size() != r || in.shape.size() != r + 2 ||
      out.shape.size() != r + 2)
    return "";
  for (size_t d = 0; d < r; ++d) {
    int64_t span = (out.shape[d + 2] - 1) * pa.strides[d] +
                   (pa.kernelShape[d] - 1) * pa.dilations[d] + 1;
    if (span > in.shape[d + 2] + pa.pads[d] + pa.pads[d + r])
      return ": its ceil-mode windows reach past the padded input, where "
             "the divisor shrinks, so it is not one depthwise convolution";
  }
  return "";
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
    case OpKind::QConv:
    case OpKind::MaxPool:
    case OpKind::GlobalMaxPool:
    case OpKind::QAdd:
    case OpKind::Flatten:
    case OpKind::Reshape:
    case OpKind::Identity:
      break;
    default:
      errors.add(emitError(node.loc,
                           "racetrack backend: op '{}' is not supported yet{}",
                           getOpMnemonic(node.kind), avgPoolReason(g, node)));
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

void Lowerer::emitHostIO(const Act &a, bool isInput) {
  Opcode op = isInput ? Opcode::HIn : Opcode::HOut;
  auto transfer = [&](int64_t h, int64_t w, int64_t cr, int64_t offset,
                      int64_t n) {
    auto [mu, port] = accessRow(a, a.rowAt(h + a.padT, w + a.padL, cr));
    emit(op, {mu, port, 0, offset, n, a.bits, a.isSigned});
  };
  if (a.hostContiguous()) {
    for (int64_t h = 0; h < a.H; ++h)
      for (int64_t w = 0; w < a.W; ++w)
        for (int64_t cr = 0; cr < a.CR; ++cr)
          transfer(h, w, cr, a.hostIndex(h, w, cr * a.lanes), a.lanesInRow(cr));
    return;
  }
  // Several channels of several positions in host order (c, h, w): lane l
  // of a row is host word A = hostIndex(h, w, c), c = cr * lanes + l, but
  // hin/hout move lanes 0..n-1 only. So lane l moves with n = l + 1 words
  // from A - l (>= 0, as A >= c >= l), and lanes 0..l-1 carry words of
  // other elements that a later transfer overwrites: hin fills each row
  // from its highest lane down, hout writes host words from the highest
  // address down (c, then h, then w descending).
  if (isInput) {
    for (int64_t h = 0; h < a.H; ++h)
      for (int64_t w = 0; w < a.W; ++w)
        for (int64_t cr = 0; cr < a.CR; ++cr)
          for (int64_t l = a.lanesInRow(cr) - 1; l >= 0; --l)
            transfer(h, w, cr, a.hostIndex(h, w, cr * a.lanes + l) - l, l + 1);
    return;
  }
  for (int64_t c = a.C - 1; c >= 0; --c)
    for (int64_t h = a.H - 1; h >= 0; --h)
      for (int64_t w = a.W - 1; w >= 0; --w) {
        int64_t l = c % a.lanes;
        transfer(h, w, c / a.lanes, a.hostIndex(h, w, c) - l, l + 1);
      }
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
  auto shape = inputShape(node.results[0], node.loc);
  if (!shape)
    return shape.takeError();
  Act a = allocAct(node.results[0], *f, *shape);
  TensorEntry e;
  e.name = g.getValue(in).name;
  e.role = TensorRole::Input;
  e.type = rt;
  e.hostBuffer = 0;
  model.tensors.push_back(std::move(e));
  emitHostIO(a, /*isInput=*/true);
  acts[node.results[0].index] = a;
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerDequantize(const Node &node) {
  ValueId in = node.operands[0];
  auto it = acts.find(in.index);
  if (it == acts.end() || !g.isGraphOutput(node.results[0]))
    return emitError(node.loc, "racetrack backend: dequantize must turn a "
                               "lowered quantized tensor into the graph "
                               "output");
  TensorEntry e;
  e.name = g.getValue(node.results[0]).name;
  e.role = TensorRole::Output;
  e.type = g.getType(in);
  e.hostBuffer = 0;
  model.tensors.push_back(std::move(e));
  emitHostIO(it->second, /*isInput=*/false);
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerAlias(const Node &node) {
  auto it = acts.find(node.operands[0].index);
  if (it == acts.end())
    return llvm::Error::success();
  const TensorType &rt = g.getType(node.results[0]);
  bool sameShape = rt.shape == g.getType(node.operands[0]).shape;
  bool flat = rt.getRank() == 2 && rt.shape[0] == 1;
  if (!sameShape && !flat)
    return emitError(node.loc,
                     "racetrack backend: {} to {} changes the activation "
                     "layout; only flattening to [1, K] is supported",
                     getOpMnemonic(node.kind), rt.str());
  acts[node.results[0].index] = it->second;
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
  case OpKind::QConv:
    return lowerQConv(node);
  case OpKind::MaxPool:
  case OpKind::GlobalMaxPool:
    return lowerMaxPool(node);
  case OpKind::QAdd:
    return lowerQAdd(node);
  case OpKind::Flatten:
  case OpKind::Reshape:
  case OpKind::Identity:
    return lowerAlias(node);
  default:
    return llvm::Error::success();
  }
}

llvm::Expected<CompiledModel> Lowerer::run() {
  if (auto err = checkSupported())
    return err;
  computePadding();
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

//===- targets/racetrack/lower/LowerCompute.cpp - Compute ops -------------===//
//
// Lowering of qmatmul, qconv, max_pool and qadd onto the racetrack ISA: the
// weight-stationary reduction engine (placeWeights, reducePosition) and the
// per-op position loops. The mapping is described in Lowering.cpp.
//
//===----------------------------------------------------------------------===//
#include "targets/racetrack/lower/LowerImpl.h"

#include "targets/racetrack/isa/RowFormat.h"

#include <fmt/format.h>

#include <limits>

using namespace rtc;
using namespace rtc::racetrack;
using namespace rtc::racetrack::lower;

llvm::Expected<WeightBank>
Lowerer::placeWeights(const Node &node, llvm::ArrayRef<int64_t> wp, int64_t kp,
                      int64_t n, unsigned wbits, int64_t zx,
                      llvm::ArrayRef<int64_t> bias, const RequantAttrs &req,
                      const TensorType &ot, unsigned obits) {
  const Location &loc = node.loc;
  WeightBank wb;
  wb.N = n;
  wb.wbits = wbits;
  wb.lw = T / wbits;
  if (wb.lw != T / obits)
    return emitError(loc,
                     "racetrack backend: {} with {}-bit weights and a {}-bit "
                     "result is not supported yet ({} vs {} lanes per row)",
                     getOpMnemonic(node.kind), wbits, obits, wb.lw, T / obits);
  // Bias with the activation zero point folded in.
  std::vector<int64_t> folded(size_t(n), 0);
  for (int64_t j = 0; j < n; ++j) {
    int64_t colSum = 0;
    for (int64_t k = 0; k < kp; ++k)
      colSum += wp[size_t(k * n + j)];
    int64_t b = (bias.empty() ? 0 : bias[size_t(j)]) - zx * colSum;
    if (b < std::numeric_limits<int32_t>::min() ||
        b > std::numeric_limits<int32_t>::max())
      return emitError(loc,
                       "racetrack backend: output {}: bias with the folded "
                       "activation zero point ({}) does not fit int32",
                       j, b);
    folded[size_t(j)] = b;
  }
  wb.groups = ceilDiv(n, wb.lw);
  wb.chunks = ceilDiv(kp, D);
  int64_t G = wb.groups, C = wb.chunks;
  wb.base = allocMus(C * G);
  for (int64_t c = 0; c < C; ++c)
    makeGroup(wb.base + c * G, G);

  // Initial memory image of the weight MUs.
  int64_t rowBytes = rowBytesFor(T), rowsUsed = std::min(kp, D);
  MemoryChunk chunk;
  chunk.firstMu = uint32_t(wb.base);
  chunk.muCount = uint32_t(C * G);
  chunk.firstRow = 0;
  chunk.rowCount = uint32_t(rowsUsed);
  chunk.rowBytes = uint32_t(rowBytes);
  chunk.data.assign(size_t(C * G * rowsUsed * rowBytes), 0);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t grp = 0; grp < G; ++grp)
      for (int64_t r = 0; r < rowsUsed && c * D + r < kp; ++r) {
        uint8_t *row =
            chunk.data.data() + ((c * G + grp) * rowsUsed + r) * rowBytes;
        for (int64_t j = 0; j < wb.cols(grp); ++j)
          writeWord(row, j, wbits,
                    wp[size_t((c * D + r) * n + grp * wb.lw + j)]);
      }
  model.memory.push_back(std::move(chunk));

  auto &prog = model.program;
  for (int64_t grp = 0; grp < G; ++grp) {
    wb.biasIdx.push_back(int64_t(prog.biasTable.size()));
    prog.biasTable.emplace_back(folded.begin() + grp * wb.lw,
                                folded.begin() + grp * wb.lw + wb.cols(grp));
    RequantEntry e;
    auto slice = [&](llvm::ArrayRef<int32_t> v) {
      return v.size() == 1
                 ? std::vector<int32_t>(v.begin(), v.end())
                 : std::vector<int32_t>(v.begin() + grp * wb.lw,
                                        v.begin() + grp * wb.lw + wb.cols(grp));
    };
    e.multipliers = slice(req.multipliers);
    e.shifts = slice(req.shifts);
    e.outZeroPoint = int32_t(ot.quant->zeroPoints[0]);
    e.clampMin = req.clampMin;
    e.clampMax = req.clampMax;
    wb.reqIdx.push_back(int64_t(prog.requantTable.size()));
    prog.requantTable.push_back(std::move(e));
  }
  if (int64_t(prog.biasTable.size()) >= noBias ||
      int64_t(prog.requantTable.size()) > 0xFFFF)
    return emitError(loc, "racetrack backend: too many bias/requant table "
                          "entries");
  return wb;
}

void Lowerer::emitMacRun(int64_t mu, int64_t count, unsigned wbits,
                         std::vector<MacAccess> &run) {
  // Within a stretch at one offset the order of the MACs changes neither
  // the shifts nor (wrapping int32 sums) the result: read the ports upwards
  // so that a port-interleaved stretch becomes one multi-port step.
  auto offsetOf = [&](const MacAccess &a) { return a.row % S; };
  for (size_t i = 0; i < run.size();) {
    size_t j = i + 1;
    while (j < run.size() && offsetOf(run[j]) == offsetOf(run[i]))
      ++j;
    std::stable_sort(run.begin() + ptrdiff_t(i), run.begin() + ptrdiff_t(j),
                     [](const MacAccess &a, const MacAccess &b) {
                       return a.row < b.row;
                     });
    i = j;
  }
  // Greedy: the longest `macs` from each access. A step is `np` accesses at
  // one offset through ports p0.. with lanes l0..; step t of a macs is at
  // offset o0 + dir*t with lanes l0 + dir*t*np + q.
  size_t n = run.size();
  for (size_t i = 0; i < n;) {
    const MacAccess &first = run[i];
    int64_t o0 = offsetOf(first), p0 = first.row / S, l0 = first.xlane;
    auto matchesStep = [&](size_t at, int64_t offset, int64_t lane0,
                           int64_t np) {
      if (at + size_t(np) > n)
        return false;
      for (int64_t q = 0; q < np; ++q) {
        const MacAccess &a = run[at + size_t(q)];
        if (offsetOf(a) != offset || a.row / S != p0 + q ||
            a.xlane != lane0 + q)
          return false;
      }
      return true;
    };
    int64_t np = 1;
    while (matchesStep(i, o0, l0, np + 1))
      ++np;
    int64_t steps = 1, dir = 1;
    for (int64_t d : {1, -1}) {
      int64_t t = 1;
      while (o0 + d * t >= 0 && o0 + d * t < S &&
             matchesStep(i + size_t(t * np), o0 + d * t, l0 + d * t * np, np))
        ++t;
      if (t > steps) {
        steps = t;
        dir = d;
      }
    }
    align(mu, count, o0);
    emit(Opcode::Macs, {mu, count, p0, wbits, 1, l0, steps, dir, np});
    for (int64_t m = mu; m < mu + count; ++m)
      offsets[size_t(m)] = o0 + dir * (steps - 1);
    i += size_t(steps * np);
  }
}

void Lowerer::reducePosition(const WeightBank &wb, const Act &in,
                             llvm::ArrayRef<RowPiece> pieces, const Act &out,
                             int64_t outRow0, bool reverse) {
  int64_t G = wb.groups, C = wb.chunks, base = wb.base;
  for (int64_t grp = 0; grp < G; ++grp)
    emit(Opcode::ClrAcc, {base + grp, 1, wb.biasIdx[size_t(grp)]});
  if (C > 1)
    emit(Opcode::ClrAcc, {base + G, (C - 1) * G, noBias});
  std::vector<MacAccess> run;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const RowPiece &p = pieces[reverse ? pieces.size() - 1 - i : i];
    auto [amu, aport] = accessRow(in, p.row);
    emit(Opcode::Ldx, {amu, aport, in.bits, in.isSigned});
    // The piece's weight rows, chunk by chunk in walk order.
    int64_t chunk = -1;
    for (int64_t j = 0; j < p.n; ++j) {
      int64_t k = reverse ? p.k0 + p.n - 1 - j : p.k0 + j;
      if (k / D != chunk && !run.empty()) {
        emitMacRun(base + chunk * G, G, wb.wbits, run);
        run.clear();
      }
      chunk = k / D;
      run.push_back({touch(base + chunk * G, k % D), k - p.k0});
    }
    if (!run.empty())
      emitMacRun(base + chunk * G, G, wb.wbits, run);
    run.clear();
  }
  for (int64_t c = 1; c < C; ++c)
    for (int64_t grp = 0; grp < G; ++grp)
      emit(Opcode::AccAdd, {base + grp, base + c * G + grp, wb.cols(grp)});
  for (int64_t grp = 0; grp < G; ++grp) {
    auto [omu, oport] = accessRow(out, outRow0 + grp);
    emit(Opcode::Req, {base + grp, wb.reqIdx[size_t(grp)], omu, oport, 0,
                       wb.cols(grp), out.bits, out.isSigned});
  }
}

/// Reads the constant i8 weights / i32 bias of a qmatmul or qconv.
static llvm::Error readWeights(const Graph &g, const Node &node,
                               std::vector<int64_t> &w,
                               std::vector<int64_t> &bias, unsigned &wbits) {
  const TensorType &bt = g.getType(node.operands[1]);
  const Tensor *wt = g.getConstantValue(node.operands[1]);
  if (!wt || bt.elemType != DType::I8 || !bt.quant)
    return emitError(node.loc,
                     "racetrack backend: {} weights must be a constant "
                     "quantized i8 tensor, got {}",
                     getOpMnemonic(node.kind), bt.str());
  for (int64_t zp : bt.quant->zeroPoints)
    if (zp != 0)
      return emitError(node.loc, "racetrack backend: weights with a nonzero "
                                 "zero point are not supported yet");
  wbits = bt.quant->bits ? unsigned(bt.quant->bits) : 8u;
  w.resize(size_t(wt->getNumElements()));
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = wt->getAsInt64(int64_t(i));
  if (node.operands.size() > 2) {
    const Tensor *bv = g.getConstantValue(node.operands[2]);
    if (!bv)
      return emitError(node.loc,
                       "racetrack backend: {} bias must be a "
                       "constant",
                       getOpMnemonic(node.kind));
    bias.resize(size_t(bv->getNumElements()));
    for (size_t i = 0; i < bias.size(); ++i)
      bias[i] = bv->getAsInt64(int64_t(i));
  }
  return llvm::Error::success();
}

static llvm::Error checkRequantized(const Node &node, const RequantAttrs &r) {
  if (!r.multipliers.empty())
    return llvm::Error::success();
  return emitError(node.loc,
                   "racetrack backend: {} without requantization "
                   "(raw i32 output) is not supported yet",
                   getOpMnemonic(node.kind));
}

llvm::Error Lowerer::lowerQMatMul(const Node &node) {
  const Location &loc = node.loc;
  auto in = lookupAct(node.operands[0], loc, "the qmatmul activation");
  if (!in)
    return in.takeError();
  const TensorType &at = g.getType(node.operands[0]);
  const TensorType &bt = g.getType(node.operands[1]);
  if (bt.getRank() != 2)
    return emitError(loc,
                     "racetrack backend: qmatmul weights must be a "
                     "[K, N] matrix, got {}",
                     bt.str());
  int64_t K = bt.shape[0], N = bt.shape[1];
  if (at.getRank() < 2 || at.shape.back() != K)
    return emitError(loc,
                     "racetrack backend: qmatmul activation {} is not "
                     "a [.., M, {}] matrix",
                     at.str(), K);
  std::vector<int64_t> w, bias;
  unsigned wbits = 8;
  if (auto err = readWeights(g, node, w, bias, wbits))
    return err;
  const auto &attrs = node.getAttrs<RequantAttrs>();
  if (auto err = checkRequantized(node, attrs))
    return err;
  const TensorType &ot = g.getType(node.results[0]);
  auto of = getActFormat(ot, loc, "the qmatmul result");
  if (!of)
    return of.takeError();

  // M = 1: one output position reducing over every real (non-padding)
  // input row in layout order, the weight rows permuted from the host
  // (flattened) order. M > 1 rows (positions of a [M, K] activation): per
  // row, its CR channel rows; weight row cr * la + l is channel row cr,
  // lane l.
  const Act &a = *in;
  int64_t M = at.getNumElements() / K;
  bool batched = M > 1;
  if (batched ? a.C != K || a.H * a.W != M || !a.hostContiguous()
              : a.C * a.H * a.W != K)
    return emitError(loc,
                     "racetrack backend: qmatmul activation {} is stored as "
                     "{} positions of {} channels; a batched qmatmul needs "
                     "its {} rows stored as positions of {} channels",
                     at.str(), a.H * a.W, a.C, M, K);
  std::vector<RowPiece> pieces;
  std::vector<int64_t> wp;
  for (int64_t h = 0; h < (batched ? 1 : a.H); ++h)
    for (int64_t x = 0; x < (batched ? 1 : a.W); ++x)
      for (int64_t cr = 0; cr < a.CR; ++cr) {
        RowPiece p;
        p.row = a.rowAt(h + a.padT, x + a.padL, cr);
        p.k0 = int64_t(pieces.size()) * a.lanes;
        p.n = a.lanesInRow(cr);
        pieces.push_back(p);
        wp.resize(wp.size() + size_t(a.lanes * N), 0);
        for (int64_t l = 0; l < p.n; ++l) {
          int64_t c = cr * a.lanes + l;
          int64_t k = batched ? c : a.hostIndex(h, x, c);
          for (int64_t j = 0; j < N; ++j)
            wp[size_t((p.k0 + l) * N + j)] = w[size_t(k * N + j)];
        }
      }
  int64_t kp = int64_t(pieces.size()) * a.lanes;
  auto wb =
      placeWeights(node, wp, kp, N, wbits, a.zp, bias, attrs, ot, of->bits);
  if (!wb)
    return wb.takeError();
  ActShape os;
  os.C = N;
  os.H = M;
  os.channelsFirst = false;
  Act out = allocAct(node.results[0], *of, os);
  for (int64_t m = 0; m < M; ++m) {
    if (batched) {
      // Position m of the activation: (m / W, m % W).
      int64_t h = m / a.W + a.padT, x = m % a.W + a.padL;
      for (int64_t cr = 0; cr < a.CR; ++cr)
        pieces[size_t(cr)].row = a.rowAt(h, x, cr);
    }
    reducePosition(*wb, a, pieces, out, out.rowAt(m + out.padT, out.padL, 0),
                   reversed(m));
  }
  acts[node.results[0].index] = out;
  return llvm::Error::success();
}

/// \returns the [H, W] of the spatial dims of a [1, C, (H,) W] tensor.
static std::pair<int64_t, int64_t> spatialDims(const TensorType &t) {
  return {t.getRank() == 4 ? t.shape[2] : 1, t.shape.back()};
}

llvm::Error Lowerer::lowerQConv(const Node &node) {
  const Location &loc = node.loc;
  auto in = lookupAct(node.operands[0], loc, "the qconv input");
  if (!in)
    return in.takeError();
  const Act &a = *in;
  const TensorType &it = g.getType(node.operands[0]);
  const TensorType &wt = g.getType(node.operands[1]);
  const TensorType &ot = g.getType(node.results[0]);
  const auto &qa = node.getAttrs<QConvAttrs>();
  const ConvAttrs &conv = qa.conv;
  auto win =
      makeWindow2d(conv.kernelShape, conv.strides, conv.dilations, conv.pads);
  size_t rank = conv.kernelShape.size() + 2;
  if (!win || it.getRank() != rank || wt.getRank() != rank ||
      ot.getRank() != rank)
    return emitError(loc,
                     "racetrack backend: only 1-D and 2-D qconv are "
                     "supported, got {}-D",
                     conv.kernelShape.size());
  if (it.shape[0] != 1 || it.shape[1] != a.C ||
      spatialDims(it) != std::make_pair(a.H, a.W) || !a.channelsFirst)
    return emitError(loc,
                     "racetrack backend: internal error: the qconv "
                     "input layout does not match {}",
                     it.str());
  std::vector<int64_t> w, bias;
  unsigned wbits = 8;
  if (auto err = readWeights(g, node, w, bias, wbits))
    return err;
  if (auto err = checkRequantized(node, qa.requant))
    return err;
  auto of = getActFormat(ot, loc, "the qconv result");
  if (!of)
    return of.takeError();
  int64_t M = wt.shape[0], Cg = wt.shape[1], KH = win->kh, KW = win->kw;
  int64_t grp = conv.group, Mg = M / grp;
  int64_t pt = win->pt, pl = win->pl;
  if (a.padT < pt || a.padL < pl || a.padB < win->pb || a.padR < win->pr)
    return emitError(loc, "racetrack backend: internal error: the input "
                          "buffer lacks the conv padding");

  // Weight rows in layout order (dy, dx, channel row, lane); block-diagonal
  // for grouped convs. 1-D weights [M, Cg, KW] index like KH = 1.
  int64_t la = a.lanes, kp = KH * KW * a.CR * la;
  std::vector<int64_t> wp(size_t(kp * M), 0);
  for (int64_t dy = 0; dy < KH; ++dy)
    for (int64_t dx = 0; dx < KW; ++dx)
      for (int64_t c = 0; c < a.C; ++c) {
        int64_t k = ((dy * KW + dx) * a.CR + c / la) * la + c % la;
        int64_t cg = c / Cg, ci = c % Cg;
        for (int64_t m = cg * Mg; m < (cg + 1) * Mg; ++m)
          wp[size_t(k * M + m)] =
              w[size_t(((m * Cg + ci) * KH + dy) * KW + dx)];
      }
  auto wb = placeWeights(node, wp, kp, M, wbits, a.zp, bias, qa.requant, ot,
                         of->bits);
  if (!wb)
    return wb.takeError();
  ActShape os;
  os.C = M;
  std::tie(os.H, os.W) = spatialDims(ot);
  Act o = allocAct(node.results[0], *of, os);
  std::vector<RowPiece> pieces;
  for (int64_t oh = 0; oh < o.H; ++oh)
    for (int64_t i = 0; i < o.W; ++i) {
      int64_t ow = column(oh, i, o.W);
      pieces.clear();
      for (int64_t dy = 0; dy < KH; ++dy)
        for (int64_t dx = 0; dx < KW; ++dx) {
          int64_t ph = oh * win->sh + dy * win->dh + (a.padT - pt);
          int64_t pw = ow * win->sw + dx * win->dw + (a.padL - pl);
          for (int64_t cr = 0; cr < a.CR; ++cr)
            pieces.push_back({a.rowAt(ph, pw, cr),
                              ((dy * KW + dx) * a.CR + cr) * la,
                              a.lanesInRow(cr)});
        }
      reducePosition(*wb, a, pieces, o, o.rowAt(oh + o.padT, ow + o.padL, 0),
                     reversed(oh * o.W + i));
    }
  acts[node.results[0].index] = o;
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerMaxPool(const Node &node) {
  const Location &loc = node.loc;
  llvm::StringRef op = getOpMnemonic(node.kind);
  auto in =
      lookupAct(node.operands[0], loc, fmt::format("the {} input", op.str()));
  if (!in)
    return in.takeError();
  const Act &a = *in;
  const TensorType &it = g.getType(node.operands[0]);
  const TensorType &ot = g.getType(node.results[0]);
  if ((it.getRank() != 3 && it.getRank() != 4) || it.getRank() != ot.getRank())
    return emitError(loc,
                     "racetrack backend: only 1-D and 2-D {} are "
                     "supported, got {}-D",
                     op, int64_t(it.getRank()) - 2);
  if (it.shape[0] != 1 || it.shape[1] != a.C ||
      spatialDims(it) != std::make_pair(a.H, a.W) || !a.channelsFirst)
    return emitError(loc,
                     "racetrack backend: internal error: the {} input "
                     "layout does not match {}",
                     op, it.str());
  Window2d win;
  if (node.kind == OpKind::GlobalMaxPool) {
    win.kh = a.H;
    win.kw = a.W;
  } else {
    const auto &pa = node.getAttrs<PoolAttrs>();
    auto w = makeWindow2d(pa.kernelShape, pa.strides, pa.dilations, pa.pads);
    if (!w || pa.kernelShape.size() + 2 != it.getRank())
      return emitError(loc, "racetrack backend: only 1-D and 2-D max_pool "
                            "windows are supported");
    win = *w;
  }
  auto of = getActFormat(ot, loc, fmt::format("the {} result", op.str()));
  if (!of)
    return of.takeError();
  if (of->bits != a.bits || of->isSigned != a.isSigned || ot.shape[1] != a.C)
    return emitError(loc, "racetrack backend: {} must keep the element type",
                     op);
  ActShape os;
  os.C = a.C;
  std::tie(os.H, os.W) = spatialDims(ot);
  Act o = allocAct(node.results[0], *of, os);
  // Padding is never read (it acts as -inf): a window takes the maximum of
  // its taps inside the input, as the golden max_pool does. The first tap
  // is copied, the others are folded in with vmax.
  for (int64_t oh = 0; oh < o.H; ++oh)
    for (int64_t i = 0; i < o.W; ++i)
      for (int64_t cr = 0; cr < o.CR; ++cr) {
        int64_t ow = column(oh, i, o.W);
        int64_t orow = o.rowAt(oh + o.padT, ow + o.padL, cr);
        bool first = true;
        for (int64_t dy = 0; dy < win.kh; ++dy)
          for (int64_t dx = 0; dx < win.kw; ++dx) {
            int64_t ih = oh * win.sh - win.pt + dy * win.dh;
            int64_t iw = ow * win.sw - win.pl + dx * win.dw;
            if (ih < 0 || ih >= a.H || iw < 0 || iw >= a.W)
              continue;
            auto [imu, iport] =
                accessRow(a, a.rowAt(ih + a.padT, iw + a.padL, cr));
            auto [omu, oport] = accessRow(o, orow);
            if (first)
              emit(Opcode::Xfer, {imu, iport, omu, oport});
            else
              emit(Opcode::VMax,
                   {omu, oport, imu, iport, omu, oport, a.bits, a.isSigned});
            first = false;
          }
        if (first)
          return emitError(loc,
                           "racetrack backend: {} output ({}, {}) has "
                           "no input tap (its window lies in the "
                           "padding)",
                           op, oh, ow);
      }
  acts[node.results[0].index] = o;
  return llvm::Error::success();
}

llvm::Error Lowerer::lowerQAdd(const Node &node) {
  const Location &loc = node.loc;
  auto a = lookupAct(node.operands[0], loc, "the qadd operand #0");
  if (!a)
    return a.takeError();
  auto b = lookupAct(node.operands[1], loc, "the qadd operand #1");
  if (!b)
    return b.takeError();
  const TensorType &ot = g.getType(node.results[0]);
  if (g.getType(node.operands[0]).shape != ot.shape ||
      g.getType(node.operands[1]).shape != ot.shape)
    return emitError(loc, "racetrack backend: qadd with broadcasting is not "
                          "supported yet");
  auto of = getActFormat(ot, loc, "the qadd result");
  if (!of)
    return of.takeError();
  if (a->bits != of->bits || b->bits != of->bits)
    return emitError(loc, "racetrack backend: qadd operands and result must "
                          "have one bit width");
  if (!a->sameLayout(*b))
    return emitError(loc, "racetrack backend: qadd operands are stored in "
                          "different layouts");
  Act o = allocAct(node.results[0], *of, *a);
  const auto &qa = node.getAttrs<QAddAttrs>();
  AddEntry e;
  e.zeroPointA = int32_t(a->zp);
  e.zeroPointB = int32_t(b->zp);
  e.multiplierA = qa.multiplierA;
  e.multiplierB = qa.multiplierB;
  e.shift = qa.shift;
  e.outZeroPoint = int32_t(o.zp);
  e.clampMin = qa.clampMin;
  e.clampMax = qa.clampMax;
  e.signedA = a->isSigned;
  e.signedB = b->isSigned;
  e.signedOut = o.isSigned;
  int64_t idx = int64_t(model.program.addTable.size());
  model.program.addTable.push_back(e);
  for (int64_t h = 0; h < o.H; ++h)
    for (int64_t w = 0; w < o.W; ++w)
      for (int64_t cr = 0; cr < o.CR; ++cr) {
        auto [amu, aport] =
            accessRow(*a, a->rowAt(h + a->padT, w + a->padL, cr));
        auto [bmu, bport] =
            accessRow(*b, b->rowAt(h + b->padT, w + b->padL, cr));
        auto [omu, oport] = accessRow(o, o.rowAt(h + o.padT, w + o.padL, cr));
        emit(Opcode::VQAdd, {amu, aport, bmu, bport, omu, oport, idx, o.bits});
      }
  acts[node.results[0].index] = o;
  return llvm::Error::success();
}

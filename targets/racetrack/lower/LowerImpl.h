//===- targets/racetrack/lower/LowerImpl.h - Lowering internals -*- C++ -*-===//
//
// Internal to rtc_rt_lower: the activation layout and the Lowerer class
// shared by Lowering.cpp (driver, layout, host I/O) and LowerCompute.cpp
// (qmatmul, qconv, max_pool, qadd). See Lowering.cpp for the mapping.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Diagnostics.h"
#include "ir/Graph.h"
#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/ProgramFile.h"
#include "targets/racetrack/lower/Lowering.h"
#include "targets/racetrack/place/Placement.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rtc::racetrack::lower {

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The logical geometry of an activation: H x W positions of C channels,
/// and where element (h, w, c) lives in the row-major host tensor.
struct ActShape {
  int64_t C = 1, H = 1, W = 1;
  /// true: host order (c, h, w) ([1, C, H, W], [1, C, L] as H = 1); false:
  /// (h, w, c) (a matrix [.., M, K]: H = M rows of C = K channels, W = 1).
  bool channelsFirst = true;
  /// Index of element (\p h, \p w, \p c) in the row-major host tensor (and
  /// in any flattening of it).
  int64_t hostIndex(int64_t h, int64_t w, int64_t c) const {
    return channelsFirst ? (c * H + h) * W + w : (h * W + w) * C + c;
  }
  /// Whether \p o has the same positions, channels and host order.
  bool sameLayout(const ActShape &o) const {
    return C == o.C && H == o.H && W == o.W &&
           (channelsFirst == o.channelsFirst || C == 1 || H * W == 1);
  }
  /// Whether the channels of one position are consecutive host words.
  bool hostContiguous() const { return !channelsFirst || C == 1 || H * W == 1; }
};

/// A quantized activation of shape ActShape stored POSITION-MAJOR in its
/// own activation MUs: padded position (ph, pw) owns CR = ceil(C / lanes)
/// consecutive rows, channel c at row (ph * paddedW() + pw) * CR + c /
/// lanes, lane c % lanes. The padding of the consumer convs is materialised
/// and holds the zero point.
struct Act : ActShape {
  int64_t firstMu = 0;
  int64_t padT = 0, padL = 0, padB = 0, padR = 0;
  int64_t lanes = 1, CR = 1;
  unsigned bits = 8;
  bool isSigned = false;
  int64_t zp = 0;
  int64_t paddedH() const { return H + padT + padB; }
  int64_t paddedW() const { return W + padL + padR; }
  int64_t rows() const { return paddedH() * paddedW() * CR; }
  /// Row of channel row \p cr at padded position (\p ph, \p pw).
  int64_t rowAt(int64_t ph, int64_t pw, int64_t cr) const {
    return (ph * paddedW() + pw) * CR + cr;
  }
  /// Channels held by channel row \p cr.
  int64_t lanesInRow(int64_t cr) const {
    return std::min(lanes, C - cr * lanes);
  }
};

/// One activation row streamed into a reduction: row `row` of the input,
/// lanes 0..n-1 meet the weight rows k0..k0+n-1.
struct RowPiece {
  int64_t row = 0, k0 = 0, n = 0;
};

/// Stationary weights of one qmatmul/qconv (see Lowering.cpp).
struct WeightBank {
  int64_t base = 0, chunks = 1, groups = 1, N = 0, lw = 1;
  unsigned wbits = 8;
  std::vector<int64_t> biasIdx, reqIdx;
  int64_t cols(int64_t g) const { return std::min(lw, N - g * lw); }
};

/// A 1-D or 2-D sliding window (conv or pool) as 2-D: a 1-D window over
/// [1, C, L] is H = 1 (kh = 1, no vertical stride, dilation or padding).
struct Window2d {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
};

/// \returns the 2-D form of a window with \p kernel.size() spatial dims,
/// or nullopt unless that is 1 or 2 (pads: begins then ends).
inline std::optional<Window2d> makeWindow2d(llvm::ArrayRef<int64_t> kernel,
                                            llvm::ArrayRef<int64_t> strides,
                                            llvm::ArrayRef<int64_t> dilations,
                                            llvm::ArrayRef<int64_t> pads) {
  size_t r = kernel.size();
  if ((r != 1 && r != 2) || strides.size() != r || dilations.size() != r ||
      (!pads.empty() && pads.size() != 2 * r))
    return std::nullopt;
  auto pad = [&](size_t i) { return pads.empty() ? 0 : pads[i]; };
  Window2d w;
  w.kw = kernel[r - 1];
  w.sw = strides[r - 1];
  w.dw = dilations[r - 1];
  w.pl = pad(r - 1);
  w.pr = pad(2 * r - 1);
  if (r == 2) {
    w.kh = kernel[0];
    w.sh = strides[0];
    w.dh = dilations[0];
    w.pt = pad(0);
    w.pb = pad(2);
  }
  return w;
}

/// Element encoding of a quantized activation tensor.
struct ActFormat {
  unsigned bits = 8;
  bool isSigned = false;
  int64_t zp = 0;
};

/// One MAC of a weight MU group: the physical row it reads and the XB lane
/// it multiplies with.
struct MacAccess {
  int64_t row = 0, xlane = 0;
};

/// Row placement of every MU group, by the group's first MU (the leader):
/// logical row (as the layout numbers it) -> physical row. An empty entry
/// is the identity.
using RowMaps = std::vector<std::vector<int32_t>>;

/// The accesses the schedule made to one MU group (Lowerer::getTraces).
struct GroupTrace {
  int64_t leader = 0, size = 1; ///< First MU and number of lockstep MUs.
  place::AccessTrace trace;     ///< Items are logical rows 0..D-1.
  std::vector<int32_t> layers;  ///< Layer-table index of every access.
};

/// One lowering pass (Lowering.cpp runs it twice: once to record the
/// access traces with the identity placement, once with the placement).
class Lowerer {
public:
  Lowerer(const Graph &g, const DeviceConfig &cfg, llvm::StringRef modelName,
          ScheduleOptions sched, const RowMaps *rowMaps = nullptr)
      : g(g), cfg(cfg), modelName(modelName.str()), T(cfg.tracksPerMu),
        D(cfg.domainsPerTrack), S(cfg.segmentLength()), sched(sched),
        rowMaps(rowMaps) {}

  llvm::Expected<CompiledModel> run();

  /// The access trace of every MU group, by leader, after run().
  std::vector<GroupTrace> getTraces() const;

private:
  llvm::Error checkSupported();
  void computePadding();
  llvm::Error lowerNode(const Node &node);
  llvm::Error lowerQuantize(const Node &node);
  llvm::Error lowerDequantize(const Node &node);
  llvm::Error lowerAlias(const Node &node);
  // LowerCompute.cpp
  llvm::Error lowerQMatMul(const Node &node);
  llvm::Error lowerQConv(const Node &node);
  llvm::Error lowerMaxPool(const Node &node);
  /// Host transfers of every row of \p a: `hin` from input buffer 0 or
  /// `hout` to output buffer 0 (see Lowering.cpp, "Host I/O").
  void emitHostIO(const Act &a, bool isInput);
  /// The geometry of the quantized graph input \p v, from its consumers.
  llvm::Expected<ActShape> inputShape(ValueId v, const Location &loc) const;
  llvm::Error lowerQAdd(const Node &node);
  llvm::Expected<WeightBank>
  placeWeights(const Node &node, llvm::ArrayRef<int64_t> wp, int64_t kp,
               int64_t n, unsigned wbits, int64_t zx,
               llvm::ArrayRef<int64_t> bias, const RequantAttrs &req,
               const TensorType &ot, unsigned obits);
  /// One output position of a reduction; \p reverse walks the pieces and
  /// the weight rows backwards (zig-zag schedule, odd positions).
  void reducePosition(const WeightBank &wb, const Act &in,
                      llvm::ArrayRef<RowPiece> pieces, const Act &out,
                      int64_t outRow0, bool reverse);
  /// Emits the MACs \p run of the lockstep weight MUs [mu, mu + count) as
  /// few `macs` as possible (consecutive offsets in one direction, several
  /// ports per offset), shifting to each start.
  void emitMacRun(int64_t mu, int64_t count, unsigned wbits,
                  std::vector<MacAccess> &run);
  /// Whether output position \p pos walks its reduction backwards.
  bool reversed(int64_t pos) const { return sched.zigzag && pos % 2 == 1; }
  /// The output column visited \p i-th in output row \p row of a window op
  /// \p width wide: right to left in odd rows under the snake schedule.
  int64_t column(int64_t row, int64_t i, int64_t width) const {
    return sched.snake && row % 2 == 1 ? width - 1 - i : i;
  }

  llvm::Expected<ActFormat> getActFormat(const TensorType &t,
                                         const Location &loc,
                                         llvm::StringRef what) const;
  llvm::Expected<Act> lookupAct(ValueId v, const Location &loc,
                                llvm::StringRef what) const;
  /// Allocates \p n MUs, each its own group.
  int64_t allocMus(int64_t n);
  /// Makes MUs [first, first + count) one lockstep group.
  void makeGroup(int64_t first, int64_t count);
  /// Records an access to logical row \p row of MU \p mu's group in its
  /// trace; \returns the physical row.
  int64_t touch(int64_t mu, int64_t row);
  /// Allocates the activation for value \p v with geometry \p shape and
  /// its consumers' padding; writes the zero point into the memory image
  /// where needed.
  Act allocAct(ValueId v, ActFormat f, const ActShape &shape);
  void emit(Opcode op, std::initializer_list<int64_t> ops) {
    model.program.insns.push_back(Insn::make(op, ops));
  }
  /// Brings MUs [mu, mu+count) (sharing one offset) to \p offset.
  void align(int64_t mu, int64_t count, int64_t offset);
  /// Aligns the MU holding (logical) row \p row of \p a; \returns {mu,
  /// port}.
  std::pair<int64_t, int64_t> accessRow(const Act &a, int64_t row);
  /// The value whose producer is not flatten/reshape/identity.
  ValueId rootOf(ValueId v) const;

  const Graph &g;
  const DeviceConfig &cfg;
  std::string modelName;
  int64_t T, D, S;
  ScheduleOptions sched;
  const RowMaps *rowMaps;
  CompiledModel model;
  int64_t nextMu = 0;
  std::vector<int64_t> offsets;
  std::vector<int64_t> leaderOf;  // per MU: first MU of its group
  std::vector<int64_t> groupSize; // per leader
  std::vector<place::AccessTrace> traces;       // per leader
  std::vector<std::vector<int32_t>> traceLayers; // per leader
  std::map<uint32_t, Act> acts;                    // by ValueId index
  std::map<uint32_t, std::array<int64_t, 4>> pads; // root value -> t,l,b,r
  std::map<uint32_t, bool> spatial; // root values read by qconv/pool/qadd
  std::map<uint32_t, bool> matrix;  // roots read by a qmatmul with M > 1
};

} // namespace rtc::racetrack::lower

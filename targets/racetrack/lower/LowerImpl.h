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

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

namespace rtc::racetrack::lower {

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A quantized [1, C, H, W] activation (or [1, K] as C = K, H = W = 1)
/// stored POSITION-MAJOR in its own activation MUs: padded position (ph, pw)
/// owns CR = ceil(C / lanes) consecutive rows, channel c at row
/// (ph * paddedW() + pw) * CR + c / lanes, lane c % lanes. The padding of
/// the consumer convs is materialised and holds the zero point.
struct Act {
  int64_t firstMu = 0;
  int64_t C = 1, H = 1, W = 1;
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

/// Element encoding of a quantized activation tensor.
struct ActFormat {
  unsigned bits = 8;
  bool isSigned = false;
  int64_t zp = 0;
};

class Lowerer {
public:
  Lowerer(const Graph &g, const DeviceConfig &cfg, llvm::StringRef modelName)
      : g(g), cfg(cfg), modelName(modelName.str()), T(cfg.tracksPerMu),
        D(cfg.domainsPerTrack), S(cfg.segmentLength()) {}

  llvm::Expected<CompiledModel> run();

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
  llvm::Error lowerQAdd(const Node &node);
  llvm::Expected<WeightBank> placeWeights(const Node &node,
                                          llvm::ArrayRef<int64_t> wp,
                                          int64_t kp, int64_t n,
                                          unsigned wbits, int64_t zx,
                                          llvm::ArrayRef<int64_t> bias,
                                          const RequantAttrs &req,
                                          const TensorType &ot,
                                          unsigned obits);
  void reducePosition(const WeightBank &wb, const Act &in,
                      llvm::ArrayRef<RowPiece> pieces, const Act &out,
                      int64_t outRow0);

  llvm::Expected<ActFormat> getActFormat(const TensorType &t,
                                         const Location &loc,
                                         llvm::StringRef what) const;
  llvm::Expected<Act> lookupAct(ValueId v, const Location &loc,
                                llvm::StringRef what) const;
  int64_t allocMus(int64_t n);
  /// Allocates the activation for value \p v (shape [1, C, H, W] or [1, K])
  /// with its consumers' padding; writes the zero point into the memory
  /// image where needed.
  llvm::Expected<Act> allocAct(ValueId v, ActFormat f, const Location &loc);
  void emit(Opcode op, std::initializer_list<int64_t> ops) {
    model.program.insns.push_back(Insn::make(op, ops));
  }
  /// Brings MUs [mu, mu+count) (sharing one offset) to \p offset.
  void align(int64_t mu, int64_t count, int64_t offset);
  /// Aligns the MU holding row \p row of \p a; \returns {mu, port}.
  std::pair<int64_t, int64_t> accessRow(const Act &a, int64_t row);
  /// The value whose producer is not flatten/reshape/identity.
  ValueId rootOf(ValueId v) const;

  const Graph &g;
  const DeviceConfig &cfg;
  std::string modelName;
  int64_t T, D, S;
  CompiledModel model;
  int64_t nextMu = 0;
  std::vector<int64_t> offsets;
  std::map<uint32_t, Act> acts;                     // by ValueId index
  std::map<uint32_t, std::array<int64_t, 4>> pads; // root value -> t,l,b,r
  std::map<uint32_t, bool> spatial; // root values read by qconv/pool/qadd
};

} // namespace rtc::racetrack::lower

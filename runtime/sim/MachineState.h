//===- runtime/sim/MachineState.h - Racetrack machine state ----*- C++ -*-===//
//
// The architectural state the simulator executes on (ISA v1, docs/isa.md):
// per macro unit (MU) D = domains_per_track logical rows of T =
// tracks_per_mu bits plus a shift offset and T int32 accumulators, the
// controller's broadcast buffer XB, and the host I/O buffers.
//
// The row bit layout is targets/racetrack/isa/RowFormat.h. All rows
// of all MUs live in one contiguous allocation, row-major over (mu, row).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/DeviceConfig.h"
#include "targets/racetrack/isa/RowFormat.h"
#include "targets/racetrack/isa/RtBin.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cassert>
#include <cstdint>
#include <vector>

namespace rtc::sim {

/// Largest number of row bytes a MachineState allocates (4 GiB); bigger
/// configs are refused with an error rather than exhausting memory.
constexpr uint64_t maxStateBytes = uint64_t(1) << 32;

// The row bit layout lives in targets/racetrack/isa/RowFormat.h (shared
// with the compiler); these names keep the simulator's spelling.
using racetrack::isValidWidth;
using racetrack::readWord;
using racetrack::writeWord;

/// The complete simulated machine. Create with MachineState::create.
class MachineState {
public:
  /// Allocates zeroed state for \p cfg (offsets 0, accumulators 0, empty XB
  /// and host buffers). Errors if the rows would exceed maxStateBytes.
  static llvm::Expected<MachineState> create(const racetrack::DeviceConfig &cfg);

  int64_t getNumMus() const { return numMus; }
  /// Logical rows per MU (domains_per_track).
  int64_t getRowsPerMu() const { return rowsPerMu; }
  /// Bits per row (tracks_per_mu).
  int64_t getTracks() const { return tracks; }
  /// Bytes per row: ceil(T / 8).
  int64_t getRowBytes() const { return rowBytes; }
  /// Domains between neighbouring ports (the offset range is [0, S-1]).
  int64_t getSegmentLength() const { return segmentLength; }
  int64_t getPortsPerTrack() const { return portsPerTrack; }

  /// \returns row \p row of MU \p mu (both in range; asserted).
  uint8_t *getRow(int64_t mu, int64_t row) {
    return rows.data() + index(mu, row) * rowBytes;
  }
  const uint8_t *getRow(int64_t mu, int64_t row) const {
    return rows.data() + index(mu, row) * rowBytes;
  }
  /// \returns the logical row under port \p port of MU \p mu:
  /// port * S + offset(mu).
  int64_t getPortRow(int64_t mu, int64_t port) const {
    return port * segmentLength + offsets[mu];
  }

  /// The shift offset of MU \p mu, in [0, S-1].
  int64_t getOffset(int64_t mu) const { return offsets[mu]; }
  void setOffset(int64_t mu, int64_t offset) { offsets[mu] = offset; }

  /// The T accumulators of MU \p mu.
  int32_t *getAcc(int64_t mu) { return accs.data() + mu * tracks; }
  const int32_t *getAcc(int64_t mu) const { return accs.data() + mu * tracks; }

  /// The broadcast buffer: the words decoded by the last ldx (empty before
  /// the first). Stored as int64 so that unsigned 32-bit words fit.
  std::vector<int64_t> xb;
  /// Element width of the words in xb (0 before the first ldx); the
  /// activation width of the MAC cost.
  unsigned xbWidth = 0;

  /// Host input buffers (filled by the driver) and output buffers (sized by
  /// the driver, written by hout), indexed by the buf operand.
  std::vector<std::vector<int64_t>> hostInputs;
  std::vector<std::vector<int64_t>> hostOutputs;

  /// Copies \p chunks (RtBin.h MemoryChunk: rows row-major over (mu, row))
  /// into the rows. Each chunk's rowBytes must equal getRowBytes(), its MU
  /// and row ranges must lie inside the machine and its data size must be
  /// muCount * rowCount * rowBytes; violations are errors located at
  /// \p fileName naming the chunk. Bits above T in a row's last byte are
  /// cleared.
  llvm::Error loadMemoryImage(const std::vector<racetrack::MemoryChunk> &chunks,
                              llvm::StringRef fileName = "<memory image>");

  /// Raw row storage, (mu, row)-major; for dumps and tests.
  llvm::ArrayRef<uint8_t> getRawRows() const { return rows; }

private:
  MachineState() = default;
  int64_t index(int64_t mu, int64_t row) const {
    assert(mu >= 0 && mu < numMus && row >= 0 && row < rowsPerMu &&
           "row index out of range");
    return mu * rowsPerMu + row;
  }

  int64_t numMus = 0;
  int64_t rowsPerMu = 0;
  int64_t tracks = 0;
  int64_t rowBytes = 0;
  int64_t segmentLength = 1;
  int64_t portsPerTrack = 1;
  std::vector<uint8_t> rows;
  std::vector<int64_t> offsets;
  std::vector<int32_t> accs;
};

} // namespace rtc::sim

//===- runtime/sim/MachineState.cpp - Racetrack machine state -------------===//
//
// State allocation and loading of the initial memory image (the row bit
// layout is targets/racetrack/isa/RowFormat.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/sim/MachineState.h"

#include "ir/Diagnostics.h"

using namespace rtc;
using namespace rtc::sim;
using racetrack::DeviceConfig;
using racetrack::MemoryChunk;

llvm::Expected<MachineState> MachineState::create(const DeviceConfig &cfg) {
  MachineState s;
  s.numMus = cfg.numMus();
  s.rowsPerMu = cfg.domainsPerTrack;
  s.tracks = cfg.tracksPerMu;
  s.rowBytes = (cfg.tracksPerMu + 7) / 8;
  s.portsPerTrack = cfg.portsPerTrack;
  s.segmentLength = cfg.segmentLength();
  if (s.numMus <= 0 || s.rowsPerMu <= 0 || s.tracks <= 0 ||
      s.portsPerTrack <= 0 || s.segmentLength <= 0)
    return makeError(Location::unknown(),
                     "invalid hardware config for simulation: empty geometry");
  // Rows, accumulators (4 bytes per track) and offsets, in 128-bit to rule
  // out overflow for any validated config.
  unsigned __int128 bytes =
      (unsigned __int128)s.numMus *
      ((unsigned __int128)s.rowsPerMu * s.rowBytes + 4 * s.tracks + 8);
  if (bytes > maxStateBytes)
    return emitError(Location::unknown(),
                     "simulated machine needs {} bytes of state ({} MUs x {} "
                     "rows x {} bytes); the limit is {}",
                     static_cast<uint64_t>(bytes), s.numMus, s.rowsPerMu,
                     s.rowBytes, maxStateBytes);
  s.rows.assign(static_cast<size_t>(s.numMus * s.rowsPerMu * s.rowBytes), 0);
  s.offsets.assign(static_cast<size_t>(s.numMus), 0);
  s.accs.assign(static_cast<size_t>(s.numMus * s.tracks), 0);
  return s;
}

llvm::Error MachineState::loadMemoryImage(const std::vector<MemoryChunk> &chunks,
                                          llvm::StringRef fileName) {
  Location loc = Location::inFile(fileName);
  uint8_t lastMask = (tracks % 8) ? static_cast<uint8_t>((1u << (tracks % 8)) - 1)
                                  : uint8_t(0xFF);
  for (size_t i = 0; i < chunks.size(); ++i) {
    const MemoryChunk &c = chunks[i];
    if (c.rowBytes != static_cast<uint64_t>(rowBytes))
      return emitError(loc,
                       "memory chunk #{}: row width {} bytes, but the machine "
                       "has {} tracks per MU ({} bytes per row)",
                       i, c.rowBytes, tracks, rowBytes);
    if (uint64_t(c.firstMu) + c.muCount > static_cast<uint64_t>(numMus))
      return emitError(loc,
                       "memory chunk #{}: MUs [{}, {}) outside the machine's "
                       "{} MUs",
                       i, c.firstMu, uint64_t(c.firstMu) + c.muCount, numMus);
    if (uint64_t(c.firstRow) + c.rowCount > static_cast<uint64_t>(rowsPerMu))
      return emitError(loc,
                       "memory chunk #{}: rows [{}, {}) outside the {} rows "
                       "(domains per track) of an MU",
                       i, c.firstRow, uint64_t(c.firstRow) + c.rowCount,
                       rowsPerMu);
    uint64_t expected = uint64_t(c.muCount) * c.rowCount * c.rowBytes;
    if (c.data.size() != expected)
      return emitError(loc,
                       "memory chunk #{}: {} data bytes, expected {} ({} MUs "
                       "x {} rows x {} bytes)",
                       i, c.data.size(), expected, c.muCount, c.rowCount,
                       c.rowBytes);
    const uint8_t *src = c.data.data();
    for (uint32_t m = 0; m < c.muCount; ++m) {
      for (uint32_t r = 0; r < c.rowCount; ++r, src += rowBytes) {
        uint8_t *dst = getRow(c.firstMu + m, c.firstRow + r);
        std::copy(src, src + rowBytes, dst);
        dst[rowBytes - 1] &= lastMask;
      }
    }
  }
  return llvm::Error::success();
}

//===- targets/racetrack/isa/RowFormat.h - Row bit layout ------*- C++ -*-===//
//
// The bit layout of one racetrack row (docs/isa.md "Row bit layout"),
// defined once for the compiler (which builds the initial memory image) and
// the simulator (which executes on it).
//
// A row is T = tracks_per_mu bits stored as ceil(T/8) bytes, bit b (track b)
// at byte b/8, bit b%8. Read with element width w in {2..8, 16, 32} it holds
// floor(T/w) lanes; lane i occupies bits [i*w, (i+1)*w), least significant
// bit first.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace rtc::racetrack {

/// \returns true if \p width is a legal element width: 2..8, 16 or 32.
inline bool isValidWidth(int64_t width) {
  return (width >= 2 && width <= 8) || width == 16 || width == 32;
}

/// \returns the bytes of a row of \p tracks bits: ceil(tracks / 8).
inline int64_t rowBytesFor(int64_t tracks) { return (tracks + 7) / 8; }

namespace detail {
inline uint64_t lowMask(unsigned width) {
  return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
}
} // namespace detail

/// \returns lane \p lane of \p row decoded with element width \p width
/// (isValidWidth), sign-extended if \p isSigned, else zero-extended. The
/// caller guarantees (lane + 1) * width <= T.
inline int64_t readWord(const uint8_t *row, int64_t lane, unsigned width,
                        bool isSigned) {
  uint64_t bit = static_cast<uint64_t>(lane) * width;
  const uint8_t *p = row + (bit >> 3);
  unsigned sh = bit & 7;
  // At most 7 + 32 = 39 bits: five bytes, all inside the row because the
  // lane ends at or before bit T.
  unsigned numBytes = (sh + width + 7) / 8;
  uint64_t v = 0;
  for (unsigned i = 0; i < numBytes; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  v = (v >> sh) & detail::lowMask(width);
  if (isSigned && (v >> (width - 1)) & 1)
    v |= ~detail::lowMask(width);
  return static_cast<int64_t>(v);
}

/// Stores the low \p width bits of \p value into lane \p lane of \p row,
/// leaving every other bit unchanged. Same preconditions as readWord.
inline void writeWord(uint8_t *row, int64_t lane, unsigned width,
                      int64_t value) {
  uint64_t bit = static_cast<uint64_t>(lane) * width;
  uint8_t *p = row + (bit >> 3);
  unsigned sh = bit & 7;
  unsigned numBytes = (sh + width + 7) / 8;
  uint64_t mask = detail::lowMask(width) << sh;
  uint64_t bits = (static_cast<uint64_t>(value) << sh) & mask;
  for (unsigned i = 0; i < numBytes; ++i) {
    uint8_t m = static_cast<uint8_t>(mask >> (8 * i));
    p[i] = static_cast<uint8_t>((p[i] & ~m) | (bits >> (8 * i)));
  }
}

} // namespace rtc::racetrack

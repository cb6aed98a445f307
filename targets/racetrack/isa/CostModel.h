//===- targets/racetrack/isa/CostModel.h - Circuit-level cost model -------===//
//
// Composes the in-memory MAC cell from the primitive circuit costs of a
// DeviceConfig (full adder, AND gate, register bit) and the operand bit
// widths, so that latency, energy and area respond to bit width and to the
// circuit choice (mac_mode, mac_adder, mac_multiplier). The formulas are
// documented next to each function and in docs/hardware-config.md.
//
// Costs are per MAC cell, i.e. per lane: one cell multiplies one wbits-bit
// weight by one abits-bit activation and adds the product into an
// acc_bits-bit accumulator. An MU has one cell per lane of its row.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "targets/racetrack/isa/DeviceConfig.h"

#include <cstdint>

namespace rtc::racetrack {

/// Latency, energy and area of one circuit instance doing one operation.
struct CircuitCost {
  double latencyNs = 0;
  double energyPj = 0;
  double areaF2 = 0;
};

/// An \p bits-bit adder of kind \p kind (bits >= 1). With n = bits,
/// fa/and = the config's primitive costs:
///  - ripple_carry: latency n*fa, energy n*fa, area n*fa.
///  - carry_lookahead (Sklansky parallel prefix, L = ceil(log2 n) levels,
///    P = floor(n*L/2) prefix cells of 3 AND-equivalent gates each): latency
///    (L+1)*fa_ns, energy n*fa_pj + 3P*and_pj, area n*fa + 3P*and.
///  - carry_select (low half h = ceil(n/2) ripple, high half n-h ripple
///    twice, n-h+1 2:1 muxes of 3 AND-equivalents): latency
///    h*fa_ns + 2*and_ns, energy (h + 2(n-h))*fa + 3(n-h+1)*and, same for
///    area. For n == 1 both fast adders degenerate to one full adder.
CircuitCost adderCost(const DeviceConfig &cfg, AdderKind kind, unsigned bits);

/// adderCost with the config's mac_adder.
CircuitCost adderCost(const DeviceConfig &cfg, unsigned bits);

/// Partial products of a wbits x abits multiplication: abits (shift_add) or
/// ceil(abits/2)+1 (booth, radix 4).
unsigned numPartialProducts(const DeviceConfig &cfg, unsigned abits);

/// Generating one partial product: wbits ANDs (shift_add), or wbits+1 Booth
/// selectors of 3 AND-equivalents each (booth; the radix-4 digit encoder is
/// counted in the selectors). Latency: one AND (shift_add) or two (booth).
CircuitCost partialProductCost(const DeviceConfig &cfg, unsigned wbits);

/// Width of the adders that sum partial products: wbits (shift_add) or
/// wbits+2 (booth: digits up to +-2W with sign).
unsigned partialProductAdderBits(const DeviceConfig &cfg, unsigned wbits);

/// A wbits x abits multiplier. With k partial products, pp = one partial
/// product, add = one partial-product adder:
///  - bit_parallel (array/tree): all k partial products at once, k-1 adders
///    in a tree of depth ceil(log2 k): latency pp + ceil(log2 k)*add,
///    energy k*pp + (k-1)*add, area k*pp + (k-1)*add.
///  - bit_serial: one partial product and one addition per cycle for k
///    steps, into a (wbits+abits)-bit product register: latency k*(pp+add),
///    energy k*(pp + add + (wbits+abits)*reg), area pp + add +
///    (wbits+abits)*reg.
CircuitCost multiplierCost(const DeviceConfig &cfg, unsigned wbits,
                           unsigned abits);

/// One MAC on one lane: multiply, then add the product into the acc_bits
/// accumulator with one acc_bits-bit adder of the configured kind and write
/// the accumulator register: latency mult + accAdd, energy mult + accAdd +
/// acc_bits*reg_bit_pj, area mult + accAdd + acc_bits*reg_bit_area.
CircuitCost macCost(const DeviceConfig &cfg, unsigned wbits, unsigned abits);

/// \returns \p ns rounded up to whole controller cycles of clock_ns (at least
/// one cycle for a positive latency; a tiny tolerance absorbs rounding noise).
uint64_t cyclesFor(const DeviceConfig &cfg, double ns);

/// Controller cycles of one MAC: cyclesFor(macCost(...).latencyNs).
uint64_t macCycles(const DeviceConfig &cfg, unsigned wbits, unsigned abits);

/// MAC cells per MU: one per weight lane, lanes(wbits). The mapping is
/// weight-stationary: a row holds tracks/wbits weights side by side and one
/// activation is broadcast to every lane (docs/backend-plan.md).
int64_t macCellsPerMu(const DeviceConfig &cfg, unsigned wbits, unsigned abits);

/// Device area in mm^2, split by component.
struct AreaBreakdown {
  double cellsMm2 = 0;     ///< Every domain incl. overhead x domain_area_f2.
  double portsMm2 = 0;     ///< Tracks x ports x port_area_f2.
  double computeMm2 = 0;   ///< MUs x macCellsPerMu x macCost.areaF2.
  double peripheryMm2 = 0; ///< periphery_fraction x (cells + ports).
  double totalMm2 = 0;     ///< Sum of the above.
};

/// Converts an area in F^2 to mm^2 at the config's feature size:
/// areaF2 * (feature_size_nm * 1e-6 mm)^2.
double f2ToMm2(const DeviceConfig &cfg, double areaF2);

/// The area of the whole device built for \p wbits x \p abits MACs.
AreaBreakdown computeArea(const DeviceConfig &cfg, unsigned wbits,
                          unsigned abits);

} // namespace rtc::racetrack

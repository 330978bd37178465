// What a longest path of cells means in time on a 7-series part: a per-cell delay model. The cell
// delays are the worst-pin figures of Yosys 0.23's own 7-series timing model (the `specify` blocks
// of techlibs/xilinx/cells_sim.v, taken there from Project X-Ray's Artix-7 database); the net
// delay per hop and the register overhead are assumptions, stated here once. It is an estimate
// for comparing designs, not a timing closure: place and route can do better or worse.

/** Delays in ns. */
export const XC7_DELAYS = {
  /** LUT6, worst input pin (I0 → O, 642 ps in cells_sim.v) */
  lut: 0.642,
  /** CARRY4 in a chain, CI → CO[3] (114 ps); a chain's first CARRY4 costs `carryEntry` */
  carry: 0.114,
  /** CARRY4 entered from a LUT, S[1] → CO[3] (528 ps), the worst S/DI input */
  carryEntry: 0.528,
  /** MUXF7 select → O (296 ps); MUXF8 is 273 ps */
  mux: 0.296,
  /** routing between two cells of the path that are not neighbours in a carry chain: assumed */
  net: 0.3,
  /** flip-flop clock-to-out plus setup at the ends of the path: assumed */
  register: 0.6,
} as const;

/** The path's delay (ns) without the registers at its ends, from its cell mix. */
export function pathDelayNs(cells: { luts: number; carries: number; muxes: number; chains: number }): number {
  const d = XC7_DELAYS;
  // each LUT, mux and carry chain is one routed hop; a chain costs its entry plus its chained steps
  const hops = cells.luts + cells.muxes + cells.chains;
  const carry = cells.chains * d.carryEntry + (cells.carries - cells.chains) * d.carry;
  return +(hops * d.net + cells.luts * d.lut + cells.muxes * d.mux + carry).toFixed(3);
}

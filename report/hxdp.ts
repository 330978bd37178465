// hXDP's published figures (OSDI 2020, Brunella et al.), as the report and docs/RESULTS.md set
// ours beside them. Values marked ≈ in ../shared/REFERENCE.md were read off the paper's figures.
// The 4-lane rows and eBPF instruction counts come from compiler/schedule/compare.ts (one source).
// Keys are our program names (programs/<name>/): hXDP's Katran is our l4lb.

import { HXDP_ROWS } from '../compiler/schedule/compare.js';

export { HXDP_ROWS };

/** hXDP's name for each of our programs. */
export const HXDP_NAMES: Readonly<Record<string, string>> = {
  xdp1: 'xdp1', xdp2: 'xdp2', adjust_tail: 'xdp_adjust_tail', router_ipv4: 'router_ipv4', rxq_info: 'rxq_info',
  tx_ip_tunnel: 'tx_ip_tunnel', simple_firewall: 'simple_firewall', l4lb: 'Katran',
};

/** The programs hXDP measured, in the paper's order. */
export const HXDP_PROGRAMS: readonly string[] = Object.keys(HXDP_NAMES);

/** Fig. 7: % of the original instructions each optimisation removes on its own. */
export const HXDP_FIG7_COLUMNS = ['no-zeroing', 'bounds checks', '3-operand', 'param. exit', '6B ld/st'] as const;
export const HXDP_FIG7: Readonly<Record<string, readonly number[]>> = {
  xdp1: [1.6, 11.5, 13.1, 3.3, 1.6], xdp2: [3.8, 9.0, 10.3, 0, 1.3], adjust_tail: [1.7, 7.7, 7.7, 1.7, 18.8],
  router_ipv4: [5.9, 10.1, 15.1, 5.0, 8.4], rxq_info: [4.9, 3.7, 8.6, 3.7, 3.7], tx_ip_tunnel: [3.2, 8.8, 9.2, 2.1, 9.2],
  simple_firewall: [11.1, 19.4, 13.9, 5.6, 5.6], l4lb: [8.2, 10.4, 11.9, 4.1, 7.0],
};

/** Which of our passes does each Fig. 7 optimisation (docs/PASSES.md). */
export const OUR_PASS_FOR_FIG7: Readonly<Record<(typeof HXDP_FIG7_COLUMNS)[number], readonly string[]>> = {
  'no-zeroing': ['zeroing'], 'bounds checks': ['bounds', 'jlen'], '3-operand': ['alu3'], 'param. exit': ['exit-imm'], '6B ld/st': ['mac6', 'wide'],
};

/** Table 3: instructions after the peephole optimisations (≈, 1 lane). */
export const HXDP_AFTER_PEEPHOLE: Readonly<Record<string, number>> = {
  xdp1: 47, xdp2: 63, adjust_tail: 82, router_ipv4: 91, rxq_info: 72, tx_ip_tunnel: 220, simple_firewall: 50, l4lb: 205,
};

/** Fig. 8: VLIW rows with 1, 2, 3 and 4 lanes (≈). */
export const HXDP_FIG8_LANES = [1, 2, 3, 4] as const;
export const HXDP_FIG8: Readonly<Record<string, readonly number[]>> = {
  xdp1: [47, 36, 35, 35], xdp2: [63, 45, 42, 42], adjust_tail: [82, 51, 45, 44], router_ipv4: [91, 60, 54, 50],
  rxq_info: [72, 50, 47, 45], tx_ip_tunnel: [220, 133, 110, 102], simple_firewall: [50, 32, 27, 26], l4lb: [205, 127, 109, 103],
};

/** Fig. 10 / Table 3: Mpps of hXDP at 156.25 MHz (≈) and of one x86 core at 3.7 GHz. */
export const HXDP_MPPS: Readonly<Record<string, { readonly hxdp: number; readonly x86: number }>> = {
  xdp1: { hxdp: 11.2, x86: 27.9 }, xdp2: { hxdp: 6.9, x86: 12.3 }, adjust_tail: { hxdp: 2.6, x86: 7.1 },
  router_ipv4: { hxdp: 3.9, x86: 8.0 }, rxq_info: { hxdp: 11.1, x86: 34.1 }, tx_ip_tunnel: { hxdp: 2.5, x86: 7.1 },
  simple_firewall: { hxdp: 6.53, x86: 7.4 }, l4lb: { hxdp: 2.9, x86: 4.6 },
};

/** Table 3: instructions per cycle, x86 and hXDP. */
export const HXDP_IPC: Readonly<Record<string, { readonly x86: number; readonly hxdp: number }>> = {
  xdp1: { x86: 2.20, hxdp: 1.70 }, xdp2: { x86: 2.19, hxdp: 1.81 }, adjust_tail: { x86: 2.37, hxdp: 2.72 },
  router_ipv4: { x86: 2.38, hxdp: 2.38 }, rxq_info: { x86: 2.81, hxdp: 1.76 }, tx_ip_tunnel: { x86: 2.24, hxdp: 2.83 },
  simple_firewall: { x86: 2.16, hxdp: 2.66 }, l4lb: { x86: 2.32, hxdp: 2.62 },
};

/** Forwarding latency of simple_firewall, round trip, µs: x86 @3.7 GHz, Netronome NFP-4000, hXDP. */
export const HXDP_LATENCY_US: readonly { readonly bytes: number; readonly x86: number; readonly nfp: number; readonly hxdp: number }[] = [
  { bytes: 64, x86: 12.1, nfp: 4.9, hxdp: 1.25 }, { bytes: 256, x86: 14.4, nfp: 5.1, hxdp: 1.65 },
  { bytes: 512, x86: 28.6, nfp: 5.1, hxdp: 2.3 }, { bytes: 1518, x86: 51.1, nfp: 5.25, hxdp: 4.85 },
];

/** Resources on a Virtex-7 XC7VX690T: the Sephirot core (4 lanes) and the whole hXDP. */
export const HXDP_RESOURCES = {
  core: { luts: 27_000, ffs: 4_000 },
  whole: { luts: 42_000, ffs: 18_000, brams: 50 },
  device: { luts: 433_200, ffs: 866_400, brams: 1_470 },
  lanes: 4,
} as const;

/** The command that writes a synthesis JSON the report reads (another issue's `verilog --synth`). */
export const SYNTH_COMMAND = 'xdp2hw verilog programs/xdp1/xdp1.o --out /tmp/xdp1-4 --lanes 4 --synth --json > synth-4.json';

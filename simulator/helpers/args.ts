// Reading helper arguments (r1-r5) and writing the result (r0): map handles, bounded memory
// spans, integers of the widths the kernel's helper prototypes declare.

import type { Machine } from '../machine/index.js';
import type { BpfMap } from '../maps/types.js';
import type { XdpEnv } from './env.js';

export const u32Arg = (m: Machine, r: number): number => m.L[r] >>> 0;
export const s32Arg = (m: Machine, r: number): number => m.L[r];

/** A u64 argument that the helper compares against small flag sets: values of 2^32 and more give -1. */
export const flagsArg = (m: Machine, r: number): number => (m.H[r] === 0 ? m.L[r] >>> 0 : -1);

/** r0 = v (a JS integer; negative numbers as the kernel's negative errno in 64 bits). */
export function ret(m: Machine, v: number): void {
  m.setNum(0, v);
}

/** The map an argument register points to (an lddw of a map), or undefined after a trap. */
export function mapArg(m: Machine, h: XdpEnv, r: number, helper: string, pc: number): { map: BpfMap; index: number } | undefined {
  const index = h.mapOf(m.H[r]);
  if (index === undefined) {
    m.fail('bad-call', `${helper}: r${r} does not point to a map`, pc);
    return undefined;
  }
  return { map: h.maps.maps[index], index };
}

/** `size` bytes at the pointer in register r, checked against its region; undefined after a trap. */
export function memArg(m: Machine, r: number, size: number, write: boolean, helper: string, pc: number): Uint8Array | undefined {
  const s = m.mem.span(m.H[r], m.L[r], size, write);
  if (!s) {
    m.fail(m.mem.faultKind, `${helper}: argument r${r}: ${m.mem.faultMessage}`, pc);
    return undefined;
  }
  return s.buf.subarray(s.at, s.at + size);
}

// Whether a memory access cannot trap, as the pointer domain proves it: bytes [off, off + size)
// from a register holding v, in state s. The packet within the proven minimum length, the frame
// (r10 - 512 .. r10 - 1), a null-checked map value within the map's value size.

import { FRAME } from './state.js';
import type { AState } from './state.js';
import type { AVal } from './values.js';

/** Why the access cannot trap, or undefined when the domain cannot prove it. */
export function safeAccess(s: AState, v: AVal, off: number, size: number): string | undefined {
  switch (v.k) {
    case 'pkt':
      return v.lo + off >= 0 && v.hi + off + size <= s.minLen ? `data + [${v.lo + off}, ${v.hi + off + size}) lies inside the proven packet length ${s.minLen}` : undefined;
    case 'fp':
      return v.off + off >= -FRAME && v.off + off + size <= 0 ? `r10${v.off + off}..r10${v.off + off + size - 1} lies inside the frame` : undefined;
    case 'mapval':
      return !v.nullable && v.size > 0 && off >= 0 && off + size <= v.size ? `bytes ${off}..${off + size - 1} lie inside a null-checked map value of ${v.size} bytes` : undefined;
    default:
      return undefined;
  }
}

/** An absolute placement of [off, off + size) for overlap tests: region and start, or undefined when it cannot be placed exactly. */
export function place(v: AVal, off: number): { region: 'pkt' | 'fp' | 'mapval'; at: number } | undefined {
  if (v.k === 'pkt' && v.lo === v.hi) return { region: 'pkt', at: v.lo + off };
  if (v.k === 'fp') return { region: 'fp', at: v.off + off };
  if (v.k === 'mapval') return { region: 'mapval', at: off };
  return undefined;
}

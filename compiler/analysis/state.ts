// The abstract machine state of absint.ts at one program point: registers, the proven minimum
// packet length, spilled values and known-zero bytes of the frame. Join, clone, equality and
// the invalidations helpers cause; no transfer functions (transfer.ts) and no fixpoint (absint.ts).

import { joinVal, eqVal, TOP } from './values.js';
import type { AVal } from './values.js';

/** Bytes of one frame. */
export const FRAME = 512;
/** lenFrom when the minimum length is the minimum frame the NIC delivers. */
export const FROM_FRAME = -1;
/** lenFrom when nothing is known (length 0). */
export const FROM_NOTHING = -2;
/** A frame byte whose value is not known. */
export const UNKNOWN = -1;

/** The little-endian bytes of the low `size` bytes of v (a 64-bit two's-complement integer). */
export function bytesOf(v: bigint, size: number): number[] {
  const u = BigInt.asUintN(64, v);
  return Array.from({ length: size }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn));
}

/** The frame bytes [off, off + size) when all are known, else undefined. */
export function knownBytes(s: AState, off: number, size: number): number[] | undefined {
  if (off < -FRAME || off + size > 0) return undefined;
  const out = Array.from(s.bytes.subarray(FRAME + off, FRAME + off + size));
  return out.every((b) => b !== UNKNOWN) ? out : undefined;
}

export interface AState {
  readonly regs: AVal[];
  /** data_end - data ≥ minLen for the current packet */
  minLen: number;
  /** the pc of the check that proved minLen (FROM_FRAME, FROM_NOTHING) */
  lenFrom: number;
  /** 8-byte spills of the frame, by offset from r10 */
  readonly stack: Map<number, AVal>;
  /** bytes[FRAME + off]: the value (0-255) of the byte at r10 + off when known, else UNKNOWN;
   * shared between states (copy on write: whoever changes it puts a copy in place first) */
  bytes: Int16Array;
}

export function cloneState(s: AState): AState {
  return { regs: [...s.regs], minLen: s.minLen, lenFrom: s.lenFrom, stack: new Map(s.stack), bytes: s.bytes };
}

export function sameState(a: AState, b: AState): boolean {
  if (a.minLen !== b.minLen || a.stack.size !== b.stack.size) return false;
  for (let r = 0; r < a.regs.length; r++) if (!eqVal(a.regs[r], b.regs[r])) return false;
  for (const [off, v] of a.stack) {
    const w = b.stack.get(off);
    if (!w || !eqVal(v, w)) return false;
  }
  if (a.bytes !== b.bytes) for (let i = 0; i < FRAME; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** a ⊔ b (a new state); `widen` sends ranges that still grow to TOP. */
export function joinState(a: AState, b: AState, widen: boolean): AState {
  const regs = a.regs.map((v, r) => joinVal(v, b.regs[r], widen));
  const stack = new Map<number, AVal>();
  for (const [off, v] of a.stack) {
    const w = b.stack.get(off);
    if (w) {
      const j = joinVal(v, w, widen);
      if (j.k !== 'top') stack.set(off, j);
    }
  }
  let bytes = a.bytes;
  if (a.bytes !== b.bytes) {
    bytes = a.bytes.slice();
    for (let i = 0; i < FRAME; i++) if (bytes[i] !== b.bytes[i]) bytes[i] = UNKNOWN;
  }
  const minLen = Math.min(a.minLen, b.minLen);
  const lenFrom = a.minLen <= b.minLen ? a.lenFrom : b.lenFrom;
  return { regs, minLen, lenFrom, stack, bytes };
}

/** Forget what the frame held at [off, off + size) (size undefined: the whole frame). */
export function clobberStack(s: AState, off?: number, size?: number): void {
  if (off === undefined || size === undefined) {
    s.stack.clear();
    s.bytes = new Int16Array(FRAME).fill(UNKNOWN);
    return;
  }
  for (const k of [...s.stack.keys()]) if (k < off + size && off < k + 8) s.stack.delete(k);
  s.bytes = s.bytes.slice();
  for (let i = Math.max(0, FRAME + off); i < Math.min(FRAME, FRAME + off + size); i++) s.bytes[i] = UNKNOWN;
}

/** A helper moved or resized the packet: every packet pointer is stale and nothing is known of its length. */
export function clobberPacket(s: AState): void {
  const stale = (v: AVal) => v.k === 'pkt' || v.k === 'end';
  s.regs.forEach((v, r) => {
    if (stale(v)) s.regs[r] = TOP;
  });
  for (const [k, v] of s.stack) if (stale(v)) s.stack.delete(k);
  s.minLen = 0;
  s.lenFrom = FROM_NOTHING;
}

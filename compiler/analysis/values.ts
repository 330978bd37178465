// The abstract values of the pointer-and-scalar domain (absint.ts): what a register may hold, their
// join, and the ALU on them. Sound over-approximations only; no control flow, no memory here.

import type { AluOp } from '../../isa/index.js';

/** Scalars are tracked as unsigned ranges below this bound (exact in a double); beyond: unknown. */
export const MAX_NUM = 2 ** 52;

export type AVal =
  /** anything */
  | { readonly k: 'top' }
  /** the xdp_md context pointer */
  | { readonly k: 'ctx' }
  /** data + off, off in [lo, hi], in the current packet (no packet-resizing helper since `data` was read) */
  | { readonly k: 'pkt'; readonly lo: number; readonly hi: number }
  /** data_end of the current packet */
  | { readonly k: 'end' }
  /** r10 + off in the current function's frame */
  | { readonly k: 'fp'; readonly off: number }
  /** an unsigned 64-bit scalar in [lo, hi] */
  | { readonly k: 'num'; readonly lo: number; readonly hi: number }
  /** a map value pointer from map_lookup_elem: maybe null until a null check passes; `size` bytes (0: unknown); `id` the lookup that made it (0: several) */
  | { readonly k: 'mapval'; readonly nullable: boolean; readonly size: number; readonly id: number }
  /** a map itself (lddw of a map reference), index into the object's maps */
  | { readonly k: 'map'; readonly map: number };

export const TOP: AVal = { k: 'top' };
export const num = (lo: number, hi = lo): AVal => (lo < 0 || hi >= MAX_NUM || lo > hi ? TOP : { k: 'num', lo, hi });
export const U32: AVal = num(0, 2 ** 32 - 1);

/** The constant a value is, when the domain knows it exactly. */
export function constOf(v: AVal): number | undefined {
  return v.k === 'num' && v.lo === v.hi ? v.lo : undefined;
}

export function eqVal(a: AVal, b: AVal): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'pkt': case 'num': return a.lo === (b as typeof a).lo && a.hi === (b as typeof a).hi;
    case 'fp': return a.off === (b as typeof a).off;
    case 'mapval': return a.nullable === (b as typeof a).nullable && a.size === (b as typeof a).size && a.id === (b as typeof a).id;
    case 'map': return a.map === (b as typeof a).map;
    default: return true;
  }
}

/** Least upper bound; `widen` sends growing ranges to TOP (loops terminate). */
export function joinVal(a: AVal, b: AVal, widen: boolean): AVal {
  if (eqVal(a, b)) return a;
  if (a.k === 'num' && b.k === 'num') return widen ? TOP : num(Math.min(a.lo, b.lo), Math.max(a.hi, b.hi));
  if (a.k === 'pkt' && b.k === 'pkt') return widen ? TOP : { k: 'pkt', lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
  if (a.k === 'mapval' && b.k === 'mapval') return { k: 'mapval', nullable: a.nullable || b.nullable, size: Math.min(a.size, b.size), id: a.id === b.id ? a.id : 0 };
  return TOP;
}

/** The value of a 32-bit immediate as a 64-bit operand (sign-extended), or as a 32-bit one. */
export function immVal(imm: number, width: 32 | 64): AVal {
  return width === 64 ? num(imm) : num(imm >>> 0);
}

const pow2 = (b: number) => 2 ** b;

/** dst op src on 64 bits (the eBPF ALU64 class). */
export function alu64(op: AluOp, a: AVal, b: AVal): AVal {
  if (op === 'mov') return b;
  if (op === 'add') return add(a, b);
  if (op === 'sub') return sub(a, b);
  // whatever a is: a mask bounds the result, a right shift by c leaves 64 - c bits
  const c = constOf(b);
  if (c !== undefined && a.k !== 'num' && op === 'and') return num(0, c);
  if (c !== undefined && a.k !== 'num' && op === 'rsh' && c >= 12 && c < 64) return num(0, 2 ** (64 - c) - 1);
  if (a.k !== 'num' || b.k !== 'num') return TOP;
  return numOp(op, a, b);
}

function add(a: AVal, b: AVal): AVal {
  if (a.k === 'num' && b.k === 'num') return num(a.lo + b.lo, a.hi + b.hi);
  if (a.k === 'num' && b.k !== 'num') return add(b, a);
  if (b.k !== 'num') return TOP;
  if (a.k === 'pkt') return a.hi + b.hi < 0xffff ? { k: 'pkt', lo: a.lo + b.lo, hi: a.hi + b.hi } : TOP;
  if (a.k === 'fp' && b.lo === b.hi) return { k: 'fp', off: a.off + b.lo };
  return TOP;
}

function sub(a: AVal, b: AVal): AVal {
  if (a.k === 'num' && b.k === 'num') return num(a.lo - b.hi, a.hi - b.lo);
  if (a.k === 'pkt' && b.k === 'num') return a.lo - b.hi >= 0 ? { k: 'pkt', lo: a.lo - b.hi, hi: a.hi - b.lo } : TOP;
  if (a.k === 'fp' && b.k === 'num' && b.lo === b.hi) return { k: 'fp', off: a.off - b.lo };
  return TOP;
}

/** Bits needed for every value up to hi. */
const bitsOf = (hi: number) => (hi === 0 ? 0 : Math.floor(Math.log2(hi)) + 1);

function numOp(op: AluOp, a: { lo: number; hi: number }, b: { lo: number; hi: number }): AVal {
  const c = b.lo === b.hi ? b.lo : undefined;
  switch (op) {
    case 'mul': return num(a.lo * b.lo, a.hi * b.hi);
    case 'div': return b.lo > 0 ? num(Math.floor(a.lo / b.hi), Math.floor(a.hi / b.lo)) : num(0, a.hi);
    case 'mod': return b.lo > 0 ? num(0, Math.min(a.hi, b.hi - 1)) : num(0, a.hi);
    case 'and': return num(a.lo === a.hi && c !== undefined && c < 2 ** 31 ? Number(BigInt(a.lo) & BigInt(c)) : 0, Math.min(a.hi, b.hi));
    case 'or': case 'xor': {
      if (a.lo === a.hi && c !== undefined) return num(Number(op === 'or' ? BigInt(a.lo) | BigInt(c) : BigInt(a.lo) ^ BigInt(c)));
      return num(0, pow2(Math.max(bitsOf(a.hi), bitsOf(b.hi))) - 1);
    }
    case 'lsh': return c !== undefined && c < 64 ? num(a.lo * pow2(c), a.hi * pow2(c)) : TOP;
    case 'rsh': return c !== undefined && c < 64 ? num(Math.floor(a.lo / pow2(c)), Math.floor(a.hi / pow2(c))) : num(0, a.hi);
    case 'arsh': return c !== undefined && c < 64 ? num(Math.floor(a.lo / pow2(c)), Math.floor(a.hi / pow2(c))) : TOP;
    default: return TOP; // neg, sdiv, smod, movsx: signed, left unknown
  }
}

/** dst op src on 32 bits, zero-extended (the eBPF ALU class): exact only when nothing wraps. */
export function alu32(op: AluOp, a: AVal, b: AVal): AVal {
  const lo32 = (v: AVal): AVal => (v.k === 'num' && v.hi < 2 ** 32 ? v : U32);
  if (op === 'mov') return lo32(b);
  const sa = lo32(a), sb = lo32(b);
  // 32-bit shifts take the amount mod 32; arsh sees bit 31 as the sign
  if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && (sb.k !== 'num' || sb.hi >= 32)) return U32;
  if (op === 'arsh' && (sa.k !== 'num' || sa.hi >= 2 ** 31)) return U32;
  const r = alu64(op, sa, sb);
  return r.k === 'num' && r.hi < 2 ** 32 ? r : U32;
}

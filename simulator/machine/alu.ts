// The semantics of ALU, byte-swap and conditional-jump instructions as handler factories, one
// closure template per (operation, width) so each call site stays monomorphic. Registers are
// hi/lo Int32Array words; an immediate operand is a constant slot of the same arrays (the engine
// puts it there: FIRST_CONST in state.ts), so every operand is a register index here. Kernel rules: 32-bit results zero-extend, shift counts are masked,
// x / 0 = 0, x % 0 = x, signed overflow as in the kernel (int64.ts).

import type { AluOp, JmpCond } from '../../isa/index.js';
import { bswap16, bswap32, divmod32, divmod64, mul64hi } from './int64.js';

/** An instruction handler: runs one instruction and returns the next instruction index (< 0: stop). */
export type Handler = () => number;
type Factory = (L: Int32Array, H: Int32Array, d: number, s: number, n: number) => Handler;
type DivOp = 'div' | 'mod' | 'sdiv' | 'smod';

const div64 = (op: DivOp): Factory => (L, H, d, s, n) => () => {
  if (op === 'div' && H[d] === 0 && H[s] === 0 && L[s] !== 0) {
    L[d] = Math.floor((L[d] >>> 0) / (L[s] >>> 0));
    return n;
  }
  const [h, l] = divmod64(op, H[d], L[d], H[s], L[s]);
  H[d] = h;
  L[d] = l;
  return n;
};

const div32 = (op: DivOp): Factory => (L, H, d, s, n) => () => {
  L[d] = divmod32(op, L[d], L[s]);
  H[d] = 0;
  return n;
};

/** 64-bit ALU operations (ALU64 class), except movsx (see MOVSX). */
export const ALU64: Record<Exclude<AluOp, 'movsx'>, Factory> = {
  add: (L, H, d, s, n) => () => {
    const x = (L[d] >>> 0) + (L[s] >>> 0);
    H[d] = H[d] + H[s] + (x > 0xffffffff ? 1 : 0);
    L[d] = x;
    return n;
  },
  sub: (L, H, d, s, n) => () => {
    const x = (L[d] >>> 0) - (L[s] >>> 0);
    H[d] = H[d] - H[s] - (x < 0 ? 1 : 0);
    L[d] = x;
    return n;
  },
  mul: (L, H, d, s, n) => () => {
    const al = L[d], bl = L[s];
    H[d] = mul64hi(H[d], al, H[s], bl);
    L[d] = Math.imul(al, bl);
    return n;
  },
  div: div64('div'),
  sdiv: div64('sdiv'),
  mod: div64('mod'),
  smod: div64('smod'),
  or: (L, H, d, s, n) => () => ((L[d] |= L[s]), (H[d] |= H[s]), n),
  and: (L, H, d, s, n) => () => ((L[d] &= L[s]), (H[d] &= H[s]), n),
  xor: (L, H, d, s, n) => () => ((L[d] ^= L[s]), (H[d] ^= H[s]), n),
  lsh: (L, H, d, s, n) => () => {
    const c = L[s] & 63;
    if (c >= 32) {
      H[d] = L[d] << (c - 32);
      L[d] = 0;
    } else if (c > 0) {
      H[d] = (H[d] << c) | (L[d] >>> (32 - c));
      L[d] = L[d] << c;
    }
    return n;
  },
  rsh: (L, H, d, s, n) => () => {
    const c = L[s] & 63;
    if (c >= 32) {
      L[d] = H[d] >>> (c - 32);
      H[d] = 0;
    } else if (c > 0) {
      L[d] = (L[d] >>> c) | (H[d] << (32 - c));
      H[d] = H[d] >>> c;
    }
    return n;
  },
  arsh: (L, H, d, s, n) => () => {
    const c = L[s] & 63;
    if (c >= 32) {
      L[d] = H[d] >> (c - 32);
      H[d] = H[d] >> 31;
    } else if (c > 0) {
      L[d] = (L[d] >>> c) | (H[d] << (32 - c));
      H[d] = H[d] >> c;
    }
    return n;
  },
  neg: (L, H, d, _s, n) => () => {
    H[d] = ~H[d] + (L[d] === 0 ? 1 : 0);
    L[d] = -L[d];
    return n;
  },
  mov: (L, H, d, s, n) => () => ((L[d] = L[s]), (H[d] = H[s]), n),
};

/** 32-bit ALU operations (ALU class): the result is zero-extended into the high word. */
export const ALU32: Record<Exclude<AluOp, 'movsx'>, Factory> = {
  add: (L, H, d, s, n) => () => ((L[d] = L[d] + L[s]), (H[d] = 0), n),
  sub: (L, H, d, s, n) => () => ((L[d] = L[d] - L[s]), (H[d] = 0), n),
  mul: (L, H, d, s, n) => () => ((L[d] = Math.imul(L[d], L[s])), (H[d] = 0), n),
  div: div32('div'),
  sdiv: div32('sdiv'),
  mod: div32('mod'),
  smod: div32('smod'),
  or: (L, H, d, s, n) => () => ((L[d] |= L[s]), (H[d] = 0), n),
  and: (L, H, d, s, n) => () => ((L[d] &= L[s]), (H[d] = 0), n),
  xor: (L, H, d, s, n) => () => ((L[d] ^= L[s]), (H[d] = 0), n),
  lsh: (L, H, d, s, n) => () => ((L[d] = L[d] << (L[s] & 31)), (H[d] = 0), n),
  rsh: (L, H, d, s, n) => () => ((L[d] = L[d] >>> (L[s] & 31)), (H[d] = 0), n),
  arsh: (L, H, d, s, n) => () => ((L[d] = L[d] >> (L[s] & 31)), (H[d] = 0), n),
  neg: (L, H, d, _s, n) => () => ((L[d] = -L[d]), (H[d] = 0), n),
  mov: (L, H, d, s, n) => () => ((L[d] = L[s]), (H[d] = 0), n),
};

/** movsx: sign-extend the low 8/16/32 bits of src; the 32-bit form then zero-extends. */
export const MOVSX: Record<'64' | '32', Record<8 | 16 | 32, Factory>> = {
  64: {
    8: (L, H, d, s, n) => () => ((L[d] = (L[s] << 24) >> 24), (H[d] = L[d] >> 31), n),
    16: (L, H, d, s, n) => () => ((L[d] = (L[s] << 16) >> 16), (H[d] = L[d] >> 31), n),
    32: (L, H, d, s, n) => () => ((L[d] = L[s]), (H[d] = L[d] >> 31), n),
  },
  32: {
    8: (L, H, d, s, n) => () => ((L[d] = (L[s] << 24) >> 24), (H[d] = 0), n),
    16: (L, H, d, s, n) => () => ((L[d] = (L[s] << 16) >> 16), (H[d] = 0), n),
    32: (L, H, d, s, n) => () => ((L[d] = L[s]), (H[d] = 0), n),
  },
};

type EndFactory = (L: Int32Array, H: Int32Array, d: number, n: number) => Handler;

/** Byte-order conversions on a little-endian machine: le truncates, be and bswap swap. */
export const END: Record<'le' | 'be', Record<16 | 32 | 64, EndFactory>> = {
  le: {
    16: (L, H, d, n) => () => ((L[d] &= 0xffff), (H[d] = 0), n),
    32: (_L, H, d, n) => () => ((H[d] = 0), n),
    64: (_L, _H, _d, n) => () => n,
  },
  be: {
    16: (L, H, d, n) => () => ((L[d] = bswap16(L[d])), (H[d] = 0), n),
    32: (L, H, d, n) => () => ((L[d] = bswap32(L[d])), (H[d] = 0), n),
    64: (L, H, d, n) => () => {
      const t = L[d];
      L[d] = bswap32(H[d]);
      H[d] = bswap32(t);
      return n;
    },
  },
};

type JmpFactory = (L: Int32Array, H: Int32Array, d: number, s: number, t: number, n: number) => Handler;

/** 64-bit conditional jumps: unsigned compares the words unsigned, signed compares hi signed. */
export const JMP64: Record<JmpCond, JmpFactory> = {
  jeq: (L, H, d, s, t, n) => () => (L[d] === L[s] && H[d] === H[s] ? t : n),
  jne: (L, H, d, s, t, n) => () => (L[d] !== L[s] || H[d] !== H[s] ? t : n),
  jset: (L, H, d, s, t, n) => () => ((L[d] & L[s]) !== 0 || (H[d] & H[s]) !== 0 ? t : n),
  jgt: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? (H[d] >>> 0) > (H[s] >>> 0) : (L[d] >>> 0) > (L[s] >>> 0)) ? t : n,
  jge: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? (H[d] >>> 0) > (H[s] >>> 0) : (L[d] >>> 0) >= (L[s] >>> 0)) ? t : n,
  jlt: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? (H[d] >>> 0) < (H[s] >>> 0) : (L[d] >>> 0) < (L[s] >>> 0)) ? t : n,
  jle: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? (H[d] >>> 0) < (H[s] >>> 0) : (L[d] >>> 0) <= (L[s] >>> 0)) ? t : n,
  jsgt: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? H[d] > H[s] : (L[d] >>> 0) > (L[s] >>> 0)) ? t : n,
  jsge: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? H[d] > H[s] : (L[d] >>> 0) >= (L[s] >>> 0)) ? t : n,
  jslt: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? H[d] < H[s] : (L[d] >>> 0) < (L[s] >>> 0)) ? t : n,
  jsle: (L, H, d, s, t, n) => () => (H[d] !== H[s] ? H[d] < H[s] : (L[d] >>> 0) <= (L[s] >>> 0)) ? t : n,
};

/** 32-bit conditional jumps (JMP32 class): only the low words are compared. */
export const JMP32: Record<JmpCond, JmpFactory> = {
  jeq: (L, _H, d, s, t, n) => () => (L[d] === L[s] ? t : n),
  jne: (L, _H, d, s, t, n) => () => (L[d] !== L[s] ? t : n),
  jset: (L, _H, d, s, t, n) => () => ((L[d] & L[s]) !== 0 ? t : n),
  jgt: (L, _H, d, s, t, n) => () => ((L[d] >>> 0) > (L[s] >>> 0) ? t : n),
  jge: (L, _H, d, s, t, n) => () => ((L[d] >>> 0) >= (L[s] >>> 0) ? t : n),
  jlt: (L, _H, d, s, t, n) => () => ((L[d] >>> 0) < (L[s] >>> 0) ? t : n),
  jle: (L, _H, d, s, t, n) => () => ((L[d] >>> 0) <= (L[s] >>> 0) ? t : n),
  jsgt: (L, _H, d, s, t, n) => () => (L[d] > L[s] ? t : n),
  jsge: (L, _H, d, s, t, n) => () => (L[d] >= L[s] ? t : n),
  jslt: (L, _H, d, s, t, n) => () => (L[d] < L[s] ? t : n),
  jsle: (L, _H, d, s, t, n) => () => (L[d] <= L[s] ? t : n),
};

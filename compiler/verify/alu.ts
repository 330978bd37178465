// eBPF arithmetic in bit-vector logic, one function per instruction shape: ALU (64/32-bit, with
// RFC 9669's corner cases), movsx, byte swaps and jump conditions over 64-bit values. Pure: no
// state, no memory, no pointers (exec.ts decides when an operand is a number).

import type { AluOp, JmpCond, Width } from '../../isa/index.js';
import { extractBits, leadingZeros, maskKeeps, maskPieces, orPieces, shiftLeft, shiftRight, zeroExtend } from './pieces.js';
import type { B, BV, Z3 } from './z3.js';

/** A 64-bit constant (a number is taken as signed 32 and sign-extended, as an imm is). */
export function bv64(Z: Z3, v: number | bigint): BV {
  const n = typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt(v | 0));
  return Z.BitVec.val(n, 64);
}


/** What is known of a value beyond its form: how many of its top bits are zero (ranges.ts). */
export type Known = (x: BV) => number;

/**
 * x >> k (logical), for a constant k; where x is y << k and y's top k bits are zero (by its form
 * or its range), y itself: shifting left and back gives the value unchanged.
 */
function unshift(Z: Z3, x: BV, k: number, known?: Known): BV | undefined {
  const r = shiftRight(Z, x, k);
  if (!r || !Z.isApp(r) || r.decl().kind() !== ZERO_EXT) return r;
  const inner = r.arg(0) as BV;
  if (!Z.isApp(inner) || inner.decl().kind() !== EXTRACT) return r;
  const y = inner.arg(0) as BV;
  const [hi, lo] = inner.params() as number[];
  return lo === 0 && y.size() === x.size() && hi === x.size() - 1 - k && leadingZeros(Z, y, 0, known) >= k ? y : r;
}

/** Z3_OP_ZERO_EXT, Z3_OP_EXTRACT */
const ZERO_EXT = 1058, EXTRACT = 1059;
/** operations whose low 32 bits depend only on the operands' low 32 bits */
const RING = new Set<AluOp>(['add', 'sub', 'mul', 'and', 'or', 'xor', 'mov', 'neg']);

/** x / 0 = 0 and x % 0 = x (RFC 9669); sdiv and smod truncate (smod takes the dividend's sign). */
function divmod(Z: Z3, op: 'div' | 'mod' | 'sdiv' | 'smod', a: BV, b: BV, bits: number): BV {
  const zero = Z.BitVec.val(0n, bits);
  const isZero = b.eq(zero);
  switch (op) {
    case 'div': return Z.If(isZero, zero, a.udiv(b));
    case 'sdiv': return Z.If(isZero, zero, a.sdiv(b));
    case 'mod': return Z.If(isZero, a, a.urem(b));
    case 'smod': return Z.If(isZero, a, a.srem(b));
  }
}

/** dst op src at `bits` bits (the operands already cut to that width). */
function op(Z: Z3, o: Exclude<AluOp, 'movsx'>, a: BV, b: BV, bits: number, known?: Known): BV {
  const mask = Z.BitVec.val(BigInt(bits - 1), bits);
  switch (o) {
    case 'add': return a.add(b);
    case 'sub': return a.sub(b);
    case 'mul': return a.mul(b);
    case 'div': case 'mod': case 'sdiv': case 'smod': return divmod(Z, o, a, b, bits);
    case 'or': return orPieces(Z, a, b) ?? a.or(b);
    case 'and': return maskKeeps(Z, a, b, known) ?? maskKeeps(Z, b, a, known) ?? maskPieces(Z, a, b) ?? maskPieces(Z, b, a) ?? a.and(b);
    case 'xor': return a.xor(b);
    case 'lsh': return (Z.isBitVecVal(b) && shiftLeft(Z, a, Number(b.value() & BigInt(bits - 1)))) || a.shl(b.and(mask));
    case 'rsh': return (Z.isBitVecVal(b) && unshift(Z, a, Number(b.value() & BigInt(bits - 1)), known)) || a.lshr(b.and(mask));
    case 'arsh': return a.shr(b.and(mask));
    case 'neg': return a.neg();
    case 'mov': return b;
  }
}

/** The result of an ALU instruction on 64-bit values: 32-bit forms work on the low words and zero-extend. */
export function alu(Z: Z3, o: AluOp, width: Width, dst: BV, src: BV, extBits?: 8 | 16 | 32, known?: Known): BV {
  if (o === 'movsx') {
    const bits = extBits ?? 32;
    const ext = extractBits(Z, src, bits - 1, 0).signExt(64 - bits);
    return width === 64 ? ext : zeroExtend(Z, extractBits(Z, ext, 31, 0), 32);
  }
  if (width === 64) return op(Z, o, dst, src, 64, known);
  // ring operations: the low word of the 64-bit result (equal, and alike to what a 64-bit op
  // followed by a 32-bit truncation gives, as a pass may rewrite one into the other)
  if (RING.has(o)) return zeroExtend(Z, extractBits(Z, op(Z, o, dst, src, 64, known), 31, 0), 32);
  return zeroExtend(Z, op(Z, o, extractBits(Z, dst, 31, 0), extractBits(Z, src, 31, 0), 32, known), 32);
}

/** Reverses the bytes of a value of `bits` bits. */
export function bswap(Z: Z3, x: BV, bits: 16 | 32 | 64): BV {
  const bytes: BV[] = [];
  for (let i = 0; i < bits / 8; i++) bytes.push(extractBits(Z, x, i * 8 + 7, i * 8));
  return Z.Concat(...bytes);
}

/** Byte-order conversion on a little-endian machine: le truncates, be and bswap swap (both zero-extend). */
export function end(Z: Z3, order: 'le' | 'be' | 'bswap', bits: 16 | 32 | 64, x: BV): BV {
  const low = bits === 64 ? x : extractBits(Z, x, bits - 1, 0);
  const r = order === 'le' ? low : bswap(Z, low, bits);
  return bits === 64 ? r : r.zeroExt(64 - bits);
}

/** A jump condition on 64-bit values; JMP32 compares the low words. */
export function cond(Z: Z3, c: JmpCond, width: Width, dst: BV, src: BV, known?: Known): B {
  let a = width === 64 ? dst : extractBits(Z, dst, 31, 0);
  let b = width === 64 ? src : extractBits(Z, src, 31, 0);
  // unsigned comparisons and equality of values whose top bits are zero by their form compare
  // the rest only: a 32-bit and a 64-bit compare of a zero-extended load are one term
  if (!c.startsWith('js') && c !== 'jset') {
    const n = a.size(), k = Math.min(leadingZeros(Z, a, 0, known), leadingZeros(Z, b, 0, known), n - 1);
    if (k > 0) [a, b] = [extractBits(Z, a, n - k - 1, 0), extractBits(Z, b, n - k - 1, 0)];
  }
  switch (c) {
    case 'jeq': return a.eq(b);
    // not-equal as the negation of equal, so that `if a != k` and `if a == k` share their term
    case 'jne': return Z.Not(a.eq(b));
    case 'jset': return Z.Not(a.and(b).eq(Z.BitVec.val(0n, a.size())));
    // one orientation (< and <=), so that `a > b` and `b < a` are one term
    case 'jgt': return b.ult(a);
    case 'jge': return b.ule(a);
    case 'jlt': return a.ult(b);
    case 'jle': return a.ule(b);
    case 'jsgt': return b.slt(a);
    case 'jsge': return b.sle(a);
    case 'jslt': return a.slt(b);
    case 'jsle': return a.sle(b);
  }
}

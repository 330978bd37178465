// 64-bit integer arithmetic on hi/lo Int32 pairs, the register representation of the machine.
// Fast paths in plain numbers; BigInt only for 64-bit division and modulo with wide operands.

export const TWO32 = 4294967296;

/** The high 32 bits (as an unsigned number) of the 64-bit product of two unsigned 32-bit numbers. */
function mulhiU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lolo = a0 * b0, mid1 = a1 * b0, mid2 = a0 * b1;
  const carry = ((lolo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry;
}

/** hi word of the 64-bit product (ah:al) * (bh:bl), as an int32. The lo word is Math.imul(al, bl). */
export function mul64hi(ah: number, al: number, bh: number, bl: number): number {
  return (Math.imul(ah, bl) + Math.imul(al, bh) + mulhiU32(al >>> 0, bl >>> 0)) | 0;
}

export function toBig(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function toBigSigned(hi: number, lo: number): bigint {
  return BigInt.asIntN(64, toBig(hi, lo));
}

/** Splits a BigInt (any sign, taken modulo 2^64) into [hi, lo] int32 words. */
function fromBig(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u >> 32n) | 0, Number(u & 0xffffffffn) | 0];
}

/** [hi, lo] of an integer JS number (negative numbers as two's complement). */
function splitNumber(n: number): [number, number] {
  return [Math.floor(n / TWO32) | 0, n | 0];
}

/**
 * 64-bit division and modulo with the kernel's rules: x / 0 = 0, x % 0 = x, signed INT_MIN / -1 =
 * INT_MIN and INT_MIN % -1 = 0 (C truncation toward zero). Returns [hi, lo].
 */
export function divmod64(op: 'div' | 'mod' | 'sdiv' | 'smod', ah: number, al: number, bh: number, bl: number): [number, number] {
  if (bh === 0 && bl === 0) return op === 'div' || op === 'sdiv' ? [0, 0] : [ah, al];
  if (op === 'div' || op === 'mod') {
    if (ah === 0 && bh === 0) {
      const a = al >>> 0, b = bl >>> 0;
      return [0, (op === 'div' ? Math.floor(a / b) : a % b) | 0];
    }
    const a = toBig(ah, al), b = toBig(bh, bl);
    return fromBig(op === 'div' ? a / b : a % b);
  }
  if (ah === al >> 31 && bh === bl >> 31) {
    // both fit in int32: exact in doubles (INT_MIN / -1 = 2^31 is fine in 64 bits)
    const r = op === 'sdiv' ? Math.trunc(al / bl) : al % bl;
    return splitNumber(r === 0 ? 0 : r);
  }
  const a = toBigSigned(ah, al), b = toBigSigned(bh, bl);
  return fromBig(op === 'sdiv' ? a / b : a % b);
}

/** 32-bit division and modulo (operands int32 words); the result is the low word (hi is then 0). */
export function divmod32(op: 'div' | 'mod' | 'sdiv' | 'smod', a: number, b: number): number {
  if (b === 0) return op === 'div' || op === 'sdiv' ? 0 : a;
  switch (op) {
    case 'div': return Math.floor((a >>> 0) / (b >>> 0)) | 0;
    case 'mod': return ((a >>> 0) % (b >>> 0)) | 0;
    case 'sdiv': return Math.trunc(a / b) | 0;
    case 'smod': return (a % b) | 0;
  }
}

/** Reverses the byte order of a 32-bit word. */
export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

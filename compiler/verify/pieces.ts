// Values as pieces: a bit-vector seen as a concatenation of opaque terms and zero runs (loads are
// concatenations of bytes, zero-extended). A shift by a constant and an `or` of values whose
// non-zero pieces do not overlap are built as the concatenation they equal, in the form a load
// of the combined width takes. So two narrow loads combined by shift and or, and one wide load of
// the same bytes, give the same term, and the solver is left nothing to prove about them.
// Exact rewrites (each result equals the operation on every value); no memory, no state.

import type { BV, Z3 } from './z3.js';

/** Z3's kinds of application (Z3_decl_kind) looked at here. */
const CONCAT = 1056, ZERO_EXT = 1058, EXTRACT = 1059, ITE = 260, BAND = 1049, BOR = 1050;

/** From the most significant end: an opaque term, or `width` zero bits. */
type Piece = { readonly w: number; readonly t?: BV };

function pieces(Z: Z3, x: BV, out: Piece[]): void {
  if (Z.isBitVecVal(x)) {
    if (x.value() === 0n) out.push({ w: x.size() });
    else out.push({ w: x.size(), t: x });
    return;
  }
  if (Z.isApp(x)) {
    const k = x.decl().kind() as number;
    if (k === CONCAT) {
      for (const a of x.children()) pieces(Z, a as BV, out);
      return;
    }
    if (k === ZERO_EXT) {
      const inner = x.arg(0) as BV;
      if (x.size() > inner.size()) out.push({ w: x.size() - inner.size() });
      pieces(Z, inner, out);
      return;
    }
    if (k === EXTRACT) {
      const [hi, lo] = x.params() as number[];
      out.push(...range(Z, x.arg(0) as BV, hi, lo));
      return;
    }
  }
  out.push({ w: x.size(), t: x });
}

/** The pieces of bits [hi, lo] of x (counted from its least significant bit). */
function range(Z: Z3, x: BV, hi: number, lo: number): Piece[] {
  const out: Piece[] = [];
  let top = x.size() - 1;
  for (const p of split(x, Z)) {
    const pLo = top - p.w + 1;
    const a = Math.min(hi, top), b = Math.max(lo, pLo);
    if (a >= b) out.push(cut(p, a - pLo, b - pLo));
    top -= p.w;
  }
  return out;
}

/** Bits [hi, lo] of x: the piece itself where they are one piece (a loaded byte, zeros). */
export function extractBits(Z: Z3, x: BV, hi: number, lo: number): BV {
  if (lo === 0 && hi === x.size() - 1) return x;
  return build(Z, range(Z, x, hi, lo));
}

/** concat(parts), most significant first, in the pieces' form (zero bytes as one zero extension). */
export function concatPieces(Z: Z3, parts: BV[]): BV {
  if (parts.length === 1) return parts[0];
  const ps: Piece[] = [];
  for (const p of parts) pieces(Z, p, ps);
  return build(Z, ps);
}

/** How many of x's top bits are zero by its form (a numeral's, a zero extension's, through and, or, if-then-else). */
export function leadingZeros(Z: Z3, x: BV, depth = 0, known?: (x: BV) => number): number {
  const own = structuralZeros(Z, x, depth);
  return known ? Math.max(own, known(x)) : own;
}

function structuralZeros(Z: Z3, x: BV, depth: number): number {
  if (Z.isBitVecVal(x)) return x.size() - x.value().toString(2).length + (x.value() === 0n ? 1 : 0);
  if (depth > 8) return 0;
  const ps = split(x, Z);
  if (ps.length > 1 || !ps[0].t) {
    // zero pieces at the top, then the leading zeros of the first term
    let n = 0;
    for (const p of ps) {
      if (!p.t) {
        n += p.w;
        continue;
      }
      return n + leadingZeros(Z, p.t, depth + 1);
    }
    return n;
  }
  if (!Z.isApp(x)) return 0;
  const k = x.decl().kind() as number;
  const args = (): BV[] => x.children() as BV[];
  switch (k) {
    case ITE: return Math.min(leadingZeros(Z, x.arg(1) as BV, depth + 1), leadingZeros(Z, x.arg(2) as BV, depth + 1));
    case BAND: return Math.max(...args().map((a) => leadingZeros(Z, a, depth + 1)));
    case BOR: return Math.min(...args().map((a) => leadingZeros(Z, a, depth + 1)));
    case EXTRACT: {
      const [hi, lo] = x.params() as number[];
      const inner = x.arg(0) as BV;
      return lo === 0 ? Math.max(0, leadingZeros(Z, inner, depth + 1) - (inner.size() - 1 - hi)) : 0;
    }
    default: return 0;
  }
}

/** x & mask when the mask keeps every bit x can have set (by its form): x itself; else undefined. */
export function maskKeeps(Z: Z3, x: BV, mask: BV, known?: (x: BV) => number): BV | undefined {
  if (!Z.isBitVecVal(mask)) return undefined;
  const m = mask.value(), n = x.size();
  const ones = m.toString(2).length;
  if (m !== (1n << BigInt(ones)) - 1n) return undefined;
  return leadingZeros(Z, x, 0, known) >= n - ones ? x : undefined;
}

/**
 * x & mask for a constant mask of at most MASK_RUNS runs of ones, as pieces: each run of ones keeps
 * those bits of x, each run of zeros is zero. `(x & 0xfffe0000) >> 17` and a 32-bit `>> 17` of x's
 * low word are then one term (bits 31..17 of x, zero-extended); undefined for other masks.
 */
export function maskPieces(Z: Z3, x: BV, mask: BV): BV | undefined {
  if (!Z.isBitVecVal(mask)) return undefined;
  const n = x.size(), m = mask.value();
  const out: Piece[] = [];
  let runs = 0;
  for (let top = n - 1; top >= 0;) {
    const bit = (m >> BigInt(top)) & 1n;
    let bottom = top;
    while (bottom > 0 && ((m >> BigInt(bottom - 1)) & 1n) === bit) bottom--;
    if (bit) {
      if (++runs > MASK_RUNS) return undefined;
      out.push(...range(Z, x, top, bottom));
    } else out.push({ w: top - bottom + 1 });
    top = bottom - 1;
  }
  return build(Z, out);
}

/** Masks with more runs of ones than this stay an `and` (the concatenation would be long). */
const MASK_RUNS = 2;

/** x zero-extended by k bits, in the pieces' form (a zero extension of a zero extension is one). */
export function zeroExtend(Z: Z3, x: BV, k: number): BV {
  return build(Z, [{ w: k }, ...split(x, Z)]);
}

function split(x: BV, Z: Z3): Piece[] {
  const out: Piece[] = [];
  pieces(Z, x, out);
  return out;
}

/** The piece cut to bits [hi, lo] of itself (counted from its least significant bit). */
function cut(p: Piece, hi: number, lo: number): Piece {
  if (lo === 0 && hi === p.w - 1) return p;
  if (!p.t) return { w: hi - lo + 1 };
  // an extract of an extract is one extract
  const t = p.t;
  if (t.ctx.isBitVecVal(t)) {
    const v = (t.value() >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
    return v === 0n ? { w: hi - lo + 1 } : { w: hi - lo + 1, t: t.ctx.BitVec.val(v, hi - lo + 1) };
  }
  if (t.ctx.isApp(t) && t.decl().kind() === EXTRACT) {
    const low = (t.params() as number[])[1];
    return { w: hi - lo + 1, t: (t.arg(0) as BV).extract(hi + low, lo + low) };
  }
  return { w: hi - lo + 1, t: t.extract(hi, lo) };
}

/** [term, hi, lo] when a piece is bits hi..lo of a term (an extract, or a whole term). */
function bitsOf(p: Piece): [BV, number, number] | undefined {
  const t = p.t;
  if (!t || t.ctx.isBitVecVal(t)) return undefined;
  if (t.ctx.isApp(t) && t.decl().kind() === EXTRACT) {
    const [hi, lo] = t.params() as number[];
    return [t.arg(0) as BV, hi, lo];
  }
  return [t, t.size() - 1, 0];
}

/**
 * Two neighbouring pieces that are adjacent bits of one term, as one piece (the whole term when
 * they cover it): bytes stored and read back, or an extract split and joined, are the term again.
 */
function adjacent(a: Piece, b: Piece): Piece | undefined {
  const x = bitsOf(a), y = bitsOf(b);
  if (!x || !y || x[2] !== y[1] + 1 || !x[0].eqIdentity(y[0])) return undefined;
  const t = x[0], hi = x[1], lo = y[2];
  return { w: a.w + b.w, t: hi === t.size() - 1 && lo === 0 ? t : t.extract(hi, lo) };
}

/** The value again from its pieces, in the form a zero-extended load has (zext of a concatenation). */
function build(Z: Z3, ps: Piece[]): BV {
  const merged: Piece[] = [];
  for (const p of ps) {
    const last = merged[merged.length - 1];
    const joined = last && (!last.t && !p.t ? { w: last.w + p.w } : adjacent(last, p));
    if (joined) merged[merged.length - 1] = joined;
    else merged.push(p);
  }
  const total = merged.reduce((n, p) => n + p.w, 0);
  const lead = merged[0].t ? 0 : merged[0].w;
  const rest = merged.slice(lead ? 1 : 0).map((p) => p.t ?? Z.BitVec.val(0n, p.w));
  if (!rest.length) return Z.BitVec.val(0n, total);
  const body = rest.length === 1 ? rest[0] : Z.Concat(...rest);
  return lead ? body.zeroExt(lead) : body;
}

/** x << k for a constant k below the width, as pieces: the top k bits go, k zero bits come in. */
export function shiftLeft(Z: Z3, x: BV, k: number): BV | undefined {
  const n = x.size();
  if (k <= 0 || k >= n) return undefined;
  const ps = split(x, Z);
  const out: Piece[] = [];
  let drop = k;
  for (const p of ps) {
    if (drop >= p.w) {
      drop -= p.w;
      continue;
    }
    out.push(drop ? cut(p, p.w - 1 - drop, 0) : p);
    drop = 0;
  }
  out.push({ w: k });
  return build(Z, out);
}

/** x >> k (logical) for a constant k below the width, as pieces: k zero bits come in at the top. */
export function shiftRight(Z: Z3, x: BV, k: number): BV | undefined {
  const n = x.size();
  if (k <= 0 || k >= n) return undefined;
  const ps = split(x, Z);
  const out: Piece[] = [{ w: k }];
  let keep = n - k;
  for (const p of ps) {
    if (keep <= 0) break;
    out.push(keep >= p.w ? p : cut(p, p.w - 1, p.w - keep));
    keep -= p.w;
  }
  return build(Z, out);
}

/** a | b when, at every bit, at most one of them has a non-zero piece; else undefined. */
export function orPieces(Z: Z3, a: BV, b: BV): BV | undefined {
  const pa = split(a, Z), pb = split(b, Z);
  if ((pa.length === 1 && pa[0].t) && (pb.length === 1 && pb[0].t)) return undefined;
  const out: Piece[] = [];
  let i = 0, j = 0, usedA = 0, usedB = 0; // bits of pa[i] / pb[j] already consumed (from the top)
  while (i < pa.length && j < pb.length) {
    const x = pa[i], y = pb[j];
    const w = Math.min(x.w - usedA, y.w - usedB);
    const px = cut(x, x.w - 1 - usedA, x.w - usedA - w), py = cut(y, y.w - 1 - usedB, y.w - usedB - w);
    if (px.t && py.t) return undefined;
    out.push(px.t ? px : py);
    usedA += w;
    usedB += w;
    if (usedA === x.w) [i, usedA] = [i + 1, 0];
    if (usedB === y.w) [j, usedB] = [j + 1, 0];
  }
  return build(Z, out);
}

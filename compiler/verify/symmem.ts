// Memories as terms of our own rather than Z3 arrays: an initial array, then stores and
// if-then-else joins. A read pushes through them (select over store = if index equal then value,
// select over ite = ite of selects), so formulas hold bit-vectors and reads of the initial arrays
// only, and constant indexes that differ are skipped without a term. No byte order here.

import type { B, BV, Mem, Z3 } from './z3.js';

/** Z3_OP_BADD */
const BVADD = 1028;

export type SymMem =
  | { readonly k: 'base'; readonly arr: Mem }
  | { readonly k: 'const'; readonly value: BV }
  | { readonly k: 'store'; readonly prev: SymMem; readonly index: BV; readonly value: BV }
  | { readonly k: 'ite'; readonly c: B; readonly a: SymMem; readonly b: SymMem }
  /** a perf event's packet sample: at (event, SAMPLE_AT + j) for j < len, the byte pkt[start + j] */
  | { readonly k: 'sample'; readonly prev: SymMem; readonly event: BV; readonly len: BV; readonly pkt: SymMem; readonly start: BV };

/** where a perf event's packet sample starts in its record (the log is indexed by concat(event:32, offset:32)) */
export const SAMPLE_AT = 1024;

export const baseMem = (arr: Mem): SymMem => ({ k: 'base', arr });
export const constMem = (value: BV): SymMem => ({ k: 'const', value });
export const storeMem = (prev: SymMem, index: BV, value: BV): SymMem => ({ k: 'store', prev, index, value });
export const iteMem = (c: B, a: SymMem, b: SymMem): SymMem => (a === b ? a : { k: 'ite', c, a, b });

/** The value of a constant bit-vector, or undefined. */
export function numeral(Z: Z3, x: BV): bigint | undefined {
  return Z.isBitVecVal(x) ? x.value() : undefined;
}

/** x as (term, constant) with x = term + constant: a constant (no term), term + constant, or x + 0. */
export function affine(Z: Z3, x: BV): [BV | undefined, bigint] {
  const v = numeral(Z, x);
  if (v !== undefined) return [undefined, v];
  if (Z.isApp(x) && x.decl().kind() === BVADD && x.numArgs() === 2) {
    const c = numeral(Z, x.arg(1) as BV);
    if (c !== undefined) return [x.arg(0) as BV, c];
  }
  return [x, 0n];
}

/**
 * a + b, folded when both are constants (so addresses stay constants where they are), and with
 * the constants of both gathered at the end (term + constant), so that one address reached two
 * ways (p + 20, or p + 16 then + 4) is one term.
 */
export function addBV(Z: Z3, a: BV, b: BV): BV {
  const [ta, ca] = affine(Z, a), [tb, cb] = affine(Z, b);
  const n = a.size();
  const c = BigInt.asUintN(n, ca + cb);
  const t = ta && tb ? ta.add(tb) : ta ?? tb;
  if (!t) return Z.BitVec.val(c, n);
  return c === 0n ? t : t.add(Z.BitVec.val(c, n));
}

/** concat(hi, lo), folded when both are constants. */
export function concatBV(Z: Z3, hi: BV, lo: BV): BV {
  const x = numeral(Z, hi), y = numeral(Z, lo);
  if (x === undefined || y === undefined) return Z.Concat(hi, lo);
  return Z.BitVec.val((x << BigInt(lo.size())) | y, hi.size() + lo.size());
}

/** Z3_OP_CONCAT */
const CONCAT = 1056;

/** For concat(..., k) with a constant last part: [its width, k]; else undefined. */
function lowConstant(Z: Z3, x: BV): [number, bigint] | undefined {
  if (!Z.isApp(x) || x.decl().kind() !== CONCAT) return undefined;
  const last = x.arg(x.numArgs() - 1) as BV;
  return Z.isBitVecVal(last) ? [last.size(), last.value()] : undefined;
}

/** mem[i]: each node of the term visited once (joins share their history). */
export function select(Z: Z3, mem: SymMem, i: BV): BV {
  const iv = numeral(Z, i);
  const memo = new Map<SymMem, BV>();
  const low = lowConstant(Z, i);
  const go = (start: SymMem): BV => {
    let n = start;
    // skip stores at other constant indexes, or (map values: concat(key, offset)) at other
    // constant offsets, without building a term
    while (n.k === 'store') {
      if (iv !== undefined) {
        const jv = numeral(Z, n.index);
        if (jv === undefined || jv === iv) break;
      } else {
        const jl = low === undefined ? undefined : lowConstant(Z, n.index);
        if (jl === undefined || jl[0] !== low![0] || jl[1] === low![1]) break;
      }
      n = n.prev;
    }
    const hit = memo.get(n);
    if (hit) return hit;
    let r: BV;
    switch (n.k) {
      case 'base': r = n.arr.select(i) as BV; break;
      case 'const': r = n.value; break;
      case 'store': r = iv !== undefined && numeral(Z, n.index) === iv ? n.value : Z.If(i.eq(n.index), n.value, go(n.prev)); break;
      case 'sample': {
        const o = i.extract(31, 0), j = o.sub(Z.BitVec.val(BigInt(SAMPLE_AT), 32)).zeroExt(32);
        const inside = Z.And(i.extract(63, 32).eq(n.event), o.uge(Z.BitVec.val(BigInt(SAMPLE_AT), 32)), j.ult(n.len));
        r = Z.If(inside, select(Z, n.pkt, addBV(Z, n.start, j)), go(n.prev));
        break;
      }
      case 'ite': {
        const a = go(n.a), b = go(n.b);
        r = a === b || a.eqIdentity(b) ? a : Z.If(n.c, a, b);
        break;
      }
    }
    memo.set(n, r);
    return r;
  };
  return go(mem);
}

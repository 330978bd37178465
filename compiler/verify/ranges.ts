// Conditions the inputs' ranges decide, without the solver: an interval of unsigned values for a
// bit-vector term (constants, the packet length between its minimum and maximum, sums and
// differences that cannot wrap, if-then-else, extensions, masks), and a comparison of two
// terms whose intervals do not overlap decided true or false. Bounds checks that the minimum
// frame makes pass (they are most of clang's) thus leave no term behind, in either program, and
// the two programs' formulas stay alike where a pass removed such a check. Sound because every
// run satisfies the assumptions the intervals come from (env.ts); a term it cannot bound gets
// the full interval and nothing is decided.

import type { B, BV, Z3 } from './z3.js';

/** Z3's kinds of function application (Z3_decl_kind), the ones looked at here. */
const OP = {
  TRUE: 256, FALSE: 257, EQ: 258, ITE: 260, AND: 261, OR: 262, NOT: 265,
  BNUM: 1024, BADD: 1028, BSUB: 1029, ULEQ: 1041, SLEQ: 1042, UGEQ: 1043, SGEQ: 1044, ULT: 1045,
  SLT: 1046, UGT: 1047, SGT: 1048, BAND: 1049, BOR: 1050, CONCAT: 1056, ZERO_EXT: 1058, EXTRACT: 1059, UNINTERPRETED: 49167,
} as const;

type Interval = readonly [bigint, bigint];

/** What the ranges know: the bounds of named inputs (by the id of their constant). */
export class Ranges {
  // by AST id; each entry keeps its term alive, so that Z3 cannot give the id to another term
  private readonly memo = new Map<number, { readonly e: BV; readonly r: Interval }>();
  private readonly decided = new Map<number, { readonly c: B; readonly r: boolean | undefined }>();

  constructor(private readonly Z: Z3, private readonly inputs: ReadonlyMap<number, Interval>) {}

  /** The unsigned interval of a bit-vector term (the full one when nothing better is known). */
  interval(e: BV): Interval {
    const id = e.id();
    const hit = this.memo.get(id);
    if (hit) return hit.r;
    const r = this.compute(e);
    this.memo.set(id, { e, r });
    return r;
  }

  private compute(e: BV): Interval {
    const n = e.size();
    const full: Interval = [0n, (1n << BigInt(n)) - 1n];
    const known = this.inputs.get(e.id());
    if (known) return known;
    if (this.Z.isBitVecVal(e)) return [e.value(), e.value()];
    if (!this.Z.isApp(e)) return full;
    const k = e.decl().kind() as number;
    const arg = (i: number): BV => e.arg(i) as BV;
    switch (k) {
      case OP.BADD: {
        let lo = 0n, hi = 0n;
        for (let i = 0; i < e.numArgs(); i++) {
          const [a, b] = this.interval(arg(i));
          lo += a;
          hi += b;
        }
        return hi <= full[1] ? [lo, hi] : full;
      }
      case OP.BSUB: {
        const [a, b] = [this.interval(arg(0)), this.interval(arg(1))];
        return e.numArgs() === 2 && a[0] >= b[1] ? [a[0] - b[1], a[1] - b[0]] : full;
      }
      case OP.ITE: {
        const c = this.decide(e.arg(0) as B);
        if (c !== undefined) return this.interval(arg(c ? 1 : 2));
        const [a, b] = [this.interval(arg(1)), this.interval(arg(2))];
        return [a[0] < b[0] ? a[0] : b[0], a[1] > b[1] ? a[1] : b[1]];
      }
      case OP.ZERO_EXT:
        return this.interval(arg(0));
      case OP.EXTRACT: {
        const [hiBit, loBit] = e.params() as number[];
        const a = this.interval(arg(0));
        return loBit === 0 && a[1] <= full[1] && hiBit === n - 1 ? a : full;
      }
      case OP.BOR: {
        let lo = 0n, hi = 0n;
        for (let i = 0; i < e.numArgs(); i++) {
          const [a, b] = this.interval(arg(i));
          if (a > lo) lo = a;
          if (b > hi) hi = b;
        }
        return [lo, (1n << BigInt(hi.toString(2).length)) - 1n];
      }
      case OP.CONCAT: {
        let lo = 0n, hi = 0n;
        for (let i = 0; i < e.numArgs(); i++) {
          const x = arg(i), w = BigInt(x.size());
          const [a, b] = this.interval(x);
          lo = (lo << w) | a;
          hi = (hi << w) | b;
        }
        return [lo, hi];
      }
      case OP.BAND: {
        let hi = full[1];
        for (let i = 0; i < e.numArgs(); i++) {
          const b = this.interval(arg(i))[1];
          if (b < hi) hi = b;
        }
        return [0n, hi];
      }
      default:
        return full;
    }
  }

  /** How many top bits of x are zero by its interval. */
  leadingZeros(x: BV): number {
    const hi = this.interval(x)[1];
    return x.size() - (hi === 0n ? 0 : hi.toString(2).length);
  }

  /** true or false when the intervals decide the condition, else undefined. */
  decide(c: B): boolean | undefined {
    const id = c.id();
    const hit = this.decided.get(id);
    if (hit) return hit.r;
    const r = this.decideNew(c);
    this.decided.set(id, { c, r });
    return r;
  }

  private decideNew(c: B): boolean | undefined {
    const Z = this.Z;
    if (Z.isTrue(c)) return true;
    if (Z.isFalse(c)) return false;
    if (!Z.isApp(c)) return undefined;
    const k = c.decl().kind() as number;
    const args = (): B[] => c.children() as B[];
    switch (k) {
      case OP.NOT: {
        const a = this.decide(c.arg(0) as B);
        return a === undefined ? undefined : !a;
      }
      case OP.AND: {
        let all = true;
        for (const a of args()) {
          const d = this.decide(a);
          if (d === false) return false;
          if (d === undefined) all = false;
        }
        return all ? true : undefined;
      }
      case OP.OR: {
        let none = true;
        for (const a of args()) {
          const d = this.decide(a);
          if (d === true) return true;
          if (d === undefined) none = false;
        }
        return none ? false : undefined;
      }
      case OP.EQ: case OP.ULEQ: case OP.ULT: case OP.UGEQ: case OP.UGT: case OP.SLEQ: case OP.SLT: case OP.SGEQ: case OP.SGT: {
        const [x, y] = [c.arg(0), c.arg(1)];
        if (!Z.isBitVec(x) || !Z.isBitVec(y)) return undefined;
        const a = this.interval(x as BV), b = this.interval(y as BV);
        const signed = k === OP.SLEQ || k === OP.SLT || k === OP.SGEQ || k === OP.SGT;
        // signed comparisons agree with unsigned ones on values below the sign bit
        const half = 1n << BigInt((x as BV).size() - 1);
        if (signed && (a[1] >= half || b[1] >= half)) return undefined;
        const lt = a[1] < b[0] ? true : a[0] >= b[1] ? false : undefined; // x < y
        const le = a[1] <= b[0] ? true : a[0] > b[1] ? false : undefined; // x <= y
        const not = (v: boolean | undefined): boolean | undefined => (v === undefined ? undefined : !v);
        switch (k) {
          case OP.EQ: return a[1] < b[0] || b[1] < a[0] ? false : a[0] === a[1] && b[0] === b[1] && a[0] === b[0] ? true : undefined;
          case OP.ULT: case OP.SLT: return lt;
          case OP.ULEQ: case OP.SLEQ: return le;
          case OP.UGT: case OP.SGT: return not(le);
          case OP.UGEQ: case OP.SGEQ: return not(lt);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The condition itself, or the constant the ranges decide it to. */
  fold(c: B): B {
    const d = this.decide(c);
    return d === undefined ? c : this.Z.Bool.val(d);
  }
}

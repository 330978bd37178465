// Facts of a path: the branch conditions its flow condition is made of (State.facts), and the
// conditions they imply without the solver. A packet check `data + k > data_end` not taken leaves
// the fact `data + k <= data_end`; a later check `data + k' > data_end` with k' <= k (same base, no
// wrap) is then decided not taken, and a packet access within [data, data + k) passes its guard;
// a NULL test not taken leaves `not null`, which decides the guard of the accesses through the
// pointer. Both programs then leave no term for checks their paths already made (the compiler
// removes such checks; the original keeps them), so their merge trees collapse alike.
//
// Sound: a fact is a conjunct of the state's flow condition, so it holds on every run the state
// stands for; a condition decided true by facts holds on all of them, and the side of a branch (or
// the guard's failing exit) that is decided away has an unsatisfiable flow condition: no run takes
// it, so dropping it changes no result (docs/VERIFY.md, "Facts of a path").

import { affine } from './symmem.js';
import type { Ranges } from './ranges.js';
import type { B, BV, Z3 } from './z3.js';

/** Z3's kinds of application (Z3_decl_kind) looked at here. */
const OP = { AND: 261, NOT: 265, ULEQ: 1041, UGEQ: 1043, ULT: 1045, UGT: 1047 } as const;

/** The facts a condition adds when it holds (its conjuncts). */
export function factsOf(Z: Z3, c: B): B[] {
  if (Z.isTrue(c) || Z.isFalse(c)) return [];
  if (Z.isApp(c) && c.decl().kind() === OP.AND) return (c.children() as B[]).flatMap((a) => factsOf(Z, a));
  return [c];
}

/** The facts common to two states (at a join: only what holds on both paths). */
export function commonFacts(a: readonly B[], b: readonly B[]): readonly B[] {
  if (a === b) return a;
  const ids = new Set(b.map((f) => f.id()));
  return a.filter((f) => ids.has(f.id()));
}

/** Z3_OP_EXTRACT */
const EXTRACT = 1059;

/**
 * The number a term stands for, as a wider term where the term is the low bits of one whose value
 * fits in them (comparisons of frame positions are made on their low bits, alu.ts cond): the
 * unsigned order of the two is the same.
 */
function whole(Z: Z3, ranges: Ranges, x: BV): BV {
  while (Z.isApp(x) && x.decl().kind() === EXTRACT) {
    const [hi, lo] = x.params() as number[];
    const inner = x.arg(0) as BV;
    if (lo !== 0 || ranges.interval(inner)[1] >= 1n << BigInt(hi + 1)) break;
    x = inner;
  }
  return x;
}

/** `x <= y` (unsigned) as [x, y] when c says so (ule, uge, not ult, not ugt); else undefined. */
function asUle(Z: Z3, ranges: Ranges, c: B): [BV, BV] | undefined {
  const r = asUleRaw(Z, c);
  return r && [whole(Z, ranges, r[0]), whole(Z, ranges, r[1])];
}

function asUleRaw(Z: Z3, c: B): [BV, BV] | undefined {
  if (!Z.isApp(c)) return undefined;
  const k = c.decl().kind() as number;
  if (k === OP.NOT) {
    const d = c.arg(0) as B;
    if (!Z.isApp(d)) return undefined;
    const j = d.decl().kind() as number;
    if (j === OP.ULT) return [d.arg(1) as BV, d.arg(0) as BV]; // not (y < x): x <= y
    if (j === OP.UGT) return [d.arg(0) as BV, d.arg(1) as BV]; // not (x > y): x <= y
    return undefined;
  }
  if (k === OP.ULEQ) return [c.arg(0) as BV, c.arg(1) as BV];
  if (k === OP.UGEQ) return [c.arg(1) as BV, c.arg(0) as BV];
  return undefined;
}

/** x <= x' for every value of their terms: x = t + c1, x' = t + c2, c1 <= c2, t + c2 does not wrap. */
function below(Z: Z3, ranges: Ranges, x: BV, y: BV): boolean {
  if (x.eqIdentity(y)) return true;
  const [tx, cx] = affine(Z, x), [ty, cy] = affine(Z, y);
  if (cx > cy) return false;
  if (!tx && !ty) return true;
  if (!tx || !ty || !tx.eqIdentity(ty)) return false;
  return ranges.interval(tx)[1] + cy < 1n << BigInt(x.size());
}

/** true or false when the facts decide the atom c (no conjunctions), else undefined. */
function decideAtom(Z: Z3, ranges: Ranges, facts: readonly B[], c: B): boolean | undefined {
  const id = c.id();
  for (const f of facts) if (f.id() === id) return true;
  const le = asUle(Z, ranges, c);
  if (le) {
    // x <= y: x is y's base plus no more, or x is no more than a fact's x' <= y
    const [x, y] = le;
    if (below(Z, ranges, x, y)) return true;
    for (const f of facts) {
      const g = asUle(Z, ranges, f);
      if (g && g[1].eqIdentity(y) && below(Z, ranges, x, g[0])) return true;
    }
  }
  // y < x, the negation of x <= y: false where a fact gives x' <= y with x <= x'
  if (Z.isApp(c) && c.decl().kind() === OP.ULT) {
    const [y, x] = [whole(Z, ranges, c.arg(0) as BV), whole(Z, ranges, c.arg(1) as BV)];
    for (const f of facts) {
      const g = asUle(Z, ranges, f);
      if (g && g[1].eqIdentity(y) && below(Z, ranges, x, g[0])) return false;
    }
  }
  return undefined;
}

/** The condition, or the constant the path's facts decide it to (a conjunction: conjunct by conjunct). */
export function foldByFacts(Z: Z3, ranges: Ranges, facts: readonly B[], c: B): B {
  if (!facts.length && !(Z.isApp(c) && c.decl().kind() === OP.AND)) return c;
  if (Z.isTrue(c) || Z.isFalse(c)) return c;
  if (Z.isApp(c) && c.decl().kind() === OP.AND) {
    const rest: B[] = [];
    for (const a of c.children() as B[]) {
      const d = decideAtom(Z, ranges, facts, a) ?? ranges.decide(a);
      if (d === false) return Z.Bool.val(false);
      if (d === undefined) rest.push(a);
    }
    return rest.length === 0 ? Z.Bool.val(true) : rest.length === 1 ? rest[0] : rest.length === c.numArgs() ? c : Z.And(...rest);
  }
  const d = decideAtom(Z, ranges, facts, c);
  return d === undefined ? c : Z.Bool.val(d);
}

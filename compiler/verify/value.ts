// Symbolic register values: a number (64-bit vector), a typed pointer (region + symbolic offset,
// as the kernel verifier types them), a choice of two pointers (paths that disagree on the region
// joined: exec.ts splits the state again where one is used), or `undef` (clobbered by a call, or
// a number and a pointer joined). Merging two values under a path condition; nothing about memory.

import type { B, BV, Z3 } from './z3.js';

/** The memory a pointer points into. Map values carry their key in the pointer. */
export type Region =
  | { readonly kind: 'ctx' }
  | { readonly kind: 'packet' }
  | { readonly kind: 'stack' }
  | { readonly kind: 'value'; readonly map: number }
  | { readonly kind: 'map'; readonly map: number };

export interface NumVal {
  readonly t: 'num';
  readonly v: BV;
}

export interface PtrVal {
  readonly t: 'ptr';
  readonly region: Region;
  /** byte offset in the region (packet: position in the frame; stack: from the frame top, < 0) */
  readonly off: BV;
  /** map values: the key the value belongs to */
  readonly key?: BV;
  /** a map lookup's result: true when it is NULL */
  readonly nul?: B;
}

export interface UndefVal {
  readonly t: 'undef';
  readonly why: string;
}

/** A pointer into one of two regions (paths that disagree joined): `a` where c holds, else `b`. */
export interface ChoiceVal {
  readonly t: 'choice';
  readonly c: B;
  readonly a: PtrVal | ChoiceVal;
  readonly b: PtrVal | ChoiceVal;
}

export type Val = NumVal | PtrVal | ChoiceVal | UndefVal;

export const num = (v: BV): NumVal => ({ t: 'num', v });

export function sameRegion(a: Region, b: Region): boolean {
  if (a.kind !== b.kind) return false;
  return !('map' in a) || a.map === (b as { map: number }).map;
}

export function regionName(r: Region): string {
  return 'map' in r ? `${r.kind === 'map' ? 'map' : 'map value'} #${r.map}` : r.kind;
}

/** ite(c, a, b) on values; pointers into different regions (or a pointer and a number) become undef. */
export function mergeVal(Z: Z3, c: B, a: Val, b: Val): Val {
  if (a === b) return a;
  if (a.t === 'undef') return a;
  if (b.t === 'undef') return b;
  if (a.t === 'num' && b.t === 'num') return a.v.eqIdentity(b.v) ? a : num(Z.If(c, a.v, b.v));
  if (a.t === 'ptr' && b.t === 'ptr' && sameRegion(a.region, b.region)) {
    const key = a.key && b.key ? Z.If(c, a.key, b.key) : undefined;
    const nul = a.nul || b.nul ? Z.If(c, a.nul ?? Z.Bool.val(false), b.nul ?? Z.Bool.val(false)) : undefined;
    return { t: 'ptr', region: a.region, off: a.off.eqIdentity(b.off) ? a.off : Z.If(c, a.off, b.off), key, nul };
  }
  if (a.t !== 'num' && b.t !== 'num') return { t: 'choice', c, a, b };
  return { t: 'undef', why: `a ${describe(a)} on one path and a ${describe(b)} on another` };
}

export function describe(v: Val): string {
  switch (v.t) {
    case 'num': return 'number';
    case 'ptr': return `pointer to ${regionName(v.region)}`;
    case 'choice': return `pointer to ${describe(v.a).slice(11)} or ${describe(v.b).slice(11)}`;
    case 'undef': return `undefined value (${v.why})`;
  }
}

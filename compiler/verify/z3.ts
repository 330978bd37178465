// The one Z3 context of the process (z3-solver, the official WebAssembly build): started on first
// use (about a second), then shared. The types the encoding uses are named here once.

import { init } from 'z3-solver';
import type { BitVec, Bool, Context, FuncDecl, SMTArray, BitVecSort } from 'z3-solver';

export type Z3 = Context<'main'>;
export type BV = BitVec<number, 'main'>;
export type B = Bool<'main'>;
export type Fn = FuncDecl<'main'>;
/** A byte memory: index (any bit width) → byte (key sets use the same type, holding 1-bit values). */
export type Mem = SMTArray<'main', [BitVecSort<number, 'main'>], BitVecSort<number, 'main'>>;

let started: Promise<Z3> | undefined;

/** The process's Z3 context (created once). */
export function z3(): Promise<Z3> {
  started ??= init().then(({ Context: C }) => C('main'));
  return started;
}

// The one Z3 context of the process (z3-solver, the official WebAssembly build): started on first
// use (about a second), then shared. The types the encoding uses are named here once.
//
// Thread safety. z3-solver runs its long calls (simplify, solver check, tactics) on a WebAssembly
// pthread and awaits them, and it releases Z3 objects (Z3_dec_ref and friends) from a
// FinalizationRegistry, whose callbacks run on the main thread whenever the garbage collector
// decides — including while such a call is running. Z3 contexts are not thread-safe, so a release
// racing a running simplify corrupts the context: we saw a ground term simplify to a wrong byte and
// a "memory access out of bounds" in the pthread, both only under load (CI), never alone. The
// fix: while a long call is in flight, releases are queued and run when it returns. The registry
// z3-solver creates at init is built from the gated class below; nothing else changes.

import { init } from 'z3-solver';
import type { BitVec, Bool, Context, FuncDecl, SMTArray, BitVecSort } from 'z3-solver';

export type Z3 = Context<'main'>;
export type BV = BitVec<number, 'main'>;
export type B = Bool<'main'>;
export type Fn = FuncDecl<'main'>;
/** A byte memory: index (any bit width) → byte (key sets use the same type, holding 1-bit values). */
export type Mem = SMTArray<'main', [BitVecSort<number, 'main'>], BitVecSort<number, 'main'>>;

/** Long calls in flight on Z3's pthread, and the releases that waited for them. */
let inFlight = 0;
const deferred: (() => void)[] = [];

function release(callback: () => void): void {
  if (inFlight > 0) deferred.push(callback);
  else callback();
}

function drain(): void {
  while (inFlight === 0 && deferred.length > 0) deferred.shift()?.();
}

/** A FinalizationRegistry whose cleanup callbacks wait while a long Z3 call runs. */
function gatedRegistry(Base: typeof FinalizationRegistry): typeof FinalizationRegistry {
  return class Gated<T> extends Base<T> {
    constructor(cleanup: (held: T) => void) {
      super((held: T) => release(() => cleanup(held)));
    }
  } as typeof FinalizationRegistry;
}

interface Emscripten { async_call: (f: unknown, ...args: unknown[]) => Promise<unknown> }

async function start(): Promise<Z3> {
  const Base = globalThis.FinalizationRegistry;
  globalThis.FinalizationRegistry = gatedRegistry(Base);
  let api: Awaited<ReturnType<typeof init>>;
  try {
    api = await init();
  } finally {
    globalThis.FinalizationRegistry = Base;
  }
  const em = (api as unknown as { em: Emscripten }).em;
  const call = em.async_call.bind(em);
  em.async_call = (f, ...args) => {
    inFlight++;
    let p: Promise<unknown>;
    try {
      p = call(f, ...args);
    } catch (e) {
      inFlight--;
      drain();
      throw e;
    }
    return p.finally(() => {
      inFlight--;
      drain();
    });
  };
  return api.Context('main');
}

let started: Promise<Z3> | undefined;

/** The process's Z3 context (created once). */
export function z3(): Promise<Z3> {
  started ??= start();
  return started;
}

// What every fuzz harness provides: a format name, an arbitrary of mutated inputs (each with a
// label for failure reports) and a check that feeds one input to the code under test.

import fc from 'fast-check';
import { loadBytes } from '../../compiler/loader/index.js';
import { disasmLines } from '../../compiler/loader/print.js';
import { summarize } from '../../compiler/loader/summary.js';
import { UserError } from '../../cli/errors.js';
import { InterpreterSession, RunInputError } from '../../simulator/interpreter/engine.js';
import type { Verdict } from './oracle.js';

export interface FuzzInput<T> {
  /** the seed and the mutations applied, for replay reports */
  readonly label: string;
  readonly value: T;
}

export interface Harness<T = unknown> {
  readonly format: string;
  /** the mutated inputs (seeds load on the first call) */
  inputs(): Promise<fc.Arbitrary<FuzzInput<T>>>;
  /** feeds one input to the code under test and judges the outcome (oracle.ts) */
  check(value: T): Promise<Verdict>;
}

/** Instructions a fuzzed program may run per packet (loops end in a budget trap). */
export const RUN_BUDGET = 20_000;

/** A TCP/IPv4 frame for fuzzed programs to parse. */
const PACKET = Uint8Array.from(Buffer.from(
  '0200000000020200000000010800450000280001000040067cc40a0000010a000002' + '04d20050000000000000000050022000917c0000' + '0000000000000000', 'hex'));

/**
 * What `xdp2hw info`, `disasm` and `run` do with a file's bytes: load, summarize, list every way,
 * then open the interpreter on each program (maps created) and run one packet, as run.ts does.
 */
export function exerciseObject(bytes: Uint8Array, name: string): void {
  const obj = loadBytes(bytes, name);
  summarize(obj);
  disasmLines(obj, { relocs: true });
  disasmLines(obj, { linked: true });
  for (const p of obj.programs.slice(0, 4)) {
    disasmLines(obj, { program: p.name, relocs: true });
    try {
      new InterpreterSession(obj, p.name, undefined, { budget: RUN_BUDGET }).runSync({ packet: PACKET });
    } catch (e) {
      throw e instanceof RunInputError ? new UserError(e.message) : e;
    }
  }
}

/** The fast-check seed of input `index` of a run seeded `seed` (a 32-bit mix, so inputs are independent). */
export function inputSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) | 0;
}

/** Input `index` of a run seeded `seed`: odd indexes unbiased, even ones biased toward small values. */
export function inputAt<T>(arb: fc.Arbitrary<FuzzInput<T>>, seed: number, index: number): FuzzInput<T> {
  return fc.sample(arb, { seed: inputSeed(seed, index), numRuns: 1, unbiased: index % 2 === 1 })[0];
}

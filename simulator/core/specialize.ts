// The core's fast path (no trace): each row's timing and execution specialised into one small
// JavaScript function, built once per session from the same timing tables (timing.ts) and the
// same compiled syllable handlers (simulator/vliw, machine/semantics) the generic loop in
// pipeline.ts runs. The generated code is the generic loop's steps in the same order with the
// row's constants written in: operand interlock, load latencies by region, helper stall, the
// syllables, commit, exit drain, taken-branch flush. It adds no rule of its own; it exists so that
// each syllable's handler is called from its own call site (monomorphic, inlinable) and no table is
// read per row. bench/simulate-digest.ts proves both paths give the same cycles, stalls and results.

import { EXIT } from '../machine/index.js';
import type { Handler, Machine } from '../machine/index.js';
import { FALL } from '../vliw/compile.js';
import type { CompiledRow } from '../vliw/compile.js';
import { Producer, Stall } from './timing.js';
import type { CoreTiming, RowTiming } from './timing.js';

/** Register ready times and producers of the running packet, and its cycle, in one array. */
export const SAME = 0;
export const ANY = 16;
export const LANE = 32;
export const KIND = 48;
/** the current cycle t */
export const T = 64;
export const STATE_SIZE = 65;

/** What a row function updates besides the state array. */
export interface RowSink {
  cycles: number;
  calls: number;
}

/** Runs one row at cycle S[T]: returns the next row, or (run over) EXIT or a trap code with `cycles` set. */
export type RowFn = () => number;

export interface RowEnv {
  readonly m: Machine;
  readonly timing: CoreTiming;
  readonly S: Int32Array;
  readonly stalls: Float64Array;
  readonly issued: Float64Array;
  readonly sink: RowSink;
  readonly mapOf: (hi: number) => number | undefined;
  readonly regionKind: (hi: number) => number;
}

/** The body of row r's function: the generic loop's steps for this row, constants written in. */
function rowSource(r: number, tm: RowTiming, row: CompiledRow, t: CoreTiming): string {
  const out: string[] = ['let t = S[T];'];
  const rd = tm.reads;
  if (rd.length > 0) {
    out.push('let at = t, why = 0, need = 0;');
    for (let k = 0; k < rd.length; k += 2) {
      const reg = rd[k];
      out.push(`need = S[${LANE + reg}] !== ${rd[k + 1]} ? S[${ANY + reg}] : S[${SAME + reg}];`, `if (need > at) { at = need; why = S[${KIND + reg}]; }`);
    }
    out.push('if (at > t) { stalls[why] += at - t; t = at; }');
  }
  const w = tm.writes;
  for (let k = 0, i = 0; k < w.length; k += 5, i++) if (w[k + 2] < 0) out.push(`const ll${i} = loadLatency[regionKind(H[${-1 - w[k + 2]}])];`);
  const helper = tm.helper >= 0;
  if (helper) out.push('sink.calls++;', 'const mi = mapOf(H[1]);', `const hs = ${t.helperCall} + (mi === undefined ? 0 : mapLookup[mi] ?? 0);`);
  const c = row.copies;
  for (let k = 0; k < c.length; k += 2) out.push(`L[${c[k + 1]}] = L[${c[k]}]; H[${c[k + 1]}] = H[${c[k]}];`);
  out.push('let next = FALL, win = 0, out = 0;');
  for (let k = 0; k < row.handlers.length; k++)
    out.push(
      `m.count++; out = h${k}();`,
      `if (out !== FALL) { if (out === EXIT || out >= 0) { if (next === FALL) { next = out; win = ${k}; } } else { sink.cycles = t + 1; return out; } }`,
    );
  for (let k = 0, i = 0; k < w.length; k += 5, i++) {
    const [reg, lane, lat, kind, own] = [w[k], w[k + 1], w[k + 2], w[k + 3], w[k + 4]];
    const ready = `t + ${lat >= 0 ? lat : `ll${i}`}${kind === Producer.HELPER && helper ? ' + hs' : ''}`;
    out.push(`{ const ready = ${ready}; S[${SAME + reg}] = ready; S[${ANY + reg}] = ready + ${own}; S[${LANE + reg}] = ${lane}; S[${KIND + reg}] = ${kind}; }`);
  }
  out.push(`issued[${r}]++;`);
  const early = Array.from(tm.early);
  const drain = (e: number) => `${e === 1 ? t.earlyExit : t.exit}`;
  const exitCycles = early.every((e) => e === early[0]) ? drain(early[0] ?? 0) : `(early[win] === 1 ? ${t.earlyExit} : ${t.exit})`;
  out.push(`if (next === EXIT) { sink.cycles = t + 1 + ${exitCycles}; return EXIT; }`);
  out.push(helper ? `stalls[${Stall.HELPER}] += hs; t += 1 + hs;` : 't += 1;');
  out.push(`if (next !== FALL) { t += ${t.takenBranch}; stalls[${Stall.BRANCH}] += ${t.takenBranch}; S[T] = t; return next; }`, `S[T] = t; return ${r + 1};`);
  return out.join('\n');
}

/** One function per row, over `env`; the handlers are the compiled rows' own. */
export function specializeRows(env: RowEnv, rows: readonly CompiledRow[]): RowFn[] {
  const { m, timing } = env;
  return rows.map((row, r) => {
    const tm = timing.rows[r];
    const names = row.handlers.map((_, k) => `h${k}`);
    const params = ['m', 'L', 'H', 'S', 'T', 'stalls', 'issued', 'sink', 'mapOf', 'regionKind', 'mapLookup', 'loadLatency', 'early', 'FALL', 'EXIT', ...names];
    // built from the timing tables' numbers only (no input text reaches the source)
    const make = new Function(...params, `return function row${r}() {\n${rowSource(r, tm, row, timing)}\n};`) as (...a: unknown[]) => RowFn;
    const handlers: readonly Handler[] = row.handlers;
    return make(m, m.L, m.H, env.S, T, env.stalls, env.issued, env.sink, env.mapOf, env.regionKind, timing.mapLookup, timing.loadLatency, tm.early, FALL, EXIT, ...handlers);
  });
}

// The core's fast path (no trace): each row's timing and execution specialised into one small
// JavaScript function, built once per session from the same timing tables (timing.ts) and the
// same compiled syllable handlers (simulator/vliw, machine/semantics) the generic loop in
// pipeline.ts runs. The generated code is the generic loop's steps in the same order with the
// row's constants written in: operand interlock, load latencies by region, helper stall, the
// syllables, commit, exit drain, taken-branch flush. It adds no rule of its own; it exists so that
// each syllable's handler is called from its own call site (monomorphic, inlinable) and no table is
// read per row. bench/simulate-digest.ts proves both paths give the same cycles, stalls and results.

import { EXIT } from '../machine/index.js';
import type { Machine } from '../machine/index.js';
import { FALL } from '../vliw/compile.js';
import type { CompiledRow } from '../vliw/compile.js';
import { HELPER_ADJUST_TAIL, HELPER_CSUM_DIFF, HELPER_PERF_EVENT_OUTPUT } from '../../isa/index.js';
import { EXTERNAL_REGION, Producer, Stall } from './timing.js';
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

/** Runs from row r (of its chunk) at cycle S[T]: returns the next row, or (run over) EXIT or a trap code with `cycles` set. */
export type RowFn = (r: number) => number;

export interface RowEnv {
  readonly m: Machine;
  readonly timing: CoreTiming;
  readonly S: Int32Array;
  readonly stalls: Float64Array;
  readonly issued: Float64Array;
  readonly sink: RowSink;
  readonly mapOf: (hi: number) => number | undefined;
  readonly regionKind: (hi: number) => number;
  /** cycles of a call (timing.ts callCycles) by the map r1 names and the helper id */
  readonly callCycles: (mi: number | undefined, helperId: number) => number;
  /** cycles of the call priced once it ran (timing.ts lateCycles: an LRU update) */
  readonly lateCycles: () => number;
  /** the helper unit's data cycles of a call (timing.ts helperData on the running packet; r3's high word and r5 for bpf_perf_event_output) */
  readonly helperData: (id: number, r2: number, r4: number, r3hi?: number, r5?: number) => number;
}

/** Rows per generated function: a row falls through into the next one inline within its chunk. */
export const CHUNK_SHIFT = 4;

/** Row r's steps, constants written in; its handlers are h<r>_<k>, its early-exit table e<r>; `t` is the cycle. */
function rowSource(r: number, tm: RowTiming, row: CompiledRow, t: CoreTiming, lastOfChunk: boolean): string {
  const out: string[] = [];
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
  const ext: string[] = [];
  for (let k = 0, i = 0; k < w.length; k += 5, i++) {
    if (w[k + 2] >= 0) continue;
    if (t.externalWait > 0) {
      out.push(`const rk${i} = regionKind(H[${-1 - w[k + 2]}]), ll${i} = loadLatency[rk${i}];`);
      ext.push(`rk${i} === ${EXTERNAL_REGION}`);
    } else out.push(`const ll${i} = loadLatency[regionKind(H[${-1 - w[k + 2]}])];`);
  }
  // a load from external memory: the row waits for its data before it issues
  if (ext.length) out.push(`if (${ext.join(' || ')}) { stalls[${Stall.MEMORY}] += ${t.externalWait}; t += ${t.externalWait}; }`);
  const helper = tm.helper >= 0;
  if (helper) {
    const id = t.helperIds[r];
    const data = id === HELPER_CSUM_DIFF || id === HELPER_ADJUST_TAIL ? ` + helperData(${id}, L[2], L[4])`
      : id === HELPER_PERF_EVENT_OUTPUT ? ` + helperData(${id}, L[2], L[4], H[3], L[5])` : '';
    out.push('sink.calls++;', 'const mi = mapOf(H[1]);', `let hs = (mi === undefined ? ${t.helperCall} : callCycles(mi, ${id}))${data};`);
  }
  const c = row.copies;
  for (let k = 0; k < c.length; k += 2) out.push(`L[${c[k + 1]}] = L[${c[k]}]; H[${c[k + 1]}] = H[${c[k]}];`);
  out.push('let next = FALL, win = 0, out = 0;');
  for (let k = 0; k < row.handlers.length; k++)
    out.push(
      `m.count++; out = h${r}_${k}();`,
      `if (out !== FALL) { if (out === EXIT || out >= 0) { if (next === FALL) { next = out; win = ${k}; } } else { sink.cycles = t + 1; return out; } }`,
    );
  if (helper) out.push('hs += lateCycles();');
  for (let k = 0, i = 0; k < w.length; k += 5, i++) {
    const [reg, lane, lat, kind, own] = [w[k], w[k + 1], w[k + 2], w[k + 3], w[k + 4]];
    const ready = `t + ${lat >= 0 ? lat : `ll${i}`}${kind === Producer.HELPER && helper ? ' + hs' : ''}`;
    out.push(`{ const ready = ${ready}; S[${SAME + reg}] = ready; S[${ANY + reg}] = ready + ${own}; S[${LANE + reg}] = ${lane}; S[${KIND + reg}] = ${kind}; }`);
  }
  out.push(`issued[${r}]++;`);
  const early = Array.from(tm.early);
  const exitCycles = early.every((e) => e === early[0]) ? `${early[0] === 1 ? t.earlyExit : t.exit}` : `(e${r}[win] === 1 ? ${t.earlyExit} : ${t.exit})`;
  out.push(`if (next === EXIT) { sink.cycles = t + 1 + ${exitCycles}; return EXIT; }`);
  out.push(helper ? `stalls[${Stall.HELPER}] += hs; t += 1 + hs;` : 't += 1;');
  out.push(`if (next !== FALL) { t += ${t.takenBranch}; stalls[${Stall.BRANCH}] += ${t.takenBranch}; S[T] = t; return next; }`);
  // falling through: the next row runs here unless the budget is out (the caller then traps on it)
  out.push(lastOfChunk ? `S[T] = t; return ${r + 1};` : `if (m.count >= m.budget) { S[T] = t; return ${r + 1}; }`);
  return out.join('\n');
}

/**
 * The rows as functions of 2^CHUNK_SHIFT rows each (chunk c runs from any of its rows `r` given,
 * falling through inline), over `env`; the handlers are the compiled rows' own.
 */
export function specializeRows(env: RowEnv, rows: readonly CompiledRow[]): RowFn[] {
  const { m, timing } = env;
  const fns: RowFn[] = [];
  const size = 1 << CHUNK_SHIFT;
  for (let first = 0; first < rows.length; first += size) {
    const last = Math.min(rows.length, first + size) - 1;
    const names: string[] = [];
    const values: unknown[] = [];
    const cases: string[] = [];
    for (let r = first; r <= last; r++) {
      const row = rows[r];
      row.handlers.forEach((h, k) => (names.push(`h${r}_${k}`), values.push(h)));
      names.push(`e${r}`);
      values.push(timing.rows[r].early);
      cases.push(`case ${r}: {\n${rowSource(r, timing.rows[r], row, timing, r === last)}\n}`);
    }
    const params = ['m', 'L', 'H', 'S', 'T', 'stalls', 'issued', 'sink', 'mapOf', 'regionKind', 'callCycles', 'lateCycles', 'helperData', 'loadLatency', 'FALL', 'EXIT', ...names];
    const body = `return function rows${first}to${last}(r) {\nlet t = S[T];\nswitch (r) {\n${cases.join('\n')}\n}\nreturn ${rows.length};\n};`;
    // built from the timing tables' numbers only (no input text reaches the source)
    const make = new Function(...params, body) as (...a: unknown[]) => RowFn;
    fns.push(make(m, m.L, m.H, env.S, T, env.stalls, env.issued, env.sink, env.mapOf, env.regionKind, env.callCycles, env.lateCycles, env.helperData, timing.loadLatency, FALL, EXIT, ...values));
  }
  return fns;
}

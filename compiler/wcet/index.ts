// The static worst case of a scheduled program (RowProgram) on one CoreConfig: the longest and the
// shortest path from the entry row to a verdict, in the core's cycles (operand interlocks, helper
// and map-lookup stalls, taken-branch flushes, exit drains: isa/timing.ts's rules, the simulator's),
// the branch decisions and packet class of each, how many paths there are, and the packet rate the
// worst case guarantees. Exact per path (the state of pending results is carried along the path,
// memoised per row and state); a loop makes the bound infinite and is reported, never guessed.
// Tail calls (linked rows, RowProgram.programs): a tail call's row may switch to any linked program
// or fall through; the successful tail calls made so far are carried in the search's state, and
// none succeeds once the core's limit (offload.tailCallDepth, the kernel's 33) is reached, as the
// core counts them: a program that tail-calls itself is walked round to the limit, exactly.

import { externalWait, offloadOf, rowTiming } from '../../isa/index.js';
import type { CoreConfig, MapSpec, RowProgram, RowTiming } from '../../isa/index.js';
import { EXIT_ROW, programOutcomes } from './outcomes.js';
import type { Outcome } from './outcomes.js';
import { exitCycles, rowCycles, shift, startState, stateKey, stepRow } from './step.js';
import type { StepContext, TimingState } from './step.js';
import { describePath } from './describe.js';
import type { PathInfo } from './describe.js';
import { boundLoops } from './loops.js';
import type { LoopBound, LoopEdge } from './loops.js';

export { loopEdges, MAX_BACK_EDGES } from './loops.js';
export type { LoopBound, LoopEdge } from './loops.js';

export type { Decision } from './outcomes.js';
export type { PathInfo } from './describe.js';

export interface WcetOptions {
  /** map types by map index (LoadedObject.maps), for the map-lookup latency of a helper call */
  readonly mapTypes: readonly string[];
  /** the maps (LoadedObject.maps): their sizes bound a hash map's walk (isa/hashmap.ts); without them a call costs the family's mapLookup */
  readonly maps?: readonly MapSpec[];
  /** Gb/s of back-to-back minimum frames (default 40) */
  readonly lineRateGbps?: number;
}

export interface WcetPath extends PathInfo {
  readonly cycles: number;
}

export interface Wcet {
  /** the worst case: cycles of the longest path (first fetch to verdict) */
  readonly cycles: number;
  readonly path: WcetPath;
  readonly best: WcetPath;
  /** entry-to-exit row paths (a count; the bound covers every one) */
  readonly paths: number;
  /** loops bounded by the analysis, each with the most times its latch jumps back per entry */
  readonly loops: readonly LoopBound[];
  /** the most tail calls a run may chain (the core's offload.tailCallDepth); present when the rows link programs */
  readonly tailCallLimit?: number;
  /** successful tail calls on the worst path */
  readonly tailCalls?: number;
  /** every path with its cycles, longest first, when there are at most PER_PATH_LIMIT */
  readonly perPath?: readonly WcetPath[];
  readonly clockMHz: number;
  /** the core alone at the worst case: clock / cycles */
  readonly coreMpps: number;
  readonly lineRateGbps: number;
  /** minimum frames (the core's minFrameBytes plus wire overhead) at the line rate */
  readonly lineMpps: number;
  /** packets per µs the core sustains whatever the traffic: min(core, line) */
  readonly mppsGuaranteed: number;
}

export type WcetResult = { readonly bounded: true; readonly wcet: Wcet } | { readonly bounded: false; readonly loops: readonly LoopEdge[] };

interface Analysis {
  readonly ctx: StepContext;
  readonly rows: RowProgram;
  readonly timing: readonly RowTiming[];
  readonly outcomes: readonly Outcome[][];
  /** bounded back edges by `from>to`: the loop's index and bound */
  readonly backEdges: ReadonlyMap<string, { readonly loop: number; readonly max: number }>;
  /** loops by header row (entering it other than by its back edge starts the count again) */
  readonly headers: ReadonlyMap<number, readonly number[]>;
  /** successful tail calls a run may make (the core's tail-call depth) */
  readonly tailLimit: number;
}

/** Where a walk stands besides its row and timing: each bounded loop's count, and the tail calls made. */
interface Counts {
  readonly loops: readonly number[];
  readonly tails: number;
}

const countsKey = (c: Counts): string => `${c.loops.join(',')}/${c.tails}`;

function prepare(rows: RowProgram, core: CoreConfig, mapTypes: readonly string[], loops: readonly LoopBound[] = [], maps?: readonly MapSpec[]): Analysis {
  const backEdges = new Map(loops.map((l, i) => [`${l.from}>${l.to}`, { loop: i, max: l.backEdges }]));
  const headers = new Map<number, number[]>();
  loops.forEach((l, i) => headers.set(l.to, [...(headers.get(l.to) ?? []), i]));
  return {
    ctx: { core, mapTypes, maps, externalWait: maps ? externalWait(maps, core) : 0 }, rows, timing: rows.rows.map((r) => rowTiming(r, core)),
    outcomes: programOutcomes(rows), backEdges, headers, tailLimit: offloadOf(core).tailCallDepth,
  };
}

/**
 * The counts after outcome o of row r; undefined when it cannot happen: a bounded loop would go
 * round once too often, or a tail call would succeed past the core's limit (there it fails).
 */
function counted(a: Analysis, r: number, o: Outcome, counts: Counts): Counts | undefined {
  const n = o.next;
  let tails = counts.tails;
  if (o.tailCall !== undefined) {
    if (tails >= a.tailLimit) return undefined;
    tails++;
  }
  const loops = countLoops(a, r, n, counts.loops, o.tailCall !== undefined);
  if (!loops) return undefined;
  return loops === counts.loops && tails === counts.tails ? counts : { loops, tails };
}

/** The loop counts after going from row r to row n; undefined when a bounded loop would go round once too often. */
function countLoops(a: Analysis, r: number, n: number, counts: readonly number[], tail: boolean): readonly number[] | undefined {
  if (counts.length === 0) return counts;
  const back = tail ? undefined : a.backEdges.get(`${r}>${n}`);
  if (back) {
    if (counts[back.loop] >= back.max) return undefined;
    const c = [...counts];
    c[back.loop]++;
    return c;
  }
  const entered = a.headers.get(n);
  if (!entered) return counts;
  const c = [...counts];
  for (const l of entered) c[l] = 0;
  return c;
}

interface Best {
  readonly cycles: number;
  /** the outcome index taken at this row, and the key of the state at the next row */
  readonly choice: number;
  readonly nextKey: string;
}

/** Longest (sign 1) or shortest (sign -1) cycles from row r's fetch in state s to the verdict, memoised. */
function extreme(a: Analysis, r: number, s: TimingState, counts: Counts, sign: 1 | -1, memo: Map<string, Best>): number {
  const key = `${r}/${stateKey(s)}/${countsKey(counts)}`;
  const hit = memo.get(key);
  if (hit) return hit.cycles;
  const tm = a.timing[r];
  const step = stepRow(a.ctx, a.rows.rows[r], tm, s);
  let best: Best | undefined;
  a.outcomes[r].forEach((o, i) => {
    let c: number;
    let next: TimingState | undefined;
    let nextCounts: Counts = counts;
    if (o.next === EXIT_ROW) c = exitCycles(a.ctx, step, tm.early[o.handler] === 1);
    else if (o.next >= a.rows.rows.length) return; // falls off the end: the core traps there, no verdict
    else {
      const nc = counted(a, r, o, counts);
      if (!nc) return; // a bounded loop at its last round, or a tail call past the limit
      const d = rowCycles(a.ctx, step, o.taken);
      next = shift(step.committed, d);
      c = d + extreme(a, o.next, next, nc, sign, memo);
      nextCounts = nc;
    }
    if (best === undefined || sign * c > sign * best.cycles) best = { cycles: c, choice: i, nextKey: next ? `${o.next}/${stateKey(next)}/${countsKey(nextCounts)}` : '' };
  });
  const b = best ?? { cycles: sign > 0 ? 0 : Infinity, choice: -1, nextKey: '' };
  memo.set(key, b);
  return b.cycles;
}

/** Replays the memoised choices from the entry: the rows and outcomes of the extreme path. */
function replay(a: Analysis, memo: Map<string, Best>, counts: Counts): { rows: number[]; outcomes: Outcome[] } {
  const rows: number[] = [];
  const outcomes: Outcome[] = [];
  let r = a.rows.entry;
  let key = `${r}/${stateKey(startState())}/${countsKey(counts)}`;
  for (;;) {
    const b = memo.get(key);
    if (!b || b.choice < 0) break;
    const o = a.outcomes[r][b.choice];
    rows.push(r);
    outcomes.push(o);
    if (o.next === EXIT_ROW) break;
    r = o.next;
    key = b.nextKey;
  }
  return { rows, outcomes };
}

/** Entry-to-exit paths over rows (memoised per row and loop counts). */
function countPaths(a: Analysis, counts0: Counts): number {
  const memo = new Map<string, number>();
  const count = (r: number, counts: Counts): number => {
    const key = `${r}/${countsKey(counts)}`;
    const m = memo.get(key);
    if (m !== undefined) return m;
    let n = 0;
    for (const o of a.outcomes[r]) {
      if (o.next === EXIT_ROW) n++;
      else if (o.next < a.rows.rows.length) {
        const nc = counted(a, r, o, counts);
        if (nc) n += count(o.next, nc);
      }
    }
    memo.set(key, n);
    return n;
  };
  return count(a.rows.entry, counts0);
}

/** Paths listed one by one (`perPath`) up to this many. */
export const PER_PATH_LIMIT = 64;

/** Every path from row r in state s with its cycles (the caller bounds how many there are). */
function enumerate(a: Analysis, r: number, s: TimingState, counts: Counts, rows: number[], outs: Outcome[], t: number, out: { cycles: number; rows: number[]; outcomes: Outcome[] }[]): void {
  const tm = a.timing[r];
  const step = stepRow(a.ctx, a.rows.rows[r], tm, s);
  for (const o of a.outcomes[r]) {
    if (o.next === EXIT_ROW) {
      out.push({ cycles: t + exitCycles(a.ctx, step, tm.early[o.handler] === 1), rows: [...rows, r], outcomes: [...outs, o] });
      continue;
    }
    if (o.next >= a.rows.rows.length) continue;
    const nc = counted(a, r, o, counts);
    if (!nc) continue;
    const d = rowCycles(a.ctx, step, o.taken);
    rows.push(r);
    outs.push(o);
    enumerate(a, o.next, shift(step.committed, d), nc, rows, outs, t + d, out);
    rows.pop();
    outs.pop();
  }
}

/** The static worst case (and best case) of a scheduled program on a core. */
export function staticWcet(rows: RowProgram, core: CoreConfig, opts: WcetOptions): WcetResult {
  const { bounded, unbounded } = boundLoops(rows, core, programOutcomes(rows));
  if (unbounded.length > 0) return { bounded: false, loops: unbounded };
  const a = prepare(rows, core, opts.mapTypes, bounded, opts.maps);
  const zero: Counts = { loops: bounded.map(() => 0), tails: 0 };
  const worst = new Map<string, Best>();
  const least = new Map<string, Best>();
  const cycles = extreme(a, rows.entry, startState(), zero, 1, worst);
  const bestCycles = extreme(a, rows.entry, startState(), zero, -1, least);
  const w = replay(a, worst, zero);
  const b = replay(a, least, zero);
  const paths = countPaths(a, zero);
  let perPath: WcetPath[] | undefined;
  if (paths <= PER_PATH_LIMIT) {
    const all: { cycles: number; rows: number[]; outcomes: Outcome[] }[] = [];
    enumerate(a, rows.entry, startState(), zero, [], [], 0, all);
    perPath = all.sort((x, y) => y.cycles - x.cycles).map((p) => ({ cycles: p.cycles, ...describePath(rows, p.rows, p.outcomes) }));
  }
  const line = opts.lineRateGbps ?? 40;
  const wire = core.minFrameBytes + (core.packetPath?.wireOverheadBytes ?? 20);
  const lineMpps = (line * 1000) / (8 * wire);
  const coreMpps = cycles > 0 ? core.clockMHz / cycles : Infinity;
  return {
    bounded: true,
    wcet: {
      cycles, path: { cycles, ...describePath(rows, w.rows, w.outcomes) },
      best: { cycles: bestCycles, ...describePath(rows, b.rows, b.outcomes) },
      paths, loops: bounded, ...(rows.programs ? { tailCallLimit: a.tailLimit, tailCalls: w.outcomes.filter((o) => o.tailCall !== undefined).length } : {}),
      ...(perPath ? { perPath } : {}), clockMHz: core.clockMHz, coreMpps, lineRateGbps: line, lineMpps,
      mppsGuaranteed: Math.min(coreMpps, lineMpps),
    },
  };
}

/**
 * The bound of one concrete path (the rows a packet issued, in order, as the core's trace gives
 * them): the cycles the core takes on it at worst. undefined when the rows are no path of the program.
 */
export function pathCycles(rows: RowProgram, core: CoreConfig, opts: WcetOptions, issued: readonly IssuedRow[]): number | undefined {
  const a = prepare(rows, core, opts.mapTypes, [], opts.maps);
  let s = startState();
  let total = 0;
  for (let i = 0; i < issued.length; i++) {
    const r = issued[i].row;
    if (r < 0 || r >= rows.rows.length) return undefined;
    const tm = a.timing[r];
    const step = stepRow(a.ctx, rows.rows[r], tm, s);
    const next = i + 1 < issued.length ? issued[i + 1].row : EXIT_ROW;
    const o = pickOutcome(a.outcomes[r], next, issued[i].taken);
    if (!o) return undefined;
    if (o.next === EXIT_ROW) return total + exitCycles(a.ctx, step, tm.early[o.handler] === 1);
    const d = rowCycles(a.ctx, step, o.taken);
    total += d;
    s = shift(step.committed, d);
  }
  return undefined;
}

/** The outcome that leads to `next`, taken or falling through (the first: the lowest lane wins). */
function pickOutcome(outs: readonly Outcome[], next: number, taken: boolean): Outcome | undefined {
  return outs.find((o) => o.next === next && (next === EXIT_ROW || o.taken === taken));
}

/** A row a packet issued and whether control left it by a taken jump (the core trace's `taken`). */
export interface IssuedRow {
  readonly row: number;
  readonly taken: boolean;
}

/** The (row, taken) sequence of a path, as one string: equal for packets that took the same path. */
export function pathKey(issued: readonly IssuedRow[]): string {
  return issued.map((x) => `${x.row}${x.taken ? 't' : ''}`).join(',');
}

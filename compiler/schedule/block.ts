// Strategies that place the nodes of one dependence graph (a block or a trace) into rows: in
// order one per row (sequential), list scheduling by critical path (list: hXDP's method), and an
// exact branch and bound within a time limit (optimal). They only choose: the graph (deps.ts)
// says what must stay ordered and the RowTable (resources.ts) what a row can hold.

import { forwardsToOwnLaneOnly } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { isControl } from './deps.js';
import type { DepGraph } from './deps.js';
import { RowTable, unitClass } from './resources.js';
import type { Request } from './resources.js';

export interface Placement {
  readonly row: number;
  readonly lane: number;
}

export interface BlockSchedule {
  readonly place: readonly Placement[];
  readonly rows: number;
  /** optimal: whether the search proved `rows` minimal within its time limit */
  readonly exact?: boolean;
}

/** The row a node may take at the earliest, from its placed predecessors; -1 when one is unplaced. */
function earliest(g: DepGraph, n: number, place: readonly (Placement | undefined)[]): number {
  let at = 0;
  for (const e of g.pred[n]) {
    const p = place[e.from];
    if (!p) return -1;
    at = Math.max(at, p.row + e.latency);
  }
  return at;
}

/** What node n asks of `row`, or undefined when forwarding forbids that row (producers in two lanes just before). */
function request(g: DepGraph, n: number, row: number, place: readonly (Placement | undefined)[], core: CoreConfig): Request | undefined {
  const node = g.nodes[n];
  const insn = node.ir.insn;
  const packetLoad = (insn.kind === 'ldx' || insn.kind === 'ldx6') && node.memReads.some((l) => l.region === 'packet' || l.region === 'any');
  // a lane's store into a map value (atomics and fused memory-adds included); a helper's writes go through its unit
  const mapStore = unitClass(insn) === 'memory' && node.memWrites.some((l) => l.region === 'map' || l.region === 'any');
  let lane: number | undefined;
  if (core.forwarding === 'per-lane')
    for (const e of g.pred[n]) {
      const p = place[e.from];
      if (e.kind !== 'data' || !p || p.row !== row - 1 || !forwardsToOwnLaneOnly(core, g.nodes[e.from].ir.insn)) continue;
      if (lane !== undefined && lane !== p.lane) return undefined;
      lane = p.lane;
    }
  // exits sharing a row: the earlier in a lower lane, since the lowest taken lane wins
  // and a null test fused with its call (a latency-0 data edge, deps.ts) above the call's lane
  let minLane = 0;
  if (isControl(insn))
    for (const e of g.pred[n]) {
      const p = place[e.from];
      if (p && p.row === row && (isControl(g.nodes[e.from].ir.insn) || (e.kind === 'data' && e.latency === 0))) minLane = Math.max(minLane, p.lane + 1);
    }
  return { unit: unitClass(insn), packetLoad, mapStore, lane, minLane };
}

/** Longest latency path from each node to the end of the graph (the list priority and the optimal tail bound). */
export function heights(g: DepGraph): number[] {
  const h = new Array<number>(g.nodes.length).fill(0);
  for (let n = g.nodes.length - 1; n >= 0; n--) for (const e of g.succ[n]) h[n] = Math.max(h[n], e.latency + h[e.to]);
  return h;
}

function finish(table: RowTable, place: (Placement | undefined)[], exact?: boolean): BlockSchedule {
  const rows = place.reduce((m, p) => Math.max(m, p!.row + 1), 0);
  return { place: place as Placement[], rows, ...(exact === undefined ? {} : { exact }) };
}

/** Each node in program order, in the first row after the previous node's that takes it. */
export function sequentialBlock(g: DepGraph, core: CoreConfig): BlockSchedule {
  const table = new RowTable(core);
  const place: (Placement | undefined)[] = new Array(g.nodes.length).fill(undefined);
  let row = 0;
  for (let n = 0; n < g.nodes.length; n++) {
    for (row = Math.max(row, earliest(g, n, place)); ; row++) {
      const req = request(g, n, row, place, core);
      const lane = req && table.lanes(row, req)[0];
      if (req && lane !== undefined) {
        table.reserve(row, lane, n, req);
        place[n] = { row, lane };
        break;
      }
    }
    row++;
  }
  return finish(table, place);
}

/**
 * Of the free lanes, the one least wanted: with per-lane forwarding, a producer in the row before
 * passes its result on only in its own lane, so keep the lanes whose producer still has
 * unplaced data consumers for those consumers.
 */
function pickLane(g: DepGraph, lanes: readonly number[], row: number, place: readonly (Placement | undefined)[], table: RowTable): number | undefined {
  if (lanes.length <= 1 || table.core.forwarding === 'crossbar' || row === 0) return lanes[0];
  let best = lanes[0], bestWant = Infinity;
  for (const l of lanes) {
    const p = table.cells[row - 1]?.[l];
    const want = p === undefined ? 0 : g.succ[p].filter((e) => e.kind === 'data' && !place[e.to]).length;
    if (want < bestWant) [best, bestWant] = [l, want];
  }
  return best;
}

/** Cycle by cycle, ready nodes by height (critical path first), ties in program order. */
export function listBlock(g: DepGraph, core: CoreConfig): BlockSchedule {
  const table = new RowTable(core);
  const h = heights(g);
  const place: (Placement | undefined)[] = new Array(g.nodes.length).fill(undefined);
  let left = g.nodes.length;
  const limit = 16 * g.nodes.length + 64;
  for (let row = 0; left > 0; row++) {
    if (row > limit) throw new Error(`list scheduler made no progress after ${limit} rows`);
    for (let changed = true; changed; ) {
      changed = false;
      const ready: number[] = [];
      for (let n = 0; n < g.nodes.length; n++) {
        if (place[n]) continue;
        const at = earliest(g, n, place);
        if (at >= 0 && at <= row) ready.push(n);
      }
      ready.sort((a, b) => h[b] - h[a] || a - b);
      for (const n of ready) {
        const req = request(g, n, row, place, core);
        const lane = req && pickLane(g, table.lanes(row, req), row, place, table);
        if (!req || lane === undefined) continue;
        table.reserve(row, lane, n, req);
        place[n] = { row, lane };
        left--;
        changed = true;
        break; // readiness changes with every placement (latency-0 edges)
      }
    }
  }
  return finish(table, place);
}

/** A lower bound on rows: the longest path, and each unit's syllables over the lanes that take them. */
function lowerBound(g: DepGraph, core: CoreConfig, h: readonly number[]): number {
  let lb = g.nodes.length > 0 ? Math.max(...h.map((x) => x + 1)) : 0;
  lb = Math.max(lb, Math.ceil(g.nodes.length / core.lanes));
  const count = { branch: 0, earlyExit: 0, memory: 0, helper: 0, alu: 0 };
  for (const n of g.nodes) count[unitClass(n.ir.insn)]++;
  for (const u of ['branch', 'memory', 'helper'] as const) {
    const lanes = core.laneCaps.filter((c) => c[u]).length;
    lb = Math.max(lb, Math.ceil(count[u] / (u === 'helper' ? Math.min(lanes, core.helpersPerRow) : lanes)));
  }
  return lb;
}

/**
 * The fewest rows, by branch and bound: from the lower bound up, a depth-first search placing
 * nodes in program order (a topological order) into rows that leave room for their successors;
 * the list schedule is the fallback. `exact` is false when the time limit cut the search.
 */
export function optimalBlock(g: DepGraph, core: CoreConfig, timeLimitMs: number): BlockSchedule {
  const list = listBlock(g, core);
  const h = heights(g);
  const deadline = Date.now() + timeLimitMs;
  for (let target = lowerBound(g, core, h); target < list.rows; target++) {
    const found = search(g, core, h, target, deadline);
    if (found === 'timeout') return { ...list, exact: false };
    if (found) return { ...found, exact: true };
  }
  return { ...list, exact: true };
}

function search(g: DepGraph, core: CoreConfig, h: readonly number[], target: number, deadline: number): BlockSchedule | undefined | 'timeout' {
  const table = new RowTable(core);
  const place: (Placement | undefined)[] = new Array(g.nodes.length).fill(undefined);
  let steps = 0;
  const dfs = (n: number): boolean | 'timeout' => {
    if (n === g.nodes.length) return true;
    if (++steps % 1024 === 0 && Date.now() > deadline) return 'timeout';
    for (let row = earliest(g, n, place); row + h[n] < target; row++) {
      const req = request(g, n, row, place, core);
      if (!req) continue;
      const tried = new Set<string>();
      for (const lane of table.lanes(row, req)) {
        // with a crossbar, free lanes of equal caps are interchangeable: try one of each
        const key = core.forwarding === 'crossbar' ? JSON.stringify(core.laneCaps[lane]) : String(lane);
        if (tried.has(key)) continue;
        tried.add(key);
        table.reserve(row, lane, n, req);
        place[n] = { row, lane };
        const r = dfs(n + 1);
        if (r) return r;
        place[n] = undefined;
        table.release(row, lane, req);
      }
    }
    return false;
  };
  const r = dfs(0);
  if (r === 'timeout') return 'timeout';
  return r ? finish(table, place) : undefined;
}

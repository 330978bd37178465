// Loop bounds over rows: a back edge is bounded when its loop is a simple counted loop, which is
// what clang keeps of `for (i = C; i < N; i += S)` when it does not unroll: one entry (the header,
// reached from straight-line rows before it or the packet start), one latch jump back on
// `counter <cond> constant`, the counter written once per iteration by `counter += step` on every
// path through the body, and its start value a constant (a mov on the way in, or the zero of a core
// that clears registers). The bound is the number of times the latch can jump back, found by
// running the counter. Anything else is reported unbounded, never guessed.

import { defuse } from '../../isa/index.js';
import type { CoreConfig, JmpCond, RowProgram } from '../../isa/index.js';
import { EXIT_ROW, programOutcomes } from './outcomes.js';
import type { Decision, Outcome } from './outcomes.js';

/** A back edge: the rows of a loop. */
export interface LoopEdge {
  readonly from: number;
  readonly to: number;
  /** the jump that closes the loop (absent for a goto) */
  readonly decision?: Decision;
}

export interface LoopBound extends LoopEdge {
  /** times the latch may jump back per entry into the loop */
  readonly backEdges: number;
  readonly counter: number;
}

/** Back-edge traversals beyond which a loop is not bounded (its paths would not be walked). */
export const MAX_BACK_EDGES = 1024;

/**
 * The back edges reachable from the entry (a depth-first search over rows). With linked programs
 * (tail calls) the search starts at each program's entry row and follows no tail call: a cycle
 * through tail calls is bounded by the core's tail-call limit (index.ts counts them), not a loop;
 * every cycle within one program is still reached from that program's entry.
 */
export function loopEdges(rows: RowProgram, outs: readonly Outcome[][] = programOutcomes(rows)): LoopEdge[] {
  const color = new Uint8Array(rows.rows.length); // 0 new, 1 on the stack, 2 done
  const loops: LoopEdge[] = [];
  const roots = [rows.entry, ...(rows.programs ?? []).map((q) => q.entry)];
  for (const root of roots) {
    if (root >= rows.rows.length || color[root] !== 0) continue;
    const stack: { r: number; k: number }[] = [{ r: root, k: 0 }];
    color[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const o = outs[top.r][top.k++];
      if (o === undefined) {
        color[top.r] = 2;
        stack.pop();
        continue;
      }
      if (o.next === EXIT_ROW || o.next >= rows.rows.length || o.tailCall !== undefined) continue;
      if (color[o.next] === 1) loops.push({ from: top.r, to: o.next, ...(o.taken ? { decision: o.decisions.find((d) => d.taken) } : {}) });
      else if (color[o.next] === 0) {
        color[o.next] = 1;
        stack.push({ r: o.next, k: 0 });
      }
    }
  }
  return loops;
}

const MASK = (1n << 64n) - 1n;

function holds(cond: JmpCond, a: bigint, b: bigint, width: 32 | 64): boolean {
  const m = width === 64 ? MASK : (1n << 32n) - 1n;
  const ua = a & m;
  const ub = b & m;
  const s = (v: bigint) => BigInt.asIntN(width, v);
  switch (cond) {
    case 'jeq': return ua === ub;
    case 'jne': return ua !== ub;
    case 'jgt': return ua > ub;
    case 'jge': return ua >= ub;
    case 'jlt': return ua < ub;
    case 'jle': return ua <= ub;
    case 'jset': return (ua & ub) !== 0n;
    case 'jsgt': return s(ua) > s(ub);
    case 'jsge': return s(ua) >= s(ub);
    case 'jslt': return s(ua) < s(ub);
    case 'jsle': return s(ua) <= s(ub);
  }
}

/** Rows that reach each row, with the outcome. */
function predecessors(outs: readonly Outcome[][]): { from: number; o: Outcome }[][] {
  const preds: { from: number; o: Outcome }[][] = outs.map(() => []);
  outs.forEach((os, r) => os.forEach((o) => {
    if (o.next !== EXIT_ROW && o.next < outs.length) preds[o.next].push({ from: r, o });
  }));
  return preds;
}

/** The counter's value on entry: the last constant written to it on the straight rows before the header. */
function startValue(rows: RowProgram, core: CoreConfig, preds: ReturnType<typeof predecessors>, header: number, latch: number, reg: number): bigint | undefined {
  let r = header;
  for (;;) {
    const into = preds[r].filter((p) => !(r === header && p.from === latch));
    if (r === rows.entry) return into.length === 0 && core.clearsRegisters && reg <= 9 ? 0n : undefined; // the packet start's zero
    if (into.length !== 1 || into[0].from !== r - 1 || into[0].o.taken) return undefined; // a merge: not one constant
    r--;
    for (const s of [...rows.rows[r]].reverse()) {
      if (!s) continue;
      const du = defuse(s.insn);
      if (!du.writes.includes(reg) && !du.clobbers.includes(reg)) continue;
      const i = s.insn;
      return i.kind === 'alu' && i.op === 'mov' && i.dst === reg && i.src.type === 'imm' ? BigInt(i.width === 64 ? i.src.value : i.src.value >>> 0) : undefined;
    }
  }
}

/** The bound of one back edge, or undefined when the loop is not a simple counted loop. */
function bound(rows: RowProgram, core: CoreConfig, outs: readonly Outcome[][], preds: ReturnType<typeof predecessors>, e: LoopEdge): LoopBound | undefined {
  const T = e.to;
  const F = e.from;
  const j = e.decision?.syllable.insn;
  if (!j || j.kind !== 'jmp' || j.src.type !== 'imm' || T > F) return undefined;
  const reg = j.dst;
  // one entry: the header from the row before it (falling through) and the latch; no side entries
  for (const p of preds[T]) if (!(p.from === T - 1 && !p.o.taken) && !(p.from === F && p.o === outs[F].find((o) => o.next === T && o.taken))) return undefined;
  for (let r = T + 1; r <= F; r++) for (const p of preds[r]) if (p.from < T || p.from > F) return undefined;
  // the counter: written once in the body, by += a constant
  let inc: { row: number; step: bigint; width: 32 | 64 } | undefined;
  for (let r = T; r <= F; r++)
    for (const s of rows.rows[r]) {
      if (!s) continue;
      const du = defuse(s.insn);
      if (!du.writes.includes(reg) && !du.clobbers.includes(reg)) continue;
      const i = s.insn;
      const add = i.kind === 'alu' && i.op === 'add' && i.dst === reg && i.src.type === 'imm' ? { step: BigInt(i.src.value), width: i.width } : undefined;
      if (!add || inc) return undefined;
      inc = { row: r, ...add };
    }
  if (!inc || inc.step === 0n) return undefined;
  // every iteration passes the increment: no jump from before it to after it within the body
  for (let r = T; r < inc.row; r++) for (const o of outs[r]) if (o.taken && o.next > inc.row && o.next <= F) return undefined;
  const start = startValue(rows, core, preds, T, F, reg);
  if (start === undefined) return undefined;
  const k = BigInt(j.src.value);
  const after = inc.row < F; // the latch reads the counter after this iteration's increment (same row: before)
  let v = start;
  for (let n = 0; n <= MAX_BACK_EDGES; n++) {
    const next = (v + inc.step) & MASK;
    if (!holds(j.cond, after ? next : v, k, j.width)) return { ...e, backEdges: n, counter: reg };
    v = inc.width === 32 ? next & 0xffffffffn : next;
  }
  return undefined;
}

/** Each back edge reachable from the entry, bounded or not. */
export function boundLoops(rows: RowProgram, core: CoreConfig, outs: readonly Outcome[][]): { bounded: LoopBound[]; unbounded: LoopEdge[] } {
  const edges = loopEdges(rows, outs);
  const preds = predecessors(outs);
  const bounded: LoopBound[] = [];
  const unbounded: LoopEdge[] = [];
  for (const e of edges) {
    const b = bound(rows, core, outs, preds, e);
    if (b) bounded.push(b);
    else unbounded.push(e);
  }
  return { bounded, unbounded };
}

// Abstract interpretation of the IR in the pointer-and-scalar domain (values.ts, state.ts,
// transfer.ts): a forward worklist fixpoint per function, then the state before every
// instruction. Proves facts; decides nothing (obligations.ts asks, passes act).

import { FP } from '../../isa/index.js';
import type { IrBlock, IrFunction, IrInsn, IrProgram, Label } from '../ir/index.js';
import { successors } from '../ir/index.js';
import { cloneState, FROM_FRAME, FROM_NOTHING, FRAME, joinState, sameState, UNKNOWN } from './state.js';
import type { AState } from './state.js';
import { refine, transfer, transferContext } from './transfer.js';
import type { MapSizes, TransferContext } from './transfer.js';
import { num, TOP } from './values.js';

export interface AbsintOptions {
  /** the shortest packet the core is given (the NIC drops shorter frames) */
  readonly minFrame: number;
  /** the core zeroes the stack at every packet start */
  readonly clearsStack: boolean;
  /** the core zeroes r0-r9 at every packet start */
  readonly clearsRegisters: boolean;
  /** key and value sizes of each map of the object (index as in MapRef.map), when known */
  readonly maps?: readonly MapSizes[];
}

export interface Absint {
  /** the state before each instruction; absent for unreachable ones */
  readonly before: ReadonlyMap<IrInsn, AState>;
  /** labels of blocks no path reaches */
  readonly unreachable: ReadonlySet<Label>;
  /** the jumps proven to go one way only: always 'taken' or never ('fall') */
  readonly decided: ReadonlyMap<IrInsn, 'taken' | 'fall'>;
  /** the maps' key and value sizes the analysis was given */
  readonly maps: readonly MapSizes[];
}

/** Visits of a block after which its ranges widen to TOP. */
const WIDEN_AFTER = 6;

function entryState(fn: IrFunction, isMain: boolean, o: AbsintOptions): AState {
  const regs = Array.from({ length: 11 }, () => (isMain && o.clearsRegisters ? num(0) : TOP));
  if (isMain) regs[1] = { k: 'ctx' };
  regs[FP] = { k: 'fp', off: 0 };
  const bytes = new Int16Array(FRAME).fill(isMain && o.clearsStack ? 0 : UNKNOWN);
  return { regs, minLen: isMain ? o.minFrame : 0, lenFrom: isMain ? FROM_FRAME : FROM_NOTHING, stack: new Map(), bytes };
}

/** Runs the analysis on every function of the program. */
export function analyze(ir: IrProgram, o: AbsintOptions): Absint {
  const succ = successors(ir);
  const before = new Map<IrInsn, AState>();
  const unreachable = new Set<Label>();
  const decided = new Map<IrInsn, 'taken' | 'fall'>();
  const sizes = transferContext(o.maps ?? []);
  ir.functions.forEach((fn, i) => {
    const ins = fixpoint(fn, entryState(fn, i === 0, o), succ, sizes);
    for (const b of fn.blocks) {
      const s = ins.get(b.label);
      if (!s) unreachable.add(b.label);
      else record(b, cloneState(s), before, decided, sizes);
    }
  });
  return { before, unreachable, decided, maps: o.maps ?? [] };
}

/** The state at the start of each reachable block. */
function fixpoint(fn: IrFunction, entry: AState, succ: ReadonlyMap<Label, Label[]>, sizes: TransferContext): Map<Label, AState> {
  const byLabel = new Map(fn.blocks.map((b) => [b.label, b]));
  const ins = new Map<Label, AState>([[fn.blocks[0].label, entry]]);
  const visits = new Map<Label, number>();
  const { heads, rpo } = loopHeads(fn, succ);
  // the pending block first in reverse postorder: in acyclic code every block runs once, after all its predecessors
  const work = new Set<Label>([fn.blocks[0].label]);
  const take = (): Label => {
    let best: Label | undefined;
    for (const l of work) if (best === undefined || (rpo.get(l) ?? Infinity) < (rpo.get(best) ?? Infinity)) best = l;
    work.delete(best!);
    return best!;
  };
  while (work.size > 0) {
    const label = take();
    const block = byLabel.get(label)!;
    const out = runBlock(block, cloneState(ins.get(label)!), succ.get(label) ?? [], sizes);
    for (const [to, s] of out) {
      const old = ins.get(to);
      const n = (visits.get(to) ?? 0) + 1;
      visits.set(to, n);
      // only a loop head widens: every cycle passes one, and acyclic paths keep their ranges
      const next = old ? joinState(old, s, heads.has(to) && n > WIDEN_AFTER) : s;
      if (!old || !sameState(old, next)) {
        ins.set(to, next);
        work.add(to);
      }
    }
  }
  return ins;
}

/** Targets of the back edges of a depth-first walk from the entry (every cycle of the CFG contains one), and the walk's reverse postorder. */
function loopHeads(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>): { heads: Set<Label>; rpo: Map<Label, number> } {
  const heads = new Set<Label>();
  const post: Label[] = [];
  const state = new Map<Label, 1 | 2>(); // 1 on the stack, 2 done
  const stack: [Label, number][] = [[fn.blocks[0].label, 0]];
  state.set(fn.blocks[0].label, 1);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const next = (succ.get(top[0]) ?? [])[top[1]++];
    if (next === undefined) {
      state.set(top[0], 2);
      post.push(top[0]);
      stack.pop();
    } else if (state.get(next) === 1) heads.add(next);
    else if (!state.has(next)) {
      state.set(next, 1);
      stack.push([next, 0]);
    }
  }
  return { heads, rpo: new Map(post.reverse().map((l, i) => [l, i])) };
}

/** The states leaving a block along each feasible edge (s is consumed). */
function runBlock(block: IrBlock, s: AState, succs: readonly Label[], sizes: TransferContext): [Label, AState][] {
  for (const i of block.insns) transfer(s, i, sizes);
  return edges(block, s, succs);
}

function edges(block: IrBlock, s: AState, succs: readonly Label[]): [Label, AState][] {
  const last = block.insns[block.insns.length - 1];
  const kind = last?.insn.kind;
  if (!last || (kind !== 'jmp' && kind !== 'jlen')) return succs.map((l) => [l, s]);
  const pc = last.origin?.pc ?? -1;
  const out: [Label, AState][] = [];
  const fall = succs.find((l) => l !== last.target);
  const t = refine(s, last.insn, pc, true);
  const f = refine(s, last.insn, pc, false);
  if (fall === undefined) {
    // the target is also the next block: both edges reach it
    const j = t && f ? joinState(t, f, false) : (t ?? f);
    return j ? [[last.target!, j]] : [];
  }
  if (f) out.push([fall, f]);
  if (t) out.push([last.target!, t]);
  return out;
}

function record(block: IrBlock, s: AState, before: Map<IrInsn, AState>, decided: Map<IrInsn, 'taken' | 'fall'>, sizes: TransferContext): void {
  for (const i of block.insns) {
    before.set(i, cloneState(s));
    transfer(s, i, sizes);
  }
  const last = block.insns[block.insns.length - 1];
  if (!last || (last.insn.kind !== 'jmp' && last.insn.kind !== 'jlen')) return;
  const pc = last.origin?.pc ?? -1;
  const t = refine(s, last.insn, pc, true);
  const f = refine(s, last.insn, pc, false);
  if (t && !f) decided.set(last, 'taken');
  else if (f && !t) decided.set(last, 'fall');
}

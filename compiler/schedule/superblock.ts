// The `superblock` strategy's layout: traces grown along the hot path of a traffic profile
// (executions per original instruction, the interpreter's coverage on the program's traffic;
// without one, the fall-through path counts as hot), a block with other entrances copied into
// the trace (tail duplication) when it is small, and the blocks laid out trace after trace with
// branches inverted so each trace falls through its hot path. Each trace is then one region that
// the `motion` machinery schedules (trace.ts): instructions rise above side exits where that is
// safe (speculation), several exits share rows, the lowest taken lane wins. Changes only the IR's
// layout and copies blocks; instruction semantics stay isa's.

import { endsFlow } from '../../isa/index.js';
import type { Insn, JmpCond } from '../../isa/index.js';
import type { IrBlock, IrFunction, IrInsn, IrProgram, Label } from '../ir/types.js';

/** The condition that is true exactly when `c` is false (jset has none). */
const INVERSE: Partial<Record<JmpCond, JmpCond>> = {
  jeq: 'jne', jne: 'jeq', jgt: 'jle', jle: 'jgt', jge: 'jlt', jlt: 'jge', jsgt: 'jsle', jsle: 'jsgt', jsge: 'jslt', jslt: 'jsge',
};

/** A block as the layout sees it: its instructions without the final jump, and where control goes. */
interface Node {
  readonly label: Label;
  readonly fn: string;
  /** the instructions before the block's final control instruction (all of them if it has none) */
  readonly body: IrInsn[];
  /** the final jmp/jlen/ja/exit, when there is one */
  readonly last?: IrInsn;
  /** where control falls when the block does not end in ja or exit */
  fall?: Label;
  /** where the final jump goes */
  jump?: Label;
  /** the block it is a copy of (tail duplication), or itself */
  readonly of: Label;
}

export interface SuperblockOptions {
  /** executions per original instruction index; undefined: fall-through is hot */
  readonly profile?: readonly number[];
  /** the largest block (instructions) copied into a trace; 0: no tail duplication */
  readonly dupLimit: number;
}

function nodesOf(fn: IrFunction): Node[] {
  return fn.blocks.map((b, i) => {
    const tail = b.insns[b.insns.length - 1];
    const control = tail && (tail.insn.kind === 'jmp' || tail.insn.kind === 'jlen' || tail.insn.kind === 'ja' || tail.insn.kind === 'exit' || tail.insn.kind === 'exit-imm');
    const falls = !tail || !endsFlow(tail.insn);
    return {
      label: b.label, fn: b.fn, body: control ? b.insns.slice(0, -1) : b.insns.slice(), of: b.label,
      ...(control ? { last: tail } : {}),
      ...(falls && fn.blocks[i + 1] ? { fall: fn.blocks[i + 1].label } : {}),
      ...(control && tail.target !== undefined ? { jump: tail.target } : {}),
    };
  });
}

/** How often a block ran: its first instruction with an origin (a block made by a pass: its successor's). */
function counter(nodes: ReadonlyMap<Label, Node>, profile: readonly number[] | undefined): (l: Label) => number {
  const memo = new Map<Label, number>();
  const count = (l: Label, depth = 0): number => {
    if (!profile) return 0;
    const hit = memo.get(l);
    if (hit !== undefined) return hit;
    const n = nodes.get(l)!;
    const first = [...n.body, ...(n.last ? [n.last] : [])].find((x) => x.origin);
    const c = first ? profile[first.origin!.index] ?? 0 : n.fall !== undefined && depth < 8 ? count(n.fall, depth + 1) : 0;
    memo.set(l, c);
    return c;
  };
  return (l) => count(l);
}

/** Whether the final jump of a block may be inverted (so its target becomes the fall-through). */
function invertible(n: Node): boolean {
  const i = n.last?.insn;
  return i?.kind === 'jmp' && INVERSE[i.cond] !== undefined;
}

/** The function laid out in hot traces, small join blocks copied into them. */
function layoutFunction(fn: IrFunction, opts: SuperblockOptions): IrFunction {
  const original = nodesOf(fn);
  const nodes = new Map(original.map((n) => [n.label, n]));
  const count = counter(nodes, opts.profile);
  const preds = new Map<Label, number>();
  const addPred = (l: Label | undefined, d: number) => {
    if (l !== undefined) preds.set(l, (preds.get(l) ?? 0) + d);
  };
  for (const n of original) {
    addPred(n.fall, 1);
    if (n.jump !== n.fall) addPred(n.jump, 1);
  }
  const entry = original[0].label;
  const inTrace = new Set<Label>();
  const traces: Node[][] = [];
  let copies = 0;
  // heads by count, hottest first; the entry first (it must start the function)
  const order = original.map((n, i) => ({ n, i })).sort((a, b) => (a.n.label === entry ? -1 : b.n.label === entry ? 1 : count(b.n.label) - count(a.n.label) || a.i - b.i));
  for (const { n: head } of order) {
    if (inTrace.has(head.label)) continue;
    const trace = [head];
    inTrace.add(head.label);
    for (let cur = head; ; ) {
      const succ = [cur.fall, ...(cur.jump !== undefined && cur.jump !== cur.fall && (cur.fall === undefined || invertible(cur)) ? [cur.jump] : [])]
        .filter((l): l is Label => l !== undefined && l !== entry);
      if (succ.length === 0) break;
      // the hotter successor; on a tie the fall-through (the static layout's guess)
      const next = succ.reduce((a, b) => (count(b) > count(a) ? b : a));
      const target = nodes.get(next)!;
      let step: Node;
      if (!inTrace.has(next) && (preds.get(next) ?? 0) === 1) step = target;
      else if (opts.dupLimit > 0 && !trace.some((t) => t.of === target.of) && target.body.length + (target.last ? 1 : 0) <= opts.dupLimit) {
        // tail duplication: a copy of the join block for this trace; the original keeps its other entrances
        step = { ...target, label: `${target.label}.sb${copies++}`, of: target.of, body: target.body.map((x) => ({ ...x })), ...(target.last ? { last: { ...target.last } } : {}) };
        nodes.set(step.label, step);
        addPred(next, -1);
        addPred(step.fall, 1);
        if (step.jump !== step.fall) addPred(step.jump, 1);
        preds.set(step.label, 1);
        if (cur.fall === next) cur.fall = step.label;
        if (cur.jump === next) cur.jump = step.label;
      } else break;
      inTrace.add(step.label);
      trace.push(step);
      cur = step;
    }
    traces.push(trace);
  }
  // laid out in the order of their heads in the original layout (it keeps most fall-throughs), the entry's first
  const at = new Map(original.map((n, i) => [n.label, i]));
  traces.sort((a, b) => at.get(a[0].of)! - at.get(b[0].of)!);
  return { ...fn, blocks: emit(traces) };
}

/**
 * The traces in order (a trace whose last block falls into another trace's head is followed by
 * it), each block's final jump inverted where its trace goes on along the jump, a `ja` added
 * where a block's fall-through is laid out elsewhere.
 */
function emit(traces: Node[][]): IrBlock[] {
  const byHead = new Map(traces.map((t) => [t[0].label, t]));
  const placed = new Set<Node[]>();
  const layout: Node[] = [];
  for (const t of traces) {
    for (let cur: Node[] | undefined = t; cur && !placed.has(cur); ) {
      placed.add(cur);
      layout.push(...cur);
      const fall: Label | undefined = cur[cur.length - 1].fall;
      cur = fall === undefined ? undefined : byHead.get(fall);
    }
  }
  const out: IrBlock[] = [];
  let extra = 0;
  layout.forEach((n, i) => {
    const next = layout[i + 1]?.label;
    const insns = n.body.slice();
    let last = n.last;
    let fall = n.fall;
    if (last && n.jump !== undefined) last = { ...last, target: n.jump };
    if (fall !== undefined && fall !== next && last && n.jump === next && invertible(n) && n.jump !== fall) {
      const j = last.insn as Extract<Insn, { kind: 'jmp' }>;
      last = { ...last, insn: { ...j, cond: INVERSE[j.cond]! }, target: fall };
      fall = next;
    }
    // a ja to the block laid out next is a fall-through
    if (last?.insn.kind === 'ja' && n.jump === next) last = undefined;
    if (last) insns.push(last);
    out.push({ label: n.label, fn: n.fn, insns });
    if (fall !== undefined && fall !== next) {
      // the fall-through is laid out elsewhere: a ja of its own block (a jump only ends a block)
      out.push({ label: `${n.label}.ja${extra++}`, fn: n.fn, insns: [{ insn: { kind: 'ja', off: 0, wide: false }, target: fall, fn: n.fn }] });
    }
  });
  return out;
}

/** The program laid out for superblock scheduling (only its entry function: the scheduler takes one). */
export function superblockLayout(ir: IrProgram, opts: SuperblockOptions): IrProgram {
  return { ...ir, functions: ir.functions.map((f) => layoutFunction(f, opts)) };
}

// Block layout: removes gotos by placing blocks where control goes. Three moves, none of which
// changes an edge of the CFG: a conditional jump whose two edges reach the same block goes; a
// conditional jump over a lone goto is inverted to jump where the goto went; a chain of blocks
// entered only by jumps and left only by a goto or an exit moves right after a goto to it (which then
// jumps to the next instruction and goes).

import { endsFlow } from '../../isa/index.js';
import type { Insn, JmpCond } from '../../isa/index.js';
import type { IrBlock, IrFunction, IrProgram, Label } from '../ir/index.js';
import { replaceInsn, walk } from '../ir/index.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

/** The condition that holds exactly when `c` does not (jset has none). */
export const NEGATED: Partial<Record<JmpCond, JmpCond>> = {
  jeq: 'jne', jne: 'jeq', jgt: 'jle', jle: 'jgt', jge: 'jlt', jlt: 'jge', jsgt: 'jsle', jsle: 'jsgt', jsge: 'jslt', jslt: 'jsge',
};

export const layoutPass: Pass = {
  name: 'layout',
  summary: 'remove gotos by block placement: a conditional jump to where its fall-through goto goes, a jump over a lone goto inverted, a chain entered only by jumps moved after a goto to it',
  soundness: 'Each move keeps every edge of the control-flow graph. `if c goto L` followed by `goto L` reaches L either way, and a jump has no other effect. `if c goto L; goto M; L:` goes to L when c holds and to M otherwise, which is `if !c goto M` falling into L (every condition but jset has an exact negation; the goto\'s block is removed only when nothing else jumps to it). A chain of blocks that no block falls into (its layout predecessor ends with a goto or an exit, and it is not the entry) and that ends with a goto or an exit is entered only through jumps to its first label, which still name it after it moves; placed right after `goto L` to its start, that goto jumps to the next instruction and is removed.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    for (const fn of ir.functions)
      for (let changed = true; changed; ) {
        changed = sameTarget(fn, cx) || invert(ir, fn, cx) || move(ir, fn, cx);
        if (changed) n++;
      }
    return n;
  },
};

const lastOf = (b: IrBlock) => b.insns[b.insns.length - 1];

/** The index of the first block at or after k with an instruction. */
function fullFrom(fn: IrFunction, k: number): number {
  while (k < fn.blocks.length && fn.blocks[k].insns.length === 0) k++;
  return k;
}

/** Labels control reaches by falling from the end of block k (the empty blocks after it and the first full one). */
function fallLanding(fn: IrFunction, k: number): Label[] {
  const end = fullFrom(fn, k + 1);
  return fn.blocks.slice(k + 1, end + 1).map((b) => b.label);
}

/** Whether control can fall into block k from the block before it (an empty block falls through). */
function fallenInto(fn: IrFunction, k: number): boolean {
  if (k === 0) return true; // the entry
  const prev = fn.blocks[k - 1];
  const last = lastOf(prev);
  return !last || !endsFlow(last.insn);
}

const referenced = (ir: IrProgram, label: Label): boolean => {
  for (const s of walk(ir)) if (s.insn.target === label) return true;
  return false;
};

/** `if c goto L; goto L` → `goto L`. */
function sameTarget(fn: IrFunction, cx: PassContext): boolean {
  for (let k = 0; k < fn.blocks.length; k++) {
    const b = fn.blocks[k];
    const last = lastOf(b);
    if (!last || (last.insn.kind !== 'jmp' && last.insn.kind !== 'jlen')) continue;
    const next = fn.blocks[fullFrom(fn, k + 1)];
    const first = next?.insns[0];
    if (first?.insn.kind !== 'ja' || first.target !== last.target) continue;
    cx.report(last, `${show(last)}: removed (the next instruction is ${show(first)})`, `both edges of the jump reach ${last.target}: taken directly, not taken through ${show(first)}; a jump has no other effect`, { removed: 1 });
    b.insns.pop();
    return true;
  }
  return false;
}

/** `if c goto L; goto M; L:` → `if !c goto M; L:`, moving L's chain after the goto first when it can. */
function invert(ir: IrProgram, fn: IrFunction, cx: PassContext): boolean {
  for (let k = 0; k < fn.blocks.length; k++) {
    const b = fn.blocks[k];
    const last = lastOf(b);
    if (!last || last.insn.kind !== 'jmp' || NEGATED[last.insn.cond] === undefined) continue;
    const nk = fullFrom(fn, k + 1);
    const n = fn.blocks[nk];
    if (!n || n.insns.length !== 1 || n.insns[0].insn.kind !== 'ja' || n.insns[0].target === last.target) continue;
    // control must enter the goto's block only by falling from b (no jump to it or to the empty blocks before it)
    if (fn.blocks.slice(k + 1, nk + 1).some((x) => referenced(ir, x.label))) continue;
    if (!fallLanding(fn, nk).includes(last.target!)) {
      const t = fn.blocks.findIndex((x) => x.label === last.target);
      const chain = movable(fn, t);
      if (!chain || chain.includes(b) || chain.includes(n)) continue;
      placeAfter(fn, chain, n);
      cx.report(chain[0].insns[0] ?? last, `blocks ${chain.map((x) => x.label).join(', ')} moved after ${n.label}`, chainWhy(chain), {});
    }
    const ja = n.insns[0];
    const cond = NEGATED[last.insn.cond]!;
    const made = replaceInsn(b, b.insns.length - 1, { ...last.insn, cond } as Insn, { target: ja.target });
    cx.report(last, `${show(last)}; ${show(ja)} -> ${show(made)}`, `the jump goes to ${last.target} when its condition holds and to ${ja.target} (through the goto) when not; ${show(made)} goes to ${ja.target} exactly when it does not hold and falls into ${last.target} otherwise; nothing else jumps to the goto`, { removed: 1 });
    n.insns.pop();
    return true;
  }
  return false;
}

/** Blocks from index t on that only jumps enter and that end with a goto or an exit, or undefined. */
function movable(fn: IrFunction, t: number): IrBlock[] | undefined {
  if (t <= 0 || fallenInto(fn, t)) return undefined;
  const chain: IrBlock[] = [];
  for (let k = t; k < fn.blocks.length; k++) {
    chain.push(fn.blocks[k]);
    const last = lastOf(fn.blocks[k]);
    if (last && endsFlow(last.insn)) return chain;
  }
  return undefined;
}

function placeAfter(fn: IrFunction, chain: IrBlock[], after: IrBlock): void {
  fn.blocks.splice(fn.blocks.indexOf(chain[0]), chain.length);
  fn.blocks.splice(fn.blocks.indexOf(after) + 1, 0, ...chain);
}

const chainWhy = (chain: IrBlock[]) =>
  `no block falls into ${chain[0].label} (the block before it ends with a goto or an exit) and ${chain[chain.length - 1].label} ends with ${show(lastOf(chain[chain.length - 1]))}: the chain is entered only by jumps to its label and leaves only by its last instruction, wherever it stands`;

/** `goto L` with L's chain movable: the chain goes right after the goto, which goes. */
function move(ir: IrProgram, fn: IrFunction, cx: PassContext): boolean {
  for (let k = 0; k < fn.blocks.length; k++) {
    const b = fn.blocks[k];
    const last = lastOf(b);
    if (!last || last.insn.kind !== 'ja') continue;
    const t = fn.blocks.findIndex((x) => x.label === last.target);
    const chain = movable(fn, t);
    if (!chain || chain.includes(b)) continue;
    placeAfter(fn, chain, b);
    cx.report(last, `${show(last)}: removed, blocks ${chain.map((x) => x.label).join(', ')} moved after ${b.label}`, `${chainWhy(chain)}; placed after ${b.label}, the goto jumps to the next instruction`, { removed: 1 });
    b.insns.pop();
    return true;
  }
  return false;
}

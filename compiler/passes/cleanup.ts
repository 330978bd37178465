// Clean-up passes: dead code (pure instructions whose result no path reads, blocks no path
// reaches, jumps to the next instruction) and branches (jumps the domain decides, jump chains).

import type { IrBlock, IrFunction, IrInsn, IrProgram } from '../ir/index.js';
import { removeBlock, walk } from '../ir/index.js';
import { liveness, has } from '../analysis/liveness.js';
import type { Absint } from '../analysis/absint.js';
import type { AState } from '../analysis/state.js';
import { packetCheck } from '../analysis/obligations.js';
import { decide } from './bounds.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

/** Whether removing `i` can change nothing but the registers it writes (no memory, no trap, no control). */
function pure(i: IrInsn, a: Absint): boolean {
  const insn = i.insn;
  switch (insn.kind) {
    case 'alu': case 'alu3': case 'end': case 'lddw': return true;
    case 'ldx': {
      const base = a.before.get(i)?.regs[insn.src];
      return base?.k === 'fp' || base?.k === 'ctx';
    }
    default: return false;
  }
}

const written = (i: IrInsn): number => {
  const k = i.insn.kind;
  return k === 'alu' || k === 'alu3' || k === 'end' || k === 'lddw' || k === 'ldx' ? (i.insn as { dst: number }).dst : -1;
};

export const dcePass: Pass = {
  name: 'dce',
  summary: 'remove pure instructions whose result no path reads, unreachable blocks and jumps to the next instruction',
  run(ir: IrProgram, cx: PassContext): number {
    let total = 0;
    for (;;) {
      const n = deadInsns(ir, cx) + unreachable(ir, cx) + jumpsToNext(ir, cx);
      if (n === 0) return total;
      total += n;
    }
  },
};

function deadInsns(ir: IrProgram, cx: PassContext): number {
  const a = cx.analysis();
  const live = liveness(ir);
  let n = 0;
  for (const site of [...walk(ir)].reverse()) {
    const d = written(site.insn);
    if (d < 0 || !a.before.has(site.insn) || has(live.liveOut.get(site.insn)!, d) || !pure(site.insn, a)) continue;
    cx.report(site.insn, `${show(site.insn)}: removed`, `r${d} is dead after it (no path reads it before it is written again) and the instruction has no other effect`, { removed: 1 });
    site.block.insns.splice(site.at, 1);
    n++;
  }
  return n;
}

function unreachable(ir: IrProgram, cx: PassContext): number {
  const a = cx.analysis();
  let n = 0;
  for (const fn of ir.functions)
    for (const b of fn.blocks) {
      if (!a.unreachable.has(b.label)) continue;
      for (const i of b.insns) cx.report(i, `${show(i)}: removed (block ${b.label} is unreachable)`, 'no path from the entry reaches the block once the decided jumps are followed', { removed: 1 });
      n += b.insns.length;
      b.insns.length = 0;
    }
  for (const fn of ir.functions) for (const b of [...fn.blocks]) if (b.insns.length === 0 && fn.blocks[0] !== b && !referenced(ir, b)) removeBlock(ir, b.label);
  return n;
}

const referenced = (ir: IrProgram, b: IrBlock): boolean => [...walk(ir)].some((s) => s.insn.target === b.label);

/** The first block after `k` with an instruction (where control falls to). */
function nextFull(fn: IrFunction, k: number): IrBlock | undefined {
  for (let j = k + 1; j < fn.blocks.length; j++) if (fn.blocks[j].insns.length > 0) return fn.blocks[j];
  return undefined;
}

function jumpsToNext(ir: IrProgram, cx: PassContext): number {
  let n = 0;
  for (const fn of ir.functions)
    fn.blocks.forEach((b, k) => {
      const last = b.insns[b.insns.length - 1];
      const kind = last?.insn.kind;
      if (!last || (kind !== 'jmp' && kind !== 'ja' && kind !== 'jlen')) return;
      const next = nextFull(fn, k);
      const landing = fn.blocks.slice(k + 1, next ? fn.blocks.indexOf(next) + 1 : k + 1).map((x) => x.label);
      if (!landing.includes(last.target!)) return;
      cx.report(last, `${show(last)}: removed`, 'it jumps to where control falls anyway, and a jump has no other effect', { removed: 1 });
      b.insns.pop();
      n++;
    });
  return n;
}

export const branchesPass: Pass = {
  name: 'branches',
  summary: 'fold jumps on scalars the domain decides; chain jumps to a goto or an exit',
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    let n = 0;
    for (const site of [...walk(ir)].reverse()) {
      const s = a.before.get(site.insn);
      const way = a.decided.get(site.insn);
      if (!s || !way || packetCheck(site.insn.insn, s)) continue;
      const regs = site.insn.insn.kind === 'jmp' ? describeOperands(site.insn, s.regs) : '';
      decide(site.block, site.at, way, cx, show(site.insn), `the domain proves ${regs}, so the jump is ${way === 'fall' ? 'never' : 'always'} taken`);
      n++;
    }
    return n + chains(ir, cx);
  },
};

function describeOperands(i: IrInsn, regs: AState['regs']): string {
  const insn = i.insn;
  if (insn.kind !== 'jmp') return '';
  const fmt = (r: number) => {
    const v = regs[r];
    return v.k === 'num' ? `r${r} in [${v.lo}, ${v.hi}]` : `r${r} is ${v.k}`;
  };
  return insn.src.type === 'reg' ? `${fmt(insn.dst)} and ${fmt(insn.src.reg)}` : fmt(insn.dst);
}

/** A jump to a block that starts with `goto L` goes to L; a goto to an exit becomes that exit. */
function chains(ir: IrProgram, cx: PassContext): number {
  const first = new Map<string, IrInsn>();
  for (const fn of ir.functions) for (const b of fn.blocks) if (b.insns[0]) first.set(b.label, b.insns[0]);
  let n = 0;
  for (const site of [...walk(ir)]) {
    const i = site.insn;
    if (i.target === undefined || i.insn.kind === 'call-local' || i.insn.kind === 'lddw') continue;
    const to = first.get(i.target);
    if (to?.insn.kind === 'ja' && to.target !== i.target && to.target !== undefined) {
      site.block.insns[site.at] = { ...i, target: to.target };
      cx.report(i, `${show(i)}: retargeted to ${to.target}`, `${i.target} starts with ${show(to)}, which goes there with no other effect`, {});
      n++;
    } else if (i.insn.kind === 'ja' && (to?.insn.kind === 'exit' || to?.insn.kind === 'exit-imm')) {
      site.block.insns[site.at] = { ...i, insn: to.insn, target: undefined };
      delete (site.block.insns[site.at] as { target?: string }).target;
      cx.report(i, `${show(i)}: replaced by ${show(to)}`, `${i.target} starts with ${show(to)}: executing it here does the same`, {});
      n++;
    }
  }
  return n;
}

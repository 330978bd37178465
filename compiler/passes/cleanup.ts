// Clean-up passes: dead code (pure instructions whose result no path reads, blocks no path
// reaches, jumps to the next instruction) and branches (jumps the domain decides, jump chains).

import type { IrBlock, IrFunction, IrInsn, IrProgram } from '../ir/index.js';
import { removeBlock, walk } from '../ir/index.js';
import { liveness, has, step } from '../analysis/liveness.js';
import { safeAccess } from '../analysis/access.js';
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
      const s = a.before.get(i);
      const base = s?.regs[insn.src];
      // a packet or map value load the domain proves in bounds cannot trap either
      return base?.k === 'fp' || base?.k === 'ctx' || (base !== undefined && safeAccess(s!, base, insn.off, insn.size) !== undefined);
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
  soundness: 'An ALU operation, byte swap, 64-bit immediate load, a load from the stack or the ctx, or a load from the packet inside the length the domain proves on every path or from a null-checked map value inside its value size writes only its destination register and cannot trap; when liveness shows no path reads that register before it is written again, removing it changes nothing observable. A block the domain proves unreachable is never executed. A jump to where control falls anyway has no effect.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    let total = 0;
    // removing dead code changes no other instruction's state: one analysis serves every round
    const a = cx.analysis();
    for (;;) {
      const n = deadInsns(ir, cx, a) + unreachable(ir, cx, a) + jumpsToNext(ir, cx);
      if (n === 0) return total;
      total += n;
    }
  },
};

function deadInsns(ir: IrProgram, cx: PassContext, a: Absint): number {
  const { liveOut } = liveness(ir);
  let n = 0;
  for (const fn of ir.functions)
    for (const b of fn.blocks) {
      const last = b.insns[b.insns.length - 1];
      if (!last) continue;
      // live after each instruction, kept exact within the block as dead ones go
      let live = liveOut.get(last)!;
      for (let at = b.insns.length - 1; at >= 0; at--) {
        const i = b.insns[at];
        const d = written(i);
        if (d >= 0 && a.before.has(i) && !has(live, d) && pure(i, a)) {
          cx.report(i, `${show(i)}: removed`, `r${d} is dead after it (no path reads it before it is written again) and the instruction has no other effect`, { removed: 1 });
          b.insns.splice(at, 1);
          n++;
        } else live = step(i, live);
      }
    }
  return n;
}

function unreachable(ir: IrProgram, cx: PassContext, a: Absint): number {
  let n = 0;
  for (const fn of ir.functions)
    for (const b of fn.blocks) {
      if (!a.unreachable.has(b.label)) continue;
      for (const i of b.insns) cx.report(i, `${show(i)}: removed (block ${b.label} is unreachable)`, 'no path from the entry reaches the block once the decided jumps are followed', { removed: 1 });
      n += b.insns.length;
      b.insns.length = 0;
    }
  const targets = new Set<string>();
  for (const s of walk(ir)) if (s.insn.target !== undefined) targets.add(s.insn.target);
  for (const fn of ir.functions) for (const b of [...fn.blocks]) if (b.insns.length === 0 && fn.blocks[0] !== b && !targets.has(b.label)) removeBlock(ir, b.label);
  return n;
}

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
  soundness: 'A conditional jump whose one edge is infeasible in the domain (scalar ranges, null checks) always goes the other way. A jump to a block that starts with goto L may go to L directly; a goto to a block that starts with an exit may exit itself, as that block would.',
  syllables: [],
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

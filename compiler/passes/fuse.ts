// Fusions into the core's extended syllables: `rX = rY; rX op= Z` → `rX = rY op Z` (alu3, immediate
// and register forms) and the parametrized exit (`r0 = A; exit` → `exit A`, also where the domain
// knows r0 at an exit or at a goto to one). Exact rewrites; isa/syllables.ts has the encodings.

import { ALU3_OPS, defuse, exitImm } from '../../isa/index.js';
import type { Alu3Op, Insn, Operand } from '../../isa/index.js';
import type { IrBlock, IrProgram } from '../ir/index.js';
import { has, liveness } from '../analysis/liveness.js';
import type { Liveness } from '../analysis/liveness.js';
import { replaceInsn, walk } from '../ir/index.js';
import { constOf } from '../analysis/values.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

const touches = (insn: Insn, r: number, what: 'reads' | 'writes'): boolean => {
  const du = defuse(insn);
  return what === 'reads' ? du.reads.includes(r) : du.writes.includes(r) || du.clobbers.includes(r);
};

export const alu3Pass: Pass = {
  name: 'alu3',
  summary: 'fuse `rX = rY; rX op= Z` into the 3-operand syllable `rX = rY op Z` (immediate and register forms)',
  soundness: 'The fused syllable computes rY op Z into rX. It sits where the op was; rY is not written and rX not read between the mov and the op, so the same operands are read and the same value is written. A 32-bit op after a 64-bit or 32-bit mov reads only the low half, which both movs keep.',
  syllables: ['alu3'],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    for (const fn of ir.functions) for (const b of fn.blocks) for (let at = 0; at < b.insns.length; at++) if (fuseAt(b, at, cx)) n++;
    return n;
  },
};

/** Fuses the mov at `at` with the first later instruction of the block that uses its register. */
function fuseAt(b: IrBlock, at: number, cx: PassContext): boolean {
  const mov = b.insns[at].insn;
  if (mov.kind !== 'alu' || mov.op !== 'mov' || mov.src.type !== 'reg' || mov.src.reg === mov.dst) return false;
  const x = mov.dst, y = mov.src.reg;
  for (let j = at + 1; j < b.insns.length; j++) {
    const insn = b.insns[j].insn;
    if (insn.kind === 'alu' && insn.dst === x && (ALU3_OPS as readonly string[]).includes(insn.op) && (mov.width === 64 || insn.width === 32)) {
      const operand: Operand = insn.src.type === 'reg' && insn.src.reg === x ? { type: 'reg', reg: y } : insn.src;
      const text = `${show(b.insns[at])}; ${show(b.insns[j])}`;
      const made = replaceInsn(b, j, { kind: 'alu3', op: insn.op as Alu3Op, width: insn.width, dst: x, a: y, b: operand });
      cx.report(b.insns[at], `${text} -> ${show(made)}`,
        `r${y} is not written and r${x} not read between the two, so ${show(made)} computes the same r${x}${mov.width === 32 ? ' (a 32-bit op reads only the low half that w-mov kept)' : ''}`,
        { fused: 1 });
      b.insns.splice(at, 1);
      return true;
    }
    if (touches(insn, x, 'reads') || touches(insn, x, 'writes') || touches(insn, y, 'writes') || insn.kind === 'call-local') return false;
  }
  return false;
}

export const exitPass: Pass = {
  name: 'exit-imm',
  summary: 'parametrized exit: `r0 = A; exit` → `exit A`, also where the domain knows r0 at an exit or a goto to an exit',
  soundness: 'exit A sets r0 = A (sign-extended, A < 2^31) and exits. It replaces an exit where the domain proves r0 = A on every path, or a goto to a block starting with exit; the mov that set r0 right before is then dead and goes with it.',
  syllables: ['exit-imm'],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    const firstOf = new Map<string, Insn | undefined>();
    for (const fn of ir.functions) for (const b of fn.blocks) firstOf.set(b.label, b.insns[0]?.insn);
    let n = 0;
    for (const site of [...walk(ir)]) {
      const i = site.insn;
      const toExit = i.insn.kind === 'exit' || (i.insn.kind === 'ja' && firstOf.get(i.target!)?.kind === 'exit');
      const s = a.before.get(i);
      const r0 = s && constOf(s.regs[0]);
      if (!toExit || r0 === undefined || r0 >= 2 ** 31) continue;
      const prev = site.block.insns[site.at - 1]?.insn;
      const setsR0 = prev?.kind === 'alu' && prev.op === 'mov' && prev.dst === 0 && prev.src.type === 'imm';
      const text = setsR0 ? `${show(site.block.insns[site.at - 1])}; ${show(i)}` : show(i);
      const made = replaceInsn(site.block, site.at, exitImm(r0));
      cx.report(i, `${text} -> ${show(made)}`,
        `r0 = ${r0} on every path here${i.insn.kind === 'ja' ? ` and ${i.target} starts with exit` : ''}; exit ${r0} sets r0 and exits`, { fused: setsR0 ? 1 : 0 });
      if (setsR0) site.block.insns.splice(site.at - 1, 1);
      n++;
    }
    return n;
  },
};

export const coalescePass: Pass = {
  name: 'coalesce',
  summary: 'write a value straight into the register it is copied to: `rA = E; ...; rB = rA` → `rB = E` (a 2-operand op becomes the 3-operand syllable)',
  soundness: 'E is a load, a move, an ALU operation or a 64-bit immediate that writes only rA. Between it and the copy nothing reads or writes rA or rB, and rA is dead after the copy (liveness), so the only reader of the value E put in rA is the copy. Writing E into rB directly gives rB the same value at the copy and every later point; rA is left holding its old value, which nothing reads. `rA op= X` reads the old rA, so its replacement is `rB = rA op X` (alu3), which reads the same old rA.',
  syllables: ['alu3'],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    let live = liveness(ir);
    for (const fn of ir.functions)
      for (const b of fn.blocks)
        for (let at = 0; at < b.insns.length; at++)
          if (coalesceAt(b, at, live, cx)) {
            n++;
            at--;
            live = liveness(ir);
          }
    return n;
  },
};

/** The instruction at j rewritten to write rB instead of rA, or undefined. */
function retarget(insn: Insn, a: number, rB: number): Insn | undefined {
  switch (insn.kind) {
    case 'ldx': case 'lddw': case 'alu3': return insn.dst === a ? { ...insn, dst: rB } : undefined;
    case 'alu':
      if (insn.dst !== a) return undefined;
      if (insn.op === 'mov' || insn.op === 'movsx') return { ...insn, dst: rB };
      if (!(ALU3_OPS as readonly string[]).includes(insn.op)) return undefined;
      return { kind: 'alu3', op: insn.op as Alu3Op, width: insn.width, dst: rB, a, b: insn.src };
    default: return undefined;
  }
}

function coalesceAt(b: IrBlock, at: number, live: Liveness, cx: PassContext): boolean {
  const copy = b.insns[at].insn;
  if (copy.kind !== 'alu' || copy.op !== 'mov' || copy.width !== 64 || copy.src.type !== 'reg' || copy.src.reg === copy.dst) return false;
  const rA = copy.src.reg, rB = copy.dst;
  if (has(live.liveOut.get(b.insns[at])!, rA)) return false;
  for (let j = at - 1; j >= 0; j--) {
    const insn = b.insns[j].insn;
    const du = defuse(insn);
    if (du.writes.includes(rA) || du.clobbers.includes(rA)) {
      const made = du.writes.length === 1 && du.clobbers.length === 0 ? retarget(insn, rA, rB) : undefined;
      if (!made) return false;
      const text = `${show(b.insns[j])}; ${show(b.insns[at])}`;
      const out = replaceInsn(b, j, made, { target: b.insns[j].target, mapRef: b.insns[j].mapRef });
      cx.report(b.insns[at], `${text} -> ${show(out)}`, `nothing between reads or writes r${rA} or r${rB}, and r${rA} is dead after the copy: the value goes straight to r${rB}`, { fused: 1 });
      b.insns.splice(at, 1);
      return true;
    }
    if (touches(insn, rA, 'reads') || touches(insn, rB, 'reads') || touches(insn, rB, 'writes') || insn.kind === 'call-local') return false;
  }
  return false;
}

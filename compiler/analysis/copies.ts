// Available copies: before every instruction, which registers are known equal (as 64-bit values) on
// every path, because one was copied from the other (`rX = rY`) and neither was written since. A
// forward must-analysis (intersection at joins) over ir/flow's successors, def-use from isa/.

import { defuse } from '../../isa/index.js';
import type { IrFunction, IrInsn, IrProgram, Label } from '../ir/index.js';
import { successors } from '../ir/index.js';

/** eq[x] = bit set of the registers equal to rx. */
export type Copies = Uint16Array;

export interface AvailableCopies {
  /** before each reachable instruction */
  readonly before: ReadonlyMap<IrInsn, Copies>;
}

/** Whether rx and ry hold the same 64-bit value in `eq`. */
export const equal = (eq: Copies, x: number, y: number): boolean => x === y || (eq[x] & (1 << y)) !== 0;

/** The copies after `i` (a new array). */
export function copyStep(i: IrInsn, eq: Copies): Copies {
  const out = eq.slice();
  const du = defuse(i.insn);
  for (const w of [...du.writes, ...du.clobbers]) {
    for (let r = 0; r < out.length; r++) out[r] &= ~(1 << w);
    out[w] = 0;
  }
  const insn = i.insn;
  if (insn.kind === 'alu' && insn.op === 'mov' && insn.width === 64 && insn.src.type === 'reg' && insn.src.reg !== insn.dst) {
    const x = insn.dst, y = insn.src.reg;
    out[x] = out[y] | (1 << y);
    for (let r = 0; r < out.length; r++) if (out[x] & (1 << r)) out[r] |= 1 << x;
  }
  return out;
}

export function availableCopies(ir: IrProgram): AvailableCopies {
  const succ = successors(ir);
  const before = new Map<IrInsn, Copies>();
  for (const fn of ir.functions) solve(fn, succ, before);
  return { before };
}

function solve(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>, before: Map<IrInsn, Copies>): void {
  const ins = new Map<Label, Copies>([[fn.blocks[0].label, new Uint16Array(11)]]);
  const work: Label[] = [fn.blocks[0].label];
  const byLabel = new Map(fn.blocks.map((b) => [b.label, b]));
  while (work.length > 0) {
    const label = work.shift()!;
    let eq = ins.get(label)!;
    for (const i of byLabel.get(label)!.insns) eq = copyStep(i, eq);
    for (const to of succ.get(label) ?? []) {
      const old = ins.get(to);
      const next = old ? old.map((m, r) => m & eq[r]) : eq;
      if (!old || next.some((m, r) => m !== old[r])) {
        ins.set(to, next);
        if (!work.includes(to)) work.push(to);
      }
    }
  }
  for (const b of fn.blocks) {
    let eq = ins.get(b.label);
    if (!eq) continue;
    for (const i of b.insns) {
      before.set(i, eq);
      eq = copyStep(i, eq);
    }
  }
}


/** root[x] = the register x was copied from (through any chain of copies), or -1. */
export type Roots = Int8Array;

export interface CopyRoots {
  /** before each reachable instruction */
  readonly before: ReadonlyMap<IrInsn, Roots>;
}

/** The roots after `i` (a new array): a write to r ends every copy of r and r's own. */
export function rootStep(i: IrInsn, src: Roots): Roots {
  const out = src.slice();
  const du = defuse(i.insn);
  for (const w of [...du.writes, ...du.clobbers]) {
    out[w] = -1;
    for (let r = 0; r < out.length; r++) if (out[r] === w) out[r] = -1;
  }
  const insn = i.insn;
  if (insn.kind === 'alu' && insn.op === 'mov' && insn.width === 64 && insn.src.type === 'reg' && insn.src.reg !== insn.dst) {
    const y = insn.src.reg;
    out[insn.dst] = out[y] >= 0 ? out[y] : y;
  }
  return out;
}

/** Copy roots on every path (a forward must-analysis: a root survives a join only when both sides agree). */
export function copyRoots(ir: IrProgram): CopyRoots {
  const succ = successors(ir);
  const before = new Map<IrInsn, Roots>();
  for (const fn of ir.functions) {
    const byLabel = new Map(fn.blocks.map((b) => [b.label, b]));
    const ins = new Map<Label, Roots>([[fn.blocks[0].label, new Int8Array(11).fill(-1)]]);
    const work: Label[] = [fn.blocks[0].label];
    while (work.length > 0) {
      const label = work.shift()!;
      let src = ins.get(label)!;
      for (const i of byLabel.get(label)!.insns) src = rootStep(i, src);
      for (const to of succ.get(label) ?? []) {
        const old = ins.get(to);
        const next = old ? old.map((r, k) => (r === src[k] ? r : -1)) : src;
        if (!old || next.some((r, k) => r !== old[k])) {
          ins.set(to, next);
          if (!work.includes(to)) work.push(to);
        }
      }
    }
    for (const b of fn.blocks) {
      let src = ins.get(b.label);
      if (!src) continue;
      for (const i of b.insns) {
        before.set(i, src);
        src = rootStep(i, src);
      }
    }
  }
  return { before };
}

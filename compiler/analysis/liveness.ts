// Register liveness on the IR: for every instruction, the registers whose value some later
// instruction may still read (a backward fixpoint over ir/flow's successors, def-use from isa/).
// Says nothing of memory; a local call's callee sees r1-r5 and gives r0 (r6-r9 are kept for us).

import { defuse } from '../../isa/index.js';
import type { IrFunction, IrInsn, IrProgram, Label } from '../ir/index.js';
import { successors } from '../ir/index.js';

/** A set of registers r0-r10 as bits. */
export type RegSet = number;

export const has = (set: RegSet, r: number): boolean => (set & (1 << r)) !== 0;
const bits = (rs: readonly number[]): RegSet => rs.reduce((m, r) => m | (1 << r), 0);

export interface Liveness {
  /** registers live after each instruction */
  readonly liveOut: ReadonlyMap<IrInsn, RegSet>;
  /** registers live at the start of each block */
  readonly liveIn: ReadonlyMap<Label, RegSet>;
}

export function liveness(ir: IrProgram): Liveness {
  const succ = successors(ir);
  const liveOut = new Map<IrInsn, RegSet>();
  const liveIn = new Map<Label, RegSet>();
  for (const fn of ir.functions) solve(fn, succ, liveIn);
  for (const fn of ir.functions)
    for (const b of fn.blocks) {
      let live = (succ.get(b.label) ?? []).reduce((m, l) => m | (liveIn.get(l) ?? 0), 0);
      for (let i = b.insns.length - 1; i >= 0; i--) {
        liveOut.set(b.insns[i], live);
        live = step(b.insns[i], live);
      }
    }
  return { liveOut, liveIn };
}

/** Live before an instruction, from live after it. */
export function step(i: IrInsn, after: RegSet): RegSet {
  const du = defuse(i.insn);
  return (after & ~bits(du.writes) & ~bits(du.clobbers)) | bits(du.reads);
}

function solve(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>, liveIn: Map<Label, RegSet>): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = fn.blocks.length - 1; k >= 0; k--) {
      const b = fn.blocks[k];
      let live = (succ.get(b.label) ?? []).reduce((m, l) => m | (liveIn.get(l) ?? 0), 0);
      for (let i = b.insns.length - 1; i >= 0; i--) live = step(b.insns[i], live);
      if (live !== (liveIn.get(b.label) ?? 0)) {
        liveIn.set(b.label, live);
        changed = true;
      }
    }
  }
}

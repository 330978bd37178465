// Control flow between the IR's blocks: where control can go after each block, read off its last
// instruction and the layout (an empty block falls through). Local calls return, so they are not
// edges; a function's blocks reach only blocks of the same function.

import { endsFlow } from '../../isa/index.js';
import type { IrFunction, IrProgram, Label } from './types.js';

/** Successor labels of every block: fall-through first, then the jump target (no repeats). */
export function successors(ir: IrProgram): Map<Label, Label[]> {
  const out = new Map<Label, Label[]>();
  for (const fn of ir.functions) fn.blocks.forEach((b, i) => out.set(b.label, blockSuccessors(fn, i)));
  return out;
}

function blockSuccessors(fn: IrFunction, i: number): Label[] {
  const block = fn.blocks[i];
  const next = fn.blocks[i + 1]?.label;
  const last = block.insns[block.insns.length - 1];
  const out: Label[] = [];
  if (!last || !endsFlow(last.insn)) {
    if (next !== undefined) out.push(next);
  }
  if (last && (last.insn.kind === 'jmp' || last.insn.kind === 'jlen' || last.insn.kind === 'ja') && last.target !== undefined && !out.includes(last.target)) out.push(last.target);
  return out;
}

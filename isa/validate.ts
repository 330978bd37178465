// Program-level checks on a decoded program: jump and local-call targets, writes to the frame
// pointer r10, and the end of the program. Field-level checks (registers, reserved fields) are
// decode.ts's; what a program does at run time (bounds, types) is not checked here.

import type { DecodedProgram } from './decode.js';
import { IsaError } from './errors.js';
import { defuse } from './defuse.js';
import type { Insn } from './insn.js';
import { FP, Pseudo } from './opcodes.js';

/**
 * The slot a jump, a local call or a function-address lddw (pseudo FUNC, a callback) at slot `pc`
 * refers to; undefined for other instructions. The one place that resolves a relative offset:
 * everything else calls this (and compiler/ir's lower is the one place that computes offsets).
 */
export function branchTarget(insn: Insn, pc: number): number | undefined {
  switch (insn.kind) {
    case 'jmp': case 'ja': case 'jlen': case 'call-local': return pc + insn.off + 1;
    case 'lddw': return insn.pseudo === Pseudo.FUNC ? pc + (insn.lo | 0) + 1 : undefined;
    default: return undefined;
  }
}

/** The relative offset a jump, local call or function address at slot `pc` encodes to reach slot `target` (the inverse of branchTarget). */
export function branchOffset(pc: number, target: number): number {
  return target - pc - 1;
}

/** Whether control can never pass from this instruction to the next slot. */
export function endsFlow(insn: Insn): boolean {
  return insn.kind === 'exit' || insn.kind === 'exit-imm' || insn.kind === 'ja';
}

/**
 * Throws IsaError(slot, why) for the first problem found: an empty program; a jump or local call
 * whose target is outside the program or the second half of an lddw; a write to r10; a last
 * instruction that lets control fall off the end.
 */
export function validateProgram(decoded: DecodedProgram): void {
  const { insns, pcs, slots } = decoded;
  if (insns.length === 0) throw new IsaError(-1, 'empty program: there must be at least one instruction');
  const starts = new Set(pcs);
  insns.forEach((insn, i) => {
    const pc = pcs[i];
    const target = branchTarget(insn, pc);
    if (target !== undefined) {
      const what = insn.kind === 'call-local' ? 'call target' : insn.kind === 'lddw' ? 'function address' : 'jump target';
      if (target < 0 || target >= slots)
        throw new IsaError(pc, `${what} ${target} (offset ${target - pc - 1}) is outside the program (slots 0-${slots - 1})`);
      if (!starts.has(target)) throw new IsaError(pc, `${what} ${target} is the second half of the lddw at ${target - 1}`);
    }
    if (defuse(insn).writes.includes(FP)) throw new IsaError(pc, `${insn.kind} writes r10, the read-only frame pointer`);
  });
  const last = insns[insns.length - 1];
  if (!endsFlow(last))
    throw new IsaError(pcs[pcs.length - 1], `the last instruction (${last.kind}) falls off the end of the program: it must be exit or goto`);
}

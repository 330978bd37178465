// The basic blocks of a loaded program, as instruction-index spans with stable labels: the one
// block split that lift (compiler/ir) and the CFG (compiler/analysis/cfg.ts) both read. Calls do
// not end a block; jumps and exits do. Knows nothing of edges or labels in instructions.

import { branchTarget, endsFlow } from '../../isa/index.js';
import type { DecodedProgram, Insn } from '../../isa/index.js';
import type { Program } from '../loader/types.js';

export interface BlockSpan {
  /** a stable name: `<function>.<n>`, n counting blocks of that function from 0 */
  readonly label: string;
  readonly fn: string;
  /** index into Program.code.insns of the first instruction */
  readonly start: number;
  /** index one past the last instruction */
  readonly end: number;
}

/** Instruction index a jump, local call or function address at instruction i refers to, or -1 when it is not an instruction start. */
export function targetIndex(code: DecodedProgram, i: number): number {
  const slot = branchTarget(code.insns[i], code.pcs[i]);
  return slot === undefined || slot < 0 || slot >= code.slots ? -1 : code.indexOfSlot[slot];
}

/** Jumps and exits end a block; calls do not. */
export function endsBlock(insn: Insn): boolean {
  return insn.kind === 'jmp' || insn.kind === 'jlen' || endsFlow(insn);
}

/**
 * The blocks in program order. Leaders: the first instruction, function starts, every jump,
 * local-call and function-address target, and the instruction after a jump or exit. A call
 * target that is no listed function starts a function named `fn@<slot>`. Targets that are not
 * instruction starts are ignored here (validateProgram reports them).
 */
export function blockSpans(program: Program): BlockSpan[] {
  const code = program.code;
  const { insns, pcs } = code;
  const leaders = new Set<number>([0]);
  const fnStart = new Map<number, string>();
  for (const f of program.functions) {
    leaders.add(f.start);
    fnStart.set(f.start, f.name);
  }
  insns.forEach((insn, i) => {
    const t = targetIndex(code, i);
    if (t >= 0) {
      leaders.add(t);
      if (insn.kind !== 'jmp' && insn.kind !== 'jlen' && insn.kind !== 'ja' && !fnStart.has(t)) fnStart.set(t, `fn@${pcs[t]}`);
    }
    if (endsBlock(insn) && i + 1 < insns.length) leaders.add(i + 1);
  });
  const starts = [...leaders].filter((s) => s < insns.length).sort((a, b) => a - b);
  const counters = new Map<string, number>();
  let fn = program.functions[0]?.name ?? program.name;
  return starts.map((start, id) => {
    fn = fnStart.get(start) ?? fn;
    const n = counters.get(fn) ?? 0;
    counters.set(fn, n + 1);
    return { label: `${fn}.${n}`, fn, start, end: starts[id + 1] ?? insns.length };
  });
}

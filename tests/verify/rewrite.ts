// Hand-made transformations of loaded programs for the prover's tests, until compiler passes
// exist: replace a run of instructions, keeping every jump on its target (jumps into a replaced
// run land on its first new instruction). Inserted instructions may not be jumps.

import type { Insn } from '../../isa/index.js';
import type { MapRef, Program } from '../../compiler/loader/types.js';
import { decoded } from './harness.js';

export interface Edit {
  /** the first instruction (index) replaced */
  readonly at: number;
  /** how many instructions are replaced */
  readonly remove: number;
  readonly insert: readonly Insn[];
}

const isJump = (insn: Insn): insn is Extract<Insn, { kind: 'jmp' | 'ja' }> => insn.kind === 'jmp' || insn.kind === 'ja';

export function rewrite(p: Program, edits: readonly Edit[]): Program {
  const { insns, pcs } = p.code;
  const indexOfSlot = new Map(pcs.map((s, i) => [s, i]));
  const byStart = new Map(edits.map((e) => [e.at, e]));
  const out: { insn: Insn; old?: number }[] = [];
  const newIndex: number[] = [];
  for (let i = 0; i < insns.length; ) {
    const e = byStart.get(i);
    if (e) {
      for (let k = 0; k < e.remove; k++) newIndex[i + k] = out.length;
      for (const insn of e.insert) out.push({ insn });
      i += e.remove;
      continue;
    }
    newIndex[i] = out.length;
    out.push({ insn: insns[i], old: i });
    i++;
  }
  const code = decoded(out.map((o) => o.insn));
  const fixed = out.map(({ insn, old }, j): Insn => {
    if (!isJump(insn) || old === undefined) return insn;
    const t = newIndex[indexOfSlot.get(pcs[old] + insn.off + 1)!];
    return { ...insn, off: code.pcs[t] - code.pcs[j] - 1 };
  });
  const mapRefs = new Map<number, MapRef>();
  for (const [i, ref] of p.mapRefs) if (out[newIndex[i]]?.old === i) mapRefs.set(newIndex[i], ref);
  return { ...p, code: decoded(fixed), mapRefs };
}

/** The instructions some jump lands on. */
export function jumpTargets(p: Program): Set<number> {
  const { insns, pcs } = p.code;
  const indexOfSlot = new Map(pcs.map((s, i) => [s, i]));
  const out = new Set<number>();
  insns.forEach((insn, i) => {
    if (isJump(insn)) out.add(indexOfSlot.get(pcs[i] + insn.off + 1)!);
  });
  return out;
}

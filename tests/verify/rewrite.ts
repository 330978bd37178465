// Hand-made transformations of loaded programs for the prover's tests and bench, until compiler
// passes exist: replace a run of instructions, keeping every jump on its target (jumps into a
// replaced run land on its first new instruction; inserted instructions may not be jumps); and
// the peephole rewrites exit-imm and alu3 built on it.

import { alu3, exitImm, imm } from '../../isa/index.js';
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

/** `r0 = A; exit` → `exit A; exit` (the exit stays for other jumps to it). */
export function exitImms(p: Program): Edit[] {
  const ins = p.code.insns;
  return ins.flatMap((insn, i): Edit[] =>
    insn.kind === 'alu' && insn.op === 'mov' && insn.width === 64 && insn.dst === 0 && insn.src.type === 'imm' && ins[i + 1]?.kind === 'exit'
      ? [{ at: i, remove: 1, insert: [exitImm(insn.src.value)] }] : []);
}

/** `rD = rS; rD += K` → `rD = rS + K` where nothing jumps to the add. */
function alu3s(p: Program): Edit[] {
  const ins = p.code.insns;
  const targets = jumpTargets(p);
  const edits: Edit[] = [];
  for (let i = 0; i + 1 < ins.length; i++) {
    const [a, b] = [ins[i], ins[i + 1]];
    if (a.kind !== 'alu' || a.op !== 'mov' || a.width !== 64 || a.src.type !== 'reg' || a.src.reg === a.dst) continue;
    if (b.kind !== 'alu' || b.op !== 'add' || b.width !== 64 || b.dst !== a.dst || b.src.type !== 'imm' || targets.has(i + 1)) continue;
    edits.push({ at: i, remove: 2, insert: [alu3('add', 64, a.dst, a.src.reg, imm(b.src.value))] });
    i++;
  }
  return edits;
}

/** Both rewrites at once: the peephole a compiler pass will do. */
export function peephole(p: Program): Program {
  return rewrite(p, [...exitImms(p), ...alu3s(p)].sort((x, y) => x.at - y.at));
}

// Obligations: the facts a removal needs, listed apart from the domain that proves them (as
// PREVAIL separates its assertion extractor from its checker). `packetCheck` recognises a packet
// bounds check; `obligations` lists each with whether absint.ts discharges it and how.

import type { Insn, JmpCond } from '../../isa/index.js';
import type { IrProgram } from '../ir/index.js';
import { walk } from '../ir/index.js';
import type { Absint } from './absint.js';
import { FROM_FRAME } from './state.js';
import type { AState } from './state.js';

/**
 * A packet bounds check `data + off + extra <= data_end` with off in [lo, hi]; `failing` is the
 * edge taken when it does not hold (the program's error path).
 */
export interface PacketCheck {
  readonly lo: number;
  readonly hi: number;
  readonly extra: 0 | 1;
  readonly failing: 'taken' | 'fall';
}

/** cond with the packet pointer on the left → [extra, failing edge] */
const CHECK: Partial<Record<JmpCond, [0 | 1, 'taken' | 'fall']>> = {
  jgt: [0, 'taken'], jge: [1, 'taken'], jlt: [1, 'fall'], jle: [0, 'fall'],
};
const SWAP: Partial<Record<JmpCond, JmpCond>> = { jgt: 'jlt', jge: 'jle', jlt: 'jgt', jle: 'jge' };

/** The bounds check this jump makes in state `s`, or undefined when it compares no packet pointer with data_end. */
export function packetCheck(insn: Insn, s: AState): PacketCheck | undefined {
  if (insn.kind === 'jlen') return { lo: insn.len, hi: insn.len, extra: 0, failing: 'taken' };
  if (insn.kind !== 'jmp' || insn.width !== 64 || insn.src.type !== 'reg') return undefined;
  const a = s.regs[insn.dst], b = s.regs[insn.src.reg];
  const [p, cond] = a.k === 'pkt' && b.k === 'end' ? [a, insn.cond] : a.k === 'end' && b.k === 'pkt' ? [b, SWAP[insn.cond]] : [undefined, undefined];
  const c = cond && CHECK[cond];
  if (!p || !c) return undefined;
  return { lo: p.lo, hi: p.hi, extra: c[0], failing: c[1] };
}

export interface Obligation {
  readonly pc: number;
  readonly kind: 'pkt-bounds';
  /** the check holds when data_end - data >= need (the largest offset it may compare) */
  readonly need: number;
  readonly proven: boolean;
  /** how the domain discharges it, or why it cannot */
  readonly why: string;
}

/** Every packet bounds check of the program and whether the domain proves it never fails. */
export function obligations(ir: IrProgram, a: Absint): Obligation[] {
  const out: Obligation[] = [];
  for (const { insn } of walk(ir)) {
    const s = a.before.get(insn);
    const c = s && packetCheck(insn.insn, s);
    if (!s || !c) continue;
    const need = c.hi + c.extra;
    const proven = s.minLen >= need;
    const by = s.lenFrom === FROM_FRAME ? 'the minimum frame' : s.lenFrom >= 0 ? `the check at pc ${s.lenFrom}` : 'nothing';
    out.push({ pc: insn.origin?.pc ?? -1, kind: 'pkt-bounds', need, proven, why: `data_end - data >= ${s.minLen} here (${by}); needs ${need}` });
  }
  return out;
}

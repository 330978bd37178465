// Wide loads: `rA = *(uS *)(rP + k + S); rA <<= 8S; rB = *(uS *)(rP + k); rA |= rB` (in any order
// within a block) → `rA = *(u2S *)(rP + k)`: two adjacent little-endian loads merged into the width
// the core supports. Only when nothing in between stores, calls or touches rA, rB or rP.

import { defuse } from '../../isa/index.js';
import type { AccessSize, Insn, LdxInsn } from '../../isa/index.js';
import type { IrBlock, IrProgram } from '../ir/index.js';
import { replaceInsn } from '../ir/index.js';
import { has, liveness } from '../analysis/liveness.js';
import type { Liveness } from '../analysis/liveness.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

export const widePass: Pass = {
  name: 'wide',
  summary: 'merge two adjacent 1/2/4-byte loads combined by shift and or into one load of twice the width',
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    for (;;) {
      const live = liveness(ir);
      let found = false;
      for (const fn of ir.functions) for (const b of fn.blocks) for (let at = 0; at < b.insns.length && !found; at++) found = mergeAt(b, at, live, cx);
      if (!found) return n;
      n++;
    }
  },
};

/** The index of the last instruction before `at` that writes r, or -1. */
function lastDef(b: IrBlock, at: number, r: number): number {
  for (let j = at - 1; j >= 0; j--) {
    const du = defuse(b.insns[j].insn);
    if (du.writes.includes(r) || du.clobbers.includes(r)) return j;
  }
  return -1;
}

const load = (insn: Insn): LdxInsn | undefined => (insn.kind === 'ldx' && !insn.signed && insn.size !== 8 ? insn : undefined);

function mergeAt(b: IrBlock, at: number, live: Liveness, cx: PassContext): boolean {
  const or = b.insns[at].insn;
  if (or.kind !== 'alu' || or.op !== 'or' || or.src.type !== 'reg' || or.src.reg === or.dst) return false;
  const a = or.dst, rb = or.src.reg;
  const iShift = lastDef(b, at, a), iLoB = lastDef(b, at, rb);
  const shift = b.insns[iShift]?.insn;
  if (iShift < 0 || iLoB < 0 || shift?.kind !== 'alu' || shift.op !== 'lsh' || shift.src.type !== 'imm' || shift.width !== or.width) return false;
  const iHi = lastDef(b, iShift, a);
  const hi = iHi >= 0 ? load(b.insns[iHi].insn) : undefined, lo = load(b.insns[iLoB].insn);
  if (!hi || !lo || hi.src === a || hi.src === rb || hi.size !== lo.size || hi.src !== lo.src || hi.off !== lo.off + hi.size || shift.src.value !== 8 * hi.size) return false;
  const size = (2 * hi.size) as AccessSize;
  if (or.width === 32 && size > 4) return false;
  if (has(live.liveOut.get(b.insns[at])!, rb) && rb !== a) return false;
  const first = Math.min(iHi, iLoB);
  const pattern = new Set([iHi, iShift, iLoB, at]);
  for (let j = first; j <= at; j++) {
    if (pattern.has(j)) continue;
    const insn = b.insns[j].insn;
    const du = defuse(insn);
    if (du.memWrites.length > 0 || insn.kind === 'call' || insn.kind === 'call-local' || insn.kind === 'callx') return false;
    if ([a, rb].some((r) => du.reads.includes(r) || du.writes.includes(r)) || du.writes.includes(hi.src)) return false;
  }
  const text = [iHi, iShift, iLoB, at].sort((x, y) => x - y).map((j) => show(b.insns[j])).join('; ');
  const made = replaceInsn(b, at, { kind: 'ldx', size, signed: false, dst: a, src: hi.src, off: lo.off });
  cx.report(b.insns[iHi], `${text} -> ${show(made)}`,
    `the two ${hi.size}-byte loads read adjacent bytes ${lo.off}..${lo.off + size - 1} of the same pointer r${hi.src}, which nothing in between changes, and the shift by ${8 * hi.size} and or put them where a little-endian ${size}-byte load does; r${rb} is dead after`,
    { fused: 3 });
  for (const j of [iHi, iShift, iLoB].sort((x, y) => y - x)) b.insns.splice(j, 1);
  return true;
}

// Wide loads: `rA = *(uS *)(rP + k + S); rA <<= 8S; rB = *(uS *)(rP + k); rA |= rB` (in any order
// within a block) → `rA = *(u2S *)(rP + k)`: two adjacent little-endian loads merged into the width
// the core supports. Only when nothing in between stores, calls or touches rA, rB or rP.

import { defuse } from '../../isa/index.js';
import type { AccessSize, Insn, LdxInsn, StxInsn } from '../../isa/index.js';
import { FRAME } from '../analysis/state.js';
import type { AVal } from '../analysis/values.js';
import { place, safeAccess } from '../analysis/access.js';
import type { IrBlock, IrProgram } from '../ir/index.js';
import { replaceInsn } from '../ir/index.js';
import { has, liveness } from '../analysis/liveness.js';
import type { Liveness } from '../analysis/liveness.js';
import type { Absint } from '../analysis/absint.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

export const widePass: Pass = {
  name: 'wide',
  summary: 'merge two adjacent 1/2/4-byte loads combined by shift and or into one load of twice the width, and two stores of a value\'s halves into one store',
  soundness: 'Two unsigned loads of S bytes at p + k and p + k + S, the upper one shifted left by 8S and or-ed with the lower, are the little-endian 2S-byte value at p + k. Nothing between them stores, calls or changes p, the two registers or their intermediate values, and the lower register is dead after: one load of 2S bytes at the or reads the same bytes and faults exactly when one of the two would. Copies: two adjacent copies `t = *(uS *)(a + k); *(uS *)(d + m) = t` of S1 and S2 bytes, at k, m and k + S1, m + S1 (or the other way round), are one copy of S1 + S2 bytes (2, 4, 6 with ldx6/stx6, or 8) when the domain proves all four accesses in bounds (the packet length, the frame, a null-checked map value within its value size: no trap, so no partial copy is lost), the first store does not write the bytes the second load reads (different regions, or disjoint known offsets), and both temporaries are dead after. Stores: `*(uS *)(p + k) = x` and `*(uS *)(p + k + S) = x >> 8S` (the shift in place or into a temporary, three consecutive instructions) write the low 2S bytes of x little-endian, which is one 2S-byte store of x at p + k; the domain proves every byte in the frame or in the proven packet length (neither store can trap, so no partial write is lost), and the shifted register is dead after.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    // one analysis and one liveness serve the whole run: a merge changes only registers dead after
    // it (liveness only shrinks) and keeps every pointer and the packet length where they were;
    // instructions a merge made have no facts and wait for the next round
    const a = cx.analysis();
    const live = liveness(ir);
    for (const fn of ir.functions)
      for (const b of fn.blocks)
        for (let at = 0; at < b.insns.length; at++)
          if (mergeAt(b, at, live, a, cx) || storeAt(b, at, live, a, cx) || copyAt(b, at, live, a, cx)) {
            n++;
            at = Math.max(-1, at - 4);
          }
    return n;
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

function mergeAt(b: IrBlock, at: number, live: Liveness, an: Absint, cx: PassContext): boolean {
  const or = b.insns[at].insn;
  if (or.kind !== 'alu' || or.op !== 'or' || or.src.type !== 'reg' || or.src.reg === or.dst) return false;
  const a = or.dst, rb = or.src.reg;
  const iShift = lastDef(b, at, a), iLoB = lastDef(b, at, rb);
  const shift = b.insns[iShift]?.insn;
  if (iShift < 0 || iLoB < 0 || shift?.kind !== 'alu' || shift.op !== 'lsh' || shift.src.type !== 'imm' || shift.width !== or.width) return false;
  const iHi = lastDef(b, iShift, a);
  const hi = iHi >= 0 ? load(b.insns[iHi].insn) : undefined, lo = load(b.insns[iLoB].insn);
  if (!hi || !lo || (hi.src === a && iHi < iLoB) || hi.src === rb || hi.size !== lo.size || hi.src !== lo.src || hi.off !== lo.off + hi.size || shift.src.value !== 8 * hi.size) return false;
  const size = (2 * hi.size) as AccessSize;
  if (or.width === 32 && size > 4) return false;
  if (has(live.liveOut.get(b.insns[at])!, rb) && rb !== a) return false;
  const first = Math.min(iHi, iLoB);
  const pattern = new Set([iHi, iShift, iLoB, at]);
  for (let j = first; j <= at; j++) {
    if (pattern.has(j)) continue;
    const insn = b.insns[j].insn;
    const du = defuse(insn);
    // a store between may change the bytes, unless it writes the frame and the loads read the packet, a map value or the ctx
    const frameOnly = du.memWrites.every((w) => w.region === 'stack') && ['pkt', 'mapval', 'ctx'].includes(an.before.get(b.insns[iHi])?.regs[hi.src].k ?? '');
    if ((du.memWrites.length > 0 && !frameOnly) || insn.kind === 'call' || insn.kind === 'call-local' || insn.kind === 'callx') return false;
    if ([a, rb].some((r) => du.reads.includes(r) || du.writes.includes(r)) || du.writes.includes(hi.src)) return false;
  }
  const text = [iHi, iShift, iLoB, at].sort((x, y) => x - y).map((j) => show(b.insns[j])).join('; ');
  // the load goes where the later of the two loads was (its base is intact there) and nothing reads rA until the or
  const place = Math.max(iHi, iLoB);
  const made = replaceInsn(b, place, { kind: 'ldx', size, signed: false, dst: a, src: hi.src, off: lo.off });
  cx.report(b.insns[iHi], `${text} -> ${show(made)}`,
    `the two ${hi.size}-byte loads read adjacent bytes ${lo.off}..${lo.off + size - 1} of the same pointer r${hi.src}, which nothing in between changes, and the shift by ${8 * hi.size} and or put them where a little-endian ${size}-byte load does; r${rb} is dead after`,
    { fused: 3 });
  for (const j of [iHi, iShift, iLoB, at].filter((j) => j !== place).sort((x, y) => y - x)) b.insns.splice(j, 1);
  return true;
}

/** `rY = rX >> 8S` (in place: `rX >>= 8S`), S bytes, as one instruction, or undefined. */
function shiftOf(insn: Insn): { dst: number; src: number; bits: number; width: 32 | 64 } | undefined {
  if (insn.kind === 'alu' && insn.op === 'rsh' && insn.src.type === 'imm') return { dst: insn.dst, src: insn.dst, bits: insn.src.value, width: insn.width };
  if (insn.kind === 'alu3' && insn.op === 'rsh' && insn.b.type === 'imm') return { dst: insn.dst, src: insn.a, bits: insn.b.value, width: insn.width };
  return undefined;
}

const stx = (insn: Insn | undefined) => (insn?.kind === 'stx' && insn.size !== 8 ? insn : undefined);

/**
 * Stores of a value's two halves: `*(uS *)(p + k) = x; x >>= 8S; *(uS *)(p + k + S) = x`, or
 * `y = x >> 8S` followed by the two stores of x at k and y at k + S in either order → one store of
 * 2S bytes of x at k. Only where the domain proves the 2S bytes in the frame or the packet.
 */
function storeAt(b: IrBlock, at: number, live: Liveness, an: Absint, cx: PassContext): boolean {
  const w = [b.insns[at], b.insns[at + 1], b.insns[at + 2]];
  if (!w[2]) return false;
  let x: number, lo: StxInsn, hi: StxInsn, tmp: number;
  const s0 = stx(w[0].insn), sh1 = shiftOf(w[1].insn), s2 = stx(w[2].insn), sh0 = shiftOf(w[0].insn), s1 = stx(w[1].insn);
  if (s0 && sh1 && s2 && sh1.dst === s0.src && sh1.src === s0.src) {
    // in place: the low half first, then the shifted register
    [x, lo, hi, tmp] = [s0.src, s0, s2, sh1.dst];
    if (s2.src !== x) return false;
  } else if (sh0 && s1 && s2 && sh0.dst !== sh0.src) {
    [x, tmp] = [sh0.src, sh0.dst];
    const pair = s1.src === tmp && s2.src === x ? [s2, s1] : s2.src === tmp && s1.src === x ? [s1, s2] : undefined;
    if (!pair) return false;
    [lo, hi] = pair;
  } else return false;
  const sh = (sh1 && s0 ? sh1 : sh0)!;
  const size = lo.size;
  if (hi.size !== size || hi.dst !== lo.dst || hi.off !== lo.off + size || sh.bits !== 8 * size || (sh.width === 32 && size > 2)) return false;
  if (lo.dst === tmp || lo.dst === x) return false;
  if (has(live.liveOut.get(w[2])!, tmp)) return false;
  const s = an.before.get(w[0]);
  const base = s?.regs[lo.dst];
  const where = inside(base, lo.off, 2 * size, s?.minLen ?? 0);
  if (!s || !where) return false;
  const text = w.map(show).join('; ');
  const made = replaceInsn(b, at + 2, { kind: 'stx', size: (2 * size) as AccessSize, dst: lo.dst, src: x, off: lo.off });
  b.insns.splice(at, 2);
  cx.report(w[0], `${text} -> ${show(made)}`,
    `bytes ${lo.off}..${lo.off + size - 1} of r${lo.dst} get the low ${size} bytes of r${x} and bytes ${hi.off}..${hi.off + size - 1} its next ${size} (the shift by ${8 * size}), which a little-endian ${2 * size}-byte store of r${x} writes; ${where}, so neither store can trap; r${tmp} is dead after`,
    { fused: 2 });
  return true;
}

/** Where the domain places [off, off + size) from a pointer so that no access there traps, or undefined. */
function inside(base: AVal | undefined, off: number, size: number, minLen: number): string | undefined {
  if (base?.k === 'fp' && base.off + off >= -FRAME && base.off + off + size <= 0) return `the bytes are r10${base.off + off}..r10${base.off + off + size - 1}, inside the frame`;
  if (base?.k === 'pkt' && base.lo + off >= 0 && base.hi + off + size <= minLen) return `the bytes lie in data + [0, ${base.hi + off + size}), inside the proven packet length ${minLen}`;
  return undefined;
}

/** `rT = *(uS *)(a + k); *(uS *)(d + m) = rT` at index at, or undefined. */
function copyPair(b: IrBlock, at: number): { t: number; a: number; k: number; d: number; m: number; size: number } | undefined {
  const [l, st] = [b.insns[at]?.insn, b.insns[at + 1]?.insn];
  if (!l || !st) return undefined;
  const ls = l.kind === 'ldx' && !l.signed ? l.size : l.kind === 'ldx6' ? 6 : 0;
  const ss = st.kind === 'stx' ? st.size : st.kind === 'stx6' ? 6 : 0;
  if (!ls || ls !== ss || (l.kind !== 'ldx' && l.kind !== 'ldx6') || (st.kind !== 'stx' && st.kind !== 'stx6') || st.src !== l.dst) return undefined;
  if (l.dst === l.src || l.dst === st.dst) return undefined;
  return { t: l.dst, a: l.src, k: l.off, d: st.dst, m: st.off, size: ls };
}

/** Two adjacent copies of neighbouring bytes → one copy of their total width (2, 4, 6 or 8). */
function copyAt(b: IrBlock, at: number, live: Liveness, a: Absint, cx: PassContext): boolean {
  const p = copyPair(b, at), q = copyPair(b, at + 2);
  if (!p || !q || p.a !== q.a || p.d !== q.d || q.t === p.a || q.t === p.d) return false;
  const total = p.size + q.size;
  if (![2, 4, 6, 8].includes(total)) return false;
  const up = q.k === p.k + p.size && q.m === p.m + p.size, down = p.k === q.k + q.size && p.m === q.m + q.size;
  if (!up && !down) return false;
  const k = up ? p.k : q.k, m = up ? p.m : q.m;
  const s0 = a.before.get(b.insns[at]), s2 = a.before.get(b.insns[at + 2]);
  if (!s0 || !s2) return false;
  const src = s0.regs[p.a], dst = s0.regs[p.d];
  const why = [safeAccess(s0, src, p.k, p.size), safeAccess(s0, dst, p.m, p.size), safeAccess(s2, s2.regs[q.a], q.k, q.size), safeAccess(s2, s2.regs[q.d], q.m, q.size)];
  if (why.some((w) => w === undefined)) return false;
  // the first store must not write what the second load reads
  const ps = place(dst, p.m), ql = place(src, q.k);
  if (!ps || !ql) return false;
  const disjoint = ps.region !== ql.region ? ps.region !== 'mapval' || ql.region !== 'mapval' : ps.at + p.size <= ql.at || ql.at + q.size <= ps.at;
  if (!disjoint || (ps.region === 'mapval' && ql.region === 'mapval')) return false;
  const after = live.liveOut.get(b.insns[at + 3]);
  if (after === undefined || has(after, p.t) || has(after, q.t)) return false;
  const text = [0, 1, 2, 3].map((j) => show(b.insns[at + j])).join('; ');
  const load: Insn = total === 6 ? { kind: 'ldx6', dst: p.t, src: p.a, off: k } : { kind: 'ldx', size: total as AccessSize, signed: false, dst: p.t, src: p.a, off: k };
  const store: Insn = total === 6 ? { kind: 'stx6', dst: p.d, src: p.t, off: m } : { kind: 'stx', size: total as AccessSize, dst: p.d, src: p.t, off: m };
  const l = replaceInsn(b, at, load);
  const st = replaceInsn(b, at + 1, store);
  b.insns.splice(at + 2, 2);
  cx.report(l, `${text} -> ${show(l)}; ${show(st)}`,
    `the two copies move neighbouring bytes ${k}..${k + total - 1} of r${p.a} to ${m}..${m + total - 1} of r${p.d}, which one ${total}-byte copy moves; ${[...new Set(why)].join('; ')} (no access can trap); the first store writes none of the bytes the second load reads (${ps.region !== ql.region ? `${ps.region} and ${ql.region} are different memory` : 'disjoint offsets'}); r${p.t} and r${q.t} are dead after`,
    { fused: 2 });
  return true;
}

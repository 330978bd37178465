// The checksum-fold identity: a ones'-complement fold `s = (s & 0xffff) + (s >> 16)` of a value
// at most H is at most max(0xffff + k - 1, H - 0xffff k) (k = H >> 16), so after enough folds the
// value is below 2^16 and a further fold is the identity. The scalar ranges cannot see this (the
// two halves of one value are correlated), so the pass follows the halves itself within a block.

import type { Insn } from '../../isa/index.js';
import type { IrBlock, IrProgram } from '../ir/index.js';
import { replaceInsn } from '../ir/index.js';
import type { AState } from '../analysis/state.js';
import { MAX_NUM } from '../analysis/values.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

/** The largest (v & 0xffff) + (v >> 16) over 0 <= v <= h. */
export function foldBound(h: number): number {
  if (h <= 0xffff) return h;
  const k = Math.floor(h / 0x10000);
  return Math.max(0xffff + k - 1, h - 0xffff * k);
}

/** What a register holds in terms of a value V (a value number): its low half, its high part, or its high part masked. */
type Part = { readonly of: number; readonly part: 'lo' | 'hi' | 'him'; readonly bound: number };

export const csumFoldPass: Pass = {
  name: 'csum-fold',
  summary: 'checksum folds: `s = (s & 0xffff) + (s >> 16)` on a value already below 2^16 is the identity, so its shift, mask and add go',
  soundness: 'Within a block each register\'s value gets a number (a 64-bit copy keeps it); `t = v & 0xffff`, `t = v >> 16` and `(v >> 16) & 0xffff` are recorded as halves of value v with v\'s proven bound H (the domain\'s range, or an earlier fold\'s bound). Adding the two halves of one v gives the fold of v, at most max(0xffff + k - 1, H - 0xffff k) with k = H >> 16 (the largest fold in each block of 2^16 values; with the masked high part and H unbounded, 0x1fffe). Once a value is at most 0xffff, `x >> 16` of it is 0 (rewritten `x = 0`), `& 0xffff` leaves it unchanged (removed), adding a register known 0 changes nothing (removed) and adding it to a register known 0 is a move.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    let n = 0;
    for (const fn of ir.functions) for (const b of fn.blocks) n += foldBlock(b, (i) => a.before.get(i), cx);
    return n;
  },
};

function foldBlock(b: IrBlock, stateOf: (i: IrBlock['insns'][number]) => AState | undefined, cx: PassContext): number {
  let next = 1;
  const vid = Array.from({ length: 11 }, () => next++);
  const part: (Part | undefined)[] = Array(11).fill(undefined);
  const ub: (number | undefined)[] = Array(11).fill(undefined);
  const zero: boolean[] = Array(11).fill(false);
  /** why ub[r] holds */
  const reason: string[] = Array(11).fill('');
  let n = 0;
  const fresh = (r: number, bound?: number, p?: Part, isZero = false, why = '') => {
    vid[r] = next++;
    ub[r] = bound;
    part[r] = p;
    zero[r] = isZero;
    reason[r] = why;
  };
  const because = (r: number, h: number) => (reason[r] ? `${reason[r]}` : `the domain proves r${r} <= ${h}`);
  for (let at = 0; at < b.insns.length; at++) {
    const site = b.insns[at];
    const s = stateOf(site);
    if (!s) return n;
    const hi = (r: number) => {
      const v = s.regs[r];
      const d = v.k === 'num' ? v.hi : MAX_NUM;
      return Math.min(d, ub[r] ?? MAX_NUM);
    };
    const insn = site.insn;
    const rewrite = (made: Insn | undefined, why: string) => {
      const text = show(site);
      if (made) {
        const out = replaceInsn(b, at, made);
        cx.report(site, `${text} -> ${show(out)}`, why, {});
      } else {
        cx.report(site, `${text}: removed`, why, { removed: 1 });
        b.insns.splice(at, 1);
        at--;
      }
      n++;
    };
    if (insn.kind === 'alu' && insn.width === 64 && insn.src.type === 'imm' && insn.op === 'rsh' && insn.src.value === 16) {
      const d = insn.dst, h = hi(d);
      if (h <= 0xffff) {
        rewrite({ kind: 'alu', op: 'mov', width: 64, dst: d, src: { type: 'imm', value: 0 } }, `${because(d, h)}, so r${d} >> 16 is 0`);
        fresh(d, 0, undefined, true);
      } else fresh(d, Math.floor(h / 0x10000), { of: vid[d], part: 'hi', bound: h });
      continue;
    }
    if (insn.kind === 'alu3' && insn.width === 64 && insn.b.type === 'imm' && insn.op === 'rsh' && insn.b.value === 16) {
      const h = hi(insn.a);
      if (h <= 0xffff) {
        rewrite({ kind: 'alu', op: 'mov', width: 64, dst: insn.dst, src: { type: 'imm', value: 0 } }, `${because(insn.a, h)}, so r${insn.a} >> 16 is 0`);
        fresh(insn.dst, 0, undefined, true);
      } else fresh(insn.dst, Math.floor(h / 0x10000), { of: vid[insn.a], part: 'hi', bound: h });
      continue;
    }
    if (insn.kind === 'alu' && insn.width === 64 && insn.op === 'and' && insn.src.type === 'imm' && insn.src.value === 0xffff) {
      const d = insn.dst, h = hi(d), p = part[d];
      if (h <= 0xffff) {
        rewrite(undefined, `${because(d, h)}, so & 0xffff leaves it unchanged`);
        continue;
      }
      fresh(d, 0xffff, p?.part === 'hi' ? { ...p, part: 'him' } : { of: vid[d], part: 'lo', bound: h });
      continue;
    }
    if (insn.kind === 'alu3' && insn.width === 64 && insn.op === 'and' && insn.b.type === 'imm' && insn.b.value === 0xffff) {
      fresh(insn.dst, 0xffff, { of: vid[insn.a], part: 'lo', bound: hi(insn.a) });
      continue;
    }
    if (insn.kind === 'alu' && insn.width === 64 && insn.op === 'add' && insn.src.type === 'reg') {
      const d = insn.dst, r = insn.src.reg;
      if (zero[r] && r !== d) {
        rewrite(undefined, `r${r} is 0 here (a fold of a value below 2^16 shifted right by 16), so adding it changes nothing`);
        continue;
      }
      if (zero[d] && r !== d) {
        rewrite({ kind: 'alu', op: 'mov', width: 64, dst: d, src: { type: 'reg', reg: r } }, `r${d} is 0 here (a fold of a value below 2^16 shifted right by 16), so r${d} + r${r} is r${r}`);
        vid[d] = vid[r];
        ub[d] = ub[r];
        part[d] = part[r];
        zero[d] = zero[r];
        reason[d] = reason[r];
        continue;
      }
      const [p, q] = [part[d], part[r]];
      const fold = p && q && p.of === q.of && new Set([p.part, q.part]).has('lo') && p.part !== q.part ? (p.part === 'lo' ? q : p) : undefined;
      if (fold) {
        const h = Math.max(p!.bound, q!.bound);
        const bound = fold.part === 'him' ? (h < 2 ** 32 ? foldBound(h) : 0x1fffe) : h < MAX_NUM ? foldBound(h) : undefined;
        fresh(d, bound, undefined, false, bound === undefined ? '' : `r${d} = (v & 0xffff) + (v >> 16)${fold.part === 'him' ? ' & 0xffff' : ''} for a value v <= ${h} (its halves taken in this block), which is at most ${bound}`);
        continue;
      }
    }
    if (insn.kind === 'alu' && insn.width === 64 && insn.op === 'mov' && insn.src.type === 'reg') {
      // a copy holds the same value (and what is known of it)
      const [d, r] = [insn.dst, insn.src.reg];
      [vid[d], ub[d], part[d], zero[d], reason[d]] = [vid[r], ub[r], part[r], zero[r], reason[r]];
      continue;
    }
    // any other write: the register holds a new value
    for (const w of written(insn)) fresh(w);
  }
  return n;
}

/** Registers an instruction writes or clobbers (calls: r0-r5). */
function written(insn: Insn): number[] {
  switch (insn.kind) {
    case 'alu': case 'alu3': case 'end': case 'lddw': case 'ldx': case 'ldx6': return [insn.dst];
    case 'call': case 'call-local': case 'callx': case 'ld-abs': case 'ld-ind': return [0, 1, 2, 3, 4, 5];
    case 'atomic': return [insn.src, 0];
    default: return [];
  }
}

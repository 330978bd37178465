// Packet bounds checks: (a)/(b) removal of the checks the domain proves never fail (implied by an
// earlier check on every path, or covered by the minimum frame), and (d) the rest with a constant
// offset fused into the core's `if len < N goto L`. Other decided jumps are branches.ts's.

import { jlen } from '../../isa/index.js';
import type { IrBlock, IrInsn, IrProgram } from '../ir/index.js';
import { replaceInsn, walk } from '../ir/index.js';
import { FROM_FRAME } from '../analysis/state.js';
import type { AState } from '../analysis/state.js';
import { packetCheck } from '../analysis/obligations.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

/** (a) and (b): a check whose failing edge the domain proves infeasible goes. */
export const boundsPass: Pass = {
  name: 'bounds',
  summary: 'remove packet bounds checks implied by an earlier check on every path (a) or by the minimum frame (b)',
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    let n = 0;
    for (const site of [...walk(ir)]) {
      const s = a.before.get(site.insn);
      const way = a.decided.get(site.insn);
      const ob = s && packetCheck(site.insn.insn, s);
      if (!s || !way || !ob) continue;
      const proof = boundsProof(s, ob.hi + ob.extra, cx.options.minFrame);
      decide(site.block, site.at, way, cx, `packet check ${show(site.insn)}: ${way === 'fall' ? 'never' : 'always'} taken`, proof);
      n++;
    }
    return n;
  },
};

function boundsProof(s: AState, need: number, minFrame: number): string {
  if (s.lenFrom === FROM_FRAME)
    return `(b) the packet is at least ${s.minLen} bytes (the NIC delivers frames of at least ${minFrame} bytes, --min-frame) and the check needs data + ${need} <= data_end`;
  return `(a) data_end - data >= ${s.minLen} on every path here (proven by the check at pc ${s.lenFrom}) and the check needs data + ${need} <= data_end`;
}

/** Removes a jump never taken, or turns one always taken into a goto. */
export function decide(block: IrBlock, at: number, way: 'taken' | 'fall', cx: PassContext, what: string, proof: string): void {
  const i = block.insns[at];
  if (way === 'fall') {
    cx.report(i, `${what}: removed`, proof, { removed: 1 });
    block.insns.splice(at, 1);
  } else {
    cx.report(i, `${what}: now goto ${i.target}`, proof, {});
    replaceInsn(block, at, { kind: 'ja', off: 0, wide: false }, { target: i.target });
  }
}

/** (d): `rX = data + N; if rX > data_end goto L` → `if len < N goto L` (rX's computation then dies, dce.ts). */
export const jlenPass: Pass = {
  name: 'jlen',
  summary: 'fuse the remaining constant-offset packet checks into the core\'s `if len < N goto L` syllable',
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    let n = 0;
    for (const site of [...walk(ir)]) {
      const s = a.before.get(site.insn);
      const ob = s && packetCheck(site.insn.insn, s);
      if (!s || !ob || site.insn.insn.kind !== 'jmp' || ob.lo !== ob.hi || ob.failing !== 'taken') continue;
      const len = ob.lo + ob.extra;
      fuse(site.block, site.at, site.insn, len, cx);
      n++;
    }
    return n;
  },
};

function fuse(block: IrBlock, at: number, old: IrInsn, len: number, cx: PassContext): void {
  const text = show(old);
  replaceInsn(block, at, jlen(len), { target: old.target });
  cx.report(old, `${text} -> if len < ${len} goto ${old.target}`,
    `the compared pointer is data + ${len} exactly in the current packet (no resizing helper since data was read), so the jump is taken iff data_end - data < ${len}`,
    {});
}

// Dead stores to the stack frame: a store through r10 + c whose bytes no later instruction reads
// before they are written again or the function exits (analysis/frame-liveness.ts).

import type { IrProgram } from '../ir/index.js';
import { walk } from '../ir/index.js';
import { deadSpan, frameLiveness } from '../analysis/frame-liveness.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

export const deadStorePass: Pass = {
  name: 'dse',
  summary: 'remove stores to stack bytes that no path reads before they are overwritten or the function exits',
  soundness: 'The store writes r10 + c .. r10 + c + size - 1, inside the frame, so it cannot trap. Frame-byte liveness (a backward fixpoint) marks a byte live when some later instruction may read it: a load, an atomic or a helper pointer argument the domain places on it, and every byte at a load through a pointer the domain cannot place, a local or indirect call or an unknown helper; an exit kills the whole frame (nothing outside the program reads it). When no byte the store writes is live after it, no execution reads what it wrote, and removing it changes nothing observable.',
  syllables: [],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    const live = frameLiveness(ir, a);
    let n = 0;
    for (const site of [...walk(ir)].reverse()) {
      const insn = site.insn.insn;
      const s = a.before.get(site.insn);
      if (!s || (insn.kind !== 'st' && insn.kind !== 'stx')) continue;
      const base = s.regs[insn.dst];
      if (base.k !== 'fp') continue;
      const off = base.off + insn.off;
      const after = live.liveOut.get(site.insn);
      if (!after || !deadSpan(after, off, insn.size)) continue;
      cx.report(site.insn, `${show(site.insn)}: removed`, `it writes r10${off}..r10${off + insn.size - 1} (${insn.size} bytes, inside the frame) and no path reads any of those bytes before they are written again or the function exits`, { removed: 1 });
      site.block.insns.splice(site.at, 1);
      n++;
    }
    return n;
  },
};

// The kernel verifier's structural checks that need no dataflow (check_subprogs, check_cfg in
// kernel/bpf/verifier.c), applied to each linked program: every function ends in exit or an
// unconditional jump, no jump leaves its function or lands inside an lddw, every local call (and
// every function address an lddw loads, e.g. a bpf_loop callback) lands on a function start. Messages use the kernel's words where it has them; indexes are slots.
// Does not check registers, types or bounds (that is the verifier's dataflow, not done here).

import { branchTarget, endsFlow } from '../../isa/index.js';
import { FormatError } from './bytes.js';
import type { Program } from './types.js';

/** Throws FormatError(why, slot) for the first structural problem of `p`. */
export function checkStructure(p: Program): void {
  const { insns, pcs, slots } = p.code;
  const starts = new Set(pcs);
  const fnStarts = new Set(p.functions.map((f) => pcs[f.start]));
  p.functions.forEach((f, k) => {
    const endIndex = k + 1 < p.functions.length ? p.functions[k + 1].start : insns.length;
    if (endIndex <= f.start) return;
    const first = pcs[f.start];
    const end = endIndex < insns.length ? pcs[endIndex] : slots;
    const where = k === 0 ? `program ${p.name}` : `function ${f.name} of program ${p.name}`;
    for (let i = f.start; i < endIndex; i++) {
      const insn = insns[i];
      const target = branchTarget(insn, pcs[i]);
      if (target === undefined) continue;
      if (insn.kind === 'call-local' || insn.kind === 'lddw') {
        const what = insn.kind === 'lddw' ? 'function address' : 'call';
        if (target < 0 || target >= slots) throw new FormatError(`${what} to invalid destination ${target} (${where})`, pcs[i]);
        if (!fnStarts.has(target)) throw new FormatError(`${what} to insn ${target}, which is not the start of a function (${where})`, pcs[i]);
        continue;
      }
      if (target < first || target >= end) throw new FormatError(`jump out of range from insn ${pcs[i]} to ${target} (${where})`, pcs[i]);
      if (!starts.has(target)) throw new FormatError(`jump into the middle of ldimm64 insn ${target - 1} (${where})`, pcs[i]);
    }
    const last = insns[endIndex - 1];
    if (!endsFlow(last)) throw new FormatError(`last insn is not an exit or jmp (${where})`, pcs[endIndex - 1]);
  });
}

// Packet bounds checks: (a)/(b) removal of the checks the domain proves never fail (implied by an
// earlier check on every path, or covered by the minimum frame), (c) chains of checks failing to
// one block merged into the first, and (d) the rest with a constant offset fused into the core's
// `if len < N goto L`. Other decided jumps are branches.ts's.

import { defuse, jlen } from '../../isa/index.js';
import type { IrBlock, IrInsn, IrProgram, Label } from '../ir/index.js';
import { replaceInsn, successors, walk } from '../ir/index.js';
import { FRAME, FROM_FRAME } from '../analysis/state.js';
import type { Absint } from '../analysis/absint.js';
import { has, liveness, step } from '../analysis/liveness.js';
import type { Liveness } from '../analysis/liveness.js';
import { deadSpan, frameLiveness, frameStep } from '../analysis/frame-liveness.js';
import type { FrameLiveness } from '../analysis/frame-liveness.js';
import { safeAccess } from '../analysis/access.js';
import type { AState } from '../analysis/state.js';
import { packetCheck } from '../analysis/obligations.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

/** (a) and (b): a check whose failing edge the domain proves infeasible goes. */
export const boundsPass: Pass = {
  name: 'bounds',
  summary: 'remove packet bounds checks implied by an earlier check on every path (a) or by the minimum frame (b)',
  soundness: 'The check compares data + off (off in [lo, hi]) with data_end. The domain carries, on every path, a proven minimum packet length: the --min-frame at entry (b), raised on the passing edge of each check (a), reset by any helper that moves or resizes the packet (adjust_head/tail/meta, unknown calls). The failing edge is infeasible when that minimum is at least hi (+1 for >=), so the jump never goes that way on any packet the core is given; a check proven always to pass the other way becomes a goto. The hardware guard is not used as a justification.',
  syllables: [],
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
  soundness: 'When the compared pointer is data + N exactly (a single offset, in the current packet: no resizing helper since data and data_end were read), `data + N > data_end` holds iff data_end - data < N, which is what jlen tests on the current length. The pointer arithmetic that fed the compare is left to dce, which removes it when nothing else reads it.',
  syllables: ['jlen'],
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

/**
 * (c): a check C2 of data + N2 reached from an earlier check C1 of data + N1 < N2 along a chain
 * of blocks that only C1's path enters, both failing to the same block F: C1 becomes
 * `if len < N2 goto F` and C2 goes.
 */
export const mergePass: Pass = {
  name: 'bounds-merge',
  summary: 'merge a chain of packet checks failing to the same block into one check of the largest length, made at the first (c)',
  soundness: 'C1 (data + N1 > data_end, taken to F) reaches C2 (data + N2 > data_end, N2 > N1, taken to F) along blocks each entered only from the one before, whose jumps all go on along the chain or to F. Between them nothing calls, writes memory other than frame bytes F does not read (frame liveness), writes a register live at F, or may trap (every load proven in bounds); both compare pointers of the current packet (no resizing helper since data was read). A packet at least N2 long passes C1 and C2 in both programs. A shorter one reaches F in the original either at C1 or, after the chain, at one of its jumps to F or at C2; the merged check sends it to F at C1. Nothing F can observe (its live registers, the frame bytes it reads, maps, packet) changed in between, so F does the same.',
  syllables: ['jlen'],
  run(ir: IrProgram, cx: PassContext): number {
    const a = cx.analysis();
    const succ = successors(ir);
    const preds = new Map<Label, Label[]>();
    for (const [from, tos] of succ) for (const to of tos) preds.set(to, [...(preds.get(to) ?? []), from]);
    const live = liveness(ir);
    const frame = frameLiveness(ir, a);
    let n = 0;
    for (const fn of ir.functions) {
      const byLabel = new Map(fn.blocks.map((b) => [b.label, b]));
      for (const b2 of fn.blocks) {
        const c2 = constantCheck(b2, a);
        if (!c2) continue;
        const chain: IrBlock[] = [b2];
        let c1: ReturnType<typeof constantCheck>;
        for (let b = b2; ; ) {
          const ps = preds.get(b.label) ?? [];
          const p = ps.length === 1 ? byLabel.get(ps[0]) : undefined;
          if (!p || p === b2 || chain.includes(p)) break;
          c1 = constantCheck(p, a);
          if (c1) break;
          chain.unshift(p);
          b = p;
        }
        if (!c1 || c1.target !== c2.target || c1.need >= c2.need) continue;
        const f = byLabel.get(c2.target);
        if (!f || !f.insns[0] || !quietChain(chain, c2.insn, f, c2.target, a, live, frame)) continue;
        const first = c1.block.insns[c1.block.insns.length - 1];
        const text1 = show(first), text2 = show(c2.insn);
        replaceInsn(c1.block, c1.block.insns.length - 1, jlen(c2.need), { target: c2.target });
        c2.block.insns.pop();
        cx.report(first, `${text1}; ... ${text2} -> if len < ${c2.need} goto ${c2.target} at the first, the second removed`,
          `(c) the first check needs ${c1.need} bytes, the second ${c2.need}, both fail to ${c2.target}; the blocks between (${chain.map((x) => x.label).join(', ')}) are entered only along the chain, leave only to ${c2.target}, call nothing, write no memory ${c2.target} reads and no register live there, and cannot trap: a packet shorter than ${c2.need} bytes reaches ${c2.target} with the same state either way`,
          { removed: 1 });
        n++;
        break;
      }
    }
    return n;
  },
};

/** The constant-offset check ending block b (failing by its jump), with the length it needs. */
function constantCheck(b: IrBlock, a: Absint): { block: IrBlock; insn: IrInsn; target: Label; need: number } | undefined {
  const last = b.insns[b.insns.length - 1];
  const s = last && a.before.get(last);
  const c = s && packetCheck(last.insn, s);
  if (!c || last.insn.kind !== 'jmp' || c.lo !== c.hi || c.failing !== 'taken' || last.target === undefined) return undefined;
  return { block: b, insn: last, target: last.target, need: c.hi + c.extra };
}

/** Nothing in the chain (C2 itself aside) can be seen at F or trap; its jumps go on along it or to F. */
function quietChain(chain: IrBlock[], c2: IrInsn, f: IrBlock, fail: Label, a: Absint, live: Liveness, frame: FrameLiveness): boolean {
  const fs = a.before.get(f.insns[0]);
  const fLive = step(f.insns[0], live.liveOut.get(f.insns[0]) ?? 0x7ff);
  const fFrame = frameStep(f.insns[0], frame.liveOut.get(f.insns[0]) ?? new Uint32Array(FRAME / 32).fill(0xffffffff), fs, a.maps);
  const labels = new Set(chain.map((b) => b.label));
  for (const b of chain)
    for (const i of b.insns) {
      if (i === c2) continue;
      const s = a.before.get(i);
      const insn = i.insn;
      if (!s) return false;
      const du = defuse(insn);
      if ([...du.writes, ...du.clobbers].some((r) => has(fLive, r))) return false;
      switch (insn.kind) {
        case 'alu': case 'alu3': case 'end': case 'lddw': break;
        case 'ldx': case 'ldx6': {
          const base = s.regs[insn.src];
          if (base.k !== 'ctx' && !safeAccess(s, base, insn.off, insn.kind === 'ldx6' ? 6 : insn.size)) return false;
          break;
        }
        case 'st': case 'stx': {
          const base = s.regs[insn.dst];
          if (base.k !== 'fp' || !deadSpan(fFrame, base.off + insn.off, insn.size)) return false;
          break;
        }
        case 'jmp': case 'jlen': case 'ja':
          if (i.target !== fail && !labels.has(i.target!)) return false;
          break;
        default: return false;
      }
    }
  return true;
}

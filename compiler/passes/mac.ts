// 6-byte moves: a straight run of 2-byte loads and stores through one packet pointer that only
// moves bytes around (a MAC copy or swap) becomes, per 6-byte destination, one `ldx6` and one
// `stx6` (the core's syllables). Only where the domain proves every access inside the packet.

import type { IrBlock, IrProgram } from '../ir/index.js';
import { newInsn } from '../ir/index.js';
import { has, liveness } from '../analysis/liveness.js';
import type { Liveness } from '../analysis/liveness.js';
import type { Absint } from '../analysis/absint.js';
import type { Pass, PassContext } from './types.js';
import { show } from './types.js';

export const macPass: Pass = {
  name: 'mac6',
  summary: 'turn runs of 2-byte loads and stores that copy or swap 6-byte fields (MAC addresses) into 6-byte loads and stores',
  soundness: 'The run is executed symbolically: each register holds the original bytes at some offset of the pointer, each store moves such bytes, so the run\'s whole effect is a set of moves "bytes d..d+5 get the original bytes s..s+5". Loading every source with ldx6 before storing any destination with stx6 has the same effect. The domain proves every byte touched lies inside the packet (no trap either way), nothing else is read or written in the run, and the registers it used are dead after it.',
  syllables: ['ldx6', 'stx6'],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    for (;;) {
      const a = cx.analysis();
      const live = liveness(ir);
      let done = false;
      for (const fn of ir.functions) for (const b of fn.blocks) for (let at = 0; at < b.insns.length && !done; at++) done = tryRun(b, at, a, live, cx);
      if (!done) return n;
      n++;
    }
  },
};

interface Run {
  readonly end: number;
  readonly base: number;
  /** destination offset → original source offset (2-byte cells) */
  readonly moves: Map<number, number>;
  readonly written: Set<number>;
}

/** The longest run of 2-byte loads and stores through one base from `at` that only moves bytes. */
function scan(b: IrBlock, at: number): Run | undefined {
  const first = b.insns[at].insn;
  if (first.kind !== 'ldx' || first.size !== 2 || first.signed) return undefined;
  const base = first.src;
  const regs = new Map<number, number>();
  const mem = new Map<number, number>();
  const written = new Set<number>();
  let best: Run | undefined;
  for (let j = at; j < b.insns.length; j++) {
    const insn = b.insns[j].insn;
    if (insn.kind === 'ldx' && insn.size === 2 && !insn.signed && insn.src === base && insn.dst !== base) {
      if (mem.has(insn.off - 1) || mem.has(1 + insn.off)) break; // a half-word overlapping this one
      regs.set(insn.dst, mem.get(insn.off) ?? insn.off);
      written.add(insn.dst);
    } else if (insn.kind === 'stx' && insn.size === 2 && insn.dst === base && regs.has(insn.src)) {
      if (mem.has(insn.off - 1) || mem.has(1 + insn.off)) break; // a half-word overlapping this one
      mem.set(insn.off, regs.get(insn.src)!);
    } else break;
    if (insn.kind === 'stx') best = { end: j + 1, base, moves: new Map(mem), written: new Set(written) };
  }
  return best;
}

/** Groups the moves into 6-byte blocks d ← s; undefined when some move fits none. */
function blocks(moves: Map<number, number>): [number, number][] | undefined {
  const real = [...moves].filter(([d, s]) => d !== s).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  const used = new Set<number>();
  for (const [d, s] of real) {
    if (used.has(d)) continue;
    if (moves.get(d + 2) !== s + 2 || moves.get(d + 4) !== s + 4) return undefined;
    out.push([d, s]);
    used.add(d).add(d + 2).add(d + 4);
  }
  return out.length > 0 ? out : undefined;
}

function tryRun(b: IrBlock, at: number, a: Absint, live: Liveness, cx: PassContext): boolean {
  const run = scan(b, at);
  if (!run) return false;
  const moves = blocks(run.moves);
  if (!moves || 2 * moves.length >= run.end - at) return false;
  const s = a.before.get(b.insns[at]);
  const p = s?.regs[run.base];
  const offs = [...run.moves.keys(), ...run.moves.values()];
  const top = Math.max(...offs) + 2, bottom = Math.min(...offs);
  if (!s || p?.k !== 'pkt' || bottom < 0 || p.hi + top > s.minLen) return false;
  const after = live.liveOut.get(b.insns[run.end - 1])!;
  const temps = [...run.written].filter((r) => !has(after, r));
  if (temps.length < moves.length || [...run.written].some((r) => has(after, r))) return false;
  const text = b.insns.slice(at, run.end).map(show).join('; ');
  const made = [
    ...moves.map(([, src], k) => newInsn(b, { kind: 'ldx6', dst: temps[k], src: run.base, off: src }, { lineOf: b.insns[at] })),
    ...moves.map(([dst], k) => newInsn(b, { kind: 'stx6', dst: run.base, src: temps[k], off: dst }, { lineOf: b.insns[at] })),
  ];
  const origin = b.insns[at];
  b.insns.splice(at, run.end - at, ...made.map((m, k) => (k === 0 && origin.origin ? { ...m, origin: origin.origin } : m)));
  cx.report(origin, `${text} -> ${made.map(show).join('; ')}`,
    `the run only moves bytes: ${moves.map(([d, src]) => `${d}..${d + 5} <- original ${src}..${src + 5}`).join(', ')}; every access lies in data + [0, ${p.hi + top}) <= the proven length ${s.minLen}, and r${temps.join(', r')} are dead after`,
    { fused: run.end - at - made.length });
  return true;
}

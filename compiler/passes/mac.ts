// 6-byte moves: a straight run of 2-byte loads and stores through one packet pointer that only
// moves bytes around (a MAC copy or swap) becomes, per 6-byte destination, one `ldx6` and one
// `stx6` (the core's syllables). Only where the domain proves every access inside the packet.

import { FP } from '../../isa/index.js';
import type { IrBlock, IrFunction, IrInsn, IrProgram } from '../ir/index.js';
import { newInsn, successors } from '../ir/index.js';
import { dominators } from '../analysis/dominators.js';
import type { DomTree } from '../analysis/dominators.js';
import { frameReads, frameWrites } from '../analysis/frame-liveness.js';
import type { Span } from '../analysis/frame-liveness.js';
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
    // as in wide: a rewrite changes only registers dead after it, so one analysis serves the run
    const a = cx.analysis();
    const live = liveness(ir);
    for (const fn of ir.functions) for (const b of fn.blocks) for (let at = 0; at < b.insns.length; at++) if (tryRun(b, at, a, live, cx)) n++;
    return n;
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

/** One 2-byte field carried through an 8-byte frame slot: `rT = *(u16 *)(pkt)` + `*(u64 *)(slot) = rT`, or the way back. */
interface Carry {
  /** index in the block of the first of its two instructions */
  readonly at: number;
  /** the absolute packet offset (data + pkt) it reads or writes */
  readonly pkt: number;
  /** the frame slot (offset from r10) */
  readonly slot: number;
  readonly temp: number;
  /** the packet pointer register and its offset from data */
  readonly base: number;
  readonly baseOff: number;
}

/** Runs of adjacent carries in a block: `spill` = packet → slot, `reload` = slot → packet. */
function carries(b: IrBlock, a: Absint, dir: 'spill' | 'reload'): Carry[][] {
  const runs: Carry[][] = [];
  let run: Carry[] = [];
  for (let at = 0; at + 1 < b.insns.length; ) {
    const c = carryAt(b, at, a, dir);
    if (c) {
      run.push(c);
      at += 2;
      continue;
    }
    if (run.length > 0) runs.push(run);
    run = [];
    at++;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function carryAt(b: IrBlock, at: number, a: Absint, dir: 'spill' | 'reload'): Carry | undefined {
  const [x, y] = [b.insns[at].insn, b.insns[at + 1].insn];
  const s = a.before.get(b.insns[at]);
  if (!s || x.kind !== 'ldx' || y.kind !== 'stx' || y.src !== x.dst || x.signed) return undefined;
  const [pktReg, pktOff, frameReg, frameOff] = dir === 'spill' ? [x.src, x.off, y.dst, y.off] : [y.dst, y.off, x.src, x.off];
  if ((dir === 'spill' ? [x.size, y.size] : [y.size, x.size]).join() !== '2,8' || x.dst === pktReg || x.dst === frameReg) return undefined;
  const p = s.regs[pktReg], f = s.regs[frameReg];
  if (p.k !== 'pkt' || p.lo !== p.hi || f.k !== 'fp' || p.lo + pktOff < 0 || p.hi + pktOff + 2 > s.minLen) return undefined;
  return { at, pkt: p.lo + pktOff, slot: f.off + frameOff, temp: x.dst, base: pktReg, baseOff: p.lo };
}

/** Three carries of the run at packet offsets x, x + 2, x + 4, by the lowest x first. */
function triples(run: Carry[]): Carry[][] {
  const byPkt = new Map(run.map((c) => [c.pkt, c]));
  const used = new Set<Carry>();
  const out: Carry[][] = [];
  for (const c of [...run].sort((p, q) => p.pkt - q.pkt)) {
    const t = [c, byPkt.get(c.pkt + 2), byPkt.get(c.pkt + 4)];
    if (t.some((x) => !x || used.has(x))) continue;
    t.forEach((x) => used.add(x!));
    out.push(t as Carry[]);
  }
  return out;
}

export const macSpillPass: Pass = {
  name: 'mac6-spill',
  summary: 'carry 6-byte fields saved on the stack across a helper call (three 2-byte loads spilled to three slots, later reloaded and stored) as one ldx6 spilled to one slot and one stx6',
  soundness: 'Three 2-byte loads of packet bytes x..x+5, each stored whole to its own 8-byte frame slot, and three 8-byte reloads of those slots each stored as 2 bytes to packet bytes d..d+5 copy x..x+5 to d..d+5. One ldx6 of x..x+5 stored to the first slot, and a reload of that slot stored by stx6 at d, copy the same bytes. It holds when: the domain proves every packet access inside the proven length (no trap moves); the spilling block dominates the reloading one (every path to the reloads passed the spills); no other instruction of the function may write or read any byte of the three slots (frame accesses placed by the domain; an access it cannot place, a local call or an unknown helper rules the change out), so the only reads of what the spills wrote are these reloads and the two slots left unwritten are read by nobody; the runs hold only these loads and stores (no packet write between the spilled loads, no overlap between the stored fields); the temporary registers are dead after each run.',
  syllables: ['ldx6', 'stx6'],
  run(ir: IrProgram, cx: PassContext): number {
    let n = 0;
    const succ = successors(ir);
    for (const fn of ir.functions) {
      const first = cx.analysis();
      if (!fn.blocks.some((b) => carries(b, first, 'reload').length > 0)) continue;
      for (;;) {
        const a = cx.analysis();
        const live = liveness(ir);
        const dom = dominators(fn, succ);
        if (!carryOnce(fn, a, live, dom, cx)) break;
        n++;
      }
    }
    return n;
  },
};

function carryOnce(fn: IrFunction, a: Absint, live: Liveness, dom: DomTree, cx: PassContext): boolean {
  const reloads = fn.blocks.flatMap((b) => carries(b, a, 'reload').map((run) => ({ b, run })));
  if (reloads.length === 0) return false;
  for (const A of fn.blocks)
    for (const spill of carries(A, a, 'spill'))
      for (const t of triples(spill))
        for (const { b: B, run } of reloads) {
          if (B === A || !dom.dominates(A.label, B.label)) continue;
          const back = t.map((c) => run.find((r) => r.slot === c.slot));
          if (back.some((r) => !r) || back[1]!.pkt !== back[0]!.pkt + 2 || back[2]!.pkt !== back[0]!.pkt + 4) continue;
          if (!runOk(A, spill, live) || !runOk(B, run, live) || overlapping(run)) continue;
          const slots = t.map((c) => c.slot);
          if (!slotsPrivate(fn, a, slots, new Set([...t.map((c) => A.insns[c.at + 1]), ...back.map((r) => B.insns[r!.at])]))) continue;
          rewrite(A, B, t, back as Carry[], cx);
          return true;
        }
  return false;
}

/** The run's temporaries are dead after it and none is the packet pointer of another carry. */
function runOk(b: IrBlock, run: Carry[], live: Liveness): boolean {
  const end = b.insns[run[run.length - 1].at + 1];
  const after = live.liveOut.get(end);
  return after !== undefined && run.every((c) => !has(after, c.temp) && !run.some((d) => d.base === c.temp));
}

const overlapping = (run: Carry[]): boolean => run.some((c, i) => run.some((d, j) => i !== j && Math.abs(c.pkt - d.pkt) < 2));

/** No instruction of fn but `mine` may read or write a byte of the 8-byte slots. */
function slotsPrivate(fn: IrFunction, a: Absint, slots: number[], mine: Set<IrInsn>): boolean {
  const hits = (spans: Span[] | 'any') => spans === 'any' || spans.some((sp) => slots.some((o) => sp.off < o + 8 && o < sp.off + sp.size));
  for (const b of fn.blocks)
    for (const i of b.insns) {
      if (mine.has(i)) continue;
      const s = a.before.get(i);
      if (s && (hits(frameReads(i, s, a.maps)) || hits(frameWrites(i, s, a.maps)))) return false;
    }
  return true;
}

function rewrite(A: IrBlock, B: IrBlock, t: Carry[], back: Carry[], cx: PassContext): void {
  const first = [...t].sort((p, q) => p.at - q.at)[0];
  const firstBack = [...back].sort((p, q) => p.at - q.at)[0];
  const textA = t.map((c) => `${show(A.insns[c.at])}; ${show(A.insns[c.at + 1])}`).join('; ');
  const textB = back.map((c) => `${show(B.insns[c.at])}; ${show(B.insns[c.at + 1])}`).join('; ');
  const origin = A.insns[first.at];
  const spill = [
    newInsn(A, { kind: 'ldx6', dst: first.temp, src: t[0].base, off: t[0].pkt - t[0].baseOff }, { lineOf: A.insns[t[0].at] }),
    newInsn(A, { kind: 'stx', size: 8, dst: FP, src: first.temp, off: t[0].slot }, { lineOf: A.insns[t[0].at + 1] }),
  ];
  const reload = [
    newInsn(B, { kind: 'ldx', size: 8, signed: false, dst: firstBack.temp, src: FP, off: t[0].slot }, { lineOf: B.insns[back[0].at] }),
    newInsn(B, { kind: 'stx6', dst: back[0].base, src: firstBack.temp, off: back[0].pkt - back[0].baseOff }, { lineOf: B.insns[back[0].at + 1] }),
  ];
  const put = (blk: IrBlock, cs: Carry[], at: number, made: IrInsn[]) => {
    for (const c of [...cs].sort((p, q) => q.at - p.at)) blk.insns.splice(c.at, 2, ...(c.at === at ? made : []));
  };
  put(B, back, firstBack.at, reload);
  put(A, t, first.at, spill.map((m, k) => (k === 0 && origin.origin ? { ...m, origin: origin.origin } : m)));
  cx.report(origin, `${textA} -> ${spill.map(show).join('; ')}; ${textB} -> ${reload.map(show).join('; ')}`,
    `packet bytes ${t[0].pkt}..${t[0].pkt + 5} go through slots r10${t.map((c) => c.slot).join(', r10')} to packet bytes ${back[0].pkt}..${back[0].pkt + 5} (of the packet at ${B.label}); ${A.label} dominates ${B.label}, no other instruction reads or writes those slots, every packet access lies in the proven length, and the temporaries are dead after both runs`,
    { fused: 8 });
}

// Liveness of the bytes of each function's stack frame: after every instruction, the frame bytes
// some later instruction may still read before they are written again (a backward fixpoint over
// ir/flow's successors). Addresses come from the pointer domain (absint.ts): a load, a helper's
// pointer argument or an atomic through r10 + c reads exactly those bytes; one through a pointer
// the domain cannot place, a local or indirect call, or an unknown helper may read any of them.
// A frame dies at exit. Only stores through r10 + c with the whole span known kill.

import { defuse, FP } from '../../isa/index.js';
import type { HelperSize } from '../../isa/index.js';
import type { IrFunction, IrInsn, IrProgram, Label } from '../ir/index.js';
import { successors } from '../ir/index.js';
import type { Absint } from './absint.js';
import { FRAME } from './state.js';
import type { AState } from './state.js';
import type { MapSizes } from './transfer.js';

/** Bit FRAME + off set: the byte at r10 + off may still be read (FRAME bits in 32-bit words). */
export type FrameSet = Uint32Array;

const WORDS = FRAME / 32;
const bit = (set: FrameSet, i: number): boolean => (set[i >>> 5] & (1 << (i & 31))) !== 0;

export interface FrameLiveness {
  /** frame bytes live after each reachable instruction */
  readonly liveOut: ReadonlyMap<IrInsn, FrameSet>;
}

const none = (): FrameSet => new Uint32Array(WORDS);
const all = (): FrameSet => new Uint32Array(WORDS).fill(0xffffffff);

function mark(set: FrameSet, off: number, size: number, v: 0 | 1): void {
  for (let i = Math.max(0, FRAME + off); i < Math.min(FRAME, FRAME + off + size); i++)
    if (v) set[i >>> 5] |= 1 << (i & 31);
    else set[i >>> 5] &= ~(1 << (i & 31));
}

/** The frame span [off, off + size) an access through register r reaches, 'any' when unknown, undefined when it is no frame memory. */
function span(s: AState, r: number, off: number, size: number | undefined): { off: number; size: number } | 'any' | undefined {
  const v = r === FP ? { k: 'fp' as const, off: 0 } : s.regs[r];
  if (v.k === 'fp') return { off: v.off + off, size: size ?? -(v.off + off) };
  if (v.k === 'top') return 'any';
  return undefined;
}

function helperSize(s: AState, size: HelperSize, maps: readonly MapSizes[]): number | undefined {
  if (typeof size === 'number') return size;
  const m = s.regs[1];
  if ((size === 'map-key' || size === 'map-value') && m.k === 'map' && maps[m.map]) {
    // 0: a map whose sizes the object does not say (an llvm-objdump listing): unknown
    const n = size === 'map-key' ? maps[m.map].keySize : maps[m.map].valueSize;
    if (n > 0) return n;
  }
  if (typeof size === 'object') {
    const v = s.regs[size.reg];
    return v.k === 'num' ? v.hi : undefined;
  }
  return undefined; // a map's key or value size not known: up to the end of the frame
}

/** A span of the frame: bytes r10 + off .. r10 + off + size - 1. */
export interface Span {
  readonly off: number;
  readonly size: number;
}

/** The frame bytes (register r + off, size bytes) as spans, or 'any' when the domain cannot place them. */
function spanAt(s: AState, r: number, off: number, size: number | undefined): Span[] | 'any' {
  const sp = span(s, r, off, size);
  return sp === 'any' ? 'any' : sp ? [sp] : [];
}

/** The frame bytes one side of an instruction's memory effects names (defuse's reads or writes): helper arguments placed by the domain, anything else unplaced. */
function effectSpans(insn: IrInsn['insn'], side: 'memReads' | 'memWrites', s: AState, maps: readonly MapSizes[]): Span[] | 'any' {
  const effects = defuse(insn)[side];
  if (insn.kind !== 'call') return effects.some((m) => m.region === 'any' || m.region === 'pointer' || m.region === 'stack') ? 'any' : [];
  const out: Span[] = [];
  for (const m of effects) {
    if (m.region === 'any') return 'any';
    if (m.region === 'stack') out.push({ off: m.off, size: m.size });
    if (m.region === 'pointer') {
      const r = spanAt(s, m.base, m.off, helperSize(s, m.size, maps));
      if (r === 'any') return 'any';
      out.push(...r);
    }
  }
  return out;
}

/** The frame bytes `i` may read (its domain state before it: s), or 'any' when the domain cannot place them. */
export function frameReads(i: IrInsn, s: AState | undefined, maps: readonly MapSizes[] = []): Span[] | 'any' {
  if (!s) return [];
  const insn = i.insn;
  switch (insn.kind) {
    case 'ldx': return spanAt(s, insn.src, insn.off, insn.size);
    case 'ldx6': return spanAt(s, insn.src, insn.off, 6);
    case 'atomic': return spanAt(s, insn.dst, insn.off, insn.size);
    case 'call-local': case 'callx': return 'any';
    default: return effectSpans(insn, 'memReads', s, maps);
  }
}

/** The frame bytes `i` may write, or 'any'. */
export function frameWrites(i: IrInsn, s: AState | undefined, maps: readonly MapSizes[] = []): Span[] | 'any' {
  if (!s) return [];
  const insn = i.insn;
  switch (insn.kind) {
    case 'st': case 'stx': case 'atomic': return spanAt(s, insn.dst, insn.off, insn.size);
    case 'stx6': return spanAt(s, insn.dst, insn.off, 6);
    case 'call-local': case 'callx': return 'any';
    default: return effectSpans(insn, 'memWrites', s, maps);
  }
}

/** Live before `i` from live after it (a new set); s is the domain's state before i (undefined: unreachable, all live). */
export function frameStep(i: IrInsn, after: FrameSet, s: AState | undefined, maps: readonly MapSizes[] = []): FrameSet {
  if (!s) return all();
  const insn = i.insn;
  if (insn.kind === 'exit' || insn.kind === 'exit-imm') return none();
  // no memory access: the same set (sets are never changed once made, so they can be shared)
  if (insn.kind === 'alu' || insn.kind === 'alu3' || insn.kind === 'end' || insn.kind === 'jmp' || insn.kind === 'ja' || insn.kind === 'jlen' || insn.kind === 'lddw') return after;
  const out = after.slice();
  // only a store whose whole span the domain places kills
  if (insn.kind === 'st' || insn.kind === 'stx' || insn.kind === 'stx6') {
    const sp = span(s, insn.dst, insn.off, insn.kind === 'stx6' ? 6 : insn.size);
    if (sp && sp !== 'any') mark(out, sp.off, sp.size, 0);
  }
  const reads = frameReads(i, s, maps);
  if (reads === 'any') return all();
  for (const r of reads) mark(out, r.off, r.size, 1);
  return out;
}

export function frameLiveness(ir: IrProgram, a: Absint): FrameLiveness {
  const succ = successors(ir);
  const liveOut = new Map<IrInsn, FrameSet>();
  for (const fn of ir.functions) {
    const liveIn = solve(fn, succ, a);
    for (const b of fn.blocks) {
      let live = join(succ.get(b.label) ?? [], liveIn);
      for (let k = b.insns.length - 1; k >= 0; k--) {
        liveOut.set(b.insns[k], live);
        live = frameStep(b.insns[k], live, a.before.get(b.insns[k]), a.maps);
      }
    }
  }
  return { liveOut };
}

function join(labels: readonly Label[], liveIn: ReadonlyMap<Label, FrameSet>): FrameSet {
  const out = none();
  for (const l of labels) {
    const s = liveIn.get(l);
    if (s) for (let i = 0; i < WORDS; i++) out[i] |= s[i];
  }
  return out;
}

function solve(fn: IrFunction, succ: ReadonlyMap<Label, Label[]>, a: Absint): Map<Label, FrameSet> {
  const liveIn = new Map<Label, FrameSet>();
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = fn.blocks.length - 1; k >= 0; k--) {
      const b = fn.blocks[k];
      let live = join(succ.get(b.label) ?? [], liveIn);
      for (let i = b.insns.length - 1; i >= 0; i--) live = frameStep(b.insns[i], live, a.before.get(b.insns[i]), a.maps);
      const old = liveIn.get(b.label);
      if (!old || old.some((v, i) => v !== live[i])) {
        liveIn.set(b.label, live);
        changed = true;
      }
    }
  }
  return liveIn;
}

/** Whether every byte of [off, off + size) is dead in `set`. */
export function deadSpan(set: FrameSet, off: number, size: number): boolean {
  if (off < -FRAME || off + size > 0) return false;
  for (let i = FRAME + off; i < FRAME + off + size; i++) if (bit(set, i)) return false;
  return true;
}


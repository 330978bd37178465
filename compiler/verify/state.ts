// The symbolic machine state of one path (or of merged paths): registers, stack, packet frame,
// map memories, helper-call and tail-call counts, redirect target; and the inputs both programs share (Env).
// Merging states at join points; no instruction semantics (exec.ts, memory.ts, helpers.ts).

import type { MapDef } from '../loader/types.js';
import { commonFacts, factsOf } from './facts.js';
import type { Ranges } from './ranges.js';
import { bv64 } from './alu.js';
import { mergeVal, num } from './value.js';
import type { Val } from './value.js';
import { baseMem, constMem, iteMem } from './symmem.js';
import type { SymMem } from './symmem.js';
import type { B, BV, Fn, Mem, Z3 } from './z3.js';

/** XDP_PACKET_HEADROOM: data starts this far into the frame */
export const HEADROOM = 256;
/** the frame (a page) and what the kernel keeps at its ends (adjust_head/adjust_tail limits) */
export const FRAME_SIZE = 4096;
export const XDP_FRAME_SIZE = 40;
export const SHARED_INFO_SIZE = 320;
export const ETH_HLEN = 14;
export const STACK_SIZE = 512;

/** Map types whose keys are indexes below max_entries, every one present. */
const ARRAY_TYPES = new Set(['array', 'percpu_array']);
export const isArrayMap = (m: MapDef): boolean => ARRAY_TYPES.has(m.type);

/** The inputs of a run, shared by both programs: packet, length, ctx fields, initial maps. */
export interface Env {
  readonly Z: Z3;
  readonly maps: readonly MapDef[];
  /** the initial frame (positions HEADROOM .. HEADROOM + len hold the packet) */
  readonly pkt: Mem;
  /** the packet length (64-bit), between the options' minimum and maximum */
  readonly len: BV;
  readonly ingressIfindex: BV;
  readonly rxQueueIndex: BV;
  /**
   * tail calls the run made before this program started (32-bit): 0 for the entry program, any
   * number for a program a tail call reached; what a tail call does next depends on it (helpers.ts)
   */
  readonly tailCalls: BV;
  /**
   * a tail call may start the program (EnvOptions.tailCallTarget): its stack at the start is this
   * input (what the program before left in the frame) and its registers but r1 and r10 are not
   * set; otherwise the stack is zero and the registers 0, as the core leaves them at a packet's start
   */
  readonly stackAtStart?: Mem;
  /** per map: initial values, indexed by concat(key, offset:16) */
  readonly values: Mem[];
  /** per map (not arrays): which keys are present at the start */
  readonly present: Mem[];
  /** every (map, key) a helper looked at, for the counterexample's map entries */
  readonly touched: { map: number; key: BV }[];
  /** uninterpreted functions by name (helper results), shared so both programs call the same one */
  readonly fns: Map<string, Fn>;
  /** the inputs' ranges: conditions they decide are folded to constants (ranges.ts) */
  readonly ranges: Ranges;
  /** flow conditions in the order joins first met them, by term id (each entry keeps its term alive) */
  readonly seen: Map<number, { readonly f: B; readonly n: number }>;
}

export interface State {
  /** the path condition: when this state is the one that runs */
  readonly pc: B;
  /**
   * the flow condition: the path condition without the packet guards (only branch conditions).
   * Runs that pass every guard have pc = flow; the flow conditions of the states meeting at a join
   * are disjoint, and values there are chosen by them, so the values a program computes do not
   * depend on its guards (two programs that check bounds differently compute alike terms).
   */
  readonly flow: B;
  /** the conjuncts of the flow condition (facts.ts): conditions that hold on every run of this state */
  readonly facts: readonly B[];
  readonly regs: readonly Val[];
  /** the stack, indexed by (64-bit) offset from the frame top */
  readonly stack: SymMem;
  /** pointers spilled to the stack, by the offset of their 8-byte slot */
  readonly spills: ReadonlyMap<number, Val>;
  readonly pkt: SymMem;
  /** data and data_end as frame positions */
  readonly start: BV;
  readonly end: BV;
  readonly values: readonly SymMem[];
  readonly present: readonly SymMem[];
  /** helper calls made so far (32-bit): the n-th call's result is a function of n and its inputs */
  readonly calls: BV;
  /** the run's tail-call count (32-bit): Env.tailCalls at the start, then as failed tail calls leave it */
  readonly tailCalls: BV;
  /** redirect target: 0 none; (map + 1) << 32 | key for redirect_map; 1 << 63 | ifindex for redirect */
  readonly redirect: BV;
  /** perf events sent (32-bit) and their records: bytes at concat(event:32, offset:32) (helpers.ts) */
  readonly events: BV;
  readonly log: SymMem;
}

export function initialState(env: Env): State {
  const Z = env.Z;
  const regs: Val[] = [];
  for (let r = 0; r <= 10; r++) regs.push(env.stackAtStart ? { t: 'undef', why: `r${r} is not set when a tail call starts the program` } : num(bv64(Z, 0)));
  regs[1] = { t: 'ptr', region: { kind: 'ctx' }, off: bv64(Z, 0) };
  regs[10] = { t: 'ptr', region: { kind: 'stack' }, off: bv64(Z, 0) };
  const start = bv64(Z, HEADROOM);
  return {
    pc: Z.Bool.val(true), flow: Z.Bool.val(true), facts: [], regs, stack: env.stackAtStart ? baseMem(env.stackAtStart) : constMem(Z.BitVec.val(0n, 8)),
    spills: new Map(), pkt: baseMem(env.pkt), start, end: start.add(env.len), values: env.values.map(baseMem), present: env.present.map(baseMem),
    calls: Z.BitVec.val(0n, 32), tailCalls: env.tailCalls, redirect: bv64(Z, 0), events: Z.BitVec.val(0n, 32), log: constMem(Z.BitVec.val(0n, 8)),
  };
}

function ite(Z: Z3, c: B, a: BV, b: BV): BV {
  return a === b || a.eqIdentity(b) ? a : Z.If(c, a, b);
}

/** Z3's kind of conjunction (Z3_OP_AND) */
const AND = 261;

/** A condition built by restrict() as [before, last]: and(F, c) as [F, c], c alone as [true, c]. */
function lastConjunct(Z: Z3, f: B): [B, B] {
  return Z.isApp(f) && f.decl().kind() === AND && f.numArgs() === 2 ? [f.arg(0) as B, f.arg(1) as B] : [Z.Bool.val(true), f];
}

/** For F and c, F and not c (the two sides of one branch): [F, c]; else undefined. */
function sides(Z: Z3, a: B, b: B): [B, B] | undefined {
  const [fa, ca] = lastConjunct(Z, a), [fb, cb] = lastConjunct(Z, b);
  return fa.eqIdentity(fb) && negate(Z, ca).eqIdentity(cb) ? [fa, ca] : undefined;
}

/**
 * The state after two paths join: each part chosen by a's flow condition. Where the two are the
 * two sides of one branch (flows F and c, F and not c), the joined flow is F itself and the parts
 * are chosen by c: equal on every run of F (the only runs the joined state stands for), and the
 * same terms in two programs that make the branch alike, whatever they did on each side.
 */
export function mergeStates(Z: Z3, a: State, b: State): State {
  const both = sides(Z, a.flow, b.flow);
  const c = both ? both[1] : a.flow;
  const pcs = sides(Z, a.pc, b.pc);
  const spills = new Map<number, Val>();
  for (const [k, v] of a.spills) {
    const w = b.spills.get(k);
    if (w) spills.set(k, mergeVal(Z, c, v, w));
  }
  return {
    pc: pcs ? pcs[0] : Z.Or(a.pc, b.pc),
    flow: both ? both[0] : Z.Or(a.flow, b.flow),
    facts: commonFacts(a.facts, b.facts),
    regs: a.regs.map((v, r) => mergeVal(Z, c, v, b.regs[r])),
    stack: iteMem(c, a.stack, b.stack),
    spills,
    pkt: iteMem(c, a.pkt, b.pkt),
    start: ite(Z, c, a.start, b.start),
    end: ite(Z, c, a.end, b.end),
    values: a.values.map((m, i) => iteMem(c, m, b.values[i])),
    present: a.present.map((m, i) => iteMem(c, m, b.present[i])),
    calls: ite(Z, c, a.calls, b.calls),
    tailCalls: ite(Z, c, a.tailCalls, b.tailCalls),
    redirect: ite(Z, c, a.redirect, b.redirect),
    events: ite(Z, c, a.events, b.events),
    log: iteMem(c, a.log, b.log),
  };
}

/**
 * The states meeting at a join merged, in the order their flow conditions were made (noteFlow): two
 * programs whose paths meet in another order (a pass moved or removed a block) then build the
 * same if-then-else wherever their flow conditions are the same terms.
 */
export function mergeAll(Z: Z3, states: readonly State[], seen: Env['seen']): State {
  // the order in which the flow terms were first seen (Env.seen), not their ids: ids are reused
  // after the garbage collector frees terms, so an order by id changed from run to run (and the
  // proof's time with it); a term the original made has one place for both programs
  const key = (f: B): number => noteFlow(seen, f);
  const sorted = [...states].sort((a, b) => key(a.flow) - key(b.flow));
  // the two sides of a branch first (again and again: nested branches close from the inside)
  for (let found = true; found && sorted.length > 1;) {
    found = false;
    for (let i = 0; i < sorted.length && !found; i++)
      for (let j = i + 1; j < sorted.length && !found; j++)
        if (sides(Z, sorted[i].flow, sorted[j].flow) || sides(Z, sorted[j].flow, sorted[i].flow)) {
          const [x, y] = sides(Z, sorted[i].flow, sorted[j].flow) ? [sorted[i], sorted[j]] : [sorted[j], sorted[i]];
          sorted.splice(j, 1);
          sorted[i] = mergeStates(Z, x, y);
          found = true;
        }
  }
  const merged = sorted.reduce((acc, s) => mergeStates(Z, s, acc));
  noteFlow(seen, merged.flow);
  return merged;
}

/** The place of a flow condition in the order of Env.seen (noted where branches make it). */
export function noteFlow(seen: Env['seen'], f: B): number {
  const hit = seen.get(f.id());
  if (hit) return hit.n;
  seen.set(f.id(), { f, n: seen.size });
  return seen.size - 1;
}

/** Z3's kind of negation (Z3_OP_NOT) */
const NOT = 265;

/** not c, without a double negation (so `if a != k` taken and `if a == k` not taken are one term). */
export function negate(Z: Z3, c: B): B {
  if (Z.isTrue(c)) return Z.Bool.val(false);
  if (Z.isFalse(c)) return Z.Bool.val(true);
  return Z.isApp(c) && c.decl().kind() === NOT ? (c.arg(0) as B) : Z.Not(c);
}

/** a and c (no `true` left in it). */
export function and(Z: Z3, a: B, c: B): B {
  return Z.isTrue(a) ? c : Z.isTrue(c) ? a : Z.And(a, c);
}

/** The state on the side of a branch (or a choice) where c holds. */
export function restrict(Z: Z3, s: State, c: B): State {
  return { ...s, pc: and(Z, s.pc, c), flow: and(Z, s.flow, c), facts: [...s.facts, ...factsOf(Z, c)] };
}

export function setReg(s: State, r: number, v: Val): State {
  const regs = s.regs.slice();
  regs[r] = v;
  return { ...s, regs };
}

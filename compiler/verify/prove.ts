// Equivalence of an original and a compiled program: both run symbolically over one Env (same
// packet, length, ctx fields, initial maps, tail calls made before), and each observable part of
// the result (action, packet length and bytes, redirect target, each map; with tail calls, the
// call and what the program switched to starts on) is one obligation, checked on its own with a
// time limit. Answers proved, a counterexample (replayable), or unknown (with the part).

import type { RowProgram } from '../../isa/index.js';
import type { MapDef } from '../loader/types.js';
import type { ProgramInput } from './cx.js';
import { counterexample } from './counterexample.js';
import type { Counterexample } from './counterexample.js';
import { symbolicEnv } from './env.js';
import { execute } from './exec.js';
import { outcome } from './outcome.js';
import { executeRows } from './rows.js';
import type { Outcome } from './outcome.js';
import { FRAME_SIZE, isArrayMap } from './state.js';
import { select } from './symmem.js';
import type { Env } from './state.js';
import type { Exit } from './cx.js';
import { z3 } from './z3.js';
import type { B, BV, Z3 } from './z3.js';

export type { ProgramInput } from './cx.js';

export interface ProveOptions {
  /** the object's maps (LoadedObject.maps): the programs' map references index them */
  readonly maps: readonly MapDef[];
  /** the shortest packet (bytes), default 60; 14 (an Ethernet header) is allowed */
  readonly minLength?: number;
  /** the longest packet (bytes), default 1514 (a 1500-byte MTU) */
  readonly maxLength?: number;
  /**
   * a tail call may start the programs (a program of their type in the object calls bpf_tail_call:
   * compiler/schedule's tailCallReachable): they start in the frame the program before left, their
   * stack unconstrained and their registers but r1 not set, rather than zero as at a packet's start
   */
  readonly tailCallTarget?: boolean;
  /** the time limit of each obligation, in seconds (default 60) */
  readonly timeoutSeconds?: number;
  /** loops: how many back edges a run may take (default 0: a loop is refused); the first
   *  obligation, `loop bound`, proves that no run of either program takes more */
  readonly unroll?: number;
  /**
   * A program between the two (the passes' output, when `compiled` is its schedule): original =
   * via and via = compiled are proved in turn, which is original = compiled (equality of every
   * observable part is transitive); each half leaves the solver only one translation's changes.
   * When the first half is not proved, the direct proof decides (its counterexample is then one
   * of original and compiled).
   */
  readonly via?: CompiledInput;
}

export type ProofStatus = 'proved' | 'counterexample' | 'unknown';

/** One obligation (a part of the result that must agree) and how its check went. */
export interface ProofRegion {
  readonly name: string;
  readonly status: ProofStatus;
  readonly seconds: number;
}

/** The JSON `proof` of `compile --prove`. */
export interface Proof {
  readonly status: ProofStatus;
  readonly seconds: number;
  readonly regions: ProofRegion[];
  /** for unknown: the obligation that ran out of time */
  readonly region?: string;
  readonly counterexample?: Counterexample;
}

/** The obligations: for each part of the result, the condition under which the programs differ. */
/**
 * One obligation: the programs differ when one of `differs` holds (checked one at a time, in the
 * obligation's time limit: a map's value bytes are checked per byte offset, each query then seeing
 * only the stores at that offset).
 */
interface Obligation {
  readonly name: string;
  readonly differs: B[];
  readonly trivial: boolean;
}

/** Map values up to this size are checked offset by offset. */
const SPLIT_VALUE = 64;
/** ... and values up to this size all at once (a counter: l4lb's lb_stats 3.6 s rather than 40 s; katran_lb's 16-byte stats ran out of 60 s so) */
const TOGETHER_VALUE = 8;

function obligations(Z: Z3, env: Env, a: Outcome, b: Outcome): Obligation[] {
  const zero = Z.BitVec.val(0n, 32);
  const delivered = Z.And(a.action.neq(zero), b.action.neq(zero));
  const j: BV = Z.BitVec.const('differing_byte', 64);
  const lenA = a.end.sub(a.start), lenB = b.end.sub(b.start);
  // with tail calls: both leave by one (the program switched to sees the frame, the redirect
  // target, the maps and the perf events as they are; the action means nothing then)
  const tails = a.tails || b.tails;
  const one = Z.BitVec.val(1n, 1);
  const bothTail = Z.And(a.tail.eq(one), b.tail.eq(one));
  const list: Obligation[] = [
    { name: 'action', differs: [tails ? Z.Or(a.action.neq(b.action), a.tail.neq(b.tail)) : a.action.neq(b.action)], trivial: false },
    ...(tails ? [{ name: 'tail call', differs: [Z.And(bothTail, a.tailTarget.neq(b.tailTarget))], trivial: false }] : []),
    {
      name: 'packet length', trivial: false,
      differs: [Z.And(delivered, lenA.neq(lenB)), ...(tails ? [Z.And(bothTail, Z.Or(a.start.neq(b.start), a.end.neq(b.end)))] : [])],
    },
    {
      name: 'packet bytes', trivial: a.pkt === b.pkt && a.start === b.start,
      differs: [
        Z.And(delivered, j.ult(lenA), j.ult(lenB), select(Z, a.pkt, a.start.add(j)).neq(select(Z, b.pkt, b.start.add(j)))),
        // the whole frame: the program switched to may move its start or end (adjust_head, adjust_tail)
        ...(tails ? [Z.And(bothTail, j.ult(Z.BitVec.val(BigInt(FRAME_SIZE), 64)), select(Z, a.pkt, j).neq(select(Z, b.pkt, j)))] : []),
      ],
    },
    {
      name: 'redirect target', trivial: false,
      differs: [Z.And(a.action.eq(Z.BitVec.val(4n, 32)), b.action.eq(Z.BitVec.val(4n, 32)), a.redirect.neq(b.redirect)), ...(tails ? [Z.And(bothTail, a.redirect.neq(b.redirect))] : [])],
    },
  ];
  const ev = Z.BitVec.const('differing_event', 64);
  list.push({
    name: 'perf events',
    differs: [Z.Or(a.events.neq(b.events), Z.And(ev.extract(63, 32).ult(a.events), select(Z, a.log, ev).neq(select(Z, b.log, ev))))],
    trivial: a.log === b.log && a.events.eqIdentity(b.events),
  });
  env.maps.forEach((m, i) => {
    const k = Z.BitVec.const(`differing_key_${i}`, m.keySize * 8);
    const inA = isArrayMap(m) ? k.ult(Z.BitVec.val(BigInt(m.maxEntries), m.keySize * 8)) : select(Z, a.present[i], k).eq(Z.BitVec.val(1n, 1));
    const keys = isArrayMap(m) ? [] : [select(Z, a.present[i], k).neq(select(Z, b.present[i], k))];
    const byte = (o: BV): B => Z.And(inA, select(Z, a.values[i], Z.Concat(k, o)).neq(select(Z, b.values[i], Z.Concat(k, o))));
    const o = Z.BitVec.const(`differing_offset_${i}`, 16);
    const bytes = m.valueSize <= SPLIT_VALUE
      ? [...Array(m.valueSize).keys()].map((off) => byte(Z.BitVec.val(BigInt(off), 16)))
      : [Z.And(o.ult(Z.BitVec.val(BigInt(m.valueSize), 16)), byte(o))];
    // a small value (a counter, a pair of counters) in one query: its bytes are written together,
    // and the solver splits the cases of the writes once rather than once per byte
    const together = m.valueSize <= TOGETHER_VALUE ? [Z.Or(...bytes)] : bytes;
    list.push({
      name: `map ${m.name}`,
      differs: [...keys, ...together],
      trivial: a.values[i] === b.values[i] && a.present[i] === b.present[i],
    });
  });
  return list;
}

/** What may be proved equal to an original: a program (instructions) or a scheduled one (rows). */
export type CompiledInput = ProgramInput | RowProgram;

const run = (env: Env, p: CompiledInput, side: string, unroll?: number): Promise<Exit[]> =>
  'rows' in p ? executeRows(env, p, 'scheduled', unroll) : execute(env, p, side, unroll);

/** Proves that `compiled` does what `original` does, for every packet and initial map state. */
export async function proveEquivalent(original: ProgramInput, compiled: CompiledInput, options: ProveOptions): Promise<Proof> {
  const t0 = performance.now();
  const Z = await z3();
  const { env, assumptions } = symbolicEnv(Z, options);
  const exitsA = await execute(env, original, 'original', options.unroll);
  const exitsB = await run(env, compiled, 'compiled', options.unroll);
  if (options.via) {
    const exitsV = await run(env, options.via, 'compiled', options.unroll);
    const first = await check(Z, env, assumptions, options, exitsA, exitsV, t0, 'passes: ');
    if (first.status === 'proved') {
      const second = await check(Z, env, assumptions, options, exitsV, exitsB, t0, 'schedule: ', outcome(Z, exitsA));
      return { ...second, regions: [...first.regions, ...second.regions] };
    }
  }
  return check(Z, env, assumptions, options, exitsA, exitsB, t0);
}

/**
 * The obligations of two runs, in turn. `prefix` names the regions of one half of a proof via an
 * intermediate program; `reported` is the original's outcome for a counterexample of the second
 * half (the original does what the intermediate does there).
 */
async function check(Z: Z3, env: Env, assumptions: B[], options: ProveOptions, exitsA: Exit[], exitsB: Exit[], t0: number, prefix = '', reported?: Outcome): Promise<Proof> {
  const [a, b] = [outcome(Z, exitsA), outcome(Z, exitsB)];
  const regions: ProofRegion[] = [];
  const seconds = (): number => (performance.now() - t0) / 1000;
  const unbounded = [...exitsA, ...exitsB].filter((e) => e.unbounded).map((e) => e.cond);
  const bound: Obligation[] = unbounded.length ? [{ name: 'loop bound', differs: [Z.Or(...unbounded)], trivial: false }] : [];
  for (const ob0 of [...bound, ...obligations(Z, env, a, b)]) {
    const ob = { ...ob0, name: prefix + ob0.name };
    const t = performance.now();
    if (ob.trivial) {
      regions.push({ name: ob.name, status: 'proved', seconds: 0 });
      continue;
    }
    const limit = (options.timeoutSeconds ?? 60) * 1000;
    let r: 'sat' | 'unsat' | 'unknown' = 'unsat';
    let solver = new Z.Solver();
    for (const differs of ob.differs) {
      const left = limit - (performance.now() - t);
      if (left <= 0) {
        r = 'unknown';
        break;
      }
      solver = new Z.Solver();
      solver.set('timeout', Math.max(1, Math.round(left)));
      solver.add(...assumptions, differs);
      r = await solver.check();
      if (r !== 'unsat') break;
    }
    // a run past the unrolling is no difference, but then nothing after it is proved: unknown
    const status: ProofStatus = r === 'unsat' ? 'proved' : r === 'sat' && ob0.name !== 'loop bound' ? 'counterexample' : 'unknown';
    regions.push({ name: ob.name, status, seconds: (performance.now() - t) / 1000 });
    if (status === 'counterexample')
      return { status, seconds: seconds(), regions, counterexample: counterexample(Z, env, solver.model(), ob0.name, reported ?? a, b) };
    if (status === 'unknown') return { status, seconds: seconds(), regions, region: ob.name };
  }
  return { status: 'proved', seconds: seconds(), regions };
}


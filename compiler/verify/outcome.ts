// The result of one program as formulas: each observable part (action, packet bounds and bytes,
// map memories, redirect target, perf events, whether and how it left by a tail call) an
// if-then-else over the program's exits, chosen by their flow conditions. No comparison here.
//
// Why flow conditions (State.flow: branch conditions only, no guards) choose exactly: an input's
// flow path is one path of the control-flow graph, and the exits on it are, in the order the
// executor records exits (the order it visits instructions, a topological one), the guards it
// passes, then its exit instruction. The first exit in that order whose flow condition holds is
// the first guard on the path that fails (the flow before it is the real run's, since every
// guard before it passed) or, when none fails, the exit the run ends at. Values in that exit's
// state were computed before it, on the real run. So the choice equals the one by path
// conditions, and two programs whose guards differ (a bounds check removed, two accesses
// merged) give alike terms for everything else. A tail call that switches is an exit like a guard
// that fails: recorded where the call is met, its flow condition the call's success on the path.

import type { Exit } from './cx.js';
import type { State } from './state.js';
import { iteMem } from './symmem.js';
import type { SymMem } from './symmem.js';
import type { BV, Z3 } from './z3.js';

/** The result of one program: each part an ite over its exits. */
export interface Outcome {
  readonly action: BV;
  readonly start: BV;
  readonly end: BV;
  readonly pkt: SymMem;
  readonly values: SymMem[];
  readonly present: SymMem[];
  readonly redirect: BV;
  readonly events: BV;
  readonly log: SymMem;
  /** 1 when the run left by a tail call that switched programs (1-bit) */
  readonly tail: BV;
  /** then: concat(map, index, count) of the call (cx.ts Exit.tail); 0 otherwise (96-bit) */
  readonly tailTarget: BV;
  /** whether the program has a tail call at all (else tail is 0 on every run) */
  readonly tails: boolean;
}

export function outcome(Z: Z3, exits: Exit[]): Outcome {
  const last = exits[exits.length - 1];
  const rest = exits.slice(0, -1);
  // the first exit (in recording order) whose flow condition holds; the last one otherwise
  const pick = (f: (s: State, e: Exit) => BV): BV => rest.reduceRight((acc, e) => {
    const v = f(e.state, e);
    return v.eqIdentity(acc) ? acc : Z.If(e.flow, v, acc);
  }, f(last.state, last));
  const pickMem = (f: (s: State) => SymMem): SymMem => rest.reduceRight((acc, e) => iteMem(e.flow, f(e.state), acc), f(last.state));
  return {
    action: pick((_s, e) => e.action),
    start: pick((s) => s.start),
    end: pick((s) => s.end),
    pkt: pickMem((s) => s.pkt),
    values: last.state.values.map((_m, i) => pickMem((s) => s.values[i])),
    present: last.state.present.map((_m, i) => pickMem((s) => s.present[i])),
    redirect: pick((s) => s.redirect),
    events: pick((s) => s.events),
    log: pickMem((s) => s.log),
    tail: pick((_s, e) => Z.BitVec.val(e.tail ? 1n : 0n, 1)),
    tailTarget: pick((_s, e) => e.tail ?? Z.BitVec.val(0n, 96)),
    tails: exits.some((e) => e.tail !== undefined),
  };
}

// The result of one program as formulas: each observable part (action, packet bounds and bytes,
// map memories, redirect target) an if-then-else over the program's exits. No comparison here.

import type { Exit } from './cx.js';
import type { State } from './state.js';
import { iteMem } from './symmem.js';
import type { SymMem } from './symmem.js';
import type { BV, Z3 } from './z3.js';

/** The result of one program: each part an ite over its exits. */
export interface Outcome {
  readonly action: BV;
  /**
   * The same action by flow conditions: XDP_ABORTED where some guard on the run's flow path
   * fails (the first one that fails is real: the flow before it is), else the action of the exit
   * the flow reaches. Equal to `action` on every input; alike in two programs whose guards differ.
   */
  readonly flowAction: BV;
  readonly start: BV;
  readonly end: BV;
  readonly pkt: SymMem;
  readonly values: SymMem[];
  readonly present: SymMem[];
  readonly redirect: BV;
  readonly events: BV;
  readonly log: SymMem;
}

export function outcome(Z: Z3, exits: Exit[]): Outcome {
  const last = exits[exits.length - 1];
  const rest = exits.slice(0, -1);
  const pick = (f: (s: State, e: Exit) => BV): BV => rest.reduceRight((acc, e) => {
    const v = f(e.state, e);
    return v.eqIdentity(acc) ? acc : Z.If(e.cond, v, acc);
  }, f(last.state, last));
  const pickMem = (f: (s: State) => SymMem): SymMem => rest.reduceRight((acc, e) => iteMem(e.cond, f(e.state), acc), f(last.state));
  const normal = exits.filter((e) => !e.aborted);
  const aborted = Z.Or(...exits.filter((e) => e.aborted).map((e) => e.flow));
  const zero = Z.BitVec.val(0n, 32);
  const reached = normal.length ? normal.slice(0, -1).reduceRight((acc, e) => Z.If(e.flow, e.action, acc), normal[normal.length - 1].action) : zero;
  return {
    action: pick((_s, e) => e.action),
    flowAction: Z.If(aborted, zero, reached),
    start: pick((s) => s.start),
    end: pick((s) => s.end),
    pkt: pickMem((s) => s.pkt),
    values: last.state.values.map((_m, i) => pickMem((s) => s.values[i])),
    present: last.state.present.map((_m, i) => pickMem((s) => s.present[i])),
    redirect: pick((s) => s.redirect),
    events: pick((s) => s.events),
    log: pickMem((s) => s.log),
  };
}


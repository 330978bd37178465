// The result of one program as formulas: each observable part (action, packet bounds and bytes,
// map memories, redirect target) an if-then-else over the program's exits. No comparison here.

import type { Exit } from './cx.js';
import type { State } from './state.js';
import type { BV, Mem, Z3 } from './z3.js';

/** The result of one program: each part an ite over its exits. */
export interface Outcome {
  readonly action: BV;
  readonly start: BV;
  readonly end: BV;
  readonly pkt: Mem;
  readonly values: Mem[];
  readonly present: Mem[];
  readonly redirect: BV;
}

export function outcome(Z: Z3, exits: Exit[]): Outcome {
  const pick = <T>(f: (s: State, e: Exit) => T): T =>
    exits.slice(0, -1).reduceRight((acc, e) => Z.If(e.cond, f(e.state, e) as BV, acc as BV) as T, f(exits[exits.length - 1].state, exits[exits.length - 1]));
  return {
    action: pick((_s, e) => e.action),
    start: pick((s) => s.start),
    end: pick((s) => s.end),
    pkt: pick((s) => s.pkt),
    values: exits[0].state.values.map((_m, i) => pick((s) => s.values[i])),
    present: exits[0].state.present.map((_m, i) => pick((s) => s.present[i])),
    redirect: pick((s) => s.redirect),
  };
}


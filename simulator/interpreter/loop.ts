// The interpreter's execute loop: calls the compiled handlers of the running program one after
// the other, counting them against the budget, and follows program switches (tail calls and
// returns across programs). Machine state and semantics are machine/'s.

import { SWITCH } from '../machine/index.js';
import type { Handler, Machine } from '../machine/index.js';
import type { CompiledProgram } from './compile.js';

/** Makes `programs` (by their index) the code `m` executes: sets m.exec to this loop. */
export function attachLoop(m: Machine, programs: readonly CompiledProgram[]): void {
  const codes: Handler[][] = [];
  for (const p of programs) codes[p.index] = p.code;
  m.exec = (pc) => execute(m, codes, pc);
}

/** Executes from `pc` of m.program; returns why it stopped (EXIT, TRAPPED, HOST_RETURN). */
function execute(m: Machine, codes: readonly Handler[][], pc: number): number {
  let code = codes[m.program.index];
  const budget = m.budget;
  for (;;) {
    if (m.count >= budget) return m.outOfBudget(pc);
    m.count++;
    pc = code[pc]();
    if (pc < 0) {
      if (pc !== SWITCH) return pc;
      code = codes[m.program.index];
      pc = m.nextPc;
    }
  }
}

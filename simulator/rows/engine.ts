// The row executor as an Engine: runs a scheduled program (isa/rows.ts) row by row with the row
// semantics written there, each syllable through machine/semantics. It cannot compile: whoever
// creates it (the CLI, a test) passes `schedule`, which turns the object's program into rows.
// Timing (stalls, latencies) is the coming cycle-accurate core's, which builds on this loop.

import type { LoadedObject } from '../../compiler/loader/types.js';
import type { RowProgram } from '../../isa/index.js';
import type { Engine, RunInput, RunOptions, RunResult } from '../engine.js';
import { DEFAULT_BUDGET, EXIT } from '../machine/index.js';
import type { Machine, MachineProgram } from '../machine/index.js';
import type { MapFixture } from '../maps/fixture.js';
import type { XdpHost } from '../xdp/host.js';
import { loadRun, MachineSession, runResult } from '../xdp/run.js';
import { openRows } from '../vliw/open.js';
import { FALL } from '../vliw/compile.js';
import type { CompiledRow } from '../vliw/compile.js';

/** Turns a program of the object into rows (the CLI's compile step); throws to refuse it. */
export type Scheduler = (obj: LoadedObject, program: string) => RowProgram;

export interface RowsOptions {
  readonly schedule: Scheduler;
  /** syllables one run may execute before it traps ('budget'); default 1,000,000 */
  readonly budget?: number;
}

/** Runs rows from `start` until exit or a trap: the row semantics of isa/rows.ts. */
function execute(m: Machine, rows: readonly CompiledRow[], start: number): number {
  const { L, H } = m;
  const budget = m.budget;
  let r = start;
  for (;;) {
    const row = rows[r];
    if (row === undefined) return m.fail('invalid-insn', `execution ran past the last row (${rows.length})`, rows[rows.length - 1]?.pc ?? 0);
    if (m.count >= budget) return m.fail('budget', `syllable budget of ${budget} exhausted (an unbounded loop?)`, row.pc);
    const c = row.copies;
    for (let k = 0; k < c.length; k += 2) {
      L[c[k + 1]] = L[c[k]];
      H[c[k + 1]] = H[c[k]];
    }
    let next = FALL;
    const hs = row.handlers;
    for (let k = 0; k < hs.length; k++) {
      m.count++;
      const out = hs[k]();
      if (out === FALL) continue;
      if (out === EXIT || out >= 0) {
        if (next === FALL) next = out; // the lowest lane that takes wins
        continue;
      }
      return out; // trapped (tail calls and callbacks are refused when the rows are made)
    }
    if (next === EXIT) return EXIT;
    r = next === FALL ? r + 1 : next;
  }
}

export class RowsSession extends MachineSession {
  readonly engine = 'rows';
  readonly host: XdpHost;
  readonly machine: Machine;
  readonly rows: RowProgram;
  private readonly entry: MachineProgram;
  private readonly budget: number;
  /** an xdp/devmap program: it reads egress_ifindex */
  private readonly devmap: boolean;

  constructor(obj: LoadedObject, program: string, fixture: MapFixture | undefined, opts: RowsOptions) {
    super();
    const o = openRows(obj, program, fixture, opts.schedule);
    ({ rows: this.rows, host: this.host, machine: this.machine, entry: this.entry, devmap: this.devmap } = o);
    const compiled = o.compiled;
    const m = this.machine;
    m.exec = (r) => execute(m, compiled, r);
    this.budget = opts.budget ?? DEFAULT_BUDGET;
  }

  runSync(input: RunInput, opts: RunOptions = {}): RunResult {
    const { host, machine: m } = this;
    loadRun(host, input, this.devmap, this.counts);
    m.start(this.entry, this.budget);
    m.nextPc = this.rows.entry;
    m.setPtr(1, host.xdp.ctxRegion, 0);
    m.run();
    return runResult(host, m, opts, this.counts);
  }
}

export class RowsEngine implements Engine {
  readonly name = 'rows';

  constructor(readonly options: RowsOptions) {}

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async open(obj: LoadedObject, program: string, fixture?: MapFixture): Promise<RowsSession> {
    return new RowsSession(obj, program, fixture, this.options);
  }
}

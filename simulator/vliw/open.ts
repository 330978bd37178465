// What the row executor and the core both do to open a session: schedule the program, build the
// XDP host and the machine with the rows' constant and shadow slots, and compile the rows. Not an
// engine: each engine then installs its own loop (m.exec) on what this returns.

import type { LoadedObject } from '../../compiler/loader/types.js';
import type { RowProgram } from '../../isa/index.js';
import { RunInputError } from '../engine.js';
import { Machine } from '../machine/index.js';
import type { MachineProgram } from '../machine/index.js';
import type { MapFixture } from '../maps/fixture.js';
import { XdpHost } from '../xdp/host.js';
import { runnableProgram } from '../xdp/run.js';
import { compileRows, RowRuleError, shadowCount } from './compile.js';
import type { CompiledRow } from './compile.js';
import { ConstSlots } from './consts.js';

export interface OpenedRows {
  readonly rows: RowProgram;
  readonly host: XdpHost;
  readonly machine: Machine;
  readonly compiled: CompiledRow[];
  /** the program as the machine and host name it (tail calls, traps) */
  readonly entry: MachineProgram;
  /** an xdp/devmap program: it reads egress_ifindex */
  readonly devmap: boolean;
}

/** Schedules `program` with `schedule` and readies the machine to run its rows; a row-rule break is bad input. */
export function openRows(obj: LoadedObject, program: string, fixture: MapFixture | undefined, schedule: (obj: LoadedObject, program: string) => RowProgram): OpenedRows {
  const { index, devmap } = runnableProgram(obj, program);
  const rows = schedule(obj, program);
  const host = new XdpHost(obj, fixture);
  const pool = new ConstSlots(rows);
  const machine = new Machine(host, pool.end + shadowCount(rows));
  pool.install(machine);
  host.attach(machine);
  // linked programs (tail calls): each by its index in the object, continuing at its entry row
  const entryOf = new Map<number, number>();
  for (const q of rows.programs ?? []) {
    const i = obj.programs.findIndex((x) => x.name === q.name);
    if (i < 0) throw new RunInputError(`${obj.file}: the rows link program ${q.name}, which the object does not have`);
    entryOf.set(i, q.entry);
  }
  if (!entryOf.has(index)) entryOf.set(index, rows.entry);
  let compiled: CompiledRow[];
  try {
    compiled = compileRows(rows, machine, pool, pool.end, entryOf);
  } catch (e) {
    throw e instanceof RowRuleError ? new RunInputError(`${obj.file}: ${program}: ${e.message}`) : e;
  }
  const slots = compiled.map((c) => c.pc);
  // every program of the object is known by name; one the rows do not link traps when a tail call reaches it (vliw/compile.ts)
  obj.programs.forEach((q, i) => (host.programs[i] = { name: q.name, index: i, size: entryOf.has(i) ? compiled.length : 0, slots: entryOf.has(i) ? slots : [] }));
  const entry: MachineProgram = { name: program, index, size: compiled.length, slots };
  host.programs[index] = entry;
  return { rows, host, machine, compiled, entry, devmap };
}

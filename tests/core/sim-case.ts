// Loads a program of programs/ (object, fixture, traffic) and simulates it on a core: shared by
// the core's tests (few packets) and bench/simulate-all.ts (all of them).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../../compiler/loader/index.js';
import { compileObject, DEFAULT_MIN_FRAME } from '../../compiler/pipeline.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { simulate } from '../../simulator/simulate/run.js';
import type { SimPacket, SimulateReport } from '../../simulator/simulate/run.js';

export const PROGRAMS = join(import.meta.dirname, '..', '..', 'programs');

/** Programs with an object and a traffic trace. */
export function programNames(): string[] {
  return readdirSync(PROGRAMS).filter((n) => existsSync(join(PROGRAMS, n, `${n}.o`)) && existsSync(join(PROGRAMS, n, 'traffic.pcap')));
}

export interface SimCase {
  readonly lanes?: number;
  readonly strategy?: Strategy;
  /** packets from the program's traffic (default all) */
  readonly packets?: number;
  readonly lineRateGbps?: number;
  /** compiler passes (default all) */
  readonly passes?: readonly string[];
}

export function simulateProgram(name: string, core: CoreConfig, o: SimCase = {}, packets?: SimPacket[]): SimulateReport {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const pk = packets ?? readPcapFile(join(dir, 'traffic.pcap')).slice(0, o.packets ?? Infinity).map((r) => ({ data: r.data }));
  const c = compileObject(obj, { core, passes: o.passes });
  return simulate(pk, {
    reference: obj, compiled: c.object, program: c.optimized.program.name, core, fixture,
    lineRateGbps: o.lineRateGbps ?? 0.5, minFrame: DEFAULT_MIN_FRAME,
    schedule: (ob, p) => scheduleObject(ob, p, { core, lanes: o.lanes, strategy: o.strategy ?? 'list', timeLimitMs: 10 }).program,
  });
}

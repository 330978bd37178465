// A program of programs/ set up for co-simulation: its object, fixture, traffic (with the run
// context its run.json asks for) and the TypeScript core and RTL sessions on one schedule.
// Shared by the tests here and scripts/cosim-all.ts.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { emitVerilog, mapBankFiles } from '../../compiler/emit/verilog/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { CoreEngine } from '../../simulator/core/engine.js';
import type { CoreSession } from '../../simulator/core/engine.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { CosimSummary } from '../../simulator/cosim.js';
import type { RunInput } from '../../simulator/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { RtlEngine } from '../../simulator/rtl/engine.js';
import type { RtlSession, RtlSimulator } from '../../simulator/rtl/engine.js';

/**
 * Every program of programs/ the RTL core runs (0 functional and 0 cycle mismatches in
 * scripts/cosim-all.ts); katran_lb is not among them (its 33,554,944-entry ch_rings is refused).
 */
export const RTL_PROGRAMS = ['xdp_drop', 'xdp_pass', 'xdp_tx', 'xdp1', 'xdp2', 'rxq_info', 'csum', 'adjust_tail', 'tx_ip_tunnel', 'map_access_1', 'map_access_2', 'map_access_4', 'map_access_8', 'map_access_16', 'helper_calls_1', 'helper_calls_10', 'helper_calls_20', 'helper_calls_30', 'helper_calls_40', 'xdp_sample', 'l4lb', 'simple_firewall', 'router_ipv4', 'redirect_map', 'katran_lb'];

export interface ProgramCase {
  readonly name: string;
  readonly obj: LoadedObject;
  readonly program: string;
  readonly fixture: MapFixture;
  /** the traffic.pcap's packets, with run.json's context in turn */
  readonly inputs: RunInput[];
}

export function programCase(name: string, packets?: number): ProgramCase {
  const dir = join(ROOT, 'programs', name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fixture = parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')), join(dir, 'maps.json'));
  let ctx: (i: number) => RunInput['ctx'] = () => undefined;
  const run = join(dir, 'run.json');
  if (existsSync(run)) {
    const r = JSON.parse(readFileSync(run, 'utf8')) as { ingressIfindex?: string; rxQueues?: string };
    const [lo, hi] = (r.rxQueues ?? '0').split('-').map(Number);
    const n = (hi ?? lo) - lo + 1;
    // "a-b": packet i on a + i mod (b - a + 1), as for the queues
    const [ilo, ihi] = (r.ingressIfindex ?? '').split('-').map(Number);
    const ni = (ihi ?? ilo) - ilo + 1;
    ctx = (i) => ({ ingressIfindex: r.ingressIfindex ? ilo + (i % ni) : undefined, rxQueueIndex: lo + (i % n) });
  }
  const recs = readPcapFile(join(dir, 'traffic.pcap'));
  const inputs = recs.slice(0, packets ?? recs.length).map((rec, i) => ({ packet: rec.data, ctx: ctx(i) }));
  return { name, obj, program: obj.programs[0].name, fixture, inputs };
}

/** The TypeScript core alone, on the rows sessions() gives it. */
export async function sessionsTs(c: ProgramCase, core: CoreConfig, lanes: number, strategy: Strategy = 'list'): Promise<CoreSession> {
  const schedule = () => scheduleObject(c.obj, c.program, { core, lanes, strategy, timeLimitMs: 200 }).program;
  return new CoreEngine({ schedule, core }).open(c.obj, c.program, c.fixture);
}

/** The TypeScript core and the RTL on the same rows (`strategy`'s schedule, list by default, `lanes` lanes of `core`). */
export async function sessions(c: ProgramCase, core: CoreConfig, lanes: number, sim: RtlSimulator, strategy: Strategy = 'list'): Promise<{ ts: CoreSession; rtl: RtlSession }> {
  const schedule = () => scheduleObject(c.obj, c.program, { core, lanes, strategy, timeLimitMs: 200 }).program;
  const ts = await new CoreEngine({ schedule, core }).open(c.obj, c.program, c.fixture);
  const rtl = await new RtlEngine({ schedule, emit: (r, k, o) => emitVerilog(r, k, o), banks: mapBankFiles, core, simulator: sim }).open(c.obj, c.program, c.fixture);
  return { ts, rtl };
}

/** Co-simulates `c` on `lanes` lanes: both sessions, the whole traffic. */
export async function cosimCase(c: ProgramCase, core: CoreConfig, lanes: number, sim: RtlSimulator, strategy: Strategy = 'list'): Promise<CosimSummary> {
  const { ts, rtl } = await sessions(c, core, lanes, sim, strategy);
  return cosimulate(ts, rtl, sim, c.inputs);
}

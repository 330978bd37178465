// The co-simulation matrix: every program the RTL core runs × lanes × simulator, each on its
// traffic.pcap (+ maps.json, run.json), the TypeScript core beside the RTL, packet by packet.
// Prints one line per cell and exits 1 on any mismatch.
//   npx tsx scripts/cosim-all.ts [--sim icarus,verilator] [--lanes 1,2,4] [--packets N] [--programs a,b] [--core xdp2hw]

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emitVerilog, mapBankFiles } from '../compiler/emit/verilog/index.js';
import { loadFile } from '../compiler/loader/index.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import { CORE_PRESETS } from '../isa/index.js';
import { CoreEngine } from '../simulator/core/engine.js';
import { cosimulate } from '../simulator/cosim.js';
import type { RunInput } from '../simulator/engine.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { RtlEngine } from '../simulator/rtl/engine.js';
import type { RtlSimulator } from '../simulator/rtl/engine.js';

export const COSIM_PROGRAMS = ['xdp_drop', 'xdp_pass', 'xdp_tx', 'xdp1', 'xdp2', 'rxq_info', 'csum', 'helper_calls_1', 'helper_calls_10', 'helper_calls_20', 'helper_calls_30', 'helper_calls_40'];

const { values } = parseArgs({
  options: {
    sim: { type: 'string', default: 'icarus,verilator' }, lanes: { type: 'string', default: '1,2,4' },
    packets: { type: 'string', default: '200' }, programs: { type: 'string' }, core: { type: 'string', default: 'xdp2hw' },
  },
});

/** The run context a program's run.json asks for (ingress ifindex, RX queues spread in turn). */
function contexts(dir: string): (i: number) => RunInput['ctx'] {
  const f = join(dir, 'run.json');
  if (!existsSync(f)) return () => undefined;
  const run = JSON.parse(readFileSync(f, 'utf8')) as { ingressIfindex?: string; rxQueues?: string };
  const ifindex = run.ingressIfindex ? Number(run.ingressIfindex) : undefined;
  const [lo, hi] = (run.rxQueues ?? '0').split('-').map(Number);
  const n = (hi ?? lo) - lo + 1;
  return (i) => ({ ingressIfindex: ifindex, rxQueueIndex: lo + (i % n) });
}

async function main(): Promise<number> {
  const core = CORE_PRESETS[values.core!];
  const programs = values.programs ? values.programs.split(',') : COSIM_PROGRAMS;
  let bad = 0;
  for (const name of programs) {
    const dir = join('programs', name);
    const obj = loadFile(join(dir, `${name}.o`));
    const program = obj.programs[0].name;
    const fixture = parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')), join(dir, 'maps.json'));
    const ctx = contexts(dir);
    const inputs: RunInput[] = readPcapFile(join(dir, 'traffic.pcap')).slice(0, Number(values.packets)).map((r, i) => ({ packet: r.data, ctx: ctx(i) }));
    for (const lanes of values.lanes!.split(',').map(Number)) {
      const schedule = () => scheduleObject(obj, program, { core, lanes, strategy: 'list', timeLimitMs: 200 }).program;
      for (const sim of values.sim!.split(',') as RtlSimulator[]) {
        const t0 = Date.now();
        const cs = await new CoreEngine({ schedule, core }).open(obj, program, fixture);
        const rtl = await new RtlEngine({ schedule, emit: (r, c, o) => emitVerilog(r, c, o), banks: mapBankFiles, core, simulator: sim }).open(obj, program, fixture);
        const s = await cosimulate(cs, rtl, sim, inputs);
        const ok = s.mismatches === 0 && s.cycleMismatches === 0;
        if (!ok) bad++;
        console.log(`${name.padEnd(16)} lanes ${lanes} ${sim.padEnd(9)} packets ${String(s.packets).padStart(4)} refused ${s.refused} mismatches ${s.mismatches} cycleMismatches ${s.cycleMismatches} cycles ${s.cycles} (${((Date.now() - t0) / 1000).toFixed(1)} s)${ok ? '' : ` FIRST ${JSON.stringify(s.firstMismatches.slice(0, 2))}`}`);
      }
    }
  }
  return bad ? 1 : 0;
}

process.exitCode = await main();

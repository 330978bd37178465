// The co-simulation matrix: every program the RTL core runs × lanes × simulator, each on its
// traffic.pcap (+ maps.json, run.json), the TypeScript core beside the RTL, packet by packet.
// hash_stress is the hash unit's stress case (tests/rtl/hash-case.ts). Prints one line per cell and exits 1 on any mismatch. Heavy (a Verilator build per cell): run
// under nice, one at a time.
//   npx tsx scripts/cosim-all.ts [--sim icarus,verilator] [--lanes 1,2,4] [--packets N] [--programs a,b]
//     [--core xdp2hw|hxdp|FILE.json] [--strategy list|motion|...]
// --core takes a preset or a JSON core file (cli's readCore), e.g. one with CoreConfig.extensions on;
// --strategy: the rows' scheduler (motion and superblock raise speculative loads above side exits).

import { parseArgs } from 'node:util';
import { readCore } from '../cli/schedule-options.js';
import { STRATEGIES } from '../compiler/schedule/index.js';
import type { Strategy } from '../compiler/schedule/index.js';
import type { RtlSimulator } from '../simulator/rtl/engine.js';
import { cosimCase, programCase, RTL_PROGRAMS } from '../tests/rtl/case.js';
import { hashStressCase } from '../tests/rtl/hash-case.js';

const { values } = parseArgs({
  options: {
    sim: { type: 'string', default: 'icarus,verilator' }, lanes: { type: 'string', default: '1,2,4' },
    packets: { type: 'string', default: '120' }, programs: { type: 'string' }, core: { type: 'string', default: 'xdp2hw' },
    strategy: { type: 'string', default: 'list' },
  },
});

async function main(): Promise<number> {
  const core = readCore(values.core!);
  const strategy = values.strategy as Strategy;
  if (!STRATEGIES.includes(strategy)) throw new Error(`--strategy ${strategy}: not one of ${STRATEGIES.join(', ')}`);
  let bad = 0;
  for (const name of values.programs ? values.programs.split(',') : [...RTL_PROGRAMS, 'hash_stress']) {
    // hash_stress: the hash unit's own case (tests/rtl/hash-case.ts), all of its packets
    const c = name === 'hash_stress' ? hashStressCase() : programCase(name, Number(values.packets));
    for (const lanes of values.lanes!.split(',').map(Number))
      for (const sim of values.sim!.split(',') as RtlSimulator[]) {
        const t0 = Date.now();
        const s = await cosimCase(c, core, lanes, sim, strategy);
        const ok = s.mismatches === 0 && s.cycleMismatches === 0 && s.packets > 0;
        if (!ok) bad++;
        console.log(`${name.padEnd(16)} ${core.name} ${strategy} lanes ${lanes} ${sim.padEnd(9)} packets ${String(s.packets).padStart(4)} refused ${s.refused} `
          + `mismatches ${s.mismatches} cycleMismatches ${s.cycleMismatches} cycles ${s.cycles} (${((Date.now() - t0) / 1000).toFixed(1)} s)`
          + `${ok ? '' : ` FIRST ${JSON.stringify(s.firstMismatches.slice(0, 2)).slice(0, 400)}`}`);
      }
  }
  return bad ? 1 : 0;
}

process.exitCode = await main();

// The co-simulation matrix: every program the RTL core runs × lanes × simulator, each on its
// traffic.pcap (+ maps.json, run.json), the TypeScript core beside the RTL, packet by packet.
// hash_stress is the hash unit's stress case (tests/rtl/hash-case.ts), lru_stress its LRU engine's
// (tests/rtl/lru-case.ts). Prints one line per cell and exits 1 on any mismatch. Heavy (a Verilator build per cell): run
// under nice, one at a time.
//   npx tsx scripts/cosim-all.ts [--sim icarus,verilator] [--lanes 1,2,4] [--packets N] [--programs a,b] [--core xdp2hw]

import { parseArgs } from 'node:util';
import { CORE_PRESETS } from '../isa/index.js';
import type { RtlSimulator } from '../simulator/rtl/engine.js';
import { cosimCase, programCase, RTL_PROGRAMS } from '../tests/rtl/case.js';
import { hashStressCase } from '../tests/rtl/hash-case.js';
import { lruStressCase } from '../tests/rtl/lru-case.js';

const { values } = parseArgs({
  options: {
    sim: { type: 'string', default: 'icarus,verilator' }, lanes: { type: 'string', default: '1,2,4' },
    packets: { type: 'string', default: '120' }, programs: { type: 'string' }, core: { type: 'string', default: 'xdp2hw' },
  },
});

async function main(): Promise<number> {
  const core = CORE_PRESETS[values.core!];
  if (!core) throw new Error(`--core ${values.core}: not a preset (${Object.keys(CORE_PRESETS).join(', ')})`);
  let bad = 0;
  for (const name of values.programs ? values.programs.split(',') : [...RTL_PROGRAMS, 'hash_stress', 'lru_stress']) {
    // hash_stress, lru_stress: the hash unit's own cases (tests/rtl/hash-case.ts, lru-case.ts), all of their packets
    const c = name === 'hash_stress' ? hashStressCase() : name === 'lru_stress' ? lruStressCase() : programCase(name, Number(values.packets));
    for (const lanes of values.lanes!.split(',').map(Number))
      for (const sim of values.sim!.split(',') as RtlSimulator[]) {
        const t0 = Date.now();
        const s = await cosimCase(c, core, lanes, sim);
        const ok = s.mismatches === 0 && s.cycleMismatches === 0 && s.packets > 0;
        if (!ok) bad++;
        console.log(`${name.padEnd(16)} ${core.name} lanes ${lanes} ${sim.padEnd(9)} packets ${String(s.packets).padStart(4)} refused ${s.refused} `
          + `mismatches ${s.mismatches} cycleMismatches ${s.cycleMismatches} cycles ${s.cycles} (${((Date.now() - t0) / 1000).toFixed(1)} s)`
          + `${ok ? '' : ` FIRST ${JSON.stringify(s.firstMismatches.slice(0, 2)).slice(0, 400)}`}`);
      }
  }
  return bad ? 1 : 0;
}

process.exitCode = await main();

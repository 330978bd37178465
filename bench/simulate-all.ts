// The simulate acceptance over the corpus: every program of programs/ on its own traffic, lanes
// 1, 2, 4, 8, both presets, through the cycle-accurate core checked packet by packet against the
// reference interpreter (arrivals at 0.5 Gb/s, so the queue drops nothing and every frame is
// checked). Prints one line per run (cycles, Mpps, mismatches) and the total. Run:
//   npx tsx bench/simulate-all.ts [--max-packets N] [program...]

import { CORE_PRESETS } from '../isa/index.js';
import { programNames, simulateProgram } from '../tests/core/sim-case.js';

const args = process.argv.slice(2);
const maxAt = args.indexOf('--max-packets');
const max = maxAt >= 0 ? Number(args.splice(maxAt, 2)[1]) : undefined;
const names = args.length > 0 ? args : programNames();

let total = 0;
let runs = 0;
let packets = 0;
for (const name of names)
  for (const core of [CORE_PRESETS.hxdp, CORE_PRESETS.xdp2hw])
    for (const lanes of [1, 2, 4, 8]) {
      let line: string;
      try {
        const r = simulateProgram(name, core, { lanes, packets: max });
        total += r.mismatches;
        packets += r.packets;
        runs++;
        line = `${r.packets} pkts (${r.runts} runts)  rows ${r.rows}  cycles mean ${r.cycles.mean}  core ${r.coreMpps.toFixed(2)} Mpps  mismatches ${r.mismatches}`;
        const m = r.mismatchList[0];
        if (m) line += `  first: packet ${m.packet} ${m.field} (${m.reference} / ${m.core})`;
      } catch (e) {
        line = `refused: ${(e as Error).message.split('\n')[0]}`;
      }
      console.log(`${name.padEnd(16)} ${core.name.padEnd(6)} ${lanes} lanes  ${line}`);
    }
console.log(`${runs} runs, ${packets} packets checked, ${total} mismatches`);

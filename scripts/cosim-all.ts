// The co-simulation matrix: every program the RTL core runs × lanes × simulator, each on its
// traffic.pcap (+ maps.json, run.json), the TypeScript core beside the RTL, packet by packet.
// hash_stress is the hash unit's stress case (tests/rtl/hash-case.ts), lru_stress its LRU engine's
// (tests/rtl/lru-case.ts), tail_chain the tail calls' (tests/rtl/tail-case.ts). Prints one line per cell and exits 1 on any mismatch. Heavy (a Verilator build per cell): run
// under nice, one at a time.
//   npx tsx scripts/cosim-all.ts [--sim icarus,verilator] [--lanes 1,2,4] [--packets N] [--programs a,b]
//     [--core xdp2hw|hxdp|FILE.json] [--strategy list|motion|...] [--help]
// --core takes a preset or a JSON core file (cli's readCore), e.g. one with CoreConfig.extensions on;
// --strategy: the rows' scheduler (motion and superblock raise speculative loads above side exits).
// Bad options: one line on stderr, exit 2; a program the RTL refuses: a REFUSED line for the cell (exit 1).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCore } from '../cli/schedule-options.js';
import { STRATEGIES } from '../compiler/schedule/index.js';
import type { Strategy } from '../compiler/schedule/index.js';
import { CORE_PRESETS } from '../isa/index.js';
import type { CoreConfig } from '../isa/index.js';
import { RunInputError } from '../simulator/engine.js';
import type { RtlSimulator } from '../simulator/rtl/engine.js';
import { ROOT } from '../tests/helpers/paths.js';
import { cosimCase, programCase, RTL_PROGRAMS } from '../tests/rtl/case.js';
import { hashStressCase } from '../tests/rtl/hash-case.js';
import { lruStressCase } from '../tests/rtl/lru-case.js';
import { tailCase } from '../tests/rtl/tail-case.js';

const USAGE = `usage: npx tsx scripts/cosim-all.ts [options]
  Co-simulates programs of programs/ (and hash_stress, lru_stress, tail_chain) on the TypeScript core and the RTL, packet by packet.
  --sim LIST       simulators, comma-separated: icarus, verilator (default icarus,verilator)
  --lanes LIST     lane counts, comma-separated (default 1,2,4)
  --packets N      packets of each traffic.pcap (default 120)
  --programs LIST  programs, comma-separated (default: every program the RTL runs, hash_stress, lru_stress and tail_chain)
  --core NAME      core preset (${Object.keys(CORE_PRESETS).join(', ')}) or a JSON core file (default xdp2hw)
  --strategy NAME  the rows' scheduler: ${STRATEGIES.join(', ')} (default list)
  --help           this text
Prints one line per cell; exits 1 on any mismatch, 2 on bad options.`;

/** The options, or a line saying what is wrong with them (exit 2). */
function options(): { sim: string; lanes: string; packets: string; programs?: string; core: string; strategy: string; help?: boolean } | string {
  try {
    return parseArgs({
      options: {
        sim: { type: 'string', default: 'icarus,verilator' }, lanes: { type: 'string', default: '1,2,4' },
        packets: { type: 'string', default: '120' }, programs: { type: 'string' }, core: { type: 'string', default: 'xdp2hw' },
        strategy: { type: 'string', default: 'list' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

const parsed = options();
const SIMS: readonly string[] = ['icarus', 'verilator'];
const UNIT_CASES: readonly string[] = ['hash_stress', 'lru_stress', 'tail_chain'];
let core: CoreConfig | undefined;
function problem(v: Exclude<typeof parsed, string>): string | undefined {
  try {
    core = readCore(v.core);
  } catch (e) {
    return (e as Error).message;
  }
  if (!(STRATEGIES as readonly string[]).includes(v.strategy)) return `--strategy ${v.strategy}: not one of ${STRATEGIES.join(', ')}`;
  const bad = v.sim.split(',').find((s) => !SIMS.includes(s));
  if (bad !== undefined) return `--sim ${v.sim}: ${bad} is not a simulator (icarus, verilator)`;
  if (!v.lanes.split(',').every((l) => /^[1-8]$/.test(l))) return `--lanes ${v.lanes}: lane counts are 1 to 8, comma-separated`;
  if (!/^[1-9][0-9]*$/.test(v.packets)) return `--packets ${v.packets}: a positive whole number`;
  const missing = v.programs?.split(',').find((p) => !UNIT_CASES.includes(p) && !existsSync(join(ROOT, 'programs', p, `${p}.o`)));
  if (missing !== undefined) return `--programs: ${missing} is not a program of programs/ (no programs/${missing}/${missing}.o)`;
  return undefined;
}
if (typeof parsed === 'string' || problem(parsed)) {
  console.error(`cosim-all: ${typeof parsed === 'string' ? parsed : problem(parsed)} (--help for usage)`);
  process.exit(2);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}
const values = parsed;

async function main(): Promise<number> {
  const strategy = values.strategy as Strategy;
  let bad = 0;
  for (const name of values.programs ? values.programs.split(',') : [...RTL_PROGRAMS, ...UNIT_CASES]) {
    // hash_stress, lru_stress: the hash unit's own cases (tests/rtl/hash-case.ts, lru-case.ts); tail_chain the
    // tail calls' (tail-case.ts): all of their packets
    const c = name === 'hash_stress' ? hashStressCase() : name === 'lru_stress' ? lruStressCase() : name === 'tail_chain' ? tailCase() : programCase(name, Number(values.packets));
    for (const lanes of values.lanes.split(',').map(Number))
      for (const sim of values.sim.split(',') as RtlSimulator[]) {
        const t0 = Date.now();
        let s;
        try {
          s = await cosimCase(c, core!, lanes, sim, strategy);
        } catch (e) {
          if (!(e instanceof RunInputError)) throw e;
          bad++;
          console.log(`${name.padEnd(16)} ${core!.name} lanes ${lanes} ${sim.padEnd(9)} REFUSED ${e.message}`);
          continue;
        }
        const ok = s.mismatches === 0 && s.cycleMismatches === 0 && s.packets > 0;
        if (!ok) bad++;
        console.log(`${name.padEnd(16)} ${core!.name} ${strategy} lanes ${lanes} ${sim.padEnd(9)} packets ${String(s.packets).padStart(4)} refused ${s.refused} `
          + `mismatches ${s.mismatches} cycleMismatches ${s.cycleMismatches} cycles ${s.cycles} (${((Date.now() - t0) / 1000).toFixed(1)} s)`
          + `${ok ? '' : ` FIRST ${JSON.stringify(s.firstMismatches.slice(0, 2)).slice(0, 400)}`}`);
      }
  }
  return bad ? 1 : 0;
}

process.exitCode = await main();

// Translation validation of every program in programs/ (the acceptance run): compile with all
// passes at --min-frame 60 and at 14 (every length the kernel accepts), run ≥ N packets each
// (traffic, every truncation to 128 bytes and at every header boundary, every length, fast-check)
// through the original and the optimized program, print one line per program, exit 1 on a mismatch.
//   npx tsx scripts/validate-corpus.ts [--packets 1000] [--only name,name]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFile } from '../compiler/loader/index.js';
import { compileObject } from '../compiler/pipeline.js';
import { validateTranslation } from '../cli/validate.js';
import { parseIntList } from '../cli/args.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--packets');
const packets = at > 0 ? Number(process.argv[at + 1]) : 1000;
const only = process.argv.indexOf('--only');
const names = only > 0 ? new Set(process.argv[only + 1].split(',')) : undefined;
let failed = 0;

for (const name of readdirSync(join(ROOT, 'programs')).sort()) {
  const dir = join(ROOT, 'programs', name);
  if (!existsSync(join(dir, `${name}.o`)) || (names && !names.has(name))) continue;
  const obj = loadFile(join(dir, `${name}.o`));
  const fixture = existsSync(join(dir, 'maps.json')) ? parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')), 'maps.json') : undefined;
  const pcap = existsSync(join(dir, 'traffic.pcap')) ? readPcapFile(join(dir, 'traffic.pcap')).map((r) => r.data) : [];
  const run = existsSync(join(dir, 'run.json')) ? (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, string>) : {};
  const ctx = {
    ingressIfindexes: run.ingressIfindex ? parseIntList(run.ingressIfindex, 'ingressIfindex', 1) : undefined,
    rxQueues: run.rxQueues ? parseIntList(run.rxQueues, 'rxQueues', 0) : undefined,
  };
  for (const minFrame of [60, 14]) {
    const c = compileObject(obj, { minFrame });
    const v = await validateTranslation(obj, c.object, { program: c.original.name, pcap, fixture, packets, minFrame, passes: c.options.passes, ...ctx });
    const src = Object.entries(v.sources).map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`${name.padEnd(16)} min-frame ${String(minFrame).padStart(2)}: ${c.insns.original} -> ${c.insns.optimized} insns; ${v.packets} packets (${src}; ${v.lengths.min}-${v.lengths.max} B), ${v.mismatches} mismatches`);
    if (v.firstMismatch) console.log(`  first mismatch: ${JSON.stringify(v.firstMismatch)}`);
    if (v.mismatches > 0 || v.packets < packets) failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;

// `npm run results [-- --synth F.json ... --packets N --out FILE]`: regenerates docs/RESULTS.md —
// the programs hXDP measured (programs/<name>/), compiled, scheduled and simulated on the hxdp and
// xdp2hw presets, the kernel JIT timed when this machine can (root, bpftool), beside hXDP's
// published figures (report/results-md.ts). Prints the wall time.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadFile } from '../compiler/loader/index.js';
import { CORE_PRESETS } from '../isa/index.js';
import { buildReport, readSynth } from '../report/index.js';
import type { ReportOptions } from '../report/index.js';
import { HXDP_LATENCY_US, HXDP_PROGRAMS } from '../report/hxdp.js';
import { forwardingLatency } from '../report/latency.js';
import { renderResults } from '../report/results-md.js';
import { writeFileAtomicSync } from '../simulator/io/atomic.js';

const ROOT = join(import.meta.dirname, '..');
// paths in the page are relative to the repository, so the committed file is the same from every clone
process.chdir(ROOT);
const { values } = parseArgs({ options: { synth: { type: 'string', multiple: true }, packets: { type: 'string', default: '500' }, out: { type: 'string', default: 'docs/RESULTS.md' } } });
const packets = Number(values.packets);
if (!Number.isInteger(packets) || packets < 1) throw new Error(`--packets ${values.packets}: a whole number above 0`);

const t0 = performance.now();
const inputs = HXDP_PROGRAMS.map((n) => join('programs', n, `${n}.o`)).filter((f) => existsSync(f)).map((file) => ({ file, obj: loadFile(file) }));
const log = (s: string) => process.stderr.write(`results: ${s}\n`);
const common: Omit<ReportOptions, 'core' | 'baseline'> = {
  laneCounts: [1, 2, 3, 4, 8], strategy: 'list', strategies: ['sequential', 'list', 'motion', 'optimal'], timeLimitMs: 100, maxPackets: packets,
};
log(`${inputs.length} programs on the hxdp preset (kernel JIT timed when available)`);
const hxdp = await buildReport(inputs, { ...common, core: CORE_PRESETS.hxdp, baseline: 'both', progress: (n, t) => log(`  hxdp ${n}/${t}`) });
log('the same on the xdp2hw preset');
const ours = await buildReport(inputs, { ...common, core: CORE_PRESETS.xdp2hw, baseline: 'none', progress: (n, t) => log(`  xdp2hw ${n}/${t}`) });
const fw = inputs.find((i) => i.file.endsWith('simple_firewall.o'));
const latency = fw ? [CORE_PRESETS.hxdp, CORE_PRESETS.xdp2hw].map((core) => ({
  core: core.name, program: 'simple_firewall', sizes: HXDP_LATENCY_US.map((x) => forwardingLatency(fw.obj, fw.file, x.bytes, core)),
})) : [];
const md = renderResults({ hxdp, ours, latency, synth: readSynth(values.synth ?? []), command: `npm run results${values.synth?.length ? ' -- --synth ...' : ''}` });
writeFileAtomicSync(values.out, md);
const kernel = hxdp.programs.find((p) => 'why' in p.kernelNs);
console.log(`wrote ${values.out}: ${hxdp.programs.length} programs, kernel JIT ${kernel && 'why' in kernel.kernelNs ? `not measured (${kernel.kernelNs.why})` : 'measured'}; ${((performance.now() - t0) / 1000).toFixed(1)} s wall`);

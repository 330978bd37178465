// `simulate --baseline both` over the corpus: for every program, the core's ns/packet beside the
// kernel JIT's (measured, BPF_PROG_TEST_RUN) and the x86 model's, on the first 200 packets of its
// traffic. A program the kernel refuses prints why. Run:  npx tsx bench/simulate-baselines.ts

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../compiler/loader/index.js';
import { DEFAULT_MIN_FRAME } from '../compiler/pipeline.js';
import { DEFAULT_CORE } from '../isa/index.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { kernelNsPerPacket } from '../simulator/simulate/baseline.js';
import { programNames, PROGRAMS, simulateProgram } from '../tests/core/sim-case.js';

const N = 200;
for (const name of programNames()) {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const packets = readPcapFile(join(dir, 'traffic.pcap')).slice(0, N).map((r) => r.data);
  const r = simulateProgram(name, DEFAULT_CORE, { packets: N });
  const coreNs = (r.cycles.mean * 1000) / DEFAULT_CORE.clockMHz;
  const k = await kernelNsPerPacket(obj, obj.programs[0].name, packets.filter((p) => p.length >= DEFAULT_MIN_FRAME), fixture);
  const kernel = 'ns' in k ? `kernel JIT ${k.ns.toFixed(1)} ns` : `kernel: ${k.why}`;
  console.log(`${name.padEnd(16)} core ${coreNs.toFixed(1)} ns/packet  ${kernel}  model ${r.baseline.modelNsPerPacket?.toFixed(1)} ns  mismatches ${r.mismatches}`);
}

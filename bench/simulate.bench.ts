// Speed of the cycle-accurate core: simulated packets per second (the core engine alone, timing
// included, on the program's own traffic, one CPU core) for xdp1 and l4lb, beside the kernel JIT's
// packets per second (BPF_PROG_TEST_RUN ns/packet) on the same packets when the kernel is usable.
// Packets per CPU-second (process.cpuUsage) is the figure for "one core": wall time on a shared,
// loaded machine understates it. Run:
//   npx tsx bench/simulate.bench.ts

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../compiler/loader/index.js';
import { compileObject, DEFAULT_MIN_FRAME } from '../compiler/pipeline.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import { DEFAULT_CORE } from '../isa/index.js';
import { CoreSession } from '../simulator/core/engine.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { kernelNsPerPacket } from '../simulator/simulate/baseline.js';
import { PROGRAMS } from '../tests/core/sim-case.js';

const SECONDS = 2;

for (const name of ['xdp1', 'l4lb']) {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const packets = readPcapFile(join(dir, 'traffic.pcap')).map((r) => r.data).filter((d) => d.length >= DEFAULT_MIN_FRAME);
  const core = DEFAULT_CORE;
  const c = compileObject(obj, { core });
  const s = new CoreSession(c.object, c.optimized.program.name, fixture, { core, schedule: (o, p) => scheduleObject(o, p, { core, strategy: 'list' }).program });
  const inputs = packets.map((packet) => ({ packet }));
  for (const input of inputs) s.runSync(input, { snapshot: false }); // warm up
  let n = 0;
  let cycles = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < end)
    for (const input of inputs) {
      s.runSync(input, { snapshot: false });
      cycles += s.pipeline.cycles;
      n++;
    }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const k = await kernelNsPerPacket(obj, c.optimized.program.name, packets, fixture);
  const kernel = 'ns' in k ? `kernel JIT ${(1e3 / k.ns).toFixed(2)} M packets/s (${k.ns.toFixed(1)} ns/packet)` : `kernel JIT not measured: ${k.why}`;
  console.log(`${name.padEnd(6)} simulated ${(n / cpuSecs / 1e6).toFixed(2)} M packets per CPU-second, ${(n / secs / 1e6).toFixed(2)} M/s wall (${n} packets, ${(cycles / n).toFixed(1)} core cycles each, core ${core.name})  |  ${kernel}`);
}

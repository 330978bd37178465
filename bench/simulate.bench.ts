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
import type { CoreConfig } from '../isa/index.js';
import type { LoadedObject } from '../compiler/loader/types.js';
import type { MapFixture } from '../simulator/maps/fixture.js';
import { CoreSession } from '../simulator/core/engine.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { kernelNsPerPacket } from '../simulator/simulate/baseline.js';
import { PROGRAMS } from '../tests/core/sim-case.js';
import { isMain } from './suite.js';

const SECONDS = 2;

export interface CoreRate {
  readonly program: string;
  readonly packets: number;
  readonly cyclesPerPacket: number;
  /** simulated packets per CPU-second and per wall second */
  readonly packetsPerCpuSecond: number;
  readonly packetsPerSecond: number;
  /** simulated core cycles per CPU-second */
  readonly cyclesPerCpuSecond: number;
}

export interface CoreBench {
  readonly obj: LoadedObject;
  readonly program: string;
  readonly fixture?: MapFixture;
  readonly packets: Uint8Array[];
}

/** A program of programs/ with its fixture and traffic (frames of the minimum size or more). */
export function loadCase(name: string): CoreBench {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const packets = readPcapFile(join(dir, 'traffic.pcap')).map((r) => r.data).filter((d) => d.length >= DEFAULT_MIN_FRAME);
  return { obj, program: obj.programs[0].name, fixture, packets };
}

/** The core engine alone (after the passes, `list` schedule) on the case's packets, round after round for `seconds`. */
export function coreRate(name: string, c: CoreBench, seconds: number, core: CoreConfig = DEFAULT_CORE): CoreRate {
  const compiled = compileObject(c.obj, { core });
  const s = new CoreSession(compiled.object, compiled.optimized.program.name, c.fixture, { core, schedule: (o, p) => scheduleObject(o, p, { core, strategy: 'list' }).program });
  const inputs = c.packets.map((packet) => ({ packet }));
  for (const input of inputs) s.runSync(input, { snapshot: false }); // warm up
  let n = 0;
  let cycles = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  do
    for (const input of inputs) {
      s.runSync(input, { snapshot: false });
      cycles += s.pipeline.cycles;
      n++;
    }
  while (process.hrtime.bigint() < end);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  return { program: name, packets: n, cyclesPerPacket: cycles / n, packetsPerCpuSecond: n / cpuSecs, packetsPerSecond: n / secs, cyclesPerCpuSecond: cycles / cpuSecs };
}

async function main(): Promise<void> {
  for (const name of ['xdp1', 'l4lb']) {
    const c = loadCase(name);
    const core = DEFAULT_CORE;
    const r = coreRate(name, c, SECONDS, core);
    const k = await kernelNsPerPacket(c.obj, c.program, c.packets, c.fixture);
    const kernel = 'ns' in k ? `kernel JIT ${(1e3 / k.ns).toFixed(2)} M packets/s (${k.ns.toFixed(1)} ns/packet)` : `kernel JIT not measured: ${k.why}`;
    console.log(`${name.padEnd(6)} simulated ${(r.packetsPerCpuSecond / 1e6).toFixed(2)} M packets per CPU-second, ${(r.packetsPerSecond / 1e6).toFixed(2)} M/s wall (${r.packets} packets, ${r.cyclesPerPacket.toFixed(1)} core cycles each, core ${core.name})  |  ${kernel}`);
  }
}

if (isMain(import.meta.url)) await main();

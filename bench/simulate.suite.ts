// Speed of the cycle-accurate core, as a suite `npm run bench` loads (and bench/simulate.bench.ts
// prints): simulated packets per second for xdp1 and l4lb on their own traffic (the core engine
// alone, timing included, no trace, one thread), the core cycles simulated per second, and the
// kernel JIT's packets per second on the same packets (BPF_PROG_TEST_RUN) when the kernel is
// usable, else why not. A second table times the whole `simulate` (the core, the reference
// interpreter on every packet, the comparison, the packet path).
// Packets per CPU-second (process.cpuUsage: this process's threads, GC and compiler included) is
// the figure for "one core"; wall time on a shared, loaded machine understates it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFile } from '../compiler/loader/index.js';
import { compileObject, DEFAULT_MIN_FRAME } from '../compiler/pipeline.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import { CORE_PRESETS } from '../isa/index.js';
import type { CoreConfig } from '../isa/index.js';
import { CoreSession } from '../simulator/core/engine.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { kernelNsPerPacket } from '../simulator/simulate/baseline.js';
import { simulate } from '../simulator/simulate/run.js';
import { PROGRAMS } from '../tests/core/sim-case.js';

export const PROGRAMS_TIMED = ['xdp1', 'l4lb'] as const;

interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

interface Speed {
  packets: number;
  perCpuSecond: number;
  perWallSecond: number;
  cyclesPerPacket: number;
}

/** Runs `pass` over and over for `seconds`, after a quarter of that untimed (the JIT settles); packets per CPU- and wall-second. */
function timeLoop(seconds: number, pass: () => { packets: number; cycles: number }): Speed {
  const warm = process.hrtime.bigint() + BigInt(Math.round((seconds / 4) * 1e9));
  do pass();
  while (process.hrtime.bigint() < warm);
  let packets = 0;
  let cycles = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    const p = pass();
    packets += p.packets;
    cycles += p.cycles;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1e6;
  return { packets, perCpuSecond: packets / cpu, perWallSecond: packets / wall, cyclesPerPacket: cycles / packets };
}

function load(name: string) {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const packets = readPcapFile(join(dir, 'traffic.pcap')).map((r) => r.data).filter((d) => d.length >= DEFAULT_MIN_FRAME);
  return { obj, fixture, packets };
}

/** The core engine alone on the program's traffic, results built as every caller gets them (maps not snapshotted). */
export function coreSpeed(name: string, core: CoreConfig, seconds: number): Speed & { program: string } {
  const { obj, fixture, packets } = load(name);
  const c = compileObject(obj, { core });
  const program = c.optimized.program.name;
  const s = new CoreSession(c.object, program, fixture, { core, schedule: (o, p) => scheduleObject(o, p, { core, strategy: 'list' }).program });
  const inputs = packets.map((packet) => ({ packet }));
  const speed = timeLoop(seconds, () => {
    let cycles = 0;
    for (const input of inputs) {
      s.runSync(input, { snapshot: false });
      cycles += s.pipeline.cycles;
    }
    return { packets: inputs.length, cycles };
  });
  return { ...speed, program };
}

const M = (v: number) => Number((v / 1e6).toFixed(3));

export const suite = {
  name: 'simulate',
  async run(opts: { quick: boolean }): Promise<Table[]> {
    const seconds = opts.quick ? 0.5 : 2;
    const presets = opts.quick ? [CORE_PRESETS.xdp2hw] : [CORE_PRESETS.xdp2hw, CORE_PRESETS.hxdp];
    const speed: Table = {
      title: `cycle-accurate core: simulated packets/s (one thread, no trace, ${seconds} s per row after ${seconds / 4} s of warm-up) beside the kernel JIT`,
      columns: ['program', 'core', 'packets', 'M packets/CPU-s', 'M packets/s wall', 'cycles/packet', 'M cycles/CPU-s', 'kernel JIT M packets/s', 'kernel ns/packet'],
      rows: [],
    };
    for (const name of PROGRAMS_TIMED) {
      const { obj, fixture, packets } = load(name);
      let kernel: { ns: number } | { why: string } | undefined;
      for (const core of presets) {
        const r = coreSpeed(name, core, seconds);
        kernel ??= await kernelNsPerPacket(obj, r.program, packets, fixture);
        const k = 'ns' in kernel ? [Number((1e3 / kernel.ns).toFixed(2)), Number(kernel.ns.toFixed(1))] : [`not measured: ${kernel.why}`, '-'];
        speed.rows.push([name, core.name, r.packets, M(r.perCpuSecond), M(r.perWallSecond), Number(r.cyclesPerPacket.toFixed(1)), M(r.perCpuSecond * r.cyclesPerPacket), ...k]);
      }
    }
    const whole: Table = {
      title: 'whole simulate (core + reference interpreter on every packet + comparison + packet path; sessions opened inside), traffic repeated',
      columns: ['program', 'core', 'packets', 'M packets/CPU-s', 'mismatches'],
      rows: [],
    };
    for (const name of PROGRAMS_TIMED) {
      const core = CORE_PRESETS.xdp2hw;
      const { obj, fixture, packets } = load(name);
      const c = compileObject(obj, { core });
      const traffic = Array.from({ length: opts.quick ? 2 : 10 }, () => packets.map((data) => ({ data }))).flat();
      const cpu0 = process.cpuUsage();
      const r = simulate(traffic, {
        reference: obj, compiled: c.object, program: c.optimized.program.name, core, fixture, lineRateGbps: 0.5, minFrame: DEFAULT_MIN_FRAME,
        schedule: (o, p) => scheduleObject(o, p, { core, strategy: 'list' }).program,
      });
      const cpu = process.cpuUsage(cpu0);
      whole.rows.push([name, core.name, r.packets, M(r.packets / ((cpu.user + cpu.system) / 1e6)), r.mismatches]);
    }
    return [speed, whole];
  },
};

// Speed of the three cycle-accurate simulators of the core on the same program and traffic (xdp1
// on its traffic.pcap, the same rows): the TypeScript core (simulator/core), and the emitted
// Verilog in Verilator and in Icarus Verilog (simulator/rtl), all opened through the engine
// registry. The figure is core cycles simulated per CPU-second: for the TypeScript core this
// process's CPU time; for the RTL the simulator process's (its children's CPU time from
// /proc/self/stat), the testbench's packet loading and result writing included, the build not.
// A suite `npm run bench` loads (bench/run.ts); bench/rtl.bench.ts prints it alone.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitVerilog, mapBankFiles } from '../compiler/emit/verilog/index.js';
import { loadFile } from '../compiler/loader/index.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import { CORE_PRESETS } from '../isa/index.js';
import type { CoreSession } from '../simulator/core/engine.js';
import type { RunInput } from '../simulator/engine.js';
import { createEngine } from '../simulator/engines.js';
import type { EngineOptions } from '../simulator/engines.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import type { RtlSession, RtlSimulator } from '../simulator/rtl/engine.js';
import { packetProblem } from '../simulator/xdp/packet.js';
import { simulatorMissing } from '../simulator/rtl/sim.js';

interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

const PROGRAM = 'xdp1';
const ROOT = join(import.meta.dirname, '..');

/** CPU seconds of the waited-for children of this process (utime + stime of /proc/self/stat's cutime, cstime). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3); cutime and cstime are fields 16 and 17
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Speed {
  engine: string;
  packets: number;
  cycles: number;
  cpuSeconds: number;
  wallSeconds: number;
  buildSeconds?: number;
}

/** The pcap's packets the kernel's test run (and so every engine) accepts. */
function inputsOf(dir: string): RunInput[] {
  return readPcapFile(join(dir, 'traffic.pcap')).filter((r) => packetProblem(r.data.length) === undefined).map((r) => ({ packet: r.data }));
}

/** The TypeScript core: passes over `inputs` for at least `seconds` of CPU, after one warm-up pass. */
async function timeCore(opts: EngineOptions, obj: ReturnType<typeof loadFile>, program: string, fixture: ReturnType<typeof parseFixture> | undefined, inputs: RunInput[], seconds: number): Promise<Speed> {
  const s = (await createEngine('core', opts).open(obj, program, fixture)) as CoreSession;
  const pass = () => {
    let cycles = 0;
    for (const input of inputs) {
      s.runSync(input, { snapshot: false });
      cycles += s.pipeline.cycles;
    }
    return cycles;
  };
  pass();
  let packets = 0;
  let cycles = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let cpu = 0;
  while (cpu < seconds) {
    cycles += pass();
    packets += inputs.length;
    const c = process.cpuUsage(cpu0);
    cpu = (c.user + c.system) / 1e6;
  }
  await s.close();
  return { engine: 'TypeScript core', packets, cycles, cpuSeconds: cpu, wallSeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** One simulator run of `batch` packets through the built design (built first, not timed). */
async function timeRtl(sim: RtlSimulator, opts: EngineOptions, obj: ReturnType<typeof loadFile>, program: string, fixture: ReturnType<typeof parseFixture> | undefined, batch: RunInput[]): Promise<Speed> {
  const s = (await createEngine('rtl', { ...opts, cosim: sim }).open(obj, program, fixture)) as RtlSession;
  const b0 = Date.now();
  await s.build();
  const buildSeconds = (Date.now() - b0) / 1000;
  const cpu0 = childCpuSeconds();
  const t0 = process.hrtime.bigint();
  const runs = await s.runBatch(batch, { snapshot: false });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = childCpuSeconds() - cpu0;
  let cycles = 0;
  let packets = 0;
  for (const r of runs) {
    if (r instanceof Error) continue;
    cycles += r.cycles;
    packets++;
  }
  await s.close();
  return { engine: sim === 'verilator' ? 'Verilator' : 'Icarus Verilog', packets, cycles, cpuSeconds, wallSeconds, buildSeconds };
}

/** The speed table for xdp1 on `lanes`; quick: fewer packets and a shorter TypeScript loop. */
export async function rtlSpeed(opts: { quick: boolean; lanes?: number[] }): Promise<Table[]> {
  const dir = join(ROOT, 'programs', PROGRAM);
  const obj = loadFile(join(dir, `${PROGRAM}.o`));
  const program = obj.programs[0].name;
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const all = inputsOf(dir);
  const core = CORE_PRESETS.xdp2hw;
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const lanes of opts.lanes ?? [4]) {
    const schedule = (o: typeof obj, p: string) => scheduleObject(o, p, { core, lanes, strategy: 'list', timeLimitMs: 200 }).program;
    const eopts: EngineOptions = { schedule, core, emit: (r, c, o) => emitVerilog(r, c, o), mapBanks: mapBankFiles };
    const speeds: Speed[] = [await timeCore(eopts, obj, program, fixture, all, opts.quick ? 0.3 : 2)];
    const sims: [RtlSimulator, number][] = [['verilator', opts.quick ? 200 : 5000], ['icarus', opts.quick ? 50 : 500]];
    for (const [sim, n] of sims) {
      const why = simulatorMissing(sim);
      if (why) {
        notes.push(`${sim}: not measured: ${why}`);
        continue;
      }
      const batch = Array.from({ length: n }, (_, i) => all[i % all.length]);
      speeds.push(await timeRtl(sim, eopts, obj, program, fixture, batch));
    }
    for (const s of speeds)
      rows.push([s.engine, lanes, s.packets, s.cycles, +(s.cycles / s.packets).toFixed(1), +s.cpuSeconds.toFixed(2), Math.round(s.cycles / s.cpuSeconds), Math.round(s.cycles / s.wallSeconds), s.buildSeconds === undefined ? '-' : +s.buildSeconds.toFixed(1)]);
  }
  for (const n of notes) rows.push([n, '', '', '', '', '', '', '', '']);
  return [{
    title: `${PROGRAM} on its traffic.pcap, core xdp2hw: core cycles simulated per second (build time apart; RTL includes the testbench's packet loading)`,
    columns: ['engine', 'lanes', 'packets', 'core cycles', 'cycles/packet', 'CPU s', 'cycles per CPU-s', 'cycles per wall-s', 'build s'],
    rows,
  }];
}

export const suite = {
  name: 'rtl',
  run: (opts: { quick: boolean }) => rtlSpeed({ quick: opts.quick }),
};

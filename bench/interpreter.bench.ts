// Speed of the reference interpreter in instructions per second: an ALU/branch loop, a memory
// (stack load/store) loop, and real XDP programs of programs/ on their own traffic. Run:
//   npx tsx bench/interpreter.bench.ts

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { loadFile } from '../compiler/loader/index.js';
import { assemble, encodeProgram } from '../isa/index.js';
import { runConformance } from '../simulator/interpreter/conformance.js';
import { InterpreterSession } from '../simulator/interpreter/engine.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import { generateTraffic, loadTrafficSpec } from '../simulator/traffic/index.js';
import { isMain } from './suite.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const ALU_LOOP = `
  mov %r0, 0
  mov %r1, 0
  lddw %r2, 0x123456789
loop:
  add %r0, %r1
  xor %r0, %r2
  lsh %r0, 3
  rsh %r0, 1
  mul %r0, 7
  add32 %r3, %r1
  add %r1, 1
  jlt %r1, 100000, loop
  exit`;

const MEM_LOOP = `
  mov %r1, 0
  stdw [%r10-8], 0
loop:
  ldxdw %r2, [%r10-8]
  add %r2, %r1
  stxdw [%r10-8], %r2
  ldxb %r3, [%r10-8]
  stb [%r10-16], 1
  add %r1, 1
  jlt %r1, 100000, loop
  ldxdw %r0, [%r10-8]
  exit`;

interface Case {
  name: string;
  /** runs once; returns instructions executed */
  run: () => number;
}

function loopCase(name: string, asm: string): Case {
  const bytes = encodeProgram(assemble(asm));
  return {
    name,
    run: () => {
      const r = runConformance(bytes, new Uint8Array(0), 10_000_000);
      if (!r.ok) throw new Error(`${name}: ${r.error}`);
      return r.insnsExecuted;
    },
  };
}

function programCase(prog: string, snapshot: boolean, packets = 256): Case {
  const dir = join(ROOT, 'programs', prog);
  const obj = loadFile(join(dir, `${prog}.o`));
  const fixture = parseFixture(JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')));
  const session = new InterpreterSession(obj, obj.programs[0].name, fixture);
  const pkts = [...generateTraffic(loadTrafficSpec(join(dir, 'traffic.json')), { packets })].map((p) => p.data).filter((d) => d.length >= 14);
  return {
    name: `${prog} (${pkts.length} packets${snapshot ? ', map snapshot per packet' : ''})`,
    run: () => {
      let n = 0;
      for (const packet of pkts) n += session.runSync({ packet }, { snapshot }).insnsExecuted ?? 0;
      return n;
    },
  };
}

export interface InterpreterRate {
  readonly case: string;
  readonly insnsPerRun: number;
  readonly msPerRun: number;
  /** instructions per second */
  readonly insnsPerSecond: number;
}

/** Instructions per second of the reference interpreter on each case (tinybench, `timeMs` per case). */
export async function interpreterRates(o: { timeMs: number; packets?: number; programs?: readonly string[] } = { timeMs: 1500 }): Promise<InterpreterRate[]> {
  const cases = [loopCase('alu loop', ALU_LOOP), loopCase('stack loop', MEM_LOOP),
    ...(o.programs ?? ['router_ipv4', 'l4lb', 'simple_firewall', 'xdp1']).map((p) => programCase(p, false, o.packets)), programCase('xdp1', true, o.packets)];
  const bench = new Bench({ time: o.timeMs, warmup: true });
  const insns = new Map<string, number>();
  for (const c of cases) {
    insns.set(c.name, c.run());
    bench.add(c.name, () => void c.run());
  }
  await bench.run();
  return bench.tasks.map((t) => {
    const r = t.result as unknown as { latency: { mean: number } };
    const n = insns.get(t.name)!;
    return { case: t.name, insnsPerRun: n, msPerRun: r.latency.mean, insnsPerSecond: (n / r.latency.mean) * 1000 };
  });
}

async function main(): Promise<void> {
  const rows = (await interpreterRates()).map((r) => ({ case: r.case, 'insns/run': r.insnsPerRun, 'ms/run': r.msPerRun.toFixed(3), 'Minsns/s': (r.insnsPerSecond / 1e6).toFixed(1) }));
  console.table(rows);
}

if (isMain(import.meta.url)) await main();

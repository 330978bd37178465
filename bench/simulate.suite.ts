// npm run bench: the cycle-accurate core's speed (simulate.bench.ts's measurement): simulated
// packets and core cycles per CPU-second on each program's own traffic (xdp2hw core, 4 lanes,
// list schedule, after the passes), and per wall second; the kernel JIT's packets/s beside (full run
// only; it needs root and bpftool, else says why).

import { kernelNsPerPacket } from '../simulator/simulate/baseline.js';
import { coreRate, loadCase } from './simulate.bench.js';
import { fig } from './suite.js';
import type { BenchSuite, BenchTable } from './suite.js';

async function run({ quick }: { quick: boolean }): Promise<BenchTable[]> {
  const names = quick ? ['xdp1', 'l4lb'] : ['xdp1', 'xdp2', 'router_ipv4', 'simple_firewall', 'l4lb'];
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const name of names) {
    const c = loadCase(name);
    const r = coreRate(name, c, quick ? 0.3 : 2);
    let kernel: string | number = 'not in --quick';
    if (!quick) {
      const k = await kernelNsPerPacket(c.obj, c.program, c.packets, c.fixture);
      if ('ns' in k) kernel = fig(1e3 / k.ns);
      else {
        kernel = 'n/a';
        if (notes.length === 0) notes.push(`kernel JIT not measured: ${k.why}`);
      }
    }
    rows.push([name, fig(r.cyclesPerPacket), r.packets, fig(r.packetsPerCpuSecond / 1e3), fig(r.cyclesPerCpuSecond / 1e6), fig(r.packetsPerSecond / 1e3), kernel]);
  }
  return [{
    title: 'Cycle-accurate core (simulator/core): simulated packets/s and cycles/s (one thread; xdp2hw core, 4 lanes, list, all passes)',
    columns: ['program', 'cycles/packet', 'packets run', 'k packets/CPU-s', 'M cycles/CPU-s', 'k packets/s wall', 'kernel JIT Mpps'],
    rows,
    notes: ['per CPU-second (process.cpuUsage) is the figure for one core: wall time on a shared machine understates it', ...notes],
  }];
}

export const suite: BenchSuite = { name: 'simulate', run };

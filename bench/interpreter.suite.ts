// npm run bench: the reference interpreter's instructions per second (interpreter.bench.ts's cases:
// an ALU loop, a stack loop, corpus programs on their generated traffic).

import { interpreterRates } from './interpreter.bench.js';
import { fig } from './suite.js';
import type { BenchSuite, BenchTable } from './suite.js';

async function run({ quick }: { quick: boolean }): Promise<BenchTable[]> {
  const rates = await interpreterRates(quick ? { timeMs: 100, packets: 64, programs: ['l4lb'] } : { timeMs: 1000 });
  return [{
    title: 'Reference interpreter: instructions per second (one thread)',
    columns: ['case', 'insns/run', 'ms/run', 'M insns/s'],
    rows: rates.map((r) => [r.case, r.insnsPerRun, fig(r.msPerRun), fig(r.insnsPerSecond / 1e6)]),
  }];
}

export const suite: BenchSuite = { name: 'interpreter', run };

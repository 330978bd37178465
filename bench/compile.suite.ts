// npm run bench: compile time per program and strategy on hXDP's eight programs: the pass pipeline
// alone, then the schedule into 4 lanes of the xdp2hw core after the passes, per strategy
// (tinybench means; optimal with its default 200 ms per block, which bounds it).

import { compileObject } from '../compiler/pipeline.js';
import { scheduleProgram, STRATEGIES } from '../compiler/schedule/index.js';
import { XDP2HW } from '../isa/index.js';
import { loadPrograms, NAMES } from './compile.bench.js';
import { fig, timeTasks } from './suite.js';
import type { BenchSuite, BenchTable } from './suite.js';

async function run({ quick }: { quick: boolean }): Promise<BenchTable[]> {
  const objects = loadPrograms(quick ? ['xdp1', 'l4lb'] : NAMES);
  const rows: (string | number)[][] = [];
  for (const [name, obj] of objects) {
    const c = compileObject(obj, { core: XDP2HW });
    const tasks = [
      { name: 'passes', fn: () => compileObject(obj, { core: XDP2HW }) },
      ...STRATEGIES.map((s) => ({ name: s, fn: () => scheduleProgram(c.ir, c.insns.original, { core: XDP2HW, lanes: 4, strategy: s }) })),
    ];
    const t = await timeTasks(tasks, { iterations: quick ? 2 : 5, timeMs: quick ? 10 : 200 });
    const rowsOf = STRATEGIES.map((s) => scheduleProgram(c.ir, c.insns.original, { core: XDP2HW, lanes: 4, strategy: s, timeLimitMs: 200 }).stats.rows);
    rows.push([name, c.insns.original, c.insns.optimized, fig(t.get('passes')!.meanMs), ...STRATEGIES.map((s) => fig(t.get(s)!.meanMs)), rowsOf.join('/')]);
  }
  return [{
    title: 'Compile time per program and strategy (ms, mean; xdp2hw core, 4 lanes, after all passes)',
    columns: ['program', 'insns', 'optimized', 'passes ms', ...STRATEGIES.map((s) => `${s} ms`), `rows ${STRATEGIES.map((s) => s.slice(0, 3)).join('/')}`],
    rows,
    notes: ['a strategy column is the schedule alone; compile = passes + schedule'],
  }];
}

export const suite: BenchSuite = { name: 'compile', run };

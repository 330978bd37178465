// What `npm run bench` (bench/run.ts) runs: every bench/*.suite.ts exports `suite`, a name and a
// function that measures and returns tables. Also the helpers suites share: tinybench timing of a
// few tasks, figures rounded for print, a table as text, and whether a module is the entry point.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

export interface BenchTable {
  readonly title: string;
  readonly columns: string[];
  readonly rows: (string | number)[][];
  /** lines printed under the table */
  readonly notes?: string[];
}

export interface BenchOptions {
  /** a short run (fewer iterations, fewer programs): a smoke test of the figures */
  readonly quick: boolean;
}

export interface BenchSuite {
  readonly name: string;
  readonly run: (opts: BenchOptions) => Promise<BenchTable[]>;
}

export interface Timed {
  /** mean wall time of one call, ms */
  readonly meanMs: number;
  /** calls measured */
  readonly samples: number;
}

/** Times each task with tinybench (after a warm-up call), at least `iterations` calls or `timeMs`. */
export async function timeTasks(tasks: readonly { name: string; fn: () => unknown }[], o: { iterations: number; timeMs: number }): Promise<Map<string, Timed>> {
  const bench = new Bench({ iterations: o.iterations, time: o.timeMs, warmup: true, warmupIterations: 1, warmupTime: 0 });
  for (const t of tasks) bench.add(t.name, t.fn);
  await bench.run();
  const out = new Map<string, Timed>();
  for (const t of bench.tasks) {
    const r = t.result;
    if (r.state === 'errored') throw r.error;
    if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
    out.set(t.name, { meanMs: r.latency.mean, samples: r.latency.samplesCount });
  }
  return out;
}

/** A figure with three significant digits (whole numbers above 1000), for tables. */
export function fig(v: number): number {
  if (!Number.isFinite(v)) return v;
  if (Math.abs(v) >= 1000) return Math.round(v);
  return Number(v.toPrecision(3));
}

/** The table as aligned text: numbers right-aligned, text left-aligned. */
export function formatTable(t: BenchTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 3 }) : c)))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = t.columns.map((_, i) => t.rows.length > 0 && t.rows.every((r) => typeof r[i] === 'number'));
  const line = (r: (string | number)[]) => r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [t.title, line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line), ...(t.notes ?? []).map((n) => `  ${n}`)].join('\n');
}

/** Whether the module at `url` is the script node was started with (`npx tsx bench/X.ts`). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(url);
}

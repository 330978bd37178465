// `xdp2hw sweep`'s library: the inputs (objects given, or programs of the corpus by name), the
// run (the grid, this shard's slice, the points not yet in the output, run on worker threads and
// appended line by line) and the merge of shards (dedupe by id, conflicts refused, sorted).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFile } from '../../compiler/loader/index.js';
import { writeFileAtomicSync } from '../../simulator/io/atomic.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { UsageError, UserError } from '../errors.js';
import { readFixture } from '../inputs.js';
import { comparePoints, PointWriter, readPoints, withoutTiming } from './jsonl.js';
import { expandGrid, shardOf, sweepInput } from './points.js';
import type { PointSpec, SweepGrid, SweepInput } from './points.js';
import { runPoints } from './pool.js';
import type { PointRecord } from './run-point.js';

/** programs/ of this package (cli/sweep/ from source, dist/cli/sweep/ when built). */
export function corpusDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir))
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'programs'))) return join(dir, 'programs');
  throw new UserError('--programs: the programs/ folder of xdp2hw was not found');
}

/** Programs of the corpus with an object and a traffic trace, by folder name. */
export function corpusNames(dir = corpusDir()): string[] {
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, `${n}.o`)) && existsSync(join(dir, n, 'traffic.pcap'))).sort();
}

/** The objects to sweep: the files given, then `--programs` names of programs/ ('all': every one). */
export function objectPaths(files: readonly string[], programs: string | undefined): string[] {
  const out = [...files];
  if (programs !== undefined) {
    const dir = corpusDir();
    const names = corpusNames(dir);
    const wanted = programs.split(',').map((s) => s.trim()).filter(Boolean);
    if (wanted.length === 0) throw new UsageError('--programs: name programs of programs/, or all');
    for (const w of wanted) {
      if (w === 'all') {
        out.push(...names.map((n) => shown(join(dir, n, `${n}.o`))));
        continue;
      }
      if (!names.includes(w)) throw new UsageError(`--programs: no program ${w} in programs/ (${names.join(', ')})`);
      out.push(shown(join(dir, w, `${w}.o`)));
    }
  }
  if (out.length === 0) throw new UsageError('name the objects to sweep: files, or --programs NAMES (programs of programs/, or all)');
  return out;
}

/** A corpus object's path as the record shows it: relative to the working directory when under it. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') || isAbsolute(r) ? path : r;
}

/** Each object loaded and its first program named; its traffic and fixture read once here, so a bad one fails before any work. */
export function sweepInputs(paths: readonly string[]): SweepInput[] {
  return paths.map((file) => {
    const obj = loadFile(file);
    const program = obj.programs[0]?.name;
    if (program === undefined) throw new UserError(`${file}: the file has no programs`);
    const input = sweepInput(file, program, readFileSync(file));
    if (input.maps !== undefined) readFixture(input.maps);
    if (input.pcap !== undefined) readPcapFile(input.pcap);
    return input;
  });
}

export interface SweepRun {
  readonly out: string;
  readonly grid: SweepGrid;
  readonly shard?: { index: number; count: number };
  readonly jobs: number;
  /** called after each point is appended */
  readonly progress?: (done: number, total: number) => void;
}

export interface SweepSummary {
  out: string;
  /** points of the whole grid */
  total: number;
  /** points of this shard */
  points: number;
  /** already in the output */
  skipped: number;
  /** run now */
  ran: number;
  refused: number;
  /** points of this shard (run now or before) where the core and the interpreter disagreed */
  mismatchPoints: number;
  jobs: number;
  shard: string;
  seconds: number;
}

/** The points of the grid (this shard's) not yet in `out`: what a run would run. */
export function pendingPoints(o: SweepRun): PointSpec[] {
  return plan(o).todo;
}

function plan(o: SweepRun) {
  const all = dedupe(expandGrid(o.grid));
  const mine = o.shard ? shardOf(all, o.shard.index, o.shard.count) : all;
  const existing = readPoints(o.out, true);
  const done = new Map(existing.points.map((p) => [p.id, p]));
  return { all, mine, existing, done, todo: mine.filter((p) => !done.has(p.id)) };
}

/** Runs the points of the grid (this shard's) not yet in `out`, appending each as it completes. */
export async function runSweep(o: SweepRun): Promise<{ summary: SweepSummary; records: PointRecord[] }> {
  const t0 = performance.now();
  const { all, mine, existing, done, todo } = plan(o);
  const writer = new PointWriter(o.out, existing.wholeBytes, existing.torn);
  const records: PointRecord[] = mine.flatMap((p) => (done.has(p.id) ? [done.get(p.id)!] : []));
  let n = 0;
  try {
    await runPoints(todo, o.jobs, (r) => {
      writer.append(r);
      records.push(r);
      o.progress?.(++n, todo.length);
    });
  } finally {
    writer.close();
  }
  const fresh = records.slice(records.length - n);
  return {
    records,
    summary: {
      out: o.out, total: all.length, points: mine.length, skipped: mine.length - todo.length, ran: n,
      refused: fresh.filter((r) => r.refused !== undefined).length, mismatchPoints: records.filter((r) => (r.mismatches ?? 0) > 0).length,
      jobs: Math.min(o.jobs, Math.max(1, todo.length)), shard: o.shard ? `${o.shard.index}/${o.shard.count}` : '0/1',
      seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
    },
  };
}

function dedupe(points: PointSpec[]): PointSpec[] {
  const seen = new Set<string>();
  return points.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

export interface MergeSummary {
  out: string;
  inputs: number;
  points: number;
  /** lines that repeated a point already seen (same figures) */
  duplicates: number;
  /** inputs whose torn last line was ignored */
  torn: string[];
}

/**
 * Joins shard outputs into `out`: one line per id, sorted by coordinates; a point present twice
 * with different figures (timing fields aside) is refused, naming both files and the field.
 */
export function mergeSweeps(inputs: readonly string[], out: string): MergeSummary {
  const byId = new Map<string, { p: PointRecord; where: string }>();
  let duplicates = 0;
  const torn: string[] = [];
  for (const file of inputs) {
    const r = readPoints(file);
    if (r.torn) torn.push(file);
    for (const p of r.points) {
      const seen = byId.get(p.id);
      if (seen === undefined) {
        byId.set(p.id, { p, where: file });
        continue;
      }
      const a = withoutTiming(seen.p);
      const b = withoutTiming(p);
      const field = [...new Set([...Object.keys(a), ...Object.keys(b)])].find((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      if (field !== undefined)
        throw new UserError(`${file}: point ${p.id} conflicts with ${seen.where}: ${field} is ${JSON.stringify(b[field])} here, ${JSON.stringify(a[field])} there`);
      duplicates++;
    }
  }
  const points = [...byId.values()].map((x) => x.p).sort(comparePoints);
  writeFileAtomicSync(out, points.map((p) => `${JSON.stringify(p)}\n`).join(''));
  return { out, inputs: inputs.length, points: points.length, duplicates, torn };
}

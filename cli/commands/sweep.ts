// `xdp2hw sweep [files...] --out points.jsonl [--programs P] [--lanes L] [--strategies S] [--core C]
// [--clock M] [--passes P] [--packets N] [--jobs N] [--shard i/n] [--json]`: the design-space sweep
// (cli/sweep/), one JSON line per point, resumable and sharded; `xdp2hw sweep merge a.jsonl b.jsonl
// --out all.jsonl` joins shards. Exit 0; 1 for bad input, a conflict or a point whose core disagreed
// with the interpreter; 2 for usage.

import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { PASS_NAMES } from '../../compiler/passes/index.js';
import { isStrategy, STRATEGIES } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { CORE_PRESETS } from '../../isa/index.js';
import { createProgress } from '../../simulator/io/progress.js';
import { parseIntList } from '../args.js';
import { UsageError } from '../errors.js';
import { JSON_OUTPUT } from '../options.js';
import { checkLanes, readCore, TIME_LIMIT } from '../schedule-options.js';
import { parseShard } from '../sweep/points.js';
import { mergeSweeps, objectPaths, pendingPoints, runSweep, sweepInputs } from '../sweep/sweep.js';

interface SweepArgs {
  files: string[];
  out: string;
  programs?: string;
  lanes?: string;
  strategies: string;
  core: string;
  clock?: string;
  passes: string;
  packets: number;
  'time-limit': number;
  'line-rate': number;
  jobs?: number;
  shard?: string;
  'dry-run': boolean;
  json: boolean;
}

/** Options that only a sweep (not `sweep merge`) takes. */
const SWEEP_ONLY = ['programs', 'lanes', 'strategies', 'core', 'clock', 'passes', 'packets', 'time-limit', 'line-rate', 'jobs', 'shard', 'dry-run'];

export const sweepCommand: CommandModule<object, SweepArgs> = {
  command: 'sweep [files...]',
  describe: 'Design-space sweep: programs × lanes × strategies × cores × passes × clocks through the core, one JSON line per point (resumable, sharded); `sweep merge a b --out c` joins shards',
  builder: (y: Argv) =>
    y
      .parserConfiguration({ 'duplicate-arguments-array': true })
      .positional('files', { type: 'string', array: true, default: [] as string[], describe: 'objects to sweep (their traffic.pcap and maps.json beside them); after merge: the shard outputs to join' })
      .option('out', { type: 'string', demandOption: true, describe: 'the output, one JSON point a line: points already there are skipped, new ones appended', coerce: last })
      .option('programs', { type: 'string', describe: 'programs of programs/ by name, comma-separated, or all', coerce: last })
      .option('lanes', { type: 'string', describe: 'lane counts, e.g. 1,2,4,8 (default: each core\'s)', coerce: last })
      .option('strategies', { type: 'string', default: 'list', describe: `strategies: ${STRATEGIES.join(', ')}`, coerce: last })
      .option('core', { type: 'string', default: 'xdp2hw', describe: `cores, comma-separated: ${Object.keys(CORE_PRESETS).join(', ')} or JSON core files`, coerce: last })
      .option('clock', { type: 'string', describe: 'core clocks, MHz, comma-separated, e.g. 156.25,250 (default: each core\'s)', coerce: last })
      .option('passes', { type: 'string', default: 'all', describe: 'pass sets, comma-separated: all, none, or pass names joined by + (e.g. all,none)', coerce: last })
      .option('packets', { type: 'number', default: 1000, describe: 'at most this many packets of each program\'s traffic', coerce: last })
      .option('time-limit', { ...TIME_LIMIT, coerce: last })
      .option('line-rate', { type: 'number', default: 40, describe: 'Gb/s of back-to-back arrivals (as simulate)', coerce: last })
      .option('jobs', { type: 'number', describe: 'worker threads (default: the machine\'s cores)', coerce: last })
      .option('shard', { type: 'string', describe: 'run only the i-th of n disjoint slices, e.g. 0/4', coerce: last })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the points this run would run (this shard\'s, not yet in --out), one JSON line each, and run nothing', coerce: last })
      .option('json', { ...JSON_OUTPUT, coerce: last })
      .epilog('`xdp2hw sweep merge a.jsonl b.jsonl ... --out all.jsonl` joins shard outputs: one line per point id, sorted; '
        + 'a point given twice with different figures (compileMs, simulateMs aside) is refused. '
        + 'Exit status: 0; 1 for bad input, a merge conflict or a point where the core disagreed with the interpreter; 2 for usage errors.') as unknown as Argv<SweepArgs>,
  handler: async (a) => {
    if (a.files[0] === 'merge') return merge(a);
    const json = a.json;
    const shard = a.shard === undefined ? undefined : parseShard(a.shard);
    if (a.shard !== undefined && shard === undefined) throw new UsageError(`--shard ${a.shard}: expected i/n with 0 <= i < n, e.g. 0/4`);
    const jobs = a.jobs ?? availableParallelism();
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs ${jobs}: expected a whole number from 1 to 256`);
    const grid = gridOf(a);
    if (a['dry-run']) {
      for (const p of pendingPoints({ out: a.out, grid, shard, jobs }))
        process.stdout.write(`${JSON.stringify({ id: p.id, program: p.input.program, file: p.input.file, lanes: p.lanes, strategy: p.strategy, core: p.core.name, passes: p.passes, clockMHz: p.clockMHz })}\n`);
      return;
    }
    const bar = createProgress('sweep', 'points');
    let result;
    try {
      result = await runSweep({ out: a.out, grid, shard, jobs, progress: (d, t) => bar.update(d, t) });
    } finally {
      bar.end();
    }
    const s = result.summary;
    if (json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    else process.stdout.write(`sweep: ${s.points} point${s.points === 1 ? '' : 's'}${s.shard === '0/1' ? '' : ` (shard ${s.shard} of ${s.total})`} in ${s.out}: ${s.skipped} already there, ${s.ran} run (${s.jobs} job${s.jobs > 1 ? 's' : ''}, ${s.seconds} s), ${s.refused} refused, ${s.mismatchPoints} with mismatches\n`);
    const bad = result.records.filter((r) => (r.mismatches ?? 0) > 0);
    for (const r of bad.slice(0, 10)) process.stderr.write(`${r.file}: point ${r.id} (${r.lanes} lanes, ${r.strategy}, ${r.core}, passes ${r.passes}): ${r.mismatches} packets differ from the reference interpreter\n`);
    for (const r of result.records.filter((x) => x.refused !== undefined).slice(0, 10)) process.stderr.write(`${r.file}: point ${r.id} refused: ${r.refused}\n`);
    if (bad.length > 0) process.exitCode = 1;
  },
};

/** A repeated option takes its last value, as everywhere else in the CLI. */
function last<T>(v: T | T[]): T {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

const list = (text: string): string[] => String(text).split(',').map((s) => s.trim()).filter((s) => s !== '');

/** The grid from the options: usage checked first, then the core files and the objects read. */
function gridOf(a: SweepArgs) {
  const lanesGiven = a.lanes === undefined ? undefined : parseIntList(a.lanes, 'lanes', 1, 8);
  lanesGiven?.forEach((l) => checkLanes(l));
  const strategies = list(a.strategies);
  const bad = strategies.find((s) => !isStrategy(s));
  if (bad !== undefined || strategies.length === 0) throw new UsageError(`--strategies: no strategy ${bad ?? '(none given)'} (strategies: ${STRATEGIES.join(', ')})`);
  const clocks = a.clock === undefined ? [undefined] : list(a.clock).map((c) => {
    const v = Number(c);
    if (!(c !== '' && v > 0 && v <= 2000)) throw new UsageError(`--clock: ${c} is not a clock in MHz above 0 and at most 2000`);
    return v;
  });
  if (clocks.length === 0) throw new UsageError('--clock: give at least one clock in MHz');
  const passes = list(a.passes).map(checkPassSet);
  if (passes.length === 0) throw new UsageError('--passes: give all, none or pass names joined by +');
  if (!Number.isInteger(a.packets) || a.packets < 1) throw new UsageError(`--packets ${a.packets}: expected a whole number of 1 or more`);
  if (!(a['time-limit'] > 0)) throw new UsageError('--time-limit must be above 0');
  if (!(a['line-rate'] > 0 && a['line-rate'] <= 10_000)) throw new UsageError(`--line-rate must be above 0 and at most 10000, not ${a['line-rate']}`);
  const coreArgs = list(a.core);
  if (coreArgs.length === 0) throw new UsageError('--core: name at least one core');
  const paths = objectPaths(a.files, a.programs);
  const cores = coreArgs.map((arg) => ({ arg, core: readCore(arg) }));
  const inputs = sweepInputs(paths);
  return { inputs, lanes: lanesGiven, strategies: strategies as Strategy[], cores, passes, clocks, packets: a.packets, timeLimitMs: a['time-limit'], lineRateGbps: a['line-rate'] };
}

function checkPassSet(set: string): string {
  if (set === 'all' || set === 'none') return set;
  const names = set.split('+');
  const bad = names.find((n) => !PASS_NAMES.includes(n));
  if (bad !== undefined) throw new UsageError(`--passes: ${set}: no pass "${bad}" (a set is all, none, or names joined by +: ${PASS_NAMES.join(', ')})`);
  return set;
}

function merge(a: SweepArgs): void {
  const given = SWEEP_ONLY.find((k) => !isDefault(a, k));
  if (given !== undefined) throw new UsageError(`--${given} does not apply to sweep merge`);
  const inputs = a.files.slice(1);
  if (inputs.length === 0) throw new UsageError('sweep merge: name the shard outputs to join');
  const s = mergeSweeps(inputs, a.out);
  for (const f of s.torn) process.stderr.write(`${f}: a torn last line (a killed run) was left out\n`);
  process.stdout.write(a.json ? `${JSON.stringify(s, null, 2)}\n` : `sweep merge: ${s.points} point${s.points === 1 ? '' : 's'} from ${s.inputs} file${s.inputs === 1 ? '' : 's'} into ${s.out} (${s.duplicates} duplicates)\n`);
}

/** Whether option `k` holds its default (yargs fills defaults, so "given" means "not the default"). */
function isDefault(a: SweepArgs, k: string): boolean {
  const defaults: Record<string, unknown> = { strategies: 'list', core: 'xdp2hw', passes: 'all', packets: 1000, 'time-limit': 200, 'line-rate': 40 };
  const v = (a as unknown as Record<string, unknown>)[k];
  return v === undefined || v === false || (k in defaults && v === defaults[k]);
}

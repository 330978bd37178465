// docs/SCALING.md works as written: its YAML parses into an Indexed Job whose shard count is its
// completions; the Job's and the Slurm script's sweep commands, run for every index with the
// environment the cluster sets (as --dry-run), give disjoint shards that together are the whole
// grid; both merge commands join real shard files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/paths.js';
import { runCli } from '../cli/run.js';
import { corpusNames } from '../../cli/sweep/sweep.js';

const doc = readFileSync(join(ROOT, 'docs/SCALING.md'), 'utf8');
const blocks = (lang: string): string[] => [...doc.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
const CLI = `node ${join(ROOT, 'dist/cli/xdp2hw.js')}`;
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-scaling-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown> & { template?: { spec: { containers: { command: string[]; args: string[] }[] } } };
}

const objects: K8sObject[] = blocks('yaml').flatMap((text) => parseAllDocuments(text).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as K8sObject;
}));
const jobs = objects.filter((o) => o.kind === 'Job');
const indexed = jobs.find((j) => j.spec.completionMode === 'Indexed')!;
const mergeJob = jobs.find((j) => j !== indexed)!;
const shellOf = (j: K8sObject): string => {
  const c = j.spec.template!.spec.containers[0];
  expect(c.command).toEqual(['sh', '-c']);
  return c.args[0];
};
/** A sweep command line as a dry run of the built CLI. */
const dry = (cmd: string) => cmd.replaceAll('node dist/cli/xdp2hw.js', CLI).replace(/xdp2hw\.js sweep /, 'xdp2hw.js sweep --dry-run ');
const ids = (out: string): string[] => out.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
const sh = (shell: string, script: string, env: Record<string, string>, cwd = ROOT): string =>
  execFileSync(shell, ['-c', script], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });

let grid: string[] = [];

beforeAll(() => {
  // the whole grid of the page: the Job's command without --shard
  grid = ids(sh('sh', dry(shellOf(indexed)).replace(/--shard "[^"]*"/, '').replaceAll('/results', tmp), { JOB_COMPLETION_INDEX: '0' }));
});

describe('docs/SCALING.md', () => {
  it('has a PersistentVolumeClaim, an Indexed Job and a merge Job, all on one claim', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['Job', 'Job', 'PersistentVolumeClaim']);
    expect(indexed.spec.completions).toBe(indexed.spec.parallelism);
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim')!.metadata.name;
    for (const j of jobs) expect(JSON.stringify(j.spec.template)).toContain(`"claimName":"${claim}"`);
    // the page's grid: every corpus program × 4 lane counts × 3 strategies × 2 cores × 2 pass sets × 2 clocks
    expect(grid.length).toBe(corpusNames().length * 4 * 3 * 2 * 2 * 2);
  });

  it('the Indexed Job: --shard is JOB_COMPLETION_INDEX of completions, and the shards are the grid', () => {
    const cmd = shellOf(indexed);
    const n = indexed.spec.completions as number;
    expect(cmd).toContain(`--shard "$JOB_COMPLETION_INDEX/${n}"`);
    const shards = Array.from({ length: n }, (_, i) => ids(sh('sh', dry(cmd).replaceAll('/results', tmp), { JOB_COMPLETION_INDEX: String(i) })));
    expect(shards.flat().sort()).toEqual([...grid].sort());
    expect(new Set(shards.flat()).size).toBe(grid.length);
  });

  it('the Slurm array: each task runs its shard, and the shards are the grid', () => {
    const script = blocks('bash').find((b) => b.includes('#SBATCH --array'))!;
    const m = /#SBATCH --array=(\d+)-(\d+)/.exec(script)!;
    const [lo, hi] = [Number(m[1]), Number(m[2])];
    const dir = join(tmp, 'slurm');
    mkdirSync(dir);
    const shards = [];
    for (let i = lo; i <= hi; i++)
      shards.push(ids(sh('bash', dry(script), { SLURM_SUBMIT_DIR: dir, SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: String(hi - lo + 1), SLURM_CPUS_PER_TASK: '2' })));
    expect(shards.flat().sort()).toEqual([...grid].sort());
    expect(new Set(shards.flat()).size).toBe(grid.length);
  });

  it('both merge commands join shard files', () => {
    const results = join(tmp, 'results');
    mkdirSync(results);
    const small = ['sweep', '--programs', 'xdp1', '--lanes', '2,4', '--packets', '40', '--jobs', '1'];
    for (const i of [0, 1]) expect(runCli([...small, '--shard', `${i}/2`, '--out', join(results, `shard-${i}.jsonl`)]).status).toBe(0);
    sh('sh', shellOf(mergeJob).replaceAll('node dist/cli/xdp2hw.js', CLI).replaceAll('/results', results), {});
    expect(readFileSync(join(results, 'all.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const wrap = /--wrap '([^']+)'/.exec(blocks('sh').find((b) => b.includes('sbatch --dependency'))!)![1];
    rmSync(join(results, 'all.jsonl'));
    sh('sh', wrap.replaceAll('node dist/cli/xdp2hw.js', CLI), {}, tmp);
    expect(readFileSync(join(results, 'all.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

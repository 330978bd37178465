// `npm run fuzz`: the long fuzz run. Batches of indexed inputs of every format go to worker
// threads; a watchdog declares a hang when a worker reports nothing for 10 s (it is terminated,
// the input recorded, the run goes on). Prints a table per format; exits 1 on any failure or hang.
// Options: --count N (default 100000), --seconds S, --seed S, --workers N, --formats a,b,
// --replay format:seed:index [--save FILE].

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { setSandboxBase } from './cli-options.js';
import { harness, HARNESSES } from './formats.js';
import { inputAt } from './harness.js';
import type { Batch, WorkerMessage } from './worker.js';

const HANG_MS = 10_000;
const BATCH = 100;
const MAX_LISTED = 10;

interface Options {
  count: number;
  seconds: number;
  seed: number;
  workers: number;
  formats: string[];
}

interface Tally {
  inputs: number;
  ok: number;
  clean: number;
  failures: number;
  hangs: number;
}

interface Finding {
  readonly kind: 'failure' | 'hang';
  readonly format: string;
  readonly seed: number;
  readonly index: number;
  readonly why: string;
  label?: string;
}

interface Slot {
  worker: Worker;
  batch?: Batch;
  /** the index the worker is on (the next one to report) */
  next: number;
  last: number;
}

function options(): Options | { replay: string; save?: string } {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' }, seconds: { type: 'string' }, seed: { type: 'string' },
      workers: { type: 'string' }, formats: { type: 'string' }, replay: { type: 'string' }, save: { type: 'string' },
    },
  });
  if (values.replay) return { replay: values.replay, save: values.save };
  const num = (v: string | undefined, d: number) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
    return n;
  };
  const formats = values.formats ? values.formats.split(',') : HARNESSES.map((h) => h.format);
  formats.forEach(harness);
  return {
    count: num(values.count, 100_000), seconds: num(values.seconds, Infinity), formats,
    seed: num(values.seed, Math.floor(Math.random() * 2 ** 31)) | 0, workers: num(values.workers, Math.min(2, availableParallelism())),
  };
}

/** Batches of every format, interleaved so that a time-limited run still covers them all. */
function batches(o: Options): Batch[] {
  const per = Math.ceil(o.count / o.formats.length);
  const out: Batch[] = [];
  for (let start = 0; start < per; start += BATCH)
    for (const format of o.formats) out.push({ format, seed: o.seed, start, end: Math.min(per, start + BATCH) });
  return out;
}

function spawn(sandbox: string): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const self = new URL('./worker.ts', import.meta.url).href;
  const src = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`;
  return new Worker(src, { eval: true, workerData: { sandbox }, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
}

class Runner {
  readonly tally = new Map<string, Tally>();
  readonly findings: Finding[] = [];
  private readonly slots: Slot[] = [];
  private readonly queue: Batch[];
  private readonly t0 = Date.now();
  private done!: () => void;

  constructor(private readonly o: Options, private readonly sandbox: string) {
    this.queue = batches(o);
    for (const f of o.formats) this.tally.set(f, { inputs: 0, ok: 0, clean: 0, failures: 0, hangs: 0 });
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve;
      for (let i = 0; i < this.o.workers; i++) this.slots.push(this.start());
      const watchdog = setInterval(() => this.watch(), 1000);
      const progress = setInterval(() => this.progress(), 10_000);
      const finish = this.done;
      this.done = () => {
        clearInterval(watchdog);
        clearInterval(progress);
        finish();
      };
      for (const s of this.slots) this.assign(s);
    });
  }

  private start(): Slot {
    const slot: Slot = { worker: spawn(this.sandbox), next: 0, last: Date.now() };
    slot.worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    slot.worker.on('error', (e) => this.lost(slot, 'failure', `worker died: ${e.message.split('\n')[0]}`));
    slot.worker.on('exit', (code) => this.lost(slot, 'failure', `worker exited (code ${code}) during the input`));
    return slot;
  }

  private assign(s: Slot): void {
    const outOfTime = Date.now() - this.t0 > this.o.seconds * 1000;
    s.batch = outOfTime ? undefined : this.queue.shift();
    if (s.batch) {
      s.next = s.batch.start;
      s.last = Date.now();
      s.worker.postMessage(s.batch);
    } else if (this.slots.every((x) => !x.batch)) this.done();
  }

  private onMessage(s: Slot, m: WorkerMessage): void {
    s.last = Date.now();
    if (m.type === 'done') return this.assign(s);
    if (m.type !== 'result') return;
    const t = this.tally.get(m.format)!;
    t.inputs++;
    s.next = m.index + 1;
    if (m.kind === 'ok') t.ok++;
    else if (m.kind === 'clean') t.clean++;
    else {
      t.failures++;
      this.findings.push({ kind: 'failure', format: m.format, seed: s.batch!.seed, index: m.index, why: m.why ?? '', label: m.label });
    }
  }

  /** A worker that hung, died or exited: record its input, replace it, requeue the rest of its batch. */
  private lost(s: Slot, kind: Finding['kind'], why: string): void {
    const b = s.batch;
    if (!b || !this.slots.includes(s)) return;
    s.batch = undefined;
    const t = this.tally.get(b.format)!;
    t.inputs++;
    if (kind === 'hang') t.hangs++;
    else t.failures++;
    this.findings.push({ kind, format: b.format, seed: b.seed, index: s.next, why });
    if (s.next + 1 < b.end) this.queue.unshift({ ...b, start: s.next + 1 });
    this.slots.splice(this.slots.indexOf(s), 1);
    s.worker.removeAllListeners();
    void s.worker.terminate();
    const fresh = this.start();
    this.slots.push(fresh);
    this.assign(fresh);
  }

  private watch(): void {
    for (const s of [...this.slots]) if (s.batch && Date.now() - s.last > HANG_MS) this.lost(s, 'hang', `no progress for ${HANG_MS / 1000} s`);
  }

  private progress(): void {
    const n = [...this.tally.values()].reduce((a, t) => a + t.inputs, 0);
    const secs = (Date.now() - this.t0) / 1000;
    process.stderr.write(`fuzz: ${n} inputs in ${secs.toFixed(0)} s (${(n / secs).toFixed(0)}/s), ${this.findings.length} findings\n`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.map((s) => {
      s.worker.removeAllListeners();
      return s.worker.terminate();
    }));
  }
}

function table(tally: Map<string, Tally>, secs: number): string {
  const rows = [['format', 'inputs', 'ok', 'clean errors', 'failures', 'hangs']];
  const sum: Tally = { inputs: 0, ok: 0, clean: 0, failures: 0, hangs: 0 };
  for (const [f, t] of tally) {
    rows.push([f, ...[t.inputs, t.ok, t.clean, t.failures, t.hangs].map(String)]);
    for (const k of Object.keys(sum) as (keyof Tally)[]) sum[k] += t[k];
  }
  rows.push(['total', ...[sum.inputs, sum.ok, sum.clean, sum.failures, sum.hangs].map(String)]);
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ');
  return [line(rows[0]), w.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1, -1).map(line), w.map((n) => '-'.repeat(n)).join('  '),
    line(rows[rows.length - 1]), `${sum.inputs} inputs in ${secs.toFixed(1)} s (${(sum.inputs / secs).toFixed(0)}/s)`].join('\n');
}

/** Regenerates one input in this thread, prints its label and verdict, optionally saves it. */
async function replay(spec: string, save?: string): Promise<number> {
  const [format, seed, index] = spec.split(':');
  const h = harness(format);
  const input = inputAt(await h.inputs(), Number(seed), Number(index));
  console.log(`${format}:${seed}:${index}: ${input.label}`);
  if (save) {
    const v = input.value;
    writeFileSync(save, v instanceof Uint8Array ? v : typeof v === 'string' ? v : JSON.stringify(v, (_, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x), 2));
    console.log(`saved to ${save}`);
  }
  const v = await h.check(input.value);
  console.log(JSON.stringify(v, null, 2));
  return v.kind === 'failure' ? 1 : 0;
}

async function fuzz(o: Options): Promise<number> {
  const sandbox = mkdtempSync(join(tmpdir(), 'xdp2hw-fuzz-'));
  setSandboxBase(sandbox);
  console.log(`fuzz: ${o.count} inputs over ${o.formats.length} formats, seed ${o.seed}, ${o.workers} workers${Number.isFinite(o.seconds) ? `, at most ${o.seconds} s` : ''}`);
  const runner = new Runner(o, sandbox);
  const t0 = Date.now();
  try {
    await runner.run();
  } finally {
    await runner.stop();
    rmSync(sandbox, { recursive: true, force: true });
  }
  console.log(`\n${table(runner.tally, (Date.now() - t0) / 1000)}`);
  listFindings(runner.findings);
  return runner.findings.length ? 1 : 0;
}

/** Hangs first, then one failure per distinct reason (its first 60 characters, digits ignored). */
function distinct(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const key = (f: Finding) => `${f.kind} ${f.format} ${f.why.slice(0, 60).replace(/\d+/g, 'N')}`;
  return [...findings].sort((a, b) => Number(b.kind === 'hang') - Number(a.kind === 'hang')).filter((f) => f.kind === 'hang' || (!seen.has(key(f)) && seen.add(key(f))));
}

function listFindings(findings: Finding[]): void {
  if (!findings.length) return;
  const shown = distinct(findings).slice(0, MAX_LISTED);
  console.log(`\n${findings.length} findings, ${shown.length} shown (hangs, then one per reason; replay: npm run fuzz -- --replay <format:seed:index>):`);
  for (const f of shown) {
    // a hung or dead worker's input is not regenerated here: making it may be what hung (replay it)
    const input = f.label?.slice(0, 300) ?? '(replay to see it)';
    console.log(`  ${f.kind} ${f.format}:${f.seed}:${f.index}  ${f.why.slice(0, 300)}\n      input: ${input}`);
  }
}

const o = options();
process.exitCode = 'replay' in o ? await replay(o.replay, o.save) : await fuzz(o);

// The two engines of the differential tests side by side: the programs of programs/ and their
// fixtures, the kernel oracle and the interpreter opened on the same object and fixture, one input
// run through both (a refused input is an outcome too), and the kernel's maps put back to a saved
// state between independent runs (property tests). Comparison is compare.ts's job.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIntList } from '../../cli/args.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import type { MapsSnapshot } from '../../simulator/engine.js';
import { InterpreterEngine, RunInputError } from '../../simulator/interpreter/engine.js';
import type { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { KernelEngine, KernelError } from '../../simulator/kernel/index.js';
import type { KernelSession } from '../../simulator/kernel/index.js';
import { BpftoolBatch } from '../../simulator/kernel/batch.js';
import { hexArgs } from '../../simulator/kernel/maps.js';
import { inNetns } from '../../simulator/kernel/proc.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { compileSpec, generateTraffic } from '../../simulator/traffic/index.js';
import type { TrafficSpec } from '../../simulator/traffic/index.js';
import type { Outcome } from './compare.js';
import type { DiffInput } from './frame.js';
import { addressPlan } from './plan.js';
import type { AddressPlan } from './plan.js';

/** A program directory: programs/<name>/<name>.o with its fixture, traffic spec and pcap. */
export interface ProgramCase {
  name: string;
  dir: string;
  obj: LoadedObject;
  fixture: MapFixture | undefined;
  spec: TrafficSpec | undefined;
  plan: AddressPlan;
}

/** The names of the directories of `root` that hold `<name>/<name>.o`, sorted. */
export function programNames(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, `${d.name}.o`)))
    .map((d) => d.name)
    .sort();
}

/** Loads a program directory; a missing maps.json or traffic.json is no error. */
export function loadProgram(root: string, name: string): ProgramCase {
  const dir = join(root, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fixturePath = join(dir, 'maps.json');
  const fixture = existsSync(fixturePath) ? parseFixture(JSON.parse(readFileSync(fixturePath, 'utf8')), fixturePath) : undefined;
  const specPath = join(dir, 'traffic.json');
  const spec = existsSync(specPath) ? (JSON.parse(readFileSync(specPath, 'utf8')) as TrafficSpec) : undefined;
  return { name, dir, obj, fixture, spec, plan: addressPlan(obj.maps, fixture, spec) };
}

/** programs/<name>/run.json: the ingress interfaces and RX queues packet i arrives on, in turn. */
function runContext(dir: string): { ifindexes: number[]; queues: number[] } | undefined {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) return undefined;
  const json = JSON.parse(readFileSync(path, 'utf8')) as { ingressIfindex?: string; rxQueues?: string };
  const ifindexes = json.ingressIfindex === undefined ? [1] : parseIntList(json.ingressIfindex, 'ingressIfindex', 1);
  const queues = json.rxQueues === undefined ? [0] : parseIntList(json.rxQueues, 'rxQueues');
  return { ifindexes, queues };
}

/**
 * The program's own traffic, at most `limit` packets: traffic.pcap when it exists, else the same
 * packets generated from traffic.json; in the context its run.json gives (programs/README.md),
 * else test_run's default.
 */
export function trafficInputs(c: ProgramCase, limit: number): DiffInput[] {
  const pcap = join(c.dir, 'traffic.pcap');
  let frames: Uint8Array[] = [];
  let source = 'traffic.pcap';
  if (existsSync(pcap)) frames = readPcapFile(pcap).slice(0, limit).map((r) => r.data);
  else if (c.spec) {
    source = 'traffic.json';
    for (const p of generateTraffic(compileSpec(c.spec, join(c.dir, 'traffic.json')))) {
      if (frames.length >= limit) break;
      frames.push(p.data);
    }
  }
  const run = runContext(c.dir);
  return frames.map((packet, i) => {
    if (!run) return { packet, label: `${source} #${i}` };
    const ctx = { ingressIfindex: run.ifindexes[i % run.ifindexes.length], rxQueueIndex: run.queues[i % run.queues.length] };
    return { packet, ctx, label: `${source} #${i} ctx:${ctx.ingressIfindex}/${ctx.rxQueueIndex}` };
  });
}

/** Both engines on one program of an object, filled from the same fixture. */
export class EnginePair {
  /** the kernel's maps after the last run (what reset() has to undo) */
  private kernelMaps: MapsSnapshot | undefined;
  private batch: BpftoolBatch | undefined;

  private constructor(
    readonly kernel: KernelSession,
    public interp: InterpreterSession,
    private readonly open: (fixture: MapFixture | undefined) => Promise<InterpreterSession>,
    private readonly fixture: MapFixture | undefined,
  ) {}

  static async open(obj: LoadedObject, program: string, fixture: MapFixture | undefined): Promise<EnginePair> {
    const kernel = await new KernelEngine().open(obj, program, fixture);
    const engine = new InterpreterEngine();
    try {
      const open = (f: MapFixture | undefined) => engine.open(obj, program, f);
      return new EnginePair(kernel, await open(fixture), open, fixture);
    } catch (e) {
      await kernel.close();
      throw e;
    }
  }

  /**
   * After the maps went apart: a new interpreter session filled with the kernel's maps (the
   * fixture's prog arrays kept), so that every later difference is a difference of its own.
   */
  async resync(): Promise<void> {
    const maps: MapFixture['maps'] = { ...this.fixture?.maps };
    for (const [name, entries] of Object.entries(await this.kernel.readMaps())) maps[name] = { entries: entries.map((e) => ({ ...e })) };
    await this.interp.close();
    this.interp = await this.open({ maps, fib: this.fixture?.fib, source: 'the kernel\'s maps' });
  }

  /** One input through the kernel, then through the interpreter. */
  async run(input: DiffInput): Promise<{ kernel: Outcome; interp: Outcome }> {
    const run = { packet: input.packet, ctx: input.ctx };
    let kernel: Outcome;
    try {
      kernel = { kind: 'ran', result: await this.kernel.run(run) };
      this.kernelMaps = kernel.result.maps;
    } catch (e) {
      // a test run the kernel refuses (EINVAL, ENODEV): bpftool reports the errno
      if (!(e instanceof KernelError) || !e.message.startsWith('test run of')) throw e;
      kernel = { kind: 'refused', why: e.message };
    }
    let interp: Outcome;
    try {
      interp = { kind: 'ran', result: this.interp.runSync(run) };
    } catch (e) {
      if (!(e instanceof RunInputError)) throw e;
      interp = { kind: 'refused', why: e.message };
    }
    if (kernel.kind === 'ran' && interp.kind === 'ran' && this.watchSparse(interp.result.maps)) {
      kernel.result.maps = await this.kernel.readMaps();
      this.kernelMaps = kernel.result.maps;
    }
    return { kernel, interp };
  }

  /**
   * The kernel's sparse arrays are read by lookups of known keys (never dumped whole): keys the
   * interpreter lists that the kernel does not look up yet are added; true when there were some.
   */
  private watchSparse(interp: MapsSnapshot): boolean {
    let added = 0;
    for (const m of this.kernel.info.maps) if (m.sparse && interp[m.name]) added += this.kernel.watch(m.name, interp[m.name].map((e) => e.key));
    return added > 0;
  }

  /**
   * Puts both engines back to `state` (a snapshot both had): a fresh interpreter session, and
   * bpftool updates and deletes of the kernel entries the runs since changed.
   */
  async reset(state: MapsSnapshot): Promise<void> {
    this.interp = await this.open(this.fixture);
    const now = this.kernelMaps;
    this.kernelMaps = undefined;
    if (!now) return;
    const pins = new Map(this.kernel.info.maps.map((m) => [m.name, m.pin]));
    const sparse = new Set(this.kernel.info.maps.filter((m) => m.sparse).map((m) => m.name));
    const commands: string[][] = [];
    for (const [name, entries] of Object.entries(state)) {
      const pin = pins.get(name);
      if (!pin) continue;
      const before = new Map(entries.map((e) => [e.key, e.value]));
      for (const e of now[name] ?? []) {
        if (before.has(e.key)) continue;
        // a sparse array lists its non-zero entries: one that was not listed was zero (arrays have no delete)
        if (sparse.has(name)) commands.push(['map', 'update', 'pinned', pin, 'key', ...hexArgs(e.key), 'value', ...hexArgs('0'.repeat(e.value.length))]);
        else commands.push(['map', 'delete', 'pinned', pin, 'key', ...hexArgs(e.key)]);
      }
      const after = new Map((now[name] ?? []).map((e) => [e.key, e.value]));
      for (const [key, value] of before) {
        if (after.get(key) !== value) commands.push(['map', 'update', 'pinned', pin, 'key', ...hexArgs(key), 'value', ...hexArgs(value)]);
      }
    }
    if (commands.length === 0) return;
    this.batch ??= new BpftoolBatch(inNetns(this.kernel.info.netns, ['taskset', '-c', '0']));
    await this.batch.exec(commands);
  }

  async close(): Promise<void> {
    await this.batch?.stop();
    await this.interp.close();
    await this.kernel.close();
  }
}

// The engines of the differential tests side by side: the programs of programs/ and their
// fixtures, any list of engines (simulator/engines.ts; the first is the reference) opened on the
// same object and fixture, one input run through all (a refused input is an outcome too), and
// their maps put back to a saved state between independent runs (property tests). Comparison is
// compare.ts's job.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIntList } from '../../cli/args.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { RunInputError } from '../../simulator/engine.js';
import type { Engine, EngineSession, MapsSnapshot } from '../../simulator/engine.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { emitVerilog, mapBankFiles } from '../../compiler/emit/verilog/index.js';
import { DEFAULT_CORE } from '../../isa/index.js';
import { createEngine, ENGINE_NAMES, isEngineName } from '../../simulator/engines.js';
import type { EngineName } from '../../simulator/engines.js';
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

/**
 * An engine of the registry as the tests use it: rows with the list schedule on 4 lanes of the
 * default core; the rtl engine their Verilog (compiler/emit/verilog) in Icarus.
 */
export function testEngine(name: EngineName): Engine {
  if (name !== 'rows' && name !== 'core' && name !== 'rtl') return createEngine(name);
  const schedule = (obj: LoadedObject, program: string) => scheduleObject(obj, program, { core: DEFAULT_CORE, lanes: 4, strategy: 'list' }).program;
  if (name === 'rtl') return createEngine(name, { core: DEFAULT_CORE, schedule, emit: (rows, core, obj) => emitVerilog(rows, core, obj), mapBanks: mapBankFiles, cosim: 'icarus' });
  return createEngine(name, { core: DEFAULT_CORE, schedule });
}

/**
 * The engines to compare, the reference first: XDP2HW_DIFF_ENGINES (comma-separated names of
 * simulator/engines.ts), default `kernel,interpreter`.
 */
export function differentialEngines(): Engine[] {
  const names = (process.env.XDP2HW_DIFF_ENGINES ?? 'kernel,interpreter').split(',').map((n) => n.trim());
  if (names.length < 2) throw new Error(`XDP2HW_DIFF_ENGINES: name at least two engines, the reference first (${ENGINE_NAMES.join(', ')})`);
  return names.map((n) => {
    if (!isEngineName(n)) throw new Error(`XDP2HW_DIFF_ENGINES: no engine ${n} (engines: ${ENGINE_NAMES.join(', ')})`);
    return testEngine(n);
  });
}

/** Any list of engines on one program of an object, filled from the same fixture; the first is the reference. */
export class EngineSet {
  private constructor(readonly sessions: readonly EngineSession[]) {}

  static async open(engines: readonly Engine[], obj: LoadedObject, program: string, fixture: MapFixture | undefined): Promise<EngineSet> {
    const sessions: EngineSession[] = [];
    try {
      for (const e of engines) sessions.push(await e.open(obj, program, fixture));
    } catch (e) {
      for (const s of sessions) await s.close();
      throw e;
    }
    return new EngineSet(sessions);
  }

  get reference(): EngineSession {
    return this.sessions[0];
  }

  /** The engines after the reference. */
  get others(): readonly EngineSession[] {
    return this.sessions.slice(1);
  }

  /** After the maps went apart: every other engine's maps set to the reference's, so later differences are new. */
  async resync(): Promise<void> {
    const maps = await this.reference.readMaps();
    for (const s of this.others) await s.writeMaps(maps);
  }

  /** One input through every engine in order (a refused input is an outcome too). */
  async run(input: DiffInput): Promise<Outcome[]> {
    const run = { packet: input.packet, ctx: input.ctx };
    const out: Outcome[] = [];
    for (const s of this.sessions) {
      try {
        out.push({ kind: 'ran', result: await s.run(run) });
      } catch (e) {
        // a test run the engine refuses (the kernel: EINVAL, ENODEV)
        if (!(e instanceof RunInputError)) throw e;
        out.push({ kind: 'refused', why: e.message });
      }
    }
    await this.watchListed(out);
    return out;
  }

  /**
   * Engines that read large arrays by lookups of known keys (the kernel) are told the keys the
   * others listed; one that had not looked some up reads its maps again for this outcome.
   */
  private async watchListed(out: Outcome[]): Promise<void> {
    if (!this.sessions.some((s) => s.watch)) return;
    for (const [i, s] of this.sessions.entries()) {
      const mine = out[i];
      if (!s.watch || mine.kind !== 'ran') continue;
      let added = 0;
      for (const [j, other] of out.entries()) {
        if (j === i || other.kind !== 'ran') continue;
        for (const [name, entries] of Object.entries(other.result.maps)) added += s.watch(name, entries.map((e) => e.key));
      }
      if (added > 0) mine.result.maps = await s.readMaps();
    }
  }

  /** Puts every engine's maps back to `state` (a snapshot they all had). */
  async reset(state: MapsSnapshot): Promise<void> {
    for (const s of this.sessions) await s.writeMaps(state);
  }

  async close(): Promise<void> {
    for (const s of this.sessions) await s.close();
  }
}

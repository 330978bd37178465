// `simulate`: a trace through the cycle-accurate core and its packet path, each packet also run by
// the reference interpreter on the original program (action, output bytes and maps must agree),
// giving per-packet cycles and latency and the aggregates; the CPU baselines beside. Like the CLI,
// this drives several engines (core, interpreter, kernel); it adds no semantics or timing of its own.

import type { LoadedObject } from '../../compiler/loader/types.js';
import { packetPathOf } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { RunInputError } from '../engine.js';
import type { MapsSnapshot, RunResult } from '../engine.js';
import { CoreSession } from '../core/engine.js';
import type { CoreScheduler } from '../core/engine.js';
import type { TraceSink } from '../core/pipeline.js';
import { STALL_KINDS } from '../core/timing.js';
import type { StallKind } from '../core/timing.js';
import { InterpreterSession } from '../interpreter/engine.js';
import type { MapFixture } from '../maps/fixture.js';
import { modelNsPerPacket } from './cpu-model.js';
import { PacketPathModel } from './path.js';
import { summarize } from './stats.js';
import type { Summary } from './stats.js';

export interface SimPacket {
  readonly data: Uint8Array;
  /** arrival time, ns from the first packet (pcap timestamps); absent: back to back at the line rate */
  readonly atNs?: number;
}

export interface SimulateOptions {
  /** the original object (the reference interpreter runs it) and the compiled one (the core runs its rows) */
  readonly reference: LoadedObject;
  readonly compiled: LoadedObject;
  readonly program: string;
  readonly core: CoreConfig;
  readonly schedule: CoreScheduler;
  readonly fixture?: MapFixture;
  readonly lineRateGbps: number;
  /** frames shorter than this never reach the core (the MAC drops runts; compiled code may rely on it) */
  readonly minFrame: number;
  readonly trace?: TraceSink;
  readonly progress?: (done: number) => void;
  /** stop comparing after this many mismatches (default 20) */
  readonly maxMismatches?: number;
}

export interface Mismatch {
  readonly packet: number;
  readonly field: 'action' | 'output' | 'maps' | 'refused';
  readonly reference: string;
  readonly core: string;
}

export interface SimulateReport {
  packets: number;
  actions: Record<string, number>;
  cycles: Summary;
  latencyNs: Summary;
  /** packets out per µs over the run (first byte in to last byte out): the line or the core, whichever is slower */
  mpps: number;
  /** the core alone: clock / mean cycles */
  coreMpps: number;
  /** cycles lost, summed over packets, by cause */
  stalls: Record<StallKind, number>;
  laneUtilisation: { mean: number; perLane: number[] };
  mismatches: number;
  mismatchList: Mismatch[];
  /** frames below minFrame, dropped before the core */
  runts: number;
  /** packets the input queue dropped */
  dropped: number;
  maxQueueFrames: number;
  baseline: { kernelNsPerPacket: number | null; modelNsPerPacket: number | null };
  rows: number;
  lanes: number;
  clockMHz: number;
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
  return '';
}

type Entries = MapsSnapshot[string];

function sameEntries(a: Entries | undefined, b: Entries | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k].key !== b[k].key || a[k].value !== b[k].value) return false;
  return true;
}

/**
 * The first map whose entries differ between the two snapshots ('?' when only the map lists
 * differ), or undefined. A snapshot hands out the same entries array for a map that did not change
 * (MapSet caches them), so a map whose arrays on both sides are the ones compared last packet
 * keeps last packet's answer: per packet only the maps that changed are compared.
 */
export class MapsComparer {
  private ref: MapsSnapshot = {};
  private got: MapsSnapshot = {};
  private readonly equal = new Map<string, boolean>();

  firstDifference(ref: MapsSnapshot, got: MapsSnapshot): string | undefined {
    const names = Object.keys(ref);
    const other = Object.keys(got);
    let found: string | undefined;
    for (const name of names) {
      const a = ref[name];
      const b = got[name];
      let same = this.equal.get(name);
      if (same === undefined || a !== this.ref[name] || b !== this.got[name]) {
        same = sameEntries(a, b);
        this.equal.set(name, same);
      }
      if (!same && found === undefined) found = name;
    }
    this.ref = ref;
    this.got = got;
    if (found !== undefined) return found;
    return names.length === other.length && names.every((n, k) => n === other[k]) ? undefined : '?';
  }
}

function compare(i: number, ref: RunResult, got: RunResult, maps: MapsComparer): Mismatch | undefined {
  if (ref.action !== got.action) return { packet: i, field: 'action', reference: ref.action, core: got.action };
  const d = firstDifference(ref.packet, got.packet);
  if (d) return { packet: i, field: 'output', reference: d, core: d };
  const name = maps.firstDifference(ref.maps, got.maps);
  if (name !== undefined)
    return { packet: i, field: 'maps', reference: `${name}: ${JSON.stringify(ref.maps[name]).slice(0, 200)}`, core: `${name}: ${JSON.stringify(got.maps[name]).slice(0, 200)}` };
  return undefined;
}

export function simulate(packets: readonly SimPacket[], o: SimulateOptions): SimulateReport {
  const ref = new InterpreterSession(o.reference, o.program, o.fixture);
  const core = new CoreSession(o.compiled, o.program, o.fixture, { core: o.core, schedule: o.schedule });
  core.pipeline.trace = o.trace;
  const path = new PacketPathModel({ path: packetPathOf(o.core), clockMHz: o.core.clockMHz, lineRateGbps: o.lineRateGbps });
  const n = packets.length;
  const cycles = new Float64Array(n);
  const latency = new Float64Array(n);
  let ran = 0;
  let runts = 0;
  let modelNs = 0;
  const actions: Record<string, number> = {};
  const list: Mismatch[] = [];
  const maps = new MapsComparer();
  let mismatches = 0;
  const nsPerCycle = 1000 / o.core.clockMHz;
  for (let i = 0; i < n; i++) {
    const p = packets[i];
    o.progress?.(i);
    if (p.data.length < o.minFrame) {
      runts++;
      continue;
    }
    if (!path.admit(p.data.length, p.atNs)) continue;
    o.trace?.packet(i, path.startCycle());
    let want: RunResult;
    let got: RunResult;
    try {
      want = ref.runSync({ packet: p.data });
    } catch (e) {
      if (e instanceof RunInputError) continue; // the kernel would refuse it too: not traffic
      throw e;
    }
    try {
      got = core.runSync({ packet: p.data });
    } catch (e) {
      if (!(e instanceof RunInputError)) throw e;
      mismatches++;
      if (list.length < (o.maxMismatches ?? 20)) list.push({ packet: i, field: 'refused', reference: want.action, core: e.message });
      continue;
    }
    const bad = compare(i, want, got, maps);
    if (bad) {
      mismatches++;
      if (list.length < (o.maxMismatches ?? 20)) list.push(bad);
    }
    actions[got.action] = (actions[got.action] ?? 0) + 1;
    const c = core.pipeline.cycles;
    const out = got.action === 'XDP_TX' || got.action === 'XDP_PASS' || got.action === 'XDP_REDIRECT' ? got.packet.length : 0;
    const { latency: lat } = path.complete(c, out);
    cycles[ran] = c;
    latency[ran] = lat * nsPerCycle;
    modelNs += modelNsPerPacket(got.action, want.insnsExecuted ?? 0, core.pipeline.calls);
    ran++;
  }
  const t = path.totals;
  const pl = core.pipeline;
  const stalls = Object.fromEntries(STALL_KINDS.map((k, i) => [k, pl.stalls[i]])) as Record<StallKind, number>;
  stalls.io += t.ioCycles;
  stalls.queue += t.queueCycles;
  const busy = cycles.subarray(0, ran).reduce((a, b) => a + b, 0);
  const perLane = pl.laneBusy().map((b) => (busy > 0 ? b / busy : 0));
  const span = (t.lastOut - Math.max(t.firstIn, 0)) * nsPerCycle;
  const cyc = summarize(cycles.subarray(0, ran));
  return {
    packets: ran, actions, cycles: cyc, latencyNs: summarize(latency.subarray(0, ran)),
    mpps: span > 0 ? (ran * 1000) / span : 0, coreMpps: cyc.mean > 0 ? o.core.clockMHz / cyc.mean : 0,
    stalls, laneUtilisation: { mean: perLane.reduce((a, b) => a + b, 0) / Math.max(1, perLane.length), perLane },
    mismatches, mismatchList: list, runts, dropped: t.dropped, maxQueueFrames: t.maxQueueFrames,
    baseline: { kernelNsPerPacket: null, modelNsPerPacket: ran > 0 ? modelNs / ran : null },
    rows: core.rows.rows.length, lanes: core.rows.lanes, clockMHz: o.core.clockMHz,
  };
}

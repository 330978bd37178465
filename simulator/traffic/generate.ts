// Generates the packets of a compiled traffic spec, deterministically: which entry each slot
// takes (fixed counts at random positions, the rest by weight), flows by Zipf rank, replies to
// flows already sent, malformed frames, and timestamps. writeTrafficPcap streams them to a file.

import { PcapWriter } from '../pcap/writer.js';
import { buildFrame } from './build.js';
import type { Flow } from './fields.js';
import { corrupt } from './malformed.js';
import { mixSeed, Prng } from './prng.js';
import { compileSpec, MAX_PACKETS } from './spec.js';
import { TrafficSpecError } from './values.js';
import type { CompiledEntry, CompiledSpec, TrafficSpec } from './spec.js';
import { reverseFlow } from './template.js';

export interface GeneratedPacket {
  index: number;
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  /** the index of the mix entry that made it */
  entry: number;
}

export interface GenerateOptions {
  /** override the spec's packet count */
  packets?: number;
  /** override the spec's seed */
  seed?: number;
}

const FILLER_LEN = 1 << 16;
const REPLY_TRIES = 8;
/** Flows kept in memory at most (they are redrawn from their sub-seed when forgotten). */
const FLOW_CACHE = 1 << 16;

/** Chooses the entry of each slot: fixed slots at uniformly random positions, others by weight. */
class Scheduler {
  private fixed: number[];
  private fixedLeft: number;
  private readonly cumWeights: number[];
  private readonly totalWeight: number;
  private left: number;

  constructor(entries: CompiledEntry[], packets: number) {
    this.fixed = entries.map((e) => e.count ?? 0);
    // every weighted entry gets one fixed slot too, when there is room, so none is missed
    const weighted = entries.filter((e) => e.count === undefined && e.weight > 0).length;
    const sum = this.fixed.reduce((a, b) => a + b, 0);
    if (sum + weighted <= packets) entries.forEach((e, i) => e.count === undefined && e.weight > 0 && this.fixed[i]++);
    this.fixedLeft = this.fixed.reduce((a, b) => a + b, 0);
    let acc = 0;
    this.cumWeights = entries.map((e) => (acc += e.count === undefined ? e.weight : 0));
    this.totalWeight = acc;
    this.left = packets;
  }

  next(rng: Prng): number {
    const r = rng.float() * this.left;
    this.left--;
    if (r < this.fixedLeft) {
      let k = Math.floor(r);
      for (let i = 0; i < this.fixed.length; i++) {
        if (k < this.fixed[i]) {
          this.fixed[i]--;
          this.fixedLeft--;
          return i;
        }
        k -= this.fixed[i];
      }
    }
    const u = rng.float() * this.totalWeight;
    const i = this.cumWeights.findIndex((c) => c > u);
    return i < 0 ? this.cumWeights.length - 1 : i;
  }
}

/** Flows of each entry and variant, drawn on first use from a sub-stream of their own. */
class Flows {
  private readonly cache = new Map<string, Flow>();
  /** ranks each template entry has sent, in order of first use, for replies */
  readonly seen = new Map<number, { set: Set<number>; list: number[] }>();

  constructor(private readonly spec: CompiledSpec, private readonly seed: number) {}

  get(entry: number, variant: number, rank: number): Flow {
    const key = `${entry}/${variant}/${rank}`;
    let f = this.cache.get(key);
    if (!f) {
      f = this.spec.entries[entry].variants[variant].tpl.flow(new Prng(mixSeed(this.seed, 2, entry, variant, rank)));
      // a flow is a function of its key, so forgetting them all changes nothing but speed
      if (this.cache.size >= FLOW_CACHE) this.cache.clear();
      this.cache.set(key, f);
    }
    return f;
  }

  markSeen(entry: number, rank: number): void {
    let s = this.seen.get(entry);
    if (!s) this.seen.set(entry, (s = { set: new Set(), list: [] }));
    if (!s.set.has(rank)) {
      s.set.add(rank);
      s.list.push(rank);
    }
  }
}

/** The packets of `spec`, one at a time (constant memory but for the flows in use). */
export function* generateTraffic(spec: TrafficSpec | CompiledSpec, opts: GenerateOptions = {}): Generator<GeneratedPacket> {
  const c = 'entries' in spec ? spec : compileSpec(spec);
  const seed = opts.seed ?? c.seed;
  const packets = opts.packets ?? c.packets;
  const rng = new Prng(mixSeed(seed, 0));
  const filler = new Prng(mixSeed(seed, 1)).fill(new Uint8Array(FILLER_LEN));
  const flows = new Flows(c, seed);
  if (!Number.isInteger(packets) || packets < 0 || packets > MAX_PACKETS) throw new TrafficSpecError(c.file, 'packets', `expected 0..${MAX_PACKETS}, not ${packets}`);
  if (!c.entries.some((e) => e.weight > 0) && c.entries.reduce((s, e) => s + (e.count ?? 0), 0) < packets) {
    throw new TrafficSpecError(c.file, 'packets', `${packets} packets, but no entry has a weight to fill the slots counts leave`);
  }
  const sched = new Scheduler(c.entries, packets);
  const stepNs = 1e9 / c.pps;
  for (let index = 0; index < packets; index++) {
    const { entry, data } = makePacket(c, sched.next(rng), rng, flows, filler);
    const t = index * stepNs;
    const sec = Math.floor(t / 1e9);
    yield { index, tsSec: c.start + sec, tsNsec: Math.floor(t - sec * 1e9), data, entry };
  }
}

/** The packet of a slot given to `entry` (a reply with nothing to answer yields to its target). */
function makePacket(c: CompiledSpec, entry: number, rng: Prng, flows: Flows, filler: Uint8Array): { entry: number; data: Uint8Array } {
  const e = c.entries[entry];
  const fillOff = rng.int(0, FILLER_LEN - 1);
  if (e.kind === 'raw') return { entry, data: e.raw!(rng) };
  if (e.kind === 'reply') {
    const target = e.replyOf!;
    const seen = flows.seen.get(target);
    if (!seen) return makePacket(c, target, rng, flows, filler);
    let rank = e.zipf.sample(rng);
    for (let i = 1; i < REPLY_TRIES && !seen.set.has(rank); i++) rank = e.zipf.sample(rng);
    if (!seen.set.has(rank)) rank = rng.pick(seen.list);
    const flow = reverseFlow(flows.get(target, 0, rank));
    return { entry, data: buildFrame(e.variants[0].tpl.packet(flow, rng, true), filler, fillOff).bytes };
  }
  const v = e.variants.length === 1 ? 0 : rng.int(0, e.variants.length - 1);
  const rank = e.zipf.sample(rng);
  const { tpl, kind } = e.variants[v];
  const frame = buildFrame(tpl.packet(flows.get(entry, v, rank), rng), filler, fillOff);
  if (e.kind === 'template') {
    flows.markSeen(entry, rank);
    return { entry, data: frame.bytes };
  }
  return { entry, data: corrupt(kind!, frame, rng) };
}

export interface WriteTrafficOptions extends GenerateOptions {
  /** nanosecond pcap */
  nano?: boolean;
  /** called every `progressEvery` packets and at the end */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

/** Writes the packets of `spec` to a pcap file atomically; returns packets and bytes written. */
export async function writeTrafficPcap(
  spec: TrafficSpec | CompiledSpec, path: string, opts: WriteTrafficOptions = {},
): Promise<{ packets: number; bytes: number }> {
  const c = 'entries' in spec ? spec : compileSpec(spec);
  const total = opts.packets ?? c.packets;
  const w = await PcapWriter.create(path, { nano: opts.nano, snaplen: c.snaplen });
  const every = opts.progressEvery ?? 10000;
  try {
    for (const p of generateTraffic(c, opts)) {
      await w.write(p.data, p.tsSec, p.tsNsec);
      if (opts.onProgress && p.index % every === 0) opts.onProgress(p.index, total);
    }
  } catch (e) {
    await w.abort();
    throw e;
  }
  await w.close();
  opts.onProgress?.(total, total);
  return { packets: w.count, bytes: w.bytes };
}

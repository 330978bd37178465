// The core's timing tables, compiled once per program from the RowProgram and the CoreConfig:
// per row, the registers each lane reads, the results it writes and when they are ready, which
// syllable calls a helper and which exit is caught at fetch (the rules: isa/timing.ts, which the
// static worst case of compiler/wcet reads too). Data only; pipeline.ts runs them.

import { arrayUpdateCycles, devmapHashCycles, devmapHashSteps, exitDrain, externalMaps, externalWait, HELPER_MAP_UPDATE, HELPER_REDIRECT_MAP, isArrayMap, hashBucket, hashBucketBits, hashOpCycles, hashWalkSteps, helperDataCycles, lookupFamily, lpmWalkSteps, rowTiming, scansDevmapHash, slowestLoad } from '../../isa/index.js';
import type { CoreConfig, LoadRegion, PerfArgs, RowProgram, RowTiming } from '../../isa/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { RegionKind } from '../machine/index.js';
import type { Machine } from '../machine/index.js';
import type { BpfMap } from '../maps/types.js';
import { u32 } from '../maps/types.js';

export { lookupFamily, Producer, Stall, STALL_KINDS } from '../../isa/index.js';
export type { RowTiming, StallKind } from '../../isa/index.js';

/** Everything the pipeline needs of the core, as numbers. */
export interface CoreTiming {
  readonly rows: readonly RowTiming[];
  readonly lanes: number;
  readonly helperCall: number;
  /** cycles the helper unit's data engine adds to a call of helper id with r2, r4 (isa's helperDataCycles) */
  readonly helperData: (id: number, r2: number, r4: number, staleTail: number, perf?: PerfArgs) => number;
  /** extra cycles of a helper call by the map its r1 names (by map index; 0 for a non-lookup map) */
  readonly mapLookup: Int32Array;
  /** cycles bpf_map_update_elem adds by the map r1 names (an array's value copy; 0 for other maps) */
  readonly arrayUpdate: Int32Array;
  /** load latency by machine RegionKind (EXTERNAL_REGION: a map value in external memory) */
  readonly loadLatency: Int32Array;
  /** per map index, whether its values are in external memory (isa/extmem.ts) */
  readonly external: readonly boolean[];
  /** cycles a row waits before it issues when a load of it reads external memory (0: no map there) */
  readonly externalWait: number;
  readonly takenBranch: number;
  readonly exit: number;
  readonly earlyExit: number;
  /** per row, the helper id of its timed call (-1: none) */
  readonly helperIds: Int32Array;
  /** per map index, a hash map whose calls walk chains (hashWalk cores), else undefined */
  readonly walks: readonly (HashWalk | undefined)[];
  /** per map index, a devmap_hash's max_entries when its calls scan it (isa's scansDevmapHash), else 0 */
  readonly scans: Int32Array;
  /** an LRU update's walk, priced once the update has run (lateCycles) */
  readonly late: { pending?: { keys: Uint8Array[]; key: Uint8Array; w: HashWalk; map: BpfMap } };
  readonly core: CoreConfig;
}

/** A hash map the hash unit walks: its sizes and bucket bits, and a bucket cache by key buffer. */
export interface HashWalk {
  readonly family: 'hash' | 'lpm' | 'lru';
  readonly keySize: number;
  readonly valueSize: number;
  readonly bits: number;
  /** the bucket of each stored key buffer (the map model keeps a key's buffer while it lives) */
  readonly buckets: WeakMap<Uint8Array, number>;
}

/** The region kind pipeline.ts gives a map value in external memory (past the machine's RegionKinds; 7: no region). */
export const EXTERNAL_REGION = 8;

const REGION_OF_KIND: Record<number, LoadRegion> = {
  [RegionKind.PACKET]: 'packet', [RegionKind.CTX]: 'ctx', [RegionKind.STACK]: 'stack', [RegionKind.MAP_VALUE]: 'map',
};

export function compileTiming(p: RowProgram, core: CoreConfig, obj: LoadedObject): CoreTiming {
  const rows = p.rows.map((row) => rowTiming(row, core));
  const mapLookup = Int32Array.from(obj.maps.map((m) => {
    const f = lookupFamily(m.type);
    return f === undefined ? 0 : core.latency.mapLookup[f];
  }));
  // bpf_map_update_elem on an array map: its value copy (isa's arrayUpdateCycles)
  const arrayUpdate = Int32Array.from(obj.maps.map((m) => (isArrayMap(m.type) ? arrayUpdateCycles(core, m.valueSize) : 0)));
  const loadLatency = new Int32Array(EXTERNAL_REGION + 1).fill(slowestLoad(core));
  for (const [kind, region] of Object.entries(REGION_OF_KIND)) loadLatency[Number(kind)] = core.latency.load[region];
  // a load from external memory: the row waited for the data (externalWait), then as a map load
  loadLatency[EXTERNAL_REGION] = core.latency.load.map;
  const external = externalMaps(obj.maps, core);
  const wait = externalWait(obj.maps, core);
  const l = core.latency;
  const helperIds = Int32Array.from(p.rows, (row) => {
    const s = row.find((x) => x?.insn.kind === 'call');
    return s && s.insn.kind === 'call' && s.insn.target === 'helper' ? s.insn.id : -1;
  });
  const walks = obj.maps.map((m): HashWalk | undefined => {
    const f = lookupFamily(m.type);
    // an LRU hash (common or per-CPU lists) walks in the hash unit; lru_percpu_hash is not in it
    if (!l.hashWalk || (f !== 'hash' && f !== 'lpm' && m.type !== 'lru_hash')) return undefined;
    if (f === undefined || f === 'array') return undefined;
    return { family: f, keySize: m.keySize, valueSize: m.valueSize, bits: f === 'lpm' ? 0 : hashBucketBits(m.maxEntries), buckets: new WeakMap() };
  });
  const scans = Int32Array.from(obj.maps.map((m) => (m.type === 'devmap_hash' && scansDevmapHash(core) ? m.maxEntries : 0)));
  return {
    rows, lanes: p.lanes, helperCall: l.helperCall, helperData: (id, r2, r4, stale, perf) => helperDataCycles(core, id, r2, r4, stale, perf), mapLookup, arrayUpdate, loadLatency, external, externalWait: wait,
    takenBranch: l.takenBranch, exit: exitDrain(core, false), earlyExit: exitDrain(core, true), helperIds, walks, scans, late: {}, core,
  };
}

/**
 * Cycles a helper call holds fetch beyond its row: helperCall, plus mapLookup of the family of
 * the map r1 names (and an array update's value copy, isa's arrayUpdateCycles); on a hashWalk core, a lookup / update / delete on a hash map or LPM trie costs its walk
 * (isa/hashmap.ts), the key read where r2 points (as the hash unit reads it), the chain from the
 * map model's keys in insertion order (the hardware's chain order).
 */
export function callCycles(t: CoreTiming, m: Machine, mi: number | undefined, helperId: number, maps: (i: number) => BpfMap | undefined): number {
  t.late.pending = undefined;
  if (mi === undefined) return t.helperCall;
  if (helperId === HELPER_MAP_UPDATE && t.arrayUpdate[mi]) return t.helperCall + (t.mapLookup[mi] ?? 0) + t.arrayUpdate[mi];
  if (t.scans[mi] && (helperId === 1 || helperId === HELPER_REDIRECT_MAP)) return scanCycles(t, m, mi, helperId, maps(mi));
  const w = t.walks[mi];
  const map = w && (helperId === 1 || helperId === 2 || helperId === 3) ? maps(mi) : undefined;
  if (!w || !map) return t.helperCall + (t.mapLookup[mi] ?? 0);
  const span = m.mem.span(m.H[2], m.L[2], w.keySize, false);
  // a key the helper cannot read traps the run: no walk to time
  if (!span) return t.helperCall + (t.mapLookup[mi] ?? 0);
  const key = span.buf.slice(span.at, span.at + w.keySize);
  const bucketOf = (k: Uint8Array, bits: number): number => {
    let b = w.buckets.get(k);
    if (b === undefined) w.buckets.set(k, (b = hashBucket(k, bits)));
    return b;
  };
  const keys = map.entries().map(([k]) => k);
  const op = helperId as 1 | 2 | 3;
  // an LRU update takes its node (which may evict) before it walks: priced after it ran (lateCycles)
  if (w.family === 'lru' && op === 2) {
    t.late.pending = { keys, key, w, map };
    return hashOpCycles(t.core, op, w.keySize, w.valueSize, 0, w.family);
  }
  const steps = w.family === 'lpm' ? lpmWalkSteps(keys, key, w.keySize, op) : hashWalkSteps(keys, key, w.keySize, w.bits, bucketOf);
  return hashOpCycles(t.core, op, w.keySize, w.valueSize, steps, w.family);
}

/**
 * The cycles of an LRU update priced after it ran (0 for any other call): the LRU engine's cycles
 * taking the node (the map model's KernelLru ticks) and the walk of the key's chain once the
 * evicted elements are gone from it.
 */
export function lateCycles(t: CoreTiming): number {
  const p = t.late.pending;
  if (!p) return 0;
  t.late.pending = undefined;
  const last = (p.map as { lastUpdate?: { evicted: Uint8Array[]; ticks: number } }).lastUpdate;
  if (!last) return 0;
  const gone = new Set(last.evicted);
  const keys = gone.size ? p.keys.filter((k) => !gone.has(k)) : p.keys;
  const bucketOf = (k: Uint8Array, bits: number): number => {
    let b = p.w.buckets.get(k);
    if (b === undefined) p.w.buckets.set(k, (b = hashBucket(k, bits)));
    return b;
  };
  return last.ticks + hashWalkSteps(keys, p.key, p.w.keySize, p.w.bits, bucketOf);
}

/**
 * A devmap_hash call's cycles (isa's devmapHashCycles): bpf_redirect_map's key is r2's low word,
 * bpf_map_lookup_elem's the u32 where r2 points; the slots are the map model's keys in insertion
 * order (the order the host wrote them into the table).
 */
function scanCycles(t: CoreTiming, m: Machine, mi: number, helperId: number, map: BpfMap | undefined): number {
  let key: number;
  if (helperId === HELPER_REDIRECT_MAP) key = m.L[2] >>> 0;
  else {
    const span = m.mem.span(m.H[2], m.L[2], 4, false);
    // a key the helper cannot read traps the run: no scan to time
    if (!span) return t.helperCall;
    key = u32(span.buf, span.at);
  }
  const keys = (map?.entries() ?? []).map(([k]) => u32(k));
  return devmapHashCycles(t.core, devmapHashSteps(keys, key, t.scans[mi]));
}

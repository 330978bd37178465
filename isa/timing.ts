// The core's pure timing rules, per row, from a RowProgram row and a CoreConfig: which registers
// each lane reads, which results it writes and when they are readable, which syllable calls the
// helper unit, which exit is caught at fetch, and the drain and stall figures. Data only: the
// cycle-accurate core (simulator/core) runs these tables packet by packet, the static worst case
// (compiler/wcet) walks them over every path; neither keeps a rule of its own.

import { forwardsToOwnLaneOnly, resultLatency } from './core.js';
import type { CoreConfig, LookupMap } from './core.js';
import { defuse } from './defuse.js';
import { hashWorstCycles } from './hashmap.js';
import type { MapShape } from './hashmap.js';
import type { Row } from './rows.js';

/** Why the core lost cycles; the stall breakdown's keys, in this order. */
export const STALL_KINDS = ['branch', 'helper', 'memory', 'data', 'io', 'queue'] as const;
export type StallKind = (typeof STALL_KINDS)[number];
export const Stall = { BRANCH: 0, HELPER: 1, MEMORY: 2, DATA: 3, IO: 4, QUEUE: 5 } as const;

/** What produced a register's value (its stall kind when a reader waits for it). */
export const Producer = { ALU: Stall.DATA, LOAD: Stall.MEMORY, HELPER: Stall.HELPER } as const;

export interface RowTiming {
  /** [register, lane] pairs the row reads */
  readonly reads: Int32Array;
  /** [register, lane, latency, producer, own lane only (forwarding)] per result; a load's latency is -1 - its address register (resolved at run) */
  readonly writes: Int32Array;
  /** per handler (syllables in lane order, empty lanes skipped): 1 when it is an exit caught at fetch */
  readonly early: Uint8Array;
  /** the handler index of the row's helper call, -1 when none (a row holds at most helpersPerRow; the first is timed) */
  readonly helper: number;
  /** bit per lane holding a syllable */
  readonly laneMask: number;
  /** the lanes holding a syllable, lowest first */
  readonly lanes: Uint8Array;
  /** whether a result's latency depends on a load's region (resolved before the row runs) */
  readonly loads: boolean;
  readonly syllables: number;
}

/** The timing table of one row on a core. */
export function rowTiming(row: Row, core: CoreConfig): RowTiming {
  const reads: number[] = [];
  const writes: number[] = [];
  const early: number[] = [];
  let helper = -1;
  let laneMask = 0;
  let h = 0;
  row.forEach((s, lane) => {
    if (!s) return;
    laneMask |= 1 << lane;
    const du = defuse(s.insn);
    for (const r of du.reads) reads.push(r, lane);
    // a memory add (CoreConfig's memoryAdd extension) also reads its add's operand
    if (s.memoryAdd) for (const r of defuse(s.memoryAdd.add).reads) if (!du.writes.includes(r) && !du.reads.includes(r)) reads.push(r, lane);
    const load = s.insn.kind === 'ldx' || s.insn.kind === 'ldx6' || s.insn.kind === 'atomic';
    const call = s.insn.kind === 'call';
    const own = forwardsToOwnLaneOnly(core, s.insn) ? 1 : 0;
    for (const w of du.writes) {
      if (call) writes.push(w, lane, 1, Producer.HELPER, own);
      // a load's latency is its address register's region: src for ldx, dst for an atomic's fetch
      else if (load) writes.push(w, lane, -1 - (s.insn.kind === 'atomic' ? s.insn.dst : (s.insn as { src: number }).src), Producer.LOAD, own);
      else writes.push(w, lane, resultLatency(core, s.insn, undefined), Producer.ALU, own);
    }
    if (call && helper < 0) helper = h;
    early.push(s.insn.kind === 'exit-imm' && (core.laneCaps[lane]?.earlyExit ?? false) ? 1 : 0);
    h++;
  });
  const lanes = Uint8Array.from(row.flatMap((s, lane) => (s ? [lane] : [])));
  return { reads: Int32Array.from(reads), writes: Int32Array.from(writes), early: Uint8Array.from(early), helper, laneMask, lanes, loads: writes.some((v, i) => i % 5 === 2 && v < 0), syllables: h };
}

/** The lookup unit a map type uses (undefined: no lookup unit, e.g. devmap indexes a table). */
export function lookupFamily(type: string): LookupMap | undefined {
  switch (type) {
    case 'array': case 'percpu_array': return 'array';
    case 'hash': case 'percpu_hash': return 'hash';
    case 'lru_hash': case 'lru_percpu_hash': return 'lru';
    case 'lpm_trie': return 'lpm';
    default: return undefined;
  }
}

/**
 * Extra cycles of a helper call whose r1 names a map of `type` (undefined: r1 names no map); with
 * the map's sizes, a hash map's or LPM trie's walk at worst on a hashWalk core (isa/hashmap.ts).
 */
export function helperStallCycles(core: CoreConfig, mapType: string | undefined, shape?: MapShape): number {
  const walk = shape && hashWorstCycles(core, shape);
  if (walk !== undefined) return walk;
  if (shape && mapType === 'devmap_hash' && scansDevmapHash(core)) return devmapHashCycles(core, shape.maxEntries);
  const f = mapType === undefined ? undefined : lookupFamily(mapType);
  return core.latency.helperCall + (f === undefined ? 0 : core.latency.mapLookup[f]);
}

/**
 * A devmap_hash on a hashWalk core is a table the host fills (programs cannot write it): its
 * entries packed from slot 0 in the order the host added them, a slot holding its u32 key. A
 * bpf_map_lookup_elem or bpf_redirect_map on it scans the slots one a cycle from slot 0 until the
 * key's slot, an empty slot or the last slot (the RTL's scan unit). Without hashWalk it costs helperCall.
 */
export function scansDevmapHash(core: CoreConfig): boolean {
  return core.latency.hashWalk === true;
}

/** Where a devmap_hash slot's value starts in the RTL's table: after its key word (the u32 key, byte 4 = 1 when filled). */
export const DEVMAP_HASH_VALUE = 8;

/** Slots a devmap_hash scan reads for `key`: through the key's slot, else through the first empty slot, at most max_entries. */
export function devmapHashSteps(keys: ArrayLike<number>, key: number, maxEntries: number): number {
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i + 1;
  return Math.min(keys.length + 1, maxEntries);
}

/** Cycles a devmap_hash call holds fetch: helperCall, then a cycle per slot read (devmapHashSteps). */
export function devmapHashCycles(core: CoreConfig, steps: number): number {
  return core.latency.helperCall + steps;
}

/** bpf_redirect_map: the helper that, with bpf_map_lookup_elem, scans a devmap_hash. */
export const HELPER_REDIRECT_MAP = 51;

/** bpf_csum_diff, bpf_xdp_adjust_tail and bpf_perf_event_output: the helpers whose data engine adds cycles (helperDataCycles). */
export const HELPER_CSUM_DIFF = 28;
export const HELPER_ADJUST_TAIL = 65;
export const HELPER_PERF_EVENT_OUTPUT = 25;
/** bpf_perf_event_output's flags, high word: bits 0-19 (flags bits 32-51) are the sample's length, the rest must be 0 */
export const PERF_SAMPLE_LEN_MASK = 0xfffff;

/** bpf_map_update_elem: on an array or per-CPU array map its value is copied (arrayUpdateCycles). */
export const HELPER_MAP_UPDATE = 2;

/** Whether a map type is an array the update copies into (array, per-CPU array). */
export function isArrayMap(type: string): boolean {
  return type === 'array' || type === 'percpu_array';
}

/**
 * Cycles bpf_map_update_elem on an array (or per-CPU array) map adds to helperCall +
 * mapLookup.array: the value read where r3 points and written into the map `packetPortBytes` a
 * cycle (the RTL's array unit), whatever the result (a refused update reads without writing).
 */
export function arrayUpdateCycles(core: CoreConfig, valueSize: number): number {
  return Math.ceil(valueSize / core.packetPortBytes);
}

/** Whether bpf_perf_event_output copies its packet sample: flags' high word (r3) is valid and the sample fits the packet. */
export function perfSampleCopied(r3hi: number, packetLength: number): boolean {
  return (r3hi & ~PERF_SAMPLE_LEN_MASK) === 0 && (r3hi & PERF_SAMPLE_LEN_MASK) <= packetLength;
}

/** The most bytes a helper's buffer or a tail move spans (the kernel's linear frame part): a static bound's unknown. */
export const HELPER_DATA_MAX_BYTES = 3520;

/** bpf_perf_event_output's registers its cycles read: r3's high word (the flags' sample length), r5 (the data's size), and the packet's length. */
export interface PerfArgs {
  readonly r3hi: number;
  readonly r5: number;
  readonly packetLength: number;
}

/**
 * Cycles the helper unit's data engine adds to a call, from its arguments' low words (r2, r4 as
 * the call reads them): bpf_csum_diff reads its `from` (r2 bytes) and `to` (r4 bytes) buffers
 * `packetPortBytes` a cycle, one buffer after the other. bpf_xdp_adjust_tail growing by r2 > 0
 * bytes zero-fills those of them that may hold old bytes, `staleTail` = the packet's highest
 * data_end so far less its data_end (the frame past that is zero: the packet path clears it),
 * the same width a cycle, also when the kernel then refuses the move. bpf_perf_event_output
 * streams its record out the same width a cycle: the data (r5 bytes), then the packet sample when
 * it is copied (perfSampleCopied). Every other helper: 0. One rule for the TypeScript core and the RTL.
 */
export function helperDataCycles(core: CoreConfig, id: number, r2: number, r4: number, staleTail: number, perf?: PerfArgs): number {
  const w = core.packetPortBytes;
  if (id === HELPER_PERF_EVENT_OUTPUT) {
    if (!perf) return 0;
    const sample = perfSampleCopied(perf.r3hi, perf.packetLength) ? perf.r3hi & PERF_SAMPLE_LEN_MASK : 0;
    return Math.ceil((perf.r5 >>> 0) / w) + Math.ceil(sample / w);
  }
  if (id === HELPER_CSUM_DIFF) return Math.ceil((r2 >>> 0) / w) + Math.ceil((r4 >>> 0) / w);
  if (id === HELPER_ADJUST_TAIL) return (r2 | 0) > 0 ? Math.ceil(Math.min(r2 | 0, staleTail) / w) : 0;
  return 0;
}

/** Cycles from an exit's row to the verdict: `exit`, or less for an exit caught at fetch. */
export function exitDrain(core: CoreConfig, early: boolean): number {
  return early ? core.latency.exit - core.latency.earlyExitSaving : core.latency.exit;
}

/** The slowest load latency of any region (a load whose region is not known). */
export function slowestLoad(core: CoreConfig): number {
  return Math.max(...Object.values(core.latency.load));
}

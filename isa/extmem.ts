// Where a program's maps live on a core: on chip (offload.mapMemoryBytes) or, on a core with
// external memory (latency.externalLoad and offload.externalMemoryBytes: off-chip DRAM), the
// read-only arrays that do not fit on chip. One rule, read by the cycle-accurate core (a row whose
// load reads an external map waits latency.externalLoad cycles before it issues), the static worst
// case and `check`.

import type { CoreConfig } from './core.js';

/** BPF_F_RDONLY_PROG: programs only read the map (the verifier refuses their writes). */
export const BPF_F_RDONLY_PROG = 0x80;

/** Map types whose entries hold a key beside the value. */
const KEYED = new Set(['hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'lpm_trie', 'hash_of_maps', 'sockhash', 'devmap_hash']);
/** Map types external memory may hold: an array lookup is an address computation, its reads are loads. */
const EXTERNAL_TYPES = new Set(['array', 'percpu_array']);

/** A map's type, sizes and flags (a loader MapDef has them). */
export interface MapSpec {
  readonly type: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
}

/** Bytes a map takes in map memory: keys and values of every entry (nothing for records streamed to the host). */
export function mapBytes(m: Omit<MapSpec, 'flags'>): number {
  if (m.type === 'perf_event_array') return 0; // records stream to the host, nothing is kept
  if (m.type === 'ringbuf') return m.maxEntries;
  return (KEYED.has(m.type) ? m.keySize + m.valueSize : m.valueSize) * m.maxEntries;
}

/** Whether `core` has external memory: latency.externalLoad and offload.externalMemoryBytes. */
export function hasExternalMemory(core: CoreConfig): boolean {
  return core.latency.externalLoad !== undefined && core.offload?.externalMemoryBytes !== undefined;
}

/**
 * Which of `maps` (an object's, by index) live in external memory on `core`: none without external
 * memory; else, while the maps left on chip take more than offload.mapMemoryBytes, the largest
 * array the program only reads (BPF_F_RDONLY_PROG) moves off chip. The program cannot write
 * those, so external memory is read only by loads (and by helpers reading their data).
 */
export function externalMaps(maps: readonly MapSpec[], core: CoreConfig): boolean[] {
  const ext = maps.map(() => false);
  const caps = core.offload;
  if (!hasExternalMemory(core) || caps === undefined) return ext;
  let onChip = maps.reduce((n, m) => n + mapBytes(m), 0);
  const movable = maps.map((m, i) => i).filter((i) => EXTERNAL_TYPES.has(maps[i].type) && (maps[i].flags & BPF_F_RDONLY_PROG) !== 0)
    .sort((a, b) => mapBytes(maps[b]) - mapBytes(maps[a]) || a - b);
  for (const i of movable) {
    if (onChip <= caps.mapMemoryBytes) break;
    ext[i] = true;
    onChip -= mapBytes(maps[i]);
  }
  return ext;
}

/** Cycles a row loading from external memory waits on `core` for these maps: 0 when none of them lives there. */
export function externalWait(maps: readonly MapSpec[], core: CoreConfig): number {
  return externalMaps(maps, core).some(Boolean) ? core.latency.externalLoad ?? 0 : 0;
}

// -- in the RTL (xdp2hw_top.v): external memory is map-value offsets from EXTERNAL_BASE on, read
// through a port per lane and one for the helpers; the testbench models it (xdp2hw_tb.v, ext.txt)

/**
 * Where external memory starts among the RTL's map-value offsets (the 32-bit offsets after the
 * machine's OFF_BASE): past any on-chip map memory; a load or helper read at or above it goes off chip.
 */
export const EXTERNAL_BASE = 0x10000000;

/** 8-byte words of external memory the testbench models (the others read as zeros). */
export const EXTERNAL_MODEL_WORDS = 1 << 14;

/**
 * The testbench's external memory file (ext.txt): the count, then "address data" per 8-byte word
 * that is not zero (hex: the word's byte address in external memory, its bytes as a little-endian
 * 64-bit value), from `words` (address, 8 bytes), at most EXTERNAL_MODEL_WORDS of them.
 */
export function externalFile(words: readonly (readonly [number, Uint8Array])[]): Record<string, string> {
  const lines = words.map(([a, w]) => {
    let hex = '';
    for (let b = 7; b >= 0; b--) hex += (w[b] ?? 0).toString(16).padStart(2, '0');
    return `${a.toString(16)} ${hex}\n`;
  });
  return { 'ext.txt': `${words.length}\n${lines.join('')}` };
}

// Where each map lives in the RTL (xdp2hw_top.v): every array, per-CPU array, hash and per-CPU
// hash map has its values in one byte memory, at its base, 8-byte aligned (a hash map's value slot
// i belongs to its node i; a prog array's slot holds its program's entry row + 1, 0 when empty
// (isa/rows.ts tailSlotWord); a devmap_hash's slots hold key word and value, filled from slot 0 in
// the order the host added them, which the scan unit reads; a perf_event_array has none: its records stream to the host); hash maps also have nodes and buckets in the hash unit
// (xdp2hw_hashmap.v, rules in isa/hashmap.ts). The $readmemh files of a map-memory image (eight
// byte-wide banks, byte i in bank i mod 8). Other map types are refused.

import { EXTERNAL_BASE, externalMaps, hashBucketBits, HASH_MIN_FIXED, hostPossibleCpus, lruPerCpuNodes, lruTargetFree, offloadOf, scansDevmapHash, DEVMAP_HASH_VALUE } from '../../../isa/index.js';
import type { CoreConfig, HashPlace, HashUnitSize } from '../../../isa/index.js';
import type { LoadedObject } from '../../loader/types.js';
import { RtlRefusal } from './rom.js';

export interface MapPlace {
  readonly name: string;
  readonly type: string;
  readonly base: number;
  readonly stride: number;
  readonly valueSize: number;
  readonly keySize: number;
  readonly maxEntries: number;
  /** where the hash unit holds it (hash and per-CPU hash maps) */
  readonly hash?: HashPlace;
  /** its values are in external memory (isa/extmem.ts), at base - EXTERNAL_BASE there */
  readonly external?: boolean;
}

export interface MapLayout {
  readonly maps: readonly MapPlace[];
  /** bytes of map memory (a multiple of 8, at least 8) */
  readonly bytes: number;
  /** bytes of external memory the maps there take (0: none) */
  readonly externalBytes: number;
  /** the hash unit's sizes (nodes, buckets at least 1 even without hash maps) */
  readonly hash: HashUnitSize & { readonly count: number };
}

/** Map memory above this is refused (on-chip memory is not for large tables). */
export const MAX_MAP_BYTES = 1 << 20;
/** External memory the RTL addresses at most: up to the end of the map-value offsets (OFF_BASE 0x40000000 + offset < 2^32). */
export const EXTERNAL_MAX_BYTES = 0xc0000000 - EXTERNAL_BASE;
/**
 * From this many bytes on, the map memory reads at the falling edge (xdp2hw_bytemem SYNC_READ), the
 * shape Yosys maps to block RAM; below it, asynchronously (LUTRAM: a bank is then at most 511 rows).
 */
export const MAP_BRAM_BYTES = 4096;
/** Hash nodes above this are refused (the node memory is on chip). */
export const MAX_HASH_NODES = 1 << 17;
/** Keys the hash unit's node memory holds at most (bytes). */
export const MAX_HASH_KEY_BYTES = 64;
const ARRAYS = new Set(['array', 'percpu_array', 'devmap', 'cpumap', 'prog_array']);
/** a devmap_hash: a table the scan unit reads, a slot = 8 bytes of key word (the u32 key, byte 4 = 1: filled) then the value (DEVMAP_HASH_VALUE) */
const SCANNED = 'devmap_hash';
const HASHES = new Set(['hash', 'percpu_hash', 'lpm_trie', 'lru_hash']);
/** perf_event_array: no memory (bpf_perf_event_output streams its records to the host); max_entries bounds the index */
const PERF = 'perf_event_array';
/** BPF_F_NO_COMMON_LRU: per-CPU LRU lists (the hash unit holds CPU 0's) */
const NO_COMMON_LRU = 2;

/**
 * `possibleCpus`: num_possible_cpus() of the kernel the LRU maps follow (an LRU map's batch size,
 * target_free, depends on it): the machine's, as the interpreter's map models take it.
 */
export function mapLayout(obj: LoadedObject, core?: CoreConfig, possibleCpus = hostPossibleCpus()): MapLayout {
  let at = 0;
  let node = 0;
  let bucket = 0;
  let keyBytes = 8;
  let count = 0;
  // the core's offload list (what `check` fits programs to) first, then what the RTL builds
  const offload = core && offloadOf(core);
  if (offload && obj.maps.length > offload.maxMaps)
    throw new RtlRefusal(`${obj.file}: ${obj.maps.length} maps, more than core ${core!.name}'s ${offload.maxMaps} (its offload.maxMaps)`);
  // the read-only arrays past the on-chip memory live off chip, their values from EXTERNAL_BASE on
  const external = core ? externalMaps(obj.maps, core) : [];
  let ext = 0;
  const maps = obj.maps.map((d, i): MapPlace => {
    if (external[i]) {
      const stride = Math.ceil(d.valueSize / 8) * 8;
      const place = { name: d.name, type: d.type, base: EXTERNAL_BASE + ext, stride, valueSize: d.valueSize, keySize: d.keySize, maxEntries: d.maxEntries, external: true };
      ext += stride * d.maxEntries;
      if (ext > EXTERNAL_MAX_BYTES)
        throw new RtlRefusal(`${obj.file}: the maps in external memory need ${ext} bytes, more than the RTL's ${EXTERNAL_MAX_BYTES} (map-value offsets are 32 bits)`);
      return place;
    }
    if (offload && !offload.mapTypes.includes(d.type))
      throw new RtlRefusal(`${obj.file}: map ${d.name} is a ${d.type} map, which core ${core!.name} does not offer (its offload.mapTypes)`);
    const isHash = HASHES.has(d.type);
    if (!ARRAYS.has(d.type) && !isHash && d.type !== PERF && d.type !== SCANNED)
      throw new RtlRefusal(`${obj.file}: map ${d.name} is a ${d.type} map; the RTL core has array, per-CPU array, devmap, devmap_hash, cpumap, prog array, perf_event_array, hash, per-CPU hash, LRU hash (common or per-CPU lists) and LPM trie maps`);
    if (d.type === SCANNED && core && !scansDevmapHash(core))
      throw new RtlRefusal(`${obj.file}: map ${d.name}: the RTL scans a devmap_hash one slot a cycle, the timing of a core with latency.hashWalk, which core ${core.name} lacks`);
    if (d.type === SCANNED && core && core.latency.helperCall < 1)
      throw new RtlRefusal(`${obj.file}: map ${d.name}: the RTL's devmap_hash scan needs latency.helperCall >= 1 (a cycle to latch its key; core ${core.name} has ${core.latency.helperCall})`);
    if (d.type === SCANNED && d.keySize !== 4) throw new RtlRefusal(`${obj.file}: map ${d.name}: a devmap_hash key is a u32 (the kernel's rule), not ${d.keySize} bytes`);
    if (d.type === PERF && d.maxEntries === 0)
      throw new RtlRefusal(`${obj.file}: map ${d.name}: a perf_event_array of max_entries 0 is sized by the host's CPUs when loaded; the RTL needs its max_entries`);
    const stride = d.type === PERF ? 0 : Math.ceil(d.valueSize / 8) * 8 + (d.type === SCANNED ? DEVMAP_HASH_VALUE : 0);
    let hash: HashPlace | undefined;
    if (isHash) {
      if (d.keySize > MAX_HASH_KEY_BYTES) throw new RtlRefusal(`${obj.file}: map ${d.name} has ${d.keySize}-byte keys; the RTL hash unit holds keys of at most ${MAX_HASH_KEY_BYTES} bytes`);
      if (core && !core.latency.hashWalk)
        throw new RtlRefusal(`${obj.file}: map ${d.name}: core ${core.name}'s hash maps are a fixed-time table (latency.hashWalk unset), which the RTL does not build: the RTL hash unit needs latency.hashWalk`);
      const family = d.type === 'lpm_trie' ? 'lpm' : d.type === 'lru_hash' ? 'lru' : 'hash';
      if (family === 'lru' && core && core.latency.mapLookup.lru !== core.latency.mapLookup.hash)
        throw new RtlRefusal(`${obj.file}: map ${d.name}: the RTL hash unit runs LRU maps with latency.mapLookup.lru equal to latency.mapLookup.hash (core ${core.name} has ${core.latency.mapLookup.lru} and ${core.latency.mapLookup.hash})`);
      if (core && core.latency.helperCall + core.latency.mapLookup[family] < HASH_MIN_FIXED)
        throw new RtlRefusal(`${obj.file}: map ${d.name}: the RTL hash unit needs latency.helperCall + latency.mapLookup.${family} >= ${HASH_MIN_FIXED} (core ${core.name} has ${core.latency.helperCall} + ${core.latency.mapLookup[family]})`);
      if (d.type === 'lpm_trie' && d.keySize < 5) throw new RtlRefusal(`${obj.file}: map ${d.name}: an LPM trie key is a 4-byte prefix length and at least one address byte`);
      // an LPM trie is one chain (a lookup walks every entry)
      const bits = d.type === 'lpm_trie' ? 0 : hashBucketBits(d.maxEntries);
      hash = { node, bucket, bits, maxEntries: d.maxEntries, keySize: d.keySize, ...(family === 'lru' ? { lru: { targetFree: lruTargetFree(d.maxEntries, possibleCpus), ...((d.flags & NO_COMMON_LRU) !== 0 ? { perCpuNodes: lruPerCpuNodes(d.maxEntries, possibleCpus) } : {}) } } : {}) };
      node += d.maxEntries;
      bucket += 2 ** bits;
      keyBytes = Math.max(keyBytes, Math.ceil(d.keySize / 8) * 8);
      count++;
    }
    const place = { name: d.name, type: d.type, base: at, stride, valueSize: d.valueSize, keySize: d.keySize, maxEntries: d.maxEntries, ...(hash ? { hash } : {}) };
    at += stride * d.maxEntries;
    return place;
  });
  if (at > MAX_MAP_BYTES) throw new RtlRefusal(`${obj.file}: the maps need ${at} bytes of on-chip memory, more than the RTL's ${MAX_MAP_BYTES}`);
  if (node > MAX_HASH_NODES) throw new RtlRefusal(`${obj.file}: the hash maps need ${node} nodes, more than the RTL hash unit's ${MAX_HASH_NODES}`);
  return {
    maps, bytes: Math.max(8, Math.ceil(at / 8) * 8), externalBytes: ext,
    hash: { nodes: Math.max(1, node), buckets: Math.max(1, bucket), keyBits: keyBytes * 8, maps: Math.max(1, maps.length), count },
  };
}

/** Whether some hash map of the layout is an LRU map (the hash unit then has its LRU engine: HASH_LRU). */
export function hasLru(layout: MapLayout): boolean {
  return layout.maps.some((m) => m.hash?.lru);
}

/** The eight bank files (maps_b0.hex .. maps_b7.hex) of a map-memory image. */
export function mapBankFiles(image: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (let b = 0; b < 8; b++) {
    const lines: string[] = [];
    for (let i = b; i < image.length; i += 8) lines.push(image[i].toString(16).padStart(2, '0'));
    out[`maps_b${b}.hex`] = `${lines.join('\n')}\n`;
  }
  return out;
}



// A map of the right family for each MapDef, and the stand-in for map types the interpreter
// does not model (perf/ring buffers, map-in-map, sockmaps, queues): they exist, are left out of
// snapshots, and refuse every operation so a helper can report what was attempted.

import type { MapDef } from '../../compiler/loader/types.js';
import { ArrayMap, ProgArray, SlotMap } from './array.js';
import { HashMap, LruHashMap } from './hash.js';
import { LpmTrie } from './lpm.js';
import type { MapMemory } from './sparse.js';
import { Errno, LOOKUP_RO, PROGRAM_RW, USER_ONLY } from './types.js';
import type { BpfMap } from './types.js';

export class OpaqueMap implements BpfMap {
  readonly access = USER_ONLY;
  readonly inSnapshot = false;
  readonly modelled = false;

  constructor(readonly def: MapDef) {}

  lookup(): Uint8Array | undefined {
    return undefined;
  }

  update(): number {
    return -Errno.EOPNOTSUPP;
  }

  delete(): number {
    return -Errno.EOPNOTSUPP;
  }

  entries(): [Uint8Array, Uint8Array][] {
    return [];
  }
}

/**
 * Maps whose storage is allocated up front (prog arrays, devmap, cpumap, xskmap) hold at most
 * this many entries here. Arrays are not capped by max_entries: large ones allocate a value when
 * first touched, against a cap on the bytes actually allocated (sparse.ts); hashes hold what was
 * inserted, and LRU nodes are created when first used (lru.ts).
 */
export const MAX_MAP_SLOTS = 1 << 20;
const PREALLOCATED: readonly string[] = ['prog_array', 'devmap', 'cpumap', 'xskmap'];
const HASHES: readonly string[] = ['hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash'];
/** htab_map_alloc: max_entries rounded up to a power of two buckets of 16 bytes, at most U32_MAX bytes */
const MAX_HASH_BUCKETS = 1 << 28;
/** Index-keyed maps: the kernel refuses any key size but 4 (EINVAL). */
const INDEXED: readonly string[] = ['array', 'percpu_array', 'prog_array', 'devmap', 'cpumap', 'xskmap'];
/** PCPU_MIN_UNIT_SIZE: a per-CPU array's values (rounded up to 8) may not be larger (E2BIG). */
const PCPU_MIN_UNIT_SIZE = 32 << 10;

/** Why the interpreter cannot create `def` (its storage would be sized by a huge max_entries), or undefined. */
export function mapDefProblem(def: MapDef): string | undefined {
  if (INDEXED.includes(def.type) && def.keySize !== 4) return `key size ${def.keySize}: ${def.type} maps take 4-byte keys (the kernel refuses others)`;
  if (def.type === 'percpu_array' && Math.ceil(def.valueSize / 8) * 8 > PCPU_MIN_UNIT_SIZE)
    return `value size ${def.valueSize}: per-CPU array values are at most ${PCPU_MIN_UNIT_SIZE} bytes (the kernel refuses larger ones with E2BIG)`;
  if (HASHES.includes(def.type) && def.maxEntries > MAX_HASH_BUCKETS)
    return `max_entries ${def.maxEntries}: a hash map has at most ${MAX_HASH_BUCKETS} entries (the kernel refuses more buckets with E2BIG)`;
  if (!PREALLOCATED.includes(def.type)) return undefined;
  if (def.maxEntries > MAX_MAP_SLOTS) return `max_entries ${def.maxEntries} is more than the ${MAX_MAP_SLOTS} entries the interpreter models for a ${def.type}`;
  return undefined;
}

export interface MapOptions {
  /** LRU maps: num_possible_cpus() of the modelled machine (default: this machine's) */
  readonly possibleCpus?: number;
  /** the session's budget for the values of sparse arrays (default: a budget of its own) */
  readonly memory?: MapMemory;
}

export function createMap(def: MapDef, opts: MapOptions = {}): BpfMap {
  switch (def.type) {
    case 'array':
    case 'percpu_array':
      return new ArrayMap(def, opts.memory);
    case 'hash':
      return new HashMap(def, { access: PROGRAM_RW });
    case 'percpu_hash':
      return new HashMap(def, { access: PROGRAM_RW, perCpu: true });
    case 'lru_hash':
      return new LruHashMap(def, { access: PROGRAM_RW, possibleCpus: opts.possibleCpus });
    case 'lru_percpu_hash':
      return new LruHashMap(def, { access: PROGRAM_RW, perCpu: true, possibleCpus: opts.possibleCpus });
    case 'lpm_trie':
      return new LpmTrie(def);
    case 'prog_array':
      return new ProgArray(def);
    case 'devmap':
    case 'cpumap':
    case 'xskmap':
      return new SlotMap(def, def.type);
    case 'devmap_hash':
      return new HashMap(def, { access: LOOKUP_RO, devmap: true });
    default:
      return new OpaqueMap(def);
  }
}

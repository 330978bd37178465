// The hardware hash table of hash and per-CPU hash maps (hdl-templates/xdp2hw_hashmap.v) as data
// and rules: its bucket function, the chain a key walks and the cycles each operation takes. The
// Verilog implements these; the TypeScript core charges them (simulator/core), the RTL engine and
// the emitter build the table's initial image with them. One place, so the three agree.
//
// The table: 2^bits buckets (bits = ceil(log2(max_entries))), each a singly linked chain of
// nodes; max_entries nodes, the unused ones on a free list, so an insert is refused only when the
// map holds max_entries keys (the kernel's E2BIG). A new key goes at its chain's tail, a delete
// unlinks its node, an update of a present key rewrites its value in place: a chain therefore
// lists its bucket's keys in the order they were inserted, which is the order the map models keep
// (insertion order), so the walk of a key follows from the model alone.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { CoreConfig } from './core.js';

/** Bytes the hash unit reads or writes a cycle (key fetch and value copy): its memory port. */
export const HASH_PORT_BYTES = 8;

/** The multiplier of the bucket function (Knuth's multiplicative hash, 2^32 / phi). */
export const HASH_MULTIPLIER = 0x9e3779b1;

/** Bucket-index bits of a map of `maxEntries` keys: at least as many buckets as keys. */
export function hashBucketBits(maxEntries: number): number {
  let bits = 0;
  while (2 ** bits < maxEntries) bits++;
  return bits;
}

/** The 32-bit XOR of the key's little-endian 32-bit words (the last one zero-padded). */
export function hashFold(key: Uint8Array): number {
  let h = 0;
  for (let i = 0; i < key.length; i += 4)
    h ^= key[i] | ((key[i + 1] ?? 0) << 8) | ((key[i + 2] ?? 0) << 16) | ((key[i + 3] ?? 0) << 24);
  return h >>> 0;
}

/** The bucket of a key: the top `bits` bits of fold × HASH_MULTIPLIER (mod 2^32). */
export function hashBucket(key: Uint8Array, bits: number): number {
  if (bits === 0) return 0;
  return (Math.imul(hashFold(key), HASH_MULTIPLIER) >>> 0) >>> (32 - bits);
}

function sameKey(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Nodes the walk compares for `key`: its place in its chain (1 = the first node) when present,
 * else the chain's length. `keys`: the map's keys in insertion order.
 */
export function hashWalkSteps(keys: Iterable<Uint8Array>, key: Uint8Array, keySize: number, bits: number, bucketOf = hashBucket): number {
  const cut = (k: Uint8Array) => (k.length === keySize ? k : k.subarray(0, keySize));
  const b = bucketOf(cut(key), bits);
  let steps = 0;
  for (const k of keys) {
    if (bucketOf(cut(k), bits) !== b) continue;
    steps++;
    if (sameKey(k, key, keySize)) return steps;
  }
  return steps;
}

/** The hash-map helpers the unit runs, by helper id. */
export type HashOp = 1 | 2 | 3;

/**
 * Cycles a hash-map helper call holds fetch (beyond its own row): helperCall + mapLookup.hash
 * (the call and the head read), a cycle per HASH_PORT_BYTES of key fetched and per node
 * compared, then for a delete one cycle (unlink and free), for an update one (allocate) and one
 * per HASH_PORT_BYTES of value copied. The same whatever the result (the unit idles through a
 * refused update's copy).
 */
export function hashOpCycles(core: CoreConfig, op: HashOp, keySize: number, valueSize: number, steps: number, family: 'hash' | 'lpm' | 'lru' = 'hash'): number {
  const beats = (n: number) => Math.ceil(n / HASH_PORT_BYTES);
  const base = core.latency.helperCall + core.latency.mapLookup[family] + beats(keySize) + steps;
  return op === 1 ? base : op === 3 ? base + 1 : base + 1 + beats(valueSize);
}

/** A map's type and sizes (a loader MapDef has them). */
export interface MapShape {
  readonly type: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
}

/**
 * The most cycles a helper call on `map` can take on a hashWalk core, or undefined when its calls
 * do not walk (not a hash map or LPM trie, or a core without hashWalk): an update walking a chain
 * of max_entries nodes (every key in one bucket), then allocating and copying its value.
 */
export function hashWorstCycles(core: CoreConfig, map: MapShape): number | undefined {
  const family = map.type === 'hash' || map.type === 'percpu_hash' ? 'hash' : map.type === 'lpm_trie' ? 'lpm' : map.type === 'lru_hash' ? 'lru' : undefined;
  if (!core.latency.hashWalk || family === undefined) return undefined;
  return hashOpCycles(core, 2, map.keySize, map.valueSize, map.maxEntries, family) + (family === 'lru' ? lruPopWorstCycles(map.maxEntries) : 0);
}

// -- LRU hash maps (common LRU lists, one CPU): the kernel's bpf_lru_list as the interpreter models
// it (simulator/maps/lru.ts), in the hash unit as a list engine over node memories. Every list
// node (a map's max_entries nodes, and five heads a map: active, inactive, free, local free, local
// pending) has prev / next links, a list type and a reference bit; the nodes' in block-RAM shaped
// memories (one write port, one registered read), the heads' first and last nodes in registers. A
// program's lookup sets the bit in the cycle its walk decides; a delete frees the node
// (bpf_lru_push_free) from that cycle into its free cycle; an update first takes a node
// (bpf_lru_pop_free) in a state machine whose steps take 1 cycle (heads only), LRU_LOOK_CYCLES (a
// node's row read) or LRU_MOVE_CYCLES (a node moved) (KernelLru.ticks counts them where the model
// decides), evictions unlinking their element from its chain as they move it (chains are doubly
// linked, each node knowing its bucket), then walks the chain as a hash update (the evicted keys
// are gone from it), puts the new node in the old element's place in its chain (or at the tail)
// and frees the old node (or the new one when the update fails) from its decision into its
// allocate cycle.

/**
 * num_possible_cpus() of this machine (the kernel oracle's), from sysfs; else the CPUs Node sees:
 * the CPU count the LRU maps' batches follow (the interpreter's models and the RTL's lists alike).
 */
export function hostPossibleCpus(): number {
  try {
    const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    return text.split(',').reduce((n, r) => {
      const [a, b] = r.split('-').map(Number);
      return n + (b === undefined ? 1 : b - a + 1);
    }, 0);
  } catch {
    return availableParallelism();
  }
}

/** LOCAL_FREE_TARGET of the kernel: a common LRU's largest batch, and the nodes a rotation or shrink scans. */
export const LRU_LOCAL_FREE_TARGET = 128;

/** The nodes of one CPU's lists in an LRU map with per-CPU lists (the interpreter's KernelLru takes the same). */
export function lruPerCpuNodes(nodes: number, possibleCpus: number): number {
  return Math.ceil(nodes / possibleCpus);
}

/** The kernel's target_free of a common LRU map of `nodes` nodes on `possibleCpus` CPUs. */
export function lruTargetFree(nodes: number, possibleCpus: number): number {
  return Math.min(Math.max(Math.floor(Math.floor(nodes / possibleCpus) / 2), 1), LRU_LOCAL_FREE_TARGET);
}

/**
 * Cycles of an LRU engine step that moves a node (xdp2hw_hashmap.v): the read of its row (links,
 * type, reference bit), the unlink (its old neighbours' links, one write port a memory), its link
 * after the new head (its next link, the old first's prev link; the heads are registers).
 */
export const LRU_MOVE_CYCLES = 3;
/** Cycles of an LRU engine step that reads a node's row and moves nothing: the read, the decision. */
export const LRU_LOOK_CYCLES = 2;

/**
 * The most cycles the LRU engine can spend taking a node (lruPop): the local free check, the
 * pending flush, the rotation's choice, the active rotation (nr_scans moves), the inactive one
 * (its node's read, nr_scans nodes and a pass of its head between any two), a batch of
 * target_free (at most nr_scans moves and the end), the shrink (nr_scans and the end), the forced
 * eviction and the take. The flush moves at most target_free nodes (at most nr_scans, and at most
 * max_entries): the local free and pending lists hold target_free nodes together at most, since a
 * refill leaves the pending list empty and the local free one at most target_free, a take moves a
 * node from one to the other, and a free returns a pending node to the local free list and any
 * other to the global free list.
 */
export function lruPopWorstCycles(maxEntries: number): number {
  const scans = LRU_LOCAL_FREE_TARGET;
  const move = LRU_MOVE_CYCLES;
  const pending = Math.min(maxEntries, scans);
  return 1 + (pending * move + 1) + 1 + scans * move + (LRU_LOOK_CYCLES + scans * move + scans + 1) + (scans * move + 1)
    + (scans * move + 1) + move + move;
}

/** An LRU map's lists as the hash unit holds them: node indexes within the map, head to tail. */
export interface LruImage {
  /** [active, inactive, free, local free, local pending]; nodes in no list are appended to the free list */
  readonly lists: readonly (readonly number[])[];
  /** nodes whose reference bit is set */
  readonly refs: ReadonlySet<number>;
  /** the active and inactive lists' counts (the kernel's counts, which the rotation compares) */
  readonly counts: readonly number[];
  /** the node the next inactive rotation starts from; -1: the inactive list's head */
  readonly rotation: number;
  /** nodes in no list appended to the free list at most (per-CPU lists: CPU 0's unborn nodes; default all) */
  readonly unborn?: number;
}

/** List heads a map has in the LRU link memory (ListType order). */
export const LRU_HEADS = 5;


/** The least helperCall + mapLookup.hash the unit can meet (a cycle to latch the call, one to read the head). */
export const HASH_MIN_FIXED = 2;

/** A table's initial image: chain heads and links as node + 1 (0: none), the free list's head. */
export interface HashTableImage {
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly free: number;
  /** node of each key, in the order given */
  readonly nodes: number[];
}

/** The table holding `keys` (insertion order): key i in node i, chained in order; the rest free, in order. */
export function hashTableImage(keys: readonly Uint8Array[], maxEntries: number, keySize: number, bits: number): HashTableImage {
  const head = new Int32Array(2 ** bits);
  const next = new Int32Array(Math.max(1, maxEntries));
  const tail = new Int32Array(2 ** bits);
  keys.forEach((k, i) => {
    const b = hashBucket(k.subarray(0, keySize), bits);
    if (tail[b] === 0) head[b] = i + 1;
    else next[tail[b] - 1] = i + 1;
    tail[b] = i + 1;
  });
  for (let i = keys.length; i < maxEntries - 1; i++) next[i] = i + 2;
  return { head, next, free: keys.length < maxEntries ? keys.length + 1 : 0, nodes: keys.map((_, i) => i) };
}

/** Where one hash map sits in the hash unit (the emitter's layout). */
export interface HashPlace {
  /**
   * an LRU hash map: its target_free (lruTargetFree); with per-CPU lists (BPF_F_NO_COMMON_LRU),
   * CPU 0's share of its nodes (lruPerCpuNodes)
   */
  readonly lru?: { readonly targetFree: number; readonly perCpuNodes?: number };
  readonly node: number;
  readonly bucket: number;
  readonly bits: number;
  readonly maxEntries: number;
  readonly keySize: number;
}

/** The hash unit's sizes: every hash map's nodes and buckets together, the node memory's key bits. */
export interface HashUnitSize {
  readonly nodes: number;
  readonly buckets: number;
  readonly keyBits: number;
  /** maps of the program (the free-list heads, by map index) */
  readonly maps: number;
}

function hexLines(values: ArrayLike<number>, digits: number): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) out.push((values[i] >>> 0).toString(16).padStart(digits, '0'));
  return `${out.join('\n')}\n`;
}

/**
 * The hash unit's $readmemh files (hash_keys.hex, hash_links.hex, hash_heads.hex, hash_free.hex)
 * holding `keys` (per map index, insertion order; undefined for a map that is not the unit's).
 */
export function hashUnitFiles(size: HashUnitSize, places: readonly (HashPlace | undefined)[], keys: readonly (readonly Uint8Array[] | undefined)[],
  lru: readonly (LruImage | undefined)[] = []): Record<string, string> {
  const keyMem: string[] = new Array(size.nodes).fill('0'.repeat(size.keyBits / 4));
  const links = new Int32Array(size.nodes);
  const hprev = new Int32Array(size.nodes);
  const hbkt = new Int32Array(size.nodes);
  const heads = new Int32Array(size.buckets);
  const free = new Int32Array(Math.max(1, size.maps));
  // the LRU link memory: list node 1 + n for hash node n, then LRU_HEADS heads a map
  const lnodes = lruListNodes(size);
  const lprev = new Int32Array(lnodes);
  const lnext = new Int32Array(lnodes);
  const lmeta = new Int32Array(lnodes);
  const maps = Math.max(1, size.maps);
  const tf = new Int32Array(maps);
  const cnta = new Int32Array(maps);
  const cnti = new Int32Array(maps);
  const rot = new Int32Array(maps);
  const pcpu = new Int32Array(maps);
  places.forEach((p, m) => {
    if (!p) return;
    const ks = keys[m] ?? [];
    const img = hashTableImage(ks, p.maxEntries, p.keySize, p.bits);
    const global = (v: number) => (v === 0 ? 0 : v + p.node);
    img.head.forEach((v, b) => { heads[p.bucket + b] = global(v); });
    for (let n = 0; n < p.maxEntries; n++) links[p.node + n] = global(img.next[n]);
    // chains doubly linked, each node knowing its bucket (an LRU eviction unlinks in one cycle)
    img.head.forEach((v, b) => {
      for (let n = v, prev = 0; n !== 0; prev = n, n = img.next[n - 1]) {
        hprev[p.node + n - 1] = global(prev);
        hbkt[p.node + n - 1] = p.bucket + b;
      }
    });
    free[m] = global(img.free);
    if (p.lru) {
      const li = lru[m] ?? { lists: [[], [], [], [], []], refs: new Set<number>(), counts: [0, 0], rotation: -1, unborn: p.lru.perCpuNodes };
      const head = (t: number) => size.nodes + 1 + LRU_HEADS * m + t;
      const seen = new Uint8Array(p.maxEntries);
      const lists = li.lists.map((l) => [...l]);
      for (const l of lists) for (const n of l) seen[n] = 1;
      let room = li.unborn ?? p.maxEntries;
      for (let n = 0; n < p.maxEntries && room > 0; n++) if (!seen[n]) {
        lists[2].push(n);
        room--;
      }
      lists.forEach((l, t) => {
        const ids = [head(t), ...l.map((n) => p.node + n + 1), head(t)];
        for (let k = 1; k < ids.length; k++) {
          lnext[ids[k - 1]] = ids[k];
          lprev[ids[k]] = ids[k - 1];
        }
        lmeta[head(t)] = t;
        for (const n of l) lmeta[p.node + n + 1] = t | (li.refs.has(n) ? 8 : 0);
      });
      tf[m] = p.lru.targetFree;
      pcpu[m] = p.lru.perCpuNodes !== undefined ? 1 : 0;
      cnta[m] = li.counts[0];
      cnti[m] = li.counts[1];
      rot[m] = li.rotation < 0 ? head(1) : p.node + li.rotation + 1;
    }
    ks.forEach((k, i) => {
      let hex = '';
      for (let b = size.keyBits / 8 - 1; b >= 0; b--) hex += (b < p.keySize ? (k[b] ?? 0) : 0).toString(16).padStart(2, '0');
      keyMem[p.node + i] = hex;
    });
  });
  const nw = Math.ceil(Math.ceil(Math.log2(size.nodes + 1)) / 4) || 1;
  const lw = Math.ceil(Math.ceil(Math.log2(lnodes)) / 4) || 1;
  return {
    'hash_keys.hex': `${keyMem.join('\n')}\n`,
    'hash_links.hex': hexLines(links, nw),
    'hash_heads.hex': hexLines(heads, nw),
    'hash_free.hex': hexLines(free, nw),
    'hash_hprev.hex': hexLines(hprev, nw),
    'hash_hbkt.hex': hexLines(hbkt, Math.ceil(Math.ceil(Math.log2(size.buckets)) / 4) || 1),
    // the node rows (0 and the hash nodes); the heads' first and last nodes are registers
    'lru_prev.hex': hexLines(lprev.subarray(0, size.nodes + 1), lw),
    'lru_next.hex': hexLines(lnext.subarray(0, size.nodes + 1), lw),
    'lru_meta.hex': hexLines(lmeta.subarray(0, size.nodes + 1), 1),
    'lru_first.hex': hexLines(lnext.subarray(size.nodes + 1), lw),
    'lru_last.hex': hexLines(lprev.subarray(size.nodes + 1), lw),
    'lru_tf.hex': hexLines(tf, 2),
    'lru_pcpu.hex': hexLines(pcpu, 1),
    'lru_cnta.hex': hexLines(cnta, 8),
    'lru_cnti.hex': hexLines(cnti, 8),
    'lru_rot.hex': hexLines(rot, lw),
  };
}

/** Entries of the LRU link memory: none (0), a list node per hash node, LRU_HEADS heads a map. */
export function lruListNodes(size: HashUnitSize): number {
  return size.nodes + 1 + LRU_HEADS * Math.max(1, size.maps);
}


/** An LPM key's prefix length (bytes 0-3, little-endian). */
function prefixLen(k: Uint8Array): number {
  return (k[0] | (k[1] << 8) | (k[2] << 16) | (k[3] << 24)) >>> 0;
}

/** Whether two LPM keys have the same prefix length and the same first `len` address bits. */
function samePrefix(a: Uint8Array, b: Uint8Array, keySize: number): boolean {
  const len = prefixLen(a);
  if (len !== prefixLen(b)) return false;
  for (let i = 4; i < keySize; i++) {
    const bit = (i - 4) * 8;
    if (len <= bit) break;
    const mask = len >= bit + 8 ? 0xff : (0xff << (8 - (len - bit))) & 0xff;
    if (((a[i] ^ b[i]) & mask) !== 0) return false;
  }
  return true;
}

/**
 * Nodes the hash unit compares on an LPM trie (one chain, insertion order): a lookup every entry
 * (the longest covering prefix may be the last), an update or delete up to the entry of the same
 * prefix, or every entry when there is none.
 */
export function lpmWalkSteps(keys: readonly Uint8Array[], key: Uint8Array, keySize: number, op: HashOp): number {
  if (op === 1) return keys.length;
  for (let i = 0; i < keys.length; i++) if (samePrefix(keys[i], key, keySize)) return i + 1;
  return keys.length;
}

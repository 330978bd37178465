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
export function hashOpCycles(core: CoreConfig, op: HashOp, keySize: number, valueSize: number, steps: number, family: 'hash' | 'lpm' = 'hash'): number {
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
  const family = map.type === 'hash' || map.type === 'percpu_hash' ? 'hash' : map.type === 'lpm_trie' ? 'lpm' : undefined;
  if (!core.latency.hashWalk || family === undefined) return undefined;
  return hashOpCycles(core, 2, map.keySize, map.valueSize, map.maxEntries, family);
}

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
export function hashUnitFiles(size: HashUnitSize, places: readonly (HashPlace | undefined)[], keys: readonly (readonly Uint8Array[] | undefined)[]): Record<string, string> {
  const keyMem: string[] = new Array(size.nodes).fill('0'.repeat(size.keyBits / 4));
  const links = new Int32Array(size.nodes);
  const heads = new Int32Array(size.buckets);
  const free = new Int32Array(Math.max(1, size.maps));
  places.forEach((p, m) => {
    if (!p) return;
    const ks = keys[m] ?? [];
    const img = hashTableImage(ks, p.maxEntries, p.keySize, p.bits);
    const global = (v: number) => (v === 0 ? 0 : v + p.node);
    img.head.forEach((v, b) => { heads[p.bucket + b] = global(v); });
    for (let n = 0; n < p.maxEntries; n++) links[p.node + n] = global(img.next[n]);
    free[m] = global(img.free);
    ks.forEach((k, i) => {
      let hex = '';
      for (let b = size.keyBits / 8 - 1; b >= 0; b--) hex += (b < p.keySize ? (k[b] ?? 0) : 0).toString(16).padStart(2, '0');
      keyMem[p.node + i] = hex;
    });
  });
  const nw = Math.ceil(Math.ceil(Math.log2(size.nodes + 1)) / 4) || 1;
  return {
    'hash_keys.hex': `${keyMem.join('\n')}\n`,
    'hash_links.hex': hexLines(links, nw),
    'hash_heads.hex': hexLines(heads, nw),
    'hash_free.hex': hexLines(free, nw),
  };
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

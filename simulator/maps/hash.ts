// Hash-keyed maps: hash, per-CPU hash, devmap_hash, and the LRU hashes, whose nodes follow the
// kernel's LRU lists (lru.ts): an update takes a node first (which may evict others, in batches,
// even before the map is full) and a program's lookup sets the node's reference bit.

import type { MapDef } from '../../compiler/loader/types.js';
import { KernelLru, hostPossibleCpus } from './lru.js';
import type { LruNode } from './lru.js';
import { Errno, UpdateFlag, keyString, lockFlag, unknownFlags } from './types.js';
import type { BpfMap, MapAccess } from './types.js';

interface Entry {
  readonly key: Uint8Array;
  value: Uint8Array;
}

export interface HashOptions {
  readonly access: MapAccess;
  /** per-CPU values are updated in place; others get a new value buffer (as the kernel's new element) */
  readonly perCpu?: boolean;
  /** devmap_hash: flags above EXIST are invalid but EXIST on a missing key is not checked */
  readonly devmap?: boolean;
  /** LRU maps: num_possible_cpus() of the modelled machine (default: this machine's) */
  readonly possibleCpus?: number;
}

export class HashMap implements BpfMap {
  readonly inSnapshot = true;
  readonly access: MapAccess;
  protected readonly table = new Map<string, Entry>();

  constructor(readonly def: MapDef, protected readonly opts: HashOptions) {
    this.access = opts.access;
  }

  get size(): number {
    return this.table.size;
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    return this.table.get(keyString(key))?.value;
  }

  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (this.opts.devmap ? flags < 0 || flags > UpdateFlag.EXIST : unknownFlags(flags)) return -Errno.EINVAL;
    // devmap_hash: an ifindex of 0 is refused (the kernel's __dev_map_hash_update_elem)
    if (this.opts.devmap && value.length >= 4 && (value[0] | value[1] | value[2] | value[3]) === 0) return -Errno.EINVAL;
    if (lockFlag(flags)) return -Errno.EINVAL;
    const k = keyString(key);
    const old = this.table.get(k);
    if (old && flags === UpdateFlag.NOEXIST) return -Errno.EEXIST;
    if (!old && flags === UpdateFlag.EXIST && !this.opts.devmap) return -Errno.ENOENT;
    const v = value.slice(0, this.def.valueSize);
    if (old) {
      if (this.opts.perCpu) old.value.set(v);
      else old.value = v;
      return 0;
    }
    if (this.table.size >= this.def.maxEntries) return -Errno.E2BIG;
    this.table.set(k, { key: key.slice(0, this.def.keySize), value: v });
    return 0;
  }

  delete(key: Uint8Array): number {
    return this.table.delete(keyString(key)) ? 0 : -Errno.ENOENT;
  }

  entries(): [Uint8Array, Uint8Array][] {
    return [...this.table.values()].map((e) => [e.key, e.value]);
  }
}

/** BPF_F_NO_COMMON_LRU: per-CPU LRU lists */
export const BPF_F_NO_COMMON_LRU = 2;

interface LruEntry extends Entry {
  readonly node: LruNode;
}

export class LruHashMap extends HashMap {
  /** elements evicted so far */
  evictions = 0;
  readonly lru: KernelLru;
  /**
   * The last update's work, for the cycle-accurate core (simulator/core/timing.ts): the key
   * buffers of the elements its node allocation evicted, and the LRU engine's cycles (KernelLru
   * ticks; 0 when no node was taken).
   */
  readonly lastUpdate = { evicted: [] as Uint8Array[], ticks: 0 };
  protected declare readonly table: Map<string, LruEntry>;

  constructor(def: MapDef, opts: HashOptions) {
    super(def, opts);
    const evict = (node: LruNode) => {
      const e = node.key === undefined ? undefined : this.table.get(node.key);
      if (!e || !this.table.delete(node.key!)) return false;
      this.lastUpdate.evicted.push(e.key);
      this.evictions++;
      return true;
    };
    this.lru = new KernelLru(def.maxEntries, opts.possibleCpus ?? hostPossibleCpus(), evict, (def.flags & BPF_F_NO_COMMON_LRU) !== 0);
  }

  override lookup(key: Uint8Array): Uint8Array | undefined {
    const e = this.table.get(keyString(key));
    if (e) this.lru.setRef(e.node);
    return e?.value;
  }

  /** A key's value without the lookup's reference bit (what a dump or the RTL engine reads). */
  peek(key: Uint8Array): Uint8Array | undefined {
    return this.table.get(keyString(key))?.value;
  }

  /** The node of a key's element, or undefined. */
  nodeOf(key: Uint8Array): LruNode | undefined {
    return this.table.get(keyString(key))?.node;
  }

  /** htab_lru_map_update_elem: the node is taken before the key is looked up (and may evict it). */
  override update(key: Uint8Array, value: Uint8Array, flags: number): number {
    this.lastUpdate.evicted = [];
    this.lastUpdate.ticks = 0;
    if (flags < 0 || flags > UpdateFlag.EXIST) return -Errno.EINVAL;
    if (this.opts.perCpu) return this.updatePerCpu(key, value, flags);
    const node = this.lru.popFree();
    this.lastUpdate.ticks = this.lru.ticks;
    if (!node) return -Errno.ENOMEM;
    const k = keyString(key);
    const old = this.table.get(k);
    const err = old && flags === UpdateFlag.NOEXIST ? -Errno.EEXIST : !old && flags === UpdateFlag.EXIST ? -Errno.ENOENT : 0;
    if (err) {
      this.lru.pushFree(node);
      return err;
    }
    node.key = k;
    if (old) this.lru.setRef(node);
    this.table.set(k, { key: key.slice(0, this.def.keySize), value: value.slice(0, this.def.valueSize), node });
    if (old) this.lru.pushFree(old.node);
    return 0;
  }

  /** htab_lru_percpu_map_update_elem: no node for BPF_EXIST; an existing value is updated in place. */
  private updatePerCpu(key: Uint8Array, value: Uint8Array, flags: number): number {
    let node = flags === UpdateFlag.EXIST ? undefined : this.lru.popFree();
    if (flags !== UpdateFlag.EXIST && !node) return -Errno.ENOMEM;
    const k = keyString(key);
    const old = this.table.get(k);
    const err = old && flags === UpdateFlag.NOEXIST ? -Errno.EEXIST : !old && flags === UpdateFlag.EXIST ? -Errno.ENOENT : 0;
    if (!err && old) {
      this.lru.setRef(old.node);
      old.value.set(value.subarray(0, this.def.valueSize));
    } else if (!err && node) {
      node.key = k;
      this.table.set(k, { key: key.slice(0, this.def.keySize), value: value.slice(0, this.def.valueSize), node });
      node = undefined;
    }
    if (node) this.lru.pushFree(node);
    return err;
  }

  override delete(key: Uint8Array): number {
    const k = keyString(key);
    const e = this.table.get(k);
    if (!e) return -Errno.ENOENT;
    this.table.delete(k);
    this.lru.pushFree(e.node);
    return 0;
  }
}

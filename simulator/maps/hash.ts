// Hash-keyed maps: hash, per-CPU hash, devmap_hash, and the LRU hashes with eviction.
//
// LRU model: entries are kept in recency order; a program's lookup and any update make an entry
// the most recent; inserting into a full map evicts the least recent entry. The kernel's LRU
// (kernel/bpf/bpf_lru_list.c) differs in ways a program can see only under pressure: it keeps
// active/inactive lists with a reference bit (second chance) rather than strict recency, refills
// per-CPU free lists in batches of 128 nodes (so with several CPUs it can evict before the map is
// full), and an update of an existing key takes a fresh node (which can evict another key when
// the map is full). With one CPU and fewer than max_entries keys both models evict nothing.

import type { MapDef } from '../../compiler/loader/types.js';
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
    if (lockFlag(flags)) return -Errno.EINVAL;
    const k = keyString(key);
    const old = this.table.get(k);
    if (old && flags === UpdateFlag.NOEXIST) return -Errno.EEXIST;
    if (!old && flags === UpdateFlag.EXIST && !this.opts.devmap) return -Errno.ENOENT;
    const v = value.slice(0, this.def.valueSize);
    if (old) {
      if (this.opts.perCpu) old.value.set(v);
      else old.value = v;
      this.touch(k, old);
      return 0;
    }
    if (this.table.size >= this.def.maxEntries && !this.makeRoom()) return -Errno.E2BIG;
    this.table.set(k, { key: key.slice(0, this.def.keySize), value: v });
    return 0;
  }

  delete(key: Uint8Array): number {
    return this.table.delete(keyString(key)) ? 0 : -Errno.ENOENT;
  }

  entries(): [Uint8Array, Uint8Array][] {
    return [...this.table.values()].map((e) => [e.key, e.value]);
  }

  /** A full map: the hash map refuses (-E2BIG); the LRU evicts. */
  protected makeRoom(): boolean {
    return false;
  }

  protected touch(_k: string, _e: Entry): void {}
}

export class LruHashMap extends HashMap {
  /** keys evicted so far (for tests and reports) */
  evictions = 0;

  override lookup(key: Uint8Array): Uint8Array | undefined {
    const k = keyString(key);
    const e = this.table.get(k);
    if (e) this.touch(k, e);
    return e?.value;
  }

  protected override touch(k: string, e: Entry): void {
    this.table.delete(k);
    this.table.set(k, e);
  }

  protected override makeRoom(): boolean {
    const oldest = this.table.keys().next();
    if (oldest.done) return false;
    this.table.delete(oldest.value);
    this.evictions++;
    return true;
  }
}

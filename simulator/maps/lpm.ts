// The LPM trie map: keys are struct bpf_lpm_trie_key (u32 prefix length, then the address bytes
// in network order); a lookup finds the entry with the longest prefix that covers the key.
// Kept as one table per prefix length, probed longest first: same answers as the kernel's trie.

import type { MapDef } from '../../compiler/loader/types.js';
import { Errno, PROGRAM_RW, UpdateFlag, u32 } from './types.js';
import type { BpfMap } from './types.js';

interface Entry {
  /** the key as last written (bits past the prefix kept, as the kernel stores them) */
  key: Uint8Array;
  value: Uint8Array;
}

export class LpmTrie implements BpfMap {
  readonly access = PROGRAM_RW;
  readonly inSnapshot = true;
  readonly maxBits: number;
  private readonly table = new Map<string, Entry>();
  /** prefix length → number of entries with it */
  private readonly lens = new Map<number, number>();
  /** prefix lengths present, longest first */
  private order: number[] = [];

  constructor(readonly def: MapDef) {
    this.maxBits = (def.keySize - 4) * 8;
  }

  get size(): number {
    return this.table.size;
  }

  /** The table key of `len` leading bits of the address bytes (no allocation but the string). */
  private canon(key: Uint8Array, len: number): string {
    const full = len >> 3, rest = len & 7;
    let s = `${len}/`;
    for (let i = 4; i < 4 + full; i++) s += String.fromCharCode(key[i]);
    if (rest) s += String.fromCharCode(key[4 + full] & (0xff << (8 - rest)) & 0xff);
    return s;
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    const want = u32(key);
    for (const len of this.order) {
      if (len > want) continue;
      const e = this.table.get(this.canon(key, len));
      if (e) return e.value;
    }
    return undefined;
  }

  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags < 0 || flags > UpdateFlag.EXIST) return -Errno.EINVAL;
    const len = u32(key);
    if (len > this.maxBits) return -Errno.EINVAL;
    const k = this.canon(key, len);
    const old = this.table.get(k);
    if (old && flags === UpdateFlag.NOEXIST) return -Errno.EEXIST;
    if (!old && flags === UpdateFlag.EXIST) return -Errno.ENOENT;
    if (!old && this.table.size >= this.def.maxEntries) return -Errno.ENOSPC;
    this.table.set(k, { key: key.slice(0, this.def.keySize), value: value.slice(0, this.def.valueSize) });
    if (!old) this.count(len, +1);
    return 0;
  }

  delete(key: Uint8Array): number {
    const len = u32(key);
    if (len > this.maxBits) return -Errno.EINVAL;
    if (!this.table.delete(this.canon(key, len))) return -Errno.ENOENT;
    this.count(len, -1);
    return 0;
  }

  entries(): [Uint8Array, Uint8Array][] {
    return [...this.table.values()].map((e) => [e.key, e.value]);
  }

  private count(len: number, d: number): void {
    const c = (this.lens.get(len) ?? 0) + d;
    if (c === 0) this.lens.delete(len);
    else this.lens.set(len, c);
    this.order = [...this.lens.keys()].sort((a, b) => b - a);
  }
}

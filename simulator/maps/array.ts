// Index-keyed maps: array and per-CPU array (every index exists; global data sections too; large
// arrays allocate a value when first touched, sparse.ts),
// and the sparse redirect targets devmap, cpumap, xskmap and the prog array, each with the
// kernel's update and delete rules.

import type { MapDef } from '../../compiler/loader/types.js';
import { Errno, LOOKUP_RO, PROGRAM_RW, USER_ONLY, UpdateFlag, lockFlag, u32, u32Key, unknownFlags } from './types.js';
import type { BpfMap, MapAccess } from './types.js';
import { DenseStore, MapMemory, SparseStore, isSparseArray, isZero } from './sparse.js';
import type { ValueStore } from './sparse.js';

/** libbpf's flag for `.rodata`: the program may read but not write the map. */
export const BPF_F_RDONLY_PROG = 0x80;

export class ArrayMap implements BpfMap {
  readonly access: MapAccess;
  readonly inSnapshot = true;
  /** stored lazily and listed by its non-zero entries (sparse.ts) */
  readonly sparse: boolean;
  /** the last lookup or update needed a value the session's memory cap could not allocate */
  capReached = false;
  private readonly store: ValueStore;

  constructor(readonly def: MapDef, memory: MapMemory = new MapMemory()) {
    const readOnly = (def.flags & BPF_F_RDONLY_PROG) !== 0;
    this.access = readOnly ? { lookup: true, update: false, writableValues: false } : PROGRAM_RW;
    this.sparse = isSparseArray(def);
    this.store = this.sparse ? new SparseStore(def.valueSize, memory) : new DenseStore(def.maxEntries, def.valueSize);
    if (def.initial && def.maxEntries > 0) this.store.touch(0)?.set(def.initial.subarray(0, def.valueSize));
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    const i = u32(key);
    if (i >= this.def.maxEntries) return undefined;
    const v = this.store.touch(i);
    this.capReached = v === undefined;
    return v;
  }

  /** The value at index i (0 <= i < max_entries) of a dense array. */
  value(i: number): Uint8Array {
    return this.store.peek(i)!;
  }

  /** Returns -ENOMEM (a refusal of the interpreter's, not the kernel's) when the memory cap is reached. */
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (unknownFlags(flags)) return -Errno.EINVAL;
    const i = u32(key);
    if (i >= this.def.maxEntries) return -Errno.E2BIG;
    if (flags & UpdateFlag.NOEXIST) return -Errno.EEXIST;
    if (lockFlag(flags)) return -Errno.EINVAL;
    const bytes = value.subarray(0, this.def.valueSize);
    const v = this.sparse && isZero(bytes) ? this.store.peek(i) : this.store.touch(i);
    this.capReached = this.sparse && v === undefined && !isZero(bytes);
    if (this.capReached) return -Errno.ENOMEM;
    v?.set(bytes);
    return 0;
  }

  delete(): number {
    return -Errno.EINVAL;
  }

  /** Dense arrays: every index; sparse ones: the entries that are not all zero. */
  entries(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    for (const [i, v] of this.store.allocated()) if (!this.sparse || !isZero(v)) out.push([u32Key(i), v]);
    return out;
  }
}

type SlotKind = 'devmap' | 'cpumap' | 'xskmap';

/** A sparse u32-indexed map whose entries user space sets: devmap, cpumap, xskmap. */
export class SlotMap implements BpfMap {
  readonly access = LOOKUP_RO;
  readonly inSnapshot: boolean;
  private readonly slots: (Uint8Array | undefined)[];

  constructor(readonly def: MapDef, readonly kind: SlotKind) {
    this.slots = new Array(def.maxEntries).fill(undefined);
    this.inSnapshot = kind !== 'xskmap';
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    return this.slots[u32(key)];
  }

  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags < 0 || flags > UpdateFlag.EXIST) return -Errno.EINVAL;
    const i = u32(key);
    if (i >= this.def.maxEntries) return -Errno.E2BIG;
    const exists = this.slots[i] !== undefined;
    if (this.kind === 'xskmap') {
      if (flags === UpdateFlag.NOEXIST && exists) return -Errno.EEXIST;
      if (flags === UpdateFlag.EXIST && !exists) return -Errno.ENOENT;
    } else if (flags === UpdateFlag.NOEXIST) return -Errno.EEXIST;
    const v = value.slice(0, this.def.valueSize);
    if (this.kind === 'devmap' && u32(v) === 0) {
      // the kernel: an ifindex of 0 empties the slot, and may not come with a program (bpf_prog.fd > 0)
      if (v.length >= 8 && new DataView(v.buffer, v.byteOffset).getInt32(4, true) > 0) return -Errno.EINVAL;
      this.slots[i] = undefined;
      return 0;
    }
    if (this.kind === 'cpumap') {
      const qsize = u32(v);
      if (qsize > 16384) return -Errno.EOVERFLOW;
      if (qsize === 0) {
        this.slots[i] = undefined; // the kernel: "same as deleting"
        return 0;
      }
    }
    this.slots[i] = v;
    return 0;
  }

  delete(key: Uint8Array): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -Errno.EINVAL;
    this.slots[i] = undefined;
    return 0;
  }

  entries(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    this.slots.forEach((v, i) => v && out.push([u32Key(i), v]));
    return out;
  }
}

/** A prog array: index → program of the same object (by its index), for tail calls. */
export class ProgArray implements BpfMap {
  readonly access = USER_ONLY;
  readonly inSnapshot = false;
  private readonly progs: (number | undefined)[];

  constructor(readonly def: MapDef) {
    this.progs = new Array(def.maxEntries).fill(undefined);
  }

  /** The program index at `i`, or undefined (empty or out of range). */
  program(i: number): number | undefined {
    return this.progs[i];
  }

  setProgram(i: number, prog: number): number {
    if (i >= this.def.maxEntries) return -Errno.E2BIG;
    this.progs[i] = prog;
    return 0;
  }

  lookup(): Uint8Array | undefined {
    return undefined;
  }

  /** User space writes program fds; here a value is a program index (u32). Only BPF_ANY, as the kernel. */
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags !== UpdateFlag.ANY) return -Errno.EINVAL;
    return this.setProgram(u32(key), u32(value));
  }

  delete(key: Uint8Array): number {
    const i = u32(key);
    if (i >= this.def.maxEntries) return -Errno.E2BIG;
    if (this.progs[i] === undefined) return -Errno.ENOENT;
    this.progs[i] = undefined;
    return 0;
  }

  entries(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    this.progs.forEach((p, i) => p !== undefined && out.push([u32Key(i), u32Key(p)]));
    return out;
  }
}

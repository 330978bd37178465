// The map interface every map family implements, with the kernel's errno values and update
// flags. One CPU is modelled: per-CPU maps hold the value of CPU 0 only.

import type { MapDef } from '../../compiler/loader/types.js';

/** Negative errno values the kernel's map operations return. */
export const Errno = {
  EPERM: 1, ENOENT: 2, E2BIG: 7, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19,
  EINVAL: 22, ENOSPC: 28, EOVERFLOW: 75, EOPNOTSUPP: 95, EAFNOSUPPORT: 97, ENOTSUPP: 524,
} as const;

/** bpf_map_update_elem flags. */
export const UpdateFlag = { ANY: 0, NOEXIST: 1, EXIST: 2, F_LOCK: 4 } as const;

/** What a program may do with a map (the verifier's check_map_func_compatibility, in short). */
export interface MapAccess {
  /** bpf_map_lookup_elem from a program */
  readonly lookup: boolean;
  /** bpf_map_update_elem / delete_elem from a program */
  readonly update: boolean;
  /** values returned by lookup may be written by the program */
  readonly writableValues: boolean;
}

export interface BpfMap {
  readonly def: MapDef;
  readonly access: MapAccess;
  /** listed in snapshots (not prog arrays, xskmaps, map-in-map, perf/ring buffers) */
  readonly inSnapshot: boolean;
  /** A program's lookup: the live value bytes (CPU 0 for per-CPU maps), or undefined. */
  lookup(key: Uint8Array): Uint8Array | undefined;
  /** Returns 0 or a negative errno, as the kernel. */
  update(key: Uint8Array, value: Uint8Array, flags: number): number;
  delete(key: Uint8Array): number;
  /** Every entry as user space reads it (array maps: every index), in no particular order. */
  entries(): [Uint8Array, Uint8Array][];
}

/** A key's bytes as a string usable as a JS Map key (one char per byte). */
export function keyString(key: Uint8Array): string {
  let s = '';
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]);
  return s;
}

/** The u32 (little-endian) at the start of a key. */
export function u32(key: Uint8Array, at = 0): number {
  return (key[at] | (key[at + 1] << 8) | (key[at + 2] << 16) | (key[at + 3] << 24)) >>> 0;
}

export function u32Key(i: number): Uint8Array {
  return Uint8Array.of(i & 0xff, (i >>> 8) & 0xff, (i >>> 16) & 0xff, (i >>> 24) & 0xff);
}

/** Unknown update flags: (flags & ~F_LOCK) > EXIST. Flags wider than 32 bits arrive as -1. */
export function unknownFlags(flags: number): boolean {
  return flags < 0 || flags > 0xffffffff || ((flags & ~UpdateFlag.F_LOCK) >>> 0) > UpdateFlag.EXIST; // unsigned, as the kernel's u64 (bit 31 set is unknown too)
}

/** BPF_F_LOCK needs a bpf_spin_lock in the value, which no modelled map has: -EINVAL where the kernel checks it. */
export function lockFlag(flags: number): boolean {
  return (flags & UpdateFlag.F_LOCK) !== 0;
}

export const PROGRAM_RW: MapAccess = { lookup: true, update: true, writableValues: true };
export const USER_ONLY: MapAccess = { lookup: false, update: false, writableValues: false };
export const LOOKUP_RO: MapAccess = { lookup: true, update: false, writableValues: false };

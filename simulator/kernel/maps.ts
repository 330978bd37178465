// The loaded object's maps as the kernel sees them: names matched to the object's, fixture entries
// turned into bpftool updates, and bpftool dumps turned into snapshot entries (docs/FIXTURES.md).

import type { MapDef } from '../../compiler/loader/types.js';
import type { FixtureEntry, MapFixture } from '../maps/fixture.js';
import { FixtureError, compareKeys, lpmKeyHex } from '../maps/fixture.js';
import { isSparseArray } from '../maps/sparse.js';

export interface KernelMap {
  /** the name fixtures and snapshots use: the object's name (`.rodata` for global data) */
  readonly name: string;
  /** the kernel's name (15 characters at most; global data: object prefix + section) */
  readonly kernelName: string;
  readonly pin: string;
  readonly id: number;
  /** bpftool's type name (`array`, `percpu_hash`, `lpm_trie`, ...) */
  readonly type: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly frozen: boolean;
  /** a large array (maps/sparse.ts): read by lookups of the keys that matter, never dumped whole */
  readonly sparse: boolean;
  /** BPF_F_RDONLY_PROG: the verifier lets no program write it (only user space changes it) */
  readonly readOnlyProg: boolean;
}

/** `bpftool -j map show` output, the fields used. */
export interface MapShow {
  id: number;
  type: string;
  name: string;
  bytes_key: number;
  bytes_value: number;
  max_entries: number;
  frozen?: number;
  flags?: number;
}

/** The map flag that makes a map read-only for programs. */
const BPF_F_RDONLY_PROG = 0x80;

/** Left out of snapshots (FIXTURES.md: values are references, not data). */
const NOT_DATA = new Set(['prog_array', 'xskmap', 'array_of_maps', 'hash_of_maps']);
/** Maps without keys to iterate: bpftool cannot dump them, so snapshots leave them out too. */
const NO_KEYS = new Set(['ringbuf', 'user_ringbuf', 'queue', 'stack', 'bloom_filter', 'perf_event_array', 'struct_ops', 'arena']);

export function inSnapshot(m: KernelMap): boolean {
  return !NOT_DATA.has(m.type) && !NO_KEYS.has(m.type);
}

/**
 * The object's name for a kernel map. Global data maps are named "<object prefix><section>" by
 * libbpf (the prefix never holds a dot); other maps are pinned under their full name.
 */
function objectMapName(kernelName: string, pinFile: string, objMaps: readonly MapDef[]): string {
  const dot = kernelName.indexOf('.');
  const guess = dot >= 0 ? kernelName.slice(dot) : pinFile;
  if (objMaps.some((m) => m.name === guess)) return guess;
  const longer = objMaps.filter((m) => m.name.startsWith(guess));
  return longer.length === 1 ? longer[0].name : guess;
}

export function toKernelMap(show: MapShow, pin: string, pinFile: string, objMaps: readonly MapDef[]): KernelMap {
  return {
    name: objectMapName(show.name, pinFile, objMaps),
    kernelName: show.name,
    pin,
    id: show.id,
    type: show.type,
    keySize: show.bytes_key,
    valueSize: show.bytes_value,
    maxEntries: show.max_entries,
    frozen: show.frozen === 1,
    sparse: isSparseArray({ type: show.type, maxEntries: show.max_entries, valueSize: show.bytes_value }),
    readOnlyProg: ((show.flags ?? 0) & BPF_F_RDONLY_PROG) !== 0,
  };
}

/** bpftool's byte arguments: `hex 0a 00 ...`. */
export function hexArgs(hex: string): string[] {
  const out = ['hex'];
  for (let i = 0; i < hex.length; i += 2) out.push(hex.slice(i, i + 2));
  return out;
}

/** The key of an entry in memory order: `key`, or an LPM prefix as struct bpf_lpm_trie_key. */
export function entryKey(m: KernelMap, e: FixtureEntry, where: string): string {
  if (e.key !== undefined) {
    if (e.key.length !== m.keySize * 2) throw new FixtureError(where, `key is ${e.key.length / 2} bytes, map ${m.name} has ${m.keySize}-byte keys`);
    return e.key;
  }
  if (m.type !== 'lpm_trie') throw new FixtureError(where, `"prefix"/"prefixLen" apply to LPM tries only; map ${m.name} is a ${m.type}`);
  const prefix = e.prefix ?? '';
  const len = e.prefixLen ?? 0;
  if (prefix.length !== (m.keySize - 4) * 2) throw new FixtureError(where, `prefix is ${prefix.length / 2} bytes, map ${m.name} needs ${m.keySize - 4}`);
  if (len > (m.keySize - 4) * 8) throw new FixtureError(where, `prefixLen ${len} is longer than the ${(m.keySize - 4) * 8}-bit prefix`);
  return lpmKeyHex(len, prefix);
}

export interface UpdateCommand {
  args: string[];
  where: string;
  /** said after the kernel's refusal */
  hint?: string;
}

const DEVICE_MAPS = new Set(['devmap', 'devmap_hash']);

/** bpftool `map update` commands for one map's fixture entries. */
export function updateCommands(m: KernelMap, entries: readonly FixtureEntry[], progPin: (name: string) => string | undefined): UpdateCommand[] {
  return entries.map((e, i) => {
    const where = `map ${m.name} entry ${i}`;
    const key = entryKey(m, e, where);
    let value: string[];
    if (e.program !== undefined) {
      if (m.type !== 'prog_array') throw new FixtureError(where, `"program" is for prog arrays; ${m.name} is a ${m.type}`);
      const pin = progPin(e.program);
      if (!pin) throw new FixtureError(where, `no program ${e.program} in the object`);
      value = ['pinned', pin];
    } else {
      const v = e.value ?? '';
      if (m.type === 'prog_array') throw new FixtureError(where, 'a prog array entry names a "program"');
      if (v.length !== m.valueSize * 2) throw new FixtureError(where, `value is ${v.length / 2} bytes, map ${m.name} has ${m.valueSize}-byte values`);
      // Per-CPU maps: bpftool copies the one value to every possible CPU.
      value = hexArgs(v);
    }
    const hint = DEVICE_MAPS.has(m.type) ? ' (devmap values are ifindexes 1-8 of the oracle\'s network namespace)' : undefined;
    return { args: ['map', 'update', 'pinned', m.pin, 'key', ...hexArgs(key), 'value', ...value], where, hint };
  });
}

/** The fixture's keys (hex) of each sparse array: what its snapshots look up. */
export function sparseFixtureKeys(maps: readonly KernelMap[], fixture: MapFixture | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of maps) {
    if (!m.sparse) continue;
    out.set(m.name, (fixture?.maps[m.name]?.entries ?? []).map((e, i) => entryKey(m, e, `map ${m.name} entry ${i}`)));
  }
  return out;
}

/** Fixture maps that name no map of the object. */
export function unknownFixtureMaps(fixture: MapFixture, known: readonly string[]): string[] {
  return Object.keys(fixture.maps).filter((n) => !known.includes(n));
}

interface DumpEntry {
  key?: string[];
  value?: string[] | { error: string };
  values?: { cpu: number; value: string[] }[];
}

function bytesHex(list: readonly string[]): string {
  let s = '';
  for (const b of list) s += b.length === 4 ? b.slice(2) : Number(b).toString(16).padStart(2, '0');
  return s;
}

/** `bpftool map lookup` commands for the given keys (hex) of a map. */
export function lookupArgs(m: KernelMap, keys: Iterable<string>): string[][] {
  return [...keys].map((k) => ['map', 'lookup', 'id', String(m.id), 'key', ...hexArgs(k)]);
}

/** Snapshot entries of a sparse array from `bpftool -j map lookup` outputs: the non-zero values. */
export function lookupEntries(outputs: readonly unknown[]): { key: string; value: string }[] {
  return dumpEntries(outputs).filter((e) => /[^0]/.test(e.value));
}

/** Snapshot entries from a `bpftool -j map dump`: sorted by key, per-CPU maps as CPU 0's value. */
export function dumpEntries(dump: unknown): { key: string; value: string }[] {
  if (!Array.isArray(dump)) return [];
  const out: { key: string; value: string }[] = [];
  for (const e of dump as DumpEntry[]) {
    if (!e.key) continue;
    let value: string | undefined;
    if (Array.isArray(e.value)) value = bytesHex(e.value);
    else if (e.values) {
      const cpu0 = e.values.find((v) => v.cpu === 0);
      if (cpu0) value = bytesHex(cpu0.value);
    }
    // entries the kernel reports as absent (devmap slots without a device) are not in the map
    if (value !== undefined) out.push({ key: bytesHex(e.key), value });
  }
  return out.sort((a, b) => compareKeys(a.key, b.key));
}

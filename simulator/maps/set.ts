// The maps of one loaded object: created from their MapDefs, filled from a fixture (sizes checked,
// errors name the map and entry), and read back as a snapshot sorted by key (docs/FIXTURES.md).

import type { MapDef } from '../../compiler/loader/types.js';
import { mapChanges } from '../engine.js';
import type { MapsSnapshot } from '../engine.js';
import { ArrayMap, ProgArray } from './array.js';
import { OpaqueMap, createMap } from './factory.js';
import type { MapOptions } from './factory.js';
import { FixtureError, bytesToHex, compareKeys, hexToBytes, lpmKeyHex } from './fixture.js';
import type { FixtureEntry, MapFixture } from './fixture.js';
import { MapMemory, SPARSE_CAP_BYTES } from './sparse.js';
import { Errno, UpdateFlag } from './types.js';
import type { BpfMap } from './types.js';

const ERRNO_NAME = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** "-E2BIG" for -7. */
function errnoName(ret: number): string {
  return `-${ERRNO_NAME.get(-ret) ?? String(-ret)}`;
}

export class MapSet {
  readonly maps: BpfMap[];
  /**
   * By map index: 1 when the map may have changed since its last snapshot. Whoever changes a map
   * sets it (map helpers; the interpreter's memory on writes into values).
   */
  readonly dirty: Uint8Array;
  private readonly byName = new Map<string, number>();
  private readonly cache: ({ key: string; value: string }[] | undefined)[];

  constructor(readonly defs: readonly MapDef[], opts: MapOptions = {}) {
    const memory = opts.memory ?? new MapMemory();
    this.maps = defs.map((d) => createMap(d, { ...opts, memory }));
    defs.forEach((d, i) => this.byName.set(d.name, i));
    this.dirty = new Uint8Array(defs.length).fill(1);
    this.cache = new Array(defs.length).fill(undefined);
  }

  index(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** Fills maps from a fixture; `program` resolves a prog-array entry's program name to its index. */
  apply(fixture: MapFixture | undefined, program: (name: string) => number | undefined): void {
    for (const [name, { entries }] of Object.entries(fixture?.maps ?? {})) {
      const i = this.byName.get(name);
      if (i === undefined)
        throw new FixtureError(`map ${name}`, `the object has no map of that name (its maps: ${this.defs.map((d) => d.name).join(', ') || 'none'})`);
      const map = this.maps[i];
      if (map instanceof OpaqueMap) throw new FixtureError(`map ${name}`, `maps of type ${map.def.type} are not modelled and cannot be filled`);
      entries.forEach((e, j) => this.applyEntry(map, e, `map ${name} entry ${j}`, program));
    }
  }

  /** Makes the maps named in `state` hold exactly its entries (EngineSession.writeMaps). */
  write(state: MapsSnapshot): void {
    for (const c of mapChanges(this.snapshot(), state)) {
      const i = this.byName.get(c.map);
      if (i === undefined) throw new FixtureError(`map ${c.map}`, 'the object has no map of that name');
      const map = this.maps[i];
      const key = hexToBytes(c.key);
      // a sparse array lists its non-zero entries: one that `state` leaves out is zero (arrays have no delete)
      const value = c.value === undefined && map instanceof ArrayMap && map.sparse ? new Uint8Array(map.def.valueSize) : c.value;
      const ret = value === undefined ? map.delete(key) : map.update(key, typeof value === 'string' ? hexToBytes(value) : value, UpdateFlag.ANY);
      if (ret !== 0) throw new FixtureError(`map ${c.map} key ${c.key}`, `the ${value === undefined ? 'delete' : 'update'} fails with ${errnoName(ret)}`);
      this.dirty[i] = 1;
    }
  }

  private applyEntry(map: BpfMap, e: FixtureEntry, where: string, program: (name: string) => number | undefined): void {
    const def = map.def;
    const key = entryKey(def, e, where);
    let ret: number;
    if (map instanceof ProgArray) {
      if (e.program === undefined) throw new FixtureError(where, 'a prog array entry names a program ("program"), not a value');
      const p = program(e.program);
      if (p === undefined) throw new FixtureError(where, `no program named ${e.program} in the object`);
      ret = map.update(key, Uint8Array.of(p & 0xff, (p >> 8) & 0xff, 0, 0), UpdateFlag.ANY);
    } else {
      if (e.value === undefined) throw new FixtureError(where, `"program" applies to prog arrays only; map ${def.name} is a ${def.type}`);
      const value = hexToBytes(e.value);
      if (value.length !== def.valueSize) throw new FixtureError(where, `value is ${value.length} bytes, the map's value size is ${def.valueSize}`);
      ret = map.update(key, value, UpdateFlag.ANY);
    }
    if (map instanceof ArrayMap && map.capReached)
      throw new FixtureError(where, `the interpreter's cap of ${SPARSE_CAP_BYTES} bytes for the values of large arrays is reached`);
    if (ret !== 0) throw new FixtureError(where, `the update fails with ${errnoName(ret)} (${def.type}, max_entries ${def.maxEntries})`);
  }

  private arrayEntries(map: ArrayMap): { key: string; value: string }[] {
    const { keys, order } = arrayOrder(map);
    return order.map((j) => ({ key: keys[j], value: bytesToHex(map.value(j)) }));
  }

  /**
   * Every map in the snapshot with all its entries, sorted by key (unchanged maps from a cache);
   * sparse arrays list only their non-zero entries.
   */
  snapshot(): MapsSnapshot {
    const out: MapsSnapshot = {};
    this.maps.forEach((map, i) => {
      if (!map.inSnapshot) return;
      let entries = this.cache[i];
      if (!entries || this.dirty[i]) {
        entries = map instanceof ArrayMap && !map.sparse ? this.arrayEntries(map) : map
          .entries()
          .map(([k, v]) => ({ key: bytesToHex(k), value: bytesToHex(v) }))
          .sort((a, b) => compareKeys(a.key, b.key));
        this.cache[i] = entries;
        this.dirty[i] = 0;
      }
      out[map.def.name] = entries;
    });
    return out;
  }
}

/** Array maps: the keys never change, so their hex and sorted order are computed once. */
const ARRAY_ORDER = new WeakMap<ArrayMap, { keys: string[]; order: number[] }>();

function arrayOrder(map: ArrayMap): { keys: string[]; order: number[] } {
  let o = ARRAY_ORDER.get(map);
  if (!o) {
    const keys = map.entries().map(([k]) => bytesToHex(k));
    const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a], keys[b]));
    ARRAY_ORDER.set(map, (o = { keys, order }));
  }
  return o;
}

function entryKey(def: MapDef, e: FixtureEntry, where: string): Uint8Array {
  let key: Uint8Array;
  if (e.key !== undefined) key = hexToBytes(e.key);
  else {
    if (def.type !== 'lpm_trie') throw new FixtureError(where, `"prefix"/"prefixLen" apply to LPM tries only; map ${def.name} is a ${def.type}`);
    const prefix = e.prefix!;
    if (prefix.length !== (def.keySize - 4) * 2)
      throw new FixtureError(where, `prefix is ${prefix.length / 2} bytes, the trie's addresses are ${def.keySize - 4}`);
    key = hexToBytes(lpmKeyHex(e.prefixLen!, prefix));
  }
  if (key.length !== def.keySize) throw new FixtureError(where, `key is ${key.length} bytes, the map's key size is ${def.keySize}`);
  return key;
}

export interface ChangedEntry {
  key: string;
  before?: string;
  after?: string;
}

/** Entries whose value differs between two snapshots (added: no before; deleted: no after). */
export function diffSnapshots(before: MapsSnapshot, after: MapsSnapshot): Record<string, ChangedEntry[]> {
  const out: Record<string, ChangedEntry[]> = {};
  for (const name of Object.keys(after)) {
    const b = new Map((before[name] ?? []).map((e) => [e.key, e.value]));
    const a = new Map(after[name].map((e) => [e.key, e.value]));
    const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
    const changed = keys.filter((k) => b.get(k) !== a.get(k)).map((k) => ({ key: k, before: b.get(k), after: a.get(k) }));
    if (changed.length) out[name] = changed;
  }
  return out;
}

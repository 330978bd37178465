// Map families with the kernel's rules: update flags and their errors, full maps, LRU eviction,
// LPM longest-prefix match (against a brute-force model), redirect maps, fixtures and snapshots.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMap } from '../../simulator/maps/factory.js';
import { FixtureError } from '../../simulator/maps/fixture.js';
import type { LruHashMap } from '../../simulator/maps/hash.js';
import { MapSet, diffSnapshots } from '../../simulator/maps/set.js';
import { Errno, UpdateFlag, u32Key } from '../../simulator/maps/types.js';
import { mapDef } from '../interpreter/objects.js';

const { ANY, NOEXIST, EXIST, F_LOCK } = UpdateFlag;
const k = u32Key;
const v8 = (n: number) => Uint8Array.of(n, 0, 0, 0, 0, 0, 0, 0);

describe('array and per-CPU array', () => {
  for (const type of ['array', 'percpu_array'] as const) {
    it(`${type}: every index exists, updates in place, no delete`, () => {
      const m = createMap(mapDef('a', type, 4, 8, 4));
      expect(m.lookup(k(3))).toEqual(v8(0));
      expect(m.lookup(k(4))).toBeUndefined();
      const p = m.lookup(k(1))!;
      expect(m.update(k(1), v8(9), ANY)).toBe(0);
      expect(p).toEqual(v8(9));
      expect(m.update(k(1), v8(1), EXIST)).toBe(0);
      expect(m.update(k(1), v8(1), NOEXIST)).toBe(-Errno.EEXIST);
      expect(m.update(k(4), v8(1), NOEXIST)).toBe(-Errno.E2BIG); // the index check comes first
      expect(m.update(k(1), v8(1), 3)).toBe(-Errno.EINVAL);
      expect(m.update(k(1), v8(1), F_LOCK)).toBe(-Errno.EINVAL);
      expect(m.update(k(1), v8(1), -1)).toBe(-Errno.EINVAL);
      expect(m.delete(k(1))).toBe(-Errno.EINVAL);
      expect(m.entries().length).toBe(4);
    });
  }

  it('global data: the initial section contents; BPF_F_RDONLY_PROG is read-only for programs', () => {
    const m = createMap(mapDef('.rodata', 'array', 4, 3, 1, { flags: 0x80, initial: Uint8Array.of(1, 2, 3) }));
    expect(m.lookup(k(0))).toEqual(Uint8Array.of(1, 2, 3));
    expect(m.access).toMatchObject({ update: false, writableValues: false });
  });
});

describe('hash and per-CPU hash', () => {
  it('NOEXIST / EXIST / ANY, full map, delete', () => {
    const m = createMap(mapDef('h', 'hash', 4, 8, 2));
    expect(m.update(k(1), v8(1), EXIST)).toBe(-Errno.ENOENT);
    expect(m.update(k(1), v8(1), NOEXIST)).toBe(0);
    expect(m.update(k(1), v8(2), NOEXIST)).toBe(-Errno.EEXIST);
    expect(m.update(k(2), v8(2), ANY)).toBe(0);
    expect(m.update(k(3), v8(3), ANY)).toBe(-Errno.E2BIG);
    expect(m.update(k(2), v8(5), EXIST)).toBe(0); // replacing works when full
    expect(m.update(k(2), v8(5), F_LOCK)).toBe(-Errno.EINVAL);
    expect(m.update(k(2), v8(5), 4 | 3)).toBe(-Errno.EINVAL);
    expect(m.delete(k(3))).toBe(-Errno.ENOENT);
    expect(m.delete(k(1))).toBe(0);
    expect(m.lookup(k(1))).toBeUndefined();
    expect(m.update(k(3), v8(3), ANY)).toBe(0);
  });

  it('an update gives a hash entry a new value (an old pointer keeps the old one); per-CPU updates in place', () => {
    const h = createMap(mapDef('h', 'hash', 4, 8, 2));
    const p = createMap(mapDef('p', 'percpu_hash', 4, 8, 2));
    for (const m of [h, p]) m.update(k(1), v8(1), ANY);
    const [hv, pv] = [h.lookup(k(1))!, p.lookup(k(1))!];
    for (const m of [h, p]) m.update(k(1), v8(2), ANY);
    expect(hv).toEqual(v8(1));
    expect(pv).toEqual(v8(2));
  });

  it('behaves as a model map under random operations', () =>
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('update', 'delete'), fc.integer({ min: 0, max: 6 }), fc.constantFrom(ANY, NOEXIST, EXIST))), (ops) => {
      const m = createMap(mapDef('h', 'hash', 4, 8, 4));
      const model = new Map<number, number>();
      ops.forEach(([op, key, flags], i) => {
        if (op === 'delete') {
          expect(m.delete(k(key))).toBe(model.delete(key) ? 0 : -Errno.ENOENT);
          return;
        }
        const has = model.has(key);
        const want = has && flags === NOEXIST ? -Errno.EEXIST : !has && flags === EXIST ? -Errno.ENOENT : !has && model.size >= 4 ? -Errno.E2BIG : 0;
        expect(m.update(k(key), v8(i & 0xff), flags)).toBe(want);
        if (want === 0) model.set(key, i & 0xff);
      });
      for (let key = 0; key <= 6; key++) expect(m.lookup(k(key))).toEqual(model.has(key) ? v8(model.get(key)!) : undefined);
    })));
});

describe('LRU hash (the kernel LRU lists; tests/maps/lru.kernel.test.ts compares with the kernel)', () => {
  const lru = (max: number, inserts: number, cpus = 2) => {
    const m = createMap(mapDef('l', 'lru_hash', 4, 4, max), { possibleCpus: cpus }) as LruHashMap;
    for (let i = 1; i <= inserts; i++) expect(m.update(k(i), k(i), ANY)).toBe(0);
    return { m, keys: m.entries().map(([key]) => key[0] | (key[1] << 8)).sort((a, b) => a - b) };
  };

  it('evicts the oldest unreferenced entries in batches of target_free (max_entries / CPUs / 2)', () => {
    expect(lru(8, 8).keys).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lru(8, 9).keys).toEqual([3, 4, 5, 6, 7, 8, 9]); // as this kernel with 2 possible CPUs
    expect(lru(8, 12).keys).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('can evict before the map is full (CPU 0 refills its free list 128 nodes at a time)', () => {
    const { m, keys } = lru(1000, 1000);
    expect(keys.length).toBe(976);
    expect(keys[0]).toBe(25);
    expect(m.evictions).toBe(24);
  });

  it('a referenced entry (a program lookup) gets a second chance', () => {
    const m = createMap(mapDef('l', 'lru_hash', 4, 4, 8), { possibleCpus: 2 }) as LruHashMap;
    for (let i = 1; i <= 8; i++) m.update(k(i), k(i), ANY);
    m.lookup(k(1));
    m.update(k(9), k(9), ANY);
    expect(m.lookup(k(1))).toBeDefined();
    expect(m.lookup(k(2))).toBeUndefined();
  });

  it('flags: NOEXIST/EXIST errors; F_LOCK is invalid', () => {
    const { m } = lru(8, 3);
    expect(m.update(k(9), k(9), EXIST)).toBe(-Errno.ENOENT);
    expect(m.update(k(3), k(9), NOEXIST)).toBe(-Errno.EEXIST);
    expect(m.update(k(3), k(9), F_LOCK)).toBe(-Errno.EINVAL);
    expect(m.delete(k(3))).toBe(0);
    expect(m.delete(k(3))).toBe(-Errno.ENOENT);
  });
});

describe('LPM trie', () => {
  const key = (len: number, ...addr: number[]) => Uint8Array.of(len, 0, 0, 0, ...addr);

  it('longest prefix wins; bits past the prefix do not matter; errors', () => {
    const m = createMap(mapDef('t', 'lpm_trie', 8, 4, 3, { flags: 1 }));
    expect(m.update(key(8, 10, 0, 0, 0), Uint8Array.of(8, 0, 0, 0), ANY)).toBe(0);
    expect(m.update(key(24, 10, 1, 2, 99), Uint8Array.of(24, 0, 0, 0), ANY)).toBe(0);
    expect(m.update(key(0, 0, 0, 0, 0), Uint8Array.of(0, 0, 0, 0), ANY)).toBe(0);
    expect(m.lookup(key(32, 10, 1, 2, 3))?.[0]).toBe(24);
    expect(m.lookup(key(32, 10, 1, 3, 3))?.[0]).toBe(8);
    expect(m.lookup(key(32, 11, 0, 0, 0))?.[0]).toBe(0);
    expect(m.lookup(key(16, 10, 1, 2, 3))?.[0]).toBe(8); // a shorter lookup prefix ignores longer entries
    expect(m.update(key(24, 10, 1, 2, 0), Uint8Array.of(1, 0, 0, 0), NOEXIST)).toBe(-Errno.EEXIST);
    expect(m.update(key(16, 10, 1, 0, 0), Uint8Array.of(1, 0, 0, 0), EXIST)).toBe(-Errno.ENOENT);
    expect(m.update(key(16, 10, 1, 0, 0), Uint8Array.of(1, 0, 0, 0), ANY)).toBe(-Errno.ENOSPC);
    expect(m.update(key(33, 10, 1, 0, 0), Uint8Array.of(1, 0, 0, 0), ANY)).toBe(-Errno.EINVAL);
    expect(m.update(key(8, 10, 0, 0, 0), Uint8Array.of(1, 0, 0, 0), 3)).toBe(-Errno.EINVAL);
    expect(m.delete(key(33, 0, 0, 0, 0))).toBe(-Errno.EINVAL);
    expect(m.delete(key(16, 10, 1, 0, 0))).toBe(-Errno.ENOENT);
    expect(m.delete(key(24, 10, 1, 2, 7))).toBe(0);
    expect(m.lookup(key(32, 10, 1, 2, 3))?.[0]).toBe(8);
  });

  it('agrees with a brute-force longest-prefix match', () =>
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 20 }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 20 }),
      (prefixes, lookups) => {
        const m = createMap(mapDef('t', 'lpm_trie', 6, 4, 100));
        const model: [number, number, number][] = [];
        prefixes.forEach(([len, addr], i) => {
          const masked = len === 0 ? 0 : addr & (0xffff << (16 - len)) & 0xffff;
          m.update(key(len, addr >> 8, addr & 0xff), Uint8Array.of(i, 0, 0, 0), ANY);
          const old = model.findIndex(([l, a]) => l === len && a === masked);
          if (old >= 0) model.splice(old, 1);
          model.push([len, masked, i]);
        });
        for (const a of lookups) {
          const best = model.filter(([l, p]) => l === 0 || (a & (0xffff << (16 - l)) & 0xffff) === p).sort((x, y) => y[0] - x[0])[0];
          expect(m.lookup(key(16, a >> 8, a & 0xff))?.[0]).toBe(best?.[2]);
        }
      })));
});

describe('redirect maps and prog arrays', () => {
  it('devmap: user-space rules; only set entries are listed', () => {
    const m = createMap(mapDef('d', 'devmap', 4, 4, 4));
    expect(m.update(k(1), k(5), ANY)).toBe(0);
    expect(m.update(k(1), k(5), NOEXIST)).toBe(-Errno.EEXIST);
    expect(m.update(k(4), k(5), ANY)).toBe(-Errno.E2BIG);
    expect(m.update(k(1), k(5), 3)).toBe(-Errno.EINVAL);
    expect(m.entries()).toEqual([[k(1), k(5)]]);
    expect(m.delete(k(9))).toBe(-Errno.EINVAL);
    expect(m.delete(k(2))).toBe(0);
    expect(m.access).toMatchObject({ lookup: true, update: false, writableValues: false });
  });

  it('devmap: ifindex 0 empties the slot, and with a program fd is invalid (the kernel\'s __dev_map_update_elem)', () => {
    const m = createMap(mapDef('d', 'devmap', 4, 8, 4));
    const val = (ifindex: number, fd: number) => Uint8Array.from([...k(ifindex), ...k(fd)]);
    expect(m.update(k(1), val(5, 0), ANY)).toBe(0);
    expect(m.update(k(1), val(0, 3), ANY)).toBe(-Errno.EINVAL);
    expect(m.lookup(k(1))).toEqual(val(5, 0));
    expect(m.update(k(1), val(0, 0), ANY)).toBe(0);
    expect(m.lookup(k(1))).toBeUndefined();
    expect(m.entries()).toEqual([]);
  });

  it('cpumap: qsize 0 deletes, qsize > 16384 overflows', () => {
    const m = createMap(mapDef('c', 'cpumap', 4, 4, 2));
    expect(m.update(k(0), k(192), ANY)).toBe(0);
    expect(m.update(k(0), k(16385), ANY)).toBe(-Errno.EOVERFLOW);
    expect(m.update(k(0), k(0), ANY)).toBe(0);
    expect(m.lookup(k(0))).toBeUndefined();
  });

  it('xskmap: NOEXIST/EXIST checked, not in snapshots', () => {
    const m = createMap(mapDef('x', 'xskmap', 4, 4, 2));
    expect(m.update(k(0), k(3), EXIST)).toBe(-Errno.ENOENT);
    expect(m.update(k(0), k(3), NOEXIST)).toBe(0);
    expect(m.update(k(0), k(3), NOEXIST)).toBe(-Errno.EEXIST);
    expect(m.inSnapshot).toBe(false);
  });

  it('devmap_hash: EXIST on a missing key is accepted, a full map refuses', () => {
    const m = createMap(mapDef('dh', 'devmap_hash', 4, 4, 1));
    expect(m.update(k(7), k(2), EXIST)).toBe(0);
    expect(m.update(k(8), k(2), ANY)).toBe(-Errno.E2BIG);
    expect(m.update(k(7), k(2), NOEXIST)).toBe(-Errno.EEXIST);
  });

  it('devmap_hash: an ifindex of 0 is invalid (the kernel\'s __dev_map_hash_update_elem)', () => {
    const m = createMap(mapDef('dh', 'devmap_hash', 4, 4, 2));
    expect(m.update(k(7), k(0), ANY)).toBe(-Errno.EINVAL);
    expect(m.entries()).toEqual([]);
  });

  it('prog array: only BPF_ANY; not in snapshots', () => {
    const m = createMap(mapDef('j', 'prog_array', 4, 4, 2));
    expect(m.update(k(0), k(1), NOEXIST)).toBe(-Errno.EINVAL);
    expect(m.update(k(2), k(1), ANY)).toBe(-Errno.E2BIG);
    expect(m.delete(k(0))).toBe(-Errno.ENOENT);
    expect(m.inSnapshot).toBe(false);
  });
});

describe('fixtures and snapshots', () => {
  const defs = [mapDef('flows', 'hash', 4, 8, 2), mapDef('routes', 'lpm_trie', 8, 4, 8, { flags: 1 }), mapDef('jmp', 'prog_array', 4, 4, 2),
    mapDef('.bss', 'array', 4, 4, 1, { initial: new Uint8Array(4) }), mapDef('ring', 'ringbuf', 0, 0, 4096)];
  const apply = (maps: object) => {
    const s = new MapSet(defs);
    s.apply({ maps } as never, (n) => (n === 'p' ? 0 : undefined));
    return s;
  };
  const err = (maps: object) => {
    try {
      apply(maps);
    } catch (e) {
      expect(e).toBeInstanceOf(FixtureError);
      return (e as Error).message;
    }
    throw new Error('no FixtureError');
  };

  it('fills maps and lists them sorted by key, leaving out prog arrays and unmodelled maps', () => {
    const s = apply({
      flows: { entries: [{ key: '02000000', value: '0200000000000000' }, { key: '01000000', value: '0100000000000000' }] },
      routes: { entries: [{ prefix: '0a000000', prefixLen: 8, value: '01000000' }] },
      jmp: { entries: [{ key: '00000000', program: 'p' }] },
      '.bss': { entries: [{ key: '00000000', value: '2a000000' }] },
    });
    expect(s.snapshot()).toEqual({
      flows: [{ key: '01000000', value: '0100000000000000' }, { key: '02000000', value: '0200000000000000' }],
      routes: [{ key: '080000000a000000', value: '01000000' }],
      '.bss': [{ key: '00000000', value: '2a000000' }],
    });
  });

  it('errors name the map and the entry', () => {
    expect(err({ nope: { entries: [] } })).toMatch(/map nope: the object has no map of that name/);
    expect(err({ flows: { entries: [{ key: '0100', value: '0100000000000000' }] } })).toMatch(/map flows entry 0: key is 2 bytes, the map's key size is 4/);
    expect(err({ flows: { entries: [{ key: '01000000', value: '01' }] } })).toMatch(/map flows entry 0: value is 1 bytes/);
    expect(err({ flows: { entries: [1, 2, 3].map((i) => ({ key: `0${i}000000`, value: '0000000000000000' })) } })).toMatch(/map flows entry 2: the update fails with -E2BIG/);
    expect(err({ routes: { entries: [{ prefix: '0a00', prefixLen: 8, value: '01000000' }] } })).toMatch(/prefix is 2 bytes/);
    expect(err({ jmp: { entries: [{ key: '00000000', program: 'q' }] } })).toMatch(/no program named q/);
    expect(err({ jmp: { entries: [{ key: '00000000', value: '00000000' }] } })).toMatch(/names a program/);
    expect(err({ ring: { entries: [] } })).toMatch(/maps of type ringbuf are not modelled/);
  });

  it('diffSnapshots lists changed, added and deleted entries', () => {
    const before = { m: [{ key: '01', value: 'aa' }, { key: '02', value: 'bb' }] };
    const after = { m: [{ key: '01', value: 'ab' }, { key: '03', value: 'cc' }] };
    expect(diffSnapshots(before, after)).toEqual({ m: [{ key: '01', before: 'aa', after: 'ab' }, { key: '02', before: 'bb', after: undefined }, { key: '03', before: undefined, after: 'cc' }] });
  });
});

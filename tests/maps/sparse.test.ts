// Large arrays (issue 10 item 1): sized like the kernel's, allocated on first touch, listed by their
// non-zero entries, and bounded by a cap on the bytes actually allocated, which a program that
// touches too much meets as an 'out-of-memory' trap (never a heap exhaustion).
import { describe, expect, it } from 'vitest';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { ArrayMap } from '../../simulator/maps/array.js';
import { createMap } from '../../simulator/maps/factory.js';
import { MapSet } from '../../simulator/maps/set.js';
import { MapMemory, SPARSE_CAP_BYTES, isSparseArray } from '../../simulator/maps/sparse.js';
import { Errno, UpdateFlag, u32Key } from '../../simulator/maps/types.js';
import { mapDef, object, program, udpPacket } from '../interpreter/objects.js';

const KATRAN = 33_554_944;
const v4 = (n: number) => Uint8Array.of(n, 0, 0, 0);

describe('hashes sized like the kernel\'s', () => {
  it('an LRU hash of 8,000,000 entries (Katran\'s default) creates the nodes it uses, not max_entries of them', () => {
    const before = process.memoryUsage().heapUsed;
    const m = createMap(mapDef('lru', 'lru_hash', 4, 8, 8_000_000), { possibleCpus: 2 });
    for (let i = 0; i < 1000; i++) expect(m.update(u32Key(i), new Uint8Array(8).fill(1), UpdateFlag.ANY)).toBe(0);
    expect(m.entries()).toHaveLength(1000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 << 20);
  });
});

describe('sparse arrays', () => {
  it('the rule: arrays above 1024 entries or 1 MiB of values; other map types never', () => {
    expect(isSparseArray({ type: 'array', maxEntries: 1024, valueSize: 1024 })).toBe(false);
    expect(isSparseArray({ type: 'array', maxEntries: 1025, valueSize: 4 })).toBe(true);
    expect(isSparseArray({ type: 'percpu_array', maxEntries: 2, valueSize: 1 << 20 })).toBe(true);
    expect(isSparseArray({ type: 'hash', maxEntries: KATRAN, valueSize: 4 })).toBe(false);
  });

  it('a 33,554,944-entry array: every index exists and reads zero, only touched values are allocated', () => {
    const m = new ArrayMap(mapDef('ch_rings', 'array', 4, 4, KATRAN));
    expect(m.sparse).toBe(true);
    expect(m.lookup(u32Key(KATRAN - 1))).toEqual(v4(0));
    expect(m.lookup(u32Key(KATRAN))).toBeUndefined();
    expect(m.update(u32Key(KATRAN), v4(1), UpdateFlag.ANY)).toBe(-Errno.E2BIG);
    expect(m.update(u32Key(5 * 65537), v4(7), UpdateFlag.ANY)).toBe(0);
    const p = m.lookup(u32Key(5 * 65537))!;
    expect(p).toEqual(v4(7));
    p[0] = 9; // a program's write through the pointer lands in the map
    expect(m.entries().map(([k, v]) => [Array.from(k), Array.from(v)])).toEqual([[[5, 0, 5, 0], [9, 0, 0, 0]]]);
    expect(m.update(u32Key(100), v4(0), UpdateFlag.ANY)).toBe(0); // zeros: nothing to allocate
  });

  it('snapshots list non-zero entries only, sorted by key; small arrays stay whole', () => {
    const set = new MapSet([mapDef('big', 'array', 4, 4, KATRAN), mapDef('small', 'array', 4, 4, 3)]);
    set.apply({ maps: { big: { entries: [{ key: '10000000', value: '01000000' }, { key: '02000000', value: '02000000' }, { key: '03000000', value: '00000000' }] } } }, () => undefined);
    set.maps[0].lookup(u32Key(99)); // touched, still zero: not listed
    const snap = set.snapshot();
    expect(snap.big).toEqual([{ key: '02000000', value: '02000000' }, { key: '10000000', value: '01000000' }]);
    expect(snap.small).toHaveLength(3);
  });

  it('the cap counts allocated bytes: past it a lookup gives nothing and an update -ENOMEM, flagged as the cap', () => {
    const m = new ArrayMap(mapDef('a', 'array', 4, 4000, 1 << 20), new MapMemory(4 * 4096));
    for (let i = 0; i < 4; i++) expect(m.lookup(u32Key(i))).toBeDefined();
    expect(m.lookup(u32Key(4))).toBeUndefined();
    expect(m.capReached).toBe(true);
    expect(m.lookup(u32Key(1))).toBeDefined(); // allocated values stay reachable
    expect(m.capReached).toBe(false);
    expect(m.update(u32Key(5), new Uint8Array(4000).fill(1), UpdateFlag.ANY)).toBe(-Errno.ENOMEM);
  });

  it('a program touching more than the cap traps out-of-memory naming the map (was: heap exhaustion)', () => {
    // 64 KiB values: r6 counts indexes up; every lookup allocates one
    const maps = [mapDef('huge', 'array', 4, 0x10000, 0x10000000)];
    const prog = program('p', `
      mov %r6, 0
      loop:
      stxw [%r10-4], %r6
      lddw %r1, map:huge
      mov %r2, %r10
      add %r2, -4
      call 1
      add %r6, 1
      jne %r0, 0, loop
      mov %r0, 2
      exit`, maps);
    const s = new InterpreterSession(object([prog], maps), 'p', undefined);
    const r = s.runSync({ packet: udpPacket() });
    expect(r.trap?.kind).toBe('out-of-memory');
    expect(r.trap?.message).toContain(`bpf_map_lookup_elem on map huge: the values of large arrays have reached the interpreter's cap of ${SPARSE_CAP_BYTES} bytes`);
  });
});

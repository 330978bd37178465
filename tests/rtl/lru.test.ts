// The RTL hash unit's LRU engine (hdl-templates/xdp2hw_hashmap.v, isa/hashmap.ts) against the
// TypeScript core on the LRU stress case (lru-case.ts: LRU maps of 16 and 4 filled far past
// max_entries, with lookups, replacements, deletes and refills): results, maps (the RTL engine
// replays each LRU call on the kernel's model and checks the keys the hardware kept) and cycles;
// the engine's cycle counts (KernelLru ticks); verilator -Wall on its design.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitVerilog, HDL_MODULES, SYNTH_TOP, writeDesign } from '../../compiler/emit/verilog/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { hashUnitFiles, hostPossibleCpus, LRU_MOVE_CYCLES, lruPerCpuNodes, lruPopWorstCycles, lruTargetFree, XDP2HW } from '../../isa/index.js';
import { createMap } from '../../simulator/maps/factory.js';
import type { LruHashMap } from '../../simulator/maps/hash.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { mapDef } from '../interpreter/objects.js';
import { cosimCase, sessions } from './case.js';
import { lruStressCase } from './lru-case.js';

describe('the LRU engine\'s rules', () => {
  it('counts the cycles of taking a node as the engine spends them (KernelLru ticks)', () => {
    const m = createMap(mapDef('l', 'lru_hash', 4, 4, 16), { possibleCpus: 2 }) as LruHashMap;
    const key = (i: number) => Uint8Array.of(i, 0, 0, 0);
    expect(lruTargetFree(16, 2)).toBe(4);
    // the first update: local free list empty (1), pending flush ends at once (1), rotation choice (1),
    // inactive rotation on an empty list (1), a batch of 4 moves from the free list (3 each) and its
    // end (1), the take (a move: 3)
    expect(LRU_MOVE_CYCLES).toBe(3);
    expect(m.update(key(1), new Uint8Array(4), 0)).toBe(0);
    expect(m.lastUpdate.ticks).toBe(20);
    // the next three come from the local free list: its check and the take
    for (let i = 2; i <= 4; i++) {
      expect(m.update(key(i), new Uint8Array(4), 0)).toBe(0);
      expect(m.lastUpdate.ticks).toBe(4);
    }
    // invalid flags take no node
    expect(m.update(key(9), new Uint8Array(4), 7)).toBe(-22);
    expect(m.lastUpdate.ticks).toBe(0);
    let most = 0;
    for (let i = 5; i <= 40; i++) {
      m.update(key(i), new Uint8Array(4), 0);
      most = Math.max(most, m.lastUpdate.ticks);
    }
    expect(m.evictions).toBeGreaterThan(0);
    expect(most).toBeGreaterThan(10); // batches that shrink the inactive list
  });

  it('never takes more cycles than lruPopWorstCycles (common and per-CPU lists): the local free and pending lists hold target_free nodes at most', () => {
    for (const [entries, cpus, flags] of [[16, 2, 0], [4, 2, 0], [300, 1, 0], [64, 8, 0], [16, 2, 2], [64, 4, 2]]) {
      const m = createMap(mapDef('l', 'lru_hash', 4, 4, entries, { flags }), { possibleCpus: cpus }) as LruHashMap;
      const target = lruTargetFree(entries, cpus);
      let s = entries * 7919 + cpus;
      const rnd = (n: number) => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return (s >>> 8) % n;
      };
      let most = 0;
      for (let i = 0; i < 4000; i++) {
        const key = Uint8Array.of(rnd(3 * entries) & 0xff, rnd(3 * entries) >> 8, 0, 0);
        const r = rnd(10);
        if (r < 4) m.lookup(key);
        else if (r < 8) {
          m.update(key, new Uint8Array(4), rnd(10) < 8 ? 0 : rnd(3));
          most = Math.max(most, m.lastUpdate.ticks);
        } else m.delete(key);
        const [, , , localFree, pending] = m.lru.sizes();
        expect(localFree + pending).toBeLessThanOrEqual(target);
      }
      expect(m.evictions, `${entries} entries`).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(lruPopWorstCycles(entries));
    }
  });

  it('writes an LRU map\'s lists into the hash unit\'s image (heads, links, counts, rotation)', () => {
    const size = { nodes: 4, buckets: 4, keyBits: 64, maps: 1 };
    const place = { node: 0, bucket: 0, bits: 2, maxEntries: 4, keySize: 4, lru: { targetFree: 1 } };
    const f = hashUnitFiles(size, [place], [[Uint8Array.of(1, 0, 0, 0)]], [{ lists: [[0], [], [], [1], []], refs: new Set([0]), counts: [1, 0], rotation: -1 }]);
    const rows = (name: string) => f[name].trim().split('\n').map((x) => parseInt(x, 16));
    // list nodes: 1-4 the map's nodes (rows 1-4 of the node memories), 5-9 its heads (active,
    // inactive, free, local free, local pending), whose first and last nodes are registers
    const next = rows('lru_next.hex'), prev = rows('lru_prev.hex'), meta = rows('lru_meta.hex');
    const first = rows('lru_first.hex'), last = rows('lru_last.hex');
    expect([next.length, prev.length, meta.length, first.length, last.length]).toEqual([5, 5, 5, 5, 5]);
    expect([first[0], last[0]]).toEqual([1, 1]); // active: node 0
    expect([next[1], prev[1]]).toEqual([5, 5]);
    expect(meta[1]).toBe(8); // active, referenced
    expect([first[1], last[1]]).toEqual([6, 6]); // inactive: empty
    expect([first[2], next[3], next[4], last[2]]).toEqual([3, 4, 7, 4]); // free: nodes 2, 3 (in no list: appended)
    expect([first[3], next[2]]).toEqual([2, 8]); // local free: node 1
    expect(f['lru_tf.hex'].trim()).toBe('01');
    expect(parseInt(f['lru_rot.hex'].trim(), 16)).toBe(6); // the inactive head
  });

  it('holds CPU 0\'s lists of an LRU map with per-CPU lists (BPF_F_NO_COMMON_LRU): its share of the nodes, none local', () => {
    const c = lruStressCase(1);
    const p = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    const d = emitVerilog(p, XDP2HW, c.obj);
    const at = c.obj.maps.findIndex((m) => m.name === 'pcpu');
    expect(d.layout.maps[at].hash?.lru).toEqual({ targetFree: lruTargetFree(8, hostPossibleCpus()), perCpuNodes: lruPerCpuNodes(8, hostPossibleCpus()) });
    expect(d.files['lru_pcpu.hex'].trim().split('\n').map(Number)).toEqual(c.obj.maps.map((m) => (m.name === 'pcpu' ? 1 : 0)));
    // the free list holds CPU 0's nodes only: 8 entries over 2 CPUs, 4
    const size = { nodes: 8, buckets: 8, keyBits: 64, maps: 1 };
    const place = { node: 0, bucket: 0, bits: 3, maxEntries: 8, keySize: 4, lru: { targetFree: 2, perCpuNodes: 4 } };
    const f = hashUnitFiles(size, [place], [[]]);
    const rows = (name: string) => f[name].trim().split('\n').map((x) => parseInt(x, 16));
    const next = rows('lru_next.hex'), first = rows('lru_first.hex');
    const free: number[] = [];
    for (let n = first[2]; n !== 11; n = next[n]) free.push(n);
    expect(free).toEqual([1, 2, 3, 4]);
  });
});

describe.skipIf(needs(toolMissing('iverilog'), toolMissing('vvp')))('RTL LRU engine co-simulation in Icarus', () => {
  it('lru_stress, 2 lanes: equal to the TypeScript core, maps and cycles included', async () => {
    const c = lruStressCase();
    expect(c.inputs.length).toBeGreaterThanOrEqual(300);
    const s = await cosimCase(c, XDP2HW, 2, 'icarus');
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(c.inputs.length);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBe(0);
  }, 240_000);

  it('gives the kernel\'s results: EEXIST, ENOENT, EINVAL, and misses for the evicted keys', async () => {
    const c = lruStressCase();
    const { rtl } = await sessions(c, XDP2HW, 2, 'icarus');
    const runs = await rtl.runBatch(c.inputs.slice(0, 80));
    const r = runs.map((x) => (x instanceof Error ? NaN : (x.result.packet[32] << 24) >> 24));
    expect(r.slice(0, 4)).toEqual([102, -17, -2, -22]);
    // the 30 lookups after filling 24 keys (with 12 lookups between) into 16 nodes holding 3 of the fixture:
    // some keys evicted, many kept (their tags' low bytes)
    const survivors = r.slice(40, 70);
    expect(survivors.filter((x) => x === -1).length).toBeGreaterThan(5);
    expect(survivors.filter((x) => x !== -1).length).toBeGreaterThan(8);
  }, 240_000);
});

describe.skipIf(needs(toolMissing('verilator')))('verilator --lint-only -Wall on a design with LRU maps', () => {
  it('lru_stress, 2 lanes: no warning, no error', () => {
    const c = lruStressCase(1);
    const p = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    const out = join(mkdtempSync(join(tmpdir(), 'xdp2hw-lint-')), 'd');
    writeDesign(emitVerilog(p, XDP2HW, c.obj), out);
    const r = spawnSync('verilator', ['--lint-only', '-Wall', '-I.', '--top-module', SYNTH_TOP, ...HDL_MODULES, `${SYNTH_TOP}.v`], { cwd: out, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

// The RTL hash unit (hdl-templates/xdp2hw_hashmap.v) against the TypeScript core on the hash-map
// stress case (hash-case.ts: a 16-entry map filled through one chain, overflowed, probed at every
// depth, emptied and refilled; a per-CPU hash too): results, maps and cycles; its walk rules
// (isa/hashmap.ts); and verilator -Wall on its design.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitVerilog, HDL_MODULES, SYNTH_TOP, writeDesign } from '../../compiler/emit/verilog/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { CORE_PRESETS, hashBucket, hashBucketBits, hashOpCycles, hashTableImage, hashWalkSteps, XDP2HW } from '../../isa/index.js';
import { CoreEngine } from '../../simulator/core/engine.js';
import { cosimulate } from '../../simulator/cosim.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { cosimCase, sessions } from './case.js';
import { collidingKeys, hashStressCase } from './hash-case.js';

describe('the hash unit\'s rules (isa/hashmap.ts)', () => {
  it('sizes buckets to max_entries and walks a chain in insertion order', () => {
    expect([1, 2, 3, 16, 17, 1024].map(hashBucketBits)).toEqual([0, 1, 2, 4, 5, 10]);
    const keys = collidingKeys(4);
    expect(new Set(keys.map((k) => hashBucket(k, 4))).size).toBe(1);
    expect(keys.map((k) => hashWalkSteps(keys, k, 12, 4))).toEqual([1, 2, 3, 4]);
    expect(hashWalkSteps(keys.slice(0, 2), keys[3], 12, 4)).toBe(2); // a miss walks the whole chain
    const img = hashTableImage(keys.slice(0, 2), 4, 12, 4);
    const b = hashBucket(keys[0], 4);
    expect(img.head[b]).toBe(1);
    expect([...img.next]).toEqual([2, 0, 4, 0]); // key 0 → key 1; free list 2 → 3
    expect(img.free).toBe(3);
  });

  it('charges a lookup its key beats and nodes, an update its value beats too', () => {
    const l = XDP2HW.latency;
    expect(hashOpCycles(XDP2HW, 1, 12, 24, 3)).toBe(l.helperCall + l.mapLookup.hash + 2 + 3);
    expect(hashOpCycles(XDP2HW, 3, 12, 24, 3)).toBe(l.helperCall + l.mapLookup.hash + 2 + 3 + 1);
    expect(hashOpCycles(XDP2HW, 2, 12, 24, 0)).toBe(l.helperCall + l.mapLookup.hash + 2 + 1 + 3);
  });

  it('refuses hash maps on a core whose hash maps do not walk chains (the hxdp preset)', () => {
    const c = hashStressCase();
    const p = scheduleObject(c.obj, c.program, { core: CORE_PRESETS.hxdp, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    expect(() => emitVerilog(p, CORE_PRESETS.hxdp, c.obj)).toThrow(/map table: .*the RTL hash unit needs latency.hashWalk/);
  });
});

describe.skipIf(needs(toolMissing('iverilog'), toolMissing('vvp')))('RTL hash unit co-simulation in Icarus', () => {
  it('hash_stress, 2 lanes: equal to the TypeScript core, maps and cycles included', async () => {
    const c = hashStressCase();
    expect(c.inputs.length).toBeGreaterThanOrEqual(100);
    const s = await cosimCase(c, XDP2HW, 2, 'icarus');
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(c.inputs.length);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBe(0);
  });

  it('gives the kernel\'s results: EEXIST, ENOENT, EINVAL, E2BIG (ENOSPC for the LPM trie) when full, longest prefixes', async () => {
    const c = hashStressCase();
    const { rtl } = await sessions(c, XDP2HW, 2, 'icarus');
    const runs = await rtl.runBatch(c.inputs);
    const r = runs.map((x) => (x instanceof Error ? NaN : (x.result.packet[32] << 24) >> 24));
    expect(r.slice(0, 4)).toEqual([101, -17, -2, -22]);
    expect(r.slice(4, 18)).toEqual(new Array(14).fill(0)); // filled to max_entries
    expect(r.slice(18, 20)).toEqual([-7, -7]); // full: E2BIG, in the chain's bucket and another
    expect(r.filter((x) => x === -7).length).toBe(5); // and once after the refill, twice in the per-CPU map of 4 (its fixture key + 3)
    // the LPM trie: fixture /8, no route, four inserts, EEXIST, ENOENT, EINVAL, longest matches /32 /24 /16 /8 /0,
    // three more to 8 entries, ENOSPC, a rewrite, ...
    expect(r.slice(105, 123)).toEqual([8, -1, 0, 0, 0, 0, -17, -2, -22, 32, 24, 16, 8, 1, 0, 0, 0, -28]);
  });

  it('sees a timing difference: a TypeScript core that does not walk chains mismatches in cycles only', async () => {
    const c = hashStressCase();
    const noWalk = { ...XDP2HW, latency: { ...XDP2HW.latency, hashWalk: false } };
    const schedule = () => scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    const ts = await new CoreEngine({ schedule, core: noWalk }).open(c.obj, c.program, c.fixture);
    const { rtl } = await sessions(c, XDP2HW, 2, 'icarus');
    const s = await cosimulate(ts, rtl, 'icarus', c.inputs);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBeGreaterThan(50);
  });
});

describe.skipIf(needs(toolMissing('verilator')))('verilator --lint-only -Wall on a design with the hash unit', () => {
  it('hash_stress, 2 lanes: no warning, no error', () => {
    const c = hashStressCase();
    const p = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    const out = join(mkdtempSync(join(tmpdir(), 'xdp2hw-lint-')), 'd');
    writeDesign(emitVerilog(p, XDP2HW, c.obj), out);
    const r = spawnSync('verilator', ['--lint-only', '-Wall', '-I.', '--top-module', SYNTH_TOP, ...HDL_MODULES, `${SYNTH_TOP}.v`], { cwd: out, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

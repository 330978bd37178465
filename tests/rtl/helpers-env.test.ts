// The RTL's clock, generator and CPU id (bpf_ktime_get_ns, bpf_get_prandom_u32,
// bpf_get_smp_processor_id in xdp2hw_top.v's fixed unit) against the TypeScript core, packet by
// packet and cycle by cycle, on a test program built here (tests/rtl/c/rtl_env.c): each packet calls
// them 0-3 times as its first byte says, over batches (the clock and the generator's state carried
// from one simulator process to the next) and both simulators; bpf_tail_call's linking
// (tests/rtl/c/rtl_tail.c: now linked with the program it may call); bpf_redirect_map on a cpumap,
// and on a devmap_hash (the scan unit) with lookups on it and on a devmap (tests/rtl/c/rtl_devmap_hash.c);
// map calls whose key and value are in the packet (tests/rtl/c/rtl_packet_key.c).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { XDP2HW } from '../../isa/index.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { RunInput } from '../../simulator/engine.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { sessions } from './case.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-rtl-env-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function buildC(name: string, dir = tmp): LoadedObject {
  const out = join(dir, `${name}.o`);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, `${name}.c`), '-o', out], { stdio: 'pipe' });
  return loadFile(out);
}

/** Every call pattern (the first byte's low 5 bits) once, then some again. */
function inputs(): RunInput[] {
  const out: RunInput[] = [];
  for (let i = 0; i < 40; i++) {
    const p = new Uint8Array(64 + (i % 5) * 8);
    p[0] = (i * 7) & 31;
    for (let b = 1; b < p.length; b++) p[b] = (i * 31 + b * 17) & 0xff;
    out.push({ packet: p });
  }
  return out;
}

const TOOLS = needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp'), toolMissing('verilator'));

describe.skipIf(TOOLS)('RTL ktime_get_ns, get_prandom_u32, get_smp_processor_id', () => {
  for (const [sim, lanes] of [['icarus', 1], ['icarus', 4], ['verilator', 2]] as const)
    it(`${sim}, ${lanes} lane(s), in batches of 15: equal to the TypeScript core, cycles included`, { timeout: 180_000 }, async () => {
      const obj = buildC('rtl_env');
      const ins = inputs();
      const { ts, rtl } = await sessions({ name: 'rtl_env', obj, program: 'rtl_env', fixture: { maps: {} }, inputs: ins }, XDP2HW, lanes, sim);
      const s = await cosimulate(ts, rtl, sim, ins, 15);
      expect(s.firstMismatches).toEqual([]);
      expect(s.packets).toBe(ins.length);
      // the values reach the packet: a packet that read the clock twice carries two different readings
      const r = await ts.run({ packet: Uint8Array.from({ length: 64 }, (_, i) => (i === 0 ? 3 : 0)) });
      const v = new DataView(r.packet.buffer, r.packet.byteOffset);
      expect(v.getBigUint64(8, true)).not.toBe(0n);
      expect(v.getBigUint64(32, true)).not.toBe(0n);
    });

  it('links the program a prog array may name after a program that calls bpf_tail_call (tests/rtl/tail.test.ts runs them)', () => {
    const obj = buildC('rtl_tail');
    const p = scheduleObject(obj, 'rtl_tail', { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    expect(p.programs?.map((q) => q.name)).toEqual(['rtl_tail', 'rtl_tail_next']);
    expect(p.programs?.[1].entry).toBe(p.programs![0].rows);
    expect(p.rows.length).toBe(p.programs!.reduce((s, q) => s + q.rows, 0));
  });
});

describe.skipIf(needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp')))('RTL bpf_redirect_map on a cpumap (Icarus)', () => {
  it('present and empty CPUs, an index past max_entries, the action bits, invalid flags and BPF_F_BROADCAST: equal to the TypeScript core', { timeout: 180_000 }, async () => {
    const obj = buildC('rtl_cpumap');
    // CPUs 0 and 2 have queues (qsize 192, 64); 1 and 3 are empty; 4 and 9 are past max_entries
    const fixture = { maps: { cpus: { entries: [{ key: '00000000', value: 'c000000000000000' }, { key: '02000000', value: '4000000000000000' }] } } };
    const ins: RunInput[] = [];
    for (const cpu of [0, 1, 2, 3, 4, 9])
      for (const flags of [0, 1, 2, 3, 4, 0x10])
        for (const broadcast of [0, 1]) {
          const p = new Uint8Array(64);
          p[13] = broadcast;
          p[14] = cpu;
          p[15] = flags;
          ins.push({ packet: p });
        }
    const { ts, rtl } = await sessions({ name: 'rtl_cpumap', obj, program: 'rtl_cpumap', fixture, inputs: ins }, XDP2HW, 2, 'icarus');
    expect(rtl.design.layout.maps.map((m) => m.name)).toEqual(['cpus']);
    const results = [];
    for (const input of ins.slice(0, 3)) results.push(await ts.run(input));
    // CPU 0 is present: XDP_REDIRECT to it, whatever the action bits
    expect(results.map((r) => r.action)).toEqual(['XDP_REDIRECT', 'XDP_ABORTED', 'XDP_REDIRECT']);
    const fresh = await sessions({ name: 'rtl_cpumap', obj, program: 'rtl_cpumap', fixture, inputs: ins }, XDP2HW, 2, 'icarus');
    const s = await cosimulate(fresh.ts, fresh.rtl, 'icarus', ins);
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(ins.length);
    expect([s.mismatches, s.cycleMismatches]).toEqual([0, 0]);
    // the verdicts cover every case: redirects, the flags' action bits (pass, drop, tx) and aborts
    const actions = new Set<string>();
    for (const input of ins) actions.add((await ts.run(input)).action);
    expect([...actions].sort()).toEqual(['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_REDIRECT', 'XDP_TX']);
  });
});

/** u32 little-endian hex (a fixture's key or value). */
const hex32 = (v: number) => Buffer.from(Uint32Array.of(v).buffer).toString('hex');

/** rtl_devmap_hash's packets: redirects through the devmap_hash (op 0) and the devmap (op 3), lookups on both (1, 2). */
function devmapHashInputs(): RunInput[] {
  const ins: RunInput[] = [];
  const packet = (op: number, key: number, flags = 0, bits = 0) => {
    const p = new Uint8Array(64);
    p[12] = op;
    p[13] = bits;
    p[14] = key;
    p[15] = flags;
    ins.push({ packet: p });
  };
  // keys in the table, absent (7, 1, 0), past the devmap (4, 200); flags: none, XDP_PASS, invalid;
  // bits: BPF_F_BROADCAST, a key with a high word (redirect_map takes its low word)
  for (const op of [0, 3]) for (const key of [9, 2, 200, 5, 7, 1, 4]) for (const flags of [0, 2, 0x10]) for (const bits of [0, 1, 2]) packet(op, key, flags, bits);
  for (const op of [1, 2]) for (const key of [9, 2, 200, 5, 7, 0, 1, 4]) packet(op, key);
  return ins;
}

describe.skipIf(needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp'), toolMissing('verilator')))('RTL devmap_hash (the scan unit) and devmap lookups', () => {
  const devmapVal = (ifindex: number) => hex32(ifindex) + hex32(0);
  // the devmap_hash's keys in the order the host adds them (the table's slots); the devmap has slots 0 and 2
  const fixture = (keys: number[]) => ({ maps: {
    ports: { entries: keys.map((k, i) => ({ key: hex32(k), value: devmapVal(10 + i) })) },
    slots: { entries: [{ key: hex32(0), value: hex32(3) }, { key: hex32(2), value: hex32(7) }] },
  } });

  it('a call scans one slot a cycle to its key (helperCall + slots read); a miss reads through the first empty slot', { timeout: 180_000 }, async () => {
    const obj = buildC('rtl_devmap_hash');
    const ins = devmapHashInputs();
    const { ts, rtl } = await sessions({ name: 'rtl_devmap_hash', obj, program: 'rtl_devmap_hash', fixture: fixture([9, 2, 200, 5]), inputs: ins }, XDP2HW, 2, 'icarus');
    expect(rtl.design.layout.maps.map((m) => [m.name, m.type, m.stride])).toEqual([['ports', 'devmap_hash', 16], ['slots', 'devmap', 8]]);
    // its lookup keys are on the stack: no packet port for the helper unit
    expect(rtl.design.files['params.vh']).toMatch(/P_HELP_PKT = 0\b/);
    // redirects to keys 9, 2, 200, 5 (slots 0-3) and a miss (7: through empty slot 4): one cycle more each
    const cycles: number[] = [];
    const actions: string[] = [];
    for (const input of [ins[0], ins[9], ins[18], ins[27], ins[36]]) {
      const r = await ts.run(input);
      actions.push(r.action);
      cycles.push(ts.pipeline.cycles);
    }
    expect(actions).toEqual(['XDP_REDIRECT', 'XDP_REDIRECT', 'XDP_REDIRECT', 'XDP_REDIRECT', 'XDP_ABORTED']);
    expect(cycles.slice(1).map((c, i) => c - cycles[i])).toEqual([1, 1, 1, 1]);
    const fresh = await sessions({ name: 'rtl_devmap_hash', obj, program: 'rtl_devmap_hash', fixture: fixture([9, 2, 200, 5]), inputs: ins }, XDP2HW, 2, 'icarus');
    const s = await cosimulate(fresh.ts, fresh.rtl, 'icarus', ins);
    expect(s.firstMismatches).toEqual([]);
    expect([s.packets, s.mismatches, s.cycleMismatches]).toEqual([ins.length, 0, 0]);
    // every verdict: redirects, the flags' action bits, aborts, and the lookups' hits (XDP_TX) and misses (XDP_DROP)
    const all = new Set<string>();
    for (const input of ins) all.add((await ts.run(input)).action);
    expect([...all].sort()).toEqual(['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_REDIRECT', 'XDP_TX']);
    // a devmap lookup of an empty slot (1) is NULL, of a filled one (2) its value
    const look = async (op: number, key: number) => {
      const p = new Uint8Array(64);
      p[12] = op;
      p[14] = key;
      const r = await ts.run({ packet: p });
      return [r.action, new DataView(r.packet.buffer, r.packet.byteOffset).getUint32(20, true)];
    };
    expect(await look(2, 1)).toEqual(['XDP_DROP', 0]);
    expect(await look(2, 2)).toEqual(['XDP_TX', 7]);
    expect(await look(1, 200)).toEqual(['XDP_TX', 12]);
  });

  it('a full table (no empty slot: a miss reads max_entries slots), 4 lanes, Verilator', { timeout: 180_000 }, async () => {
    const obj = buildC('rtl_devmap_hash');
    const ins = devmapHashInputs();
    const keys = [3, 200, 9, 77, 2, 5, 100, 1];
    const { ts, rtl } = await sessions({ name: 'rtl_devmap_hash', obj, program: 'rtl_devmap_hash', fixture: fixture(keys), inputs: ins }, XDP2HW, 4, 'verilator');
    const s = await cosimulate(ts, rtl, 'verilator', ins);
    expect(s.firstMismatches).toEqual([]);
    expect([s.packets, s.mismatches, s.cycleMismatches]).toEqual([ins.length, 0, 0]);
  });
});

describe.skipIf(needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp')))('RTL map calls with their key in the packet (Icarus)', () => {
  it('array and hash lookups, hash update and delete, array update: the key and value read from the packet, equal to the TypeScript core', { timeout: 180_000 }, async () => {
    const obj = buildC('rtl_packet_key');
    const fixture = { maps: { arr: { entries: [{ key: hex32(1), value: hex32(7) }] }, hm: { entries: [{ key: hex32(5), value: hex32(9) }] } } };
    const ins: RunInput[] = [];
    // lookups of present, absent and out-of-range keys; updates and deletes that change what later lookups see
    const seq: [number, number, number][] = [[0, 1, 0], [0, 0, 0], [0, 9, 0], [1, 5, 0], [1, 6, 0], [2, 6, 33], [1, 6, 0], [4, 2, 44], [0, 2, 0], [4, 8, 1],
      [3, 5, 0], [1, 5, 0], [3, 5, 0], [2, 7, 1], [2, 8, 2], [2, 9, 3], [2, 10, 4], [1, 10, 0], [3, 6, 0], [2, 10, 5], [1, 10, 0]];
    for (const [op, key, value] of seq) {
      const p = new Uint8Array(64);
      p[12] = op;
      new DataView(p.buffer).setUint32(16, key, true);
      new DataView(p.buffer).setUint32(20, value, true);
      ins.push({ packet: p });
    }
    for (const lanes of [1, 4]) {
      const { ts, rtl } = await sessions({ name: 'rtl_packet_key', obj, program: 'rtl_packet_key', fixture, inputs: ins }, XDP2HW, lanes, 'icarus');
      expect(rtl.design.files['params.vh']).toMatch(/P_HELP_PKT = 1\b/);
      const s = await cosimulate(ts, rtl, 'icarus', ins);
      expect(s.firstMismatches).toEqual([]);
      expect([s.packets, s.mismatches, s.cycleMismatches]).toEqual([ins.length, 0, 0]);
    }
    // the verdicts: the array's index 1 (7) and the hash's key 5 (9) found; key 6 absent until its update
    const { ts } = await sessions({ name: 'rtl_packet_key', obj, program: 'rtl_packet_key', fixture, inputs: ins }, XDP2HW, 2, 'icarus');
    const got: string[] = [];
    for (const input of ins.slice(0, 7)) {
      const r = await ts.run(input);
      got.push(`${r.action} ${r.packet[20]}`);
    }
    expect(got).toEqual(['XDP_TX 7', 'XDP_TX 0', 'XDP_DROP 0', 'XDP_TX 9', 'XDP_DROP 0', 'XDP_TX 33', 'XDP_TX 33']);
  });
});

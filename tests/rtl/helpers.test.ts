// The RTL's packet helpers (hdl-templates/xdp2hw_helpers.v) against the TypeScript core, packet by
// packet and cycle by cycle, on two test programs built here (tests/rtl/c): csum_diff over the
// stack, the packet and a map value with every size 0-63 and random seeds; adjust_head and
// adjust_tail at and past the kernel's bounds (headroom, ETH_HLEN, the frame's end with the zero
// fill); adjust_meta with each of its errors; every atomic read-modify-write on a map value, the
// stack and the packet. The refusals the emitter owes are checked too.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { emitVerilog, RtlRefusal } from '../../compiler/emit/verilog/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { CORE_PRESETS, helperDataCycles, XDP2HW } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import type { RunInput } from '../../simulator/engine.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { cosimCase } from './case.js';
import type { ProgramCase } from './case.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-rtl-helpers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function build(name: string): LoadedObject {
  const out = join(tmp, `${name}.o`);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, `${name}.c`), '-o', out], { stdio: 'pipe' });
  return loadFile(out);
}

/** A small deterministic generator (xorshift32) for the packets' bytes. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function packet(len: number, r: () => number, fill: (v: DataView) => void): RunInput {
  const p = new Uint8Array(len);
  for (let i = 0; i < len; i++) p[i] = r() & 0xff;
  fill(new DataView(p.buffer));
  return { packet: p };
}

/** csum_diff sizes, sources and seeds; adjust_head/tail at each bound and beyond. */
function helperInputs(): RunInput[] {
  const r = rng(7);
  const out: RunInput[] = [];
  const heads = (len: number) => [0, -28, -216, -217, -256, 40, len - 14, len - 13, 3];
  const tails = (len: number) => [0, -10, -(len - 14) + 8, 3520 - len, 3521 - len, 7, 1000, -(len - 13) + 8];
  let k = 0;
  for (const len of [97, 600])
    for (const h of heads(len))
      for (const t of tails(len)) {
        if (k++ % 2 === 1) continue; // half the grid, each head and tail still met with several others
        out.push(packet(len, r, (v) => {
          v.setInt16(0, h, true);
          v.setInt16(2, t, true);
          v.setUint8(4, r() & 63);
          v.setUint8(5, r() & 63);
          v.setUint8(6, r() & 1);
          v.setUint32(8, r() % 5 === 0 ? 0 : r(), true);
          v.setInt16(12, [0, 9, 17, 64, 200, 3000, -3][k % 7], true);
        }));
      }
  // every size of both buffers once, one at 0 sometimes
  for (let s = 0; s < 64; s += 3)
    out.push(packet(120, r, (v) => {
      v.setInt16(0, 0, true);
      v.setInt16(2, 0, true);
      v.setUint8(4, s % 4 === 0 ? 0 : s);
      v.setUint8(5, s % 5 === 0 ? 0 : 63 - s);
      v.setUint8(6, s & 1);
      v.setUint32(8, r(), true);
    }));
  return out;
}

function metaInputs(): RunInput[] {
  const r = rng(11);
  return [0, -4, -8, -216, -217, -220, -252, -255, -256, -3, 4, -1, 8, -100, -64].map((off) => packet(64, r, (v) => v.setInt16(0, off, true)));
}

function blobFixture() {
  const r = rng(3);
  const value = Array.from({ length: 64 }, () => (r() & 0xff).toString(16).padStart(2, '0')).join('');
  return parseFixture({ maps: { blob: { entries: [{ key: '00000000', value }] } } }, 'blob fixture');
}

describe.skipIf(needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp')))('RTL packet helpers in Icarus', () => {
  it('csum_diff, adjust_head and adjust_tail: equal to the TypeScript core, cycles included (4 lanes)', { timeout: 120_000 }, async () => {
    const obj = build('rtl_packet_helpers');
    const inputs = helperInputs();
    const c: ProgramCase = { name: 'rtl_packet_helpers', obj, program: 'rtl_packet_helpers', fixture: blobFixture(), inputs };
    const s = await cosimCase(c, XDP2HW, 4, 'icarus');
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(inputs.length);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBe(0);
  });

  it('adjust_meta: equal to the TypeScript core, cycles included (2 lanes)', { timeout: 60_000 }, async () => {
    const obj = build('rtl_meta');
    const inputs = metaInputs();
    const s = await cosimCase({ name: 'rtl_meta', obj, program: 'rtl_meta', fixture: { maps: {} }, inputs }, XDP2HW, 2, 'icarus');
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(inputs.length);
  });

  it('atomics (add, or, and, xor, fetch or not, xchg, cmpxchg; 64 and 32 bits): equal to the TypeScript core, maps included (3 lanes)', { timeout: 60_000 }, async () => {
    const obj = build('rtl_atomic');
    const r = rng(5);
    const hex = (n: number) => Array.from({ length: n }, () => (r() & 0xff).toString(16).padStart(2, '0')).join('');
    const fixture = parseFixture({ maps: { cells: { entries: [{ key: '00000000', value: hex(48) }, { key: '01000000', value: hex(48) }] } } }, 'cells fixture');
    const inputs = Array.from({ length: 24 }, (_, i) => packet(100, r, (v) => {
      // now and then a = all ones: the fetch_or before makes the cell equal to it, and cmpxchg swaps
      if (i % 4 === 3) v.setBigUint64(8, (1n << 64n) - 1n, true);
    }));
    const s = await cosimCase({ name: 'rtl_atomic', obj, program: 'rtl_atomic', fixture, inputs }, XDP2HW, 3, 'icarus');
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(inputs.length);
  });

  it('sees a data-engine timing difference: an RTL whose port moves 4 bytes a cycle is refused, not silently slower', () => {
    const obj = build('rtl_packet_helpers');
    const narrow: CoreConfig = { ...XDP2HW, packetPortBytes: 4 };
    const rows = scheduleObject(obj, 'rtl_packet_helpers', { core: narrow, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    expect(() => emitVerilog(rows, narrow, obj)).toThrow(RtlRefusal);
    expect(() => emitVerilog(rows, narrow, obj)).toThrow(/bpf_csum_diff and bpf_xdp_adjust_tail: the RTL data engine moves 8 bytes a cycle, the core's packetPortBytes is 4/);
    const hxdp = CORE_PRESETS.hxdp;
    const hrows = scheduleObject(obj, 'rtl_packet_helpers', { core: hxdp, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    expect(() => emitVerilog(hrows, hxdp, obj)).toThrow(/bpf_csum_diff: .*latency.helperCall of at least 1 \(the core has 0\)/);
  });
});

describe.skipIf(needs(toolMissing('clang')))('RTL helper refusals', () => {
  it('refuses bpf_fib_lookup by name, with where and why', () => {
    const obj = build('rtl_fib');
    const rows = scheduleObject(obj, 'fib', { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    expect(() => emitVerilog(rows, XDP2HW, obj)).toThrow(/fib: row \d+ lane \d+ \(pc \d+\): helper bpf_fib_lookup \(69\): the RTL holds no route table/);
  });
});

describe('helper data cycles (isa/timing.ts, read by the TypeScript core and built into the RTL)', () => {
  it('csum_diff reads 8 bytes a cycle per buffer, adjust_tail zero-fills the stale part of a grown tail 8 bytes a cycle', () => {
    expect(helperDataCycles(XDP2HW, 28, 20, 0, 0)).toBe(3);
    expect(helperDataCycles(XDP2HW, 28, 0, 36, 0)).toBe(5);
    expect(helperDataCycles(XDP2HW, 28, 1, 8, 0)).toBe(2);
    expect(helperDataCycles(XDP2HW, 65, -100, 0, 500)).toBe(0);
    expect(helperDataCycles(XDP2HW, 65, 17, 0, 0)).toBe(0);
    expect(helperDataCycles(XDP2HW, 65, 17, 0, 100)).toBe(3);
    expect(helperDataCycles(XDP2HW, 65, 170, 0, 9)).toBe(2);
    expect(helperDataCycles(XDP2HW, 44, 17, 0, 100)).toBe(0);
  });
});

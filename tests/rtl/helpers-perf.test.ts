// bpf_perf_event_output in the RTL (xdp2hw_helpers.v streams each record to the host: a header
// beat, the data and the packet sample 8 bytes a cycle) against the TypeScript core, packet by
// packet (the records compared byte for byte) and cycle by cycle, on a test program built here
// (tests/rtl/c/rtl_perf.c): data from the stack, the packet and a map value of 0-40 bytes, samples
// from none to past the packet (-EFAULT), unknown flag bits (-EINVAL), indexes in range, past
// max_entries (-E2BIG) and BPF_F_CURRENT_CPU, a second call after adjust_head moved data.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { emitVerilog } from '../../compiler/emit/verilog/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { XDP2HW } from '../../isa/index.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { RunInput } from '../../simulator/engine.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { sessions } from './case.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-rtl-perf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function buildC(name: string): LoadedObject {
  const out = join(tmp, `${name}.o`);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, `${name}.c`), '-o', out], { stdio: 'pipe' });
  return loadFile(out);
}

function inputs(): RunInput[] {
  let s = 0x1234567;
  const r = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
  const out: RunInput[] = [];
  for (let i = 0; i < 64; i++) {
    const len = 64 + (r() % 160);
    const p = Uint8Array.from({ length: len }, () => r() & 0xff);
    p[0] = i & 3; // bit 0: an unknown flag bit; bit 1: a second call after adjust_head
    p[1] = (i >> 2) & 7; // data size 0, 1, 3, 8, 13, 16, 24, 40
    p[2] = (i >> 1) % 3; // data from the map value, the stack, the packet
    p[3] = [0, 3, 4, 7, 9][i % 5]; // index: in range, past max_entries 4, BPF_F_CURRENT_CPU (9)
    const sample = [0, 1, 8, 13, len - 14, len, len + 1, 60][(i >> 3) & 7]; // to and past the packet
    p[4] = (sample >> 8) & 0xff;
    p[5] = sample & 0xff;
    out.push({ packet: p });
  }
  return out;
}

const TOOLS = needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp'));

describe.skipIf(TOOLS)('RTL bpf_perf_event_output', () => {
  for (const lanes of [1, 4])
    it(`Icarus, ${lanes} lane(s): the records, maps and cycles equal the TypeScript core's`, { timeout: 180_000 }, async () => {
      const obj = buildC('rtl_perf');
      const ins = inputs();
      const { ts, rtl } = await sessions({ name: 'rtl_perf', obj, program: 'rtl_perf', fixture: { maps: {} }, inputs: ins }, XDP2HW, lanes, 'icarus');
      const s = await cosimulate(ts, rtl, 'icarus', ins, 40);
      expect(s.firstMismatches).toEqual([]);
      expect(s.packets).toBe(ins.length);
      // every result the test run gives is met, and records carry data and samples
      const rets = new Set<number>();
      let bytes = 0;
      for (const input of ins) {
        const res = await ts.run(input);
        for (const e of res.perfEvents ?? []) {
          rets.add(e.ret);
          bytes += e.data.length + e.sample.length;
        }
      }
      expect([...rets].sort()).toEqual([-22, -14, -7, -2].sort());
      expect(bytes).toBeGreaterThan(1000);
    });

  it('refuses a perf_event_array of max_entries 0 (sized by the host at load)', () => {
    const obj = buildC('rtl_perf');
    const zero = { ...obj, maps: obj.maps.map((m) => (m.type === 'perf_event_array' ? { ...m, maxEntries: 0 } : m)) };
    const rows = scheduleObject(obj, 'rtl_perf', { core: XDP2HW, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    expect(() => emitVerilog(rows, XDP2HW, zero)).toThrow(/map events: a perf_event_array of max_entries 0 .* the RTL needs its max_entries/);
  });
});

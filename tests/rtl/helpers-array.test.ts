// bpf_map_update_elem and bpf_map_delete_elem on array and per-CPU array maps in the RTL (the
// array unit of xdp2hw_top.v: the kernel's array_map_update_elem, the value copied 8 bytes a
// cycle; delete -EINVAL) against the TypeScript core, packet by packet (maps compared) and cycle
// by cycle, on a test program built here (tests/rtl/c/rtl_array.c): every flag case, indexes past
// max_entries, values from the stack, the packet and a map value, a 13-byte value.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { XDP2HW } from '../../isa/index.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { RunInput } from '../../simulator/engine.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { sessions } from './case.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-rtl-array-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function buildC(name: string): LoadedObject {
  const out = join(tmp, `${name}.o`);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, `${name}.c`), '-o', out], { stdio: 'pipe' });
  return loadFile(out);
}

function inputs(): RunInput[] {
  const out: RunInput[] = [];
  for (let i = 0; i < 64; i++) {
    const p = Uint8Array.from({ length: 64 }, (_, b) => (i * 37 + b * 11 + 5) & 0xff);
    p[0] = i % 8; // index 0-7: 6 and 7 past max_entries of `odd`, 4-7 past `cpu`'s
    p[1] = (i >> 3) & 7; // the flag case
    p[2] = Math.floor(i / 3) % 4; // value from the stack, the packet, a map value; 3: delete
    p[3] = i & 1;
    out.push({ packet: p });
  }
  return out;
}

const TOOLS = needs(toolMissing('clang'), toolMissing('iverilog'), toolMissing('vvp'));

describe.skipIf(TOOLS)('RTL array-map update and delete', () => {
  for (const lanes of [1, 4])
    it(`Icarus, ${lanes} lane(s): results, maps and cycles equal the TypeScript core's`, { timeout: 180_000 }, async () => {
      const obj = buildC('rtl_array');
      const ins = inputs();
      const { ts, rtl } = await sessions({ name: 'rtl_array', obj, program: 'rtl_array', fixture: { maps: {} }, inputs: ins }, XDP2HW, lanes, 'icarus');
      const s = await cosimulate(ts, rtl, 'icarus', ins, 40);
      expect(s.firstMismatches).toEqual([]);
      expect(s.packets).toBe(ins.length);
      // the values arrived and every result of the kernel's was met
      const maps = await rtl.readMaps();
      expect(maps.odd.some((e) => /[1-9a-f]/.test(e.value))).toBe(true);
      const rets = new Set<string>();
      for (const input of ins.slice(0, 64)) rets.add(JSON.stringify((await ts.run(input)).maps.rets[0].value));
      expect(rets.size).toBeGreaterThanOrEqual(4);
    });
});

// The RTL divider (hdl-templates/xdp2hw_div.v) against the TypeScript core: div, mod, sdiv and
// smod in both widths with RFC 9669's cases (by zero, LLONG_MIN / -1, INT_MIN / -1), a division by
// a constant, divisions in flight together, and one whose register a later row overwrites first.
// One C program (tests/rtl/c/rtl_div.c) in four forms: its llvm-objdump listing with every
// division's opcode (mod) or offset (signed) rewritten, since clang 14 writes neither form.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { emitVerilog } from '../../compiler/emit/verilog/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { XDP2HW } from '../../isa/index.js';
import type { RunInput } from '../../simulator/engine.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { cosimCase } from './case.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');
const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-rtl-div-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The listing of rtl_div.c with each division rewritten: `mod` turns div into mod, `signed` sets the offset to 1. */
function listing(mod: boolean, signed: boolean): string {
  const obj = join(tmp, 'rtl_div.o');
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(C_DIR, 'rtl_div.c'), '-o', obj], { stdio: 'pipe' });
  const text = execFileSync('llvm-objdump', ['-d', obj], { encoding: 'utf8' });
  let rewritten = 0;
  const out = text.split('\n').map((line) => {
    const m = /^(\s*\d+:\s+)((?:[0-9a-f]{2} ){7}[0-9a-f]{2})(.*)$/.exec(line);
    if (!m) return line;
    const bytes = m[2].split(' ');
    if (!['37', '3f', '34', '3c'].includes(bytes[0])) return line;
    rewritten++;
    if (mod) bytes[0] = (parseInt(bytes[0], 16) + 0x60).toString(16);
    if (signed) bytes[2] = '01';
    return `${m[1]}${bytes.join(' ')}${m[3]}`;
  });
  expect(rewritten).toBe(7);
  const file = join(tmp, `rtl_div_${mod ? 'mod' : 'div'}_${signed ? 's' : 'u'}.txt`);
  writeFileSync(file, out.join('\n'));
  return file;
}

const U64 = (v: bigint) => BigInt.asUintN(64, v);
const EDGE = [0n, 1n, 2n, 7n, 61n, U64(-1n), 1n << 63n, U64(-(1n << 63n) + 1n), 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xffffffff80000000n, 12345678901234n, U64(-987654321n)];

function inputs(): RunInput[] {
  let s = 0x2545f491;
  const r = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return BigInt(s);
  };
  const out: RunInput[] = [];
  const add = (a: bigint, b: bigint, c: bigint) => {
    const p = new Uint8Array(72);
    const v = new DataView(p.buffer);
    v.setBigUint64(0, U64(a), true);
    v.setBigUint64(8, U64(b), true);
    v.setBigUint64(16, U64(c), true);
    out.push({ packet: p });
  };
  for (const a of EDGE) for (const b of [0n, U64(-1n), 3n]) add(a, b, (a << 32n) | (b & 0xffffffffn));
  for (let i = 0; i < 10; i++) add((r() << 32n) | r(), i % 3 === 0 ? r() : (r() << 32n) | r(), (r() << 32n) | (i % 4 === 0 ? 0n : r()));
  return out;
}

const CLANG = needs(toolMissing('clang'), toolMissing('llvm-objdump'), toolMissing('iverilog'), toolMissing('vvp'));

describe.skipIf(CLANG)('RTL divider in Icarus', () => {
  for (const [mod, signed] of [[false, false], [true, false], [false, true], [true, true]] as const)
    it(`${signed ? 's' : ''}${mod ? 'mod' : 'div'} (64 and 32 bits): equal to the TypeScript core, cycles included (2 lanes)`, { timeout: 120_000 }, async () => {
      const obj = loadFile(listing(mod, signed));
      const ins = inputs();
      const s = await cosimCase({ name: 'rtl_div', obj, program: obj.programs[0].name, fixture: { maps: {} }, inputs: ins }, XDP2HW, 2, 'icarus');
      expect(s.firstMismatches).toEqual([]);
      expect(s.packets).toBe(ins.length);
      expect(s.cycleMismatches).toBe(0);
    });

  it('refuses a core whose latency.div is not the divider\'s 66 cycles', () => {
    const obj = loadFile(listing(false, false));
    const core = { ...XDP2HW, latency: { ...XDP2HW.latency, div: 40 } };
    const rows = scheduleObject(obj, obj.programs[0].name, { core, lanes: 2, strategy: 'list', timeLimitMs: 200 }).program;
    expect(() => emitVerilog(rows, core, obj)).toThrow(/div: the RTL divider takes 66 cycles, the core's latency.div is 40/);
  });
});

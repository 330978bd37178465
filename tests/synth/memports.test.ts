// The memories' port shapes as Yosys elaborates them (`memory_collect`, before any mapping): for a
// program whose stores sit in one lane, the packet buffer, the stack and the map memory each have
// ONE write port and asynchronous reads, the shape Yosys's Xilinx flow maps to LUTRAM (a memory
// with two or more write ports becomes flip-flops and multiplexers). The host port and the stack
// clear share port 0 with the lanes; the host's reads share lane 0's read port. With the xdp2hw
// preset's mapStorePorts 1, the map memory of a program storing from several lanes (hash_stress)
// has one write port; the hash unit reads its bucket heads through a register, and a SYNC_READ
// memory's banks (the map memory from 4 KiB) read through one too (block RAM). Needs yosys.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitVerilog, HDL_MODULES, SYNTH_TOP, templatesDir, writeDesign } from '../../compiler/emit/verilog/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { XDP2HW } from '../../isa/index.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { programCase } from '../rtl/case.js';
import { hashStressCase } from '../rtl/hash-case.js';

interface Mem { name: string; wr: number; rd: number; rdClocked: boolean }

/** Every $mem_v2 cell of the elaborated design, with its port counts. */
function memories(dir: string): Mem[] {
  const script = `read_verilog -I. ${[...HDL_MODULES, `${SYNTH_TOP}.v`].join(' ')}; hierarchy -top ${SYNTH_TOP}; proc; flatten; opt_clean; memory_dff; memory_collect; tee -q -o mem.txt dump t:$mem_v2`;
  const r = spawnSync('yosys', ['-q', '-p', script], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return parseMems(readFileSync(join(dir, 'mem.txt'), 'utf8'));
}

/** The $mem_v2 cells of a `dump`, with their port counts. */
function parseMems(dump: string): Mem[] {
  const out: Mem[] = [];
  for (const block of dump.split(/^\s*cell \$mem_v2 /m).slice(1)) {
    const param = (p: string) => new RegExp(`parameter \\\\${p} (\\S+)`).exec(block)?.[1] ?? '';
    out.push({ name: block.split(/\s/)[0], wr: Number(param('WR_PORTS')), rd: Number(param('RD_PORTS')), rdClocked: /1/.test(param('RD_CLK_ENABLE').split("'")[1] ?? '') });
  }
  return out;
}

describe.skipIf(needs(toolMissing('yosys')))('memory port shapes', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'xdp2hw-memports-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  for (const lanes of [1, 4, 8])
    it(`xdp1, ${lanes} lane(s): packet buffer, stack and map memory banks have one write port`, () => {
      const c = programCase('xdp1', 1);
      const rows = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes, strategy: 'list', timeLimitMs: 200 }).program;
      const dir = join(scratch, `xdp1-${lanes}`);
      writeDesign(emitVerilog(rows, XDP2HW, c.obj), dir);
      const mems = memories(dir).filter((m) => /\.(packet|stack|maps)\.bank\[\d\]\.mem$/.test(m.name));
      expect(mems.map((m) => m.name.replace(/.*\.(\w+)\.bank.*/, '$1')).sort()).toEqual([...Array(8).fill('maps'), ...Array(8).fill('packet'), ...Array(8).fill('stack')]);
      for (const m of mems) {
        expect(m.wr, m.name).toBe(1);
        expect(m.rdClocked, m.name).toBe(false);
      }
      // lanes that load (lane 0 and 1 for xdp1 beyond 1 lane): one read port each; the host shares lane 0's,
      // the stack has one more for a helper's key
      const loads = lanes === 1 ? 1 : 2;
      expect(mems.find((m) => m.name.includes('.packet.'))!.rd).toBe(loads);
      expect(mems.find((m) => m.name.includes('.stack.'))!.rd).toBe(loads + 1);
    }, 180_000);

  it('xdp2hw_bytemem with SYNC_READ (a map memory of 4 KiB or more): each bank reads through a register (block RAM)', () => {
    const dir = join(scratch, 'bytemem-sync');
    mkdirSync(dir);
    copyFileSync(join(templatesDir(), 'xdp2hw_bytemem.v'), join(dir, 'xdp2hw_bytemem.v'));
    const script = 'read_verilog xdp2hw_bytemem.v; chparam -set BYTES 8192 -set RPORTS 2 -set WPORTS 1 -set SYNC_READ 1 xdp2hw_bytemem; '
      + 'hierarchy -top xdp2hw_bytemem; proc; flatten; opt_clean; memory_dff; memory_collect; tee -q -o mem.txt dump t:$mem_v2';
    const r = spawnSync('yosys', ['-q', '-p', script], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const banks = parseMems(readFileSync(join(dir, 'mem.txt'), 'utf8'));
    expect(banks).toHaveLength(8);
    for (const m of banks) expect([m.wr, m.rd, m.rdClocked], m.name).toEqual([1, 2, true]);
  }, 60_000);

  it('hash_stress, 4 lanes (stores in lanes 0-2): one write port on the map memory; the hash unit reads its bucket heads through a register', () => {
    const c = hashStressCase();
    const rows = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    expect(new Set(rows.rows.flatMap((r) => r.flatMap((s, l) => (s && ['st', 'stx', 'atomic'].includes(s.insn.kind) ? [l] : [])))).size).toBeGreaterThan(1);
    const dir = join(scratch, 'hash_stress-4');
    writeDesign(emitVerilog(rows, XDP2HW, c.obj), dir);
    const mems = memories(dir);
    const maps = mems.filter((m) => /\.maps\.bank\[\d\]\.mem$/.test(m.name));
    expect(maps).toHaveLength(8);
    for (const m of maps) expect(m.wr, m.name).toBe(1);
    // The LRU engine's chain updates write the link, head and key memories from several places a
    // cycle and its eviction reads links and back links combinationally (docs/HARDWARE.md: the
    // one-write-port form is not carried over to them); the bucket heads' read stays registered.
    const heads = mems.find((x) => x.name.endsWith('.unit.heads'));
    expect(heads).toBeDefined();
    expect([heads!.rd, heads!.rdClocked]).toEqual([1, true]);
  }, 180_000);
});

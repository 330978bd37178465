// The memories' port shapes as Yosys elaborates them (`memory_collect`, before any mapping): for a
// program whose stores sit in one lane, the packet buffer, the stack and the map memory each have
// ONE write port and asynchronous reads, the shape Yosys's Xilinx flow maps to LUTRAM (a memory
// with two or more write ports becomes flip-flops and multiplexers). The host port and the stack
// clear share port 0 with the lanes; the host's reads share lane 0's read port. The hash unit's
// memories (keys, links, heads) and, with the xdp2hw preset's mapStorePorts 1, the map memory of a
// program storing from several lanes (hash_stress) have one write port each; the hash unit's reads
// are registered (block RAM), and so are a SYNC_READ memory's banks (the map memory from 4 KiB);
// with an LRU map (lru_stress) the LRU engine's memories (list links and meta, the chains' back
// links and buckets) have that shape too, one write port and one registered read. Needs yosys.

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
import { lruStressCase } from '../rtl/lru-case.js';

interface Mem { name: string; wr: number; rd: number; rdClocked: boolean; size: number; width: number }

/** Every $mem_v2 cell of the elaborated design, with its port counts. */
function memories(dir: string, opt = false): Mem[] {
  // opt: constants folded first, as synthesis does (a hash unit without LRU maps drops its LRU engine's reads)
  const script = `read_verilog -I. ${[...HDL_MODULES, `${SYNTH_TOP}.v`].join(' ')}; hierarchy -top ${SYNTH_TOP}; proc; flatten; ${opt ? 'opt' : 'opt_clean'}; memory_dff; memory_collect; tee -q -o mem.txt dump t:$mem_v2`;
  const r = spawnSync('yosys', ['-q', '-p', script], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return parseMems(readFileSync(join(dir, 'mem.txt'), 'utf8'));
}

/** The $mem_v2 cells of a `dump`, with their port counts. */
function parseMems(dump: string): Mem[] {
  const out: Mem[] = [];
  for (const block of dump.split(/^\s*cell \$mem_v2 /m).slice(1)) {
    const param = (p: string) => new RegExp(`parameter \\\\${p} (\\S+)`).exec(block)?.[1] ?? '';
    out.push({
      name: block.split(/\s/)[0], wr: Number(param('WR_PORTS')), rd: Number(param('RD_PORTS')), rdClocked: /1/.test(param('RD_CLK_ENABLE').split("'")[1] ?? ''),
      size: Number(param('SIZE')), width: Number(param('WIDTH')),
    });
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

  it('hash_stress, 4 lanes (stores in lanes 0-2): one write port on the map memory and on each hash-unit memory, registered reads', () => {
    const c = hashStressCase();
    const rows = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    expect(new Set(rows.rows.flatMap((r) => r.flatMap((s, l) => (s && ['st', 'stx', 'atomic'].includes(s.insn.kind) ? [l] : [])))).size).toBeGreaterThan(1);
    const dir = join(scratch, 'hash_stress-4');
    writeDesign(emitVerilog(rows, XDP2HW, c.obj), dir);
    const mems = memories(dir, true);
    const maps = mems.filter((m) => /\.maps\.bank\[\d\]\.mem$/.test(m.name));
    expect(maps).toHaveLength(8);
    for (const m of maps) expect(m.wr, m.name).toBe(1);
    const hash = mems.filter((m) => /\.unit\.(keys|links|heads)$/.test(m.name));
    expect(hash.map((m) => m.name.replace(/.*\./, '')).sort()).toEqual(['heads', 'keys', 'links']);
    for (const m of hash) expect([m.wr, m.rd, m.rdClocked], m.name).toEqual([1, 1, true]);
    // no LRU map: the LRU engine's list memories are one row each, the chains' back links gone
    expect(mems.filter((m) => /\.unit\.(hprev|hbkt)$/.test(m.name))).toEqual([]);
  }, 180_000);

  it('lru_stress, 4 lanes: every memory of the hash unit and its LRU engine one write port and a registered read (block RAM)', () => {
    const c = lruStressCase();
    const rows = scheduleObject(c.obj, c.program, { core: XDP2HW, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    const dir = join(scratch, 'lru_stress-4');
    const design = emitVerilog(rows, XDP2HW, c.obj);
    writeDesign(design, dir);
    const mems = memories(dir, true);
    const unit = mems.filter((m) => /\.unit\.(keys|links|heads|hprev|hbkt|lprev|lnext|lmeta)$/.test(m.name));
    expect(unit.map((m) => m.name.replace(/.*\./, '')).sort()).toEqual(['hbkt', 'heads', 'hprev', 'keys', 'links', 'lmeta', 'lnext', 'lprev']);
    for (const m of unit) expect([m.wr, m.rd, m.rdClocked], m.name).toEqual([1, 1, true]);
    // the list memories hold the node rows only (row 0 and a row per hash node): the heads are registers
    const nodes = design.layout.hash.nodes;
    for (const name of ['lprev', 'lnext', 'lmeta']) expect(unit.find((m) => m.name.endsWith(`.${name}`))?.size, name).toBe(nodes + 1);
  }, 180_000);
});

// compiler/emit/verilog without a simulator: the ROM fields, the parameters from the CoreConfig,
// the map layout and bank files, the refusals (named helper, map type, division) and the
// directory written whole or not at all; and verilator -Wall on emitted designs.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitVerilog, HDL_MODULES, mapBankFiles, mapLayout, RtlRefusal, SYNTH_TOP, writeDesign } from '../../compiler/emit/verilog/index.js';
import { syllableWord } from '../../compiler/emit/verilog/rom.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { CORE_PRESETS, EXTERNAL_BASE, HXDP, XDP2HW } from '../../isa/index.js';
import type { CoreConfig, RowProgram, Syllable } from '../../isa/index.js';
import { ROOT } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { programCase } from './case.js';

const field = (w: bigint, lo: number, bits: number) => Number((w >> BigInt(lo)) & ((1n << BigInt(bits)) - 1n));
const rows = (name: string, lanes: number, core: CoreConfig = XDP2HW): { c: ReturnType<typeof programCase>; p: RowProgram } => {
  const c = programCase(name, 1);
  return { c, p: scheduleObject(c.obj, c.program, { core, lanes, strategy: 'list', timeLimitMs: 200 }).program };
};
const layout = { maps: [], bytes: 8 };

describe('RTL ROM syllables', () => {
  it('draws an ALU syllable\'s fields where xdp2hw_core.v reads them', () => {
    const s: Syllable = { insn: { kind: 'alu3', op: 'add', width: 64, dst: 4, a: 3, b: { type: 'imm', value: -2 } }, source: {} };
    const w = syllableWord(s, 0, 1, XDP2HW, layout);
    expect(field(w, 0, 1)).toBe(1); // valid
    expect(field(w, 1, 4)).toBe(0); // ALU
    expect(field(w, 10, 4)).toBe(4); // dst
    expect(field(w, 14, 4)).toBe(3); // ra
    expect(field(w, 22, 1)).toBe(1); // b is imm
    expect(w >> 64n & ((1n << 64n) - 1n)).toBe((1n << 64n) - 2n); // imm sign-extended to 64 bits
    expect(field(w, 128, 16)).toBe(1 << 3); // reads r3 (defuse)
    expect(field(w, 31, 1)).toBe(1); // writes
  });

  it('marks an exit-imm caught at fetch only in a lane whose caps say so', () => {
    const s: Syllable = { insn: { kind: 'exit-imm', action: 2 }, source: {} };
    expect(field(syllableWord(s, 0, 0, HXDP, layout), 30, 1)).toBe(1);
    expect(field(syllableWord(s, 0, 1, HXDP, layout), 30, 1)).toBe(0);
    expect(field(syllableWord(s, 0, 1, XDP2HW, layout), 30, 1)).toBe(1);
  });

  it('refuses a division at a latency the RTL divider does not have, with row, lane and why', () => {
    const s: Syllable = { insn: { kind: 'alu', op: 'div', width: 64, dst: 0, src: { type: 'imm', value: 3 } }, source: { pc: 7 } };
    expect(() => syllableWord(s, 5, 2, XDP2HW, layout)).not.toThrow();
    const slow = { ...XDP2HW, latency: { ...XDP2HW.latency, div: 40 } };
    expect(() => syllableWord(s, 5, 2, slow, layout)).toThrow(new RtlRefusal('row 5 lane 2 (pc 7): div: the RTL divider takes 66 cycles, the core\'s latency.div is 40'));
  });

  it('names the helper or the map type it refuses, with the file', () => {
    const { c: tail, p: tp } = rows('adjust_tail', 2);
    const noTail = { ...XDP2HW, offload: { ...XDP2HW.offload!, helpers: XDP2HW.offload!.helpers.filter((h) => h !== 65) } };
    expect(() => emitVerilog(tp, noTail, tail.obj)).toThrow(/adjust_tail\.o: adjust_tail_prog: row \d+ lane \d+ \(pc \d+\): helper bpf_xdp_adjust_tail \(65\) is not offered by core xdp2hw \(its offload\.helpers\)/);
    const { c: sample, p: sp } = rows('xdp_sample', 2);
    const noPerf = { ...XDP2HW, offload: { ...XDP2HW.offload!, mapTypes: XDP2HW.offload!.mapTypes.filter((t) => t !== 'perf_event_array') } };
    expect(() => emitVerilog(sp, noPerf, sample.obj)).toThrow(/xdp_sample\.o: map samples is a perf_event_array map, which core xdp2hw does not offer \(its offload\.mapTypes\)/);
    expect(() => emitVerilog(sp, XDP2HW, sample.obj)).not.toThrow();
    // katran_lb's LRU map is the hash unit's; its 33,554,944-entry ch_rings (read-only) is in external memory on xdp2hw
    const { c: big, p: bp } = rows('katran_lb', 2);
    const d = emitVerilog(bp, XDP2HW, big.obj);
    expect(d.layout.maps.filter((m) => m.external).map((m) => [m.name, m.base])).toEqual([['ch_rings', EXTERNAL_BASE]]);
    expect(d.layout.externalBytes).toBe(33_554_944 * 8);
    expect(d.layout.bytes).toBeLessThan(1 << 20);
    expect(d.files['params.vh']).toMatch(/P_EXT_BASE = 268435456;/);
    expect(d.files['params.vh']).toMatch(new RegExp(`P_EXT_WAIT = ${XDP2HW.latency.externalLoad};`));
    // on a core without external memory the maps are all on chip, past the RTL's 1 MiB
    const noExt = { ...XDP2HW, latency: { ...XDP2HW.latency, externalLoad: undefined } };
    expect(() => emitVerilog(bp, noExt, big.obj)).toThrow(/katran_lb\.o: the maps need \d+ bytes of on-chip memory, more than the RTL's 1048576/);
  });
});

describe('RTL design files', () => {
  it('takes every latency from the CoreConfig into params.vh', () => {
    const { c, p } = rows('xdp1', 2);
    const core = { ...XDP2HW, latency: { ...XDP2HW.latency, takenBranch: 7, exit: 9, earlyExitSaving: 4, mul: 5, helperCall: 2 } };
    const vh = emitVerilog(p, core, c.obj).files['params.vh'];
    for (const [k, v] of [['P_TAKEN_BRANCH', 7], ['P_EXIT_DRAIN', 9], ['P_EARLY_DRAIN', 5], ['P_MUL_LAT', 5], ['P_HELPER_CALL', 2], ['P_LANES', 2], ['P_CLEAR_STACK', 1]] as const)
      expect(vh).toContain(`${k} = ${v};`);
    expect(emitVerilog(p, CORE_PRESETS.hxdp, c.obj).files['params.vh']).toContain('P_CLEAR_STACK = 0;');
  });

  it('lays maps out 8-byte aligned and writes their bytes bank by bank', () => {
    const { obj } = programCase('rxq_info', 1);
    const l = mapLayout(obj);
    expect(l.maps.map((m) => [m.name, m.base, m.stride])).toEqual([['config', 0, 8], ['global', 520, 40], ['rxq_stats', 560, 16]]);
    expect(l.bytes).toBe(560 + 64 * 16);
    const image = Uint8Array.from({ length: 24 }, (_, i) => i);
    const banks = mapBankFiles(image);
    expect(banks['maps_b0.hex']).toBe('00\n08\n10\n');
    expect(banks['maps_b7.hex']).toBe('07\n0f\n17\n');
  });

  it('writes a directory whole, and refuses a foreign non-empty one leaving it as it was', () => {
    const { c, p } = rows('xdp_tx', 1);
    const d = emitVerilog(p, XDP2HW, c.obj);
    const base = mkdtempSync(join(tmpdir(), 'xdp2hw-emit-'));
    const out = join(base, 'design');
    const files = writeDesign(d, out);
    expect(files).toEqual(expect.arrayContaining([...HDL_MODULES, 'xdp2hw_tb.v', `${SYNTH_TOP}.v`, 'params.vh', 'rom.hex', 'maps_b0.hex', 'Makefile', 'README.md']));
    expect(readdirSync(out).sort()).toEqual(files);
    expect(readFileSync(join(out, 'rom.hex'), 'utf8').split('\n').filter(Boolean)).toHaveLength(p.rows.length);
    writeDesign(d, out); // its own directory: replaced
    const foreign = join(base, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    expect(() => writeDesign(d, foreign)).toThrow(/a non-empty directory that holds no design/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
    expect(readdirSync(base).sort()).toEqual(['design', 'foreign']);
  });

  it('gives every lint waiver in hdl-templates a reason', () => {
    for (const f of readdirSync(join(ROOT, 'hdl-templates')).filter((n) => n.endsWith('.v')))
      for (const line of readFileSync(join(ROOT, 'hdl-templates', f), 'utf8').split('\n'))
        if (line.includes('lint_off')) expect(line, `${f}: ${line.trim()}`).toMatch(/lint_off \w+ \*\/ \/\/ \S/);
  });
});

describe.skipIf(needs(toolMissing('verilator')))('verilator --lint-only -Wall on emitted designs', () => {
  for (const [name, lanes] of [['xdp1', 4], ['xdp_drop', 1], ['csum', 2]] as const)
    it(`${name}, ${lanes} lane${lanes > 1 ? 's' : ''}: no warning, no error`, () => {
      const { c, p } = rows(name, lanes);
      const out = join(mkdtempSync(join(tmpdir(), 'xdp2hw-lint-')), 'd');
      writeDesign(emitVerilog(p, XDP2HW, c.obj), out);
      const r = spawnSync('verilator', ['--lint-only', '-Wall', '-I.', '--top-module', SYNTH_TOP, ...HDL_MODULES, `${SYNTH_TOP}.v`], { cwd: out, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(existsSync(join(out, 'params.vh'))).toBe(true);
    });
});

// The Yosys readers on real Yosys 0.23 output of the tiny fixture design (captured in
// fixtures/tiny/yosys-0.23/<flow> by the script compiler/synth/script.ts writes), and on small
// hand-made cases for what that design does not have (RAMB18, LUTRAM, unknown cells).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countResources, memoryBits, parseLtp, parseStat, pathDelayNs, SynthError, XC7_DELAYS } from '../../compiler/synth/index.js';
import { firstError } from '../../compiler/synth/yosys.js';

const CAPTURED = join(import.meta.dirname, 'fixtures/tiny/yosys-0.23');
const read = (name: string) => readFileSync(join(CAPTURED, name), 'utf8');

describe('stat -json', () => {
  it('counts the 7-series cells of the whole tiny top (the hierarchy, core included)', () => {
    const cells = parseStat(read('xilinx/stat.json'));
    const r = countResources(cells);
    // LUT2..LUT6 of the captured statistics, FDRE, one RAMB36E1 (the 1024 x 32 buffer), 6 DSP48E1
    const lutCells = Object.entries(cells).filter(([t]) => /^LUT\d$/.test(t)).reduce((s, [, n]) => s + n, 0);
    expect(lutCells).toBeGreaterThan(0);
    expect(r).toMatchObject({ luts: lutCells, ffs: cells.FDRE, brams: 1, dsps: 6, lutMemory: 0, other: {} });
    expect(r.carries).toBe(cells.CARRY4);
  });

  it('reads the core kept apart (its copy with the parameters the top gives it) and the top without it', () => {
    const json = read('xilinx/stat.json');
    const core = countResources(parseStat(json, "$paramod\\tiny_core\\LANES=s32'00000000000000000000000000000011"));
    const topOnly = parseStat(json, 'tiny_top');
    const whole = countResources(parseStat(json));
    expect(Object.keys(topOnly)).toContain("$paramod\\tiny_core\\LANES=s32'00000000000000000000000000000011");
    expect(core.brams).toBe(0);
    expect(core.luts + countResources(topOnly).luts).toBe(whole.luts);
    expect(core.ffs + countResources(topOnly).ffs).toBe(whole.ffs);
    expect(() => parseStat(json, 'nope')).toThrow(/no module 'nope'.*tiny_top/);
  });

  it('rejects what is not stat -json output with one line', () => {
    expect(() => parseStat('Yosys crashed')).toThrow(SynthError);
    expect(() => parseStat('{}')).toThrow(/no "design" section/);
  });

  it('counts RAMB18 as half a block, LUTRAM as LUTs, and keeps unknown cells visible', () => {
    const r = countResources({ RAMB18E1: 3, RAMB36E1: 2, RAM64M: 2, SRLC32E: 1, LUT6: 10, '\\FDSE': 4, MUXF7: 1, VCC: 1, XYZ: 2 });
    expect(r).toMatchObject({ brams: 3.5, luts: 10 + 8 + 1, lutMemory: 9, ffs: 4, muxes: 1, other: { XYZ: 2 } });
  });

  it('counts the generic flow: $lut cells, fine-grained flip-flops, memories kept whole with their bits', () => {
    const r = countResources(parseStat(read('generic/stat.json')));
    expect(r.luts).toBeGreaterThan(0);
    expect(r.ffs).toBeGreaterThan(0);
    expect(r.memories).toBe(2); // the buffer and the core's ROM
    expect(memoryBits(read('generic/mem.txt'))).toBe(1024 * 32 + 16 * 8);
    expect(memoryBits(read('generic/mem.txt'), 'tiny_top')).toBe(1024 * 32);
  });
});

describe('ltp', () => {
  it('reads the longest path, its length and the cells it goes through', () => {
    const [p] = parseLtp(read('xilinx/top.ltp.txt'));
    expect(p.module).toBe('tiny_top');
    expect(p.length).toBeGreaterThan(1);
    expect(p.cells).toHaveLength(p.length);
    // the tiny core's deepest path is its 32-bit accumulate: a carry chain of CARRY4 cells
    const carries = new Set(read('xilinx/carry.txt').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('/') + 1)));
    expect(p.cells.filter((c) => carries.has(c)).length).toBeGreaterThanOrEqual(8);
  });

  it('reads one path per module before flattening, stops at the flip-flop line, reads an empty selection as 0', () => {
    const text = read('generic/modules.ltp.txt') + '\nLongest topological path in m (length=-1):\n\n';
    const paths = parseLtp(text);
    expect(paths.map((p) => p.module)).toEqual(["$paramod\\tiny_core\\LANES=s32'00000000000000000000000000000011", 'tiny_top', 'm']);
    expect(paths[0].cells).toHaveLength(paths[0].length);
    expect(paths[2]).toEqual({ module: 'm', length: 0, cells: [] });
  });
});

describe('delay model and errors', () => {
  it('prices a path: LUT and mux hops with a net each, a carry chain as one entry plus chained steps', () => {
    const d = XC7_DELAYS;
    expect(pathDelayNs({ luts: 2, muxes: 0, carries: 0, chains: 0 })).toBeCloseTo(2 * (d.lut + d.net), 6);
    expect(pathDelayNs({ luts: 1, muxes: 1, carries: 4, chains: 1 })).toBeCloseTo(d.lut + d.mux + d.carryEntry + 3 * d.carry + 3 * d.net, 6);
  });

  it('finds the first ERROR line Yosys printed', () => {
    expect(firstError('foo\nbar.v:3: ERROR: syntax error, unexpected TOK_ID\nmore')).toBe('bar.v:3: ERROR: syntax error, unexpected TOK_ID');
    expect(firstError('', 'nice: yosys: No such file\n')).toBe('nice: yosys: No such file');
    expect(firstError('')).toBeUndefined();
  });
});

// The report's library: its figures equal what the compiler, scheduler and simulator give on
// their own (one source of truth), the sweep and synthesis readers are tolerant where they should
// be and one clear line where they must refuse, and the page is self-contained with every chart.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileObject } from '../../compiler/pipeline.js';
import { PASS_NAMES } from '../../compiler/passes/index.js';
import { scheduleProgram } from '../../compiler/schedule/index.js';
import { CORE_PRESETS } from '../../isa/index.js';
import { buildReport, CHART_NAMES, readSweep, readSynth, renderHtml, ReportInputError } from '../../report/index.js';
import type { ReportData } from '../../report/index.js';
import { SYNTH_COMMAND } from '../../report/hxdp.js';
import { isMeasured } from '../../report/types.js';
import { loadFile } from '../../compiler/loader/index.js';
import { ROOT } from '../helpers/paths.js';
import { inputs, OPTIONS, SWEEP_FIXTURE, synthDoc } from './common.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const put = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('report figures come from the compiler, scheduler and simulator', () => {
  let data: ReportData;
  beforeAll(async () => {
    data = await buildReport(inputs(['xdp1', 'xdp2']), OPTIONS);
  });

  it('instructions per pass alone and all together: compileObject\'s counts', () => {
    const [xdp1] = inputs(['xdp1']);
    const p = data.programs[0];
    const all = compileObject(xdp1.obj, { core: OPTIONS.core });
    expect(p.insns).toEqual(all.insns);
    expect(p.passAlone.map((x) => x.pass)).toEqual([...PASS_NAMES]);
    for (const { pass, insns } of p.passAlone) expect(insns, pass).toBe(compileObject(xdp1.obj, { core: OPTIONS.core, passes: [pass] }).insns.optimized);
    expect(p.insns.optimized).toBeLessThan(p.insns.original);
  });

  it('rows per lane count and per strategy: scheduleProgram\'s rows; the lane map is the core lanes\' schedule', () => {
    const [xdp1] = inputs(['xdp1']);
    const c = compileObject(xdp1.obj, { core: OPTIONS.core });
    const p = data.programs[0];
    for (const cell of p.lanes) expect(cell.rows, `${cell.lanes} lanes`).toBe(scheduleProgram(c.ir, c.insns.original, { core: OPTIONS.core, lanes: cell.lanes, strategy: 'list' }).stats.rows);
    for (const cell of p.strategies) expect(cell.rows, cell.strategy).toBe(scheduleProgram(c.ir, c.insns.original, { core: OPTIONS.core, strategy: cell.strategy as 'list', timeLimitMs: OPTIONS.timeLimitMs }).stats.rows);
    const map = p.map!;
    expect(map.lanes).toBe(OPTIONS.core.lanes);
    expect(map.rows.length).toBe(p.lanes.find((l) => l.lanes === OPTIONS.core.lanes)!.rows);
    expect(map.rows.flat().filter((x) => x).length).toBe(Math.round(p.strategies.find((s) => s.strategy === 'list')!.ipc! * map.rows.length));
    expect(data.programs[1].map).toBeUndefined(); // only the first program's map is kept
  });

  it('simulation: every packet agrees with the interpreter; per-packet core times average to the mean cycles', () => {
    for (const p of data.programs) {
      expect(isMeasured(p.sim), p.name).toBe(true);
      if (!isMeasured(p.sim)) continue;
      expect(p.sim.mismatches).toBe(0);
      expect(p.sim.packets).toBeGreaterThan(10);
      expect(p.sim.coreNs.length).toBe(p.sim.packets);
      const meanCycles = p.sim.coreNs.reduce((a, b) => a + b, 0) / p.sim.coreNs.length / (1000 / p.sim.clockMHz);
      expect(Math.abs(meanCycles - p.sim.cyclesMean)).toBeLessThan(0.01 * p.sim.cyclesMean + 1e-6);
      expect(p.sim.coreMpps).toBeCloseTo(p.sim.clockMHz / p.sim.cyclesMean, 2);
      expect(p.modelNs).toBeGreaterThan(0);
      expect('why' in p.kernelNs && p.kernelNs.why).toMatch(/not asked for/);
    }
  });

  it('the page: every chart a figure with an svg, nothing external, not-measured charts say how to measure', () => {
    const html = renderHtml(data);
    for (const n of CHART_NAMES) expect(html).toMatch(new RegExp(`<figure data-chart="${n}"[^>]*><h2>[^<]+</h2>(<figcaption>[^<]*</figcaption>)?<svg `));
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    expect(html.match(/https?:\/\/[^"' ]+/g)?.filter((u) => u !== 'http://www.w3.org/2000/svg') ?? []).toEqual([]);
    const fig = (n: string) => html.slice(html.indexOf(`data-chart="${n}"`), html.indexOf('</figure>', html.indexOf(`data-chart="${n}"`)));
    expect(fig('resources')).toContain('not measured');
    expect(fig('resources')).toContain(SYNTH_COMMAND.replace(/>/g, '&gt;'));
    expect(fig('sweep')).toContain('no sweep given');
    expect(fig('mpps')).toContain('not asked for');
  });
});

describe('sweep and synthesis inputs', () => {
  it('sweep: real sweep lines read; torn, non-JSON and incomplete lines skipped; unknown fields ignored', () => {
    const real = readFileSync(SWEEP_FIXTURE, 'utf8').trim().split('\n');
    const extra = [JSON.stringify({ program: 'p', lanes: 2, strategy: 'list', core: 'hxdp', mpps: 3, passes: ['bounds', 'alu3'], futureField: { x: 1 } }),
      JSON.stringify({ program: 'p', strategy: 'list', core: 'hxdp', mpps: 3 }), 'not json', '{"program": "torn", "lan'];
    const { points, skipped } = readSweep([SWEEP_FIXTURE, put('extra.jsonl', extra.join('\n'))]);
    expect(points.length).toBe(real.length + 1);
    expect(skipped).toBe(3);
    expect(points[0]).toMatchObject({ program: 'xdp1', lanes: 1, strategy: 'list', core: 'xdp2hw', passes: 'all' });
    expect(points.at(-1)).toEqual({ program: 'p', lanes: 2, strategy: 'list', core: 'hxdp', passes: 'bounds,alu3', mpps: 3 });
  });

  it('synth: the contract\'s fields, lanes from the document or the file name; a file without figures is one line naming it', () => {
    const withLanes = put('a.json', JSON.stringify(synthDoc(4)));
    const { lanes: _l, ...rest } = synthDoc(2) as Record<string, unknown>;
    const byName = put('design-2lanes.json', JSON.stringify(rest));
    const [two, four] = readSynth([withLanes, byName]);
    expect(two).toMatchObject({ lanes: 2, luts: 10000, ffs: 3000, brams: 10, dsps: 0, logicLevels: 22, coreLuts: 6000, coreFfs: 1200 });
    expect(four).toMatchObject({ lanes: 4, core: 'xdp2hw' });
    for (const [name, text, why] of [['nosynth.json', '{"files": []}', 'no "synth" object'], ['bad.json', '{"synth": {"luts": "many"}}', '"luts" and "ffs" must be numbers'], ['syntax.json', '{"synth": ', 'not JSON']]) {
      const p = put(name, text);
      expect(() => readSynth([p])).toThrow(ReportInputError);
      expect(() => readSynth([p])).toThrow(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*${why.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')}`));
    }
    expect(() => readSweep([join(tmp, 'missing.jsonl')])).toThrow(/missing\.jsonl: no such file/);
  });

  it('synth: a real `verilog --synth --json` document (xdp_drop, 1 lane, generic flow, from the h-synth branch) reads as written', () => {
    const [s] = readSynth([join(ROOT, 'tests/report/fixtures/synth-xdp_drop-1lane-generic.json')]);
    const doc = JSON.parse(readFileSync(join(ROOT, 'tests/report/fixtures/synth-xdp_drop-1lane-generic.json'), 'utf8'));
    expect(s).toMatchObject({ lanes: doc.lanes, core: doc.core, program: doc.program, flow: doc.synth.flow, luts: doc.synth.luts, ffs: doc.synth.ffs,
      brams: doc.synth.brams, dsps: doc.synth.dsps, logicLevels: doc.synth.logicLevels, coreLuts: doc.synth.core.luts, coreFfs: doc.synth.core.ffs });
  });

  it('a report with sweep and synthesis files draws them, with hXDP\'s resources marked at 4 lanes', async () => {
    const synth = [2, 4].map((l) => put(`s-${l}.json`, JSON.stringify(synthDoc(l))));
    const d = await buildReport(inputs(['xdp_tx']), { ...OPTIONS, core: CORE_PRESETS.hxdp, maxPackets: 0, sweep: [SWEEP_FIXTURE], synth });
    expect(d.programs[0].sim).toEqual({ why: 'not simulated (--max-packets 0)' });
    const html = renderHtml(d);
    const fig = (n: string) => html.slice(html.indexOf(`data-chart="${n}"`), html.indexOf('</figure>', html.indexOf(`data-chart="${n}"`)));
    expect(fig('sweep').match(/<circle /g)?.length).toBe(readSweep([SWEEP_FIXTURE]).points.length);
    expect(fig('resources')).toContain('hXDP whole: 42000 LUTs');
    expect(fig('resources')).toContain('<td>4 lanes (xdp2hw)</td><td>20000</td>');
    expect(fig('mpps')).toContain('not measured');
  });

  it('a program the scheduler refuses (BPF-to-BPF calls): each cell says why, and the page still draws every chart', async () => {
    const file = join(ROOT, 'tests/fuzz/seeds/subprog.o');
    const d = await buildReport([{ file, obj: loadFile(file) }], { ...OPTIONS, maxPackets: 10 });
    const p = d.programs[0];
    expect(p.insns.original).toBeGreaterThan(0);
    for (const c of [...p.lanes, ...p.strategies]) {
      expect(c.rows).toBeNull();
      expect(c.refused).toMatch(/BPF-to-BPF calls/);
    }
    expect('why' in p.sim && p.sim.why).toMatch(/^(refused by the scheduler|no traffic.pcap beside)/);
    const html = renderHtml(d);
    for (const n of CHART_NAMES) expect(html).toContain(`data-chart="${n}"`);
    expect(html).toContain('no schedule to draw');
  });
});

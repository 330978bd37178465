// The report's charts, each from ReportData to one figure: a name (the page's data-chart), a
// title, a caption saying what is drawn and from what, and one <svg>. A chart whose figures were
// not measured still has its svg: a message saying so and the command that measures them.

import { HXDP_FIG7, HXDP_FIG7_COLUMNS, HXDP_FIG8, HXDP_FIG8_LANES, HXDP_MPPS, HXDP_RESOURCES, HXDP_ROWS, OUR_PASS_FOR_FIG7, SYNTH_COMMAND } from './hxdp.js';
import { barChart, esc, fmt, legend, messageSvg, svg } from './svg.js';
import type { BarRef } from './svg.js';
import { isMeasured } from './types.js';
import type { Chart, InsnClass, LaneMap, ProgramFigures, ReportData, SimFigures } from './types.js';

export type { Chart } from './types.js';
import { latencyChart, sweepChart } from './charts-dist.js';

/** The charts every report has, in page order (the browser test looks for each). */
export const CHART_NAMES = ['passes', 'lanes', 'lane-map', 'strategies', 'mpps', 'latency', 'resources', 'sweep'] as const;

const compiled = (d: ReportData) => d.programs.filter((p) => p.refused === undefined);

function none(name: string, title: string, caption: string, lines: string[]): Chart {
  return { name, title, caption, svg: messageSvg(lines, title) };
}

/** hXDP Fig. 7: % of the original instructions each pass removes alone, and all passes together. */
export function passesChart(d: ReportData): Chart {
  const title = 'Instruction reduction per pass (hXDP Fig. 7 style)';
  const ps = compiled(d);
  if (ps.length === 0) return none('passes', title, '', ['no program could be compiled']);
  const passes = ps[0].passAlone.map((p) => p.pass).filter((pass) => ps.some((p) => (p.passAlone.find((x) => x.pass === pass)?.insns ?? p.insns.original) < p.insns.original));
  const series = [...passes.map((name) => ({ name })), { name: 'all passes', colour: '#333' }];
  const pct = (p: ProgramFigures, n: number) => (100 * (p.insns.original - n)) / Math.max(1, p.insns.original);
  const values = ps.map((p) => [...passes.map((pass) => pct(p, p.passAlone.find((x) => x.pass === pass)!.insns)), pct(p, p.insns.optimized)]);
  const refs: BarRef[] = [];
  ps.forEach((p, gi) => {
    const fig = HXDP_FIG7[p.name];
    if (!fig) return;
    HXDP_FIG7_COLUMNS.forEach((col, ci) => {
      const si = passes.findIndex((x) => OUR_PASS_FOR_FIG7[col].includes(x));
      if (si >= 0) refs.push({ group: gi, series: si, value: fig[ci], label: `hXDP Fig. 7, ${p.name}: ${col} removes ${fig[ci]} %` });
    });
  });
  return {
    name: 'passes', title,
    caption: `Each pass run alone on the original program (as hXDP measured each optimisation), then all passes together; % of the original instructions removed. Black marks: hXDP's Fig. 7 for the same optimisation (bounds checks on our bounds pass, 6-byte load/store on mac6). Passes that change nothing on these programs are left out.`,
    svg: barChart({ label: title, yLabel: '% of original instructions removed', groups: ps.map((p) => p.name), series, values, refs, refName: 'hXDP Fig. 7', unit: '%',
      titles: ps.map((p, gi) => [...passes.map((pass, si) => `${p.name} — ${pass} alone: ${p.insns.original} → ${p.passAlone.find((x) => x.pass === pass)!.insns} instructions (${fmt(values[gi][si])} %)`), `${p.name} — all passes: ${p.insns.original} → ${p.insns.optimized} (${fmt(values[gi][passes.length])} %)`]) }),
  };
}

/** hXDP Fig. 8: rows by lane count per program (the optimized program, the report's strategy). */
export function lanesChart(d: ReportData): Chart {
  const title = 'Rows per lane count (hXDP Fig. 8 style)';
  const ps = compiled(d);
  if (ps.length === 0) return none('lanes', title, '', ['no program could be compiled']);
  const lanes = d.laneCounts;
  const refs: BarRef[] = [];
  ps.forEach((p, gi) => {
    const fig = HXDP_FIG8[p.name];
    if (fig) lanes.forEach((l, si) => {
      const k = HXDP_FIG8_LANES.indexOf(l as 1 | 2 | 3 | 4);
      if (k >= 0) refs.push({ group: gi, series: si, value: fig[k], label: `hXDP Fig. 8, ${p.name}: ${fig[k]} rows with ${l} lane${l > 1 ? 's' : ''}` });
    });
  });
  return {
    name: 'lanes', title,
    caption: `Rows of the optimized program with the ${d.strategy} strategy on core ${d.core}, by lane count. Black marks: hXDP's Fig. 8 (1-4 lanes, ≈ read off the figure).`,
    svg: barChart({ label: title, yLabel: 'VLIW rows', groups: ps.map((p) => `${p.name} (${p.insns.original})`), series: lanes.map((l) => ({ name: `${l} lane${l > 1 ? 's' : ''}` })),
      values: ps.map((p) => lanes.map((l) => p.lanes.find((c) => c.lanes === l)?.rows ?? null)),
      why: ps.map((p) => lanes.map((l) => p.lanes.find((c) => c.lanes === l)?.refused)), refs, refName: 'hXDP Fig. 8', unit: 'rows' }),
  };
}

export const CLASS_COLOURS: Readonly<Record<InsnClass, string>> = {
  alu: '#0072B2', memory: '#E69F00', branch: '#009E73', call: '#CC79A7', exit: '#D55E00', lddw: '#56B4E9', extended: '#7B3294',
};

/** Rows × lanes of one schedule, a cell per syllable coloured by class; hover: syllable and source line. */
export function laneMapChart(d: ReportData): Chart {
  const title = 'Lane utilisation map';
  const map = compiled(d).find((p) => p.map)?.map;
  if (!map) return none('lane-map', title, '', ['no schedule to draw: the scheduler refused every program']);
  return { name: 'lane-map', title, caption: laneMapCaption(map), svg: laneMapSvg(map) };
}

function laneMapCaption(m: LaneMap): string {
  const used = m.rows.reduce((n, r) => n + r.filter((c) => c).length, 0);
  return `${m.program}: ${m.rows.length} rows × ${m.lanes} lanes (${m.strategy}), ${used} syllables, ${((100 * used) / Math.max(1, m.rows.length * m.lanes)).toFixed(1)} % of the slots filled. Each column is a row (read left to right, wrapping), each cell a lane; hover a cell for its syllable and source line.`;
}

export function laneMapSvg(m: LaneMap): string {
  // cells as large as the page allows: short programs get wide cells, long ones wrap in bands of rows
  const cw = m.rows.length <= 48 ? 18 : m.rows.length <= 96 ? 11 : 9, ch = cw <= 9 ? 12 : 16, perBand = Math.floor(880 / cw), left = 52;
  const bands = Math.max(1, Math.ceil(m.rows.length / perBand));
  const bandH = m.lanes * ch + 24;
  const leg = legend(left, 16, Object.entries(CLASS_COLOURS).map(([name, c]) => ({ name, colour: c })).concat([{ name: 'empty', colour: '#f0f0f0' }]), left + perBand * cw);
  const top = leg.height + 14;
  let body = leg.svg;
  for (let b = 0; b < bands; b++) {
    const y0 = top + b * bandH;
    for (let l = 0; l < m.lanes; l++) body += `<text x="${left - 6}" y="${y0 + l * ch + ch - 2}" text-anchor="end" fill="#444" font-size="9">lane ${l}</text>`;
    const rows = m.rows.slice(b * perBand, (b + 1) * perBand);
    rows.forEach((row, i) => {
      const r = b * perBand + i;
      const x = left + i * cw;
      row.forEach((c, l) => {
        const y = y0 + l * ch;
        body += c
          ? `<rect x="${x}" y="${y}" width="${cw - 1}" height="${ch - 1}" fill="${CLASS_COLOURS[c.cls]}"><title>${esc(`row ${r}, lane ${l}: ${c.text}\n${c.source}`)}</title></rect>`
          : `<rect x="${x}" y="${y}" width="${cw - 1}" height="${ch - 1}" fill="#f0f0f0"><title>${esc(`row ${r}, lane ${l}: empty`)}</title></rect>`;
      });
      if (r % 8 === 0) body += `<text x="${x}" y="${y0 + m.lanes * ch + 11}" fill="#666" font-size="9">${r}</text>`;
    });
  }
  return svg(left + perBand * cw + 10, top + bands * bandH, body, `lane map of ${m.program}`);
}

/** Rows of each strategy side by side, at the core's lane count. */
export function strategiesChart(d: ReportData): Chart {
  const title = 'Scheduling strategies side by side';
  const ps = compiled(d);
  if (ps.length === 0) return none('strategies', title, '', ['no program could be compiled']);
  const strategies = ps[0].strategies.map((s) => s.strategy);
  const refs: BarRef[] = [];
  const listAt = strategies.indexOf('list');
  if (d.coreLanes === 4 && listAt >= 0) ps.forEach((p, gi) => {
    const h = HXDP_ROWS[p.name];
    if (h) refs.push({ group: gi, series: listAt, value: h.rows, label: `hXDP (Table 3), ${p.name}: ${h.rows} rows on 4 lanes (list scheduling)` });
  });
  const titles = ps.map((p) => p.strategies.map((s) => `${p.name} — ${s.strategy}: ${s.rows === null ? `refused: ${s.refused}` : `${s.rows} rows, ${s.ipc} syllables per row${s.exactBlocks !== undefined ? `, ${s.exactBlocks} of ${s.blocks} blocks proven minimal` : ''}`}`));
  return {
    name: 'strategies', title,
    caption: `Rows of the optimized program per strategy at ${d.coreLanes} lanes (core ${d.core}). sequential: one syllable a row; list: per block, critical path first (hXDP's method); motion: across fall-through chains; optimal: branch and bound per block within the time limit. Black marks: hXDP's 4-lane rows on the list bar.`,
    svg: barChart({ label: title, yLabel: `rows at ${d.coreLanes} lanes`, groups: ps.map((p) => p.name), series: strategies.map((name) => ({ name })),
      values: ps.map((p) => p.strategies.map((s) => s.rows)), why: ps.map((p) => p.strategies.map((s) => s.refused)), titles, refs, refName: 'hXDP 4-lane rows', unit: 'rows' }),
  };
}

/** Fig. 10: Mpps of the core beside the kernel JIT measured here and the x86 model. */
export function mppsChart(d: ReportData): Chart {
  const title = 'Throughput: the core vs the CPU (hXDP Fig. 10 style)';
  const ps = compiled(d);
  const sims = ps.map((p) => p.sim);
  if (!sims.some((s) => isMeasured(s))) return none('mpps', title, '', ['not measured: no program was simulated', ...ps.map((p) => `${p.name}: ${'why' in p.sim ? p.sim.why : ''}`)]);
  const series = [{ name: 'core (simulated)' }, { name: 'kernel JIT (measured here)' }, { name: 'x86 model' }];
  const mpps = (ns: number | null | undefined) => (ns ? 1000 / ns : null);
  const values = ps.map((p) => [isMeasured(p.sim) ? p.sim.coreMpps : null, isMeasured(p.kernelNs) ? mpps(p.kernelNs.ns) : null, mpps(p.modelNs)]);
  const why = ps.map((p) => ['why' in p.sim ? p.sim.why : undefined, 'why' in p.kernelNs ? p.kernelNs.why : undefined, 'x86 model: no simulated packets']);
  const refs: BarRef[] = [];
  ps.forEach((p, gi) => {
    const h = HXDP_MPPS[p.name];
    if (!h) return;
    refs.push({ group: gi, series: 0, value: h.hxdp, label: `hXDP (paper), ${p.name}: ${h.hxdp} Mpps at 156.25 MHz` });
    refs.push({ group: gi, series: 2, value: h.x86, label: `x86 (paper, Xeon E5-1630 v3 @ 3.7 GHz), ${p.name}: ${h.x86} Mpps` });
  });
  const kernelWhy = ps.map((p) => p.kernelNs).find((k) => 'why' in k);
  const sim = sims.find(isMeasured) as SimFigures | undefined;
  return {
    name: 'mpps', title,
    caption: `Core: clock / mean cycles per packet on the program's traffic (${sim ? `core ${sim.core}, ${sim.lanes} lanes, ${sim.clockMHz} MHz` : ''}). Kernel JIT: BPF_PROG_TEST_RUN on this machine's CPU (${kernelWhy && 'why' in kernelWhy ? `not measured: ${kernelWhy.why}` : `measured ${d.generated.date} on ${d.generated.machine}`}). x86 model: simulator/simulate/cpu-model.ts, calibrated on hXDP's x86 figures. Black marks: hXDP's paper (on the core bar: hXDP; on the model bar: its x86).`,
    svg: barChart({ label: title, yLabel: 'Mpps', groups: ps.map((p) => p.name), series, values, why, refs, refName: 'hXDP paper', unit: 'Mpps' }),
  };
}

/** Synthesis figures by lane count, hXDP's as marks at 4 lanes; "not measured" and the command when none. */
export function resourcesChart(d: ReportData): Chart {
  const title = 'Hardware resources by lane count';
  if (d.synth.length === 0) return none('resources', title, 'No synthesis figures were given (--synth F.json).', [
    'not measured: no synthesis JSON given to the report (--synth F.json ...)',
    `produce one per lane count with: ${SYNTH_COMMAND}`,
    `hXDP (Virtex-7): Sephirot core ${HXDP_RESOURCES.core.luts / 1000}K LUT / ${HXDP_RESOURCES.core.ffs / 1000}K FF; whole design ${HXDP_RESOURCES.whole.luts / 1000}K LUT / ${HXDP_RESOURCES.whole.ffs / 1000}K FF / ${HXDP_RESOURCES.whole.brams} BRAM36`,
  ]);
  const groups = d.synth.map((s) => `${s.lanes === undefined ? s.file.split('/').pop() : `${s.lanes} lane${s.lanes === 1 ? '' : 's'}`}${s.core || s.flow ? ` (${[s.core, s.flow].filter(Boolean).join(', ')})` : ''}`);
  const series = [{ name: 'LUTs (whole)' }, { name: 'FFs (whole)' }, { name: 'LUTs (core)' }, { name: 'FFs (core)' }];
  const values = d.synth.map((s) => [s.luts, s.ffs, s.coreLuts ?? null, s.coreFfs ?? null]);
  const refs: BarRef[] = [];
  d.synth.forEach((s, gi) => {
    if (s.lanes !== HXDP_RESOURCES.lanes) return;
    const r = HXDP_RESOURCES;
    refs.push({ group: gi, series: 0, value: r.whole.luts, label: `hXDP whole: ${r.whole.luts} LUTs` }, { group: gi, series: 1, value: r.whole.ffs, label: `hXDP whole: ${r.whole.ffs} FFs` },
      { group: gi, series: 2, value: r.core.luts, label: `hXDP Sephirot core: ${r.core.luts} LUTs` }, { group: gi, series: 3, value: r.core.ffs, label: `hXDP Sephirot core: ${r.core.ffs} FFs` });
  });
  const rows = d.synth.map((s, i) => `<tr><td>${esc(groups[i])}</td><td>${s.luts}</td><td>${s.ffs}</td><td>${s.brams ?? '–'}</td><td>${s.dsps ?? '–'}</td><td>${s.logicLevels ?? '–'}</td><td>${s.coreLuts ?? '–'}</td><td>${s.coreFfs ?? '–'}</td><td>${esc(s.file)}</td></tr>`).join('');
  return {
    name: 'resources', title,
    caption: 'From the synthesis JSON files given (xdp2hw verilog --synth --json; the flow in brackets: xilinx counts 7-series LUT6s, generic counts Yosys\'s own cells, which do not compare with a Virtex-7). Black marks at 4 lanes: hXDP on a Virtex-7 (Sephirot core 27K LUT / 4K FF; whole 42K LUT / 18K FF).',
    svg: barChart({ label: title, yLabel: 'count', groups, series, values, refs, refName: 'hXDP (4 lanes)' }),
    extra: `<table><tr><th>design</th><th>LUTs</th><th>FFs</th><th>BRAMs</th><th>DSPs</th><th>logic levels</th><th>core LUTs</th><th>core FFs</th><th>file</th></tr>${rows}</table>`,
  };
}

export function allCharts(d: ReportData): Chart[] {
  return [passesChart(d), lanesChart(d), laneMapChart(d), strategiesChart(d), mppsChart(d), latencyChart(d), resourcesChart(d), sweepChart(d)];
}

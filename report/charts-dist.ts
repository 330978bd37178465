// The two charts of many points: the per-packet latency distribution of each program (a histogram
// of the core's per-packet time, with the packet path's end-to-end percentiles marked) and the
// sweep's points (Mpps by lane count, one colour per program). Both fall back to a message.

import { colour, esc, fmt, legend, messageSvg, svg, ticks } from './svg.js';
import { isMeasured } from './types.js';
import type { Chart, ReportData, SimFigures } from './types.js';

const BINS = 40;

/** Per program: a histogram of per-packet core time, with end-to-end p50 and p99 marked. */
export function latencyChart(d: ReportData): Chart {
  const title = 'Per-packet latency distribution';
  const sims = d.programs.flatMap((p) => (isMeasured(p.sim) && p.sim.coreNs.length > 0 ? [{ name: p.name, sim: p.sim as SimFigures }] : []));
  if (sims.length === 0) return { name: 'latency', title, caption: '', svg: messageSvg(['not measured: no program was simulated', ...d.programs.map((p) => `${p.name}: ${'why' in p.sim ? p.sim.why : 'no packets'}`)], title) };
  const max = Math.max(...sims.flatMap((s) => s.sim.coreNs));
  const tk = ticks(max, 8);
  const xmax = tk[tk.length - 1];
  const left = 130, plotW = 640, rowH = 46, textW = 330;
  const x = (v: number) => left + (plotW * v) / xmax;
  const leg = legend(left, 16, [{ name: 'packets per bin (core: start to verdict)', colour: '#0072B2' }, { name: 'core p50', colour: '#000', line: true }, { name: 'core p99', colour: '#D55E00', line: true }], left + plotW);
  const top = leg.height + 14;
  let body = leg.svg;
  sims.forEach(({ name, sim }, i) => {
    const y0 = top + i * rowH;
    const counts = new Array<number>(BINS).fill(0);
    for (const v of sim.coreNs) counts[Math.min(BINS - 1, Math.floor((v / xmax) * BINS))]++;
    const peak = Math.max(...counts);
    body += `<text x="${left - 8}" y="${y0 + rowH / 2}" text-anchor="end" fill="#222">${esc(name)}</text>`;
    body += `<line x1="${left}" x2="${left + plotW}" y1="${y0 + rowH - 6}" y2="${y0 + rowH - 6}" stroke="#ccc"/>`;
    counts.forEach((n, b) => {
      if (n === 0) return;
      const h = ((rowH - 12) * n) / peak;
      const lo = (xmax * b) / BINS, hi = (xmax * (b + 1)) / BINS;
      body += `<rect x="${x(lo)}" y="${y0 + rowH - 6 - h}" width="${Math.max(1, x(hi) - x(lo) - 1)}" height="${h}" fill="#0072B2"><title>${esc(`${name}: ${n} of ${sim.coreNs.length} packets took ${fmt(lo)}-${fmt(hi)} ns on the core`)}</title></rect>`;
    });
    const sorted = [...sim.coreNs].sort((a, b) => a - b);
    const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
    const mark = (v: number, c: string, what: string) => `<g><title>${esc(`${name}: core ${what} ${fmt(v)} ns`)}</title><line x1="${x(v)}" x2="${x(v)}" y1="${y0 + 4}" y2="${y0 + rowH - 4}" stroke="${c}" stroke-width="2"/></g>`;
    body += mark(rank(0.5), '#000', 'p50') + mark(rank(0.99), '#D55E00', 'p99');
    const e = sim.latencyNs;
    body += `<text x="${left + plotW + 12}" y="${y0 + rowH / 2 + 4}" fill="#333"><title>${esc(`${name}: first byte in to verdict or last byte out, through the input queue and emission at the line rate (min ${fmt(e.min)}, mean ${fmt(e.mean)}, max ${fmt(e.max)} ns)`)}</title>${esc(`end-to-end p50 ${fmt(e.p50)} ns, p99 ${fmt(e.p99)} ns`)}</text>`;
  });
  const bottom = top + sims.length * rowH;
  body += tk.map((v) => `<line x1="${x(v)}" x2="${x(v)}" y1="${bottom}" y2="${bottom + 4}" stroke="#444"/><text x="${x(v)}" y="${bottom + 16}" text-anchor="middle" fill="#444">${esc(fmt(v))}</text>`).join('');
  body += `<text x="${left + plotW / 2}" y="${bottom + 32}" text-anchor="middle" fill="#222">ns</text>`;
  const s0 = sims[0].sim;
  return {
    name: 'latency', title,
    caption: `Bars: per-packet time on the core from its start to its verdict (cycles × ${fmt(1000 / s0.clockMHz)} ns at ${s0.clockMHz} MHz), over each program's traffic (${sims.map((s) => `${s.name} ${s.sim.packets}`).join(', ')} packets). Lines: the core's p50 and p99. Right: the end-to-end latency through the packet path (input queue, the core, emission; ${s0.core} core, ${s0.lanes} lanes; packets arriving back to back at the line rate queue up when the core is slower than the line).`,
    svg: svg(left + plotW + textW, bottom + 40, body, title),
  };
}

/** Sweep points: Mpps by lane count, a colour per program, offset by strategy; hover gives the point. */
export function sweepChart(d: ReportData): Chart {
  const title = 'Design-space sweep';
  const pts = d.sweep.filter((p) => p.mpps !== undefined);
  if (pts.length === 0)
    return { name: 'sweep', title, caption: 'No sweep points with Mpps were given.', svg: messageSvg([
      d.sweep.length === 0 ? 'no sweep given (--sweep F.jsonl ...)' : `${d.sweep.length} sweep points, none with mpps`,
      'produce one with: xdp2hw sweep programs/xdp1/xdp1.o programs/xdp2/xdp2.o --lanes 1,2,4,8 --out points.jsonl',
    ], title) };
  const programs = [...new Set(pts.map((p) => p.program))];
  const strategies = [...new Set(pts.map((p) => p.strategy))];
  const lanes = [...new Set(pts.map((p) => p.lanes))].sort((a, b) => a - b);
  const tk = ticks(Math.max(...pts.map((p) => p.mpps!)));
  const ymax = tk[tk.length - 1];
  const left = 62, slot = 90, plotH = 240;
  const width = Math.max(480, left + slot * lanes.length + 20);
  const leg = legend(left, 16, programs.map((name, i) => ({ name, colour: colour(i) })), width - 10);
  const top = leg.height + 18, bottom = top + plotH;
  const y = (v: number) => bottom - (plotH * v) / ymax;
  let body = leg.svg;
  body += tk.map((v) => `<line x1="${left}" x2="${width - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/><text x="${left - 5}" y="${y(v) + 4}" text-anchor="end" fill="#444">${esc(fmt(v))}</text>`).join('');
  body += `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#444"/><line x1="${left}" x2="${width - 10}" y1="${bottom}" y2="${bottom}" stroke="#444"/>`;
  body += `<text transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#222">Mpps</text>`;
  lanes.forEach((l, i) => (body += `<text x="${left + slot * i + slot / 2}" y="${bottom + 14}" text-anchor="middle" fill="#222">${l} lane${l > 1 ? 's' : ''}</text>`));
  for (const p of pts) {
    const xi = lanes.indexOf(p.lanes);
    const cx = left + slot * xi + 12 + ((slot - 24) * (strategies.indexOf(p.strategy) + 0.5)) / strategies.length;
    const tip = `${p.program}: ${p.lanes} lanes, ${p.strategy}, core ${p.core}${p.clockMHz ? ` @ ${p.clockMHz} MHz` : ''}${p.passes ? `, passes ${p.passes}` : ''}: ${fmt(p.mpps!)} Mpps${p.rows !== undefined ? `, ${p.rows} rows` : ''}${p.cyclesMean !== undefined ? `, ${fmt(p.cyclesMean)} cycles/packet` : ''}${p.mismatches ? `, ${p.mismatches} mismatches` : ''}`;
    body += `<circle cx="${cx}" cy="${y(p.mpps!)}" r="4" fill="${colour(programs.indexOf(p.program))}" fill-opacity="0.8"><title>${esc(tip)}</title></circle>`;
  }
  return {
    name: 'sweep', title,
    caption: `${pts.length} sweep points (xdp2hw sweep)${d.sweepSkipped ? `; ${d.sweepSkipped} lines skipped (torn, not JSON, or missing program, lanes, strategy or core)` : ''}. Within a lane count, points are spread by strategy (${strategies.join(', ')}); hover a point for its coordinates.`,
    svg: svg(width, bottom + 26, body, title),
  };
}

// Hand-written SVG primitives for the report: escaping, axes with round ticks, a grouped bar chart
// with reference marks (hXDP's figures), a legend, and a chart that is only a message (a figure
// that was not measured says so, and how to measure it). Strings in, a standalone <svg> out.

export const FONT = 'font-family="system-ui, sans-serif"';

/** Text for SVG and HTML content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Colour-blind friendly categorical colours (Okabe–Ito; black is kept for published figures), then a few more. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#7B3294', '#999999', '#A6761D', '#1B9E77', '#E7298A'];
export const colour = (i: number): string => PALETTE[i % PALETTE.length];

export const fmt = (v: number): string => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Round tick values from 0 to at least `max`. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function svg(width: number, height: number, body: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="11">${body}</svg>`;
}

/** A chart that only says something (not measured, and how). */
export function messageSvg(lines: readonly string[], label: string): string {
  const w = Math.max(420, Math.min(1100, 12 + 6.6 * Math.max(...lines.map((l) => l.length))));
  const body = `<rect x="0.5" y="0.5" width="${w - 1}" height="${24 + 18 * lines.length}" fill="#fafafa" stroke="#bbb" stroke-dasharray="4 3"/>` +
    lines.map((l, i) => `<text x="12" y="${24 + 18 * i}" font-size="12" fill="#333">${esc(l)}</text>`).join('');
  return svg(w, 30 + 18 * lines.length, body, label);
}

/** Legend items from (x, y), wrapping before `maxX`; returns the markup and the height it took. */
export function legend(x: number, y: number, items: readonly { name: string; colour: string; line?: boolean }[], maxX = 1000): { svg: string; height: number } {
  let at = x, line = 0;
  const out = items.map((it) => {
    const w = 30 + it.name.length * 6.4;
    if (at + w > maxX && at > x) {
      at = x;
      line++;
    }
    const yy = y + 16 * line;
    const mark = it.line
      ? `<line x1="${at}" y1="${yy - 4}" x2="${at + 14}" y2="${yy - 4}" stroke="${it.colour}" stroke-width="2.5"/>`
      : `<rect x="${at}" y="${yy - 10}" width="12" height="12" fill="${it.colour}"/>`;
    const s = `${mark}<text x="${at + 17}" y="${yy}">${esc(it.name)}</text>`;
    at += w;
    return s;
  }).join('');
  return { svg: out, height: 16 * (line + 1) };
}

/** A y axis with grid lines from `top` to `bottom` (pixels) for values 0..ticks' last. */
export function yAxis(left: number, right: number, top: number, bottom: number, tk: readonly number[], label: string, f = fmt): string {
  const max = tk[tk.length - 1];
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  return tk.map((v) => `<line x1="${left}" x2="${right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/><text x="${left - 5}" y="${y(v) + 4}" text-anchor="end" fill="#444">${esc(f(v))}</text>`).join('') +
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#444"/><line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#444"/>` +
    `<text transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#222">${esc(label)}</text>`;
}

export interface BarSeries {
  readonly name: string;
  readonly colour?: string;
}

/** A mark across one bar: a published figure to compare with. */
export interface BarRef {
  readonly group: number;
  readonly series: number;
  readonly value: number;
  readonly label: string;
}

export interface BarChartSpec {
  readonly label: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /** [group][series]: a value, or null with the reason in `why` */
  readonly values: readonly (readonly (number | null)[])[];
  readonly why?: readonly (readonly (string | undefined)[])[];
  /** hover text per bar (defaults to group, series and value) */
  readonly titles?: readonly (readonly (string | undefined)[])[];
  readonly refs?: readonly BarRef[];
  readonly refName?: string;
  readonly unit?: string;
}

/** Grouped vertical bars: one group per x category, one bar per series; refs as black marks. */
export function barChart(s: BarChartSpec): string {
  const barW = Math.max(6, Math.min(22, 160 / Math.max(1, s.series.length)));
  const groupW = barW * s.series.length + 18;
  const left = 62, plotH = 220;
  const width = Math.max(480, left + 20 + groupW * s.groups.length);
  const items: { name: string; colour: string; line?: boolean }[] = s.series.map((se, i) => ({ name: se.name, colour: se.colour ?? colour(i) }));
  if (s.refs?.length) items.push({ name: s.refName ?? 'published', colour: '#000', line: true });
  const leg = legend(left, 16, items, width - 10);
  const top = leg.height + 18;
  const bottom = top + plotH;
  const all = [...s.values.flat().filter((v): v is number => v !== null), ...(s.refs ?? []).map((r) => r.value)];
  const tk = ticks(Math.max(1e-9, ...all));
  const max = tk[tk.length - 1];
  const y = (v: number) => bottom - (plotH * v) / max;
  const unit = s.unit ? ` ${s.unit}` : '';
  let body = yAxis(left, width - 10, top, bottom, tk, s.yLabel);
  s.groups.forEach((g, gi) => {
    const x0 = left + 9 + gi * groupW;
    s.series.forEach((se, si) => {
      const v = s.values[gi]?.[si] ?? null;
      const x = x0 + si * barW;
      const title = s.titles?.[gi]?.[si] ?? `${g} — ${se.name}: ${v === null ? (s.why?.[gi]?.[si] ?? 'not measured') : `${fmt(v)}${unit}`}`;
      if (v === null) body += `<g><title>${esc(title)}</title><text x="${x + barW / 2}" y="${bottom - 4}" text-anchor="middle" fill="#999">×</text></g>`;
      else body += `<rect x="${x}" y="${y(v)}" width="${barW - 1}" height="${Math.max(0.5, bottom - y(v))}" fill="${se.colour ?? colour(si)}"><title>${esc(title)}</title></rect>`;
    });
    body += `<text x="${x0 + (barW * s.series.length) / 2}" y="${bottom + 14}" text-anchor="middle" fill="#222">${esc(g)}</text>`;
  });
  for (const r of s.refs ?? []) {
    const x = left + 9 + r.group * groupW + r.series * barW;
    body += `<g><title>${esc(r.label)}</title><line x1="${x - 1}" x2="${x + barW}" y1="${y(r.value)}" y2="${y(r.value)}" stroke="#000" stroke-width="2.5"/></g>`;
  }
  body += leg.svg;
  return svg(width, bottom + 26, body, s.label);
}

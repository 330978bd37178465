// The report as one static HTML page: inline styles, every chart an inline <svg> inside
// <figure data-chart="NAME">, a summary table per program. No script and nothing fetched: the
// page opens from a file:// URL with the network off. Hover text is SVG <title>.

import { allCharts } from './charts.js';
import { esc, fmt } from './svg.js';
import { isMeasured } from './types.js';
import type { Chart, ReportData } from './types.js';

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
p.meta { color: #555; margin-top: 0; }
figure { margin: 28px 0; padding: 12px 14px; border: 1px solid #ddd; border-radius: 6px; overflow-x: auto; }
figure h2 { font-size: 16px; margin: 0 0 6px; }
figcaption { color: #444; font-size: 13px; margin-bottom: 10px; max-width: 1000px; }
table { border-collapse: collapse; font-size: 12px; margin-top: 10px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
nav a { margin-right: 12px; }
`;

function summaryTable(d: ReportData): string {
  const head = ['program', 'instructions', 'after passes', `rows (${d.coreLanes} lanes, ${d.strategy})`, 'packets', 'cycles mean / p99', 'core Mpps', 'kernel JIT ns/packet', 'x86 model ns/packet', 'mismatches'];
  const rows = d.programs.map((p) => {
    if (p.refused !== undefined) return `<tr><td>${esc(p.name)}</td><td colspan="${head.length - 1}">refused: ${esc(p.refused)}</td></tr>`;
    const s = isMeasured(p.sim) ? p.sim : undefined;
    const rowsAt = p.strategies.find((c) => c.strategy === d.strategy)?.rows ?? p.lanes.find((c) => c.lanes === d.coreLanes)?.rows;
    const cells = [
      p.name, p.insns.original, p.insns.optimized, rowsAt ?? '–', s?.packets ?? '–', s ? `${fmt(s.cyclesMean)} / ${fmt(s.cyclesP99)}` : '–', s ? fmt(s.coreMpps) : '–',
      isMeasured(p.kernelNs) ? fmt(p.kernelNs.ns) : '–', p.modelNs === null ? '–' : fmt(p.modelNs), s?.mismatches ?? '–',
    ];
    return `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  });
  const notes = d.programs.flatMap((p) => [
    ...('why' in p.sim && p.refused === undefined ? [`${p.name}: not simulated: ${p.sim.why}`] : []),
    ...('why' in p.kernelNs && p.refused === undefined ? [`${p.name}: kernel JIT not measured: ${p.kernelNs.why}`] : []),
  ]);
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.join('')}</table>` +
    (notes.length ? `<ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '');
}

function figure(c: Chart): string {
  return `<figure data-chart="${esc(c.name)}" id="chart-${esc(c.name)}"><h2>${esc(c.title)}</h2>${c.caption ? `<figcaption>${esc(c.caption)}</figcaption>` : ''}${c.svg}${c.extra ?? ''}</figure>`;
}

export function renderHtml(d: ReportData, charts: readonly Chart[] = allCharts(d)): string {
  const g = d.generated;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(d.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(d.title)}</h1>
<p class="meta">Core ${esc(d.core)} (${d.coreLanes} lanes), strategy ${esc(d.strategy)}; ${d.programs.length} program${d.programs.length === 1 ? '' : 's'}. Generated ${esc(g.date)} on ${esc(g.machine)}${g.command ? ` by <code>${esc(g.command)}</code>` : ''}. Cycle counts and rows are deterministic; the kernel JIT's times are measurements of this machine.</p>
<nav>${charts.map((c) => `<a href="#chart-${esc(c.name)}">${esc(c.name)}</a>`).join('')}</nav>
<section><h2>Programs</h2>${summaryTable(d)}</section>
${charts.map(figure).join('\n')}
</body>
</html>
`;
}

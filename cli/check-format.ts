// The text and JSON forms of a check report and of the static worst case beside simulated packets
// (`check`, and the `wcet` block of `simulate --json`).

import { helperName } from '../isa/index.js';
import { findingText } from '../compiler/check/index.js';
import type { CheckReport } from '../compiler/check/index.js';
import type { WcetVsRuns } from '../compiler/wcet/compare.js';
import type { Wcet, WcetPath, WcetResult } from '../compiler/wcet/index.js';

const f = (v: number, d = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(d));
const round = (v: number) => Math.round(v * 1000) / 1000;
/** A path count: exact while it is, else three digits and the power of ten (tail-call cycles make astronomic counts). */
const count = (v: number) => (Number.isSafeInteger(v) ? String(v) : v.toExponential(2));

/** The `wcet` JSON block: the contract's {cycles, path, mppsGuaranteed} and the rest beside. */
export function wcetJson(w: WcetResult | undefined, runs?: WcetVsRuns): Record<string, unknown> | null {
  if (!w) return null;
  if (!w.bounded) return { cycles: null, path: null, mppsGuaranteed: 0, unbounded: w.loops.map((l) => ({ fromRow: l.from, toRow: l.to })) };
  const x = w.wcet;
  return {
    cycles: x.cycles, path: x.path, mppsGuaranteed: round(x.mppsGuaranteed), best: x.best, paths: x.paths,
    loops: x.loops.map((l) => ({ fromRow: l.from, toRow: l.to, backEdges: l.backEdges, counter: l.counter })),
    ...(x.tailCallLimit !== undefined ? { tailCallLimit: x.tailCallLimit, tailCalls: x.tailCalls } : {}),
    ...(x.perPath ? { perPath: x.perPath.map((p) => ({ cycles: p.cycles, rows: p.rows, action: p.action, packetClass: p.packetClass })) } : {}),
    clockMHz: x.clockMHz, coreMpps: round(x.coreMpps), lineRateGbps: x.lineRateGbps, lineMpps: round(x.lineMpps),
    ...(runs ? { simulated: simulatedJson(runs) } : {}),
  };
}

function simulatedJson(r: WcetVsRuns): Record<string, unknown> {
  return {
    packets: r.packets, maxSimulated: r.maxSimulated, bound: r.bound, reached: r.reached, onWorstPath: r.onWorstPath,
    pathsTaken: r.pathsTaken, violations: r.violations, ...(r.untested ? { untestedPath: { cycles: r.untested.cycles, rows: r.untested.rows, packetClass: r.untested.packetClass } } : {}),
    ...(r.untestedPaths ? { untestedPaths: r.untestedPaths.map((p) => ({ cycles: p.cycles, packetClass: p.packetClass })) } : {}),
  };
}

export function checkJson(r: CheckReport, runs?: WcetVsRuns): Record<string, unknown> {
  return {
    file: r.file, program: r.program, core: r.core, lanes: r.lanes, strategy: r.strategy, fits: r.fits,
    findings: r.findings, usage: r.usage, wcet: wcetJson(r.wcet, runs),
  };
}

function pathLines(label: string, p: WcetPath, clockMHz: number): string[] {
  const out = [`${label} ${p.cycles} cycles (${f((p.cycles * 1000) / clockMHz)} ns), ${p.rows.length} rows: ${p.packetClass}`];
  const lines = p.decisions.map((d) => {
    const where = [`row ${d.row} lane ${d.lane}`, ...(d.index !== undefined ? [`insn ${d.index}`] : []), ...(d.line ? [d.line] : [])].join(', ');
    const tail = d.insn.startsWith('call 12') ? (d.taken ? ` (tail call → ${d.tailTo})` : ' (tail call fails)') : '';
    return `    ${d.taken ? 'taken    ' : 'not taken'} ${d.insn}${tail}  (${where})`;
  });
  return [...out, ...foldRounds(lines)];
}

/** A round of decision lines repeated (a tail-call cycle) printed once, then how often it repeats. */
function foldRounds(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let best = { p: 1, k: 1 };
    for (let p = 1; p <= 16 && i + 2 * p <= lines.length; p++) {
      if (!lines.slice(i, i + p).some((l) => l.includes('(tail call → '))) continue;
      let k = 1;
      while (i + (k + 1) * p <= lines.length && lines.slice(i + k * p, i + (k + 1) * p).every((l, j) => l === lines[i + j])) k++;
      if (k > 1 && p * k > best.p * best.k) best = { p, k };
    }
    out.push(...lines.slice(i, i + best.p));
    if (best.k > 1) out.push(`    (the ${best.p === 1 ? 'line' : `${best.p} lines`} above ${best.k} times in all)`);
    i += best.p * best.k;
  }
  return out;
}

export function wcetLines(w: Wcet): string[] {
  return [
    `worst case ${w.cycles} cycles over ${count(w.paths)} paths: ${f(w.mppsGuaranteed)} Mpps guaranteed (core ${f(w.coreMpps)} Mpps at ${w.clockMHz} MHz; line ${w.lineRateGbps} Gb/s of minimum frames ${f(w.lineMpps)} Mpps)`,
    ...w.loops.map((l) => `  loop rows ${l.to}-${l.from}: counted on r${l.counter}, jumps back at most ${l.backEdges} times per entry`),
    ...(w.tailCallLimit !== undefined ? [`  tail calls: at most ${w.tailCallLimit} a packet (the core's offload.tailCallDepth), to any linked program; ${w.tailCalls} on the worst path`] : []),
    ...pathLines('  worst path', w.path, w.clockMHz),
    ...pathLines('  best path ', w.best, w.clockMHz),
    ...(w.perPath ? [`  every path (${w.perPath.length}), longest first:`, ...w.perPath.map((p) => `    ${String(p.cycles).padStart(5)} cycles: ${p.packetClass}`)] : []),
  ];
}

export function runsLines(r: WcetVsRuns): string[] {
  const out = [`simulated  ${r.packets} packets over ${r.pathsTaken} paths: max ${r.maxSimulated} cycles of the bound ${r.bound}${r.bound > 0 ? ` (${f((100 * r.maxSimulated) / r.bound, 1)} %)` : ''}; ${r.reached ? `reached by ${r.onWorstPath} packets on the worst path` : 'not reached'}`];
  if (r.untested) out.push(`  untested: the worst path (${r.untested.cycles} cycles, rows ${r.untested.rows.join(',')}): ${r.untested.packetClass}`);
  if (r.untestedPaths && r.untestedPaths.length > 0)
    out.push(`  no packet took ${r.untestedPaths.length} of the paths:`, ...r.untestedPaths.slice(0, 8).map((p) => `    ${String(p.cycles).padStart(5)} cycles: ${p.packetClass}`));
  for (const v of r.violations.slice(0, 10)) out.push(`  BOUND EXCEEDED: packet ${v.packet}: ${v.cycles} cycles, its path's bound ${v.pathBound ?? 'none (not a path of the rows)'}`);
  return out;
}

export function formatCheck(r: CheckReport, runs?: WcetVsRuns): string {
  const out = [`${r.file}: program ${r.program} on core ${r.core} (${r.lanes} lanes, ${r.strategy}): ${r.fits ? 'fits' : `does not fit (${r.findings.length} obstacle${r.findings.length === 1 ? '' : 's'})`}`];
  for (const x of r.findings) out.push(`  ${findingText(x)}`);
  const u = r.usage;
  out.push(`resources  rows ${u.rows ?? '?'} of ${u.imemRows}; map memory ${u.mapBytes} of ${u.mapMemoryBytes} B${u.externalBytes ? `, external ${u.externalBytes} of ${u.externalMemoryBytes} B` : ''} (${u.maps} of ${u.maxMaps} maps); stack ${u.stackBytes ?? '?'} of ${u.coreStackBytes} B; helpers ${u.helpers.map(helperName).join(', ') || 'none'}`);
  if (r.wcet?.bounded) out.push(...wcetLines(r.wcet.wcet));
  else if (r.wcet) out.push('worst case: none (a loop without a provable bound)');
  if (runs) out.push(...runsLines(runs));
  return `${out.join('\n')}\n`;
}

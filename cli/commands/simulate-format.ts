// The text form of a simulate report (the JSON form is the report itself).

import type { SimulateReport } from '../../simulator/simulate/run.js';
import type { Summary } from '../../simulator/simulate/stats.js';

const f = (v: number, d = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(d));
const sum = (s: Summary) => `min ${f(s.min)}  mean ${f(s.mean)}  p50 ${f(s.p50)}  p99 ${f(s.p99)}  max ${f(s.max)}`;

export function formatReport(program: string, core: string, strategy: string, r: SimulateReport, kernelWhy?: string): string {
  const out: string[] = [];
  out.push(`${program} on core ${core}: ${r.lanes} lanes, ${strategy} schedule, ${r.rows} rows, clock ${r.clockMHz} MHz`);
  out.push(`packets    ${r.packets} (${Object.entries(r.actions).map(([a, n]) => `${a} ${n}`).join(', ') || 'none'})`);
  if (r.runts || r.dropped) out.push(`not run    ${r.runts} runts (below the minimum frame), ${r.dropped} dropped by the input queue`);
  out.push(`cycles     ${sum(r.cycles)}`);
  out.push(`latency ns ${sum(r.latencyNs)}`);
  out.push(`throughput ${f(r.mpps)} Mpps over the run; core alone ${f(r.coreMpps)} Mpps`);
  out.push(`stalls     ${Object.entries(r.stalls).map(([k, v]) => `${k} ${f(v, 0)}`).join(', ')} (cycles, all packets)`);
  out.push(`lanes busy ${r.laneUtilisation.perLane.map((u) => `${(u * 100).toFixed(0)}%`).join(' ')} (mean ${(r.laneUtilisation.mean * 100).toFixed(0)}%)`);
  out.push(`queue      at most ${r.maxQueueFrames} frames`);
  const coreNs = r.cycles.mean * 1000 / r.clockMHz;
  const k = r.baseline.kernelNsPerPacket;
  if (k !== null) out.push(`CPU JIT    ${f(k)} ns/packet measured (kernel BPF_PROG_TEST_RUN on this CPU); core ${f(coreNs)} ns/packet = ${f(k / coreNs)}× the CPU's rate`);
  else if (kernelWhy) out.push(`CPU JIT    not measured: ${kernelWhy}`);
  const m = r.baseline.modelNsPerPacket;
  if (m !== null) out.push(`CPU model  ${f(m)} ns/packet (x86 model @ 3.7 GHz, docs/CORE.md); core = ${f(m / coreNs)}× the model's rate`);
  out.push(`agreement  ${r.mismatches === 0 ? 'every packet equal to the reference interpreter (action, output, maps)' : `${r.mismatches} mismatches`}`);
  return `${out.join('\n')}\n`;
}

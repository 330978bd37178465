// What `xdp2hw run` prints: the JSON objects (field names as docs/CLI.md lists them) and the text
// for one packet and for a pcap. Formatting only; running is run.ts's.

import type { PacketFinding } from '../../compiler/analysis/packet-check.js';
import type { MapsSnapshot, RunResult } from '../../simulator/engine.js';
import type { PcapRunSummary, RefusalReason } from '../../simulator/pcap-run.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';
import type { ChangedEntry } from '../../simulator/maps/set.js';

/** A line bpf_trace_printk printed, with the packet (index in the pcap; 0 for --packet) that printed it. */
export interface TraceLine {
  packet: number;
  line: string;
}

export function packetJson(program: string, r: RunResult, changed: Record<string, ChangedEntry[]>, maps: MapsSnapshot | undefined, warnings: readonly PacketFinding[] = []) {
  const n = r.insnsExecuted;
  return {
    program, action: r.action, code: r.code, packet: bytesToHex(r.packet), changed,
    // engines that do not count instructions (the kernel) leave it out
    ...(n === undefined ? {} : { insns: { total: n, mean: n, max: n } }),
    trace: (r.trace ?? []).map((line) => ({ packet: 0, line })),
    ...(r.trap ? { trap: r.trap } : {}), ...(r.redirect ? { redirect: r.redirect } : {}), ...(maps ? { maps } : {}),
    ...(r.perfEvents ? { perfEvents: r.perfEvents.map((e) => ({ ...e, data: bytesToHex(e.data), sample: bytesToHex(e.sample) })) } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

export function traceJson(program: string, s: PcapRunSummary, t: { trace: TraceLine[]; omitted: number }, maps: MapsSnapshot | undefined, warnings: readonly PacketFinding[] = []) {
  return { program, ...s, trace: t.trace, traceOmitted: t.omitted, ...(maps ? { maps } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
}

/** A classic hex dump: offset, 16 bytes, ASCII. */
function hexDump(b: Uint8Array): string[] {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)];
    const hex = row.map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`  ${o.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines;
}

/** Every entry of every map, one per line. */
export function formatMaps(maps: MapsSnapshot): string[] {
  const out = ['maps after the run:'];
  for (const [name, entries] of Object.entries(maps)) {
    out.push(`  ${name}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`);
    for (const e of entries) out.push(`    [${e.key}] ${e.value}`);
  }
  return out;
}

export function formatPacket(program: string, r: RunResult, changed: Record<string, ChangedEntry[]>, maps: MapsSnapshot | undefined): string {
  const out = [`program ${program}`, `action: ${r.action} (${r.code})`];
  if (r.trap) out.push(`trap: ${r.trap.kind} at instruction ${r.trap.pc} of ${r.trap.program}: ${r.trap.message}`);
  if (r.redirect) out.push(`redirect: ${r.redirect.map !== undefined ? `map ${r.redirect.map} key ${r.redirect.key}` : `ifindex ${r.redirect.ifindex}`}`);
  out.push(`packet (${r.packet.length} bytes):`, ...hexDump(r.packet));
  const names = Object.keys(changed);
  out.push(names.length ? 'changed map entries:' : 'changed map entries: none');
  for (const name of names)
    for (const c of changed[name]) out.push(`  ${name}[${c.key}]: ${c.before ?? '(none)'} -> ${c.after ?? '(deleted)'}`);
  if (maps) out.push(...formatMaps(maps));
  for (const e of r.perfEvents ?? [])
    out.push(`perf event: map ${e.map} index ${e.index}, ${e.data.length} bytes of data, ${e.sample.length}-byte sample of ${e.packetLen}: returned ${e.ret}`);
  if (r.insnsExecuted !== undefined) out.push(`instructions executed: ${r.insnsExecuted}`);
  return out.join('\n') + '\n';
}

const REASONS: Record<RefusalReason, string> = {
  'under-14-bytes': 'under 14 bytes',
  'over-max-size': 'over the test run\'s largest packet',
  'no-such-rx-queue': 'on an RX queue the device does not have',
};

/** "3 frames refused as the kernel's test run refuses them (2 under 14 bytes, 1 on ...)", or undefined. */
export function refusedLine(refused: PcapRunSummary['refused']): string | undefined {
  if (refused.total === 0) return undefined;
  const parts = Object.entries(refused.reasons).map(([k, n]) => `${n} ${REASONS[k as RefusalReason]}`);
  return `${refused.total} frames refused, as the kernel's test run refuses them (${parts.join(', ')})`;
}

export function formatSummary(program: string, s: PcapRunSummary, maps: MapsSnapshot | undefined): string {
  const pct = (n: number) => `${((100 * n) / Math.max(1, s.packets)).toFixed(1)} %`;
  const out = [`program ${program}: ${s.packets} packets run, in ${s.seconds.toFixed(2)} s (time taken)`];
  const refused = refusedLine(s.refused);
  if (refused) out.push(refused);
  out.push('actions:');
  for (const [a, n] of Object.entries(s.actions).sort((x, y) => y[1] - x[1])) out.push(`  ${a.padEnd(13)} ${String(n).padStart(8)}  ${pct(n)}`);
  if (Object.keys(s.traps).length) {
    out.push('traps:');
    for (const [k, n] of Object.entries(s.traps)) out.push(`  ${k.padEnd(18)} ${n}`);
    for (const t of s.firstTraps) out.push(`  packet ${t.packet}: ${t.kind} at instruction ${t.pc} of ${t.program}: ${t.message}`);
  }
  if (s.perfEvents) out.push(`perf events: ${s.perfEvents.calls} calls, returns ${Object.entries(s.perfEvents.returns).map(([r, n]) => `${r}: ${n}`).join(', ')}`);
  if (s.insns) out.push(`instructions per packet: mean ${s.insns.mean.toFixed(1)}, max ${s.insns.max} (total ${s.insns.total})`);
  out.push(`bytes in: ${s.inBytes} (frames run); bytes out: ${s.outBytes} (frames that leave: TX, REDIRECT, PASS)`);
  if (maps) out.push(...formatMaps(maps));
  return out.join('\n') + '\n';
}

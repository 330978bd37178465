// Co-simulation: the same traffic through the cycle-accurate TypeScript core and the RTL (Icarus or
// Verilator), packet by packet compared on action, output bytes, redirect target (ifindex, or map
// and key), bpf_perf_event_output's records, every map and the core cycles. Not an engine: it drives two sessions the caller opened (engines.ts makes them).

import type { CoreSession } from './core/engine.js';
import { RunInputError } from './engine.js';
import type { MapsSnapshot, RunInput, RunResult } from './engine.js';
import type { RtlSession } from './rtl/engine.js';

export interface CosimMismatch {
  /** packet index in the traffic */
  readonly packet: number;
  /** the first field that differs: action, packet, redirect, perf, map <name>, cycles */
  readonly field: string;
  readonly core: string;
  readonly rtl: string;
}

export interface CosimSummary {
  readonly simulator: string;
  /** packets both ran (refused inputs are not counted) */
  packets: number;
  refused: number;
  /** packets whose action, output bytes, redirect target (ifindex, or map and key), perf event records or maps differ */
  mismatches: number;
  /** packets whose core cycles differ */
  cycleMismatches: number;
  /** the first few differences */
  readonly firstMismatches: CosimMismatch[];
  /** core cycles summed over the packets (the RTL's; equal to the TypeScript core's when cycleMismatches is 0) */
  cycles: number;
}

const KEEP = 10;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const mapsText = (m: MapsSnapshot, name: string) => JSON.stringify(m[name] ?? []);

const redirectText = (r: RunResult) => {
  const t = r.redirect;
  return t === undefined ? 'none' : t.map !== undefined ? `map ${t.map} key ${t.key}` : `ifindex ${t.ifindex}`;
};
/** bpf_perf_event_output's records, in order: map, index, return value, packet length, data and sample bytes */
const perfText = (r: RunResult) =>
  (r.perfEvents ?? []).map((e) => `${e.map}[${e.index}] ret ${e.ret} len ${e.packetLen} data ${hex(e.data)} sample ${hex(e.sample)}`).join('; ') || 'none';

/** The first functional difference between two results, or undefined. */
function firstDifference(a: RunResult, b: RunResult): { field: string; core: string; rtl: string } | undefined {
  if (a.code !== b.code) return { field: 'action', core: a.action, rtl: b.action };
  if (hex(a.packet) !== hex(b.packet)) return { field: 'packet', core: hex(a.packet), rtl: hex(b.packet) };
  // the target, whole: an ifindex (bpf_redirect) or a map and key (bpf_redirect_map)
  if (a.code === 4 && redirectText(a) !== redirectText(b)) return { field: 'redirect', core: redirectText(a), rtl: redirectText(b) };
  const perfA = perfText(a), perfB = perfText(b);
  if (perfA !== perfB) return { field: 'perf', core: perfA, rtl: perfB };
  for (const name of new Set([...Object.keys(a.maps), ...Object.keys(b.maps)])) {
    if (mapsText(a.maps, name) === mapsText(b.maps, name)) continue;
    // the first entry that differs
    const want = new Map((a.maps[name] ?? []).map((e) => [e.key, e.value]));
    const got = new Map((b.maps[name] ?? []).map((e) => [e.key, e.value]));
    for (const key of new Set([...want.keys(), ...got.keys()]))
      if (want.get(key) !== got.get(key)) return { field: `map ${name}[${key}]`, core: want.get(key) ?? 'absent', rtl: got.get(key) ?? 'absent' };
    return { field: `map ${name}`, core: mapsText(a.maps, name), rtl: mapsText(b.maps, name) };
  }
  return undefined;
}

/** Runs `inputs` through both sessions (the RTL in batches of `batch`) and compares them packet by packet. */
export async function cosimulate(core: CoreSession, rtl: RtlSession, simulator: string, inputs: readonly RunInput[], batch = 1000): Promise<CosimSummary> {
  const s: CosimSummary = { simulator, packets: 0, refused: 0, mismatches: 0, cycleMismatches: 0, firstMismatches: [], cycles: 0 };
  for (let at = 0; at < inputs.length; at += batch) {
    const part = inputs.slice(at, at + batch);
    const runs = await rtl.runBatch(part);
    part.forEach((input, k) => {
      const i = at + k;
      let want: RunResult;
      try {
        want = core.runSync(input);
      } catch (e) {
        if (!(e instanceof RunInputError)) throw e;
        s.refused++;
        return;
      }
      const got = runs[k];
      if (got instanceof RunInputError) {
        s.refused++;
        s.mismatches++;
        if (s.firstMismatches.length < KEEP) s.firstMismatches.push({ packet: i, field: 'refused', core: want.action, rtl: got.message });
        return;
      }
      s.packets++;
      s.cycles += got.cycles;
      const d = want.trap ? { field: 'trap', core: want.trap.message, rtl: got.result.action } : firstDifference(want, got.result);
      if (d) {
        s.mismatches++;
        if (s.firstMismatches.length < KEEP) s.firstMismatches.push({ packet: i, ...d });
      }
      const cycles = core.pipeline.cycles;
      if (cycles !== got.cycles) {
        s.cycleMismatches++;
        if (s.firstMismatches.length < KEEP) s.firstMismatches.push({ packet: i, field: 'cycles', core: String(cycles), rtl: String(got.cycles) });
      }
    });
  }
  return s;
}

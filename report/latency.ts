// Forwarding latency of one frame size, as hXDP measured it for simple_firewall: a frame of that
// size (FCS included: data of size - 4 bytes) that the program lets through (XDP_PASS, XDP_TX or
// XDP_REDIRECT), simulated alone on an idle core through the packet path (simulator/simulate):
// first byte in to last byte out. Frames come from the program's traffic.pcap, else from its
// traffic.json with every size set to this one. The NIC's MAC and PHY and the wire are not in it.

import { DEFAULT_MIN_FRAME, compileObject } from '../compiler/pipeline.js';
import type { LoadedObject } from '../compiler/loader/types.js';
import { scheduleObject } from '../compiler/schedule/index.js';
import type { Strategy } from '../compiler/schedule/index.js';
import type { CoreConfig } from '../isa/index.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { generateTraffic, loadTrafficSpec } from '../simulator/traffic/index.js';
import type { TrafficSpec } from '../simulator/traffic/index.js';
import { simulate } from '../simulator/simulate/run.js';
import { readFixtureFile, trafficOf } from './collect.js';
import type { Measured } from './types.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FrameLatency {
  readonly bytes: number;
  readonly ns: number;
  readonly cycles: number;
  /** where the frame came from */
  readonly frame: string;
  /** what the program did with it */
  readonly action: string;
}

/** Candidates tried per size before giving up (frames the program drops or passes are skipped). */
const TRIES = 40;

const FORWARDED = ['XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'];

/** Frames of `bytes - 4` bytes: the capture's first, then ones generated from the spec beside it at that size. */
function candidates(file: string, pcap: string | undefined, bytes: number): { data: Uint8Array; from: string }[] {
  const len = bytes - 4;
  const out = pcap ? readPcapFile(pcap).flatMap((r, i) => (r.data.length === len ? [{ data: r.data, from: `frame ${i} of ${pcap}` }] : [])).slice(0, TRIES) : [];
  const specPath = join(dirname(file), 'traffic.json');
  if (out.length < TRIES && existsSync(specPath)) {
    const spec = loadTrafficSpec(specPath);
    const sized: TrafficSpec = { ...spec, packets: 2 * TRIES, defaults: { ...spec.defaults, size: len }, mix: spec.mix.map((m) => ({ ...m, size: len })) } as TrafficSpec;
    for (const g of generateTraffic(sized)) if (g.data.length === len) out.push({ data: g.data, from: `packet ${g.index} of ${specPath} at ${len} bytes` });
  }
  return out.slice(0, TRIES);
}

export function forwardingLatency(obj: LoadedObject, file: string, bytes: number, core: CoreConfig, strategy: Strategy = 'list'): Measured<FrameLatency> {
  const t = trafficOf(file);
  const fixture = t.maps ? readFixtureFile(t.maps) : undefined;
  const c = compileObject(obj, { core });
  const program = c.optimized.program.name;
  const rows = scheduleObject(c.object, program, { core, strategy }).program;
  const frames = candidates(file, t.pcap, bytes);
  if (frames.length === 0) return { why: `no ${bytes}-byte frame (${bytes - 4} bytes without FCS) in the traffic beside ${file}` };
  for (const f of frames) {
    const r = simulate([{ data: f.data }], {
      reference: obj, compiled: c.object, program, core, fixture, lineRateGbps: 40, minFrame: DEFAULT_MIN_FRAME, schedule: () => rows,
    });
    const action = Object.keys(r.actions)[0];
    if (r.mismatches === 0 && r.packets === 1 && FORWARDED.includes(action)) return { bytes, ns: r.latencyNs.max, cycles: r.cycles.max, frame: f.from, action };
  }
  return { why: `none of ${frames.length} ${bytes}-byte frames tried is let through (${FORWARDED.join(', ')})` };
}

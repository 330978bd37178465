// Translation validation by execution: the original program and the optimized one, each on its own
// reference-interpreter session (which executes the core's extended syllables), get the same
// packets; after every packet action, output packet, trap and every map must agree. Lives in cli/
// because it combines the compiler's output with an engine (docs/ARCHITECTURE.md).

import fc from 'fast-check';
import type { LoadedObject } from '../compiler/loader/types.js';
import { RunInputError } from '../simulator/engine.js';
import type { EngineSession, RunResult } from '../simulator/engine.js';
import { createEngine } from '../simulator/engines.js';
import type { MapFixture } from '../simulator/maps/fixture.js';
import { packetSet } from './validate-packets.js';
import type { TestPacket } from './validate-packets.js';

export interface ValidateOptions {
  readonly program: string;
  /** the traffic the packets start from (every record, then truncations and mutations of them) */
  readonly pcap: readonly Uint8Array[];
  readonly fixture?: MapFixture;
  /** at least this many packets (default 1000) */
  readonly packets?: number;
  /** frames shorter than this never reach the core and are not sent */
  readonly minFrame: number;
  /** packet i arrives on ingressIfindexes[i % n] and rxQueues[i % m] */
  readonly ingressIfindexes?: readonly number[];
  readonly rxQueues?: readonly number[];
  /** the passes applied (named in a mismatch) */
  readonly passes: readonly string[];
  readonly seed?: number;
}

export interface Mismatch {
  /** index of the packet in the run */
  readonly packet: number;
  /** where it came from: `pcap #3`, `pcap #3 truncated to 34 bytes`, `fast-check #12` */
  readonly source: string;
  readonly hex: string;
  /** the first field that differs: action, trap, packet[off], packet length, map <name> */
  readonly field: string;
  readonly original: string;
  readonly optimized: string;
  readonly passes: readonly string[];
}

export interface Validation {
  readonly packets: number;
  readonly mismatches: number;
  readonly firstMismatch?: Mismatch;
  /** the lengths covered (shortest, longest) and how many packets each kind contributed */
  readonly lengths: { readonly min: number; readonly max: number };
  readonly sources: Readonly<Record<string, number>>;
}

async function open(obj: LoadedObject, program: string, fixture: MapFixture | undefined): Promise<EngineSession> {
  return createEngine('interpreter').open(obj, program, fixture);
}

/** Runs the translation validation; never throws for a mismatch (it is the result). */
export async function validateTranslation(original: LoadedObject, optimized: LoadedObject, o: ValidateOptions): Promise<Validation> {
  const packets = packetSet(o.pcap, { minFrame: o.minFrame, count: o.packets ?? 1000, seed: o.seed ?? 1, fc });
  const a = await open(original, o.program, o.fixture);
  const b = await open(optimized, o.program, o.fixture);
  let mismatches = 0, first: Mismatch | undefined, ran = 0;
  let min = Infinity, max = 0;
  const sources: Record<string, number> = {};
  try {
    for (const p of packets) {
      const ctx = { ingressIfindex: pick(o.ingressIfindexes, ran), rxQueueIndex: pick(o.rxQueues, ran) };
      const [ra, rb] = [await runOne(a, p.data, ctx), await runOne(b, p.data, ctx)];
      if (ra === undefined && rb === undefined) continue;
      ran++;
      min = Math.min(min, p.data.length);
      max = Math.max(max, p.data.length);
      sources[p.kind] = (sources[p.kind] ?? 0) + 1;
      const diff = ra && rb ? firstDifference(ra, rb) : { field: 'refused', original: String(!ra), optimized: String(!rb) };
      if (!diff) continue;
      mismatches++;
      first ??= { packet: ran - 1, source: p.source, hex: Buffer.from(p.data).toString('hex'), ...diff, passes: o.passes };
    }
  } finally {
    await a.close();
    await b.close();
  }
  return { packets: ran, mismatches, ...(first ? { firstMismatch: first } : {}), lengths: { min: ran ? min : 0, max }, sources };
}

const pick = (list: readonly number[] | undefined, i: number) => (list?.length ? list[i % list.length] : undefined);

async function runOne(s: EngineSession, packet: Uint8Array, ctx: { ingressIfindex?: number; rxQueueIndex?: number }): Promise<RunResult | undefined> {
  try {
    return await s.run({ packet, ctx }, { snapshot: true });
  } catch (e) {
    if (e instanceof RunInputError) return undefined;
    throw e;
  }
}

/** The first field in which two results differ, or undefined when they agree. */
function firstDifference(a: RunResult, b: RunResult): { field: string; original: string; optimized: string } | undefined {
  if (a.code !== b.code) return { field: 'action', original: a.action, optimized: b.action };
  if ((a.trap?.kind ?? '') !== (b.trap?.kind ?? '')) return { field: 'trap', original: a.trap?.message ?? 'none', optimized: b.trap?.message ?? 'none' };
  if (JSON.stringify(a.redirect ?? null) !== JSON.stringify(b.redirect ?? null))
    return { field: 'redirect', original: JSON.stringify(a.redirect ?? null), optimized: JSON.stringify(b.redirect ?? null) };
  if (a.packet.length !== b.packet.length) return { field: 'packet length', original: String(a.packet.length), optimized: String(b.packet.length) };
  const off = a.packet.findIndex((x, i) => x !== b.packet[i]);
  if (off >= 0) return { field: `packet[${off}]`, original: hex2(a.packet[off]), optimized: hex2(b.packet[off]) };
  for (const name of new Set([...Object.keys(a.maps), ...Object.keys(b.maps)])) {
    const [x, y] = [JSON.stringify(a.maps[name] ?? []), JSON.stringify(b.maps[name] ?? [])];
    if (x !== y) return { field: `map ${name}`, original: clip(x), optimized: clip(y) };
  }
  return undefined;
}

const hex2 = (v: number) => `0x${v.toString(16).padStart(2, '0')}`;
const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

export type { TestPacket };

// The points of a design-space sweep: the cross product of programs × lanes × strategies × cores ×
// pass sets × clocks, each with a stable id (a hash of its coordinates and of the bytes it reads),
// and the deterministic split into shards. Runs nothing (run-point.ts does).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Strategy } from '../../compiler/schedule/index.js';
import type { CoreConfig } from '../../isa/index.js';

/** Where a point's inputs come from: the object and, beside it, its traffic and map fixture. */
export interface SweepInput {
  /** the path as given */
  readonly file: string;
  readonly program: string;
  /** traffic.pcap beside the object, or undefined: a generated generic mix */
  readonly pcap?: string;
  /** maps.json beside the object */
  readonly maps?: string;
  /** SHA-256 of the object, traffic and fixture bytes: the id follows content, not paths */
  readonly contentSha: string;
}

/** Everything a worker needs to run one point (structured-clone friendly). */
export interface PointSpec {
  readonly id: string;
  readonly input: SweepInput;
  readonly lanes: number;
  readonly strategy: Strategy;
  readonly core: CoreConfig;
  /** the core as given: a preset name or a file path */
  readonly coreArg: string;
  /** 'all', 'none', or pass names joined by '+' */
  readonly passes: string;
  readonly clockMHz: number;
  /** at most this many packets of the traffic */
  readonly packets: number;
  readonly timeLimitMs: number;
  readonly lineRateGbps: number;
}

/** The dimensions of a sweep, every list already checked. */
export interface SweepGrid {
  readonly inputs: readonly SweepInput[];
  /** undefined: each core's own lane count */
  readonly lanes?: readonly number[];
  readonly strategies: readonly Strategy[];
  readonly cores: readonly { arg: string; core: CoreConfig }[];
  readonly passes: readonly string[];
  /** MHz; undefined: each core's own clock */
  readonly clocks: readonly (number | undefined)[];
  readonly packets: number;
  readonly timeLimitMs: number;
  readonly lineRateGbps: number;
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** JSON with object keys sorted at every level: one text per value, whatever the insertion order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The object's inputs: traffic.pcap and maps.json beside it when present, and the hash of all three. */
export function sweepInput(file: string, program: string, objectBytes: Uint8Array): SweepInput {
  const dir = dirname(file);
  const pcap = existsSync(join(dir, 'traffic.pcap')) ? join(dir, 'traffic.pcap') : undefined;
  const maps = existsSync(join(dir, 'maps.json')) ? join(dir, 'maps.json') : undefined;
  const h = createHash('sha256').update(objectBytes);
  for (const f of [pcap, maps]) h.update(f === undefined ? '-' : readFileSync(f));
  return { file, program, ...(pcap ? { pcap } : {}), ...(maps ? { maps } : {}), contentSha: h.digest('hex') };
}

/**
 * The id of a point: 16 hex digits of SHA-256 over its coordinates, the content of its object,
 * traffic and fixture, and the core's whole configuration (not its path), so that shards on
 * machines with other paths give the same id for the same point.
 */
export function pointId(p: Omit<PointSpec, 'id' | 'coreArg'>): string {
  return sha256(canonicalJson({
    v: 1, content: p.input.contentSha, object: basename(p.input.file), program: p.input.program,
    lanes: p.lanes, strategy: p.strategy, core: p.core, passes: p.passes, clockMHz: p.clockMHz,
    packets: p.packets, lineRateGbps: p.lineRateGbps, ...(p.strategy === 'optimal' ? { timeLimitMs: p.timeLimitMs } : {}),
  })).slice(0, 16);
}

/** The cross product, in a fixed order (inputs, cores, passes, clocks, lanes, strategies). */
export function expandGrid(g: SweepGrid): PointSpec[] {
  const out: PointSpec[] = [];
  for (const input of g.inputs)
    for (const { arg, core: base } of g.cores)
      for (const passes of g.passes)
        for (const clock of g.clocks)
          for (const lanes of g.lanes ?? [base.lanes])
            for (const strategy of g.strategies) {
              const clockMHz = clock ?? base.clockMHz;
              const core = clockMHz === base.clockMHz ? base : { ...base, clockMHz };
              const p = { input, lanes, strategy, core, passes, clockMHz, packets: g.packets, timeLimitMs: g.timeLimitMs, lineRateGbps: g.lineRateGbps };
              out.push({ ...p, id: pointId(p), coreArg: arg });
            }
  return out;
}

/** Parses "i/n" (0 <= i < n): which shard this run is. */
export function parseShard(text: string): { index: number; count: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && count <= 100_000 && index < count ? { index, count } : undefined;
}

/**
 * Shard `index` of `count`: the points sorted by id, every count-th from the index-th. Disjoint,
 * together the whole grid, sizes within one of each other, and the same on every machine given
 * the same grid (ids depend on content, not on paths or argument order).
 */
export function shardOf<T extends { id: string }>(points: readonly T[], index: number, count: number): T[] {
  const sorted = [...points].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.filter((_, k) => k % count === index);
}


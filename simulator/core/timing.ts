// The core's timing tables, compiled once per program from the RowProgram and the CoreConfig:
// per row, the registers each lane reads, the results it writes and when they are ready, which
// syllable calls a helper and which exit is caught at fetch. Data only; pipeline.ts runs them.

import { defuse, forwardsToOwnLaneOnly, resultLatency } from '../../isa/index.js';
import type { CoreConfig, LoadRegion, LookupMap, RowProgram } from '../../isa/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { RegionKind } from '../machine/index.js';

/** Why the core lost cycles; the stall breakdown's keys, in this order. */
export const STALL_KINDS = ['branch', 'helper', 'memory', 'data', 'io', 'queue'] as const;
export type StallKind = (typeof STALL_KINDS)[number];
export const Stall = { BRANCH: 0, HELPER: 1, MEMORY: 2, DATA: 3, IO: 4, QUEUE: 5 } as const;

/** What produced a register's value (its stall kind when a reader waits for it). */
export const Producer = { ALU: Stall.DATA, LOAD: Stall.MEMORY, HELPER: Stall.HELPER } as const;

export interface RowTiming {
  /** [register, lane] pairs the row reads */
  readonly reads: Int32Array;
  /** [register, lane, latency, producer, own lane only (forwarding)] per result; a load's latency is -1 - its address register (resolved at run) */
  readonly writes: Int32Array;
  /** per handler (syllables in lane order, empty lanes skipped): 1 when it is an exit caught at fetch */
  readonly early: Uint8Array;
  /** the handler index of the row's helper call, -1 when none (a row holds at most helpersPerRow; the first is timed) */
  readonly helper: number;
  /** bit per lane holding a syllable */
  readonly laneMask: number;
  /** the lanes holding a syllable, lowest first */
  readonly lanes: Uint8Array;
  /** whether a result's latency depends on a load's region (resolved before the row runs) */
  readonly loads: boolean;
  readonly syllables: number;
}

/** Everything the pipeline needs of the core, as numbers. */
export interface CoreTiming {
  readonly rows: readonly RowTiming[];
  readonly lanes: number;
  readonly helperCall: number;
  /** extra cycles of a helper call by the map its r1 names (by map index; 0 for a non-lookup map) */
  readonly mapLookup: Int32Array;
  /** load latency by machine RegionKind */
  readonly loadLatency: Int32Array;
  readonly takenBranch: number;
  readonly exit: number;
  readonly earlyExit: number;
}

/** The lookup unit a map type uses (undefined: no lookup unit, e.g. devmap indexes a table). */
export function lookupFamily(type: string): LookupMap | undefined {
  switch (type) {
    case 'array': case 'percpu_array': return 'array';
    case 'hash': case 'percpu_hash': return 'hash';
    case 'lru_hash': case 'lru_percpu_hash': return 'lru';
    case 'lpm_trie': return 'lpm';
    default: return undefined;
  }
}

const REGION_OF_KIND: Record<number, LoadRegion> = {
  [RegionKind.PACKET]: 'packet', [RegionKind.CTX]: 'ctx', [RegionKind.STACK]: 'stack', [RegionKind.MAP_VALUE]: 'map',
};

export function compileTiming(p: RowProgram, core: CoreConfig, obj: LoadedObject): CoreTiming {
  const rows = p.rows.map((row): RowTiming => {
    const reads: number[] = [];
    const writes: number[] = [];
    const early: number[] = [];
    let helper = -1;
    let laneMask = 0;
    let h = 0;
    row.forEach((s, lane) => {
      if (!s) return;
      laneMask |= 1 << lane;
      const du = defuse(s.insn);
      for (const r of du.reads) reads.push(r, lane);
      const load = s.insn.kind === 'ldx' || s.insn.kind === 'ldx6' || s.insn.kind === 'atomic';
      const call = s.insn.kind === 'call';
      const own = forwardsToOwnLaneOnly(core, s.insn) ? 1 : 0;
      for (const w of du.writes) {
        if (call) writes.push(w, lane, 1, Producer.HELPER, own);
        else if (load) writes.push(w, lane, -1 - (s.insn as { src: number }).src, Producer.LOAD, own);
        else writes.push(w, lane, resultLatency(core, s.insn, undefined), Producer.ALU, own);
      }
      if (call && helper < 0) helper = h;
      early.push(s.insn.kind === 'exit-imm' && (core.laneCaps[lane]?.earlyExit ?? false) ? 1 : 0);
      h++;
    });
    const lanes = Uint8Array.from(row.flatMap((s, lane) => (s ? [lane] : [])));
    return { reads: Int32Array.from(reads), writes: Int32Array.from(writes), early: Uint8Array.from(early), helper, laneMask, lanes, loads: writes.some((v, i) => i % 5 === 2 && v < 0), syllables: h };
  });
  const mapLookup = Int32Array.from(obj.maps.map((m) => {
    const f = lookupFamily(m.type);
    return f === undefined ? 0 : core.latency.mapLookup[f];
  }));
  const slowest = Math.max(...Object.values(core.latency.load));
  const loadLatency = new Int32Array(8).fill(slowest);
  for (const [kind, region] of Object.entries(REGION_OF_KIND)) loadLatency[Number(kind)] = core.latency.load[region];
  const l = core.latency;
  return {
    rows, lanes: p.lanes, helperCall: l.helperCall, mapLookup, loadLatency,
    takenBranch: l.takenBranch, exit: l.exit, earlyExit: l.exit - l.earlyExitSaving,
  };
}

// The core's timing tables, compiled once per program from the RowProgram and the CoreConfig:
// per row, the registers each lane reads, the results it writes and when they are ready, which
// syllable calls a helper and which exit is caught at fetch (the rules: isa/timing.ts, which the
// static worst case of compiler/wcet reads too). Data only; pipeline.ts runs them.

import { exitDrain, helperDataCycles, lookupFamily, rowTiming, slowestLoad } from '../../isa/index.js';
import type { CoreConfig, LoadRegion, RowProgram, RowTiming } from '../../isa/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { RegionKind } from '../machine/index.js';

export { lookupFamily, Producer, Stall, STALL_KINDS } from '../../isa/index.js';
export type { RowTiming, StallKind } from '../../isa/index.js';

/** Everything the pipeline needs of the core, as numbers. */
export interface CoreTiming {
  readonly rows: readonly RowTiming[];
  readonly lanes: number;
  readonly helperCall: number;
  /** cycles the helper unit's data engine adds to a call of helper id with r2, r4 (isa's helperDataCycles) */
  readonly helperData: (id: number, r2: number, r4: number) => number;
  /** extra cycles of a helper call by the map its r1 names (by map index; 0 for a non-lookup map) */
  readonly mapLookup: Int32Array;
  /** load latency by machine RegionKind */
  readonly loadLatency: Int32Array;
  readonly takenBranch: number;
  readonly exit: number;
  readonly earlyExit: number;
}

const REGION_OF_KIND: Record<number, LoadRegion> = {
  [RegionKind.PACKET]: 'packet', [RegionKind.CTX]: 'ctx', [RegionKind.STACK]: 'stack', [RegionKind.MAP_VALUE]: 'map',
};

export function compileTiming(p: RowProgram, core: CoreConfig, obj: LoadedObject): CoreTiming {
  const rows = p.rows.map((row) => rowTiming(row, core));
  const mapLookup = Int32Array.from(obj.maps.map((m) => {
    const f = lookupFamily(m.type);
    return f === undefined ? 0 : core.latency.mapLookup[f];
  }));
  const loadLatency = new Int32Array(8).fill(slowestLoad(core));
  for (const [kind, region] of Object.entries(REGION_OF_KIND)) loadLatency[Number(kind)] = core.latency.load[region];
  const l = core.latency;
  return {
    rows, lanes: p.lanes, helperCall: l.helperCall, helperData: (id, r2, r4) => helperDataCycles(core, id, r2, r4), mapLookup, loadLatency,
    takenBranch: l.takenBranch, exit: exitDrain(core, false), earlyExit: exitDrain(core, true),
  };
}

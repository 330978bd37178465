// The static bound beside simulated packets: each packet's cycles against the bound of the path it
// took (and the worst case), whether any packet reached the worst case, and when none did, the
// worst path the traffic left untested. The packets' paths come from the core's trace (the CLI and
// the tests collect them); this module only compares.

import type { CoreConfig, RowProgram } from '../../isa/index.js';
import { pathCycles, pathKey } from './index.js';
import type { IssuedRow, Wcet, WcetOptions, WcetPath } from './index.js';

/** One simulated packet: the rows it issued and its core cycles. */
export interface RunPath {
  readonly packet: number;
  readonly issued: readonly IssuedRow[];
  readonly cycles: number;
}

export interface BoundViolation {
  readonly packet: number;
  readonly cycles: number;
  /** the bound of its path (undefined: its rows are no path of the program) */
  readonly pathBound?: number;
}

export interface WcetVsRuns {
  readonly packets: number;
  readonly bound: number;
  readonly maxSimulated: number;
  /** some packet took exactly the bound's cycles */
  readonly reached: boolean;
  /** packets that took the worst path */
  readonly onWorstPath: number;
  /** distinct paths the packets took */
  readonly pathsTaken: number;
  /** packets above their path's bound or the worst case (none, when the bound is sound) */
  readonly violations: readonly BoundViolation[];
  /** when the bound is not reached: the worst path, which no packet took */
  readonly untested?: WcetPath;
  /** when every path is listed (Wcet.perPath): the paths no packet took, longest first */
  readonly untestedPaths?: readonly WcetPath[];
}

export function compareRuns(rows: RowProgram, core: CoreConfig, opts: WcetOptions, wcet: Wcet, runs: readonly RunPath[]): WcetVsRuns {
  const bounds = new Map<string, number | undefined>();
  const violations: BoundViolation[] = [];
  let max = 0;
  let onWorst = 0;
  for (const r of runs) {
    const key = pathKey(r.issued);
    if (!bounds.has(key)) bounds.set(key, pathCycles(rows, core, opts, r.issued));
    const pb = bounds.get(key);
    max = Math.max(max, r.cycles);
    if (key === wcet.path.key) onWorst++;
    if (pb === undefined || r.cycles > pb || r.cycles > wcet.cycles) violations.push({ packet: r.packet, cycles: r.cycles, ...(pb === undefined ? {} : { pathBound: pb }) });
  }
  const reached = runs.length > 0 && max === wcet.cycles;
  return {
    packets: runs.length, bound: wcet.cycles, maxSimulated: max, reached, onWorstPath: onWorst, pathsTaken: bounds.size, violations,
    ...(reached ? {} : { untested: wcet.path }),
    ...(wcet.perPath ? { untestedPaths: wcet.perPath.filter((p) => !bounds.has(p.key)) } : {}),
  };
}

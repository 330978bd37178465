// Collects the path each simulated packet took through the rows (a TraceSink on the core) for the
// static bound's comparison (compiler/wcet/compare.ts): `check --pcap` and `simulate --json` use it.

import type { CoreConfig, RowProgram } from '../isa/index.js';
import type { LoadedObject } from '../compiler/loader/types.js';
import type { Compiled } from '../compiler/pipeline.js';
import { compareRuns } from '../compiler/wcet/compare.js';
import type { RunPath, WcetVsRuns } from '../compiler/wcet/compare.js';
import { staticWcet } from '../compiler/wcet/index.js';
import type { IssuedRow } from '../compiler/wcet/index.js';
import type { TraceSink } from '../simulator/core/pipeline.js';
import type { MapFixture } from '../simulator/maps/fixture.js';
import { simulate } from '../simulator/simulate/run.js';
import type { SimPacket, SimulateReport } from '../simulator/simulate/run.js';

export class PathRecorder implements TraceSink {
  readonly runs: RunPath[] = [];
  private current: IssuedRow[] | undefined;
  private index = -1;

  packet(index: number): void {
    this.current = [];
    this.index = index;
  }

  row(_cycle: number, row: number, _stall: number, _why: number, _lanes: number, _fwd: number, taken: boolean): void {
    this.current?.push({ row, taken });
  }

  exit(cycles: number): void {
    if (this.current) this.runs.push({ packet: this.index, issued: this.current, cycles });
    this.current = undefined;
  }
}

/** Simulates packets on the core through the rows the check bounded, and sets each beside the bound. */
export function simulateAgainstBound(obj: LoadedObject, rows: RowProgram, compiled: Compiled, core: CoreConfig, packets: readonly SimPacket[], fixture: MapFixture | undefined, lineRateGbps: number): { report: SimulateReport; runs: WcetVsRuns; paths: readonly RunPath[] } | undefined {
  const w = staticWcet(rows, core, { mapTypes: obj.maps.map((m) => m.type), maps: obj.maps, lineRateGbps });
  if (!w.bounded) return undefined;
  const rec = new PathRecorder();
  const report = simulate(packets, {
    reference: obj, compiled: compiled.object, program: compiled.optimized.program.name, core, schedule: () => rows,
    fixture, lineRateGbps, minFrame: compiled.options.minFrame, trace: rec,
  });
  return { report, runs: compareRuns(rows, core, { mapTypes: obj.maps.map((m) => m.type), maps: obj.maps }, w.wcet, rec.runs), paths: rec.runs };
}

// Collects the path each simulated packet took through the rows (a TraceSink on the core) for the
// static bound's comparison (compiler/wcet/compare.ts): `check --pcap` and `simulate --json` use it.

import type { RunPath } from '../compiler/wcet/compare.js';
import type { IssuedRow } from '../compiler/wcet/index.js';
import type { TraceSink } from '../simulator/core/pipeline.js';

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

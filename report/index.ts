// The report library: `buildReport` measures every program given (report/collect.ts) and reads
// the sweep and synthesis files (report/inputs.ts) into ReportData; `renderHtml` draws the page
// (report/html.ts); `renderResults` writes docs/RESULTS.md (report/results-md.ts). The CLI's
// `report` command and scripts/results.ts call these; nothing here parses arguments or prints.

import { cpus, release } from 'node:os';
import type { LoadedObject } from '../compiler/loader/types.js';
import { collectProgram } from './collect.js';
import type { CollectOptions } from './collect.js';
import { readSweep, readSynth } from './inputs.js';
import type { ProgramFigures, ReportData } from './types.js';

export { renderHtml } from './html.js';
export { allCharts, CHART_NAMES } from './charts.js';
export { ReportInputError, readSweep, readSynth } from './inputs.js';
export { collectProgram } from './collect.js';
export { displayName } from './inputs.js';
export type { ReportData, ProgramFigures, Chart } from './types.js';

export interface ReportInput {
  readonly file: string;
  readonly obj: LoadedObject;
  /** the program (default: the object's first) */
  readonly program?: string;
}

/** What every program is collected with (collect.ts), and what the page adds. */
export interface ReportOptions extends Pick<CollectOptions, 'core' | 'laneCounts' | 'strategy' | 'strategies' | 'timeLimitMs' | 'maxPackets'> {
  readonly baseline: ReportData['baseline'];
  readonly sweep?: readonly string[];
  readonly synth?: readonly string[];
  readonly title?: string;
  readonly command?: string;
  /** after each program */
  readonly progress?: (done: number, total: number) => void;
}

/** The machine measured on: CPU model, cores and kernel (for the kernel JIT's figures). */
export function machineName(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown CPU'}, ${c.length} cores, Linux ${release()}`;
}

export async function buildReport(inputs: readonly ReportInput[], o: ReportOptions): Promise<ReportData> {
  const sweep = readSweep(o.sweep ?? []);
  const synth = readSynth(o.synth ?? []);
  const programs: ProgramFigures[] = [];
  for (const [i, inp] of inputs.entries()) {
    const program = inp.program ?? inp.obj.programs[0]?.name;
    if (program === undefined) continue;
    programs.push(await collectProgram(inp.obj, inp.file, program, {
      core: o.core, laneCounts: o.laneCounts, strategy: o.strategy, strategies: o.strategies, timeLimitMs: o.timeLimitMs,
      maxPackets: o.maxPackets, kernel: o.baseline === 'kernel' || o.baseline === 'both', laneMap: programs.every((p) => p.map === undefined),
    }));
    o.progress?.(i + 1, inputs.length);
  }
  if (o.baseline === 'kernel' || o.baseline === 'none')
    for (const [i, p] of programs.entries()) programs[i] = { ...p, modelNs: null };
  return {
    title: o.title ?? 'xdp2hw report', core: o.core.name, strategy: o.strategy, laneCounts: o.laneCounts, coreLanes: o.core.lanes,
    programs, sweep: sweep.points, sweepSkipped: sweep.skipped, synth, baseline: o.baseline,
    generated: { date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), machine: machineName(), ...(o.command ? { command: o.command } : {}) },
  };
}

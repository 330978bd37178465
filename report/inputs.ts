// Reads what other commands wrote for the report: `xdp2hw sweep` output (one JSON object a line)
// and `xdp2hw verilog --synth --json` documents. Tolerant by design: unknown fields are ignored,
// a sweep line missing what the charts need (or torn, or not JSON) is skipped and counted; only a
// file that cannot be read, or a synthesis file without any synthesis figures, is an error.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readProblem } from '../simulator/io/files.js';
import { parseJson } from '../simulator/io/json.js';
import type { SweepPoint, SynthPoint } from './types.js';

/** A report input that cannot be used: one line naming the file (and line). */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReportInputError(`${path}: ${readProblem(e)}`);
  }
}

/** The name shown for a file: its base name without the extension (hXDP's tables use these). */
export function displayName(file: string): string {
  return basename(file).replace(/\.(o|elf|txt|bin|raw|lst)$/i, '');
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** One sweep line as a point, or undefined when it lacks program, lanes, strategy or core; named by its file when it has one. */
export function sweepPoint(v: unknown): SweepPoint | undefined {
  if (!isObject(v)) return undefined;
  const file = str(v.file);
  const program = file === undefined ? str(v.program) : displayName(file);
  const lanes = num(v.lanes);
  const strategy = str(v.strategy);
  const core = str(v.core);
  if (program === undefined || lanes === undefined || strategy === undefined || core === undefined) return undefined;
  const passes = Array.isArray(v.passes) ? v.passes.filter((p) => typeof p === 'string').join(',') : str(v.passes);
  const opt = (k: keyof SweepPoint & string) => (num(v[k]) === undefined ? {} : { [k]: num(v[k]) });
  return {
    program, lanes, strategy, core, ...(passes === undefined ? {} : { passes }),
    ...opt('clockMHz'), ...opt('rows'), ...opt('insnsOriginal'), ...opt('insnsOptimized'), ...opt('cyclesMean'),
    ...opt('cyclesP99'), ...opt('mpps'), ...opt('ipc'), ...opt('mismatches'),
  };
}

/** Every usable point of sweep files, and how many lines were skipped. */
export function readSweep(paths: readonly string[]): { points: SweepPoint[]; skipped: number } {
  const points: SweepPoint[] = [];
  let skipped = 0;
  for (const path of paths) {
    for (const line of readText(path).split('\n')) {
      if (line.trim() === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        skipped++; // a torn last line of a killed sweep, or not JSON
        continue;
      }
      const p = sweepPoint(v);
      if (p) points.push(p);
      else skipped++;
    }
  }
  return { points, skipped };
}

/** `synth-4.json`, `xdp1-4lanes.json`, `lanes4.json`: a lane count in a file name, when the JSON has none. */
function lanesInName(path: string): number | undefined {
  const m = /(?:lanes?[-_]?([1-8])(?![0-9]))|(?:(?<![0-9])([1-8])[-_]?lanes?)|(?:[-_]([1-8])\.json$)/i.exec(basename(path));
  return m ? Number(m[1] ?? m[2] ?? m[3]) : undefined;
}

/** The synthesis figures of one `xdp2hw verilog --synth --json` document. */
export function synthPoint(v: unknown, path: string): SynthPoint {
  if (!isObject(v)) throw new ReportInputError(`${path}: not a JSON object`);
  const s = isObject(v.synth) ? v.synth : undefined;
  if (!s) throw new ReportInputError(`${path}: no "synth" object (write it with xdp2hw verilog FILE --out DIR --synth --json)`);
  const luts = num(s.luts);
  const ffs = num(s.ffs);
  if (luts === undefined || ffs === undefined) throw new ReportInputError(`${path}: synth: "luts" and "ffs" must be numbers`);
  const core = isObject(s.core) ? s.core : {};
  const lanes = num(v.lanes) ?? num(s.lanes) ?? (isObject(v.design) ? num(v.design.lanes) : undefined) ?? lanesInName(path);
  const coreName = str(v.core) ?? (isObject(v.core) ? str(v.core.name) : undefined);
  const program = str(v.program);
  const flow = str(s.flow);
  const opt = (k: string, x: number | undefined) => (x === undefined ? {} : { [k]: x });
  return {
    file: path, luts, ffs, ...opt('lanes', lanes), ...(coreName ? { core: coreName } : {}), ...(program ? { program } : {}), ...(flow ? { flow } : {}),
    ...opt('brams', num(s.brams)), ...opt('dsps', num(s.dsps)), ...opt('logicLevels', num(s.logicLevels)),
    ...opt('coreLuts', num(core.luts)), ...opt('coreFfs', num(core.ffs)),
  };
}

export function readSynth(paths: readonly string[]): SynthPoint[] {
  return paths.map((path) => {
    let v: unknown;
    try {
      v = parseJson(readText(path));
    } catch (e) {
      if (e instanceof ReportInputError) throw e;
      throw new ReportInputError(`${path}: not JSON: ${(e as Error).message}`);
    }
    return synthPoint(v, path);
  }).sort((a, b) => (a.lanes ?? 99) - (b.lanes ?? 99));
}

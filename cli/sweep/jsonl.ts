// A sweep's output file: one JSON object a line. Reading keeps every complete line (a line that
// is not a point is one clear error naming the file and line) and ignores a torn last line, which
// an appender first cuts off; appending writes each line with one write(2) on an O_APPEND file, so
// a killed run leaves whole lines only (or a torn last line, which the next run redoes).

import { closeSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { readProblem } from '../../simulator/io/files.js';
import { UserError } from '../errors.js';
import { TIMING_FIELDS } from './run-point.js';
import type { PointRecord } from './run-point.js';

export interface ReadPoints {
  readonly points: PointRecord[];
  /** bytes of whole lines; what follows is a torn line (absent: none) */
  readonly wholeBytes: number;
  readonly torn: boolean;
}

/**
 * Reads a sweep output. As the output of a run (`asOutput`), a missing file or one that is not a
 * regular file (a device such as /dev/null or /dev/full, a pipe) holds no points and is not read.
 */
export function readPoints(path: string, asOutput = false): ReadPoints {
  let bytes: Buffer;
  try {
    if (asOutput && !statSync(path).isFile() && !statSync(path).isDirectory()) return { points: [], wholeBytes: 0, torn: false };
    bytes = readFileSync(path);
  } catch (e) {
    if (asOutput && (e as NodeJS.ErrnoException).code === 'ENOENT') return { points: [], wholeBytes: 0, torn: false };
    throw new UserError(`${path}: ${readProblem(e)}`);
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  const points: PointRecord[] = [];
  const text = bytes.subarray(0, end).toString('utf8');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new UserError(`${path}: line ${i + 1}: not JSON: not a sweep output (one JSON point a line)`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { id?: unknown }).id !== 'string')
      throw new UserError(`${path}: line ${i + 1}: not a sweep point (an object with an "id")`);
    points.push(v as PointRecord);
  });
  const tail = bytes.subarray(end);
  // a torn line is what a killed writer leaves: the start of a point; anything else is not ours to cut
  if (tail.length > 0 && tail[0] !== 0x7b) throw new UserError(`${path}: line ${lines.length + 1}: not a sweep point (the file does not look like a sweep output)`);
  return { points, wholeBytes: end, torn: tail.length > 0 };
}

/** Appends points to a sweep output, one write per line; cuts off a torn last line first. */
export class PointWriter {
  private readonly fd: number;

  constructor(readonly path: string, wholeBytes: number, torn: boolean) {
    try {
      this.fd = openSync(path, 'a');
      if (torn) ftruncateSync(this.fd, wholeBytes);
    } catch (e) {
      throw new UserError(`${path}: cannot write: ${readProblem(e)}`);
    }
  }

  append(p: PointRecord): void {
    const line = Buffer.from(`${JSON.stringify(p)}\n`, 'utf8');
    let off = 0;
    try {
      while (off < line.length) off += writeSync(this.fd, line, off, line.length - off);
    } catch (e) {
      throw new UserError(`${this.path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A point without its timing fields: what two runs of the same point must agree on. */
export function withoutTiming(p: PointRecord): Record<string, unknown> {
  const o: Record<string, unknown> = { ...p };
  for (const f of TIMING_FIELDS) delete o[f];
  return o;
}

const COORDS = ['program', 'file', 'core', 'passes', 'clockMHz', 'lanes', 'strategy', 'maxPackets', 'id'] as const;

/** The deterministic order of merged output: by coordinates, then id. */
export function comparePoints(a: PointRecord, b: PointRecord): number {
  for (const k of COORDS) {
    const x = a[k] as string | number;
    const y = b[k] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

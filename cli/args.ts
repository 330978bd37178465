// Argument helpers shared by commands: integer lists such as "1-8" or "0,2,5-7".

import { UsageError } from './errors.js';

const MAX_LIST = 4096;

/** Parses "a", "a-b", "a,b,c-d" into the integers listed, each within [min, max]. */
export function parseIntList(text: string, option: string, min = 0, max = 0xffffffff): number[] {
  const out: number[] = [];
  for (const part of String(text).split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--${option}: "${part}" is not a number or a range a-b`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi || lo < min || hi > max) throw new UsageError(`--${option}: ${part} is outside ${min}-${max} or reversed`);
    if (out.length + (hi - lo + 1) > MAX_LIST) throw new UsageError(`--${option}: more than ${MAX_LIST} values`);
    for (let v = lo; v <= hi; v++) out.push(v);
  }
  return out;
}

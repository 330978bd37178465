// Checks every command's option values alike before a handler runs: numbers by name against one
// table of ranges, and options that do not apply to the chosen mode. Usage errors only (exit 2);
// whether a file exists or parses is the reader's to say (exit 1).

import { MAX_FLOWS, MAX_PACKETS } from '../simulator/traffic/spec.js';
import { UsageError } from './errors.js';

interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

const U32 = 0xffffffff;
const whole = (min: number, max = U32): NumberRange => ({ min, max, integer: true });
const real = (min: number, max: number): NumberRange => ({ min, max, integer: false });

/** Every number option of every command: one meaning and one range per name. */
export const NUMBER_OPTIONS: Readonly<Record<string, NumberRange>> = {
  'max-packets': whole(0, Number.MAX_SAFE_INTEGER),
  budget: whole(1),
  'ctx-ifindex': whole(0),
  'rx-queue': whole(0),
  'egress-ifindex': whole(0),
  min: real(0, 100),
  packets: whole(0, MAX_PACKETS),
  seed: whole(0),
  flows: whole(1, MAX_FLOWS),
  zipf: real(0, 10), // as a traffic spec's "zipf"
  'vlan-share': real(0, 1),
  'ipv6-share': real(0, 1),
  'malformed-share': real(0, 1),
};

const describeRange = (r: NumberRange): string =>
  `${r.integer ? 'a whole number' : 'a number'} ${r.max === Number.MAX_SAFE_INTEGER ? `of ${r.min} or more` : `from ${r.min} to ${r.max}`}`;

/**
 * yargs middleware: a number option given text (yargs makes it NaN), a fraction where a count is
 * meant, or a value outside its range is a usage error naming the option.
 */
export function checkNumbers(argv: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(argv)) {
    if (typeof v !== 'number') continue;
    const flag = `${key.length > 1 ? '--' : '-'}${key}`;
    if (Number.isNaN(v)) throw new UsageError(`${flag}: expected a number`);
    const r = NUMBER_OPTIONS[key];
    if (r === undefined) continue; // an alias's short name; its long name is checked
    if ((r.integer && !Number.isInteger(v)) || v < r.min || v > r.max)
      throw new UsageError(`${flag} ${v}: expected ${describeRange(r)}`);
  }
}

/** Throws when an option of `notWith` was given together with `mode` (both as spelled on the command line). */
export function rejectOutOfMode(argv: Record<string, unknown>, mode: string, notWith: readonly string[]): void {
  const given = notWith.find((k) => argv[k] !== undefined && argv[k] !== false);
  if (given !== undefined) throw new UsageError(`--${given} does not apply with --${mode}`);
}

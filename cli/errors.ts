// How the CLI reports failure: a known error (bad input, bad fixture, bad usage) becomes one line
// on stderr and exit 1 (2 for usage); anything else is our bug and keeps its stack trace.

import { AsmError, IsaError } from '../isa/index.js';
import { LoadError } from '../compiler/loader/types.js';
import { FixtureError } from '../simulator/maps/fixture.js';
import { OutputError } from '../simulator/io/atomic.js';
import { PcapError } from '../simulator/pcap/format.js';
import { TrafficSpecError } from '../simulator/traffic/values.js';
import { KernelError } from '../simulator/kernel/errors.js';

/** A failure the user can fix: printed as one line. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Error classes whose message is already the one line a user should see. */
const KNOWN: (abstract new (...a: never[]) => Error)[] = [UserError, LoadError, FixtureError, IsaError, AsmError, PcapError, TrafficSpecError, OutputError, KernelError];

export function isUserFacing(e: unknown): e is Error {
  return KNOWN.some((k) => e instanceof k);
}

/** Control characters (a newline in a file name or argument) escaped, so a message stays one line. */
export function oneLine(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Prints the error and returns the exit code. */
export function report(e: unknown): number {
  if (isUserFacing(e)) {
    process.stderr.write(`xdp2hw: ${oneLine(e.message)}\n`);
    return e instanceof UserError ? e.exitCode : 1;
  }
  const err = e as Error & { code?: string };
  if (err?.code === 'EPIPE') return 0;
  process.stderr.write(`xdp2hw: internal error: ${err?.stack ?? String(e)}\n`);
  return 70;
}

// The fuzzing oracle: a call either returns, or throws a user-facing error (cli/errors.ts's
// isUserFacing) whose message is one line (naming the input when the API was given a name).

import { isUserFacing } from '../../cli/errors.js';

export type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'clean'; readonly message: string }
  | { readonly kind: 'failure'; readonly why: string };

export const OK: Verdict = { kind: 'ok' };

/** The longest a single input may take before it counts as a failure (a near-hang). */
export const SLOW_MS = 2000;

/** A thrown value judged: a clean refusal, or a failure saying what was wrong. */
export function judgeError(e: unknown, name?: string): Verdict {
  if (!isUserFacing(e)) {
    const err = e as Error | undefined;
    const what = err instanceof Error ? `${err.name}: ${err.message}` : `non-Error thrown: ${String(e)}`;
    const at = err instanceof Error ? (err.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ') : '';
    return { kind: 'failure', why: `uncaught ${what.split('\n')[0]}${at ? ` (${at})` : ''}` };
  }
  const msg = e.message;
  if (msg.includes('\n')) return { kind: 'failure', why: `${e.name} message spans lines: ${JSON.stringify(msg.slice(0, 200))}` };
  if (msg.trim() === '') return { kind: 'failure', why: `${e.name} with an empty message` };
  if (name !== undefined && !msg.includes(name)) return { kind: 'failure', why: `${e.name} does not name ${name}: ${msg.slice(0, 200)}` };
  return { kind: 'clean', message: msg };
}

/** Runs `fn` and judges the outcome; async functions are awaited. */
export async function judge(fn: () => unknown, name?: string): Promise<Verdict> {
  try {
    await fn();
    return OK;
  } catch (e) {
    return judgeError(e, name);
  }
}

/** `judge`, plus the time bound: a call slower than SLOW_MS is a failure whatever it returned. */
export async function judgeTimed(fn: () => unknown, name?: string, slowMs = SLOW_MS): Promise<Verdict & { ms: number }> {
  const t0 = performance.now();
  const v = await judge(fn, name);
  const ms = performance.now() - t0;
  if (ms > slowMs && v.kind !== 'failure') return { kind: 'failure', why: `took ${ms.toFixed(0)} ms (bound ${slowMs} ms)`, ms };
  return { ...v, ms };
}

// Runs the CLI in-process (cli/main.ts's main(argv)) with stdout/stderr writes (and console) captured,
// and checks the exit contract: 0, 1 or 2; on 1 exactly one `xdp2hw: ` line on stderr, on 2 that
// line and optionally "(see xdp2hw --help)"; never 70 (our bug).

import { main } from '../../cli/main.js';
import type { Verdict } from './oracle.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type Write = typeof process.stdout.write;

/** One call of main(argv) with its output captured (writes are swallowed, not printed). */
export async function runMain(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = [process.stdout.write, process.stderr.write] as const;
  const sink = (into: string[]): Write =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as Write;
  const savedConsole = [console.log, console.info, console.warn, console.error] as const;
  const line = (into: string[]) => (...a: unknown[]) => void into.push(`${a.map(String).join(' ')}\n`);
  process.stdout.write = sink(out);
  process.stderr.write = sink(err);
  // yargs prints help and messages with console.log / console.error (which a test runner may own)
  [console.log, console.info] = [line(out), line(out)];
  [console.warn, console.error] = [line(err), line(err)];
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    [process.stdout.write, process.stderr.write] = saved;
    [console.log, console.info, console.warn, console.error] = savedConsole;
  }
}

/** The exit contract of cli/errors.ts, judged. */
export function judgeRun(r: CliRun): Verdict {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const first = lines[0] ?? '';
  if (r.code === 0) return { kind: 'ok' };
  if (r.code !== 1 && r.code !== 2) return { kind: 'failure', why: `exit ${r.code}: ${r.stderr.slice(0, 600)}` };
  if (!first.startsWith('xdp2hw: ') || first.startsWith('xdp2hw: internal error'))
    return { kind: 'failure', why: `exit ${r.code} without an "xdp2hw: " line: ${JSON.stringify(r.stderr.slice(0, 300))}` };
  const extra = lines.slice(1);
  if (r.code === 1 && extra.length > 0) return { kind: 'failure', why: `exit 1 with ${lines.length} stderr lines: ${JSON.stringify(r.stderr.slice(0, 300))}` };
  if (r.code === 2 && (extra.length > 1 || (extra.length === 1 && extra[0] !== '(see xdp2hw --help)')))
    return { kind: 'failure', why: `usage error with extra stderr lines: ${JSON.stringify(r.stderr.slice(0, 300))}` };
  return { kind: 'clean', message: first };
}

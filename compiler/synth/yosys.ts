// Runs Yosys on a script: under `nice`, with a timeout, its log kept. Every failure (not
// installed, timed out, an ERROR in the log, killed) becomes one SynthError with a one-line
// message; this module does not build scripts nor read statistics (script.ts, stat.ts do).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';

/** A synthesis that could not run or finish; `message` is one line for the user. */
export class SynthError extends Error {
  override readonly name = 'SynthError';
}

export interface YosysRun {
  /** Yosys's log (`-l`), whole */
  log: string;
  /** files the script wrote with `tee -o` into its scratch directory, by name */
  outputs: Map<string, string>;
  /** wall seconds */
  seconds: number;
}

export interface YosysOptions {
  /** working directory: where the design's relative paths ($readmemh files) resolve */
  cwd: string;
  /** kill Yosys after this many milliseconds (default 30 minutes) */
  timeoutMs?: number;
  /** niceness Yosys runs at (default 10; this process's own if it is already nicer) */
  nice?: number;
  /** the Yosys binary (default `yosys` on PATH) */
  yosys?: string;
}

export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/** Yosys's version line ("Yosys 0.23 (git sha1 ...)"), or undefined when it is not installed. */
export function yosysVersion(yosys = 'yosys'): string | undefined {
  const r = spawnSync(yosys, ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim();
}

/**
 * Runs `script` (Yosys commands, one per line). The script names its outputs `@OUT@/<name>`;
 * they are read back into `outputs` and the scratch directory removed.
 */
export async function runYosys(script: string, opts: YosysOptions): Promise<YosysRun> {
  const yosys = opts.yosys ?? 'yosys';
  if (!yosysVersion(yosys)) throw new SynthError(`yosys: '${yosys}' is not installed or does not run (Debian: apt-get install yosys; npm run tools)`);
  const scratch = mkdtempSync(join(tmpdir(), 'xdp2hw-synth-'));
  try {
    const scriptFile = join(scratch, 'synth.ys');
    const logFile = join(scratch, 'yosys.log');
    writeFileSync(scriptFile, script.replaceAll('@OUT@', scratch));
    // the niceness Yosys runs at, whatever this process's own is (nice -n adds to it)
    const nice = Math.max(0, (opts.nice ?? 10) - getPriority());
    const argv = ['-q', '-l', logFile, '-s', scriptFile];
    const [cmd, args] = nice > 0 ? ['nice', ['-n', String(nice), yosys, ...argv]] : [yosys, argv];
    const t0 = Date.now();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { code, signal, stderr, timedOut } = await spawnWithTimeout(cmd, args, opts.cwd, timeoutMs);
    const seconds = (Date.now() - t0) / 1000;
    const log = readIfThere(logFile);
    if (timedOut) throw new SynthError(`yosys: timed out after ${+(timeoutMs / 1000).toFixed(1)} s (raise --synth-timeout or synthesize fewer lanes)`);
    if (signal) throw new SynthError(`yosys: killed by ${signal} after ${Math.round(seconds)} s${signal === 'SIGKILL' ? ' (out of memory? the kernel\'s OOM killer sends SIGKILL)' : ''}`);
    if (code !== 0) throw new SynthError(`yosys: ${firstError(log, stderr) ?? `exited with status ${code}`}`);
    const outputs = new Map<string, string>();
    for (const name of outputsNamed(script)) outputs.set(name, readIfThere(join(scratch, name)));
    return { log, outputs, seconds };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The `@OUT@/<name>` files a script writes. */
function outputsNamed(script: string): string[] {
  return [...script.matchAll(/@OUT@\/([\w.-]+)/g)].map((m) => m[1]);
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The first "ERROR: ..." line of the log or stderr, with the location Yosys gives. */
export function firstError(log: string, stderr = ''): string | undefined {
  for (const text of [log, stderr]) {
    const m = /^(.*ERROR: .*)$/m.exec(text);
    if (m) return m[1].trim();
  }
  const s = stderr.trim().split('\n')[0];
  return s ? s : undefined;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  timedOut: boolean;
}

function spawnWithTimeout(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    // Yosys in its own process group, so a timeout (or this process exiting) kills the
    // berkeley-abc children it spawns too, not Yosys alone
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    process.once('exit', killGroup);
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      reject(new SynthError(`yosys: cannot start '${cmd}': ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      resolve({ code, signal, stderr, timedOut });
    });
  });
}

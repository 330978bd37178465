// One long-lived `bpftool -j batch file -` process fed commands on stdin, so a test run and the
// map dumps that follow it cost a pipe round trip instead of a process start each.
// bpftool stops at the first failing command; the next request starts a fresh process.
// bpftool closes a command's JSON element only when the next command starts, so every request
// ends with a cheap `version` command whose element is dropped.

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { KernelError } from './errors.js';

/** bpftool's batch limits (BATCH_LINE_LEN_MAX, BATCH_ARG_NB_MAX), with a margin. */
const MAX_LINE = 60_000;
const MAX_ARGS = 4_000;
/**
 * bpftool 7.1's `prog run` never closes the program fd it opens: a process is retired after this
 * many runs, far below the usual 1024 open-file limit.
 */
const RUNS_PER_PROCESS = 256;
/** Ends every request: its start closes the element of the request's last command. */
const SENTINEL = 'version';

/** A command of a batch failed; `index` is its position in the request. */
export class BatchCommandError extends KernelError {
  constructor(readonly index: number, readonly command: string, readonly why: string, stderr: string) {
    super(`bpftool ${command}: ${why}`, stderr);
    this.name = 'BatchCommandError';
  }
}

interface Request {
  child: ChildProcessWithoutNullStreams;
  commands: string[];
  outputs: unknown[];
  resolve: (outputs: unknown[]) => void;
  reject: (e: Error) => void;
}

/**
 * Splits bpftool's streamed top-level JSON array into its elements as they complete. Chunks are
 * scanned once each and an element's pieces joined once (no re-scanning of a growing string).
 */
class ElementSplitter {
  private parts: string[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inElement = false;

  push(chunk: string, emit: (element: string) => void): void {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (this.depth === 1 && c === 0x7b) {
          this.inElement = true;
          from = i;
        }
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 1 && c === 0x7d && this.inElement) {
          this.parts.push(chunk.slice(from, i + 1));
          emit(this.parts.join(''));
          this.parts = [];
          this.inElement = false;
        }
      }
    }
    if (this.inElement) this.parts.push(chunk.slice(from));
  }
}

export class BpftoolBatch {
  private child?: ChildProcessWithoutNullStreams;
  private current?: Request;
  private stderr = '';
  /** sentinel elements still to come from the current process (one per completed request) */
  private sentinels = 0;
  /** `prog run` commands sent to the current process (each leaks a file descriptor there) */
  private runs = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** `prefix` runs bpftool's environment (netns, CPU); bpftool's own argv follows. */
  constructor(private readonly prefix: readonly string[]) {}

  /** True when the command can go through a batch line (else run it as its own process). */
  static fits(args: readonly string[]): boolean {
    return args.length < MAX_ARGS && args.join(' ').length < MAX_LINE;
  }

  /** Runs the commands in order; resolves with each one's JSON output. */
  exec(commands: readonly (readonly string[])[]): Promise<unknown[]> {
    const lines = commands.map((c) => c.join(' '));
    const run = this.queue.then(() => this.send(lines));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the process (its stdin closes; killed if it lingers). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    });
  }

  /** Kills the process at once (for the exit hook). */
  kill(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    this.child = undefined;
  }

  private send(lines: string[]): Promise<unknown[]> {
    if (lines.length === 0) return Promise.resolve([]);
    const runs = lines.filter((l) => l.startsWith('prog run ')).length;
    if (this.child && this.runs + runs > RUNS_PER_PROCESS) this.retire();
    const child = this.child ?? this.start();
    this.runs += runs;
    return new Promise((resolve, reject) => {
      this.current = { child, commands: lines, outputs: [], resolve, reject };
      child.stdin.write(`${lines.join('\n')}\n${SENTINEL}\n`);
    });
  }

  /** Lets the current process finish on its own (end of input) and forgets it. */
  private retire(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    const argv = [...this.prefix, 'stdbuf', '-i0', '-oL', 'bpftool', '-j', 'batch', 'file', '-'];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const splitter = new ElementSplitter();
    this.stderr = '';
    this.sentinels = 0;
    this.runs = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => splitter.push(d, (el) => this.onElement(child, el)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => this.onGone(child, `cannot start bpftool: ${e.message}`));
    child.on('close', (code) => this.onGone(child, `bpftool exited (${code})`));
    this.child = child;
    return child;
  }

  private onElement(child: ChildProcessWithoutNullStreams, text: string): void {
    if (child !== this.child) return;
    if (this.sentinels > 0) {
      this.sentinels--;
      return;
    }
    const req = this.current;
    if (!req) return;
    const el = JSON.parse(text) as { output?: unknown };
    const out = el.output ?? null;
    const index = req.outputs.length;
    if (isError(out)) {
      // bpftool exits after a failed command: the next request needs a new process.
      if (this.child === req.child) this.child = undefined;
      req.child.stdin.end();
      this.current = undefined;
      req.reject(new BatchCommandError(index, req.commands[index] ?? '?', out.error, this.stderr));
      return;
    }
    req.outputs.push(out);
    if (req.outputs.length === req.commands.length) {
      this.current = undefined;
      this.sentinels++;
      req.resolve(req.outputs);
    }
  }

  private onGone(child: ChildProcessWithoutNullStreams, why: string): void {
    if (this.child === child) this.child = undefined;
    const req = this.current;
    if (!req || req.child !== child) return;
    this.current = undefined;
    const index = req.outputs.length;
    req.reject(new BatchCommandError(index, req.commands[index] ?? '?', `${why}: ${this.stderr.trim().split('\n').pop() ?? ''}`, this.stderr));
  }
}

function isError(out: unknown): out is { error: string } {
  return typeof out === 'object' && out !== null && !Array.isArray(out) && typeof (out as { error?: unknown }).error === 'string';
}

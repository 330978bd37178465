// Running the tools the oracle drives (bpftool, ip, nsenter) as child processes, optionally
// inside the oracle's network namespace. No parsing here.

import { spawn } from 'node:child_process';

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The argv prefix that runs a command in network namespace `ns` (and only its network). */
export function inNetns(ns: string, argv: readonly string[]): string[] {
  // nsenter, not `ip netns exec`: the latter remounts /sys and so hides /sys/fs/bpf and its pins.
  return ['nsenter', `--net=/run/netns/${ns}`, ...argv];
}

/** Runs argv to completion; never rejects for a non-zero exit (the caller reads `status`). */
export function runTool(argv: readonly string[], input?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Runs argv and returns stdout; a non-zero exit becomes `fail(result)`'s error. */
export async function mustRun(argv: readonly string[], fail: (r: ToolResult) => Error, input?: string): Promise<string> {
  const r = await runTool(argv, input);
  if (r.status !== 0) throw fail(r);
  return r.stdout;
}

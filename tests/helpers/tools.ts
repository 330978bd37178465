// What this machine can do for the tests: Debian tools on PATH, root with a BPF filesystem.
// Tests that need a tool call `needs(...)`: when something is missing they are skipped with the
// reason printed, never quietly.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const cache = new Map<string, string | undefined>();

/** undefined when `tool` runs; otherwise why not. */
export function toolMissing(tool: string): string | undefined {
  if (!cache.has(tool)) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    cache.set(tool, r.status === 0 ? undefined : `${tool} is not installed (run: npm run tools)`);
  }
  return cache.get(tool);
}

/** undefined when the kernel can load and test-run XDP programs here; otherwise why not. */
export function kernelMissing(): string | undefined {
  if (cache.has('<kernel>')) return cache.get('<kernel>');
  let why: string | undefined = toolMissing('bpftool');
  if (!why && process.getuid?.() !== 0) why = 'not root: loading BPF programs needs CAP_BPF and CAP_NET_ADMIN';
  if (!why && !existsSync('/sys/fs/bpf')) why = '/sys/fs/bpf does not exist';
  if (!why && !readFileSync('/proc/mounts', 'utf8').includes(' /sys/fs/bpf ')) {
    try {
      execFileSync('mount', ['-t', 'bpf', 'bpf', '/sys/fs/bpf'], { stdio: 'ignore' });
    } catch {
      why = 'the BPF filesystem is not mounted at /sys/fs/bpf and mounting it failed';
    }
  }
  if (!why) {
    const r = spawnSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' });
    if (r.status !== 0) why = `bpftool cannot list programs: ${(r.stderr || '').trim().split('\n')[0]}`;
  }
  cache.set('<kernel>', why);
  return why;
}

/**
 * The first reason among `reasons` (from toolMissing/kernelMissing), printed once per file;
 * use as `describe.skipIf(needs(toolMissing('clang')))(...)`.
 */
export function needs(...reasons: (string | undefined)[]): boolean {
  const why = reasons.find((r) => r !== undefined);
  if (why) console.warn(`SKIPPED (${why})`);
  return why !== undefined;
}

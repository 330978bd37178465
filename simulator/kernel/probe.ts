// Whether this machine can serve as the oracle: the tools, root, a mounted BPF filesystem, and a
// kernel that lets bpftool list programs. Answered once per process.

import { existsSync, readFileSync } from 'node:fs';
import { runTool } from './proc.js';

const TOOLS = ['bpftool', 'ip', 'nsenter', 'taskset', 'stdbuf'] as const;
let answer: Promise<string | undefined> | undefined;

async function missingTool(): Promise<string | undefined> {
  for (const t of TOOLS) {
    const r = await runTool(['sh', '-c', `command -v ${t}`]);
    if (r.status !== 0) return `${t} is not installed`;
  }
  return undefined;
}

async function bpffs(): Promise<string | undefined> {
  if (!existsSync('/sys/fs/bpf')) return '/sys/fs/bpf does not exist';
  if (readFileSync('/proc/mounts', 'utf8').includes(' /sys/fs/bpf bpf ')) return undefined;
  const r = await runTool(['mount', '-t', 'bpf', 'bpf', '/sys/fs/bpf']);
  return r.status === 0 ? undefined : `the BPF filesystem is not mounted at /sys/fs/bpf and mounting it failed: ${r.stderr.trim()}`;
}

async function probe(): Promise<string | undefined> {
  const tool = await missingTool();
  if (tool) return tool;
  if (process.getuid?.() !== 0) return 'not root: loading BPF programs and making network namespaces needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN';
  const fs = await bpffs();
  if (fs) return fs;
  const list = await runTool(['bpftool', 'prog', 'show', '-j']);
  if (list.status !== 0) return `BPF is not usable: bpftool prog show: ${(list.stderr || list.stdout).trim().split('\n')[0]}`;
  const cpu = await runTool(['taskset', '-c', '0', 'true']);
  if (cpu.status !== 0) return 'this process may not run on CPU 0 (taskset -c 0 fails)';
  return undefined;
}

/** undefined when the kernel oracle can run here; otherwise why not. */
export function kernelUnavailable(): Promise<string | undefined> {
  answer ??= probe();
  return answer;
}

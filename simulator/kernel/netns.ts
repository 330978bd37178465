// The oracle's private network namespace: `lo` (ifindex 1, up) and devices d2..d8 with ifindexes
// 2..8, so devmap values and ctx ingress_ifindex mean the same devices on every machine.

import { execFileSync } from 'node:child_process';
import { KernelError, toolComplaint } from './errors.js';
import { mustRun, runTool } from './proc.js';

/** The highest interface index a fixture or a run may use (docs/FIXTURES.md). */
export const MAX_IFINDEX = 8;
/** Receive queues per device: ctx rx_queue_index may be 0..RX_QUEUES-1 on d2..d8 (lo has 1). */
export const RX_QUEUES = 8;

/** Device types tried in order: `dummy` where the kernel has it, else `ifb` or `bridge` (one device each). */
const DEVICE_TYPES = ['dummy', 'ifb', 'bridge'] as const;
let deviceType: string | undefined;

function fail(what: string) {
  return (r: { stderr: string; stdout: string }) => new KernelError(`network namespace: ${what}: ${toolComplaint(r.stderr, r.stdout)}`);
}

function addArgs(ns: string, i: number, type: string): string[] {
  return ['ip', '-n', ns, 'link', 'add', `d${i}`, 'index', String(i), 'numrxqueues', String(RX_QUEUES), 'numtxqueues', String(RX_QUEUES), 'type', type];
}

/** Finds a device type this kernel can create, by creating d2 with it. */
async function addFirstDevice(ns: string): Promise<string> {
  const tried: string[] = [];
  for (const type of deviceType ? [deviceType] : DEVICE_TYPES) {
    const r = await runTool(addArgs(ns, 2, type));
    if (r.status === 0) {
      deviceType = type;
      return type;
    }
    tried.push(`${type}: ${toolComplaint(r.stderr)}`);
  }
  throw new KernelError(`network namespace: cannot create a network device (${tried.join('; ')})`);
}

/** Creates namespace `ns` with lo and d2..d8; checks the numbering. Removes it again on failure. */
export async function createNetns(ns: string): Promise<void> {
  await mustRun(['ip', 'netns', 'add', ns], fail(`cannot add ${ns}`));
  try {
    await mustRun(['ip', '-n', ns, 'link', 'set', 'lo', 'up'], fail('cannot bring lo up'));
    const type = await addFirstDevice(ns);
    const rest: string[] = [];
    for (let i = 3; i <= MAX_IFINDEX; i++) rest.push(addArgs(ns, i, type).slice(3).join(' '));
    await mustRun(['ip', '-n', ns, '-batch', '-'], fail(`cannot create ${type} devices`), rest.join('\n') + '\n');
    await checkNumbering(ns);
  } catch (e) {
    removeNetnsSync(ns);
    throw e;
  }
}

async function checkNumbering(ns: string): Promise<void> {
  const out = await mustRun(['ip', '-n', ns, '-j', 'link', 'show'], fail('cannot list devices'));
  const links = JSON.parse(out) as { ifindex: number; ifname: string }[];
  const byIndex = new Map(links.map((l) => [l.ifindex, l.ifname]));
  const want = (i: number) => (i === 1 ? 'lo' : `d${i}`);
  for (let i = 1; i <= MAX_IFINDEX; i++) {
    if (byIndex.get(i) !== want(i))
      throw new KernelError(`network namespace ${ns}: ifindex ${i} is ${byIndex.get(i) ?? 'missing'}, expected ${want(i)}`);
  }
}

/** Deletes namespace `ns` (its devices go with it); synchronous for exit hooks. */
export function removeNetnsSync(ns: string): void {
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
  } catch (e) {
    const msg = String((e as { stderr?: Buffer }).stderr ?? e);
    if (!/No such file|Invalid argument/.test(msg)) throw new KernelError(`cannot remove network namespace ${ns}: ${msg.trim()}`);
  }
}

/** Names of the namespaces that exist now (from /run/netns via ip). */
export async function listNetns(): Promise<string[]> {
  const r = await runTool(['ip', '-j', 'netns', 'list']);
  if (r.status !== 0 || r.stdout.trim() === '') return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}

// Test utility for the kernel oracle: compiles the C programs in tests/kernel/c at test time,
// loads them with the project's loader, and lists what a process left in /sys/fs/bpf, /run/netns
// and the temp directories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';

const C_DIR = join(dirname(fileURLToPath(import.meta.url)), 'c');
const MULTIARCH = '/usr/include/x86_64-linux-gnu';

/** Compiles tests/kernel/c/<name>.c into a fresh temp dir; returns the object's path. */
export function compile(name: string, outDir: string): string {
  const out = join(outDir, `${name}.o`);
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', `-I${MULTIARCH}`, '-c', join(C_DIR, `${name}.c`), '-o', out], { stdio: 'pipe' });
  return out;
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-kernel-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Compiles and loads (the project's loader: map names as the object has them). */
export function compileAndLoad(name: string, outDir: string): LoadedObject {
  return loadFile(compile(name, outDir));
}

/** Pins, namespaces and packet directories a process `pid` of the oracle still holds. */
export function leftovers(pid: number): string[] {
  const mine = (n: string) => new RegExp(`^xdp2hw-${pid}-\\d+(-|$)`).test(n);
  const found: string[] = [];
  for (const dir of ['/sys/fs/bpf', '/run/netns', '/dev/shm', tmpdir()]) {
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir)) if (mine(n)) found.push(join(dir, n));
  }
  return found;
}

/** A 64-byte frame whose byte 0 picks the test program's mode and bytes 4..7 hold `arg` (LE). */
export function modePacket(mode: number, arg: number | readonly number[], size = 64): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 16; i < size; i++) p[i] = i & 0xff;
  p[0] = mode;
  if (typeof arg === 'number') new DataView(p.buffer).setUint32(4, arg >>> 0, true);
  else p.set(arg, 4);
  return p;
}

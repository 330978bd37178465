// Test helper: compiles the loader's test programs (tests/loader/c/*.c) with Debian's clang into a
// temporary directory, once per test process; a `// cflags:` line in a source adds flags.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/paths.js';

export const C_DIR = resolve(ROOT, 'tests/loader/c');

/** Names of the test programs (file names without .c). */
export const C_PROGRAMS = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();

let outDir: string | undefined;
const built = new Map<string, string>();

/** The path of the compiled object for test program `name` (compiling it on first use). */
export function compiled(name: string): string {
  const known = built.get(name);
  if (known) return known;
  outDir ??= mkdtempSync(join(tmpdir(), 'xdp2hw-loader-'));
  const src = join(C_DIR, `${name}.c`);
  const extra = /^\/\/ cflags: (.*)$/m.exec(readFileSync(src, 'utf8'))?.[1].split(/\s+/).filter(Boolean) ?? [];
  const out = join(outDir, `${name}.o`);
  const multiarch = execFileSync('clang', ['-print-multiarch'], { encoding: 'utf8' }).trim() || 'x86_64-linux-gnu';
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', ...extra, `-I/usr/include/${multiarch}`, '-c', src, '-o', out], { stdio: 'pipe' });
  built.set(name, out);
  return out;
}

/** The committed objects of the program corpus (programs/<name>/<name>.o) that exist. */
export function corpusObjects(): string[] {
  const dir = resolve(ROOT, 'programs');
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  return names.map((n) => join(dir, n, `${n}.o`)).filter((p) => existsSync(p));
}

/** llvm-objdump's output for a file, with the given flags (e.g. ['-d'] or ['-dr']). */
export function llvmObjdump(flags: string[], file: string): string {
  return execFileSync('llvm-objdump', [...flags, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Instructions per function as llvm-objdump -d lists them: lines from `<func>:` to the next function. */
export function objdumpCounts(listing: string): Map<string, number> {
  const counts = new Map<string, number>();
  let current: string | undefined;
  for (const line of listing.split('\n')) {
    if (/^Disassembly of section /.test(line)) current = undefined;
    const label = /^[0-9a-f]{16} <(.+)>:$/.exec(line);
    if (label && !/^LBB\d+_\d+$/.test(label[1])) {
      current = label[1];
      counts.set(current, 0);
    } else if (current !== undefined && /^\s*\d+:\t/.test(line)) counts.set(current, counts.get(current)! + 1);
  }
  return counts;
}

// The committed objects are what the sources build to: the tree is copied to two temporary
// directories (so the checkout's path cannot leak into the objects) and built there with
// `make OUT=...`; every object must equal the committed one byte for byte. Only with the clang
// that built them (programs/toolchain.txt): another version compiles differently, which is no bug.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { corpusPrograms } from './corpus.js';

/** undefined when clang is the version programs/toolchain.txt names; otherwise why not. */
function clangMismatch(): string | undefined {
  if (toolMissing('clang')) return undefined;
  const want = readFileSync(join(PROGRAMS_DIR, 'toolchain.txt'), 'utf8').trim();
  const have = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  return have === want ? undefined : `clang is "${have}", the objects were built with "${want}"`;
}

const programs = corpusPrograms();
const work: string[] = [];

/** Copies the sources (not the objects) to a fresh directory and builds them into <dir>/out. */
function buildCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'xdp2hw-programs-'));
  work.push(root);
  const src = join(root, 'src', 'programs');
  cpSync(PROGRAMS_DIR, src, { recursive: true, filter: (f) => !/\.(o|pcap)$/.test(f) });
  const out = join(root, 'out');
  const r = spawnSync('make', ['-s', '-j4', '-C', src, `OUT=${out}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make failed in ${src}:\n${r.stdout}${r.stderr}`);
  return out;
}

describe.skipIf(needs(toolMissing('clang'), toolMissing('make'), clangMismatch()))('programs/: objects rebuild bit for bit', () => {
  let outs: string[] = [];
  beforeAll(() => {
    outs = [buildCopy(), buildCopy()];
  });
  afterAll(() => {
    for (const d of work) rmSync(d, { recursive: true, force: true });
  });

  it.each(programs)('$name', (p) => {
    const committed = readFileSync(p.object);
    for (const out of outs) {
      const built = join(out, p.name, basename(p.object));
      expect(existsSync(built), built).toBe(true);
      expect(Buffer.compare(readFileSync(built), committed), `${built} differs from ${p.object}`).toBe(0);
    }
  });

  it('make clean removes the objects it built', () => {
    const out = outs[0];
    const src = join(out, '..', 'src', 'programs');
    const r = spawnSync('make', ['-s', '-C', src, `OUT=${out}`, 'clean'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const p of programs) expect(existsSync(join(out, p.name, `${p.name}.o`))).toBe(false);
  });
});

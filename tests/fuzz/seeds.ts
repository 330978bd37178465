// Real seeds for the fuzz harnesses: clang objects (programs/*/*.o, tests/fuzz/seeds/*.o), their
// llvm-objdump listings, code sections, the conformance .data files, pcaps written by PcapWriter
// in all four variants, and the programs' maps.json and traffic.json. Loaded once per process.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseElf, SHF } from '../../compiler/loader/elf.js';
import { dataFileProgram, parseDataFile } from '../../isa/asm/index.js';
import { PcapWriter } from '../../simulator/pcap/index.js';
import { generateTraffic, genericSpec } from '../../simulator/traffic/index.js';
import type { TrafficSpec } from '../../simulator/traffic/index.js';
import { CONFORMANCE_DIR, PROGRAMS_DIR, ROOT } from '../helpers/paths.js';

export interface Seed<T> {
  readonly name: string;
  readonly value: T;
}

export const SEEDS_DIR = join(ROOT, 'tests/fuzz/seeds');

function once<T>(f: () => T): () => T {
  let v: { x: T } | undefined;
  return () => (v ??= { x: f() }).x;
}

const files = (dir: string, ext: string): string[] =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => join(dir, f)) : [];

/** Program directories that have an object. */
export const programDirs = once((): string[] =>
  readdirSync(PROGRAMS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(PROGRAMS_DIR, d.name, `${d.name}.o`)))
    .map((d) => d.name).sort());

export const objectPaths = once((): string[] => [
  ...programDirs().map((n) => join(PROGRAMS_DIR, n, `${n}.o`)),
  ...files(SEEDS_DIR, '.o'),
]);

export const objectSeeds = once((): Seed<Uint8Array>[] =>
  objectPaths().map((p) => ({ name: basename(p), value: new Uint8Array(readFileSync(p)) })));

function objdump(flags: string, path: string): string | undefined {
  try {
    return execFileSync('llvm-objdump', [flags, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 << 20 });
  } catch {
    return undefined;
  }
}

/** Listings made now by llvm-objdump (-d, -dr, -dS) when it is installed, plus the committed ones. */
export const listingSeeds = once((): Seed<string>[] => {
  const out: Seed<string>[] = files(SEEDS_DIR, '.lst').map((p) => ({ name: basename(p), value: readFileSync(p, 'utf8') }));
  objectPaths().forEach((p, i) => {
    const flags = ['-d', '-dr', '-dS'][i % 3];
    const text = objdump(flags, p);
    if (text !== undefined) out.push({ name: `${basename(p)} ${flags}`, value: text });
  });
  return out;
});

export const dataFileSeeds = once((): Seed<string>[] =>
  files(CONFORMANCE_DIR, '.data').map((p) => ({ name: basename(p), value: readFileSync(p, 'utf8') })));

/** Raw bytecode: every code section of the objects and every conformance program. */
export const rawSeeds = once((): Seed<Uint8Array>[] => {
  const out: Seed<Uint8Array>[] = [];
  for (const s of objectSeeds()) {
    for (const sec of parseElf(s.value).sections)
      if (sec.flags & SHF.EXECINSTR && sec.size > 0) out.push({ name: `${s.name}:${sec.name}`, value: sec.data.slice() });
  }
  for (const s of dataFileSeeds()) {
    try {
      out.push({ name: s.name, value: dataFileProgram(parseDataFile(s.value)) });
    } catch {
      // a conformance file this assembler refuses is not a seed
    }
  }
  return out;
});

export const trafficSpecSeeds = once((): Seed<TrafficSpec>[] => [
  ...programDirs().filter((n) => existsSync(join(PROGRAMS_DIR, n, 'traffic.json')))
    .map((n) => ({ name: `${n}/traffic.json`, value: JSON.parse(readFileSync(join(PROGRAMS_DIR, n, 'traffic.json'), 'utf8')) as TrafficSpec })),
  { name: 'generic', value: genericSpec({ count: 200, seed: 7 }) },
]);

export interface FixtureSeed {
  readonly name: string;
  readonly object: Uint8Array;
  readonly fixture: unknown;
}

export const fixtureSeeds = once((): FixtureSeed[] =>
  programDirs().filter((n) => existsSync(join(PROGRAMS_DIR, n, 'maps.json'))).map((n) => ({
    name: `${n}/maps.json`,
    object: new Uint8Array(readFileSync(join(PROGRAMS_DIR, n, `${n}.o`))),
    fixture: JSON.parse(readFileSync(join(PROGRAMS_DIR, n, 'maps.json'), 'utf8')) as unknown,
  })));

const PCAP_VARIANTS = [
  { tag: 'us-le', nano: false, bigEndian: false },
  { tag: 'ns-le', nano: true, bigEndian: false },
  { tag: 'us-be', nano: false, bigEndian: true },
  { tag: 'ns-be', nano: true, bigEndian: true },
] as const;

let pcapCache: Promise<Seed<Uint8Array>[]> | undefined;

/** Pcaps written by PcapWriter: a few specs' traffic in all four variants, a snaplen-cut one, an empty one. */
export function pcapSeeds(): Promise<Seed<Uint8Array>[]> {
  return (pcapCache ??= writePcapSeeds());
}

async function writePcapSeeds(): Promise<Seed<Uint8Array>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-fuzz-pcap-'));
  const out: Seed<Uint8Array>[] = [];
  const write = async (name: string, frames: Uint8Array[], opts: { nano: boolean; bigEndian: boolean; snaplen?: number }) => {
    const path = join(dir, 'seed.pcap');
    const w = await PcapWriter.create(path, opts);
    for (let i = 0; i < frames.length; i++) await w.write(frames[i], 1700000000 + i, (i * 7919) % 1e9);
    await w.close();
    out.push({ name, value: new Uint8Array(readFileSync(path)) });
  };
  try {
    const specs = trafficSpecSeeds();
    const chosen = [specs[specs.length - 1], ...specs.slice(0, 3)];
    for (const [k, s] of chosen.entries()) {
      const frames = [...generateTraffic(s.value, { packets: 24, seed: k + 1 })].map((p) => p.data);
      for (const v of PCAP_VARIANTS) await write(`${s.name} ${v.tag}`, frames, v);
      await write(`${s.name} snaplen 64`, frames, { nano: false, bigEndian: false, snaplen: 64 });
    }
    await write('empty', [], { nano: true, bigEndian: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

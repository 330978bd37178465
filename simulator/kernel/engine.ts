// The Linux kernel as an engine: `bpftool prog loadall` pins the object's programs and maps,
// the fixture fills the maps, and KernelSession runs packets with BPF_PROG_TEST_RUN.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { LoadedObject } from '../../compiler/loader/types.js';
import type { Engine } from '../engine.js';
import type { MapFixture } from '../maps/fixture.js';
import { FixtureError, hexToBytes } from '../maps/fixture.js';
import { BatchCommandError, BpftoolBatch } from './batch.js';
import { releaseMany, track } from './cleanup.js';
import { patchSection } from './elf.js';
import { KernelError, toolComplaint, VerifierError, verifierExcerpt } from './errors.js';
import type { KernelMap, MapShow, UpdateCommand } from './maps.js';
import { sparseFixtureKeys, toKernelMap, unknownFixtureMaps, updateCommands } from './maps.js';
import { createNetns, removeNetnsSync } from './netns.js';
import { inNetns, runTool } from './proc.js';
import { KernelSession } from './session.js';
import { kernelUnavailable } from './probe.js';

/** Pins live under /sys/fs/bpf/xdp2hw-<pid>-<n> (programs) and ...-maps (maps). */
export const PIN_ROOT = '/sys/fs/bpf';
export const NAME_PREFIX = 'xdp2hw-';
/** Packet files go to tmpfs where there is one: on ext4, bpftool's truncate-and-rewrite of the
 *  output file costs about half a millisecond per run. */
const TMP_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

let counter = 0;

export class KernelEngine implements Engine {
  readonly name = 'kernel';

  unavailable(): Promise<string | undefined> {
    return kernelUnavailable();
  }

  async open(obj: LoadedObject, program: string, fixture?: MapFixture): Promise<KernelSession> {
    const why = await this.unavailable();
    if (why) throw new KernelError(`the kernel oracle cannot run here: ${why}`);
    if (obj.format !== 'elf') throw new KernelError(`${obj.file}: the kernel oracle loads ELF objects, not ${obj.format} input`);
    const base = `${NAME_PREFIX}${process.pid}-${++counter}`;
    const resources: number[] = [];
    try {
      const tmp = mkdtempSync(join(TMP_ROOT, `${base}-`));
      resources.push(track(`temp dir ${tmp}`, () => rmSync(tmp, { recursive: true, force: true })));
      const file = prepareObject(obj.file, fixture, tmp);
      await createNetns(base);
      resources.push(track(`netns ${base}`, () => removeNetnsSync(base)));
      const progDir = join(PIN_ROOT, base);
      const mapDir = `${progDir}-maps`;
      resources.push(track(`pins ${progDir}`, () => removePins([progDir, mapDir])));
      await loadAll(base, obj.file, file, progDir, mapDir, obj.programs.every((p) => p.type?.libbpf === true));
      const batch = new BpftoolBatch(inNetns(base, ['taskset', '-c', '0']));
      resources.push(track(`bpftool batch in ${base}`, () => batch.kill()));
      const programs = readdirSync(progDir);
      if (!programs.includes(program))
        throw new KernelError(`${obj.file}: no program ${program} (the object has: ${programs.join(', ') || 'none'})`);
      const progPin = join(progDir, program);
      const [shown] = (await batch.exec([['prog', 'show', 'pinned', progPin]])) as { id: number }[];
      const maps = await describeMaps(batch, mapDir, obj);
      if (fixture) await fillMaps(base, batch, maps, fixture, (p) => (programs.includes(p) ? join(progDir, p) : undefined));
      const watched = sparseFixtureKeys(maps, fixture);
      return new KernelSession({ netns: base, progPin, progId: shown.id, pinDirs: [progDir, mapDir], tmp, batch, maps, resources, watched });
    } catch (e) {
      releaseMany(resources);
      throw e;
    }
  }
}

function removePins(dirs: readonly string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** The object to load: the file itself, or a copy with `.rodata*` fixture values written in. */
function prepareObject(file: string, fixture: MapFixture | undefined, tmp: string): string {
  const frozen = Object.entries(fixture?.maps ?? {}).filter(([name]) => name.startsWith('.rodata'));
  if (frozen.length === 0) return file;
  if (!existsSync(file)) throw new KernelError(`${file}: no such file`);
  let elf: Uint8Array = new Uint8Array(readFileSync(file));
  for (const [name, m] of frozen) {
    m.entries.forEach((e, i) => {
      const where = `map ${name} entry ${i}`;
      if (e.key !== '00000000' || e.value === undefined) throw new FixtureError(where, 'a global data map has one entry, key 00000000');
      elf = patchSection(elf, name, hexToBytes(e.value), where);
    });
  }
  // Same base name: libbpf names global data maps after the object file.
  const copy = join(tmp, basename(file));
  writeFileSync(copy, elf);
  return copy;
}

/**
 * bpftool prog loadall. When libbpf knows every section, it gives each program its type and
 * attach type (xdp/devmap, tc, kprobe ...); else every program is loaded as XDP (`type xdp`).
 */
async function loadAll(ns: string, shown: string, file: string, progDir: string, mapDir: string, sectionsKnown: boolean): Promise<void> {
  if (!existsSync(file)) throw new KernelError(`${shown}: no such file`);
  const type = sectionsKnown ? [] : ['type', 'xdp'];
  const r = await runTool(inNetns(ns, ['bpftool', 'prog', 'loadall', file, progDir, ...type, 'pinmaps', mapDir]));
  if (r.status === 0) return;
  const v = verifierExcerpt(r.stderr);
  if (v) throw new VerifierError(shown, v.program, v.insn, v.lines, r.stderr);
  throw new KernelError(`${shown}: bpftool cannot load it: ${toolComplaint(r.stderr, r.stdout)}`, r.stderr);
}

async function describeMaps(batch: BpftoolBatch, mapDir: string, obj: LoadedObject): Promise<KernelMap[]> {
  // bpftool creates the map pin directory only when the object has maps
  const files = existsSync(mapDir) ? readdirSync(mapDir).sort() : [];
  const shows = (await batch.exec(files.map((f) => ['map', 'show', 'pinned', join(mapDir, f)]))) as MapShow[];
  const maps = shows.map((s, i) => toKernelMap(s, join(mapDir, files[i]), files[i], obj.maps ?? []));
  // the object's order (as the interpreter lists them), then any map the object did not declare
  const rank = (m: KernelMap) => {
    const i = (obj.maps ?? []).findIndex((d) => d.name === m.name);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return maps.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function fillMaps(ns: string, batch: BpftoolBatch, maps: readonly KernelMap[], fixture: MapFixture, progPin: (p: string) => string | undefined): Promise<void> {
  const unknown = unknownFixtureMaps(fixture, maps.map((m) => m.name));
  if (unknown.length > 0)
    throw new FixtureError(`map ${unknown[0]}`, `the object has no map of that name (its maps: ${maps.map((m) => m.name).join(', ') || 'none'})`);
  const commands: UpdateCommand[] = [];
  for (const m of maps) {
    const entries = fixture.maps[m.name]?.entries;
    // `.rodata*` went into the object before loading (the kernel freezes it)
    // a loop, not push(...list): a fixture of a million entries would overflow the call stack
    if (entries && !m.name.startsWith('.rodata')) for (const c of updateCommands(m, entries, progPin)) commands.push(c);
  }
  for (let i = 0; i < commands.length; ) {
    let j = i;
    while (j < commands.length && BpftoolBatch.fits(commands[j].args)) j++;
    const group = commands.slice(i, j);
    try {
      if (group.length > 0) await batch.exec(group.map((c) => c.args));
      if (j < commands.length) await updateAlone(ns, commands[j]);
    } catch (e) {
      if (!(e instanceof BatchCommandError)) throw e;
      const c = group[e.index] ?? commands[j];
      throw new FixtureError(c.where, `the kernel refused it: ${e.why}${c.hint ?? ''}`);
    }
    i = j + 1;
  }
}

/** A map update too long for a batch line (large values) runs as its own bpftool process. */
async function updateAlone(ns: string, c: UpdateCommand): Promise<void> {
  const r = await runTool(inNetns(ns, ['bpftool', '-j', ...c.args]));
  if (r.status !== 0) throw new FixtureError(c.where, `the kernel refused it: ${toolComplaint(r.stderr, r.stdout)}${c.hint ?? ''}`);
}

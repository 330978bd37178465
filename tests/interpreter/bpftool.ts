// Test utility: an object loaded in the kernel with bpftool (pins under /sys/fs/bpf/xdp2hw-<pid>-*),
// its maps filled from a fixture, packets run with BPF_PROG_TEST_RUN on CPU 0, maps dumped in
// the snapshot format. Independent of the interpreter, for comparing with it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedObject } from '../../compiler/loader/types.js';
import type { MapsSnapshot } from '../../simulator/engine.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';

let counter = 0;
let deviceType: string | undefined;

/** Device d<i> with ifindex i: dummy where the kernel has it, else ifb or bridge. */
function addDevice(ns: string, i: number): void {
  for (const type of deviceType ? [deviceType] : ['dummy', 'ifb', 'bridge']) {
    try {
      execFileSync('ip', ['-n', ns, 'link', 'add', `d${i}`, 'index', String(i), 'type', type], { stdio: 'ignore' });
      deviceType = type;
      return;
    } catch {
      // try the next type
    }
  }
  throw new Error(`cannot create a network device in ${ns}`);
}
const SKIP_IN_SNAPSHOT = new Set(['prog_array', 'xskmap', 'array_of_maps', 'hash_of_maps', 'perf_event_array', 'ringbuf']);

const hexArgs = (hex: string) => (hex.match(/../g) ?? []).map((b) => `0x${b}`);
const fromJsonBytes = (a: string[]) => a.map((b) => b.replace(/^0x/, '').padStart(2, '0')).join('');

export class BpftoolObject {
  readonly name = `xdp2hw-${process.pid}-t${++counter}`;
  readonly base = `/sys/fs/bpf/${this.name}`;
  private readonly tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-bpftool-'));
  private netns = false;

  /** Loads `obj` in a network namespace of its own where ifindex 1 is lo and 2-8 are dummy devices. */
  constructor(readonly obj: LoadedObject) {
    try {
      execFileSync('ip', ['netns', 'add', this.name]);
      this.netns = true;
      execFileSync('ip', ['-n', this.name, 'link', 'set', 'lo', 'up']);
      for (let i = 2; i <= 8; i++) addDevice(this.name, i);
      this.tool('prog', 'loadall', obj.file, this.base, 'pinmaps', `${this.base}-maps`);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private tool(...args: string[]): string {
    const cmd = ['--net=/run/netns/' + this.name, 'taskset', '-c', '0', 'bpftool', ...args];
    return execFileSync('nsenter', cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The pin of a map: by name, or (global data) the pin whose name ends with the section name. */
  mapPin(name: string): string {
    const pins = readdirSync(`${this.base}-maps`);
    const pin = pins.find((p) => p === name) ?? pins.find((p) => name.startsWith('.') && p.endsWith(name));
    if (!pin) throw new Error(`no pinned map for ${name} among ${pins.join(', ')}`);
    return join(`${this.base}-maps`, pin);
  }

  fill(fixture: MapFixture): void {
    for (const [name, { entries }] of Object.entries(fixture.maps)) {
      for (const e of entries) {
        const key = e.key ?? `${(e.prefixLen! & 0xff).toString(16).padStart(2, '0')}000000${e.prefix}`;
        const value = e.program !== undefined ? ['pinned', join(this.base, e.program)] : hexArgs(e.value!);
        this.tool('map', 'update', 'pinned', this.mapPin(name), 'key', ...hexArgs(key), 'value', ...value);
      }
    }
  }

  /** One BPF_PROG_TEST_RUN: the return value and the output packet. */
  run(program: string, packet: Uint8Array): { code: number; packet: Uint8Array } {
    const inFile = join(this.tmp, 'in.bin'), outFile = join(this.tmp, 'out.bin');
    writeFileSync(inFile, packet);
    rmSync(outFile, { force: true });
    const out = this.tool('prog', 'run', 'pinned', join(this.base, program), 'data_in', inFile, 'data_out', outFile);
    const m = /Return value: (\d+)/.exec(out);
    if (!m) throw new Error(`bpftool prog run: no return value in: ${out}`);
    return { code: Number(m[1]), packet: new Uint8Array(readFileSync(outFile)) };
  }

  /** Every map (as the snapshot lists them), values of CPU 0. */
  dump(): MapsSnapshot {
    const out: MapsSnapshot = {};
    for (const def of this.obj.maps) {
      if (SKIP_IN_SNAPSHOT.has(def.type)) continue;
      const rows = JSON.parse(this.tool('map', 'dump', 'pinned', this.mapPin(def.name), '-j')) as {
        key: string[]; value?: string[] | { error: string }; values?: { cpu: number; value: string[] }[];
      }[];
      out[def.name] = rows
        .filter((r) => Array.isArray(r.value) || r.values) // devmap: unset slots dump as errors
        .map((r) => ({ key: fromJsonBytes(r.key), value: fromJsonBytes(Array.isArray(r.value) ? r.value : r.values!.find((v) => v.cpu === 0)!.value) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    return out;
  }

  close(): void {
    if (this.netns) execFileSync('ip', ['netns', 'del', this.name]);
    this.netns = false;
    rmSync(this.base, { recursive: true, force: true });
    rmSync(`${this.base}-maps`, { recursive: true, force: true });
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

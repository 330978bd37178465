// Building and running the emitted Verilog: Icarus (iverilog + vvp) or Verilator (--binary
// --timing), one build per design hash and simulator in a cache directory, one simulator process
// per batch of packets in a fresh working directory; and the parse of the testbench's results.txt.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { HashPlace, HashUnitSize } from '../../isa/index.js';

const run = promisify(execFile);

export const RTL_SIMULATORS = ['icarus', 'verilator'] as const;
export type RtlSimulator = (typeof RTL_SIMULATORS)[number];

/** What the engine needs of an emitted design (compiler/emit/verilog's VerilogDesign). */
export interface RtlDesign {
  readonly program: string;
  readonly files: Readonly<Record<string, string>>;
  readonly layout: {
    readonly maps: readonly {
      readonly name: string; readonly type: string; readonly base: number; readonly stride: number; readonly valueSize: number; readonly maxEntries: number;
      /** where the hash unit holds a hash map */
      readonly hash?: HashPlace;
      /** its values are in external memory, from EXTERNAL_BASE (isa/extmem.ts) */
      readonly external?: boolean;
    }[];
    readonly bytes: number;
    readonly hash: HashUnitSize;
  };
  readonly packetBytes: number;
  readonly hash: string;
}

/** The simulator failed (a build error, a crash): our bug or a broken tool, not the user's input. */
export class RtlSimError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RtlSimError';
  }
}

/** The design's Verilog sources: every .v file it holds (the emitter's module list is the one list). */
const sources = (design: RtlDesign): string[] => Object.keys(design.files).filter((f) => f.endsWith('.v')).sort();

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, tool)));
}

/** Why the simulator cannot run here, or undefined. */
export function simulatorMissing(sim: RtlSimulator): string | undefined {
  const tools = sim === 'icarus' ? ['iverilog', 'vvp'] : ['verilator'];
  const missing = tools.filter((t) => !onPath(t));
  return missing.length ? `${missing.join(' and ')} not found on PATH (scripts/install-tools.sh installs ${sim === 'icarus' ? 'iverilog' : 'verilator'})` : undefined;
}

/** The cache of built designs (XDP2HW_RTL_CACHE, else a folder in the temp directory). */
export function cacheRoot(): string {
  return process.env.XDP2HW_RTL_CACHE ?? join(tmpdir(), 'xdp2hw-rtl-cache');
}

/** The directory of a built design: files written and the simulator compiled once per hash. */
export async function buildDesign(design: RtlDesign, sim: RtlSimulator): Promise<string> {
  const dir = join(cacheRoot(), `${design.hash.slice(0, 24)}-${sim}`);
  if (existsSync(join(dir, 'built'))) return dir;
  mkdirSync(cacheRoot(), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    for (const [name, text] of Object.entries(design.files)) writeFileSync(join(tmp, name), text);
    if (sim === 'icarus') {
      await tool('iverilog', ['-g2005', '-I.', '-s', 'xdp2hw_tb', '-o', 'sim.vvp', ...sources(design)], tmp);
    } else {
      await tool('verilator', ['--binary', '--timing', '-Wno-fatal', '-Wno-lint', '-Wno-style', '-j', '1', '-I.', '--top-module', 'xdp2hw_tb', '-o', 'sim', ...sources(design)], tmp);
    }
    writeFileSync(join(tmp, 'built'), `${sim}\n`);
    if (existsSync(dir)) rmSync(tmp, { recursive: true, force: true }); // another process built it meanwhile
    else renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

async function tool(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, maxBuffer: 64 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new RtlSimError(`${cmd} failed in ${cwd}: ${(err.stderr ?? err.message).trim().split('\n').slice(0, 5).join(' | ')}`);
  }
}

/** One packet as the testbench reads it. */
export interface SimPacket {
  readonly bytes: Uint8Array;
  readonly ingressIfindex: number;
  readonly rxQueueIndex: number;
}

/** One packet as the testbench reports it. */
export interface SimResult {
  code: number;
  cycles: number;
  redirectIfindex: number;
  /** bpf_redirect_map's target: map index and key */
  redirectMap?: { map: number; key: number };
  packet: Uint8Array;
  /** map changes in order: map-memory writes (byte address, bytes), hash-unit inserts and frees */
  writes: MapEvent[];
  /** bpf_perf_event_output's records in order: map index, perf event index, errno, packet length, data and sample bytes */
  perf: SimPerfRecord[];
  /** after the packet: the ktime clock and the prandom generator's state ("T" line) */
  clock?: bigint;
  prng?: number;
}

/** One bpf_perf_event_output record as the hardware streamed it ("E" header, "D" beats). */
export interface SimPerfRecord {
  readonly map: number;
  readonly index: number;
  readonly errno: number;
  readonly packetLength: number;
  readonly data: number[];
  readonly sample: number[];
}

/** A map-memory write, a key into a hash node ("H"), a hash node freed ("X"). */
export type MapEvent =
  | { readonly kind: 'write'; readonly addr: number; readonly bytes: number[] }
  | { readonly kind: 'insert'; readonly map: number; readonly node: number; readonly key: Uint8Array }
  | { readonly kind: 'delete'; readonly map: number; readonly node: number }
  /** an LRU map's helper call (1 lookup, 2 update, 3 delete), which the engine replays on its map model */
  | { readonly kind: 'lru'; readonly map: number; readonly op: number; readonly flags: bigint; readonly key: Uint8Array };

/** Runs a batch through a built design, the map memory starting from `banks`; one result per packet. */
export async function simulate(dir: string, sim: RtlSimulator, packets: readonly SimPacket[], banks: Record<string, string>, vcd = false): Promise<SimResult[]> {
  const work = mkdtempSync(join(cacheRoot(), 'run-'));
  try {
    const lines = [`${packets.length}`];
    for (const p of packets) {
      lines.push(`${p.bytes.length} ${p.ingressIfindex >>> 0} ${p.rxQueueIndex >>> 0}`);
      lines.push(Array.from(p.bytes, (b) => b.toString(16).padStart(2, '0')).join(' '));
    }
    writeFileSync(join(work, 'packets.txt'), `${lines.join('\n')}\n`);
    writeFileSync(join(work, 'rom.hex'), readFileSync(join(dir, 'rom.hex')));
    for (const [name, text] of Object.entries(banks)) writeFileSync(join(work, name), text);
    const plus = vcd ? ['+vcd'] : [];
    if (sim === 'icarus') await tool('vvp', ['-n', join(dir, 'sim.vvp'), ...plus], work);
    else await tool(join(dir, 'obj_dir', 'sim'), plus, work);
    const out = parseResults(readFileSync(join(work, 'results.txt'), 'utf8'));
    if (out.length !== packets.length) throw new RtlSimError(`the testbench reported ${out.length} of ${packets.length} packets (${work})`);
    if (vcd) renameSync(join(work, 'trace.vcd'), join(dir, 'trace.vcd'));
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** results.txt → one SimResult per "P" line, with the "W", "H", "X", "E" and "D" lines before it and the "T" and "O" lines after. */
export function parseResults(text: string): SimResult[] {
  const out: SimResult[] = [];
  let writes: SimResult['writes'] = [];
  let perf: SimPerfRecord[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'W') {
      const addr = parseInt(f[1], 16);
      const mask = parseInt(f[2], 16);
      const data = BigInt(`0x${f[3]}`);
      const bytes: number[] = [];
      for (let i = 0; i < 8 && mask >> i; i++) if ((mask >> i) & 1) bytes.push(Number((data >> BigInt(8 * i)) & 0xffn));
      writes.push({ kind: 'write', addr, bytes });
    } else if (f[0] === 'H') {
      const hex = f[3].length % 2 ? `0${f[3]}` : f[3];
      const key = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)).reverse(); // printed most significant byte first
      writes.push({ kind: 'insert', map: parseInt(f[1], 16), node: parseInt(f[2], 16), key });
    } else if (f[0] === 'L') {
      const hex = f[4].length % 2 ? `0${f[4]}` : f[4];
      const key = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)).reverse();
      writes.push({ kind: 'lru', map: parseInt(f[1], 16), op: parseInt(f[2], 16), flags: BigInt(`0x${f[3]}`), key });
    } else if (f[0] === 'X') {
      writes.push({ kind: 'delete', map: parseInt(f[1], 16), node: parseInt(f[2], 16) });
    } else if (f[0] === 'E') {
      perf.push({ index: parseInt(f[1], 16), packetLength: parseInt(f[2], 16), map: parseInt(f[3], 16), errno: parseInt(f[4], 16), data: [], sample: [] });
    } else if (f[0] === 'D' && perf.length) {
      const bytes = Array.from((f[3] ?? '').match(/../g) ?? [], (h) => parseInt(h, 16));
      if (bytes.length !== Number(f[2])) throw new RtlSimError(`the testbench reported a perf beat of ${f[2]} bytes with ${bytes.length}: ${line}`);
      perf[perf.length - 1][f[1] === '1' ? 'data' : 'sample'].push(...bytes);
    } else if (f[0] === 'P') {
      const viaMap = f[5] === '1' ? { map: Number(f[6]), key: Number(f[7]) >>> 0 } : undefined;
      out.push({ code: Number(f[2]) >>> 0, cycles: Number(f[3]), redirectIfindex: Number(f[4]) >>> 0, ...(viaMap ? { redirectMap: viaMap } : {}), packet: new Uint8Array(0), writes, perf });
      writes = [];
      perf = [];
    } else if (f[0] === 'T' && out.length) {
      out[out.length - 1].clock = BigInt(`0x${f[1]}`);
      out[out.length - 1].prng = parseInt(f[2], 16);
    } else if (f[0] === 'O' && out.length) {
      const hex = f[1] ?? '';
      out[out.length - 1].packet = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
    }
  }
  return out;
}

// A program loaded in the kernel with its maps filled: runs packets through BPF_PROG_TEST_RUN on
// CPU 0 inside the oracle's network namespace and reads every map back after each run.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSession, MapsSnapshot, RunInput, RunOptions, RunResult, SessionCounters } from '../engine.js';
import { actionName, mapChanges, RunInputError } from '../engine.js';
import { BatchCommandError, BpftoolBatch } from './batch.js';
import { releaseMany } from './cleanup.js';
import { KernelError, toolComplaint } from './errors.js';
import type { KernelMap } from './maps.js';
import { dumpEntries, hexArgs, inSnapshot, lookupArgs, lookupEntries } from './maps.js';
import { MAX_IFINDEX, RX_QUEUES } from './netns.js';
import { inNetns, runTool } from './proc.js';

type Entry = { key: string; value: string };

/** struct xdp_md as BPF_PROG_TEST_RUN takes it in ctx_in: six u32 fields. */
const XDP_MD_SIZE = 24;
/** The smallest packet the kernel's XDP test run accepts (an Ethernet header). */
const MIN_PACKET = 14;
/**
 * Room for the output packet. bpftool's default is 32 KiB, and the kernel answers ENOSPC when the
 * output does not fit, but the test run takes packets up to 73152 bytes (3520 linear + 17
 * fragments of 4096), which adjust_head can grow by 216 more.
 */
const DATA_SIZE_OUT = 128 << 10;

export interface SessionParts {
  readonly netns: string;
  readonly progPin: string;
  /** the program's kernel id (shorter than its pin path: bpftool reads commands a byte at a time) */
  readonly progId: number;
  readonly pinDirs: readonly string[];
  readonly tmp: string;
  readonly batch: BpftoolBatch;
  readonly maps: readonly KernelMap[];
  /** resources to release on close (cleanup.ts handles) */
  readonly resources: number[];
  /** sparse arrays by name: the keys (hex) a snapshot looks up (the fixture's, then watch()) */
  readonly watched?: ReadonlyMap<string, readonly string[]>;
}

export class KernelSession implements EngineSession {
  readonly engine = 'kernel';
  private closed = false;
  private readonly counts: SessionCounters = { runs: 0, refused: 0 };
  private lock: Promise<unknown> = Promise.resolve();
  private readonly pktFile: string;
  private readonly outFile: string;
  private readonly ctxFile: string;
  private readonly dumped: KernelMap[];
  private readonly watched = new Map<string, Set<string>>();
  /**
   * Sparse arrays no program can write (BPF_F_RDONLY_PROG): their lookups, kept until the watched
   * keys change (only this session's fixture writes them).
   */
  private readonly unchanging = new Map<string, { keys: number; entries: Entry[] }>();
  /** frozen maps (`.rodata`): neither the program nor user space can change them, read once */
  private frozen?: MapsSnapshot;

  constructor(private readonly parts: SessionParts) {
    this.pktFile = join(parts.tmp, 'in');
    this.outFile = join(parts.tmp, 'out');
    this.ctxFile = join(parts.tmp, 'ctx');
    this.dumped = parts.maps.filter((m) => inSnapshot(m) && !m.frozen);
    for (const m of this.dumped) if (m.sparse) this.watched.set(m.name, new Set(parts.watched?.get(m.name) ?? []));
  }

  /**
   * Adds keys (hex) of a sparse array to those every snapshot looks up; returns how many were new.
   * A sparse array is never dumped whole (33 million entries): its snapshot lists the non-zero
   * values among the fixture's keys and the keys watched here (e.g. those another engine wrote).
   */
  watch(map: string, keys: Iterable<string>): number {
    const set = this.watched.get(map);
    if (!set) return 0;
    const before = set.size;
    for (const k of keys) set.add(k);
    return set.size - before;
  }

  /** The network namespace, pins and maps of this session (for tests and diagnostics). */
  get info(): Pick<SessionParts, 'netns' | 'progPin' | 'pinDirs' | 'tmp' | 'maps'> {
    const { netns, progPin, pinDirs, tmp, maps } = this.parts;
    return { netns, progPin, pinDirs, tmp, maps };
  }

  /**
   * One test run (repeat 1) and, unless `snapshot` is false, a read-back of every map. No
   * durationNs: see time(). A run the kernel refuses (EINVAL, ENODEV, ...) is a RunInputError.
   */
  run(input: RunInput, opts: RunOptions = {}): Promise<RunResult> {
    return this.serial(async () => {
      const read = opts.snapshot === false ? undefined : this.readArgs();
      const outs = await this.exec([this.runArgs(input, 1), ...(read?.commands ?? [])], input);
      const code = retval(outs[0]);
      const packet = new Uint8Array(readFileSync(this.outFile));
      const maps = read ? await this.snapshot(read.entries(outs.slice(1))) : {};
      this.counts.runs++;
      return { action: actionName(code), code, packet, maps };
    });
  }

  /**
   * Average ns per packet over `repeat` runs of the JIT-compiled program (the kernel's own timer,
   * harness included). The program really runs `repeat` times: maps change accordingly, and the
   * kernel does not restore the packet between repeats (a program that moves its head sees its
   * own output the next time).
   */
  time(input: RunInput, repeat: number): Promise<number> {
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 0xffffffff)
      return Promise.reject(new KernelError(`repeat must be an integer from 1 to 2^32-1, not ${repeat}`));
    return this.serial(async () => {
      const [out] = await this.exec([this.runArgs(input, repeat)], input);
      const d = (out as { duration?: unknown }).duration;
      if (typeof d !== 'number') throw new KernelError(`bpftool reported no duration: ${JSON.stringify(out)}`);
      return d;
    });
  }

  readMaps(): Promise<MapsSnapshot> {
    return this.serial(async () => {
      const read = this.readArgs();
      return this.snapshot(read.entries(await this.exec(read.commands)));
    });
  }

  /**
   * bpftool updates and deletes of the entries that differ from `state` (frozen maps are skipped).
   * A sparse array's keys in `state` are watched from now on, and an entry it lists that `state`
   * does not is set back to zero (arrays have no delete).
   */
  writeMaps(state: MapsSnapshot): Promise<void> {
    return this.serial(async () => {
      for (const [name, entries] of Object.entries(state)) this.watch(name, entries.map((e) => e.key));
      const read = this.readArgs();
      const now = await this.snapshot(read.entries(await this.exec(read.commands)));
      const byName = new Map(this.dumped.map((m) => [m.name, m]));
      const commands = mapChanges(now, state).flatMap((c) => {
        const m = byName.get(c.map);
        if (m === undefined) return [];
        this.unchanging.delete(m.name);
        const value = c.value ?? (m.sparse ? '00'.repeat(m.valueSize) : undefined);
        const where = ['map', value === undefined ? 'delete' : 'update', 'id', String(m.id), 'key', ...hexArgs(c.key)];
        return [value === undefined ? where : [...where, 'value', ...hexArgs(value)]];
      });
      const batched = commands.filter((c) => BpftoolBatch.fits(c));
      if (batched.length > 0) await this.parts.batch.exec(batched);
      for (const c of commands.filter((x) => !BpftoolBatch.fits(x))) {
        const r = await runTool(inNetns(this.parts.netns, ['bpftool', ...c]));
        if (r.status !== 0) throw new KernelError(`bpftool ${c.slice(0, 4).join(' ')}: ${toolComplaint(r.stderr, r.stdout)}`, r.stderr);
      }
    });
  }

  counters(): SessionCounters {
    return { ...this.counts };
  }

  /** Stops bpftool, removes the pins, the namespace and the temp files. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock.catch(() => undefined);
    await this.parts.batch.stop();
    const errors = releaseMany(this.parts.resources);
    this.parts.resources.length = 0;
    if (errors.length > 0) throw new KernelError(`cleanup: ${errors.map((e) => e.message).join('; ')}`);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new KernelError('the kernel session is closed'));
    const next = this.lock.then(fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private runArgs(input: RunInput, repeat: number): string[] {
    writeFileSync(this.pktFile, input.packet);
    const args = ['prog', 'run', 'id', String(this.parts.progId), 'data_in', this.pktFile, 'data_out', this.outFile, 'data_size_out', String(DATA_SIZE_OUT)];
    if (input.ctx && (input.ctx.ingressIfindex !== undefined || input.ctx.rxQueueIndex !== undefined || input.ctx.egressIfindex)) {
      const md = Buffer.alloc(XDP_MD_SIZE);
      // data = 0 (no metadata), data_end = packet length, ingress_ifindex, rx_queue_index, egress_ifindex
      md.writeUInt32LE(input.packet.length, 4);
      md.writeUInt32LE(input.ctx.ingressIfindex ?? 0, 12);
      md.writeUInt32LE(input.ctx.rxQueueIndex ?? 0, 16);
      md.writeUInt32LE(input.ctx.egressIfindex ?? 0, 20);
      writeFileSync(this.ctxFile, md);
      args.push('ctx_in', this.ctxFile);
    }
    args.push('repeat', String(repeat));
    return args;
  }

  private dumpArgs(maps: readonly KernelMap[]): string[][] {
    return maps.map((m) => ['map', 'dump', 'id', String(m.id)]);
  }

  /** The commands that read the changing maps (dumps; lookups for sparse arrays) and their reader. */
  private readArgs(): { commands: string[][]; entries: (outs: unknown[]) => Map<string, Entry[]> } {
    const commands: string[][] = [];
    const spans: { m: KernelMap; from: number; to: number }[] = [];
    const kept = new Map<string, Entry[]>();
    for (const m of this.dumped) {
      const watched = this.watched.get(m.name);
      const cached = this.unchanging.get(m.name);
      if (cached && cached.keys === watched?.size) {
        kept.set(m.name, cached.entries);
        continue;
      }
      const from = commands.length;
      const more = m.sparse ? lookupArgs(m, [...watched!].sort()) : this.dumpArgs([m]);
      for (const c of more) commands.push(c);
      spans.push({ m, from, to: commands.length });
    }
    const entries = (outs: unknown[]) => {
      const fresh = new Map<string, Entry[]>();
      for (const [name, e] of kept) fresh.set(name, e.map((x) => ({ ...x })));
      for (const { m, from, to } of spans) {
        const got = m.sparse ? lookupEntries(outs.slice(from, to)) : dumpEntries(outs[from]);
        if (m.sparse && m.readOnlyProg) this.unchanging.set(m.name, { keys: this.watched.get(m.name)!.size, entries: got.map((x) => ({ ...x })) });
        fresh.set(m.name, got);
      }
      return fresh;
    };
    return { commands, entries };
  }

  private async exec(commands: string[][], input?: RunInput): Promise<unknown[]> {
    try {
      return await this.parts.batch.exec(commands);
    } catch (e) {
      if (!(e instanceof BatchCommandError) || !input || e.index !== 0) throw e;
      const hint = runHint(input, e.why);
      this.counts.refused++;
      throw new RunInputError(`test run of a ${input.packet.length}-byte packet failed: ${e.why}${hint}`);
    }
  }

  /** Maps in the object's order (the interpreter's), each as its dump; frozen ones from a cache. */
  private async snapshot(fresh: Map<string, Entry[]>): Promise<MapsSnapshot> {
    if (!this.frozen) {
      const frozen = this.parts.maps.filter((m) => inSnapshot(m) && m.frozen);
      const got = await this.parts.batch.exec(this.dumpArgs(frozen));
      this.frozen = {};
      frozen.forEach((m, i) => (this.frozen![m.name] = dumpEntries(got[i])));
    }
    const out: MapsSnapshot = {};
    for (const m of this.parts.maps) {
      const cached = this.frozen[m.name];
      const entries = fresh.get(m.name) ?? cached?.map((e) => ({ ...e }));
      if (entries) out[m.name] = entries;
    }
    return out;
  }
}

/** Why the kernel may have refused a test run, in the oracle's terms. */
function runHint(input: RunInput, why: string): string {
  if (input.packet.length < MIN_PACKET) return ` (the kernel's XDP test run needs at least ${MIN_PACKET} bytes)`;
  if (/No such device/.test(why)) return ` (ingress_ifindex ${input.ctx?.ingressIfindex}: the oracle's namespace has ifindexes 1-${MAX_IFINDEX})`;
  if (input.ctx?.rxQueueIndex) return ` (rx_queue_index ${input.ctx.rxQueueIndex}: lo has 1 queue, d2-d${MAX_IFINDEX} have ${RX_QUEUES}; a queue needs an ingress_ifindex)`;
  return '';
}

function retval(out: unknown): number {
  const r = (out as { retval?: unknown })?.retval;
  if (typeof r !== 'number') throw new KernelError(`bpftool reported no return value: ${JSON.stringify(out)}`);
  return r >>> 0;
}

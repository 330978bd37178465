// The emitted Verilog as an Engine (`--engine rtl`): the caller's scheduler makes the rows and the
// caller's emitter (compiler/emit/verilog, injected: simulator/ never imports compiler/emit) the
// design; Icarus or Verilator runs it (sim.ts), a whole batch of packets per simulator process.
// The maps live here as the shared map models hold them (simulator/maps), the RTL's map writes
// and hash-unit inserts and frees applied after each packet, so snapshots read as every other
// engine's. Each batch starts the hardware from the models: hash map i's keys in nodes 0.. in the
// model's (insertion) order, which is the chain order the hardware would have (isa/hashmap.ts).
// An LRU map's lists too (KernelLru's image). The RTL reports each call on an LRU map, which is
// replayed on the model (the kernel's decisions), and its node events, which must agree with the
// model after each packet: the keys the hardware holds are the keys the model holds.

import type { LoadedObject } from '../../compiler/loader/types.js';
import { DEVMAP_HASH_VALUE, EXTERNAL_BASE, EXTERNAL_MODEL_WORDS, externalFile, HELPER_ENV, helperEnvFile, hashUnitFiles, tailSlotWord } from '../../isa/index.js';
import type { CoreConfig, LruImage, RowProgram } from '../../isa/index.js';
import { ProgArray } from '../maps/array.js';
import { LruHashMap } from '../maps/hash.js';
import type { LruNode } from '../maps/lru.js';
import { keyString } from '../maps/types.js';
import { RunInputError } from '../engine.js';
import { actionName } from '../engine.js';
import type { Engine, EngineSession, MapsSnapshot, RunInput, RunOptions, RunResult, SessionCounters } from '../engine.js';
import type { MapFixture } from '../maps/fixture.js';
import { MapSet } from '../maps/set.js';
import { u32Key } from '../maps/types.js';
import { contextProblem, DEFAULT_IFINDEX } from '../xdp/context.js';
import { packetProblem } from '../xdp/packet.js';
import { runnableProgram } from '../xdp/run.js';
import { buildDesign, simulate, simulatorMissing } from './sim.js';
import { RtlSimError } from './sim.js';
import type { MapEvent, RtlDesign, RtlSimulator, SimPacket } from './sim.js';

export { RTL_SIMULATORS } from './sim.js';
export type { RtlDesign, RtlSimulator } from './sim.js';

/** Makes the design of a scheduled program; throws an error named RtlRefusal for what the RTL does not run. */
export type RtlEmitter = (rows: RowProgram, core: CoreConfig, obj: LoadedObject) => RtlDesign;
/** The $readmemh bank files of a map-memory image (compiler/emit/verilog's mapBankFiles). */
export type RtlMapBanks = (image: Uint8Array) => Record<string, string>;

export interface RtlOptions {
  readonly schedule: (obj: LoadedObject, program: string) => RowProgram;
  readonly emit: RtlEmitter;
  readonly banks: RtlMapBanks;
  readonly core: CoreConfig;
  readonly simulator: RtlSimulator;
}

/** One packet's run on the RTL: the engine's result and the core cycles the testbench counted. */
export interface RtlRun {
  readonly result: RunResult;
  readonly cycles: number;
}

export class RtlSession implements EngineSession {
  readonly engine = 'rtl';
  readonly rows: RowProgram;
  readonly design: RtlDesign;
  private readonly maps: MapSet;
  private image: Uint8Array;
  /** per hash map (by map index), the key of each node, as the hardware holds them now */
  private nodeKeys: (Uint8Array | undefined)[][] = [];
  /** per LRU map (by map index), its lists as the hardware starts from them */
  private lruImages: (LruImage | undefined)[] = [];
  private readonly counts: SessionCounters = { runs: 0, refused: 0 };
  private dir: string | undefined;
  /** the last run's core cycles */
  cycles = 0;
  /** bpf_ktime_get_ns's clock and bpf_get_prandom_u32's state after the last packet run, and the packets run (the host's model: the clock steps before every packet but the first) */
  private clock = BigInt(HELPER_ENV.clockStart);
  private prng: number = HELPER_ENV.seed;
  private packetsRun = 0;

  constructor(private readonly obj: LoadedObject, program: string, fixture: MapFixture | undefined, private readonly opts: RtlOptions) {
    const { devmap } = runnableProgram(obj, program);
    if (devmap) throw new RunInputError(`${obj.file}: ${program} is an xdp/devmap program; the RTL core runs XDP programs on ingress only`);
    this.rows = opts.schedule(obj, program);
    try {
      this.design = opts.emit(this.rows, opts.core, obj);
    } catch (e) {
      if (e instanceof Error && e.name === 'RtlRefusal') throw new RunInputError(e.message);
      throw e;
    }
    this.maps = new MapSet(obj.maps);
    this.maps.apply(fixture, (name) => {
      const i = obj.programs.findIndex((p) => p.name === name);
      return i < 0 ? undefined : i;
    });
    this.image = new Uint8Array(this.design.layout.bytes);
    this.load();
  }

  /** The map memory image and the hash nodes from the map models. */
  private load(): void {
    this.image = new Uint8Array(this.design.layout.bytes);
    this.nodeKeys = [];
    this.lruImages = [];
    this.design.layout.maps.forEach((m, i) => {
      const map = this.maps.maps[i];
      if (m.stride === 0 || m.external) return; // a perf_event_array: no memory; a map in external memory: runFiles
      if (map instanceof ProgArray) {
        // each filled slot: its program's entry row + 1 in the linked rows (tail calls)
        const dv = new DataView(this.image.buffer);
        for (let k = 0; k < m.maxEntries; k++) {
          const i = map.program(k);
          if (i === undefined) continue;
          const name = this.obj.programs[i]?.name ?? String(i);
          const word = tailSlotWord(this.rows, name);
          if (word === undefined) throw new RunInputError(`${this.obj.file}: prog array ${m.name} slot ${k} names program ${name}, which the rows of ${this.rows.name} do not link (a tail call reaches programs of its own type)`);
          dv.setUint32(m.base + k * m.stride, word, true);
        }
        return;
      }
      if (m.type === 'devmap_hash') {
        // the scan unit's table: the entries from slot 0 in the order the host added them (the
        // model's), each its u32 key, 1 in byte 4 (filled), the value at DEVMAP_HASH_VALUE
        map.entries().forEach(([k, v], n) => {
          const at = m.base + n * m.stride;
          this.image.set(k.subarray(0, 4), at);
          this.image[at + 4] = 1;
          this.image.set(v.subarray(0, m.valueSize), at + DEVMAP_HASH_VALUE);
        });
        return;
      }
      if (m.hash) {
        const entries = map.entries();
        this.nodeKeys[i] = entries.map(([k]) => k.slice());
        entries.forEach(([, v], n) => this.image.set(v.subarray(0, m.valueSize), m.base + n * m.stride));
        if (m.hash.lru) this.lruImages[i] = this.lruImage(map, entries.map(([k]) => k), m.hash.lru.targetFree, m.name);
        return;
      }
      for (let k = 0; k < m.maxEntries; k++) {
        const v = map.lookup(u32Key(k));
        if (v) this.image.set(v.subarray(0, m.valueSize), m.base + k * m.stride);
      }
    });
  }

  /**
   * An LRU model's lists in the hardware's node numbers: the keys' nodes 0.. in `keys` order (the
   * chain image's), the model's other nodes after them, its unborn nodes (the free list's tail) last.
   */
  private lruImage(map: unknown, keys: Uint8Array[], targetFree: number, name: string): LruImage {
    if (!(map instanceof LruHashMap)) throw new RtlSimError(`map ${name}: the RTL's LRU map has no LRU model`);
    if (map.lru.target !== targetFree)
      throw new RtlSimError(`map ${name}: the design's LRU batch (target_free ${targetFree}) is not the model's (${map.lru.target}): built for another CPU count`);
    const img = map.lru.image();
    const index = new Map<LruNode, number>();
    keys.forEach((k, n) => {
      const node = map.nodeOf(k);
      if (node) index.set(node, n);
    });
    let next = keys.length;
    const number = (node: LruNode) => {
      let n = index.get(node);
      if (n === undefined) index.set(node, (n = next++));
      return n;
    };
    const lists = img.lists.map((l) => l.map(number));
    const refs = new Set<number>();
    for (const l of img.lists) for (const node of l) if (node.ref) refs.add(number(node));
    return { lists, refs, counts: img.counts, rotation: img.rotation ? number(img.rotation) : -1, ...(map.lru.perCpu ? { unborn: img.unborn } : {}) };
  }

  /** The run-time files of the design: map banks and the hash unit's tables. */
  private runFiles(): Record<string, string> {
    const layout = this.design.layout;
    const keys = layout.maps.map((m, i) => (m.hash ? (this.nodeKeys[i] as Uint8Array[]) : undefined));
    const e = HELPER_ENV;
    const clock = this.packetsRun > 0 ? this.clock + BigInt(e.clockStepPerPacket) : this.clock;
    return {
      ...this.opts.banks(this.image), ...this.externalWords(), ...hashUnitFiles(layout.hash, layout.maps.map((m) => m.hash), keys, this.lruImages),
      'env.hex': helperEnvFile(clock, e.clockStepPerCall, e.clockStepPerPacket, this.prng),
    };
  }

  /**
   * The testbench's external memory (ext.txt): the non-zero 8-byte words of the maps there, from
   * their models' entries (a sparse array lists only what it holds). The program cannot write
   * them (BPF_F_RDONLY_PROG), so the models stay as the fixture left them.
   */
  private externalWords(): Record<string, string> {
    const words = new Map<number, Uint8Array>();
    this.design.layout.maps.forEach((m, i) => {
      if (!m.external) return;
      for (const [k, v] of this.maps.maps[i].entries()) {
        const at = m.base - EXTERNAL_BASE + new DataView(k.buffer, k.byteOffset, 4).getUint32(0, true) * m.stride;
        for (let b = 0; b < m.valueSize; b++) {
          if (v[b] === 0) continue;
          const w = Math.floor((at + b) / 8) * 8;
          let word = words.get(w);
          if (!word) words.set(w, (word = new Uint8Array(8)));
          word[(at + b) % 8] = v[b];
        }
      }
    });
    if (words.size > EXTERNAL_MODEL_WORDS)
      throw new RtlSimError(`the maps in external memory hold ${words.size} non-zero 8-byte words, more than the testbench's model (${EXTERNAL_MODEL_WORDS})`);
    return externalFile([...words.entries()].sort((a, b) => a[0] - b[0]));
  }

  /** Builds the simulator (cached by design hash); run() and runBatch() call it. */
  async build(): Promise<string> {
    this.dir ??= await buildDesign(this.design, this.opts.simulator);
    return this.dir;
  }

  /** Why the RTL refuses an input, or undefined: the kernel test run's rules and the packet buffer's size. */
  private problem(input: RunInput): string | undefined {
    const len = input.packet.length;
    const why = packetProblem(len) ?? contextProblem(input.ctx?.ingressIfindex ?? 0, input.ctx?.rxQueueIndex ?? 0);
    if (why) return why;
    if (input.ctx?.egressIfindex) return 'ctx egress_ifindex: only devmap programs have one';
    if (len > this.design.packetBytes) return `a ${len}-byte packet is longer than the RTL packet buffer (${this.design.packetBytes} bytes)`;
    return undefined;
  }

  /**
   * A batch of packets in one simulator run, in order, maps carried from one to the next. A refused
   * input gives its RunInputError in its place (and is not run).
   */
  async runBatch(inputs: readonly RunInput[], opts: RunOptions = {}, vcd = false): Promise<(RtlRun | RunInputError)[]> {
    const out: (RtlRun | RunInputError)[] = new Array(inputs.length);
    const sent: { i: number; p: SimPacket }[] = [];
    inputs.forEach((input, i) => {
      const why = this.problem(input);
      if (why) {
        this.counts.refused++;
        out[i] = new RunInputError(why);
      } else {
        sent.push({ i, p: { bytes: input.packet, ingressIfindex: input.ctx?.ingressIfindex || DEFAULT_IFINDEX, rxQueueIndex: input.ctx?.rxQueueIndex ?? 0 } });
      }
    });
    if (sent.length === 0) return out;
    const dir = await this.build();
    this.load();
    const results = await simulate(dir, this.opts.simulator, sent.map((s) => s.p), this.runFiles(), vcd);
    results.forEach((r, k) => {
      for (const w of r.writes) this.apply(w);
      this.checkLru();
      if (r.clock === undefined || r.prng === undefined) throw new RtlSimError(`the testbench reported no clock for packet ${k}`);
      this.clock = r.clock;
      this.prng = r.prng;
      this.packetsRun++;
      const result: RunResult = {
        action: actionName(r.code), code: r.code, packet: r.packet,
        maps: opts.snapshot === false ? {} : this.maps.snapshot(),
        durationNs: (r.cycles * 1000) / this.opts.core.clockMHz,
      };
      if (r.perf.length) {
        result.perfEvents = r.perf.map((e) => ({
          map: this.obj.maps[e.map]?.name ?? `map ${e.map}`, index: e.index, ret: -e.errno, data: Uint8Array.from(e.data),
          sample: Uint8Array.from(e.sample), packetLen: e.packetLength,
        }));
      }
      if (r.code === 4) result.redirect = r.redirectMap ? { map: this.obj.maps[r.redirectMap.map]?.name, key: r.redirectMap.key } : { ifindex: r.redirectIfindex };
      this.counts.runs++;
      this.cycles = r.cycles;
      out[sent[k].i] = { result, cycles: r.cycles };
    });
    return out;
  }

  /** One map change the testbench reported, into the map models. */
  private apply(e: MapEvent): void {
    if (e.kind === 'write') return this.write(e.addr, e.bytes);
    const place = this.design.layout.maps[e.map];
    const map = this.maps.maps[e.map];
    const nodes = (this.nodeKeys[e.map] ??= []);
    if (!place?.hash || !map) throw new RtlSimError(`the RTL reported a hash ${e.kind} in map ${e.map}, which is not a hash map`);
    if (place.hash.lru) {
      this.maps.dirty[e.map] = 1;
      if (e.kind === 'lru') {
        // the call, on the model: the kernel's LRU decisions (the hardware's must agree: checkLru)
        const key = e.key.slice(0, place.hash.keySize);
        if (e.op === 1) map.lookup(key);
        else if (e.op === 2) map.update(key, new Uint8Array(place.valueSize), e.flags > 0xffffffffn ? 0xffffffff : Number(e.flags));
        else if (e.op === 3) map.delete(key);
      } else if (e.kind === 'insert') nodes[e.node] = e.key.slice(0, place.hash.keySize);
      else nodes[e.node] = undefined;
      return;
    }
    if (e.kind === 'lru') throw new RtlSimError(`the RTL reported an LRU call on map ${place.name}, which is not an LRU map`);
    if (e.kind === 'insert') {
      const key = e.key.slice(0, place.hash.keySize);
      // a node that holds a key: an LPM update rewriting its entry's key (the same prefix); else a new key
      const old = nodes[e.node];
      const r = old ? map.update(key, map.lookup(old) ?? new Uint8Array(place.valueSize), 0) : map.update(key, new Uint8Array(place.valueSize), 1);
      if (r !== 0) throw new RtlSimError(`the RTL put a key into node ${e.node} of map ${place.name} that the map model refuses (${r})`);
      nodes[e.node] = key;
    } else {
      const key = nodes[e.node];
      if (!key || map.delete(key) !== 0) throw new RtlSimError(`the RTL freed node ${e.node} of map ${place.name}, which holds no key of the model`);
      nodes[e.node] = undefined;
    }
    this.maps.dirty[e.map] = 1;
  }

  /** After a packet: the keys each LRU map's nodes hold in the hardware are the model's keys. */
  private checkLru(): void {
    this.design.layout.maps.forEach((m, i) => {
      if (!m.hash?.lru) return;
      const hw = new Set((this.nodeKeys[i] ?? []).filter((k): k is Uint8Array => k !== undefined).map(keyString));
      const model = this.maps.maps[i].entries().map(([k]) => keyString(k));
      const missing = model.filter((k) => !hw.has(k));
      if (missing.length || hw.size !== model.length)
        throw new RtlSimError(`LRU map ${m.name}: the RTL holds ${hw.size} keys, the kernel's LRU (the model) ${model.length}; the RTL evicted or kept another element (${missing.length} of the model's keys missing)`);
    });
  }

  /** A map-memory write of the RTL, into the image and the map model it belongs to. */
  private write(addr: number, bytes: number[]): void {
    this.image.set(bytes, addr);
    this.design.layout.maps.forEach((m, i) => {
      const end = m.base + m.stride * m.maxEntries;
      if (addr + bytes.length <= m.base || addr >= end) return;
      if (m.type === 'devmap_hash') throw new RtlSimError(`the RTL wrote devmap_hash ${m.name}, which programs cannot write`);
      bytes.forEach((b, j) => {
        const at = addr + j - m.base;
        if (at < 0 || at >= end - m.base) return;
        const off = at % m.stride;
        if (off >= m.valueSize) return;
        const slot = Math.floor(at / m.stride);
        const hashKey = m.hash ? this.nodeKeys[i]?.[slot] : undefined;
        if (m.hash && !hashKey) return;
        const model = this.maps.maps[i];
        // an LRU map's value is read without its lookup's reference bit
        const v = model instanceof LruHashMap ? model.peek(hashKey ?? u32Key(slot)) : model.lookup(hashKey ?? u32Key(slot));
        if (v) v[off] = b;
      });
      this.maps.dirty[i] = 1;
    });
  }

  /** The map memory now, as the design's map banks hold it. */
  mapImage(): Uint8Array {
    return this.image.slice();
  }

  private primed: { input: RunInput; run: RtlRun | RunInputError }[] = [];

  /**
   * Runs `inputs` now, in one simulator process, for the run() calls that follow to answer in the
   * same order (a pcap streamed through run() then costs one process, not one a packet). A run()
   * whose input is not the next primed one runs on its own (and drops what is left primed).
   */
  async prime(inputs: readonly RunInput[], opts: RunOptions = {}): Promise<void> {
    const runs = await this.runBatch(inputs, opts);
    this.primed = inputs.map((input, i) => ({ input, run: runs[i] }));
  }

  /** One packet: the next primed result, or a batch of one (a simulator process). */
  async run(input: RunInput, opts?: RunOptions): Promise<RunResult> {
    const next = this.primed.shift();
    let r: RtlRun | RunInputError;
    if (next && sameInput(next.input, input)) r = next.run;
    else {
      this.primed = [];
      [r] = await this.runBatch([input], opts);
    }
    if (r instanceof RunInputError) throw r;
    return r.result;
  }

  async readMaps(): Promise<MapsSnapshot> {
    return this.maps.snapshot();
  }

  async writeMaps(state: MapsSnapshot): Promise<void> {
    this.maps.write(state);
    this.load();
  }

  counters(): SessionCounters {
    return { ...this.counts };
  }

  async close(): Promise<void> {}
}

function sameInput(a: RunInput, b: RunInput): boolean {
  const ca = a.ctx ?? {};
  const cb = b.ctx ?? {};
  return a.packet.length === b.packet.length && a.packet.every((x, i) => x === b.packet[i])
    && (ca.ingressIfindex ?? 0) === (cb.ingressIfindex ?? 0) && (ca.rxQueueIndex ?? 0) === (cb.rxQueueIndex ?? 0) && (ca.egressIfindex ?? 0) === (cb.egressIfindex ?? 0);
}

export class RtlEngine implements Engine {
  readonly name = 'rtl';

  constructor(readonly options: RtlOptions) {}

  async unavailable(): Promise<string | undefined> {
    return simulatorMissing(this.options.simulator);
  }

  async open(obj: LoadedObject, program: string, fixture?: MapFixture): Promise<RtlSession> {
    return new RtlSession(obj, program, fixture, this.options);
  }
}

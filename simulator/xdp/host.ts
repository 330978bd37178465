// The XDP world around the machine: the object's maps and their memory regions, the xdp_md ctx
// and packet, the compiled programs (tail-call targets), the deterministic clock and PRNG, the
// fib routes and the redirect target. Helpers (simulator/helpers) act on it through XdpEnv; any
// engine that runs programs on the shared machine (machine/) uses it as the machine's Host.

import type { LoadedObject } from '../../compiler/loader/types.js';
import { HELPER_ENV, HELPER_NAMES, PRNG_WEYL } from '../../isa/index.js';
import type { PerfEvent, RunResult } from '../engine.js';
import type { XdpEnv } from '../helpers/env.js';
import { compileRoutes } from '../helpers/fib.js';
import type { Route } from '../helpers/env.js';
import { xdpHelper } from '../helpers/index.js';
import { Memory, RegionKind } from '../machine/index.js';
import type { HelperFn, Host, Machine, MachineProgram, Region } from '../machine/index.js';
import type { MapFixture } from '../maps/fixture.js';
import { MapSet } from '../maps/set.js';
import { XdpContext } from './context.js';

export interface XdpHostOptions {
  /** ktime_get_ns: the first value (ns); default 1e9 */
  clockStart?: number;
  /** ktime_get_ns: added after each call; default 100 */
  clockStepPerCall?: number;
  /** ktime_get_ns: added at the start of each run (packet) after the first; default 1000 */
  clockStepPerPacket?: number;
  /** get_prandom_u32: the PRNG seed; default 1 */
  seed?: number;
  /** LRU maps: num_possible_cpus() of the modelled machine; default this machine's */
  possibleCpus?: number;
}

export class XdpHost implements Host, XdpEnv {
  readonly maps: MapSet;
  readonly programs: MachineProgram[] = [];
  readonly fib: Route[];
  xdp!: XdpContext;
  m!: Machine;
  redirect: RunResult['redirect'];
  /** this run's bpf_perf_event_output calls (helpers/perf.ts) */
  perfEvents: PerfEvent[] = [];
  clock: number;
  readonly clockStepPerCall: number;
  readonly clockStepPerPacket: number;
  private prngState: number;
  private runs = 0;
  private readonly mapRegions: Region[] = [];
  /** the region of each map value buffer seen (global data: registered for good; others per run) */
  private readonly valueRegions = new WeakMap<Uint8Array, Region>();

  constructor(readonly obj: LoadedObject, fixture: MapFixture | undefined, opts: XdpHostOptions = {}) {
    this.maps = new MapSet(obj.maps, { possibleCpus: opts.possibleCpus });
    this.maps.apply(fixture, (name) => {
      const i = obj.programs.findIndex((p) => p.name === name);
      return i < 0 ? undefined : i;
    });
    this.fib = compileRoutes(fixture?.fib ?? []);
    this.clock = opts.clockStart ?? HELPER_ENV.clockStart;
    this.clockStepPerCall = opts.clockStepPerCall ?? HELPER_ENV.clockStepPerCall;
    this.clockStepPerPacket = opts.clockStepPerPacket ?? HELPER_ENV.clockStepPerPacket;
    this.prngState = (opts.seed ?? HELPER_ENV.seed) | 0;
  }

  /** Creates the session-long regions (ctx, packet, map handles, global data values). */
  attach(m: Machine): void {
    this.m = m;
    this.xdp = new XdpContext(m.mem);
    m.mem.dirtyMaps = this.maps.dirty;
    this.maps.maps.forEach((map, i) => {
      this.mapRegions.push(m.mem.add(`map ${map.def.name}`, RegionKind.MAP, new Uint8Array(0), false, i));
      if (map.def.initial && map.def.type === 'array') {
        const v = map.lookup(new Uint8Array(4))!;
        this.valueRegions.set(v, m.mem.add(`map ${map.def.name} value`, RegionKind.MAP_VALUE, v, map.access.writableValues, i));
      }
    });
    m.mem.freeze();
  }

  /** Drops the previous run's value regions and redirect; advances the clock between packets. */
  beginRun(): void {
    this.m.mem.reset();
    this.redirect = undefined;
    this.perfEvents = [];
    if (this.runs++ > 0) this.clock += this.clockStepPerPacket;
  }

  helper(id: number): HelperFn | undefined {
    const fn = xdpHelper(id);
    return fn && ((m, pc) => fn(m, this, pc));
  }

  helperName(id: number): string {
    return HELPER_NAMES[id] ? `helper bpf_${HELPER_NAMES[id]} (${id})` : `unknown helper ${id}`;
  }

  ctxLoad(m: Machine, off: number, size: number, dst: number): boolean {
    return this.xdp.load(m, off, size, dst);
  }

  packetLength(): number {
    return this.xdp.packet.end - this.xdp.packet.data;
  }

  mapAddress(map: number, value: boolean, offset: number): [number, number] | string {
    const r = this.mapRegions[map];
    if (!r) return `lddw of map ${map}, but the object has ${this.mapRegions.length} maps`;
    if (!value) return Memory.pointer(r, 0);
    const v = this.maps.maps[map].lookup(new Uint8Array(4));
    const vr = v && this.valueRegions.get(v);
    if (!vr || vr.gen !== -1) return `lddw of an address in map ${this.maps.maps[map].def.name}'s value, which is not a global data map`;
    return Memory.pointer(vr, offset);
  }

  /** The map index a map-handle pointer names, or undefined. */
  mapOf(hi: number): number | undefined {
    const r = this.m.mem.regionOf(hi);
    return r && r.kind === RegionKind.MAP ? r.ref : undefined;
  }

  /** The region for a map value returned by a lookup (one per value buffer, registered per run). */
  valueRegion(map: number, buf: Uint8Array): Region {
    const mem = this.m.mem;
    let r = this.valueRegions.get(buf);
    if (!r) {
      const def = this.maps.maps[map];
      r = mem.add(`map ${def.def.name} value`, RegionKind.MAP_VALUE, buf, def.access.writableValues, map);
      this.valueRegions.set(buf, r);
    } else if (!mem.live(r)) mem.register(r);
    return r;
  }

  /** get_prandom_u32: a seeded 32-bit generator (a Weyl sequence through a 32-bit mixer). */
  nextRandom(): number {
    this.prngState = (this.prngState + PRNG_WEYL) | 0;
    let z = this.prngState;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}

// What a helper sees of the XDP world: the environment interface (xdp/host.ts implements it),
// the helper signature, and the compiled fib routes. Types only; no engine behind them.

import type { PerfEvent, RunResult } from '../engine.js';
import type { Machine, MachineProgram, Region } from '../machine/index.js';
import type { MapSet } from '../maps/set.js';
import type { XdpContext } from '../xdp/context.js';

/** A fixture fib route compiled for lookup (helpers/fib.ts: compileRoutes). */
export interface Route {
  readonly family: number;
  readonly addr: Uint8Array;
  readonly len: number;
  readonly ifindex: number;
  readonly smac: Uint8Array;
  readonly dmac: Uint8Array;
  readonly result: number;
}

/** The XDP environment helpers act on (the maps, the packet, the clock, tail-call targets). */
export interface XdpEnv {
  readonly maps: MapSet;
  /** tail-call targets, by index in the loaded object */
  readonly programs: readonly MachineProgram[];
  readonly fib: readonly Route[];
  readonly xdp: XdpContext;
  redirect: RunResult['redirect'];
  /** this run's bpf_perf_event_output calls (helpers/perf.ts) */
  readonly perfEvents: PerfEvent[];
  /** ktime_get_ns: the next value, advanced by clockStepPerCall after each call */
  clock: number;
  readonly clockStepPerCall: number;
  /** get_prandom_u32 */
  nextRandom(): number;
  /** The map index a map-handle pointer names, or undefined. */
  mapOf(hi: number): number | undefined;
  /** The region for a map value returned by a lookup. */
  valueRegion(map: number, buf: Uint8Array): Region;
}

/** An XDP helper: acts on the machine and the environment; faults through m.fail. */
export type XdpHelper = (m: Machine, h: XdpEnv, pc: number) => void;


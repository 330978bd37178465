// The one interface every execution engine implements: the reference interpreter, the kernel
// oracle (BPF_PROG_TEST_RUN), and later the cycle-accurate core and the generated Verilog.
// Engines are siblings: none imports another; engines.ts is the one list of them.

import type { LoadedObject } from '../compiler/loader/types.js';
import type { MapFixture } from './maps/fixture.js';

export const XDP_ACTIONS = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'] as const;
export type XdpAction = (typeof XDP_ACTIONS)[number];

/** The action name for a return code; codes past 4 are reported as the kernel does (as given). */
export function actionName(code: number): string {
  return XDP_ACTIONS[code] ?? `unknown(${code})`;
}

/** The xdp_md fields a run can set (the rest follow from the packet). */
export interface XdpContextInput {
  ingressIfindex?: number;
  rxQueueIndex?: number;
  /** devmap programs only (xdp/devmap): the device the frame is redirected to (default 1) */
  egressIfindex?: number;
}

export interface RunInput {
  packet: Uint8Array;
  ctx?: XdpContextInput;
}

/** Map contents by map name, in the fixture format's entry shape (docs/FIXTURES.md). */
export type MapsSnapshot = Record<string, { key: string; value: string }[]>;

export type TrapKind =
  | 'out-of-bounds' // a memory access outside its region
  | 'bad-pointer' // an address that points at no region
  | 'budget' // the instruction budget ran out (a loop)
  | 'unsupported-helper' // a helper the engine does not implement
  | 'unsupported-kfunc' // a kernel function (kfunc) the engine does not model
  | 'out-of-memory' // a large array's new value would pass the engine's memory cap
  | 'bad-call' // a helper called with arguments it rejects, a bad tail call or callx target
  | 'stack-overflow' // call depth or stack size exceeded
  | 'invalid-insn'; // an instruction the engine cannot execute

/** Why a run faulted; the run's action is then XDP_ABORTED. */
export interface Trap {
  readonly kind: TrapKind;
  /** the instruction (slot) index in the running program where it happened */
  readonly pc: number;
  /** the program (tail calls can change it) */
  readonly program: string;
  readonly message: string;
}

/**
 * One bpf_perf_event_output call: what the program sent and what the helper returned (the kernel's
 * test run has no perf event open, so a valid call returns -ENOENT and delivers nothing).
 */
export interface PerfEvent {
  map: string;
  /** the perf event array index (BPF_F_CURRENT_CPU: the CPU, 0) */
  index: number;
  ret: number;
  /** the data the program passed (r4, r5 bytes) */
  data: Uint8Array;
  /** the packet's first bytes, as many as flags bits 32-51 ask for */
  sample: Uint8Array;
  /** the packet's length at the call (xdp_get_buff_len) */
  packetLen: number;
}

export interface RunResult {
  action: string;
  /** the return code, 0-4 for the XDP actions */
  code: number;
  /** the packet as it leaves (after adjust_head/tail and writes) */
  packet: Uint8Array;
  /** every map after the run */
  maps: MapsSnapshot;
  /** instructions executed (engines that count them) */
  insnsExecuted?: number;
  trap?: Trap;
  /** XDP_REDIRECT: where to */
  redirect?: { ifindex?: number; map?: string; key?: number };
  /** bpf_perf_event_output calls, in order (engines that record them; absent when none) */
  perfEvents?: PerfEvent[];
  /** lines bpf_trace_printk / bpf_trace_vprintk printed, as trace_pipe shows them after "bpf_trace_printk: " */
  trace?: string[];
  /** engines that time the run: average ns per packet */
  durationNs?: number;
}

/** An input the engine refuses to run, as the kernel's BPF_PROG_TEST_RUN does (packet size, ctx). */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

export interface RunOptions {
  /** false: leave the result's `maps` empty (readMaps() when needed), the fast path for traffic */
  snapshot?: boolean;
}

/** What a session has done since it was opened. */
export interface SessionCounters {
  /** runs that completed (a trap is a completed run) */
  runs: number;
  /** inputs refused (RunInputError) */
  refused: number;
  /** instructions executed over all runs; undefined for engines that do not count them */
  insnsExecuted?: number;
}

/** An engine with a program loaded and its maps filled; map state persists across runs. */
export interface EngineSession {
  /** the engine's name (engines.ts) */
  readonly engine: string;
  /** One packet; throws RunInputError when the engine refuses the input. */
  run(input: RunInput, opts?: RunOptions): Promise<RunResult>;
  readMaps(): Promise<MapsSnapshot>;
  /**
   * Makes the maps named in `state` hold exactly its entries (others updated or deleted, as user
   * space would); maps not named, and entries of maps that cannot delete (arrays), stay. A large
   * array (maps/sparse.ts) lists its non-zero entries: one `state` leaves out is set to zero.
   */
  writeMaps(state: MapsSnapshot): Promise<void>;
  /**
   * Engines that read large arrays (maps/sparse.ts) by lookups of known keys, never whole (the
   * kernel): adds `keys` (hex) of `map` to those its snapshots include and returns how many were
   * new (0 for a map it lists whole). Absent: the engine lists every non-zero entry by itself.
   */
  watch?(map: string, keys: Iterable<string>): number;
  counters(): SessionCounters;
  close(): Promise<void>;
}

/** The updates and deletes that turn `now` into `want`, per map named in `want`. */
export function mapChanges(now: MapsSnapshot, want: MapsSnapshot): { map: string; key: string; value?: string }[] {
  const out: { map: string; key: string; value?: string }[] = [];
  for (const [name, entries] of Object.entries(want)) {
    const target = new Map(entries.map((e) => [e.key, e.value]));
    const current = new Map((now[name] ?? []).map((e) => [e.key, e.value]));
    for (const key of current.keys()) if (!target.has(key)) out.push({ map: name, key });
    for (const [key, value] of target) if (current.get(key) !== value) out.push({ map: name, key, value });
  }
  return out;
}

export interface Engine {
  readonly name: string;
  /** Why this engine cannot run here (missing tool, no privilege), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  open(obj: LoadedObject, program: string, fixture?: MapFixture): Promise<EngineSession>;
}

// CoreConfig: what the VLIW soft core offers (lanes and what each may do, forwarding, the latency
// of each unit, memories, clock), as data that the scheduler, the cycle-accurate simulator and the
// Verilog emitter all read; two presets and a validator for configs read from JSON. No behaviour.

import { CoreConfigError } from './errors.js';
import type { Insn } from './insn.js';

/** What one lane (issue slot of a row) may hold. */
export interface LaneCaps {
  /** jumps (conditional and goto) */
  readonly branch: boolean;
  /** loads, stores and atomics */
  readonly memory: boolean;
  /** helper calls */
  readonly helper: boolean;
  /** exit-imm exits from the fetch stage here (the early exit) */
  readonly earlyExit: boolean;
}

/**
 * Where a result can be read in the very next row: 'per-lane' (hXDP) only by the lane that
 * produced it, any lane from the row after that; 'crossbar' by any lane.
 */
export type Forwarding = 'per-lane' | 'crossbar';

/** The regions a load can read (the core splits its address space by them). */
export const LOAD_REGIONS = ['packet', 'ctx', 'stack', 'map'] as const;
export type LoadRegion = (typeof LOAD_REGIONS)[number];

/** Map families with a lookup unit of their own timing. */
export const LOOKUP_MAPS = ['array', 'hash', 'lru', 'lpm'] as const;
export type LookupMap = (typeof LOOKUP_MAPS)[number];

/**
 * Cycles, all of them: a unit's latency is the number of rows after its own at which a dependent
 * instruction may issue (1 = the next row, subject to forwarding).
 */
export interface Latencies {
  readonly alu: number;
  readonly mul: number;
  readonly div: number;
  readonly load: Readonly<Record<LoadRegion, number>>;
  readonly store: number;
  /** cycles a helper call adds beyond its own row (the pipeline stalls) */
  readonly helperCall: number;
  /** cycles a map lookup adds on top of helperCall, by map family (0: answered within the call) */
  readonly mapLookup: Readonly<Record<LookupMap, number>>;
  /**
   * hash and per-CPU hash maps are chained tables that walk (xdp2hw's hash unit, isa/hashmap.ts):
   * a call costs helperCall + mapLookup.hash + a cycle per 8 key bytes and per node compared
   * (+1 for a delete, +1 and a cycle per 8 value bytes for an update; an LRU hash with common
   * lists walks the same with mapLookup.lru, its update adding the LRU engine's cycles). Absent or
   * false: every call on them costs helperCall + mapLookup.hash (hXDP's fixed-slot table).
   */
  readonly hashWalk?: boolean;
  /**
   * cycles a row waits before it issues when one of its loads reads external memory (off-chip DRAM:
   * the read's round trip; offload.externalMemoryBytes of it hold the read-only maps that do not fit
   * on chip, isa/extmem.ts). Absent: no external memory.
   */
  readonly externalLoad?: number;
  /** cycles a taken branch loses against one not taken (the younger rows are flushed) */
  readonly takenBranch: number;
  /** cycles from an exit's row to the verdict (the pipeline drains) */
  readonly exit: number;
  /** cycles an early exit (exit-imm on a lane that may) saves against `exit` */
  readonly earlyExitSaving: number;
}

/** Where the active packet selector starts the core: when a packet's first frame is queued, or its last. */
export type SelectorStart = 'first' | 'last';

/** The packet path around the core: input queue, active packet selector, emission. */
export interface PacketPath {
  /** bytes of one input-queue frame; one frame enters (and one leaves at emission) per cycle */
  readonly frameBytes: number;
  /** input-queue capacity in frames; a packet that does not fit is dropped */
  readonly queueFrames: number;
  readonly selectorStart: SelectorStart;
  /** bytes on the wire around each frame: preamble + start delimiter (8) and inter-frame gap (12) */
  readonly wireOverheadBytes: number;
}

export interface CoreConfig {
  readonly name: string;
  /** instructions per row, 1-8 */
  readonly lanes: number;
  /** one entry per lane, lane 0 first */
  readonly laneCaps: readonly LaneCaps[];
  readonly forwarding: Forwarding;
  /** helper calls a row may hold */
  readonly helpersPerRow: number;
  readonly latency: Latencies;
  /** 64-bit registers (r0-r10 are eBPF's; more are free for renaming) */
  readonly registers: number;
  /** instruction memory, in rows */
  readonly imemRows: number;
  readonly stackBytes: number;
  /** packet-buffer read ports (loads from the packet a row may hold) */
  readonly packetReadPorts: number;
  /** bytes one packet read port returns, byte-aligned */
  readonly packetPortBytes: number;
  /**
   * map-memory stores a row may hold: stores and atomics that may write a map value (their base
   * register points into a map value, or the scheduler cannot tell), so that one write port serves
   * the map memory and it fits block RAM (optional in a JSON core file: no limit when absent)
   */
  readonly mapStorePorts?: number;
  readonly clockMHz: number;
  /** the core zeroes the stack at every packet start (so zeroing stores may be removed) */
  readonly clearsStack: boolean;
  /** the core zeroes the registers (and sets r1 and r10) at every packet start */
  readonly clearsRegisters: boolean;
  /** the shortest frame the core is given, in bytes (Ethernet's minimum, FCS included) */
  readonly minFrameBytes: number;
  /** the packet path (optional in a JSON core file: the hxdp preset's when absent) */
  readonly packetPath?: PacketPath;
  /** what a program may use on this core (optional in a JSON core file: the xdp2hw preset's when absent) */
  readonly offload?: OffloadCaps;
  /** core extensions beyond hXDP's datapath (optional in a JSON core file: all off when absent) */
  readonly extensions?: CoreExtensions;
}

/**
 * Extensions the scheduler may use and the row executor, the core simulator and the Verilog core run
 * (issue 18, measured on and off by bench/schedule.ts; ROM syllables in compiler/emit/rom.ts).
 */
export interface CoreExtensions {
  /**
   * a helper call fused with the null test of its result: a `jeq/jne r0, 0` in a higher lane of
   * the call's row reads r0 as the call left it (one row instead of two for lookup-then-test)
   */
  readonly fusedCallNullTest: boolean;
  /** a memory-add syllable: `rX = *(size *)(rB + off); rX += op; *(size *)(rB + off) = rX` as one syllable */
  readonly memoryAdd: boolean;
  /** non-faulting speculative loads: a load may rise above a side exit (a fault leaves its register) */
  readonly speculativeLoads: boolean;
}

export const EXTENSION_NAMES = ['fusedCallNullTest', 'memoryAdd', 'speculativeLoads'] as const;
export type ExtensionName = (typeof EXTENSION_NAMES)[number];

/** Whether a core has an extension (none when its config names none). */
export function hasExtension(core: CoreConfig, name: ExtensionName): boolean {
  return core.extensions?.[name] ?? false;
}

/** ALU operations a core may lack, by operation and width (sdiv/smod count as div/mod). */
export const CORE_OPS = ['mul32', 'mul64', 'div32', 'div64', 'mod32', 'mod64'] as const;
export type CoreOp = (typeof CORE_OPS)[number];

/** What the hardware around the core offers a program: helpers, maps, instructions, tail calls. */
export interface OffloadCaps {
  /** helper ids the helper unit implements (linux/bpf.h numbering) */
  readonly helpers: readonly number[];
  /** kernel functions (kfuncs) it implements, by name */
  readonly kfuncs: readonly string[];
  /** map types the map memory implements (the kernel's names: 'array', 'hash', ...) */
  readonly mapTypes: readonly string[];
  /** map flags (BPF_F_*) it honours or may ignore, as a bit mask; any other flag is refused */
  readonly mapFlags: number;
  /** bytes of map memory (keys and values of every entry of every map) */
  readonly mapMemoryBytes: number;
  /**
   * bytes of external (off-chip) memory for maps the program only reads (BPF_F_RDONLY_PROG
   * arrays) that do not fit in mapMemoryBytes; with latency.externalLoad. Absent: none.
   */
  readonly externalMemoryBytes?: number;
  /** maps one program may use */
  readonly maxMaps: number;
  /** ALU operations the core has no unit for */
  readonly missingOps: readonly CoreOp[];
  /** tail calls a packet may chain (0: none) */
  readonly tailCallDepth: number;
}

/** BPF_F_* map flags, by bit (linux/bpf.h). */
export const MAP_FLAG_NAMES: Readonly<Record<number, string>> = {
  0x1: 'BPF_F_NO_PREALLOC', 0x2: 'BPF_F_NO_COMMON_LRU', 0x4: 'BPF_F_NUMA_NODE', 0x8: 'BPF_F_RDONLY', 0x10: 'BPF_F_WRONLY',
  0x20: 'BPF_F_STACK_BUILD_ID', 0x40: 'BPF_F_ZERO_SEED', 0x80: 'BPF_F_RDONLY_PROG', 0x100: 'BPF_F_WRONLY_PROG', 0x200: 'BPF_F_CLONE',
  0x400: 'BPF_F_MMAPABLE', 0x800: 'BPF_F_PRESERVE_ELEMS', 0x1000: 'BPF_F_INNER_MAP',
};

/**
 * Flags a preallocated on-chip map memory can honour: preallocation is the only mode (NO_PREALLOC
 * is moot), one core (NUMA node, common LRU moot), access restrictions are the loader's. Refused:
 * host mmap of the map memory, stack traces, map-in-map and pinning semantics.
 */
const ONCHIP_MAP_FLAGS = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100;

const ALL_CAPS: LaneCaps = { branch: true, memory: true, helper: true, earlyExit: true };
const NO_EARLY_EXIT: LaneCaps = { ...ALL_CAPS, earlyExit: false };

/**
 * hXDP's Sephirot core, as published (OSDI 2020) and as its released VHDL behaves (Wissance/
 * FpgaNetHXDP), from ../shared/REFERENCE.md §1. Where the two disagree the hardware wins, since a
 * ROM for it must run on it: the stack is not cleared.
 */
export const HXDP: CoreConfig = {
  name: 'hxdp',
  lanes: 4, // paper §4: 2-8 lanes evaluated, 4 chosen
  laneCaps: [ALL_CAPS, NO_EARLY_EXIT, NO_EARLY_EXIT, NO_EARLY_EXIT], // paper: 4 identical lanes, any instruction, branches included; VHDL: early exit (0x96) in lane 0 only
  forwarding: 'per-lane', // VHDL: next row from the same lane only; 2-3 rows later from any lane
  helpersPerRow: 1, // paper: one helper unit, at most one call per row
  latency: {
    alu: 1, // paper: a consumer at least one row after its producer
    mul: 1, // paper gives no figure; the released VHDL does not implement mul (a no-op)
    div: 1, // paper gives no figure; the released VHDL does not implement div/mod (no-ops)
    load: { packet: 1, ctx: 1, stack: 1, map: 1 }, // VHDL: address in ID, read in IE, forwarded to the next row
    store: 1, // VHDL: stores commit in IE
    helperCall: 0, // paper (measured on the FPGA): +1 cycle per additional call (22.4 Mpps with 1 call, 9.8 with 10, 3.35 with 40 = 7.0/15.9/46.6 cycles), i.e. the call's own row and no stall; the VHDL, read but not simulated, suggests a squashed and re-run row (+1): the measurement wins
    mapLookup: { array: 0, hash: 0, lru: 0, lpm: 0 }, // VHDL: combinational lookup (answered within the call's cycle); paper: constant time for 1-16 B keys; lru and lpm are not implemented
    takenBranch: 5, // VHDL: IF, register read and ID flushed; a taken branch costs 5 cycles, not taken 0
    exit: 5, // VHDL: a normal exit is seen 5 cycles after its row's PC
    earlyExitSaving: 3, // VHDL: the early exit is caught at the instruction memory's output, 3 cycles sooner
  },
  registers: 11, // paper: 11 × 64-bit registers, r0-r10
  imemRows: 256, // paper: instruction memory of 256 rows
  stackBytes: 512, // paper: 512-byte stack
  packetReadPorts: 4, // paper: active packet selector with 4 parallel byte-aligned read ports
  packetPortBytes: 8, // assumption: the paper gives no width; 8 B = the widest eBPF load
  clockMHz: 156.25, // paper: all figures at 156.25 MHz (NetFPGA-SUME)
  clearsStack: false, // VHDL resets only the registers (the paper says both)
  clearsRegisters: true, // VHDL: registers reset, r1 = 1<<60, r10 = 2<<60
  minFrameBytes: 64, // IEEE 802.3 minimum frame; the paper's throughput figures use 64 B packets
  packetPath: {
    frameBytes: 32, // paper §4: the input queue stores 32-byte frames, one per cycle (32 B × 156.25 MHz = 40 Gb/s)
    queueFrames: 832, // paper Table 1: input queue 6.5 BRAM36 ≈ 26.6 KB of data = 832 frames of 32 B (assumption: all of it frames)
    selectorStart: 'last', // assumption: the active packet selector copies a whole packet before the core starts (the paper does not say)
    wireOverheadBytes: 20, // IEEE 802.3: 7 B preamble + 1 B SFD + 12 B inter-frame gap
  },
  offload: {
    helpers: [1, 2, 3, 8, 28, 44, 51, 65], // VHDL: map lookup/update/delete (1-3) and redirect_map (51); paper §6: its programs also call csum_diff (28, the helper microbenchmark's checksum), xdp_adjust_head (44: tx_ip_tunnel, Katran), xdp_adjust_tail (65); assumption: get_smp_processor_id (8) is the constant 0 of a one-core NIC
    kfuncs: [], // kfuncs are kernel code: no NIC runs them
    mapTypes: ['array', 'percpu_array', 'hash', 'percpu_hash', 'devmap'], // paper: array and hash maps; VHDL: redirect_map's device map; one core, so per-CPU maps are plain maps
    mapFlags: ONCHIP_MAP_FLAGS, // a preallocated on-chip memory the host cannot mmap (ONCHIP_MAP_FLAGS above)
    mapMemoryBytes: 16 * 4096, // paper Table 1: maps take 16 BRAM36, 4 KiB of data each
    maxMaps: 16, // VHDL: at most 16 maps
    missingOps: ['div32', 'div64', 'mod32', 'mod64'], // VHDL: no divider (div/mod are no-ops), Table 1 lists none; the paper's programs never divide (Katran's modulo by a constant compiles to mul, so mul stays)
    tailCallDepth: 0, // paper §7 and VHDL: no tail calls
  },
};

/**
 * xdp2hw's own core, the default: hXDP's datapath with the hardware doing what the paper says
 * (stack and registers cleared at each packet) and the units hXDP's VHDL lacks. Design targets,
 * not measurements; later issues tune them against the RTL.
 */
export const XDP2HW: CoreConfig = {
  ...HXDP,
  name: 'xdp2hw',
  laneCaps: [ALL_CAPS, ALL_CAPS, ALL_CAPS, ALL_CAPS], // our decoder detects exit-imm in every lane
  latency: {
    ...HXDP.latency,
    mul: 3, // design target: a pipelined 64×64 multiplier on DSP slices, 3 stages
    div: 66, // design target: radix-2 iterative divider, one bit a cycle plus 2 (64-bit operands)
    helperCall: 1, // design target: the helper unit answers one cycle after the call (registered arguments), the PC stalls meanwhile
    mapLookup: { ...HXDP.latency.mapLookup, hash: 1, lru: 1, lpm: 1 }, // RTL (xdp2hw_hashmap.v): the chain head's read; the walk adds a cycle per 8 key bytes and per node compared (isa/hashmap.ts; an LPM trie is one chain; an LRU update adds its list engine's cycles)
    hashWalk: true, // RTL: chained buckets with a free list of max_entries nodes (never refuses an insert the kernel accepts)
    externalLoad: 20, // assumption: a DDR4 read through the memory controller ≈ 128 ns, 20 cycles at 156.25 MHz, the row waiting for it
  },
  imemRows: 1024, // design choice: 1024 × 256-bit rows (≈ 8 BRAM36) so long programs such as l4lb fit
  mapStorePorts: 1, // design choice: one map-memory write port, so large maps' values go to block RAM (docs/HARDWARE.md)
  clearsStack: true, // design choice, as hXDP's paper: zeroed at packet start (zeroing stores can go)
  clearsRegisters: true, // as hXDP
  offload: {
    helpers: [...HXDP.offload!.helpers, 5, 7, 12, 23, 25, 54], // design target: hXDP's helper unit, ktime_get_ns (5) and get_prandom_u32 (7) (the machine's clock and generator), tail_call (12: the ROM holds every program a prog array may name), bpf_redirect (23), perf_event_output (25: records streamed to the host) and xdp_adjust_meta (54), which the RTL's helper units answer
    kfuncs: [], // as hxdp
    mapTypes: [...HXDP.offload!.mapTypes, 'lru_hash', 'lpm_trie', 'perf_event_array', 'prog_array', 'cpumap', 'devmap_hash'], // what the RTL builds: the lookup families of latency.mapLookup (docs/CORE.md) but lru_percpu_hash (its update keeps the old node, which the hash unit's LRU engine does not do); prog arrays for tail calls; cpumap for redirect_map (a table as devmap); devmap_hash (a table the host fills, scanned a slot a cycle: isa/timing.ts devmapHashCycles)
    mapFlags: ONCHIP_MAP_FLAGS, // as hxdp
    mapMemoryBytes: 32 << 20, // design target: 32 MiB of UltraRAM (a Virtex UltraScale+ VU9P has 960 × 36 KiB)
    externalMemoryBytes: 2 ** 31, // design target: 2 GiB of a DDR4 channel for read-only tables (e.g. Katran's consistent-hash rings); map values are 32-bit offsets
    maxMaps: 64, // design choice: a 6-bit map index
    missingOps: [], // mul and div units above
    tailCallDepth: 33, // the kernel's MAX_TAIL_CALL_CNT: the rows link every program a tail call may reach (compiler/schedule/link.ts), the RTL counts a packet's tail calls
  },
};

/**
 * xdp2hw with the extensions of issue 18 on: a crossbar (the RTL writes every result into the
 * register file at the clock edge, so any lane reads it the next row at no cost) and the three
 * CoreConfig.extensions, which the RTL core runs cycle for cycle (docs/RTL.md). Not yet the
 * default: docs/RTL.md "Core extensions" says why (the proof does not close on every extended schedule yet).
 */
export const XDP2HW_EXT: CoreConfig = {
  ...XDP2HW,
  name: 'xdp2hw-ext',
  forwarding: 'crossbar', // RTL (xdp2hw_core.v): results written at the edge, read by any lane the next row (FWD_PER_LANE = 0)
  extensions: { fusedCallNullTest: true, memoryAdd: true, speculativeLoads: true }, // RTL: class 11, bits 145 and 146 (docs/RTL.md), co-simulated 0/0
};

/** The named presets; `xdp2hw` is the default. */
export const CORE_PRESETS: Readonly<Record<string, CoreConfig>> = { hxdp: HXDP, xdp2hw: XDP2HW, 'xdp2hw-ext': XDP2HW_EXT };
export const DEFAULT_CORE: CoreConfig = XDP2HW;

type Obj = Record<string, unknown>;

/** The keys of a JSON object, checked to be exactly `keys` (a misspelt field is an error, not a default). */
function object(v: unknown, path: string, keys: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CoreConfigError(path, `must be an object, is ${JSON.stringify(v)}`);
  const o = v as Obj;
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length > 0) throw new CoreConfigError(path, `unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (known: ${keys.join(', ')})`);
  const missing = keys.filter((k) => !(k in o));
  if (missing.length > 0) throw new CoreConfigError(path, `missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return o;
}

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

function int(o: Obj, path: string, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new CoreConfigError(at(path, key), `must be an integer from ${min} to ${max}, is ${JSON.stringify(v)}`);
  return v;
}

function bool(o: Obj, path: string, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new CoreConfigError(at(path, key), `must be true or false, is ${JSON.stringify(v)}`);
  return v;
}

/** Most cycles any one unit may take: a bound that catches a unit typo (ms for cycles), not a design rule. */
const MAX_CYCLES = 10_000;

function latencies(v: unknown, path: string): Latencies {
  const keys = ['alu', 'mul', 'div', 'load', 'store', 'helperCall', 'mapLookup', 'takenBranch', 'exit', 'earlyExitSaving'];
  const given = typeof v === 'object' && v !== null && 'hashWalk' in v;
  const external = typeof v === 'object' && v !== null && 'externalLoad' in v;
  const o = object(v, path, [...keys, ...(given ? ['hashWalk'] : []), ...(external ? ['externalLoad'] : [])]);
  const load = object(o.load, at(path, 'load'), LOAD_REGIONS);
  const lookup = object(o.mapLookup, at(path, 'mapLookup'), LOOKUP_MAPS);
  // a result is never usable in its own row: units take at least 1; stalls and penalties may be 0
  const unit = (k: string) => int(o, path, k, 1, MAX_CYCLES);
  const stall = (k: string) => int(o, path, k, 0, MAX_CYCLES);
  const exit = stall('exit');
  return {
    alu: unit('alu'), mul: unit('mul'), div: unit('div'),
    load: Object.fromEntries(LOAD_REGIONS.map((r) => [r, int(load, at(path, 'load'), r, 1, MAX_CYCLES)])) as Record<LoadRegion, number>,
    store: unit('store'), helperCall: stall('helperCall'),
    mapLookup: Object.fromEntries(LOOKUP_MAPS.map((m) => [m, int(lookup, at(path, 'mapLookup'), m, 0, MAX_CYCLES)])) as Record<LookupMap, number>,
    takenBranch: stall('takenBranch'), exit, earlyExitSaving: int(o, path, 'earlyExitSaving', 0, exit),
    ...(given ? { hashWalk: bool(o, path, 'hashWalk') } : {}),
    ...(external ? { externalLoad: stall('externalLoad') } : {}),
  };
}

function laneCaps(v: unknown, lanes: number): LaneCaps[] {
  if (!Array.isArray(v) || v.length !== lanes)
    throw new CoreConfigError('laneCaps', `must list ${lanes} lane${lanes > 1 ? 's' : ''} (one per lane), ${Array.isArray(v) ? `lists ${v.length}` : `is ${JSON.stringify(v)}`}`);
  const caps = v.map((c, i): LaneCaps => {
    const path = `laneCaps[${i}]`;
    const o = object(c, path, ['branch', 'memory', 'helper', 'earlyExit']);
    return { branch: bool(o, path, 'branch'), memory: bool(o, path, 'memory'), helper: bool(o, path, 'helper'), earlyExit: bool(o, path, 'earlyExit') };
  });
  for (const k of ['branch', 'memory', 'helper'] as const)
    if (!caps.some((c) => c[k])) throw new CoreConfigError('laneCaps', `no lane may hold a ${k === 'memory' ? 'load or store' : k === 'helper' ? 'helper call' : 'branch'}: programs could not be scheduled`);
  return caps;
}

const CONFIG_KEYS = [
  'name', 'lanes', 'laneCaps', 'forwarding', 'helpersPerRow', 'latency', 'registers', 'imemRows', 'stackBytes',
  'packetReadPorts', 'packetPortBytes', 'clockMHz', 'clearsStack', 'clearsRegisters', 'minFrameBytes',
];
const OPTIONAL_KEYS = ['packetPath', 'offload', 'extensions', 'mapStorePorts'];

/** What a core offers programs (the xdp2hw preset's when the config names nothing). */
export function offloadOf(core: CoreConfig): OffloadCaps {
  return core.offload ?? XDP2HW.offload!;
}

function intList(v: unknown, path: string, max: number): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max))
    throw new CoreConfigError(path, `must be a list of integers from 0 to ${max}, is ${JSON.stringify(v)}`);
  return v as number[];
}

function stringList<T extends string>(v: unknown, path: string, allowed?: readonly T[]): T[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && (allowed === undefined || (allowed as readonly string[]).includes(x))))
    throw new CoreConfigError(path, `must be a list of ${allowed ? `names from ${allowed.join(', ')}` : 'names'}, is ${JSON.stringify(v)}`);
  return v as T[];
}

function offloadCaps(v: unknown): OffloadCaps {
  const path = 'offload';
  const external = typeof v === 'object' && v !== null && 'externalMemoryBytes' in v;
  const o = object(v, path, ['helpers', 'kfuncs', 'mapTypes', 'mapFlags', 'mapMemoryBytes', ...(external ? ['externalMemoryBytes'] : []), 'maxMaps', 'missingOps', 'tailCallDepth']);
  return {
    ...(external ? { externalMemoryBytes: int(o, path, 'externalMemoryBytes', 0, 2 ** 40) } : {}),
    helpers: intList(o.helpers, at(path, 'helpers'), 1 << 16), kfuncs: stringList(o.kfuncs, at(path, 'kfuncs')),
    mapTypes: stringList(o.mapTypes, at(path, 'mapTypes')), mapFlags: int(o, path, 'mapFlags', 0, 0xffffffff),
    mapMemoryBytes: int(o, path, 'mapMemoryBytes', 0, 2 ** 40), maxMaps: int(o, path, 'maxMaps', 0, 1 << 16),
    missingOps: stringList(o.missingOps, at(path, 'missingOps'), CORE_OPS), tailCallDepth: int(o, path, 'tailCallDepth', 0, 33),
  };
}

/** The packet path a core has (the hxdp preset's when the config names none). */
export function packetPathOf(core: CoreConfig): PacketPath {
  return core.packetPath ?? HXDP.packetPath!;
}

function packetPath(v: unknown): PacketPath {
  const o = object(v, 'packetPath', ['frameBytes', 'queueFrames', 'selectorStart', 'wireOverheadBytes']);
  if (o.selectorStart !== 'first' && o.selectorStart !== 'last')
    throw new CoreConfigError('packetPath.selectorStart', `must be "first" or "last", is ${JSON.stringify(o.selectorStart)}`);
  return {
    frameBytes: int(o, 'packetPath', 'frameBytes', 1, 1024), queueFrames: int(o, 'packetPath', 'queueFrames', 1, 1 << 24),
    selectorStart: o.selectorStart, wireOverheadBytes: int(o, 'packetPath', 'wireOverheadBytes', 0, 64),
  };
}

function extensions(v: unknown): CoreExtensions {
  const o = object(v, 'extensions', EXTENSION_NAMES);
  return { fusedCallNullTest: bool(o, 'extensions', 'fusedCallNullTest'), memoryAdd: bool(o, 'extensions', 'memoryAdd'), speculativeLoads: bool(o, 'extensions', 'speculativeLoads') };
}

/** A CoreConfig from parsed JSON, every field checked; throws CoreConfigError naming the first bad field. */
export function checkCoreConfig(value: unknown): CoreConfig {
  const given = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  const o = object(value, '', [...CONFIG_KEYS, ...OPTIONAL_KEYS.filter((k) => given.includes(k))]);
  if (typeof o.name !== 'string' || o.name === '') throw new CoreConfigError('name', `must be a non-empty string, is ${JSON.stringify(o.name)}`);
  const lanes = int(o, '', 'lanes', 1, 8);
  if (o.forwarding !== 'per-lane' && o.forwarding !== 'crossbar')
    throw new CoreConfigError('forwarding', `must be "per-lane" or "crossbar", is ${JSON.stringify(o.forwarding)}`);
  const stackBytes = int(o, '', 'stackBytes', 8, 1 << 16);
  if (stackBytes % 8 !== 0) throw new CoreConfigError('stackBytes', `must be a multiple of 8, is ${stackBytes}`);
  const portBytes = int(o, '', 'packetPortBytes', 1, 64);
  if ((portBytes & (portBytes - 1)) !== 0) throw new CoreConfigError('packetPortBytes', `must be a power of two, is ${portBytes}`);
  const clock = o.clockMHz;
  if (typeof clock !== 'number' || !Number.isFinite(clock) || clock <= 0 || clock > 2000)
    throw new CoreConfigError('clockMHz', `must be a number above 0 and at most 2000, is ${JSON.stringify(clock)}`);
  const latency = latencies(o.latency, 'latency');
  const offload = o.offload === undefined ? undefined : offloadCaps(o.offload);
  if ((latency.externalLoad === undefined) !== (offload?.externalMemoryBytes === undefined))
    throw new CoreConfigError(latency.externalLoad === undefined ? 'latency' : 'offload',
      'latency.externalLoad and offload.externalMemoryBytes go together (external memory has a size and a latency)');
  return {
    name: o.name, lanes, laneCaps: laneCaps(o.laneCaps, lanes), forwarding: o.forwarding,
    helpersPerRow: int(o, '', 'helpersPerRow', 1, lanes),
    latency,
    registers: int(o, '', 'registers', 11, 16), // r0-r10 are eBPF's; a syllable's register field has 4 bits
    imemRows: int(o, '', 'imemRows', 1, 1 << 16),
    stackBytes, packetReadPorts: int(o, '', 'packetReadPorts', 1, 8), packetPortBytes: portBytes, clockMHz: clock,
    clearsStack: bool(o, '', 'clearsStack'), clearsRegisters: bool(o, '', 'clearsRegisters'),
    minFrameBytes: int(o, '', 'minFrameBytes', 14, 9216),
    ...(o.mapStorePorts === undefined ? {} : { mapStorePorts: int(o, '', 'mapStorePorts', 1, 8) }),
    ...(o.packetPath === undefined ? {} : { packetPath: packetPath(o.packetPath) }),
    ...(offload === undefined ? {} : { offload }),
    ...(o.extensions === undefined ? {} : { extensions: extensions(o.extensions) }),
  };
}

/**
 * Whether a result read in the very next row must be read by the lane that produced it: the
 * per-lane forwarding rule. A helper's result comes from the helper unit, not a lane, once the
 * call's row is done, so any lane reads it (the scheduler and the core simulator both ask this).
 */
export function forwardsToOwnLaneOnly(core: CoreConfig, producer: Insn): boolean {
  return core.forwarding === 'per-lane' && producer.kind !== 'call';
}

/**
 * The rows after its own at which an instruction's result may be read (the one rule the scheduler's
 * dependences and the core simulator's interlock both read). `region`: where a load reads, when
 * known; undefined takes the slowest region.
 */
export function resultLatency(core: CoreConfig, insn: Insn, region: LoadRegion | undefined): number {
  const lat = core.latency;
  switch (insn.kind) {
    case 'alu': case 'alu3':
      if (insn.op === 'mul') return lat.mul;
      if (insn.op === 'div' || insn.op === 'sdiv' || insn.op === 'mod' || insn.op === 'smod') return lat.div;
      return lat.alu;
    case 'ldx': case 'ldx6': case 'atomic':
      return region === undefined ? Math.max(...LOAD_REGIONS.map((r) => lat.load[r])) : lat.load[region];
    default:
      return lat.alu;
  }
}

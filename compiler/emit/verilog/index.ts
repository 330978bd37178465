// The Verilog of one scheduled program: the hdl-templates modules, a parameter header from the
// CoreConfig and the program (params.vh), a top for synthesis (xdp2hw_program.v), the ROM
// (rom.hex), the map memory's initial banks (maps_b*.hex), the testbench, a Makefile for Icarus,
// Verilator and Yosys, and a README. Pure: returns the files; writeDesign puts them in a directory.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTERNAL_BASE, EXTERNAL_MODEL_WORDS, externalFile, HELPER_ENV, helperEnvFile, hashUnitFiles, offloadOf } from '../../../isa/index.js';
import type { CoreConfig, RowProgram } from '../../../isa/index.js';
import type { LoadedObject } from '../../loader/types.js';
import { analyze } from '../../analysis/absint.js';
import { lift } from '../../ir/index.js';
import { hasLru, MAP_BRAM_BYTES, mapBankFiles, mapLayout } from './maps.js';
import type { MapLayout } from './maps.js';
import { helperProblem, RtlRefusal, rtlRom } from './rom.js';

export { RtlRefusal } from './rom.js';
export { mapBankFiles, mapLayout } from './maps.js';
export type { MapLayout, MapPlace } from './maps.js';

/** The Verilog modules the design copies from hdl-templates/, in dependency order. */
export const HDL_MODULES = ['xdp2hw_alu.v', 'xdp2hw_bytemem.v', 'xdp2hw_div.v', 'xdp2hw_hashmap.v', 'xdp2hw_core.v', 'xdp2hw_helpers.v', 'xdp2hw_top.v'] as const;
export const TESTBENCH = 'xdp2hw_tb.v';
/** The module to synthesise: the whole design with the program's parameters. */
export const SYNTH_TOP = 'xdp2hw_program';
/** The VLIW core alone (hXDP's Sephirot): what synthesis reports apart. */
export const CORE_MODULE = 'xdp2hw_core';
/** The longest packet the RTL takes by default (the longest Ethernet frame with VLAN tags, rounded up). */
export const DEFAULT_PACKET_BYTES = 2048;
/**
 * The packet buffer is one frame as the kernel's test run builds it (simulator/xdp/packet.ts's
 * numbers): FRAME_BYTES, the packet at HEADROOM, data_end at most FRAME_END (the frame less
 * skb_shared_info), so adjust_head and adjust_tail have the kernel's room.
 */
export const FRAME_BYTES = 4096;
export const HEADROOM = 256;
export const FRAME_END = 4096 - 320;

export interface VerilogOptions {
  /** packet buffer bytes (default 2048) */
  packetBytes?: number;
  /** map memory image to start from (default: the object's initial contents, zeros elsewhere) */
  mapImage?: Uint8Array;
}

export interface VerilogDesign {
  readonly program: string;
  /** file name → contents */
  readonly files: Readonly<Record<string, string>>;
  readonly layout: MapLayout;
  readonly packetBytes: number;
  /** sha256 of everything the built simulator depends on (not the map banks, read at run time) */
  readonly hash: string;
}

/** hdl-templates/, from dist/compiler/emit/verilog or compiler/emit/verilog alike. */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const c = join(dir, 'hdl-templates');
    if (existsSync(join(c, 'xdp2hw_core.v'))) return c;
    dir = dirname(dir);
  }
  throw new Error('hdl-templates/ not found above the emitter');
}

function pack(values: readonly number[]): string {
  const v = values.length ? values : [0];
  return `${v.length * 32}'h${[...v].reverse().map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('_')}`;
}

/** Parameters only the testbench reads (the design does not). */
const TESTBENCH_PARAMS = new Set(['P_EXT_WORDS']);

function params(p: RowProgram, core: CoreConfig, layout: MapLayout, packetBytes: number, helpPkt: boolean): string {
  const l = core.latency;
  const lines: [string, string | number, string][] = [
    ['P_LANES', p.lanes, 'syllables per row'],
    ['P_ROWS', p.rows.length, `ROM rows (the program's; the core holds up to ${core.imemRows})`],
    ['P_ENTRY', p.entry, 'the row a packet starts at'],
    ['P_REGS', core.registers, 'registers'],
    ['P_STACK_BYTES', core.stackBytes, 'stack bytes'],
    ['P_PKT_BYTES', FRAME_BYTES, 'packet buffer bytes: one frame'],
    ['P_PAW', Math.ceil(Math.log2(FRAME_BYTES)), 'packet address width (derived)'],
    ['P_HEADROOM', HEADROOM, `XDP_PACKET_HEADROOM: the packet starts there (longest packet ${packetBytes} bytes)`],
    ['P_FRAME_END', FRAME_END, 'the largest data_end (the frame less skb_shared_info)'],
    ['P_MAP_BYTES', layout.bytes, 'map memory bytes'],
    ['P_MAPS', Math.max(1, layout.maps.length), 'maps in the table'],
    ['P_MAP_BASE', pack(layout.maps.map((m) => m.base)), `value 0 of each map: ${layout.maps.map((m) => m.name).join(', ') || 'none'}`],
    ['P_MAP_MAX', pack(layout.maps.map((m) => m.maxEntries)), 'max_entries of each map'],
    ['P_MAP_STRIDE', pack(layout.maps.map((m) => m.stride)), 'bytes between values of each map'],
    ['P_MAP_KIND', pack(layout.maps.map((m) => (m.hash ? (m.type === 'lpm_trie' ? 2 : 1) : m.type === 'devmap' ? 3 : m.type === 'perf_event_array' ? 4 : m.type === 'prog_array' ? 5 : m.type === 'cpumap' ? 6 : m.type === 'devmap_hash' ? 7 : 0))), 'each map: 0 array, 1 hash, 2 LPM trie (the hash unit), 3 devmap, 4 perf_event_array, 5 prog array, 6 cpumap, 7 devmap_hash (the scan unit)'],
    ['P_MAP_NODE', pack(layout.maps.map((m) => m.hash?.node ?? 0)), "each hash map's first node"],
    ['P_MAP_BUCKET', pack(layout.maps.map((m) => m.hash?.bucket ?? 0)), "each hash map's first bucket"],
    ['P_MAP_BITS', pack(layout.maps.map((m) => m.hash?.bits ?? 0)), "log2 of each hash map's buckets"],
    ['P_MAP_KEYB', pack(layout.maps.map((m) => m.keySize)), 'key bytes of each map'],
    ['P_MAP_VALB', pack(layout.maps.map((m) => m.valueSize)), 'value bytes of each map'],
    ['P_HASH_MAPS', layout.hash.count, 'hash maps (0: no hash unit)'],
    ['P_HASH_LRU', hasLru(layout) ? 1 : 0, 'some hash map is an LRU map (0: the hash unit without its LRU engine)'],
    ['P_HELP_PKT', helpPkt ? 1 : 0, 'a map call (lookup, update, delete) may take its key or value from the packet, read in its own cycle: the helper unit gets a packet read port'],
    ['P_ARRAY_UPDATE', callsHelper(p, 2) && layout.maps.some((m) => m.type === 'array' || m.type === 'percpu_array') ? 1 : 0, 'the program may update an array map (the array unit gets a map-memory write port)'],
    ['P_HASH_NODES', layout.hash.nodes, 'hash nodes (max_entries of the hash maps summed)'],
    ['P_HASH_BUCKETS', layout.hash.buckets, 'hash buckets'],
    ['P_HASH_KW', layout.hash.keyBits, "key bits of the hash unit's node memory"],
    ['P_MAP_LOOKUP_HASH', l.mapLookup.hash, 'latency.mapLookup.hash'],
    ['P_MAP_LOOKUP_LPM', l.mapLookup.lpm, 'latency.mapLookup.lpm'],
    ['P_ALU_LAT', l.alu, 'latency.alu'],
    ['P_MUL_LAT', l.mul, 'latency.mul'],
    ['P_DIV_LAT', l.div, 'latency.div'],
    ['P_DIV_LANES', laneMask(p, ['alu', 'alu3'], ['div', 'sdiv', 'mod', 'smod']), 'lanes holding a division or modulo (they get a divider)'],
    ['P_MUL_LANES', laneMask(p, ['alu', 'alu3'], ['mul']), 'lanes holding a multiply (they get a multiplier)'],
    ['P_MADD_LANES', extensionLanes(p, 'memoryAdd'), 'lanes holding a memory add (core extension memoryAdd)'],
    ['P_SPEC_LANES', extensionLanes(p, 'speculative'), 'lanes holding a non-faulting load (core extension speculativeLoads)'],
    ['P_FUSED_LANES', extensionLanes(p, 'fusedNullTest'), 'lanes holding a fused null test (core extension fusedCallNullTest)'],
    ['P_LD_LAT_PKT', l.load.packet, 'latency.load.packet'],
    ['P_LD_LAT_CTX', l.load.ctx, 'latency.load.ctx'],
    ['P_LD_LAT_STK', l.load.stack, 'latency.load.stack'],
    ['P_LD_LAT_MAP', l.load.map, 'latency.load.map'],
    ['P_HELPER_CALL', l.helperCall, 'latency.helperCall'],
    ['P_MAP_LOOKUP', l.mapLookup.array, 'latency.mapLookup.array'],
    ['P_TAKEN_BRANCH', l.takenBranch, 'latency.takenBranch'],
    ['P_EXIT_DRAIN', l.exit, 'latency.exit'],
    ['P_EARLY_DRAIN', l.exit - l.earlyExitSaving, 'latency.exit - latency.earlyExitSaving'],
    ['P_FWD_PER_LANE', core.forwarding === 'per-lane' ? 1 : 0, `forwarding: ${core.forwarding}`],
    ['P_CLEAR_REGS', core.clearsRegisters ? 1 : 0, 'clearsRegisters'],
    ['P_CLEAR_STACK', core.clearsStack ? 1 : 0, 'clearsStack'],
    ['P_LOAD_LANES', laneMask(p, ['ldx', 'ldx6', 'atomic']), 'lanes holding a load, atomic or memory add (they get memory read ports)'],
    ['P_STORE_LANES', laneMask(p, ['st', 'stx', 'stx6', 'atomic']) | extensionLanes(p, 'memoryAdd'), 'lanes holding a store, atomic or memory add (they get memory write ports)'],
    ['P_MAP_ONE_WRITE', core.mapStorePorts === 1 ? 1 : 0, `the map memory's write ports: ${core.mapStorePorts === 1 ? 'one (mapStorePorts 1: a row holds one map store)' : 'one per storing lane and the hash unit\'s'}`],
    ['P_EXT_BASE', layout.externalBytes > 0 ? EXTERNAL_BASE : 0, 'map-value offset where external memory starts (0: no map there)'],
    ['P_EXT_WAIT', layout.externalBytes > 0 ? l.externalLoad ?? 0 : 0, 'latency.externalLoad: cycles a row loading from external memory waits before it issues'],
    ['P_TAIL_MAX', offloadOf(core).tailCallDepth, 'offload.tailCallDepth: tail calls a packet may chain'],
    ['P_EXT_WORDS', EXTERNAL_MODEL_WORDS, "8-byte words of external memory the testbench's model holds (the others read as zeros)"],
    ['P_MAP_SYNC', layout.bytes >= MAP_BRAM_BYTES ? 1 : 0, `the map memory reads at the falling edge (block RAM) from ${MAP_BRAM_BYTES} bytes on, else asynchronously (LUTRAM)`],
  ];
  return [
    `// Parameters of ${p.name} on core ${core.name}, ${p.lanes} lane${p.lanes > 1 ? 's' : ''} (written by compiler/emit/verilog).`,
    ...lines.map(([k, v, c]) => {
      const line = `localparam ${typeof v === 'string' ? `[${Number(v.split("'")[0]) - 1}:0] ` : 'integer '}${k} = ${v}; // ${c}`;
      return TESTBENCH_PARAMS.has(k) ? `/* verilator lint_off UNUSEDPARAM */ // the testbench's\n${line}\n/* verilator lint_on UNUSEDPARAM */` : line;
    }),
    '',
  ].join('\n');
}

/** Whether some row calls helper `id`. */
/**
 * Whether a map lookup, update or delete of the rows' programs may take its key (r2) or an
 * update's value (r3) from the packet: the abstract value before each such call of each program
 * the rows link (compiler/analysis, the verifier's pointer types) is anything but a stack or map
 * value pointer. The passes never change which memory a call's pointer points into, so the
 * original programs answer for the rows. A function other than the entry starts unknown: true.
 */
export function mapCallMayReadPacket(p: RowProgram, obj: LoadedObject): boolean {
  for (const name of p.programs?.map((q) => q.name) ?? [p.name]) {
    const program = obj.programs.find((q) => q.name === name);
    if (!program) return true;
    let ir;
    try {
      ir = lift(program);
    } catch {
      return true;
    }
    const a = analyze(ir, { minFrame: 0, clearsStack: false, clearsRegisters: false });
    for (const fn of ir.functions)
      for (const b of fn.blocks)
        for (const x of b.insns) {
          const i = x.insn;
          if (i.kind !== 'call' || i.target !== 'helper' || (i.id !== 1 && i.id !== 2 && i.id !== 3)) continue;
          const s = a.before.get(x);
          if (!s) continue; // unreachable
          for (const r of i.id === 2 ? [2, 3] : [2]) if (s.regs[r].k !== 'fp' && s.regs[r].k !== 'mapval') return true;
        }
  }
  return false;
}

function callsHelper(p: RowProgram, id: number): boolean {
  return p.rows.some((row) => row.some((s) => s?.insn.kind === 'call' && s.insn.target === 'helper' && s.insn.id === id));
}

/** Bit per lane that holds a syllable of a core extension in some row (a memory add also stores through its lane's port). */
function extensionLanes(p: RowProgram, mark: 'memoryAdd' | 'speculative' | 'fusedNullTest'): number {
  let mask = 0;
  for (const row of p.rows) row.forEach((s, lane) => {
    if (s?.[mark]) mask |= 1 << lane;
  });
  return mask;
}

/** Bit per lane that holds a syllable of one of `kinds` in some row. */
function laneMask(p: RowProgram, kinds: readonly string[], ops?: readonly string[]): number {
  let mask = 0;
  for (const row of p.rows) row.forEach((s, lane) => {
    if (s && kinds.includes(s.insn.kind) && (!ops || ('op' in s.insn && ops.includes(s.insn.op)))) mask |= 1 << lane;
  });
  return mask;
}

function programTop(): string {
  return `// xdp2hw_program: xdp2hw_top with this program's parameters (params.vh), the module to synthesise.
\`default_nettype none

module ${SYNTH_TOP} (clk, rst, host_we, host_addr, host_wdata, host_rdata, start, pkt_len, ingress_ifindex, rx_queue_index,
    ready, done, action, cycles, redirect_ifindex, out_start, out_len, out_high, mw_valid, mw_addr, mw_mask, mw_data,
    perf_valid, perf_kind, perf_bytes, perf_data, ext_addr, ext_rdata);
    \`include "params.vh"
    input  wire clk;
    input  wire rst;
    input  wire [7:0] host_we;
    input  wire [P_PAW-1:0] host_addr;
    input  wire [63:0] host_wdata;
    output wire [63:0] host_rdata;
    input  wire start;
    input  wire [31:0] pkt_len;
    input  wire [31:0] ingress_ifindex;
    input  wire [31:0] rx_queue_index;
    output wire ready;
    output wire done;
    output wire [31:0] action;
    output wire [31:0] cycles;
    output wire [31:0] redirect_ifindex;
    output wire [31:0] out_start;
    output wire [31:0] out_len;
    output wire [31:0] out_high;
    output wire [P_LANES-1:0] mw_valid;
    output wire [P_LANES*32-1:0] mw_addr;
    output wire [P_LANES*8-1:0] mw_mask;
    output wire [P_LANES*64-1:0] mw_data;
    output wire perf_valid;
    output wire [1:0] perf_kind;
    output wire [3:0] perf_bytes;
    output wire [63:0] perf_data;
    output wire [(P_LANES+1)*32-1:0] ext_addr;   // external memory: a byte address per lane and the helpers'
    input  wire [(P_LANES+1)*64-1:0] ext_rdata;  // the 8 bytes from there
    xdp2hw_top #(
        .LANES(P_LANES), .ROWS(P_ROWS), .ROM_FILE("rom.hex"), .ENTRY(P_ENTRY), .REGS(P_REGS), .STACK_BYTES(P_STACK_BYTES),
        .PKT_BYTES(P_PKT_BYTES), .HEADROOM(P_HEADROOM), .FRAME_END(P_FRAME_END), .MAP_BYTES(P_MAP_BYTES), .MAPS(P_MAPS), .MAP_BASE(P_MAP_BASE), .MAP_MAX(P_MAP_MAX),
        .MAP_STRIDE(P_MAP_STRIDE), .ALU_LAT(P_ALU_LAT), .MUL_LAT(P_MUL_LAT), .DIV_LAT(P_DIV_LAT), .DIV_LANES(P_DIV_LANES), .MUL_LANES(P_MUL_LANES), .MADD_LANES(P_MADD_LANES), .SPEC_LANES(P_SPEC_LANES), .FUSED_LANES(P_FUSED_LANES), .LD_LAT_PKT(P_LD_LAT_PKT),
        .LD_LAT_CTX(P_LD_LAT_CTX), .LD_LAT_STK(P_LD_LAT_STK), .LD_LAT_MAP(P_LD_LAT_MAP), .HELPER_CALL(P_HELPER_CALL),
        .MAP_LOOKUP(P_MAP_LOOKUP), .TAKEN_BRANCH(P_TAKEN_BRANCH), .EXIT_DRAIN(P_EXIT_DRAIN), .EARLY_DRAIN(P_EARLY_DRAIN),
        .FWD_PER_LANE(P_FWD_PER_LANE), .CLEAR_REGS(P_CLEAR_REGS), .CLEAR_STACK(P_CLEAR_STACK),
        .MAP_KIND(P_MAP_KIND), .MAP_NODE(P_MAP_NODE), .MAP_BUCKET(P_MAP_BUCKET), .MAP_BITS(P_MAP_BITS),
        .MAP_KEYB(P_MAP_KEYB), .MAP_VALB(P_MAP_VALB), .HASH_MAPS(P_HASH_MAPS), .HASH_LRU(P_HASH_LRU), .ARRAY_UPDATE(P_ARRAY_UPDATE), .HELP_PKT(P_HELP_PKT), .HASH_NODES(P_HASH_NODES),
        .HASH_BUCKETS(P_HASH_BUCKETS), .HASH_KW(P_HASH_KW), .MAP_LOOKUP_HASH(P_MAP_LOOKUP_HASH), .MAP_LOOKUP_LPM(P_MAP_LOOKUP_LPM),
        .LOAD_LANES(P_LOAD_LANES), .STORE_LANES(P_STORE_LANES), .MAP_ONE_WRITE(P_MAP_ONE_WRITE), .MAP_SYNC(P_MAP_SYNC),
        .EXT_BASE(P_EXT_BASE), .EXT_WAIT(P_EXT_WAIT), .TAIL_MAX(P_TAIL_MAX)
    ) top (
        .clk(clk), .rst(rst), .host_we(host_we), .host_addr(host_addr), .host_wdata(host_wdata), .host_rdata(host_rdata),
        .start(start), .pkt_len(pkt_len), .ingress_ifindex(ingress_ifindex), .rx_queue_index(rx_queue_index),
        .ready(ready), .done(done), .action(action), .cycles(cycles), .redirect_ifindex(redirect_ifindex),
        .out_start(out_start), .out_len(out_len), .out_high(out_high), .mw_valid(mw_valid), .mw_addr(mw_addr), .mw_mask(mw_mask), .mw_data(mw_data),
        .perf_valid(perf_valid), .perf_kind(perf_kind), .perf_bytes(perf_bytes), .perf_data(perf_data),
        .ext_addr(ext_addr), .ext_rdata(ext_rdata)
    );
endmodule

\`default_nettype wire
`;
}

const SOURCES = [...HDL_MODULES].join(' ');

function makefile(): string {
  return `# Simulate, lint and synthesise this design (written by compiler/emit/verilog).
# Inputs of a run, in the working directory: packets.txt, rom.hex, maps_b0..7.hex, hash_*.hex, lru_*.hex, env.hex, ext.txt; output: results.txt.
SRC = ${SOURCES}
TB = ${SYNTH_TOP}.v ${TESTBENCH}

.PHONY: icarus verilator lint yosys clean
icarus: sim.vvp
\tvvp -n sim.vvp
sim.vvp: $(SRC) $(TB) params.vh
\tiverilog -g2005 -I. -s xdp2hw_tb -o $@ $(SRC) $(TB)

verilator: obj_dir/sim
\t./obj_dir/sim
obj_dir/sim: $(SRC) $(TB) params.vh
\tverilator --binary --timing -Wno-fatal -Wno-lint -Wno-style -I. --top-module xdp2hw_tb -o sim $(SRC) $(TB)

lint:
\tverilator --lint-only -Wall -I. --top-module ${SYNTH_TOP} $(SRC) ${SYNTH_TOP}.v

yosys:
\tyosys -q -p "read_verilog -I. $(SRC) ${SYNTH_TOP}.v; synth -top ${SYNTH_TOP} -flatten; stat" 

clean:
\trm -rf sim.vvp obj_dir results.txt trace.vcd
`;
}

function readme(p: RowProgram, core: CoreConfig, layout: MapLayout): string {
  return `# ${p.name} on the xdp2hw RTL core

Written by \`xdp2hw verilog\` (compiler/emit/verilog) for core \`${core.name}\`, ${p.lanes} lane(s), ${p.rows.length} rows.

- \`xdp2hw_alu.v\`, \`xdp2hw_bytemem.v\`, \`xdp2hw_div.v\`, \`xdp2hw_hashmap.v\`, \`xdp2hw_core.v\`, \`xdp2hw_helpers.v\`, \`xdp2hw_top.v\`: the modules from hdl-templates/
  (\`${CORE_MODULE}\` is the VLIW core alone; \`xdp2hw_top\` adds packet buffer, stack, maps, ctx, helpers).
- \`params.vh\`: every parameter, from the CoreConfig and the program; \`${SYNTH_TOP}.v\`: the top to synthesise.
- \`rom.hex\`: the ROM, one row a line (the syllable fields are drawn in xdp2hw_core.v).
- \`maps_b0.hex\` .. \`maps_b7.hex\`: the map memory's initial contents, bank by bank (byte i in bank i mod 8);
  \`hash_keys.hex\`, \`hash_links.hex\`, \`hash_heads.hex\`, \`hash_free.hex\`: the hash unit's nodes, chains and free lists;
  \`env.hex\`: bpf_ktime_get_ns's clock (value, step per call, step per packet) and bpf_get_prandom_u32's state;
  \`ext.txt\`: the testbench's model of external memory (a count, then "address data" per non-zero 8-byte word).
  Maps: ${layout.maps.map((m) => `${m.name} (${m.type}, ${m.maxEntries} × ${m.valueSize} B at ${m.base}${m.external ? ', external memory' : ''})`).join(', ') || 'none'}.
- \`xdp2hw_tb.v\`: reads \`packets.txt\` (a count, then per packet "length ifindex rx_queue" and its bytes in hex),
  writes \`results.txt\` ("P index action cycles redirect_ifindex via_map map key", "W address mask data" per map write,
  "E index length map errno" and "D kind bytes hex" per perf record, "T clock state" after each packet, "O bytes").
- \`make icarus\`, \`make verilator\`, \`make lint\` (verilator -Wall), \`make yosys\` (generic synth).
`;
}

/** The design of one scheduled program. Throws RtlRefusal for what the RTL does not run. */
export function emitVerilog(p: RowProgram, core: CoreConfig, obj: LoadedObject, opts: VerilogOptions = {}): VerilogDesign {
  const packetBytes = opts.packetBytes ?? DEFAULT_PACKET_BYTES;
  if (packetBytes > FRAME_END - HEADROOM) throw new RtlRefusal(`a ${packetBytes}-byte packet does not fit the ${FRAME_BYTES}-byte frame after ${HEADROOM} bytes of headroom`);
  if (p.rows.length > core.imemRows) throw new RtlRefusal(`${obj.file}: ${p.name}: ${p.rows.length} rows do not fit the core's ${core.imemRows}-row ROM`);
  if (p.rows.length > 0xffff) throw new RtlRefusal(`${obj.file}: ${p.name}: ${p.rows.length} rows, more than the ROM's 16-bit row index`);
  const layout = mapLayout(obj, core);
  const why = helperProblem(p, core);
  if (why) throw new RtlRefusal(`${obj.file}: ${p.name}: ${why}`);
  let rom: string;
  try {
    rom = rtlRom(p, core, layout);
  } catch (e) {
    throw e instanceof RtlRefusal ? new RtlRefusal(`${obj.file}: ${p.name}: ${e.message}`) : e;
  }
  const tdir = templatesDir();
  const files: Record<string, string> = {};
  for (const f of [...HDL_MODULES, TESTBENCH]) files[f] = readFileSync(join(tdir, f), 'utf8');
  files['params.vh'] = params(p, core, layout, packetBytes, mapCallMayReadPacket(p, obj));
  files[`${SYNTH_TOP}.v`] = programTop();
  files['rom.hex'] = rom;
  files.Makefile = makefile();
  files['README.md'] = readme(p, core, layout);
  const hash = createHash('sha256');
  for (const k of Object.keys(files).sort()) hash.update(k).update('\0').update(files[k]).update('\0');
  const image = opts.mapImage ?? initialImage(obj, layout);
  const e = HELPER_ENV;
  Object.assign(files, mapBankFiles(image), externalFile([]), hashUnitFiles(layout.hash, layout.maps.map((m) => m.hash), []),
    { 'env.hex': helperEnvFile(BigInt(e.clockStart), e.clockStepPerCall, e.clockStepPerPacket, e.seed) });
  return { program: p.name, files, layout, packetBytes, hash: hash.digest('hex') };
}

/** The maps' initial contents as the object gives them (global data), zeros elsewhere. */
function initialImage(obj: LoadedObject, layout: MapLayout): Uint8Array {
  const image = new Uint8Array(layout.bytes);
  obj.maps.forEach((d, i) => {
    if (d.initial && d.maxEntries > 0 && !layout.maps[i].external) image.set(d.initial.subarray(0, d.valueSize), layout.maps[i].base);
  });
  return image;
}

/**
 * Writes a design into `out` whole or not at all: the files go to a sibling temporary directory
 * that replaces `out` at the end (an existing `out` must be a directory this command wrote, or empty).
 */
export function writeDesign(design: VerilogDesign, out: string, extra: Record<string, string> = {}): string[] {
  const dir = resolve(out);
  const ours = ['params.vh', 'rom.hex', 'xdp2hw_core.v'];
  try {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new RtlRefusal(`--out ${out}: not a directory`);
      if (readdirSync(dir).length > 0 && !ours.every((f) => existsSync(join(dir, f))))
        throw new RtlRefusal(`--out ${out}: a non-empty directory that holds no design; give a new or empty directory`);
    }
    if (!existsSync(dirname(dir)) || !statSync(dirname(dir)).isDirectory()) throw new RtlRefusal(`--out ${out}: ${dirname(dir)} is not an existing directory`);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    try {
      const all = { ...design.files, ...extra };
      for (const [name, text] of Object.entries(all)) writeFileSync(join(tmp, name), text);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return Object.keys(all).sort();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    if (e instanceof RtlRefusal) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw new RtlRefusal(`--out ${out}: ${err.message}`);
    throw e;
  }
}

// Sizes a Verilog design directory with Yosys: LUTs, FFs, BRAMs (RAMB36 units) and DSPs of the
// whole top and of the core alone (the VLIW module without packet path and maps, the part hXDP
// calls Sephirot), and the longest combinational path of each in cells (`ltp` on the flattened,
// technology-mapped netlist). It does not emit Verilog (compiler/emit/verilog) nor simulate it.

import { readdirSync } from 'node:fs';
import { onePath, parseLtp } from './ltp.js';
import type { LongestPath } from './ltp.js';
import { synthScript } from './script.js';
import type { SynthFlow } from './script.js';
import { countResources, memoryBits, parseStat } from './stat.js';
import type { Resources } from './stat.js';
import { runYosys, SynthError } from './yosys.js';

export { SynthError, yosysVersion, runYosys, DEFAULT_TIMEOUT_MS } from './yosys.js';
export { parseStat, countResources, memoryBits } from './stat.js';
export type { Resources, CellCounts } from './stat.js';
export { parseLtp } from './ltp.js';
export type { LongestPath } from './ltp.js';
export { synthScript, SYNTH_FLOWS } from './script.js';
export type { SynthFlow } from './script.js';
export { XC7_DELAYS, pathDelayNs } from './depth.js';
import { pathDelayNs, XC7_DELAYS } from './depth.js';

export interface SynthOptions {
  /** the top module (default: the design's own, see `top`) */
  top: string;
  /** the core module, synthesized alone as well (omit to size the top only) */
  core?: string;
  /** `xilinx` (default: synth_xilinx -family xc7) or `generic` (synth -lut 6) */
  flow?: SynthFlow;
  /** Verilog files to read, relative to the directory (default: every *.v except testbenches) */
  files?: string[];
  timeoutMs?: number;
  nice?: number;
  /** modules to leave out as black boxes (e.g. the memories, to size the logic around them) */
  blackboxes?: string[];
}

export interface PathFigures {
  /** cells on the longest combinational path (`ltp`): LUTs, MUXF7/8 and CARRY4 each count one */
  levels: number;
  /** of those, carry-chain cells */
  carries: number;
  /** of those, wide multiplexers */
  muxes: number;
  /** estimated delay of that path on 7-series, ns (depth.ts says how); xilinx flow only */
  ns?: number;
}

export interface ModuleFigures extends Resources {
  module: string;
  path: PathFigures;
}

export interface SynthReport {
  flow: SynthFlow;
  /** the Yosys version line */
  yosys: string;
  /** contract figures of the whole top (luts, ffs, brams, dsps, logicLevels) */
  luts: number;
  ffs: number;
  brams: number;
  dsps: number;
  logicLevels: number;
  /** the clock the whole top's deepest path allows, MHz (xilinx flow; estimate, see depth.ts) */
  fmaxMHz?: number;
  /** the core alone (hXDP's Sephirot), when `core` was given */
  core?: ModuleFigures;
  top: ModuleFigures;
  /** Yosys wall seconds */
  seconds: number;
}

/** Verilog files of a design directory: every `.v` but testbenches (`tb_*`, `*_tb.v`, `*testbench*`). */
export function designFiles(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.v') && !/^tb_|_tb\.v$|testbench/i.test(f))
    .sort();
  if (files.length === 0) throw new SynthError(`${dir}: no Verilog (.v) files to synthesize`);
  return files;
}

/** Synthesizes the design in `dir` (the top, and the core alone when asked) and reads its figures. */
export async function synthesize(dir: string, opts: SynthOptions): Promise<SynthReport> {
  const flow = opts.flow ?? 'xilinx';
  const files = opts.files ?? designFiles(dir);
  const run = await runYosys(synthScript(files, opts.top, opts.core, flow, 'xc7', opts.blackboxes), { cwd: dir, timeoutMs: opts.timeoutMs, nice: opts.nice });
  const yosys = /^Yosys .*$/m.exec(run.log)?.[0] ?? 'Yosys';
  const out = (name: string) => run.outputs.get(name) ?? '';
  const stat = out('stat.json');
  const topRes = countResources(parseStat(stat));
  if (flow === 'generic') topRes.memoryBits = memoryBits(out('mem.txt'));
  const carriesTop = listed(out('carry.txt'));
  const muxesTop = listed(out('mux.txt'));
  const top: ModuleFigures = { module: opts.top, ...topRes, path: pathFigures(onePath(out('top.ltp.txt'), opts.top), flow, carriesTop, muxesTop) };
  let core: ModuleFigures | undefined;
  if (opts.core !== undefined) {
    const name = coreModuleName(stat, opts.core);
    if (name === undefined) throw new SynthError(`yosys: no module '${opts.core}' under '${opts.top}' (is it instantiated?)`);
    const res = countResources(parseStat(stat, name));
    if (flow === 'generic') res.memoryBits = memoryBits(out('mem.txt'), name);
    const path = parseLtp(out('modules.ltp.txt')).find((p) => p.module === name);
    if (!path) throw new SynthError(`yosys: ltp printed no longest path for '${opts.core}'`);
    core = { module: opts.core, ...res, path: pathFigures(path, flow, listed(out('carry-modules.txt')), listed(out('mux-modules.txt'))) };
  }
  const fmaxMHz = top.path.ns !== undefined ? Math.round(1000 / (top.path.ns + XC7_DELAYS.register)) : undefined;
  return { flow, yosys, luts: top.luts, ffs: top.ffs, brams: top.brams, dsps: top.dsps, logicLevels: top.path.levels, fmaxMHz, core, top, seconds: run.seconds };
}

/** The name `stat -json` gives the core's module: itself or its copy with the top's parameters. */
function coreModuleName(stat: string, core: string): string | undefined {
  const modules = Object.keys((JSON.parse(stat) as { modules?: Record<string, unknown> }).modules ?? {}).map((m) => m.replace(/^\\/, ''));
  return modules.find((m) => m === core) ?? modules.find((m) => m.startsWith('$paramod') && (m.endsWith(`\\${core}`) || m.includes(`\\${core}\\`)));
}

/** Names listed by `select -list` ("module/cell" lines), cell part only. */
function listed(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t) names.add(t.slice(t.indexOf('/') + 1).replace(/^\\/, ''));
  }
  return names;
}

function pathFigures(path: LongestPath, flow: SynthFlow, carrySet: Set<string>, muxSet: Set<string>): PathFigures {
  if (flow !== 'xilinx') return { levels: path.length, carries: 0, muxes: 0 };
  let carries = 0;
  let muxes = 0;
  let chains = 0;
  let inChain = false;
  for (const cell of path.cells) {
    const name = cell.replace(/^\\/, '');
    const carry = carrySet.has(name);
    if (carry) carries++;
    if (carry && !inChain) chains++;
    inChain = carry;
    if (muxSet.has(name)) muxes++;
  }
  const levels = path.length;
  return { levels, carries, muxes, ns: pathDelayNs({ luts: levels - carries - muxes, carries, muxes, chains }) };
}

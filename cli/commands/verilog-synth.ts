// The `--synth` part of `xdp2hw verilog`: its options, the Yosys run on the written design
// (compiler/synth) and how its figures print. verilog.ts calls these three; nothing else here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { CORE_MODULE, SYNTH_TOP } from '../../compiler/emit/verilog/index.js';
import { DEFAULT_TIMEOUT_MS, synthesize, SYNTH_FLOWS, SynthError } from '../../compiler/synth/index.js';
import type { SynthFlow, SynthReport } from '../../compiler/synth/index.js';
import { UsageError, UserError } from '../errors.js';

export interface SynthArgs {
  synth: boolean;
  'synth-flow'?: SynthFlow;
  'synth-timeout'?: number;
}

const DEFAULT_TIMEOUT_S = DEFAULT_TIMEOUT_MS / 1000;

/** --synth, --synth-flow, --synth-timeout. */
export function synthOptions<T>(y: Argv<T>): Argv<T & SynthArgs> {
  return y
    .option('synth', { type: 'boolean', default: false, describe: 'size the written design with Yosys: LUTs, FFs, BRAM36, DSPs and logic depth of the whole top and of the core alone' })
    .option('synth-flow', { choices: SYNTH_FLOWS, describe: 'with --synth: xilinx (synth_xilinx, 7-series; the default) or generic (synth -lut 6)' })
    .option('synth-timeout', { type: 'number', describe: `with --synth: seconds before Yosys is stopped (default ${DEFAULT_TIMEOUT_S})` })
    .check((a) => {
      for (const k of ['synth-flow', 'synth-timeout'] as const) if (!a.synth && a[k] !== undefined) throw new UsageError(`--${k} is for --synth`);
      const t = a['synth-timeout'];
      if (t !== undefined && !(Number.isFinite(t) && t > 0)) throw new UsageError(`--synth-timeout must be a positive number of seconds, not ${t}`);
      return true;
    }) as unknown as Argv<T & SynthArgs>;
}

/** Yosys on the design directory `out`; a failure is one line for the user. */
export async function runSynth(a: SynthArgs, out: string): Promise<SynthReport | undefined> {
  if (!a.synth) return undefined;
  const ffBits = lruFlipFlopBits(out);
  if (ffBits > LRU_FF_WARN_BITS) {
    process.stderr.write(`warning: ${out}: the LRU engine's list memories (${ffBits.toLocaleString('en-US')} bits) are read combinationally and written by several ports: `
      + 'Yosys makes them flip-flops, not block RAM, and may run out of memory (docs/HARDWARE.md)\n');
  }
  try {
    return await synthesize(out, { top: SYNTH_TOP, core: CORE_MODULE, flow: a['synth-flow'] ?? 'xilinx', timeoutMs: (a['synth-timeout'] ?? DEFAULT_TIMEOUT_S) * 1000 });
  } catch (e) {
    throw e instanceof SynthError ? new UserError(`${out}: ${e.message}`) : e;
  }
}

/** Above this many bits of LRU list memory a synthesis is warned of (a million flip-flops is past most FPGAs). */
export const LRU_FF_WARN_BITS = 1 << 20;

/**
 * The bits of the hash unit's LRU engine memories in the design `dir` (its params.vh): per list
 * node (a hash node, five heads a map) a prev and a next link and 4 bits of type and reference,
 * per hash node its chain predecessor and bucket; 0 without an LRU map. These are the memories
 * xdp2hw_hashmap.v reads combinationally (lprev, lnext, lmeta, hprev, hbkt).
 */
export function lruFlipFlopBits(dir: string): number {
  let vh: string;
  try {
    vh = readFileSync(join(dir, 'params.vh'), 'utf8');
  } catch {
    return 0;
  }
  const p = (name: string) => Number(new RegExp(`localparam integer ${name} = (\\d+);`).exec(vh)?.[1] ?? 0);
  if (p('P_HASH_LRU') === 0) return 0;
  const nodes = p('P_HASH_NODES');
  const buckets = p('P_HASH_BUCKETS');
  const listNodes = nodes + 1 + 5 * p('P_MAPS');
  const clog2 = (n: number) => Math.ceil(Math.log2(Math.max(n, 2)));
  return listNodes * (2 * clog2(listNodes) + 4) + nodes * (clog2(nodes + 1) + clog2(buckets));
}

/** The figures for --json: a fixed set of fields (null where the flow has none: no clock estimate for generic). */
export function synthJson(r: SynthReport): Record<string, unknown> {
  const part = (m: NonNullable<SynthReport['core']>) => ({
    luts: m.luts, ffs: m.ffs, brams: m.brams, dsps: m.dsps, lutMemory: m.lutMemory, memoryBits: m.memoryBits, logicLevels: m.path.levels, pathNs: m.path.ns ?? null,
  });
  return {
    flow: r.flow, yosys: r.yosys, luts: r.luts, ffs: r.ffs, brams: r.brams, dsps: r.dsps, logicLevels: r.logicLevels,
    lutMemory: r.top.lutMemory, memoryBits: r.top.memoryBits, pathNs: r.top.path.ns ?? null, fmaxMHz: r.fmaxMHz ?? null,
    core: r.core ? part(r.core) : null, seconds: r.seconds,
  };
}

/** The figures as one line of text. */
export function synthLine(r: SynthReport): string {
  const c = r.core;
  const core = c ? `core ${c.luts} LUT, ${c.ffs} FF, ${c.dsps} DSP, ${c.path.levels} levels; ` : '';
  const clock = r.fmaxMHz !== undefined ? ` (deepest path ≈ ${r.top.path.ns} ns, ≈ ${r.fmaxMHz} MHz estimated)` : '';
  return `synthesis (${r.flow}, ${r.yosys}): ${core}whole ${r.luts} LUT, ${r.ffs} FF, ${r.brams} BRAM36, ${r.dsps} DSP, ${r.logicLevels} levels${clock}\n`;
}

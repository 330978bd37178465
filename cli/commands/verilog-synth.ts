// The `--synth` part of `xdp2hw verilog`: its options, the Yosys run on the written design
// (compiler/synth) and how its figures print. verilog.ts calls these three; nothing else here.

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
  try {
    return await synthesize(out, { top: SYNTH_TOP, core: CORE_MODULE, flow: a['synth-flow'] ?? 'xilinx', timeoutMs: (a['synth-timeout'] ?? DEFAULT_TIMEOUT_S) * 1000 });
  } catch (e) {
    throw e instanceof SynthError ? new UserError(`${out}: ${e.message}`) : e;
  }
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

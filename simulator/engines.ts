// The one list of engines, by name: the CLI's --engine, the pcap runner's callers and the
// differential tests pick from it. Adding an engine (rows, core, rtl) is one entry here; the
// engines themselves never import each other.

import { DEFAULT_CORE } from '../isa/index.js';
import type { CoreConfig } from '../isa/index.js';
import type { Engine } from './engine.js';
import { InterpreterEngine } from './interpreter/engine.js';
import type { InterpreterOptions } from './interpreter/engine.js';
import { CoreEngine } from './core/engine.js';
import { KernelEngine } from './kernel/engine.js';
import { RowsEngine } from './rows/engine.js';
import { RtlEngine } from './rtl/engine.js';
import type { RtlEmitter, RtlMapBanks, RtlSimulator } from './rtl/engine.js';
import type { Scheduler } from './rows/engine.js';

export const ENGINE_NAMES = ['interpreter', 'kernel', 'rows', 'core', 'rtl'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Options an engine may take; each engine reads the ones it understands. */
export interface EngineOptions {
  /** the interpreter's instruction budget */
  budget?: number;
  /** the interpreter's per-instruction hit counters */
  coverage?: boolean;
  /** rows: turns a program into rows (the caller compiles: engines never import compiler/schedule) */
  schedule?: Scheduler;
  /** core, rtl: the CoreConfig it times (default: the xdp2hw preset) */
  core?: CoreConfig;
  /** rtl: writes the Verilog of the rows (the caller's compiler/emit/verilog; engines never import compiler/emit) */
  emit?: RtlEmitter;
  /** rtl: the map memory's $readmemh files of an image (compiler/emit/verilog's mapBankFiles) */
  mapBanks?: RtlMapBanks;
  /** rtl: the simulator that runs the Verilog (default icarus) */
  cosim?: RtlSimulator;
}

const FACTORIES: Record<EngineName, (opts: EngineOptions) => Engine> = {
  interpreter: (opts) => new InterpreterEngine({ budget: opts.budget, coverage: opts.coverage } satisfies InterpreterOptions),
  kernel: () => new KernelEngine(),
  rows: (opts) => {
    const schedule = opts.schedule;
    if (!schedule) throw new Error('the rows engine needs EngineOptions.schedule (a function that makes the rows)');
    return new RowsEngine({ schedule, budget: opts.budget });
  },
  core: (opts) => {
    const schedule = opts.schedule;
    if (!schedule) throw new Error('the core engine needs EngineOptions.schedule (a function that makes the rows)');
    return new CoreEngine({ schedule, core: opts.core ?? DEFAULT_CORE, budget: opts.budget });
  },
  rtl: (opts) => {
    const { schedule, emit, mapBanks } = opts;
    if (!schedule || !emit || !mapBanks) throw new Error('the rtl engine needs EngineOptions.schedule, emit and mapBanks (the rows and their Verilog)');
    return new RtlEngine({ schedule, emit, banks: mapBanks, core: opts.core ?? DEFAULT_CORE, simulator: opts.cosim ?? 'icarus' });
  },
};

export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

/** A new engine of that name. */
export function createEngine(name: EngineName, opts: EngineOptions = {}): Engine {
  return FACTORIES[name](opts);
}

// The compiler's pipeline for one program: load → lift → analyses → passes → lower. Returns the
// optimized program (as a loader Program, so engines run it like a loaded one), its bytes and the
// passes' report. Scheduling and emitting come after this (compiler/schedule, compiler/emit).

import type { CoreConfig } from '../isa/index.js';
import { DEFAULT_CORE, insnLine, symbolLines } from '../isa/index.js';
import { lift, lower, withPrograms } from './ir/index.js';
import type { IrProgram, Lowered } from './ir/index.js';
import type { LoadedObject, Program } from './loader/types.js';
import { runPasses } from './passes/index.js';
import { scheduleLinked, scheduleProgram, tailTargetRefused } from './schedule/index.js';
import type { ScheduleOptions, ScheduleResult } from './schedule/index.js';
import { tailCallReachable } from './schedule/link.js';
import type { PassReport } from './passes/index.js';

export interface CompileOptions {
  /** the program to compile (default: the first) */
  readonly program?: string;
  /** passes to run (default: all) */
  readonly passes?: readonly string[];
  /** the shortest frame the NIC delivers, in bytes (default 60: Ethernet's minimum without FCS) */
  readonly minFrame?: number;
  /** the core compiled for (default: the xdp2hw preset) */
  readonly core?: CoreConfig;
}

export const DEFAULT_MIN_FRAME = 60;

export interface Compiled {
  readonly original: Program;
  /** the optimized program and its bytecode */
  readonly optimized: Lowered;
  /** the object with the optimized program in place of the original (for engines) */
  readonly object: LoadedObject;
  /** the optimized IR (what the scheduler takes) */
  readonly ir: IrProgram;
  readonly report: PassReport;
  readonly insns: { readonly original: number; readonly optimized: number };
  readonly options: { readonly minFrame: number; readonly core: string; readonly passes: readonly string[] };
}

/** The program named (or the first); a missing name is a PipelineError. */
export function pickProgram(obj: LoadedObject, name?: string): Program {
  const p = name === undefined ? obj.programs[0] : obj.programs.find((q) => q.name === name);
  if (!p) throw new PipelineError(name === undefined ? `${obj.file}: the file has no programs` : `${obj.file}: no program named ${name} (programs: ${obj.programs.map((q) => q.name).join(', ')})`);
  return p;
}

export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineError';
  }
}

export function compileObject(obj: LoadedObject, opts: CompileOptions = {}): Compiled {
  const original = pickProgram(obj, opts.program);
  const minFrame = opts.minFrame ?? DEFAULT_MIN_FRAME;
  const core = opts.core ?? DEFAULT_CORE;
  const ir = lift(original);
  // a program a tail call may start runs in the frame the program before left (the core clears
  // stack and registers at a packet's start only): the passes may not assume them zero
  const start = tailCallReachable(obj, original.name) ? { ...core, clearsStack: false, clearsRegisters: false } : core;
  const { report } = runPasses(ir, { minFrame, core: start, passes: opts.passes, maps: obj.maps });
  const optimized = lower(ir);
  return {
    original, optimized, ir, report,
    object: withPrograms(obj, [optimized.program]),
    insns: { original: original.code.insns.length, optimized: optimized.program.code.insns.length },
    options: { minFrame, core: core.name, passes: report.passes.map((p) => p.name) },
  };
}

/**
 * A compiled program scheduled into rows; with tail calls, every program they may reach compiled
 * with the same passes and minimum frame and linked after it (schedule/link.ts). A traffic profile
 * (`opts.profile`) counts the entry program's instructions only.
 */
export function scheduleCompiled(main: Compiled, obj: LoadedObject, opts: ScheduleOptions): ScheduleResult {
  const entry = main.original.name;
  return scheduleLinked(obj, entry, (name) => {
    const c = name === entry ? main : compileObject(obj, { program: name, passes: main.options.passes, minFrame: main.options.minFrame, core: opts.core });
    return scheduleProgram(c.ir, c.insns.original, name === entry ? opts : { ...opts, profile: undefined });
  }, tailTargetRefused);
}

/**
 * The optimized program as `llvm-objdump -S` lists it: each block's label as a symbol, and the
 * source line (`; text`) before the first instruction of each line.
 */
export function optimizedListing(c: Compiled, file: string): string[] {
  const { program } = c.optimized;
  const starts = new Map<number, string>();
  let k = 0;
  for (const fn of c.ir.functions)
    for (const b of fn.blocks) {
      if (b.insns.length === 0) continue;
      const slot = program.code.pcs[k];
      if (!starts.has(slot)) starts.set(slot, b === fn.blocks[0] ? fn.name : b.label.replace('.', '_'));
      k += b.insns.length;
    }
  const out = ['', `${file}:\tfile format elf64-bpf`, '', `Disassembly of section ${program.section}:`];
  program.code.insns.forEach((insn, i) => {
    const pc = program.code.pcs[i];
    const sym = starts.get(pc);
    if (sym !== undefined) out.push(...symbolLines(pc, sym));
    const line = program.lines?.get(i);
    if (line && line.text) out.push(`; ${line.text}`);
    out.push(insnLine(insn, pc, { symbols: starts }));
  });
  return out;
}

// Scheduling a whole program: each block's dependence graph (deps.ts) placed into rows by the
// chosen strategy (block.ts) on the resource model of one CoreConfig (resources.ts), the blocks
// laid out in order and jumps pointed at rows, as the RowProgram of isa/rows.ts. Refuses what
// the row executor cannot run (local calls, callbacks) with one line naming the pc; a program with
// tail calls is linked with the programs they may reach (link.ts).

import { branchTarget, defuse, hasExtension, Pseudo } from '../../isa/index.js';
import type { CoreConfig, Row, RowProgram, Syllable } from '../../isa/index.js';
import { lift } from '../ir/lift.js';
import type { IrBlock, IrInsn, IrProgram, Label } from '../ir/types.js';
import type { LoadedObject } from '../loader/types.js';
import { listBlock, optimalBlock, sequentialBlock } from './block.js';
import type { BlockSchedule } from './block.js';
import { buildDeps, isControl, isNullTest, unschedulableHelper } from './deps.js';
import { regionStates } from './regions.js';
import { renameProgram } from './rename.js';
import { superblockLayout } from './superblock.js';
import { fuseMemoryAdds, memoryAddOf } from './fuse.js';
import { withLanes } from './resources.js';
import { scheduleLinked } from './link.js';
import { entryFacts, liveIn, traceDeps, traces } from './trace.js';

export const STRATEGIES = ['sequential', 'list', 'motion', 'superblock', 'optimal'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export { callsTailCall, linkRows, scheduleLinked, tailCallReachable, tailCallTargets } from './link.js';

export function isStrategy(s: string): s is Strategy {
  return (STRATEGIES as readonly string[]).includes(s);
}

/** A program the scheduler refuses: where (pc) and why. */
export class ScheduleError extends Error {
  constructor(readonly where: string, readonly why: string) {
    super(`${where}: ${why}`);
    this.name = 'ScheduleError';
  }
}

export interface ScheduleOptions {
  readonly core: CoreConfig;
  /** lanes per row (default: the core's) */
  readonly lanes?: number;
  readonly strategy: Strategy;
  /** optimal: the search time per block, ms (default 200) */
  readonly timeLimitMs?: number;
  /** motion: the core extension of non-faulting speculative loads (loads may rise above side exits) */
  readonly speculativeLoads?: boolean;
  /** motion, superblock: rename registers of anti/output dependences to registers the trace leaves dead (default true) */
  readonly rename?: boolean;
  /**
   * superblock: executions of each original instruction (index into the loaded program's code) on
   * the program's traffic, the interpreter's coverage; without it the fall-through path is hot
   */
  readonly profile?: readonly number[];
}

/** superblock: the tail-duplication limits tried (largest block copied, instructions); the fewest rows wins (on the eight hXDP programs none beats 0 yet: bench/schedule.ts) */
export const DUP_LIMITS = [0, 4] as const;

export interface ScheduleStats {
  readonly rows: number;
  readonly syllables: number;
  /** syllables per row */
  readonly ipc: number;
  readonly blocks: number;
  /** motion: values moved to another register (rename.ts) */
  readonly renamed?: number;
  /** memoryAdd extension: load-add-store sequences made one syllable (fuse.ts) */
  readonly memoryAdds?: number;
  /** superblock: the tail-duplication limit of the layout kept (DUP_LIMITS) */
  readonly dupLimit?: number;
  /** optimal: blocks whose minimum was proven within the time limit */
  readonly exactBlocks?: number;
  /** per block (layout order): rows */
  readonly blockRows: readonly number[];
  readonly blockExact?: readonly boolean[];
  /** tail calls: the programs linked into the rows (link.ts), the entry program first, with their rows */
  readonly linked?: readonly { readonly name: string; readonly rows: number }[];
}

export interface ScheduleResult {
  readonly program: RowProgram;
  readonly stats: ScheduleStats;
}

function checkSchedulable(ir: IrProgram, core: CoreConfig): void {
  const early = core.laneCaps.some((c) => c.branch && c.earlyExit);
  if (ir.functions.length > 1)
    throw new ScheduleError(ir.name, `has ${ir.functions.length} functions (BPF-to-BPF calls): the row schedule supports one function only`);
  for (const fn of ir.functions)
    for (const b of fn.blocks)
      for (const x of b.insns) {
        const where = `pc ${x.origin?.pc ?? '?'}`;
        const i = x.insn;
        if (i.kind === 'call-local' || i.kind === 'callx') throw new ScheduleError(where, `${i.kind}: the row schedule supports no BPF-to-BPF calls`);
        if (i.kind === 'exit-imm' && !early) throw new ScheduleError(where, `exit-imm: no lane of core ${core.name} decodes the early exit`);
        if (i.kind === 'lddw' && i.pseudo === Pseudo.FUNC) throw new ScheduleError(where, 'lddw of a function address: the row schedule supports no callbacks');
        if (i.kind === 'call' && i.target === 'helper') {
          const bad = unschedulableHelper(i.id);
          if (bad) throw new ScheduleError(where, `call to ${bad}: the row schedule supports no callbacks`);
        }
      }
}

/**
 * What is scheduled as one: a straight-line region (blocks joined only by fall-through, no branch
 * between them: one basic block of the lowered program), or (motion) a chain of blocks entered
 * only at its head, side exits included.
 */
function units(ir: IrProgram, strategy: Strategy): IrBlock[][] {
  const { preds, jumpTargets } = entryFacts(ir);
  return ir.functions.flatMap((f) => traces(f, preds, jumpTargets, !traced(strategy)));
}

/** Strategies that schedule traces across side exits (trace.ts). */
const traced = (s: Strategy) => s === 'motion' || s === 'superblock';

function scheduleUnit(unit: IrBlock[], states: ReturnType<typeof regionStates>, live: ReturnType<typeof liveIn> | undefined, core: CoreConfig, opts: ScheduleOptions): BlockSchedule {
  const g = live ? traceDeps(unit, states, live, core, opts.speculativeLoads ?? hasExtension(core, 'speculativeLoads')) : buildDeps(unit.flatMap((b) => b.insns), states, core);
  switch (opts.strategy) {
    case 'sequential': return sequentialBlock(g, core);
    case 'list': case 'motion': case 'superblock': return listBlock(g, core);
    case 'optimal': return optimalBlock(g, core, opts.timeLimitMs ?? 200);
  }
}

/** The program scheduled into rows. `originalInsns`: the loaded program's instruction count. */
export function scheduleProgram(input: IrProgram, originalInsns: number, opts: ScheduleOptions): ScheduleResult {
  const core = withLanes(opts.core, opts.lanes ?? opts.core.lanes);
  checkSchedulable(input, core);
  if (opts.strategy !== 'superblock') return scheduleLaidOut(input, originalInsns, opts, core);
  // superblock: hot traces laid out (superblock.ts) with each tail-duplication limit; the fewest rows wins
  let best: ScheduleResult | undefined;
  // candidates: the static layout (fall-through hot) and the profile's, each with every duplication limit
  const candidates = [...DUP_LIMITS.map((dupLimit) => ({ profile: opts.profile, dupLimit })), ...(opts.profile ? DUP_LIMITS.map((dupLimit) => ({ profile: undefined, dupLimit })) : [])];
  const seen = new Set<string>();
  for (const { profile, dupLimit } of candidates) {
    const laid = superblockLayout(input, { profile, dupLimit });
    // a larger limit often copies nothing more: the same layout is scheduled once
    const key = laid.functions.map((f) => f.blocks.map((b) => `${b.label}:${b.insns.map((x) => (x.insn.kind === 'jmp' ? x.insn.cond : x.insn.kind)).join(',')}`).join(' ')).join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    const r = scheduleLaidOut(laid, originalInsns, opts, core);
    if (!best || r.stats.rows < best.stats.rows) best = { program: r.program, stats: { ...r.stats, dupLimit } };
  }
  return best!;
}

function scheduleLaidOut(input: IrProgram, originalInsns: number, opts: ScheduleOptions, core: CoreConfig): ScheduleResult {
  const renaming = traced(opts.strategy) && (opts.rename ?? true) ? renameProgram(input, units(input, opts.strategy), liveIn(input)) : undefined;
  const fusing = hasExtension(core, 'memoryAdd') ? fuseMemoryAdds(renaming?.ir ?? input) : undefined;
  const ir = fusing?.ir ?? renaming?.ir ?? input;
  const states = regionStates(ir);
  const live = traced(opts.strategy) ? liveIn(ir) : undefined;
  const blocks = units(ir, opts.strategy);
  const scheds = blocks.map((u) => scheduleUnit(u, states, live, core, opts));
  const start = new Map<Label, number>();
  let at = 0;
  blocks.forEach((u, i) => {
    // only a unit's head is entered from elsewhere (traces.ts): its other blocks share its start
    for (const b of u) start.set(b.label, at);
    at += scheds[i].rows;
  });
  const rows: (Syllable | undefined)[][] = Array.from({ length: at }, () => new Array<Syllable | undefined>(core.lanes).fill(undefined));
  blocks.forEach((u, i) => {
    const base = start.get(u[0].label)!;
    const insns = u.flatMap((b) => b.insns);
    const place = scheds[i].place;
    insns.forEach((x, n) => {
      const p = place[n];
      const s = syllable(x, start, at);
      rows[base + p.row][p.lane] = raisedLoad(insns, place, n) ? { ...s, speculative: true } : fusedTest(insns, place, n) ? { ...s, fusedNullTest: true } : s;
    });
  });
  const syllables = blocks.reduce((s, u) => s + u.reduce((t, b) => t + b.insns.length, 0), 0);
  const exact = scheds.map((s) => s.exact ?? false);
  const program: RowProgram = { name: ir.name, lanes: core.lanes, rows: rows as Row[], entry: 0, originalInsns };
  const stats: ScheduleStats = {
    rows: at, syllables, ipc: at === 0 ? 0 : syllables / at, blocks: blocks.length, blockRows: scheds.map((s) => s.rows),
    ...(renaming ? { renamed: renaming.renamed } : {}),
    ...(fusing ? { memoryAdds: fusing.count } : {}),
    ...(opts.strategy === 'optimal' ? { exactBlocks: exact.filter(Boolean).length, blockExact: exact } : {}),
  };
  return { program, stats };
}

/** A load placed at or above a side exit that precedes it in program order (it may run on a path where it would fault). */
function raisedLoad(insns: readonly IrInsn[], place: BlockSchedule['place'], n: number): boolean {
  const k = insns[n].insn.kind;
  if ((k !== 'ldx' && k !== 'ldx6') || memoryAddOf(insns[n])) return false;
  for (let j = 0; j < n; j++) if (isControl(insns[j].insn) && place[j].row >= place[n].row) return true;
  return false;
}

/** A null test in the row of the helper call whose result it tests (the fusedCallNullTest extension). */
function fusedTest(insns: readonly IrInsn[], place: BlockSchedule['place'], n: number): boolean {
  if (!isNullTest(insns[n].insn)) return false;
  for (let j = n - 1; j >= 0; j--) {
    const du = defuse(insns[j].insn);
    if (du.writes.includes(0) || du.clobbers.includes(0)) return insns[j].insn.kind === 'call' && place[j].row === place[n].row;
  }
  return false;
}

function syllable(x: IrInsn, start: ReadonlyMap<Label, number>, total: number): Syllable {
  const source = {
    ...(x.origin ? { index: x.origin.index, pc: x.origin.pc } : {}),
    ...(x.line ? { line: { file: x.line.file, line: x.line.line, text: x.line.text } } : {}),
  };
  const out: { -readonly [K in keyof Syllable]: Syllable[K] } = { insn: x.insn, source };
  if (x.mapRef) out.mapRef = x.mapRef;
  const madd = memoryAddOf(x);
  if (madd) out.memoryAdd = { add: madd.add.insn, store: madd.store.insn };
  if (branchTarget(x.insn, 0) !== undefined && (x.insn.kind === 'jmp' || x.insn.kind === 'jlen' || x.insn.kind === 'ja')) {
    const row = x.target === undefined ? undefined : start.get(x.target);
    if (row === undefined || row >= total) throw new ScheduleError(`pc ${x.origin?.pc ?? '?'}`, `jump to ${x.target ?? 'nothing'}, which starts no row`);
    out.target = row;
  }
  return out;
}

/**
 * One program of a loaded object, lifted and scheduled (no passes: the pipeline runs those first);
 * with tail calls, every program they may reach linked after it (link.ts).
 */
export function scheduleObject(obj: LoadedObject, program: string, opts: ScheduleOptions): ScheduleResult {
  const one = (name: string): ScheduleResult => {
    const p = obj.programs.find((x) => x.name === name);
    if (!p) throw new ScheduleError(obj.file, `no program named ${name}`);
    // a traffic profile counts the entry program's instructions only
    return scheduleProgram(lift(p), p.code.insns.length, name === program ? opts : { ...opts, profile: undefined });
  };
  return scheduleLinked(obj, program, one, tailTargetRefused);
}

/** A program a tail call may reach that the scheduler refuses: the refusal, naming it. */
export function tailTargetRefused(program: string, e: Error): Error {
  return e instanceof ScheduleError ? new ScheduleError(`program ${program} (a tail call may reach it): ${e.where}`, e.why) : e;
}

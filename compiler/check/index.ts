// Whether a program fits a core, and if so how fast it is guaranteed to run: every obstacle of
// program.ts, then the compiler's pipeline and scheduler on the core (rows beyond the instruction
// memory, loops the bound cannot cross, anything the scheduler refuses) and the static worst case
// of compiler/wcet over the rows. `xdp2hw check`, and `compile`/`simulate` before they run, call it.

import { hasExternalMemory, offloadOf } from '../../isa/index.js';
import type { CoreConfig, RowProgram } from '../../isa/index.js';
import type { LoadedObject } from '../loader/types.js';
import { compileObject, pickProgram, scheduleCompiled } from '../pipeline.js';
import { callsTailCall, tailCallTargets } from '../schedule/index.js';
import type { Compiled } from '../pipeline.js';
import type { Strategy } from '../schedule/index.js';
import { staticWcet } from '../wcet/index.js';
import type { WcetResult } from '../wcet/index.js';
import { sourceText } from '../wcet/describe.js';
import { findingText } from './findings.js';
import type { Finding } from './findings.js';
import { insnFindings, locator, mapFindings, stackDepth, stackFindings, tryLift } from './program.js';

export { findingText, findingPlace, FINDING_KINDS } from './findings.js';
export type { Finding, FindingKind } from './findings.js';

export interface CheckOptions {
  readonly program?: string;
  readonly core: CoreConfig;
  /** lanes per row (default: the core's) */
  readonly lanes?: number;
  readonly strategy?: Strategy;
  readonly timeLimitMs?: number;
  /** the shortest frame the NIC delivers (the pipeline's default when absent) */
  readonly minFrame?: number;
  /** Gb/s for the guaranteed rate (default 40) */
  readonly lineRateGbps?: number;
}

/** What the program uses of the core's resources. */
export interface CheckUsage {
  rows?: number;
  readonly imemRows: number;
  readonly mapBytes: number;
  readonly mapMemoryBytes: number;
  /** bytes of the read-only maps in external memory, on a core that has it (isa/extmem.ts) */
  readonly externalBytes?: number;
  readonly externalMemoryBytes?: number;
  readonly maps: number;
  readonly maxMaps: number;
  readonly stackBytes?: number;
  readonly coreStackBytes: number;
  readonly helpers: readonly number[];
}

export interface CheckReport {
  readonly file: string;
  readonly program: string;
  readonly core: string;
  readonly lanes: number;
  readonly strategy: Strategy;
  readonly fits: boolean;
  readonly findings: readonly Finding[];
  readonly usage: CheckUsage;
  /** the compiled program and its rows, when the pipeline and the scheduler took it */
  readonly compiled?: Compiled;
  readonly rows?: RowProgram;
  /** the static worst case, when there are rows */
  readonly wcet?: WcetResult;
}

/** The refusal in one line: `file: program P does not fit core C: finding | finding`. */
export function doesNotFit(r: CheckReport): string {
  return `${r.file}: program ${r.program} does not fit core ${r.core} (${r.lanes} lanes): ${r.findings.map(findingText).join(' | ')}`;
}

/** Kinds that already explain why the scheduler refuses a program (no second finding for it). */
const SCHEDULER_REFUSES = new Set(['tail-call', 'bpf-call', 'callback']);

export function checkProgram(obj: LoadedObject, o: CheckOptions): CheckReport {
  const program = pickProgram(obj, o.program);
  const core = o.core;
  const lanes = o.lanes ?? core.lanes;
  const strategy = o.strategy ?? 'list';
  const ir = tryLift(program);
  const at = locator(program, ir);
  const findings: Finding[] = [...insnFindings(program, core, at)];
  const maps = mapFindings(obj, program, core, at);
  findings.push(...maps.findings);
  const depth = ir ? stackDepth(ir, core) : undefined;
  if (depth !== undefined) findings.push(...stackFindings(depth, core));
  // a program that tail-calls runs the programs a prog array may name too: their obstacles count
  const targets = callsTailCall(program) ? tailCallTargets(obj, program.name).flatMap((n) => obj.programs.filter((q) => q.name === n)) : [];
  for (const t of targets) {
    const tat = locator(t, tryLift(t));
    const seen = new Set(findings.map((f) => `${f.kind} ${f.what}`));
    for (const f of [...insnFindings(t, core, tat), ...mapFindings(obj, t, core, tat).findings.filter((x) => x.kind === 'map-type' || x.kind === 'map-flags')]) {
      // a map both use is named once; the target's other findings say whose they are
      if (seen.has(`${f.kind} ${f.what}`)) continue;
      findings.push({ ...f, what: `tail-call target ${t.name}: ${f.what}` });
    }
  }
  const caps = offloadOf(core);
  const usage: CheckUsage = {
    imemRows: core.imemRows, mapBytes: maps.usage.bytes, mapMemoryBytes: caps.mapMemoryBytes,
    ...(hasExternalMemory(core) ? { externalBytes: maps.usage.externalBytes, externalMemoryBytes: caps.externalMemoryBytes } : {}),
    maps: maps.usage.maps.length, maxMaps: caps.maxMaps,
    ...(depth !== undefined ? { stackBytes: depth } : {}), coreStackBytes: core.stackBytes,
    helpers: [...new Set([program, ...targets].flatMap((q) => q.code.insns.flatMap((i) => (i.kind === 'call' && i.target === 'helper' ? [i.id] : []))))].sort((a, b) => a - b),
  };
  let compiled: Compiled | undefined;
  let rows: RowProgram | undefined;
  try {
    compiled = compileObject(obj, { program: program.name, core, minFrame: o.minFrame });
    // with tail calls, every program they may reach compiled and linked after it (schedule/link.ts)
    rows = scheduleCompiled(compiled, obj, { core, lanes, strategy, timeLimitMs: o.timeLimitMs }).program;
  } catch (e) {
    if (!findings.some((f) => SCHEDULER_REFUSES.has(f.kind)))
      findings.push({ kind: 'schedule', what: `the compiler cannot schedule it for core ${core.name}: ${(e as Error).message}`, fix: 'see the instruction named; the row schedule runs one function without callbacks' });
  }
  let wcet: WcetResult | undefined;
  if (rows) {
    usage.rows = rows.rows.length;
    if (rows.rows.length > core.imemRows)
      findings.push({ kind: 'rows', what: `${rows.rows.length} rows on ${lanes} lanes; the instruction memory of core ${core.name} holds ${core.imemRows}`, fix: `${lanes < 8 ? `more lanes (--lanes ${Math.min(8, lanes * 2)}), ` : ''}--strategy motion, a core with more rows, or split the program (fewer features per program)` });
    wcet = staticWcet(rows, core, { mapTypes: obj.maps.map((m) => m.type), maps: obj.maps, lineRateGbps: o.lineRateGbps });
    for (const l of wcet.bounded ? [] : wcet.loops) {
      const s = l.decision?.syllable ?? rows.rows[l.from].find((x) => x && (x.insn.kind === 'ja' || x.insn.kind === 'jmp'));
      const line = s ? sourceText(s) : undefined;
      findings.push({
        kind: 'loop', ...(s?.source.index !== undefined ? { index: s.source.index, pc: s.source.pc } : {}), ...(line ? { line } : {}),
        what: `a loop (row ${l.from} back to row ${l.to}) without a provable bound (not a counted loop: one entry, counter += constant once per round, compared with a constant): no worst case exists`,
        fix: 'unroll it with a constant trip count (#pragma unroll), or count it with one counter from a constant to a constant',
      });
    }
  }
  return { file: obj.file, program: program.name, core: core.name, lanes, strategy, fits: findings.length === 0, findings, usage, compiled, rows, wcet };
}

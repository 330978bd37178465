// The pass manager: runs the named passes over the IR, in order, round after round until none
// changes anything, and collects every change. The entry point the pipeline and the scheduler call:
// runPasses(ir, options) → { ir, report }. IR → IR in place; nothing here executes code.

import type { IrProgram } from '../ir/index.js';
import { analyze } from '../analysis/absint.js';
import type { Absint } from '../analysis/absint.js';
import { boundsPass, jlenPass, mergePass } from './bounds.js';
import { branchesPass, dcePass } from './cleanup.js';
import { alu3Pass, coalescePass, exitPass } from './fuse.js';
import { constPropPass, copyPropPass, redundantPass, zeroingPass, zext32Pass } from './scalar.js';
import { widePass } from './wide.js';
import { macPass, macSpillPass } from './mac.js';
import { layoutPass } from './layout.js';
import { deadStorePass } from './frame.js';
import { csumFoldPass } from './csum.js';
import type { Change, Pass, PassContext, PassOptions } from './types.js';
import { absintOptions, pcOf } from './types.js';

export type { Change, Pass, PassOptions } from './types.js';

/** Every pass, in the order they run within a round. */
export const PASSES: readonly Pass[] = [constPropPass, copyPropPass, boundsPass, branchesPass, redundantPass, csumFoldPass, zext32Pass, zeroingPass, deadStorePass, macPass, widePass, macSpillPass, dcePass, mergePass, jlenPass, alu3Pass, coalescePass, exitPass, layoutPass]
  .filter((p, i, all) => all.indexOf(p) === i);

/** Pass order within a round (dce runs after each group that frees instructions). */
const ROUND: readonly Pass[] = [constPropPass, copyPropPass, boundsPass, branchesPass, redundantPass, csumFoldPass, zext32Pass, zeroingPass, deadStorePass, macPass, widePass, macSpillPass, dcePass, mergePass, jlenPass, dcePass, alu3Pass, coalescePass, exitPass, layoutPass, dcePass];

export const PASS_NAMES: readonly string[] = PASSES.map((p) => p.name);

/** Rounds after which the manager stops even if passes still change things. */
const MAX_ROUNDS = 6;

export interface PassSummary {
  readonly name: string;
  readonly removed: number;
  readonly fused: number;
}

export interface PassReport {
  readonly passes: PassSummary[];
  readonly changes: Change[];
  readonly rounds: number;
}

export interface RunPassesOptions extends PassOptions {
  /** the passes to run (default: all); names from PASS_NAMES */
  readonly passes?: readonly string[];
}

/** An unknown pass name: the message lists the known ones. */
export class PassNameError extends Error {
  constructor(name: string) {
    super(`unknown pass "${name}" (passes: ${PASS_NAMES.join(', ')})`);
    this.name = 'PassNameError';
  }
}

export function runPasses(ir: IrProgram, options: RunPassesOptions): { ir: IrProgram; report: PassReport } {
  const enabled = new Set(options.passes ?? PASS_NAMES);
  for (const n of enabled) if (!PASS_NAMES.includes(n)) throw new PassNameError(n);
  const changes: Change[] = [];
  let cached: Absint | undefined;
  let current = '';
  const cx: PassContext = {
    options,
    report(at, what, proof, counts) {
      if (proof.trim() === '') throw new Error(`pass ${current}: a change without a proof at ${what}`);
      changes.push({ pc: pcOf(at), pass: current, what, proof, removed: counts.removed ?? 0, fused: counts.fused ?? 0 });
      cached = undefined;
    },
    analysis() {
      return (cached ??= analyze(ir, absintOptions(options)));
    },
  };
  let rounds = 0;
  while (rounds < MAX_ROUNDS) {
    rounds++;
    let n = 0;
    for (const p of ROUND) {
      if (!enabled.has(p.name)) continue;
      current = p.name;
      n += p.run(ir, cx);
      cached = undefined;
    }
    if (n === 0) break;
  }
  const passes = PASSES.filter((p) => enabled.has(p.name)).map((p) => ({
    name: p.name,
    removed: changes.filter((c) => c.pass === p.name).reduce((s, c) => s + c.removed, 0),
    fused: changes.filter((c) => c.pass === p.name).reduce((s, c) => s + c.fused, 0),
  }));
  return { ir, report: { passes, changes, rounds } };
}

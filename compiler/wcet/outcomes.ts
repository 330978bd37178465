// Where control can go after a row, by the row semantics of isa/rows.ts: syllables in lane order,
// the lowest lane that takes wins (a taken jump, a goto, an exit), no taker falls to the next row.
// A tail call's row (it holds no other control syllable) goes, taken, to the entry row of any
// linked program (RowProgram.programs: the prog array is runtime data, so any of them) or falls to
// the next row when the call fails. Each outcome lists the decisions it makes for path reports.

import { isTailCall } from '../../isa/index.js';
import type { LinkedProgram, Row, Syllable } from '../../isa/index.js';

/** A conditional jump (or a tail call) and which way it went. */
export interface Decision {
  readonly row: number;
  readonly lane: number;
  readonly taken: boolean;
  readonly syllable: Syllable;
  /** a tail call's decision: taken, the program it switched to; not taken, the call failed */
  readonly tailTo?: string;
}

export interface Outcome {
  /** the next row; EXIT_ROW when the row exits */
  readonly next: number;
  /** a taken control syllable (jump, goto, a tail call that switched): the branch penalty applies */
  readonly taken: boolean;
  /** the handler index (syllables in lane order, empty lanes skipped) that decided; for an exit, which one */
  readonly handler: number;
  readonly decisions: readonly Decision[];
  /** the exit syllable, for an exit */
  readonly exit?: Syllable;
  /** a tail call that succeeded: the program it continues in (at `next`, that program's entry row) */
  readonly tailCall?: string;
}

export const EXIT_ROW = -1;

/**
 * The outcomes of row r. `programs`: the programs a tail call may switch to (RowProgram.programs);
 * without them a tail call can only fail here (a successful one has nowhere to go: the engines trap).
 */
export function rowOutcomes(row: Row, r: number, programs: readonly LinkedProgram[] = []): Outcome[] {
  const out: Outcome[] = [];
  const notTaken: Decision[] = [];
  let h = 0;
  for (let lane = 0; lane < row.length; lane++) {
    const s = row[lane];
    if (!s) continue;
    const k = s.insn.kind;
    if (k === 'jmp' || k === 'jlen') {
      out.push({ next: s.target!, taken: true, handler: h, decisions: [...notTaken, { row: r, lane, taken: true, syllable: s }] });
      notTaken.push({ row: r, lane, taken: false, syllable: s });
    } else if (k === 'ja') {
      out.push({ next: s.target!, taken: true, handler: h, decisions: [...notTaken] });
      return out;
    } else if (k === 'exit' || k === 'exit-imm') {
      out.push({ next: EXIT_ROW, taken: false, handler: h, decisions: [...notTaken], exit: s });
      return out;
    } else if (isTailCall(s.insn)) {
      for (const q of programs)
        out.push({ next: q.entry, taken: true, handler: h, decisions: [...notTaken, { row: r, lane, taken: true, syllable: s, tailTo: q.name }], tailCall: q.name });
      notTaken.push({ row: r, lane, taken: false, syllable: s });
    }
    h++;
  }
  out.push({ next: r + 1, taken: false, handler: -1, decisions: notTaken });
  return out;
}

/** Every row's outcomes (rowOutcomes with the rows' linked programs). */
export function programOutcomes(p: { readonly rows: readonly Row[]; readonly programs?: readonly LinkedProgram[] }): Outcome[][] {
  return p.rows.map((row, r) => rowOutcomes(row, r, p.programs));
}

/** Whether a decision is a tail call's (taken: it switched programs; not taken: it failed). */
export function isTailDecision(d: Decision): boolean {
  return isTailCall(d.syllable.insn);
}

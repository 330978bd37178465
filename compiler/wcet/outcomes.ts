// Where control can go after a row, by the row semantics of isa/rows.ts: syllables in lane order,
// the lowest lane that takes wins (a taken jump, a goto, an exit), no taker falls to the next row.
// Each outcome lists the conditional jumps it decides (taken or not) for path reports.

import type { Row, Syllable } from '../../isa/index.js';

/** A conditional jump and which way it went. */
export interface Decision {
  readonly row: number;
  readonly lane: number;
  readonly taken: boolean;
  readonly syllable: Syllable;
}

export interface Outcome {
  /** the next row; EXIT_ROW when the row exits */
  readonly next: number;
  /** a taken control syllable (jump, goto): the branch penalty applies */
  readonly taken: boolean;
  /** the handler index (syllables in lane order, empty lanes skipped) that decided; for an exit, which one */
  readonly handler: number;
  readonly decisions: readonly Decision[];
  /** the exit syllable, for an exit */
  readonly exit?: Syllable;
}

export const EXIT_ROW = -1;

export function rowOutcomes(row: Row, r: number): Outcome[] {
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
    }
    h++;
  }
  out.push({ next: r + 1, taken: false, handler: -1, decisions: notTaken });
  return out;
}

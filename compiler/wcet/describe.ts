// A path over rows in a reader's terms: each branch decision (and tail call) with its source
// instruction and line, the verdict it ends in, and the packet class that takes it (the frame
// lengths its length checks admit, the action). Text only; the cycles are index.ts's.

import { disassembleInsn } from '../../isa/index.js';
import type { RowProgram, Syllable } from '../../isa/index.js';
import { isTailDecision } from './outcomes.js';
import type { Decision, Outcome } from './outcomes.js';

const ACTIONS = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'];

export interface DecisionInfo {
  readonly row: number;
  readonly lane: number;
  readonly taken: boolean;
  /** the instruction index in the loaded program, when the syllable has one */
  readonly index?: number;
  readonly pc?: number;
  /** the source line (BTF line info): `file:line: text` */
  readonly line?: string;
  readonly insn: string;
  /** a tail call: the program it switched to (taken), or absent when it failed */
  readonly tailTo?: string;
}

export interface PathInfo {
  /** rows issued, in order */
  readonly rows: readonly number[];
  /** the rows left by a taken jump (the trace's `taken`), for matching packets to the path */
  readonly key: string;
  readonly decisions: readonly DecisionInfo[];
  /** the verdict: an XDP action when the path fixes r0, else `r0` */
  readonly action: string;
  /** who takes it: the frame lengths its length checks admit, and its conditions on the headers */
  readonly packetClass: string;
}

/** `file:line: text` of a syllable's source line. */
export function sourceText(s: Syllable): string | undefined {
  const l = s.source.line;
  return l ? `${l.file}:${l.line}: ${l.text.trim()}` : undefined;
}

function decisionInfo(d: Decision): DecisionInfo {
  const s = d.syllable;
  const line = sourceText(s);
  return {
    row: d.row, lane: d.lane, taken: d.taken,
    ...(s.source.index !== undefined ? { index: s.source.index } : {}), ...(s.source.pc !== undefined ? { pc: s.source.pc } : {}),
    ...(line ? { line } : {}), insn: disassembleInsn(s.insn, 0).replace(/ goto .*$/, ''),
    ...(d.tailTo !== undefined ? { tailTo: d.tailTo } : {}),
  };
}

/** The action the path leaves in r0: an exit-imm's, or the last constant moved into r0 on the path. */
function actionOf(rows: RowProgram, path: readonly number[], last: Outcome | undefined): string {
  const ex = last?.exit?.insn;
  if (ex?.kind === 'exit-imm') return ACTIONS[ex.action] ?? `action ${ex.action}`;
  let r0: number | undefined;
  for (const r of path)
    for (const s of rows.rows[r]) {
      if (!s) continue;
      const i = s.insn;
      if (i.kind === 'alu' && i.op === 'mov' && i.dst === 0) r0 = i.src.type === 'imm' ? i.src.value : undefined;
      else if (i.kind === 'call' || ('dst' in i && i.dst === 0 && i.kind !== 'st' && i.kind !== 'stx' && i.kind !== 'stx6' && i.kind !== 'atomic') || (i.kind === 'atomic' && i.fetch && i.src === 0)) r0 = undefined;
    }
  return r0 === undefined ? 'r0' : ACTIONS[r0] ?? `action ${r0}`;
}

/** The frame lengths the path's length checks admit, as `len in [lo, hi)`; undefined when it checks none. */
function lengthClass(decisions: readonly Decision[]): string | undefined {
  let lo = 0;
  let hi = Infinity;
  let any = false;
  for (const d of decisions) {
    const i = d.syllable.insn;
    if (i.kind !== 'jlen') continue;
    any = true;
    if (d.taken) hi = Math.min(hi, i.len);
    else lo = Math.max(lo, i.len);
  }
  if (!any) return undefined;
  return hi === Infinity ? `frames of ${lo} B or more` : `frames of ${lo}-${hi - 1} B`;
}

/** The longest run repeated from one program's path round a tail-call cycle: at most this many conditions a round. */
const MAX_ROUND = 16;

/**
 * A tail-call cycle's rounds written once with their count (`(!(r3 > r2), tail call → tc_loop) ×32`:
 * a program calling itself). Only runs that hold a tail call are folded: other paths read as before.
 */
function repeats(conds: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < conds.length;) {
    let best = { p: 1, k: 1 };
    for (let p = 1; p <= MAX_ROUND && i + 2 * p <= conds.length; p++) {
      const block = conds.slice(i, i + p);
      if (!block.some((c) => c.startsWith('tail call'))) continue;
      let k = 1;
      while (i + (k + 1) * p <= conds.length && conds.slice(i + k * p, i + (k + 1) * p).every((c, j) => c === block[j])) k++;
      if (k > 1 && p * k > best.p * best.k) best = { p, k };
    }
    if (best.k === 1) out.push(conds[i++]);
    else {
      const block = conds.slice(i, i + best.p);
      out.push(`${best.p === 1 ? block[0] : `(${block.join(', ')})`} ×${best.k}`);
      i += best.p * best.k;
    }
  }
  return out;
}

export function describePath(rows: RowProgram, path: readonly number[], outcomes: readonly Outcome[]): PathInfo {
  const decisions = outcomes.flatMap((o) => o.decisions);
  const action = actionOf(rows, path, outcomes[outcomes.length - 1]);
  // the jump's own condition, as the bytecode tests it (clang often inverts the C condition); a
  // tail call: where it went, or that it failed
  const conds = decisions.filter((d) => d.syllable.insn.kind === 'jmp' || isTailDecision(d)).map((d) => {
    if (isTailDecision(d)) return d.taken ? `tail call → ${d.tailTo}` : 'tail call fails';
    const text = disassembleInsn(d.syllable.insn, 0).replace(/^if /, '').replace(/ goto .*$/, '');
    return d.taken ? text : `!(${text})`;
  });
  const len = lengthClass(decisions);
  const cls = [len ?? 'any frame', ...repeats(conds)].join(', ');
  return {
    rows: path, key: path.map((r, i) => `${r}${outcomes[i]?.taken ? 't' : ''}`).join(','),
    decisions: decisions.map(decisionInfo), action, packetClass: `${cls} → ${action}`,
  };
}

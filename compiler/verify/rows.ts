// Symbolic execution of a scheduled program (isa/rows.ts RowProgram) with the row semantics written
// there: every syllable of a row reads the registers as they were at row start, memory effects in
// lane order, a taken branch does not cancel its row, the lowest taken lane decides where control
// goes. Each syllable's meaning is exec.ts's (step, jumpCondition); this module only sequences rows
// (and the core extensions' forms: a fused null test, a memory add, a non-faulting load), and a
// tail call: taken, a control syllable whose exit (helpers.ts's outcome) is made at row end, after
// every lane of its row, as the row executor switches programs then; failing, it falls through.

import { defuse, isTailCall, layoutProgram } from '../../isa/index.js';
import type { Insn, Row, RowProgram, Syllable } from '../../isa/index.js';
import type { MapRef } from '../loader/types.js';
import { fail } from './cx.js';
import type { Cx, Exit, ProgramInput } from './cx.js';
import { VerifyError } from './errors.js';
import { jumpCondition, refine, step } from './exec.js';
import { afterCall, tailCallStep } from './helpers.js';
import { graphOrder } from './order.js';
import { initialState, mergeAll, negate, noteFlow, restrict } from './state.js';
import type { Env, State } from './state.js';
import { num } from './value.js';
import type { Val } from './value.js';
import type { B, BV } from './z3.js';

/** The syllables numbered in row-major order (the index an lddw's map reference and errors use). */
interface Flat {
  readonly prog: ProgramInput;
  /** per row, per lane: the syllable's index */
  readonly index: readonly (readonly number[])[];
}

function flatten(p: RowProgram): Flat {
  const insns: Insn[] = [];
  const mapRefs = new Map<number, MapRef>();
  const index = p.rows.map((row) => row.map((s) => {
    if (!s) return -1;
    if (s.mapRef) mapRefs.set(insns.length, s.mapRef);
    insns.push(s.insn);
    return insns.length - 1;
  }));
  return { prog: { name: p.name, code: layoutProgram(insns), mapRefs }, index };
}

const isControl = (insn: Insn): boolean =>
  insn.kind === 'jmp' || insn.kind === 'jlen' || insn.kind === 'ja' || insn.kind === 'exit' || insn.kind === 'exit-imm';
const always = (insn: Insn): boolean => insn.kind === 'ja' || insn.kind === 'exit' || insn.kind === 'exit-imm';

/** The rows control can go to after row r (a row without an unconditional control syllable falls through). */
function rowSuccessors(p: RowProgram, r: number, side: string): number[] {
  const out: number[] = [];
  let falls = true;
  for (const s of p.rows[r]) {
    if (!s || !isControl(s.insn)) continue;
    if (always(s.insn)) falls = false;
    if (s.insn.kind === 'exit' || s.insn.kind === 'exit-imm') continue;
    if (s.target === undefined || s.target < 0 || s.target >= p.rows.length)
      throw new VerifyError(-1, `row ${r}: a ${s.insn.kind} to row ${s.target ?? '(none)'}, which does not exist`, side);
    if (!out.includes(s.target)) out.push(s.target);
  }
  if (falls) out.push(r + 1);
  return out;
}

/**
 * The row rules the executor relies on (isa/rows.ts): one writer per register; calls, exits, atomics
 * read no register the row writes; a tail call's row holds no other control syllable.
 */
function checkRow(row: Row, r: number, side: string): void {
  const tail = row.findIndex((s) => s !== undefined && isTailCall(s.insn));
  const other = tail < 0 ? -1 : row.findIndex((s) => s !== undefined && isControl(s.insn));
  if (other >= 0) throw new VerifyError(-1, `row ${r}: lane ${tail} is a tail call and lane ${other} a ${row[other]!.insn.kind}: a tail call's row holds no other control syllable`, side);
  const writer = new Map<number, number>();
  row.forEach((s, lane) => {
    for (const w of s ? defuse(s.insn).writes : []) {
      if (writer.has(w)) throw new VerifyError(-1, `row ${r}: lanes ${writer.get(w)} and ${lane} both write r${w}`, side);
      writer.set(w, lane);
    }
  });
  row.forEach((s, lane) => {
    if (!s || !['call', 'exit', 'atomic'].includes(s.insn.kind)) return;
    for (const reg of defuse(s.insn).reads) {
      const w = writer.get(reg);
      if (w !== undefined && w !== lane) throw new VerifyError(-1, `row ${r}: lane ${lane} (${s.insn.kind}) reads r${reg}, which lane ${w} writes`, side);
    }
  });
}

/** One path through a row: its state, the registers at row start, and where the lowest taken lane sends it. */
interface Path {
  readonly s: State;
  readonly start: readonly Val[];
  readonly decided?: { readonly to: number } | { readonly exit: Syllable; readonly index: number } | { readonly tail: BV; readonly index: number };
}

/** The registers after a syllable: those it writes or clobbers from `after`, the rest from `before`. */
function written(insn: Insn, before: readonly Val[], after: readonly Val[]): Val[] {
  const regs = before.slice();
  const du = defuse(insn);
  for (const w of [...du.writes, ...du.clobbers]) regs[w] = after[w];
  return regs;
}

/**
 * The memory-add syllable (CoreConfig's memoryAdd extension): its load, add and store in turn from
 * the row-start registers, the loaded register carried from one to the next.
 */
async function memoryAdd(cx: Cx, view: State, syl: Syllable, i: number): Promise<State[]> {
  const out: State[] = [];
  const own = (s: State, from: State): State => ({ ...s, regs: written(syl.insn, view.regs, from.regs) });
  for (const [, loaded] of await step(cx, view, syl.insn, i))
    for (const [, added] of await step(cx, own(loaded, loaded), syl.memoryAdd!.add, i))
      for (const [, stored] of await step(cx, own(added, added), syl.memoryAdd!.store, i)) out.push(own(stored, added));
  return out;
}

/** Fresh names for the values of faulting non-faulting loads. */
let faults = 0;

/** One syllable on every path of its row. */
async function lane(cx: Cx, paths: Path[], syl: Syllable, i: number): Promise<Path[]> {
  const Z = cx.Z;
  const insn = syl.insn;
  const out: Path[] = [];
  for (const p of paths) {
    // a fused null test reads r0 as the call in a lower lane left it (isa/rows.ts)
    const view: State = { ...p.s, regs: syl.fusedNullTest ? p.s.regs : p.start };
    if (syl.memoryAdd) {
      for (const o of await memoryAdd(cx, view, syl, i)) out.push({ ...p, s: { ...o, regs: written(insn, p.s.regs, o.regs) } });
      continue;
    }
    if (isTailCall(insn)) {
      // taken: the row's other lanes still run, then the run leaves (runRow); failed: it goes on
      const t = tailCallStep(cx, view, i);
      out.push({ ...p, s: { ...t.taken, regs: p.s.regs }, decided: { tail: t.target, index: i } });
      const failed = afterCall(cx, t.failed, i);
      out.push({ ...p, s: { ...failed, regs: written(insn, p.s.regs, failed.regs) } });
      continue;
    }
    if (!isControl(insn)) {
      // a non-faulting load (CoreConfig's speculativeLoads): where it would fault (exec's guard
      // records an abort on that condition) the row goes on, as simulator/vliw runs it. There the
      // machine leaves the register as it was, a value the scheduler made dead on that path
      // (only loads and ALU work rise above a side exit: nothing that stores or exits); it is
      // modelled as a fresh number, which over-approximates any 64-bit value it held, so a proof
      // holds for the machine's. Its other exits stay the program's.
      const scx: Cx = syl.speculative ? { ...cx, exits: [] } : cx;
      for (const [, o] of await step(scx, view, insn, i)) out.push({ ...p, s: { ...o, regs: written(insn, p.s.regs, o.regs) } });
      for (const e of scx === cx ? [] : scx.exits) {
        if (!e.aborted || e.unbounded) {
          cx.exits.push(e);
          continue;
        }
        const regs = p.s.regs.slice();
        for (const w of defuse(insn).writes) regs[w] = num(cx.Z.BitVec.const(`speculative_fault_${i}_r${w}_${faults++}`, 64));
        out.push({ ...p, s: { ...e.state, pc: e.cond, flow: e.flow, regs } });
      }
      continue;
    }
    if (p.decided) {
      out.push(p);
      continue;
    }
    if (insn.kind === 'exit' || insn.kind === 'exit-imm') {
      out.push({ ...p, decided: { exit: syl, index: i } });
      continue;
    }
    const to = syl.target ?? fail(cx, i, `a ${insn.kind} without a target row`);
    if (insn.kind === 'ja') {
      out.push({ ...p, decided: { to } });
      continue;
    }
    if (insn.kind !== 'jmp' && insn.kind !== 'jlen') continue;
    const c = await jumpCondition(cx, view, insn, i);
    // the refinement applies to the registers as the lanes so far left them and as the row started
    const side = (h: B): Path => {
      const s = refine(cx, restrict(Z, p.s, h), h);
      noteFlow(cx.env.seen, s.flow);
      return { ...p, s, start: refine(cx, { ...p.s, regs: p.start }, h).regs };
    };
    if (!Z.isFalse(c)) out.push(Z.isTrue(c) ? { ...p, decided: { to } } : { ...side(c), decided: { to } });
    if (!Z.isTrue(c)) out.push(Z.isFalse(c) ? p : side(negate(Z, c)));
  }
  return out;
}

/** Runs row r from state s: the (row, state) pairs control goes on to; exits go to cx.exits. */
async function runRow(cx: Cx, p: RowProgram, flat: Flat, r: number, s: State): Promise<[number, State][]> {
  let paths: Path[] = [{ s, start: s.regs }];
  for (const [l, syl] of p.rows[r].entries()) {
    if (!syl) continue;
    paths = await lane({ ...cx, side: `${cx.side} row ${r} lane ${l}` }, paths, syl, flat.index[r][l]);
  }
  const next: [number, State][] = [];
  for (const path of paths) {
    const d = path.decided;
    if (d && 'tail' in d) cx.exits.push({ cond: path.s.pc, flow: path.s.flow, action: cx.Z.BitVec.val(0n, 32), state: path.s, index: d.index, aborted: false, tail: d.tail });
    else if (d && 'exit' in d) await step({ ...cx, side: `${cx.side} row ${r}` }, { ...path.s, regs: path.start }, d.exit.insn, d.index);
    else next.push([d ? d.to : r + 1, path.s]);
  }
  return next;
}

/**
 * Runs the rows on env, as execute() runs a program: rows in a topological order, states merged
 * where control joins, loops unrolled `unroll` times (one past them, an exit marked unbounded).
 */
export async function executeRows(env: Env, p: RowProgram, side: string, unroll = 0): Promise<Exit[]> {
  const flat = flatten(p);
  const cx: Cx = { env, Z: env.Z, side, prog: flat.prog, exits: [], indexOfSlot: new Map(), unroll };
  p.rows.forEach((row, r) => checkRow(row, r, side));
  const n = p.rows.length;
  const { order, backEdges } = graphOrder(n, p.entry, (r) => rowSuccessors(p, r, side), (r) => {
    throw new VerifyError(-1, `row ${r}: execution can run past the last row`, side);
  });
  if (backEdges.size && unroll === 0) {
    const [from, to] = [...backEdges][0].split('>').map(Number);
    throw new VerifyError(-1, `row ${from}: a loop (back to row ${to}): give an unroll bound`, side);
  }
  const pending = new Map<number, State[]>([[p.entry, [initialState(env)]]]);
  for (let round = 0; round <= unroll && pending.size; round++)
    for (const r of order) {
      const incoming = pending.get(round * n + r);
      if (!incoming) continue;
      pending.delete(round * n + r);
      for (const [t, st] of await runRow(cx, p, flat, r, mergeAll(cx.Z, incoming, cx.env.seen))) {
        const next = backEdges.has(`${r}>${t}`) ? round + 1 : round;
        if (next > unroll) {
          cx.exits.push({ cond: st.pc, flow: st.flow, action: cx.Z.BitVec.val(0n, 32), state: st, index: -1, aborted: true, unbounded: true });
          continue;
        }
        pending.set(next * n + t, [...(pending.get(next * n + t) ?? []), st]);
      }
    }
  return cx.exits;
}

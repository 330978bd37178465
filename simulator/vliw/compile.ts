// Shared by the row executor (simulator/rows) and the cycle-accurate core (simulator/core).
// Compiles a RowProgram (isa/rows.ts) into per-row closures over the shared machine: each
// syllable's handler comes from machine/semantics (no ALU of its own), with register reads that
// another syllable of the row writes redirected to copies taken at row start. Checks the row
// rules the executor relies on; does not run anything (loop.ts does).

import { defuse, isTailCall } from '../../isa/index.js';
import type { Insn, Operand, RowProgram, Syllable } from '../../isa/index.js';
import { lddwValue, semantics, SWITCH, TRAPPED } from '../machine/index.js';
import type { Handler, LddwValue, Machine } from '../machine/index.js';
import type { ConstSlots } from './consts.js';

/** The index a syllable's handler returns when it does not jump. */
export const FALL = 0x7fff_ffff;

export interface CompiledRow {
  /** [register, shadow slot] pairs copied at row start */
  readonly copies: readonly number[];
  readonly handlers: readonly Handler[];
  /** the slot (pc) of the row's first syllable, for budget traps */
  readonly pc: number;
}

/** A row that breaks the rules of isa/rows.ts: row, lane and what. */
export class RowRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowRuleError';
  }
}

/** Reads the executor can redirect to a row-start copy, by the field that holds them. */
function rewritable(insn: Insn): { fields: ('dst' | 'src' | 'a')[]; operand: Operand | undefined } {
  switch (insn.kind) {
    case 'alu': return { fields: [], operand: insn.src };
    case 'alu3': return { fields: ['a'], operand: insn.b };
    case 'jmp': return { fields: ['dst'], operand: insn.src };
    case 'ldx': case 'ldx6': return { fields: ['src'], operand: undefined };
    case 'st': return { fields: ['dst'], operand: undefined };
    case 'stx': case 'stx6': return { fields: ['dst', 'src'], operand: undefined };
    default: return { fields: [], operand: undefined };
  }
}

const CONTROL = new Set(['jmp', 'jlen', 'ja', 'exit', 'exit-imm']);

function checkRow(row: readonly (Syllable | undefined)[], r: number): Set<number> {
  const tail = row.findIndex((s) => s !== undefined && isTailCall(s.insn));
  const other = tail < 0 ? -1 : row.findIndex((s) => s !== undefined && CONTROL.has(s.insn.kind));
  if (other >= 0) throw new RowRuleError(`row ${r}: lane ${tail} is a tail call and lane ${other} a ${row[other]!.insn.kind}: a tail call's row holds no other control syllable`);
  const writer = new Map<number, number>();
  row.forEach((s, lane) => {
    if (!s) return;
    for (const w of defuse(s.insn).writes) {
      const other = writer.get(w);
      if (other !== undefined) throw new RowRuleError(`row ${r}: lanes ${other} and ${lane} both write r${w}`);
      writer.set(w, lane);
    }
  });
  row.forEach((s, lane) => {
    if (!s) return;
    if (s.fusedNullTest && !row.slice(0, lane).some((o) => o?.insn.kind === 'call'))
      throw new RowRuleError(`row ${r}: lane ${lane} is a fused null test without a helper call in a lower lane`);
    const rw = rewritable(s.insn);
    const movable = new Set<number>(rw.fields.map((f) => (s.insn as unknown as Record<string, number>)[f]));
    if (rw.operand?.type === 'reg') movable.add(rw.operand.reg);
    for (const reg of defuse(s.insn).reads) {
      const w = writer.get(reg);
      if (w === undefined || w === lane) continue;
      if (!movable.has(reg)) throw new RowRuleError(`row ${r}: lane ${lane} (${s.insn.kind}) reads r${reg}, which lane ${w} writes in the same row`);
    }
  });
  return new Set(writer.keys());
}

/**
 * `entryOf`: the entry row of each linked program by its index in the object (RowProgram.programs):
 * where a tail call into it continues.
 */
export function compileRows(p: RowProgram, m: Machine, pool: ConstSlots, shadowBase: number, entryOf: ReadonlyMap<number, number> = new Map()): CompiledRow[] {
  return p.rows.map((row, r) => {
    const written = checkRow(row, r);
    const shadow = new Map<number, number>();
    const slot = (reg: number, lane: number): number => {
      // a fused null test reads r0 live, after the call in a lower lane (isa/rows.ts)
      if (!written.has(reg) || defuse(row[lane]!.insn).writes.includes(reg) || row[lane]!.fusedNullTest) return reg;
      if (!shadow.has(reg)) shadow.set(reg, shadowBase + shadow.size);
      return shadow.get(reg)!;
    };
    const handlers: Handler[] = [];
    row.forEach((s, lane) => {
      if (s) handlers.push(handlerFor(m, s, pool, (reg) => slot(reg, lane), p, entryOf));
    });
    const copies = [...shadow].flat();
    const first = row.find((s) => s);
    return { copies, handlers, pc: first?.source.pc ?? r };
  });
}

/**
 * The memory-add syllable (CoreConfig's memoryAdd extension): its load, add and store one after
 * the other, each through machine/semantics; the base and the add's operand read at row start,
 * the loaded register (the syllable's own write) live in between.
 */
function memoryAddHandler(m: Machine, s: Syllable, pool: ConstSlots, slot: (reg: number) => number): Handler {
  const load = s.insn, { add, store } = s.memoryAdd!;
  if (load.kind !== 'ldx' || add.kind !== 'alu' || store.kind !== 'stx' || add.dst !== load.dst || store.src !== load.dst || store.dst !== load.src)
    throw new RowRuleError(`pc ${s.source.pc ?? '?'}: a memory add must be ldx rX; add rX; stx of rX to the load's address`);
  const pc = s.source.pc ?? -1;
  const ctx = (src: number) => ({ pc, next: FALL, target: -1, src, value: [0, 0] as LddwValue });
  const base = slot(load.src);
  const hLoad = semantics(m, { ...load, src: base }, ctx(-1));
  const op = add.src.type === 'reg' ? (add.src.reg === load.dst ? load.dst : slot(add.src.reg)) : pool.slotOf(add.src.value);
  const hAdd = semantics(m, add, ctx(op));
  const hStore = semantics(m, { ...store, dst: base }, ctx(-1));
  return () => {
    const out = hLoad();
    if (out !== FALL) return out;
    hAdd();
    m.count += 2; // the run counts the three instructions the syllable stands for (the loop counted one)
    return hStore();
  };
}

/**
 * bpf_tail_call: the shared helper switches m.program (machine/semantics returns SWITCH); in rows
 * that is a taken control syllable whose target is the new program's entry row (isa/rows.ts).
 */
function tailCallHandler(m: Machine, s: Syllable, pool: ConstSlots, slot: (reg: number) => number, p: RowProgram, entryOf: ReadonlyMap<number, number>): Handler {
  const h = semantics(m, s.insn, { pc: s.source.pc ?? -1, next: FALL, target: -1, src: -1, value: [0, 0] });
  const pc = s.source.pc ?? -1;
  return () => {
    const from = m.program;
    const out = h();
    if (out !== SWITCH) return out;
    const row = entryOf.get(m.program.index);
    if (row !== undefined) return row;
    const to = m.program.name;
    m.program = from;
    return m.fail('bad-call', `bpf_tail_call into program ${to}, which is not linked into the rows of ${p.name}`, pc);
  };
}

/** Shadow slots a program needs (the most any row copies). */
export function shadowCount(p: RowProgram): number {
  let most = 0;
  for (const row of p.rows) {
    const regs = new Set<number>();
    for (const s of row) if (s) for (const w of defuse(s.insn).writes) regs.add(w);
    most = Math.max(most, regs.size);
  }
  return most;
}

function handlerFor(m: Machine, s: Syllable, pool: ConstSlots, slot: (reg: number) => number, p: RowProgram, entryOf: ReadonlyMap<number, number>): Handler {
  if (s.memoryAdd) return memoryAddHandler(m, s, pool, slot);
  if (isTailCall(s.insn)) return tailCallHandler(m, s, pool, slot, p, entryOf);
  const rw = rewritable(s.insn);
  const insn = { ...s.insn } as Record<string, unknown>;
  for (const f of rw.fields) insn[f] = slot(insn[f] as number);
  const op = rw.operand;
  const src = op === undefined ? -1 : op.type === 'reg' ? slot(op.reg) : pool.slotOf(op.value);
  const pc = s.source.pc ?? -1;
  const value: LddwValue = s.insn.kind === 'lddw'
    ? lddwValue(m, s.insn, pc, s.mapRef, () => undefined)
    : [0, 0];
  const target = s.target ?? -1;
  if (s.target !== undefined && (s.target < 0 || s.target >= p.rows.length)) throw new RowRuleError(`pc ${pc}: jump to row ${s.target}, outside the ${p.rows.length} rows`);
  const h = semantics(m, insn as unknown as Insn, { pc, next: FALL, target, src, value });
  if (!s.speculative) return h;
  // a non-faulting speculative load: a fault is no trap (the value is dead on that path)
  return () => {
    const out = h();
    if (out !== TRAPPED) return out;
    m.trap = undefined;
    return FALL;
  };
}

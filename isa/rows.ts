// A scheduled program: rows of lanes of syllables, the data the VLIW core (and the row executor of
// simulator/rows) reads and the ROM emitter writes. Types and row-index helpers only; how rows are
// chosen is compiler/schedule's, how they execute is simulator/rows's (docs/ARCHITECTURE.md).
//
// Row semantics (the contract between scheduler and executor):
// - every syllable of a row reads its registers before any syllable of the row writes one;
// - two syllables of a row never write the same register, and a helper call, exit or atomic
//   never reads a register another syllable of its row writes;
// - memory effects happen in lane order, and the scheduler never puts two accesses that may
//   touch the same bytes (one of them a write) in one row;
// - a taken branch does not cancel its row: every syllable of the row executes, then control
//   goes to the target row; if several control syllables of a row take (jump taken, ja, exit),
//   the lowest lane wins; when none takes, control falls to the next row;
// - one exception to reading at row start (the fused-call extension of CoreConfig): a null test
//   marked `fusedNullTest` reads r0 after the helper call in a lower lane of its row.
// - a bpf_tail_call that succeeds is a taken control syllable whose target is the entry row of
//   the program it switched to (RowProgram.programs); a row holding a tail call holds no other
//   control syllable, and nothing that follows the call in program order shares its row.

import type { Insn } from './insn.js';

/** Where a syllable came from in the lifted program (for listings and traps). */
export interface SyllableSource {
  /** index into the original Program.code.insns; undefined for a syllable the compiler made */
  readonly index?: number;
  /** its slot (pc) there */
  readonly pc?: number;
  /** the source line text, file and number, when the object had BTF line info */
  readonly line?: { readonly file: string; readonly line: number; readonly text: string };
}

/** What an lddw of a map loads (the loader's MapRef, restated so isa/ stays a leaf). */
export interface SyllableMapRef {
  readonly map: number;
  readonly kind: 'fd' | 'value';
  readonly offset: number;
}

export interface Syllable {
  /** the instruction; for a jump the offset in it is meaningless: `target` says where it goes */
  readonly insn: Insn;
  /** jmp, ja: the row it goes to */
  readonly target?: number;
  readonly mapRef?: SyllableMapRef;
  /**
   * a load raised above a side exit (the non-faulting speculative-load extension): if it faults
   * it leaves its register as it was and the run goes on (its value is dead where it would fault)
   */
  readonly speculative?: boolean;
  /**
   * a `jeq/jne r0, 0` fused with the helper call in a lower lane of its row (the fusedCallNullTest
   * extension): it reads r0 as the call left it, not as the row found it
   */
  readonly fusedNullTest?: boolean;
  /**
   * the memory-add extension: `insn` is the load `rX = *(size *)(rB + off)`, then `add` (rX += y)
   * and `store` (*(size *)(rB + off) = rX) run in the same syllable, rB and y read at row start
   */
  readonly memoryAdd?: { readonly add: Insn; readonly store: Insn };
  readonly source: SyllableSource;
}

/** One row: `lanes` entries, undefined where a lane is empty (a nop). */
export type Row = readonly (Syllable | undefined)[];

export interface RowProgram {
  /** the program's name (the loaded Program's) */
  readonly name: string;
  readonly lanes: number;
  readonly rows: readonly Row[];
  /** the row execution starts at */
  readonly entry: number;
  /** the original program's instruction count (the denominator of rows per instruction) */
  readonly originalInsns: number;
  /**
   * Programs linked into these rows (a program with tail calls: every program of its object a prog
   * array may name), the entry program first: each one's name, its first row and its rows. Absent:
   * the rows hold one program, and a tail call that succeeds has nowhere to go (the engines trap).
   */
  readonly programs?: readonly LinkedProgram[];
}

/** One program of linked rows (RowProgram.programs). */
export interface LinkedProgram {
  readonly name: string;
  /** its first row (where a tail call into it continues) */
  readonly entry: number;
  /** its rows: [entry, entry + rows) */
  readonly rows: number;
  readonly originalInsns: number;
}

/** bpf_tail_call's helper id (linux/bpf.h) */
export const HELPER_TAIL_CALL = 12;

/** Whether an instruction is a call of bpf_tail_call. */
export function isTailCall(insn: Insn): boolean {
  return insn.kind === 'call' && insn.target === 'helper' && insn.id === HELPER_TAIL_CALL;
}

/** The linked program a row belongs to (the entry program when the rows hold one). */
export function programOfRow(p: RowProgram, row: number): string {
  for (const q of p.programs ?? []) if (row >= q.entry && row < q.entry + q.rows) return q.name;
  return p.name;
}

/** Syllables in the program (nops not counted). */
export function syllableCount(p: RowProgram): number {
  let n = 0;
  for (const row of p.rows) for (const s of row) if (s) n++;
  return n;
}

/**
 * What the RTL's prog array holds in a slot naming `program` (xdp2hw_top.v): its entry row + 1
 * (0 is an empty slot); undefined when the rows do not link it.
 */
export function tailSlotWord(p: RowProgram, program: string): number | undefined {
  const q = (p.programs ?? [{ name: p.name, entry: p.entry }]).find((x) => x.name === program);
  return q === undefined ? undefined : q.entry + 1;
}

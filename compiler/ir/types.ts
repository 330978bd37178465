// The compiler's IR: a program as functions of basic blocks whose jumps, local calls and function
// addresses name block labels, never offsets. Types and one error; lift.ts builds it, lower.ts
// turns it back into bytecode, edit.ts changes it.

import type { Insn } from '../../isa/index.js';
import type { MapRef, SourceLine } from '../loader/types.js';

/** A block's name, unique in its program: `<function>.<n>`. */
export type Label = string;

/** Where an instruction stood in the program it was lifted from (for reports "pc: what"). */
export interface Origin {
  /** index into the lifted Program.code.insns */
  readonly index: number;
  /** its slot (pc) there */
  readonly pc: number;
}

/** One instruction with what travels with it through every pass. */
export interface IrInsn {
  /**
   * The instruction. For a jump, local call or function-address lddw (those for which isa's
   * branchTarget is defined) the offset in it (`off`, or `lo` of the lddw) is meaningless:
   * `target` says where it goes, and lower writes the offset.
   */
  readonly insn: Insn;
  /** the block a jump, local call or function address refers to; present exactly for those */
  readonly target?: Label;
  /** the map (and value offset) an lddw loads, as in Program.mapRefs */
  readonly mapRef?: MapRef;
  /** the function that owns the instruction (its block's function) */
  readonly fn: string;
  /** where it came from; absent for an instruction a pass created */
  readonly origin?: Origin;
  /** the source line it belongs to (BTF line info), when the object has one */
  readonly line?: SourceLine;
}

/**
 * A basic block. Control falls from the end of a block into the next block of its function unless
 * the last instruction is an exit or `ja`; a jump may only end a block (lower does not check where
 * a jump sits, but analyses read blocks that way). A block may be empty while a pass works.
 */
export interface IrBlock {
  readonly label: Label;
  readonly fn: string;
  readonly insns: IrInsn[];
}

/** A function: its blocks in layout order; the first block is its entry. */
export interface IrFunction {
  readonly name: string;
  readonly blocks: IrBlock[];
}

export interface IrProgram {
  /** the entry function's name, as Program.name */
  readonly name: string;
  /** the ELF section, as Program.section */
  readonly section: string;
  /** the entry function first, then subprograms in layout order */
  readonly functions: IrFunction[];
}

/** A malformed IR handed to lower or an edit: which block or instruction, and why. */
export class IrError extends Error {
  constructor(
    /** `<label>` or `<label>[<i>]` (and the original pc when known) */
    readonly where: string,
    readonly why: string,
  ) {
    super(`${where}: ${why}`);
    this.name = 'IrError';
  }
}

// lower: the IR → a loaded Program again (decoded code, functions, map references, line info) and
// its bytecode. The one place in the compiler that turns labels into offsets (isa's branchOffset).
// Does not optimise or reorder: instructions are laid out as the blocks list them.

import { branchOffset, branchTarget, encodeProgram, layoutProgram } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { FunctionInfo, LoadedObject, MapRef, Program, SourceLine } from '../loader/types.js';
import { IrError } from './types.js';
import type { IrInsn, IrProgram, Label, Origin } from './types.js';

export interface Lowered {
  /** the program as the loader would give it: engines and passes read it like any other */
  readonly program: Program;
  /** the bytecode (8 bytes a slot, little-endian), as the kernel is given it */
  readonly bytes: Uint8Array;
  /** origins[i] = where instruction i of the program came from (undefined: created by a pass) */
  readonly origins: readonly (Origin | undefined)[];
}

/** One laid-out instruction and where it stands in the IR (for errors). */
interface Placed {
  readonly ir: IrInsn;
  readonly where: string;
}

const INT16 = { min: -0x8000, max: 0x7fff };
const INT32 = { min: -0x8000_0000, max: 0x7fff_ffff };

export function lower(ir: IrProgram): Lowered {
  const { placed, labelIndex, functions } = layout(ir);
  const laid = layoutProgram(placed.map((p) => p.ir.insn));
  const insns: Insn[] = placed.map((p, i) => resolve(p, laid.pcs[i], labelIndex, laid.pcs, placed.length));
  const code = layoutProgram(insns);
  const mapRefs = new Map<number, MapRef>();
  const lines = new Map<number, SourceLine>();
  let prevLine: SourceLine | undefined;
  const fnStarts = new Set(functions.map((f) => f.start));
  placed.forEach((p, i) => {
    if (p.ir.mapRef) mapRefs.set(i, p.ir.mapRef);
    if (fnStarts.has(i)) prevLine = undefined;
    if (p.ir.line && p.ir.line !== prevLine) lines.set(i, p.ir.line);
    prevLine = p.ir.line;
  });
  const program: Program = { name: ir.name, section: ir.section, code, functions, mapRefs, ...(lines.size > 0 ? { lines } : {}) };
  return { program, bytes: encodeProgram(insns), origins: placed.map((p) => p.ir.origin) };
}

/** `obj` with the programs of the same names replaced (its file's code sections dropped: they no longer describe the code). */
export function withPrograms(obj: LoadedObject, programs: readonly Program[]): LoadedObject {
  const byName = new Map(programs.map((p) => [p.name, p]));
  for (const p of programs)
    if (!obj.programs.some((q) => q.name === p.name)) throw new IrError(p.name, `${obj.file} has no program named ${p.name}`);
  const { sections: _dropped, ...rest } = obj;
  return { ...rest, programs: obj.programs.map((p) => byName.get(p.name) ?? p) };
}

/** Instructions in layout order, the instruction index each label starts at, and the functions. */
function layout(ir: IrProgram): { placed: Placed[]; labelIndex: Map<Label, number>; functions: FunctionInfo[] } {
  const placed: Placed[] = [];
  const labelIndex = new Map<Label, number>();
  const functions: FunctionInfo[] = [];
  const endOf = new Map<Label, number>();
  for (const fn of ir.functions) {
    if (fn.blocks.length === 0) throw new IrError(fn.name, 'function has no blocks');
    functions.push({ name: fn.name, start: placed.length });
    for (const block of fn.blocks) {
      if (labelIndex.has(block.label)) throw new IrError(block.label, 'two blocks have this label');
      if (block.fn !== fn.name) throw new IrError(block.label, `block of function ${block.fn} listed in function ${fn.name}`);
      labelIndex.set(block.label, placed.length);
      block.insns.forEach((insn, i) => {
        const where = `${block.label}[${i}]${insn.origin ? ` (pc ${insn.origin.pc})` : ''}`;
        if (insn.fn !== fn.name) throw new IrError(where, `instruction of function ${insn.fn} in a block of ${fn.name}`);
        placed.push({ ir: insn, where });
      });
    }
    for (const block of fn.blocks) endOf.set(block.label, placed.length);
    if (placed.length === functions[functions.length - 1].start) throw new IrError(fn.name, 'function has no instructions');
  }
  // a label at the very end of its function names no instruction of it: refuse it as a target
  for (const [label, index] of labelIndex) if (index === endOf.get(label)) labelIndex.delete(label);
  return { placed, labelIndex, functions };
}

/** The instruction with its offset computed from its target label. */
function resolve(p: Placed, pc: number, labelIndex: ReadonlyMap<Label, number>, pcs: readonly number[], count: number): Insn {
  const { insn, target } = p.ir;
  const refers = branchTarget(insn, pc) !== undefined;
  if (!refers) {
    if (target !== undefined) throw new IrError(p.where, `${insn.kind} cannot have a target (${target})`);
    return insn;
  }
  if (target === undefined) throw new IrError(p.where, `${insn.kind} has no target label`);
  const index = labelIndex.get(target);
  if (index === undefined || index >= count) throw new IrError(p.where, `target ${target} is no block with an instruction after it in its function`);
  const off = branchOffset(pc, pcs[index]);
  const fits = (r: { min: number; max: number }, what: string) => {
    if (off < r.min || off > r.max) throw new IrError(p.where, `${insn.kind} to ${target}: offset ${off} does not fit ${what}`);
  };
  switch (insn.kind) {
    case 'jmp': case 'jlen': fits(INT16, 'a 16-bit offset'); return { ...insn, off };
    case 'ja': fits(insn.wide ? INT32 : INT16, insn.wide ? 'a 32-bit offset' : 'a 16-bit offset (use a wide ja, gotol)'); return { ...insn, off };
    case 'call-local': fits(INT32, 'a 32-bit offset'); return { ...insn, off };
    case 'lddw': fits(INT32, 'a 32-bit offset'); return { ...insn, lo: off >>> 0 };
    default: throw new IrError(p.where, `${insn.kind} refers to a target but lower does not know how to write it`);
  }
}

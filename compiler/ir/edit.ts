// Editing the IR in place: walk, insert, remove, replace instructions; find, add and split blocks.
// Jumps name labels, so none of these patches a jump. What an edit means (is it sound?) is the
// calling pass's business; these keep only the IR's own invariants (fn, labels, targets).

import { branchTarget } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { MapRef } from '../loader/types.js';
import { IrError } from './types.js';
import type { IrBlock, IrFunction, IrInsn, IrProgram, Label } from './types.js';

/** One instruction in its place. */
export interface InsnSite {
  readonly fn: IrFunction;
  readonly block: IrBlock;
  /** its index in block.insns */
  readonly at: number;
  readonly insn: IrInsn;
}

/** Every instruction in layout order. Do not insert or remove while walking; collect sites first. */
export function* walk(ir: IrProgram): Generator<InsnSite> {
  for (const fn of ir.functions) for (const block of fn.blocks) for (let at = 0; at < block.insns.length; at++) yield { fn, block, at, insn: block.insns[at] };
}

/** Extra facts for a new instruction: its target label (jumps, local calls), map reference and source line. */
export interface NewInsnOptions {
  readonly target?: Label;
  readonly mapRef?: MapRef;
  /** copy the source line (and nothing else) from this instruction, e.g. the one it replaces */
  readonly lineOf?: IrInsn;
}

/** A new instruction for `block` (no origin: a pass created it). */
export function newInsn(block: IrBlock, insn: Insn, opts: NewInsnOptions = {}): IrInsn {
  const refers = branchTarget(insn, 0) !== undefined;
  if (refers !== (opts.target !== undefined))
    throw new IrError(block.label, refers ? `a new ${insn.kind} needs a target label` : `a new ${insn.kind} cannot have a target label`);
  return {
    insn,
    fn: block.fn,
    ...(opts.target !== undefined ? { target: opts.target } : {}),
    ...(opts.mapRef ? { mapRef: opts.mapRef } : {}),
    ...(opts.lineOf?.line ? { line: opts.lineOf.line } : {}),
  };
}

/** Inserts new instructions before index `at` of the block (at = length appends). */
export function insertInsns(block: IrBlock, at: number, ...insns: IrInsn[]): void {
  if (at < 0 || at > block.insns.length) throw new IrError(block.label, `cannot insert at ${at} (the block has ${block.insns.length} instructions)`);
  for (const i of insns) if (i.fn !== block.fn) throw new IrError(block.label, `instruction of function ${i.fn} inserted into a block of ${block.fn}`);
  block.insns.splice(at, 0, ...insns);
}

/** Removes `count` instructions from index `at`; returns them. */
export function removeInsns(block: IrBlock, at: number, count = 1): IrInsn[] {
  if (at < 0 || count < 0 || at + count > block.insns.length)
    throw new IrError(block.label, `cannot remove ${count} instruction(s) at ${at} (the block has ${block.insns.length})`);
  return block.insns.splice(at, count);
}

/**
 * Replaces the instruction at `at` by `insn`, keeping its origin, function and source line (a
 * fusion's result reports where it came from). Target and map reference are the options' (a
 * replacement that still jumps passes the old target).
 */
export function replaceInsn(block: IrBlock, at: number, insn: Insn, opts: Omit<NewInsnOptions, 'lineOf'> = {}): IrInsn {
  const old = block.insns[at];
  if (!old) throw new IrError(block.label, `no instruction at ${at} to replace`);
  const made = newInsn(block, insn, { ...opts, lineOf: old });
  const out: IrInsn = old.origin ? { ...made, origin: old.origin } : made;
  block.insns[at] = out;
  return out;
}

/** The block with this label and its function. */
export function findBlock(ir: IrProgram, label: Label): { fn: IrFunction; block: IrBlock; index: number } {
  for (const fn of ir.functions) {
    const index = fn.blocks.findIndex((b) => b.label === label);
    if (index >= 0) return { fn, block: fn.blocks[index], index };
  }
  throw new IrError(label, 'no block has this label');
}

/** A label no block of the program has yet: `<function>.<n>` with n past every existing one. */
export function freshLabel(ir: IrProgram, fn: IrFunction): Label {
  let n = 0;
  for (const f of ir.functions)
    for (const b of f.blocks) {
      const m = b.label.startsWith(`${fn.name}.`) ? Number(b.label.slice(fn.name.length + 1)) : NaN;
      if (Number.isInteger(m) && m >= n) n = m + 1;
    }
  return `${fn.name}.${n}`;
}

/** Adds an empty block right after the block labelled `after` (control falls into it from there). */
export function addBlockAfter(ir: IrProgram, after: Label): IrBlock {
  const { fn, index } = findBlock(ir, after);
  const block: IrBlock = { label: freshLabel(ir, fn), fn: fn.name, insns: [] };
  fn.blocks.splice(index + 1, 0, block);
  return block;
}

/** Splits a block before index `at`: the instructions from `at` on move to a new block right after it, which is returned. */
export function splitBlock(ir: IrProgram, label: Label, at: number): IrBlock {
  const { block } = findBlock(ir, label);
  if (at < 0 || at > block.insns.length) throw new IrError(label, `cannot split at ${at} (the block has ${block.insns.length} instructions)`);
  const tail = addBlockAfter(ir, label);
  tail.insns.push(...block.insns.splice(at));
  return tail;
}

/** Removes an empty block no instruction refers to (a block with instructions, or a jump target, stays). */
export function removeBlock(ir: IrProgram, label: Label): void {
  const { fn, block, index } = findBlock(ir, label);
  if (block.insns.length > 0) throw new IrError(label, `block still has ${block.insns.length} instruction(s)`);
  for (const site of walk(ir)) if (site.insn.target === label) throw new IrError(label, `${site.block.label}[${site.at}] still refers to it`);
  fn.blocks.splice(index, 1);
}

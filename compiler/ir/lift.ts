// lift: a loaded Program → the IR. Validates the program (isa's validateProgram: a bad target is
// an IsaError naming the instruction), splits it into the blocks of blocks.ts and replaces every
// jump, local-call and function-address offset by the label of the block it reaches.

import { branchTarget, validateProgram } from '../../isa/index.js';
import type { Program, SourceLine } from '../loader/types.js';
import { blockSpans, targetIndex } from './blocks.js';
import type { BlockSpan } from './blocks.js';
import { IrError } from './types.js';
import type { IrBlock, IrFunction, IrInsn, IrProgram, Label } from './types.js';

export function lift(program: Program): IrProgram {
  const code = program.code;
  validateProgram(code);
  const spans = blockSpans(program);
  const labelAt = new Map<number, Label>(spans.map((s) => [s.start, s.label]));
  const functions: IrFunction[] = [];
  let line: SourceLine | undefined;
  for (const span of spans) {
    let fn = functions[functions.length - 1];
    if (fn?.name !== span.fn) {
      if (functions.some((f) => f.name === span.fn))
        throw new IrError(span.label, `function ${span.fn} appears twice in program ${program.name}: function names must be unique`);
      functions.push((fn = { name: span.fn, blocks: [] }));
      line = undefined;
    }
    const block: IrBlock = { label: span.label, fn: span.fn, insns: [] };
    for (let i = span.start; i < span.end; i++) {
      line = program.lines?.get(i) ?? line;
      block.insns.push(liftInsn(program, i, span, labelAt, line));
    }
    fn.blocks.push(block);
  }
  return { name: program.name, section: program.section, functions };
}

function liftInsn(program: Program, i: number, span: BlockSpan, labelAt: ReadonlyMap<number, Label>, line: SourceLine | undefined): IrInsn {
  const { insns, pcs } = program.code;
  const insn = insns[i];
  const mapRef = program.mapRefs.get(i);
  const out: { -readonly [K in keyof IrInsn]: IrInsn[K] } = { insn, fn: span.fn, origin: { index: i, pc: pcs[i] } };
  if (branchTarget(insn, pcs[i]) !== undefined) {
    // validateProgram has checked every target is an instruction start, and blockSpans made each a leader
    const target = labelAt.get(targetIndex(program.code, i));
    if (target === undefined) throw new IrError(span.label, `instruction ${pcs[i]} (${insn.kind}): its target starts no block`);
    out.target = target;
  }
  if (mapRef) out.mapRef = mapRef;
  if (line) out.line = line;
  return out;
}

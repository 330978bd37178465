// Decoding: 8-byte slots → the Insn union, strictly (every unused field must be zero, as the
// kernel verifier demands). Program-level checks (jump targets, r10 writes) are in validate.ts.

import { IsaError } from './errors.js';
import { isExtension } from './insn.js';
import type { Alu3Insn, Insn, Operand } from './insn.js';
import { ATOMIC_IMMS, CallSrc, NUM_REGS, OPCODES, Pseudo } from './opcodes.js';
import type { OpRow } from './opcodes.js';
import { readSlot } from './raw.js';
import type { RawSlot } from './raw.js';

/** A decoded program: instructions in order, and the slot index each starts at. */
export interface DecodedProgram {
  readonly insns: Insn[];
  /** pcs[i] = the slot index of insns[i] (lddw takes two slots) */
  readonly pcs: number[];
  readonly slots: number;
  /** the inverse of pcs, the one slot → instruction index table: -1 for the second slot of an lddw */
  readonly indexOfSlot: Int32Array;
}

/** A program from its instructions: slots laid out in order (two for lddw), and the slot table. */
export function layoutProgram(insns: Insn[]): DecodedProgram {
  const pcs: number[] = [];
  let slots = 0;
  for (const insn of insns) {
    pcs.push(slots);
    slots += insn.kind === 'lddw' ? 2 : 1;
  }
  return withSlotTable(insns, pcs, slots);
}

function withSlotTable(insns: Insn[], pcs: number[], slots: number): DecodedProgram {
  const indexOfSlot = new Int32Array(slots).fill(-1);
  pcs.forEach((pc, i) => (indexOfSlot[pc] = i));
  return { insns, pcs, slots, indexOfSlot };
}

export interface DecodeOptions {
  /** reject the core's extended syllables (isa/syllables.ts): accept RFC 9669 instructions only */
  readonly baseOnly?: boolean;
}

/** bit 15 of off marks a 3-operand ALU syllable (isa/syllables.ts) */
export const ALU3_FLAG = 0x8000;

const ATOMIC_BY_IMM = new Map(ATOMIC_IMMS.map((a) => [a.imm, a]));

const hex = (n: number) => '0x' + (n >>> 0).toString(16).padStart(2, '0');

/** Decodes a whole program; throws IsaError naming the slot. */
export function decodeProgram(bytes: Uint8Array, opts: DecodeOptions = {}): DecodedProgram {
  if (bytes.length % 8 !== 0)
    throw new IsaError(Math.floor(bytes.length / 8), `truncated instruction: ${bytes.length % 8} byte(s) left over after ${Math.floor(bytes.length / 8)} whole instruction(s)`);
  const slots = bytes.length / 8;
  const insns: Insn[] = [];
  const pcs: number[] = [];
  for (let pc = 0; pc < slots; ) {
    const raw = readSlot(bytes, pc);
    let next: RawSlot | undefined;
    if (OPCODES[raw.opcode]?.kind === 'lddw') {
      if (pc + 1 >= slots) throw new IsaError(pc, 'lddw is missing its second half (end of program)');
      next = readSlot(bytes, pc + 1);
    }
    insns.push(decodeSlot(raw, pc, next, opts));
    pcs.push(pc);
    pc += next ? 2 : 1;
  }
  return withSlotTable(insns, pcs, slots);
}

/** Decodes one instruction; `next` is the following slot, needed by lddw. */
export function decodeSlot(raw: RawSlot, pc: number, next?: RawSlot, opts: DecodeOptions = {}): Insn {
  const insn = decodeFields(raw, pc, next);
  if (opts.baseOnly && isExtension(insn))
    throw new IsaError(pc, `${insn.kind} (${hex(raw.opcode)}) is an extension syllable of the xdp2hw core, not an RFC 9669 instruction (base ISA only)`);
  return insn;
}

function decodeFields(raw: RawSlot, pc: number, next?: RawSlot): Insn {
  const row = OPCODES[raw.opcode];
  if (!row) throw new IsaError(pc, `unknown opcode ${hex(raw.opcode)}`);
  const fail = (why: string): never => {
    throw new IsaError(pc, `${row.mnemonic} (${hex(raw.opcode)}): ${why}`);
  };
  const zero = (...fields: ('dst' | 'src' | 'off' | 'imm')[]) => {
    for (const f of fields) if (raw[f] !== 0) fail(`reserved field ${f} must be 0, is ${raw[f]}`);
  };
  if (raw.dst >= NUM_REGS) fail(`invalid destination register r${raw.dst}`);
  if (raw.src >= NUM_REGS && row.kind !== 'lddw' && row.kind !== 'call') fail(`invalid source register r${raw.src}`);

  switch (row.kind) {
    case 'alu':
      return decodeAlu(row, raw, fail, zero);
    case 'end': {
      zero('src', 'off');
      if (raw.imm !== 16 && raw.imm !== 32 && raw.imm !== 64) fail(`byte swap width must be 16, 32 or 64, is ${raw.imm}`);
      return { kind: 'end', order: row.order!, bits: raw.imm as 16 | 32 | 64, dst: raw.dst };
    }
    case 'jmp': {
      if (row.x) zero('imm');
      else zero('src');
      const src: Operand = row.x ? { type: 'reg', reg: raw.src } : { type: 'imm', value: raw.imm };
      return { kind: 'jmp', cond: row.cond!, width: row.width!, dst: raw.dst, src, off: raw.off };
    }
    case 'ja':
      zero('dst', 'src');
      if (row.width === 32) {
        zero('off');
        return { kind: 'ja', off: raw.imm, wide: true };
      }
      zero('imm');
      return { kind: 'ja', off: raw.off, wide: false };
    case 'call':
      if (row.x) {
        zero('src', 'off', 'imm');
        return { kind: 'callx', reg: raw.dst };
      }
      zero('dst', 'off');
      if (raw.src === CallSrc.HELPER) return { kind: 'call', target: 'helper', id: raw.imm };
      if (raw.src === CallSrc.KFUNC) return { kind: 'call', target: 'kfunc', id: raw.imm };
      if (raw.src === CallSrc.LOCAL) return { kind: 'call-local', off: raw.imm };
      return fail(`call source ${raw.src} is none of helper (0), local (1), kfunc (2)`);
    case 'exit':
      zero('dst', 'src', 'off', 'imm');
      return { kind: 'exit' };
    case 'lddw': {
      zero('off');
      if (raw.src > Pseudo.MAP_IDX_VALUE) fail(`lddw pseudo source ${raw.src} is not defined`);
      if (!next) return fail('lddw is missing its second half');
      if (next.opcode !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0)
        throw new IsaError(pc + 1, `second half of lddw must have opcode, registers and offset 0 (opcode ${hex(next.opcode)})`);
      return { kind: 'lddw', dst: raw.dst, pseudo: raw.src, lo: raw.imm >>> 0, hi: next.imm >>> 0 };
    }
    case 'ldx':
      zero('imm');
      return { kind: 'ldx', size: row.size!, signed: row.signed === true, dst: raw.dst, src: raw.src, off: raw.off };
    case 'st':
      zero('src');
      return { kind: 'st', size: row.size!, dst: raw.dst, off: raw.off, imm: raw.imm };
    case 'stx':
      zero('imm');
      return { kind: 'stx', size: row.size!, dst: raw.dst, src: raw.src, off: raw.off };
    case 'atomic': {
      const a = ATOMIC_BY_IMM.get(raw.imm);
      if (!a) return fail(`unknown atomic operation ${hex(raw.imm)}`);
      return { kind: 'atomic', op: a.op, fetch: a.fetch, size: row.size as 4 | 8, dst: raw.dst, src: raw.src, off: raw.off };
    }
    case 'ld-abs':
      zero('dst', 'src', 'off');
      return { kind: 'ld-abs', size: row.size as 1 | 2 | 4, imm: raw.imm };
    case 'ld-ind':
      zero('dst', 'off');
      return { kind: 'ld-ind', size: row.size as 1 | 2 | 4, src: raw.src, imm: raw.imm };
    case 'exit-imm':
      zero('dst', 'src', 'off');
      return { kind: 'exit-imm', action: raw.imm };
    case 'ldx6':
      zero('imm');
      return { kind: 'ldx6', dst: raw.dst, src: raw.src, off: raw.off };
    case 'stx6':
      zero('imm');
      return { kind: 'stx6', dst: raw.dst, src: raw.src, off: raw.off };
    case 'jlen':
      zero('dst', 'src');
      if (raw.imm < 0) fail(`packet length ${raw.imm >>> 0} does not fit 31 bits`);
      return { kind: 'jlen', len: raw.imm, off: raw.off };
  }
}

type Fail = (why: string) => never;
type Zero = (...fields: ('dst' | 'src' | 'off' | 'imm')[]) => void;

function decodeAlu(row: OpRow, raw: RawSlot, fail: Fail, zero: Zero): Insn {
  const off = raw.off & 0xffff;
  const width = row.width!;
  if (off & ALU3_FLAG) return decodeAlu3(row, raw, off, fail);
  let op = row.alu!;
  if (op === 'neg') {
    zero('src', 'off', 'imm');
    return { kind: 'alu', op, width, dst: raw.dst, src: { type: 'imm', value: 0 } };
  }
  if (row.x) zero('imm');
  else zero('src');
  const src: Operand = row.x ? { type: 'reg', reg: raw.src } : { type: 'imm', value: raw.imm };
  if (op === 'div' || op === 'mod') {
    if (off === 1) op = op === 'div' ? 'sdiv' : 'smod';
    else if (off !== 0) fail(`offset must be 0 (unsigned) or 1 (signed), is ${raw.off}`);
    return { kind: 'alu', op, width, dst: raw.dst, src };
  }
  if (op === 'mov' && off !== 0) {
    const ok = row.x && (off === 8 || off === 16 || (off === 32 && width === 64));
    if (!ok) fail(`movsx offset must be 8, 16${width === 64 ? ' or 32' : ''} with a register source, is ${raw.off}`);
    return { kind: 'alu', op: 'movsx', width, dst: raw.dst, src, extBits: off as 8 | 16 | 32 };
  }
  zero('off');
  return { kind: 'alu', op, width, dst: raw.dst, src };
}

function decodeAlu3(row: OpRow, raw: RawSlot, off: number, fail: Fail): Alu3Insn {
  let op = row.alu!;
  if (op === 'neg' || op === 'mov') return fail(`${op} has no 3-operand form`);
  const variant = off & 0xff;
  if (variant === 1 && (op === 'div' || op === 'mod')) op = op === 'div' ? 'sdiv' : 'smod';
  else if (variant !== 0) fail(`3-operand variant ${variant} is not defined`);
  const bReg = (off >> 8) & 0x7f;
  let b: Operand;
  if (row.x) {
    if (raw.imm !== 0) fail('3-operand register form: imm must be 0');
    if (bReg >= NUM_REGS) fail(`invalid second source register r${bReg}`);
    b = { type: 'reg', reg: bReg };
  } else {
    if (bReg !== 0) fail('3-operand immediate form: bits 8-14 of off must be 0');
    b = { type: 'imm', value: raw.imm };
  }
  return { kind: 'alu3', op: op as Alu3Insn['op'], width: row.width!, dst: raw.dst, a: raw.src, b };
}

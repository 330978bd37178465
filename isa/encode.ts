// Encoding: the Insn union → 8-byte slots, the exact inverse of decode.ts (encode(decode(x)) = x
// for every valid x). Every opcode is looked up in the one opcode table, never composed here.

import { ALU3_FLAG } from './decode.js';
import { IsaError } from './errors.js';
import { assertNever } from './insn.js';
import type { Insn, Operand } from './insn.js';
import { ATOMIC_IMMS, CallSrc, OPCODES } from './opcodes.js';
import type { AluOp, JmpCond, OpRow, RowKind, Width } from './opcodes.js';
import { writeSlot } from './raw.js';
import type { RawSlot } from './raw.js';

/** The rows of each kind; alu and jmp rows (the many) also by `op/width/x`. */
const ROWS_OF_KIND = new Map<RowKind, OpRow[]>();
const ALU_JMP_OPCODE = new Map<string, number>();
for (const row of OPCODES) {
  if (!row) continue;
  ROWS_OF_KIND.set(row.kind, [...(ROWS_OF_KIND.get(row.kind) ?? []), row]);
  const op = row.alu ?? row.cond;
  if (op !== undefined) ALU_JMP_OPCODE.set(`${op}/${row.width}/${row.x}`, row.opcode);
}

/** The opcode of the row of `kind` that `match` picks. */
function opcodeOf(kind: RowKind, match: (row: OpRow) => boolean = () => true): number {
  const row = ROWS_OF_KIND.get(kind)?.find(match);
  if (!row) throw new Error(`the opcode table has no row for this ${kind} instruction`);
  return row.opcode;
}

/** Variants (sdiv, smod, movsx) share their base operation's row and differ in `off`. */
const BASE_ALU: Partial<Record<AluOp, AluOp>> = { sdiv: 'div', smod: 'mod', movsx: 'mov' };

/** The opcode of an ALU or jump row: operation, width and whether the operand is a register. */
function aluJmpOpcode(op: AluOp | JmpCond, width: Width, x: boolean): number {
  const opcode = ALU_JMP_OPCODE.get(`${BASE_ALU[op as AluOp] ?? op}/${width}/${x}`);
  if (opcode === undefined) throw new Error(`the opcode table has no row for ${op} (${width}-bit, ${x ? 'register' : 'immediate'} operand)`);
  return opcode;
}

const slot = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): RawSlot => ({ opcode, dst, src, off: (off << 16) >> 16, imm: imm | 0 });
const operand = (o: Operand) => (o.type === 'reg' ? { x: true, src: o.reg, imm: 0 } : { x: false, src: 0, imm: o.value });

/** The slots of one instruction: two for lddw, one otherwise. */
export function encodeInsn(insn: Insn): RawSlot[] {
  switch (insn.kind) {
    case 'alu': {
      if (insn.op === 'neg') return [slot(aluJmpOpcode('neg', insn.width, false), insn.dst)];
      const o = operand(insn.src);
      const off = insn.op === 'sdiv' || insn.op === 'smod' ? 1 : insn.op === 'movsx' ? insn.extBits ?? 0 : 0;
      return [slot(aluJmpOpcode(insn.op, insn.width, o.x), insn.dst, o.src, off, o.imm)];
    }
    case 'alu3': {
      const variant = insn.op === 'sdiv' || insn.op === 'smod' ? 1 : 0;
      const code = aluJmpOpcode(insn.op, insn.width, insn.b.type === 'reg');
      if (insn.b.type === 'reg') return [slot(code, insn.dst, insn.a, ALU3_FLAG | (insn.b.reg << 8) | variant, 0)];
      return [slot(code, insn.dst, insn.a, ALU3_FLAG | variant, insn.b.value)];
    }
    case 'end':
      return [slot(opcodeOf('end', (r) => r.order === insn.order), insn.dst, 0, 0, insn.bits)];
    case 'jmp': {
      const o = operand(insn.src);
      return [slot(aluJmpOpcode(insn.cond, insn.width, o.x), insn.dst, o.src, insn.off, o.imm)];
    }
    case 'ja': {
      const opcode = opcodeOf('ja', (r) => r.width === (insn.wide ? 32 : 64));
      return insn.wide ? [slot(opcode, 0, 0, 0, insn.off)] : [slot(opcode, 0, 0, insn.off)];
    }
    case 'call':
      return [slot(opcodeOf('call', (r) => !r.x), 0, insn.target === 'helper' ? CallSrc.HELPER : CallSrc.KFUNC, 0, insn.id)];
    case 'call-local':
      return [slot(opcodeOf('call', (r) => !r.x), 0, CallSrc.LOCAL, 0, insn.off)];
    case 'callx':
      return [slot(opcodeOf('call', (r) => r.x), insn.reg)];
    case 'exit':
      return [slot(opcodeOf('exit'))];
    case 'lddw':
      return [slot(opcodeOf('lddw'), insn.dst, insn.pseudo, 0, insn.lo), slot(0, 0, 0, 0, insn.hi)];
    case 'ldx':
      return [slot(opcodeOf('ldx', (r) => r.size === insn.size && (r.signed === true) === insn.signed), insn.dst, insn.src, insn.off)];
    case 'st':
      return [slot(opcodeOf('st', (r) => r.size === insn.size), insn.dst, 0, insn.off, insn.imm)];
    case 'stx':
      return [slot(opcodeOf('stx', (r) => r.size === insn.size), insn.dst, insn.src, insn.off)];
    case 'atomic': {
      // xchg and cmpxchg always fetch, whatever `fetch` says
      const always = insn.op === 'xchg' || insn.op === 'cmpxchg';
      const imm = ATOMIC_IMMS.find((a) => a.op === insn.op && (always || a.fetch === insn.fetch))!.imm;
      return [slot(opcodeOf('atomic', (r) => r.size === insn.size), insn.dst, insn.src, insn.off, imm)];
    }
    case 'ld-abs':
      return [slot(opcodeOf('ld-abs', (r) => r.size === insn.size), 0, 0, 0, insn.imm)];
    case 'ld-ind':
      return [slot(opcodeOf('ld-ind', (r) => r.size === insn.size), 0, insn.src, 0, insn.imm)];
    case 'exit-imm':
      return [slot(opcodeOf('exit-imm'), 0, 0, 0, insn.action)];
    case 'ldx6':
      return [slot(opcodeOf('ldx6'), insn.dst, insn.src, insn.off)];
    case 'stx6':
      return [slot(opcodeOf('stx6'), insn.dst, insn.src, insn.off)];
    case 'jlen':
      return [slot(opcodeOf('jlen'), 0, 0, insn.off, insn.len)];
    default:
      return assertNever(insn);
  }
}

/** Encodes a program into its bytes (8 per slot, little-endian). */
export function encodeProgram(insns: readonly Insn[]): Uint8Array {
  const slots = insns.flatMap((insn, i) => {
    try {
      return encodeInsn(insn);
    } catch (e) {
      throw new IsaError(i, (e as Error).message);
    }
  });
  const out = new Uint8Array(slots.length * 8);
  slots.forEach((s, i) => writeSlot(out, i, s));
  return out;
}

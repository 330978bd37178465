// Encoding: the Insn union → 8-byte slots, the exact inverse of decode.ts (encode(decode(x)) = x
// for every valid x). Reads the same opcode table.

import { ALU3_FLAG } from './decode.js';
import { IsaError } from './errors.js';
import { assertNever } from './insn.js';
import type { Insn, Operand } from './insn.js';
import {
  ALU_CODE_OF, AluCode, AtomicCode, COND_CODE_OF, CallSrc, Cls, ExtOpcode, JmpCode, ModeCode, SizeCode, SrcBit,
} from './opcodes.js';
import type { AccessSize, AtomicOp, Width } from './opcodes.js';
import { writeSlot } from './raw.js';
import type { RawSlot } from './raw.js';

const SIZE_CODE: Record<AccessSize, number> = { 1: SizeCode.B, 2: SizeCode.H, 4: SizeCode.W, 8: SizeCode.DW };
const ATOMIC_IMM: Record<AtomicOp, number> = {
  add: AtomicCode.ADD, or: AtomicCode.OR, and: AtomicCode.AND, xor: AtomicCode.XOR,
  xchg: AtomicCode.XCHG, cmpxchg: AtomicCode.CMPXCHG,
};

const aluCls = (w: Width) => (w === 64 ? Cls.ALU64 : Cls.ALU);
const jmpCls = (w: Width) => (w === 64 ? Cls.JMP : Cls.JMP32);
const slot = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): RawSlot => ({ opcode, dst, src, off: (off << 16) >> 16, imm: imm | 0 });
const operand = (o: Operand) => (o.type === 'reg' ? { x: SrcBit.X, src: o.reg, imm: 0 } : { x: SrcBit.K, src: 0, imm: o.value });

/** The slots of one instruction: two for lddw, one otherwise. */
export function encodeInsn(insn: Insn): RawSlot[] {
  switch (insn.kind) {
    case 'alu': {
      const code = ALU_CODE_OF[insn.op] | aluCls(insn.width);
      if (insn.op === 'neg') return [slot(code | SrcBit.K, insn.dst)];
      const o = operand(insn.src);
      const off = insn.op === 'sdiv' || insn.op === 'smod' ? 1 : insn.op === 'movsx' ? insn.extBits ?? 0 : 0;
      return [slot(code | o.x, insn.dst, o.src, off, o.imm)];
    }
    case 'alu3': {
      const code = ALU_CODE_OF[insn.op] | aluCls(insn.width);
      const variant = insn.op === 'sdiv' || insn.op === 'smod' ? 1 : 0;
      if (insn.b.type === 'reg') return [slot(code | SrcBit.X, insn.dst, insn.a, ALU3_FLAG | (insn.b.reg << 8) | variant, 0)];
      return [slot(code | SrcBit.K, insn.dst, insn.a, ALU3_FLAG | variant, insn.b.value)];
    }
    case 'end': {
      const opcode = AluCode.END | (insn.order === 'bswap' ? Cls.ALU64 : Cls.ALU) | (insn.order === 'be' ? SrcBit.X : SrcBit.K);
      return [slot(opcode, insn.dst, 0, 0, insn.bits)];
    }
    case 'jmp': {
      const o = operand(insn.src);
      return [slot(COND_CODE_OF[insn.cond] | o.x | jmpCls(insn.width), insn.dst, o.src, insn.off, o.imm)];
    }
    case 'ja':
      return insn.wide ? [slot(JmpCode.JA | Cls.JMP32, 0, 0, 0, insn.off)] : [slot(JmpCode.JA | Cls.JMP, 0, 0, insn.off)];
    case 'call':
      return [slot(JmpCode.CALL | Cls.JMP, 0, insn.target === 'helper' ? CallSrc.HELPER : CallSrc.KFUNC, 0, insn.id)];
    case 'call-local':
      return [slot(JmpCode.CALL | Cls.JMP, 0, CallSrc.LOCAL, 0, insn.off)];
    case 'callx':
      return [slot(JmpCode.CALL | SrcBit.X | Cls.JMP, insn.reg)];
    case 'exit':
      return [slot(JmpCode.EXIT | Cls.JMP)];
    case 'lddw':
      return [slot(Cls.LD | ModeCode.IMM | SizeCode.DW, insn.dst, insn.pseudo, 0, insn.lo), slot(0, 0, 0, 0, insn.hi)];
    case 'ldx':
      return [slot(Cls.LDX | (insn.signed ? ModeCode.MEMSX : ModeCode.MEM) | SIZE_CODE[insn.size], insn.dst, insn.src, insn.off)];
    case 'st':
      return [slot(Cls.ST | ModeCode.MEM | SIZE_CODE[insn.size], insn.dst, 0, insn.off, insn.imm)];
    case 'stx':
      return [slot(Cls.STX | ModeCode.MEM | SIZE_CODE[insn.size], insn.dst, insn.src, insn.off)];
    case 'atomic': {
      const imm = ATOMIC_IMM[insn.op] | (insn.fetch && insn.op !== 'xchg' && insn.op !== 'cmpxchg' ? AtomicCode.FETCH : 0);
      return [slot(Cls.STX | ModeCode.ATOMIC | SIZE_CODE[insn.size], insn.dst, insn.src, insn.off, imm)];
    }
    case 'ld-abs':
      return [slot(Cls.LD | ModeCode.ABS | SIZE_CODE[insn.size], 0, 0, 0, insn.imm)];
    case 'ld-ind':
      return [slot(Cls.LD | ModeCode.IND | SIZE_CODE[insn.size], 0, insn.src, 0, insn.imm)];
    case 'exit-imm':
      return [slot(ExtOpcode.EXIT_IMM, 0, 0, 0, insn.action)];
    case 'ldx6':
      return [slot(ExtOpcode.LDX6, insn.dst, insn.src, insn.off)];
    case 'stx6':
      return [slot(ExtOpcode.STX6, insn.dst, insn.src, insn.off)];
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

// The decoded instruction: a closed union, one kind per instruction shape, every field typed.
// Passes and engines switch on `kind` and end with assertNever, so a new kind breaks every
// consumer that forgot it. Jump targets here are relative slot offsets, as in the encoding; the
// compiler's IR replaces them with labels.

import type { AccessSize, AluOp, AtomicOp, JmpCond, Width } from './opcodes.js';

/** A register number, 0-10. */
export type Reg = number;

/** The second operand of an ALU or jump instruction. */
export type Operand = { readonly type: 'reg'; readonly reg: Reg } | { readonly type: 'imm'; readonly value: number };

/** dst = dst op src (32-bit forms zero-extend the result). neg ignores src (imm 0). */
export interface AluInsn {
  readonly kind: 'alu';
  readonly op: AluOp;
  readonly width: Width;
  readonly dst: Reg;
  readonly src: Operand;
  /** movsx: the width of the source that is sign-extended */
  readonly extBits?: 8 | 16 | 32;
}

/** Byte order conversion: le/be (to little/big endian), bswap (unconditional, v4). */
export interface EndInsn {
  readonly kind: 'end';
  readonly order: 'le' | 'be' | 'bswap';
  readonly bits: 16 | 32 | 64;
  readonly dst: Reg;
}

/** if (dst cond src) jump `off` slots past the next one (branchTarget in validate.ts resolves it) */
export interface JmpInsn {
  readonly kind: 'jmp';
  readonly cond: JmpCond;
  readonly width: Width;
  readonly dst: Reg;
  readonly src: Operand;
  readonly off: number;
}

/** Jump `off` slots past the next one; `wide` = gotol (JMP32 class, 32-bit offset in imm). */
export interface JaInsn {
  readonly kind: 'ja';
  readonly off: number;
  readonly wide: boolean;
}

/** A helper call by number (src 0), or a kernel function by BTF id (src 2). */
export interface CallInsn {
  readonly kind: 'call';
  readonly target: 'helper' | 'kfunc';
  readonly id: number;
}

/** A BPF-to-BPF call: the callee starts `off` slots past the next one (branchTarget). */
export interface CallLocalInsn {
  readonly kind: 'call-local';
  readonly off: number;
}

/** An indirect call through a register holding a function address (callx). */
export interface CallxInsn {
  readonly kind: 'callx';
  readonly reg: Reg;
}

export interface ExitInsn {
  readonly kind: 'exit';
}

/** The 16-byte load of a 64-bit immediate; `pseudo` (src field) says what the value means. */
export interface LddwInsn {
  readonly kind: 'lddw';
  readonly dst: Reg;
  readonly pseudo: number;
  /** low 32 bits (first slot's imm), as an unsigned number */
  readonly lo: number;
  /** high 32 bits (second slot's imm), as an unsigned number */
  readonly hi: number;
}

/** dst = *(size *)(src + off), zero- or sign-extended. */
export interface LdxInsn {
  readonly kind: 'ldx';
  readonly size: AccessSize;
  readonly signed: boolean;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** *(size *)(dst + off) = imm */
export interface StInsn {
  readonly kind: 'st';
  readonly size: AccessSize;
  readonly dst: Reg;
  readonly off: number;
  readonly imm: number;
}

/** *(size *)(dst + off) = src */
export interface StxInsn {
  readonly kind: 'stx';
  readonly size: AccessSize;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** An atomic read-modify-write of *(size *)(dst + off) with src; fetch returns the old value in src (r0 for cmpxchg). */
export interface AtomicInsn {
  readonly kind: 'atomic';
  readonly op: AtomicOp;
  readonly fetch: boolean;
  readonly size: 4 | 8;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Legacy packet load: r0 = ntoh(*(size *)(skb->data + imm)). */
export interface LdAbsInsn {
  readonly kind: 'ld-abs';
  readonly size: 1 | 2 | 4;
  readonly imm: number;
}

/** Legacy packet load: r0 = ntoh(*(size *)(skb->data + src + imm)). */
export interface LdIndInsn {
  readonly kind: 'ld-ind';
  readonly size: 1 | 2 | 4;
  readonly src: Reg;
  readonly imm: number;
}

/** Core extension: exit with the action given in the syllable (r0 = action; exit). */
export interface ExitImmInsn {
  readonly kind: 'exit-imm';
  readonly action: number;
}

/** Core extension: dst = zero-extended 6-byte load from src + off (a MAC address). */
export interface Ldx6Insn {
  readonly kind: 'ldx6';
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Core extension: store the low 6 bytes of src at dst + off. */
export interface Stx6Insn {
  readonly kind: 'stx6';
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Core extension: dst = a op b, the 3-operand ALU (isa/syllables.ts). */
export interface Alu3Insn {
  readonly kind: 'alu3';
  readonly op: Exclude<AluOp, 'neg' | 'mov' | 'movsx'>;
  readonly width: Width;
  readonly dst: Reg;
  readonly a: Reg;
  readonly b: Operand;
}

/**
 * Core extension: `if len < N goto L`, a compare-and-branch on the current packet length (data to
 * data_end), replacing clang's `rX = data; rX += N; if rX > data_end goto L`. Target as in JmpInsn.
 */
export interface JlenInsn {
  readonly kind: 'jlen';
  /** the length compared against (bytes, 0 to 2^31 - 1) */
  readonly len: number;
  readonly off: number;
}

/** Every instruction of RFC 9669. */
export type BaseInsn =
  | AluInsn | EndInsn | JmpInsn | JaInsn | CallInsn | CallLocalInsn | CallxInsn | ExitInsn | LddwInsn
  | LdxInsn | StInsn | StxInsn | AtomicInsn | LdAbsInsn | LdIndInsn;

/** The extended syllables of the xdp2hw core. */
export type ExtInsn = ExitImmInsn | Ldx6Insn | Stx6Insn | Alu3Insn | JlenInsn;

export type Insn = BaseInsn | ExtInsn;
export type InsnKind = Insn['kind'];

export function isExtension(insn: Insn): insn is ExtInsn {
  return insn.kind === 'exit-imm' || insn.kind === 'ldx6' || insn.kind === 'stx6' || insn.kind === 'alu3' || insn.kind === 'jlen';
}

/** The 64-bit value of an lddw as a BigInt (unsigned). */
export function lddwValue(insn: LddwInsn): bigint {
  return (BigInt(insn.hi >>> 0) << 32n) | BigInt(insn.lo >>> 0);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled instruction kind: ${JSON.stringify(x)}`);
}

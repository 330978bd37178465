// The xdp2hw core's extended syllables: their bit layouts, drawn, and typed constructors that build
// the Insn for each. Decoding and encoding are decode.ts's and encode.ts's; this module adds no
// opcode (the rows are in opcodes.ts) and knows nothing of scheduling or execution.
//
// Every syllable is one 64-bit slot in the RFC 9669 layout (raw.ts):
//   msb [ imm:32 | off:16 | src:4 | dst:4 | opcode:8 ] lsb
// and each extension uses an encoding that RFC 9669 leaves undefined, so base instructions and
// extensions mix in one ROM and `decodeProgram(bytes, { baseOnly: true })` rejects the extensions.

import { ALU3_FLAG } from './decode.js';
import type { Alu3Insn, ExitImmInsn, JlenInsn, Ldx6Insn, Operand, Reg, Stx6Insn } from './insn.js';
import { ALU_OPS, ExtOpcode, NUM_REGS, OPCODES } from './opcodes.js';
import type { Width } from './opcodes.js';

/**
 * Parametrized exit: `r0 = action; exit`, detected at fetch (early exit).
 * opcode 0x96 = JMP32 | EXIT | K; RFC 9669 defines EXIT only in the JMP class.
 * msb [ action:32 | off:16 = 0 | src:4 = 0 | dst:4 = 0 | 0x96:8 ] lsb
 */
export const EXIT_IMM_OPCODE = ExtOpcode.EXIT_IMM;

/**
 * 6-byte load: `dst = *(u48 *)(src + off)`, zero-extended (a MAC address in one access).
 * opcode 0xe1 = LDX | mode 0xe0 | size W; mode 0xe0 is undefined in RFC 9669.
 * msb [ imm:32 = 0 | off:16 | src:4 | dst:4 | 0xe1:8 ] lsb
 */
export const LDX6_OPCODE = ExtOpcode.LDX6;

/**
 * 6-byte store: `*(u48 *)(dst + off) = src` (the low 6 bytes of src).
 * opcode 0xe3 = STX | mode 0xe0 | size W.
 * msb [ imm:32 = 0 | off:16 | src:4 | dst:4 | 0xe3:8 ] lsb
 */
export const STX6_OPCODE = ExtOpcode.STX6;

/**
 * Packet-length compare-and-branch: `if len < N goto +off`, len = data_end - data now (after any
 * adjust_head/tail). opcode 0xe5 = JMP | op 0xe0 | K; op 0xe0 is undefined in RFC 9669.
 * msb [ len:32 | off:16 | src:4 = 0 | dst:4 = 0 | 0xe5:8 ] lsb
 */
export const JLEN_OPCODE = ExtOpcode.JLEN;

/**
 * 3-operand ALU: `dst = a op b`, any ALU or ALU64 opcode but neg, mov and end, marked by bit 15
 * of off (RFC 9669 allows only off 0, 1, 8, 16, 32 in ALU instructions). `a` is the src field.
 * Immediate form (K):  msb [ b:32     | 1:1 | 0:3 | 0:4 | variant:8 | a:4 | dst:4 | op:4 | 0:1 | cls:3 ] lsb
 * Register form (X):   msb [ 0:32     | 1:1 | 0:3 | b:4 | variant:8 | a:4 | dst:4 | op:4 | 1:1 | cls:3 ] lsb
 * variant = 1 selects the signed form of div and mod (sdiv, smod), as off = 1 does in RFC 9669.
 */
export const ALU3_OFF_FLAG = ALU3_FLAG;

/** An ALU operation with a 3-operand form. */
export type Alu3Op = Alu3Insn['op'];

/** The ALU operations that have a 3-operand form: all but neg, mov and movsx. */
export const ALU3_OPS: readonly Alu3Op[] = ALU_OPS.filter((o): o is Alu3Op => o !== 'neg' && o !== 'mov' && o !== 'movsx');

/** One extension, as data: what docs and the emitter can list. */
export interface ExtensionInfo {
  readonly kind: 'exit-imm' | 'ldx6' | 'stx6' | 'alu3' | 'jlen';
  /** the opcode bytes it uses (alu3: every ALU and ALU64 opcode that has a 3-operand form) */
  readonly opcodes: readonly number[];
  readonly layout: string;
}

/**
 * The extensions as data, each layout drawn msb to lsb as `name:bits` fields that add up to 64; a
 * field named by a number is a constant (tests read these layouts against the encoder).
 */
export const EXTENSIONS: readonly ExtensionInfo[] = [
  { kind: 'exit-imm', opcodes: [EXIT_IMM_OPCODE], layout: 'msb [ action:32 | 0:16 | 0:4 | 0:4 | 0x96:8 ] lsb' },
  { kind: 'ldx6', opcodes: [LDX6_OPCODE], layout: 'msb [ 0:32 | off:16 | src:4 | dst:4 | 0xe1:8 ] lsb' },
  { kind: 'stx6', opcodes: [STX6_OPCODE], layout: 'msb [ 0:32 | off:16 | src:4 | dst:4 | 0xe3:8 ] lsb' },
  { kind: 'jlen', opcodes: [JLEN_OPCODE], layout: 'msb [ len:32 | off:16 | 0:4 | 0:4 | 0xe5:8 ] lsb' },
  {
    kind: 'alu3',
    opcodes: OPCODES.filter((r) => r?.kind === 'alu' && r.alu !== 'neg' && r.alu !== 'mov').map((r) => r!.opcode),
    layout: 'msb [ bimm:32 | 1:1 | 0:3 | breg:4 | variant:8 | a:4 | dst:4 | op:4 | x:1 | cls:3 ] lsb',
  },
];

function checkReg(what: string, r: Reg): void {
  if (!Number.isInteger(r) || r < 0 || r >= NUM_REGS) throw new RangeError(`${what}: r${r} is not a register (r0-r10)`);
}

/** imm (32 bits) takes -2^31 to 2^32 - 1; off (16 bits) is signed: -32768 to 32767. */
function checkInt(what: string, v: number, bits: 16 | 32): void {
  const hi = bits === 32 ? 2 ** 32 - 1 : 2 ** 15 - 1;
  if (!Number.isInteger(v) || v < -(2 ** (bits - 1)) || v > hi) throw new RangeError(`${what}: ${v} does not fit in ${bits} bits`);
}

/** `exit action`: r0 = action, then exit (XDP_DROP = 1, XDP_PASS = 2, ...). */
export function exitImm(action: number): ExitImmInsn {
  checkInt('exit-imm action', action, 32);
  return { kind: 'exit-imm', action: action | 0 };
}

/** `dst = *(u48 *)(src + off)` */
export function ldx6(dst: Reg, src: Reg, off: number): Ldx6Insn {
  checkReg('ldx6 dst', dst);
  checkReg('ldx6 src', src);
  checkInt('ldx6 off', off, 16);
  return { kind: 'ldx6', dst, src, off: (off << 16) >> 16 };
}

/** `*(u48 *)(dst + off) = src` */
export function stx6(dst: Reg, src: Reg, off: number): Stx6Insn {
  checkReg('stx6 dst', dst);
  checkReg('stx6 src', src);
  checkInt('stx6 off', off, 16);
  return { kind: 'stx6', dst, src, off: (off << 16) >> 16 };
}

/** `if len < N goto +off` (off in slots past the next, as a jump's; the IR's lower sets it). */
export function jlen(len: number, off = 0): JlenInsn {
  if (!Number.isInteger(len) || len < 0 || len > 0x7fffffff) throw new RangeError(`jlen length: ${len} is not 0 to 2^31 - 1`);
  checkInt('jlen off', off, 16);
  return { kind: 'jlen', len, off: (off << 16) >> 16 };
}

/** `dst = a op b`: b is a register ({ type: 'reg' }) or a 32-bit immediate ({ type: 'imm' }). */
export function alu3(op: Alu3Op, width: Width, dst: Reg, a: Reg, b: Operand): Alu3Insn {
  if (!ALU3_OPS.includes(op)) throw new RangeError(`alu3: ${op as string} has no 3-operand form`);
  if (width !== 32 && width !== 64) throw new RangeError(`alu3: width ${width as number} is not 32 or 64`);
  checkReg('alu3 dst', dst);
  checkReg('alu3 a', a);
  if (b.type === 'reg') {
    checkReg('alu3 b', b.reg);
    return { kind: 'alu3', op, width, dst, a, b: { type: 'reg', reg: b.reg } };
  }
  checkInt('alu3 b', b.value, 32);
  return { kind: 'alu3', op, width, dst, a, b: { type: 'imm', value: b.value | 0 } };
}

/** Operand helpers for alu3 (and any Insn with an Operand). */
export const reg = (r: Reg): Operand => ({ type: 'reg', reg: r });
export const imm = (value: number): Operand => ({ type: 'imm', value });

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALU3_OFF_FLAG, ALU3_OPS, ALU_CODE_OF, Cls, EXTENSIONS, IsaError, JmpCode, ModeCode, OPCODES, alu3, decodeProgram, decodeSlot,
  encodeInsn, encodeProgram, exitImm, imm, isExtension, jlen, ldx6, readSlot, reg, stx6,
} from '../../isa/index.js';
import type { ExtInsn, Insn } from '../../isa/index.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';

/** A sample of every extension: each alu3 operation in both widths and both forms, edge values. */
const samples: ExtInsn[] = [
  ...[0, 1, 2, 3, 4, -1, 0x7fffffff, -0x80000000].map(exitImm),
  ...[[0, 0], [14, 5], [60, -3], [0x7fffffff, 32767], [34, -32768]].map(([n, o]) => jlen(n, o)),
  ...[[0, 1, 0], [1, 2, 6], [9, 10, -8], [10, 0, 32767], [5, 5, -32768]].flatMap(([d, s, o]) => [ldx6(d, s, o), stx6(d, s, o)]),
  ...ALU3_OPS.flatMap((op) => ([32, 64] as const).flatMap((w) => [
    alu3(op, w, 1, 2, imm(14)), alu3(op, w, 0, 10, imm(-1)), alu3(op, w, 9, 0, reg(10)), alu3(op, w, 3, 3, reg(0)),
  ])),
];

const word = (insn: Insn) => {
  const bytes = encodeProgram([insn]);
  return new DataView(bytes.buffer).getBigUint64(0, true);
};

/** The fields of a drawn layout, msb first: [name, bits]. */
const fields = (layout: string) =>
  /^msb \[ (.*) \] lsb$/.exec(layout)![1].split(' | ').map((f) => {
    const [name, bits] = f.split(':');
    return [name, Number(bits)] as const;
  });

/** The value each named field must have for a sample, from the Insn's own fields. */
function expected(insn: ExtInsn): Record<string, number> {
  switch (insn.kind) {
    case 'exit-imm': return { action: insn.action >>> 0 };
    case 'jlen': return { len: insn.len, off: insn.off & 0xffff };
    case 'ldx6': case 'stx6': return { off: insn.off & 0xffff, src: insn.src, dst: insn.dst };
    case 'alu3': {
      const x = insn.b.type === 'reg';
      return {
        bimm: insn.b.type === 'imm' ? insn.b.value >>> 0 : 0, breg: insn.b.type === 'reg' ? insn.b.reg : 0,
        variant: insn.op === 'sdiv' || insn.op === 'smod' ? 1 : 0, a: insn.a, dst: insn.dst, op: ALU_CODE_OF[insn.op] >> 4,
        x: x ? 1 : 0, cls: insn.width === 64 ? Cls.ALU64 : Cls.ALU,
      };
    }
  }
}

describe('syllables: the core\'s extensions', () => {
  it('round-trip through encode and decode', () => {
    for (const insn of samples) {
      const bytes = encodeProgram([insn]);
      const back = decodeProgram(bytes).insns;
      expect(back, JSON.stringify(insn)).toEqual([insn]);
      expect(Buffer.from(encodeProgram(back)).equals(Buffer.from(bytes))).toBe(true);
      expect(isExtension(back[0])).toBe(true);
    }
  });

  it('each drawn layout is 64 bits and is what the encoder writes', () => {
    expect(EXTENSIONS.map((e) => e.kind).sort()).toEqual(['alu3', 'exit-imm', 'jlen', 'ldx6', 'stx6']);
    for (const insn of samples) {
      const ext = EXTENSIONS.find((e) => e.kind === insn.kind)!;
      const fs = fields(ext.layout);
      expect(fs.reduce((n, [, bits]) => n + bits, 0)).toBe(64);
      const w = word(insn);
      const want = expected(insn);
      let shift = 64;
      for (const [name, bits] of fs) {
        shift -= bits;
        const got = Number((w >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n));
        const value = /^(0x[0-9a-f]+|\d+)$/.test(name) ? Number(name) : want[name];
        expect(got, `${ext.kind} field ${name} of ${JSON.stringify(insn)}`).toBe(value);
      }
      expect(ext.opcodes).toContain(Number(w & 0xffn));
    }
  });

  it('are rejected, as extensions, when a caller asks for the base ISA only', () => {
    for (const insn of samples) {
      const bytes = encodeProgram([insn, { kind: 'exit' }]);
      expect(() => decodeProgram(bytes, { baseOnly: true }), JSON.stringify(insn)).toThrow(IsaError);
      expect(() => decodeProgram(bytes, { baseOnly: true })).toThrow(/instruction 0: .*extension syllable of the xdp2hw core/);
      expect(() => decodeSlot(encodeInsn(insn)[0], 3, undefined, { baseOnly: true })).toThrow(/instruction 3:/);
      expect(decodeProgram(bytes).insns[0]).toEqual(insn);
    }
  });

  it('base-only decoding accepts every conformance program (no RFC 9669 encoding is taken)', () => {
    const lines = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8').split('\n').filter(Boolean);
    for (const l of lines) {
      const bytes = Buffer.from((JSON.parse(l) as { bytecode: string }).bytecode, 'hex');
      expect(decodeProgram(bytes, { baseOnly: true }).insns).toEqual(decodeProgram(bytes).insns);
    }
  });

  it('use encodings RFC 9669 leaves undefined', () => {
    const rows = OPCODES.filter((r) => r?.extension);
    expect(rows.map((r) => r!.kind).sort()).toEqual(['exit-imm', 'jlen', 'ldx6', 'stx6']);
    // RFC 9669 §4.3: jump codes 0xe0 and 0xf0 are undefined
    expect(readSlot(encodeProgram([jlen(14, 0)]), 0).opcode & 0xf0).toBe(0xe0);
    // RFC 9669 §4.3: EXIT is defined in the JMP class only
    const exit = exitImm(0);
    const op = readSlot(encodeProgram([exit]), 0).opcode;
    expect(op & 0x07).toBe(Cls.JMP32);
    expect(op & 0xf0).toBe(JmpCode.EXIT);
    // RFC 9669 §5: the modes are IMM, ABS, IND, MEM, MEMSX, ATOMIC; 0xe0 is none of them
    for (const insn of [ldx6(1, 2, 0), stx6(1, 2, 0)]) {
      const mode = readSlot(encodeProgram([insn]), 0).opcode & 0xe0;
      expect(Object.values(ModeCode)).not.toContain(mode);
    }
    // RFC 9669 §4.1: an ALU instruction's offset is 0, or 1 (sdiv/smod), or 8/16/32 (movsx)
    expect([0, 1, 8, 16, 32].some((o) => (o & ALU3_OFF_FLAG) !== 0)).toBe(false);
    for (const insn of samples.filter((s) => s.kind === 'alu3')) {
      const off = readSlot(encodeProgram([insn]), 0).off & 0xffff;
      expect(off & ALU3_OFF_FLAG).toBe(ALU3_OFF_FLAG);
    }
  });

  it('constructors refuse values that do not fit', () => {
    expect(() => exitImm(2 ** 32)).toThrow(RangeError);
    expect(() => exitImm(1.5)).toThrow(RangeError);
    expect(() => jlen(-1)).toThrow(RangeError);
    expect(() => jlen(14, 40000)).toThrow(/16 bits/);
    expect(() => ldx6(11, 1, 0)).toThrow(/r11/);
    expect(() => stx6(1, 1, 40000)).toThrow(/16 bits/);
    expect(() => alu3('mov' as never, 64, 1, 2, imm(1))).toThrow(/no 3-operand form/);
    expect(() => alu3('add', 16 as never, 1, 2, imm(1))).toThrow(/width/);
    expect(() => alu3('add', 64, 1, 2, reg(12))).toThrow(/r12/);
    expect(ALU3_OPS).not.toContain('neg');
    expect(ALU3_OPS).toContain('smod');
  });
});

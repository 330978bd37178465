import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AsmError, alu3, assemble, decodeProgram, encodeProgram, exitImm, imm, ldx6, parseDataFile, reg, resolveMnemonic, stx6,
  ROWS_BY_MNEMONIC, OPCODES,
} from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';

interface Assembled { file: string; bytecode: string }

const cases: Assembled[] = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l) as Assembled);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const asm = (...lines: string[]) => assemble(lines.join('\n'));
const one = (line: string): Insn => {
  const insns = assemble(line);
  expect(insns).toHaveLength(1);
  return insns[0];
};

describe('assemble: every conformance program is byte-equal to the suite\'s assembler', () => {
  it('has all 313 programs', () => expect(cases.length).toBe(313));
  for (const c of cases) {
    it(c.file, () => {
      const d = parseDataFile(readFileSync(`${CONFORMANCE_DIR}/${c.file}`, 'utf8'));
      expect(d.asm).toBeDefined();
      expect(hex(encodeProgram(assemble(d.asm!)))).toBe(c.bytecode);
      if (d.raw) expect(hex(d.raw)).toBe(c.bytecode);
    });
  }
});

describe('assemble: the mnemonic index is built from the opcode table', () => {
  it('every row of OPCODES is reachable by its mnemonic', () => {
    for (const row of OPCODES) if (row) expect(ROWS_BY_MNEMONIC.get(row.mnemonic)).toContain(row);
  });
  it('variant spellings resolve to table rows', () => {
    expect(resolveMnemonic('sdiv32')?.rows.every((r) => r.alu === 'div' && r.width === 32)).toBe(true);
    expect(resolveMnemonic('movsx1664')).toMatchObject({ alu: 'movsx', extBits: 16 });
    expect(resolveMnemonic('movsx1664')?.rows.every((r) => r.alu === 'mov' && r.x && r.width === 64)).toBe(true);
    expect(resolveMnemonic('swap32')).toEqual(resolveMnemonic('bswap32'));
    expect(resolveMnemonic('le')).toBeUndefined();
    expect(resolveMnemonic('le8')).toBeUndefined();
  });
});

describe('assemble: syntax', () => {
  it('immediates: decimal, hex, negative, and 32-bit values above 2^31', () => {
    expect(one('mov32 %r0, 0xffffffff')).toEqual({ kind: 'alu', op: 'mov', width: 32, dst: 0, src: { type: 'imm', value: -1 } });
    expect(one('add %r3, -0x10')).toMatchObject({ op: 'add', width: 64, dst: 3, src: { type: 'imm', value: -16 } });
    expect(one('lddw %r1, -2')).toEqual({ kind: 'lddw', dst: 1, pseudo: 0, lo: 0xfffffffe, hi: 0xffffffff });
    expect(one('lddw %r1, 0x1122334455667788')).toMatchObject({ lo: 0x55667788, hi: 0x11223344 });
  });
  it('memory operands with and without offsets', () => {
    expect(one('ldxh %r0, [%r1]')).toEqual({ kind: 'ldx', size: 2, signed: false, dst: 0, src: 1, off: 0 });
    expect(one('ldxsb %r0, [%r10-1]')).toEqual({ kind: 'ldx', size: 1, signed: true, dst: 0, src: 10, off: -1 });
    expect(one('stxdw [%r10 - 8], %r3')).toEqual({ kind: 'stx', size: 8, dst: 10, src: 3, off: -8 });
    expect(one('stb [%r1+0x10], 0x80')).toEqual({ kind: 'st', size: 1, dst: 1, off: 16, imm: 128 });
  });
  it('labels (alone or before an instruction), numeric offsets, and `exit` as the first exit', () => {
    const p = asm('jeq %r1, 0, exit', 'ja +1', 'L1: mov %r0, 1', 'exit', 'ja L1', 'exit');
    expect(p[0]).toMatchObject({ kind: 'jmp', off: 2 });
    expect(p[1]).toEqual({ kind: 'ja', off: 1, wide: false });
    expect(p[4]).toEqual({ kind: 'ja', off: -3, wide: false });
    // an explicit `exit:` label wins over the first exit
    expect(asm('ja exit', 'exit', 'exit: exit')[0]).toEqual({ kind: 'ja', off: 1, wide: false });
    // lddw takes two slots
    expect(asm('ja32 L', 'lddw %r0, 1', 'L: exit')[0]).toEqual({ kind: 'ja', off: 2, wide: true });
  });
  it('calls: helper, local, kfunc, through a register', () => {
    const p = asm('call 5', 'call local f', 'call kfunc 9', 'call %r2', 'callx %r3', 'exit', 'f: exit');
    expect(p).toEqual([
      { kind: 'call', target: 'helper', id: 5 }, { kind: 'call-local', off: 4 }, { kind: 'call', target: 'kfunc', id: 9 },
      { kind: 'callx', reg: 2 }, { kind: 'callx', reg: 3 }, { kind: 'exit' }, { kind: 'exit' },
    ]);
  });
  it('atomics', () => {
    expect(one('lock add32 [%r10-8], %r1')).toEqual({ kind: 'atomic', op: 'add', fetch: false, size: 4, dst: 10, src: 1, off: -8 });
    expect(one('lock fetch xor [%r1+0], %r2')).toEqual({ kind: 'atomic', op: 'xor', fetch: true, size: 8, dst: 1, src: 2, off: 0 });
    expect(one('lock cmpxchg32 [%r1], %r2')).toMatchObject({ op: 'cmpxchg', fetch: true, size: 4 });
  });
  it('byte swaps, neg, signed division, movsx, legacy packet loads', () => {
    expect(asm('le16 %r1', 'be64 %r2', 'swap16 %r3', 'bswap32 %r4')).toEqual([
      { kind: 'end', order: 'le', bits: 16, dst: 1 }, { kind: 'end', order: 'be', bits: 64, dst: 2 },
      { kind: 'end', order: 'bswap', bits: 16, dst: 3 }, { kind: 'end', order: 'bswap', bits: 32, dst: 4 },
    ]);
    expect(one('neg32 %r5')).toEqual({ kind: 'alu', op: 'neg', width: 32, dst: 5, src: { type: 'imm', value: 0 } });
    expect(one('smod %r1, -3')).toMatchObject({ op: 'smod', width: 64, src: { type: 'imm', value: -3 } });
    expect(one('movsx832 %r1, %r2')).toEqual({ kind: 'alu', op: 'movsx', width: 32, dst: 1, src: { type: 'reg', reg: 2 }, extBits: 8 });
    expect(asm('ldabsh 12', 'ldindw %r2, -4')).toEqual([{ kind: 'ld-abs', size: 2, imm: 12 }, { kind: 'ld-ind', size: 4, src: 2, imm: -4 }]);
  });
  it('the core\'s extensions: exit N, ldx6, stx6, 3-operand ALU', () => {
    expect(asm('ldx6 %r1, [%r2+6]', 'stx6 [%r10-8], %r1', 'add %r1, %r2, 14', 'sdiv32 %r3, %r4, %r5', 'exit 2')).toEqual([
      ldx6(1, 2, 6), stx6(10, 1, -8), alu3('add', 64, 1, 2, imm(14)), alu3('sdiv', 32, 3, 4, reg(5)), exitImm(2),
    ]);
    const bytes = encodeProgram(asm('rsh32 %r0, %r1, 3', 'exit 1'));
    expect(decodeProgram(bytes).insns).toEqual([alu3('rsh', 32, 0, 1, imm(3)), exitImm(1)]);
  });
});

describe('assemble: errors are AsmError with the line', () => {
  const fails = (src: string, line: number, why: RegExp) => {
    let err: unknown;
    try {
      assemble(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AsmError);
    const e = err as AsmError;
    expect(e.line).toBe(line);
    expect(e.message).toBe(`line ${line}: ${e.why}`);
    expect(e.why).toMatch(why);
  };
  it('unknown instruction', () => fails('# c\n\nfrob %r1', 3, /unknown instruction 'frob'/));
  it('bad register', () => fails('mov %r11, 1', 1, /%r11/));
  it('register where an immediate is needed and vice versa', () => {
    fails('ldabsw %r1', 1, /expected a number/);
    fails('neg %r1, 2', 1, /expected 1 operand/);
    fails('ldxw %r0, %r1', 1, /memory reference/);
    fails('stxw [%r1], 5', 1, /register/);
  });
  it('immediate and offset ranges', () => {
    fails('mov %r0, 0x100000000', 1, /32 bits/);
    fails('mov %r0, -2147483649', 1, /32 bits/);
    fails('lddw %r0, 0x10000000000000000', 1, /64 bits/);
    fails('ldxw %r0, [%r1+32768]', 1, /16 bits/);
    fails('exit\nja +32768', 2, /16 bits/);
  });
  it('labels', () => {
    fails('ja nowhere\nexit', 1, /undefined label 'nowhere'/);
    fails('a: exit\na: exit', 2, /defined twice/);
    fails('9x: exit', 1, /not a valid label/);
  });
  it('encodings the strict decoder rejects', () => {
    fails('movsx3232 %r1, %r2', 1, /movsx/);
    fails('mov %r1, %r2, 3', 1, /3-operand/);
    fails('lock fetch xchg [%r1], %r2', 1, /always fetches/);
    fails('lock nand [%r1], %r2', 1, /unknown atomic/);
    fails('exit 1, 2', 1, /operand/);
  });
});

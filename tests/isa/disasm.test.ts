import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, decodeProgram, disassemble, disassembleInsn, encodeProgram, hexBytes } from '../../isa/index.js';
import type { Insn, InsnKind } from '../../isa/index.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';

const text = (line: string, opts = {}) => disassembleInsn(assemble(line)[0], 0, opts);

describe('disassembleInsn: the syntax chosen where LLVM 14 prints nothing (LLVM 17+ syntax)', () => {
  const cases: [string, string][] = [
    ['sdiv %r1, %r2', 'r1 s/= r2'], ['smod32 %r1, -3', 'w1 s%= -3'], ['mod %r0, %r1', 'r0 %= r1'],
    ['movsx864 %r1, %r2', 'r1 = (s8)r2'], ['movsx1632 %r1, %r2', 'w1 = (s16)w2'], ['movsx3264 %r3, %r4', 'r3 = (s32)r4'],
    ['ldxsh %r0, [%r1+2]', 'r0 = *(s16 *)(r1 + 2)'], ['ldxsw %r0, [%r10-4]', 'r0 = *(s32 *)(r10 - 4)'],
    ['bswap16 %r0', 'r0 = bswap16 r0'], ['swap64 %r3', 'r3 = bswap64 r3'],
    ['ja32 +5', 'gotol +5'], ['ja32 -70000', 'gotol -70000'], ['call %r2', 'callx r2'],
    ['jset %r1, %r2, +3', 'if r1 & r2 goto +3'], ['jset32 %r1, 0x80, -1', 'if w1 & 128 goto -1'],
    ['stw [%r10-4], -3', '*(u32 *)(r10 - 4) = -3'], ['stb [%r1+0], 0xff', '*(u8 *)(r1 + 0) = 255'],
    ['lock fetch and32 [%r1+4], %r2', 'w2 = atomic_fetch_and((u32 *)(r1 + 4), w2)'],
    ['lock xchg32 [%r1+4], %r2', 'w2 = xchg32_32(r1 + 4, w2)'], ['lock cmpxchg32 [%r1-4], %r2', 'w0 = cmpxchg32_32(r1 - 4, w0, w2)'],
    ['lock or32 [%r1+0], %r2', 'lock *(u32 *)(r1 + 0) |= r2'], ['ldindw %r2, 6', 'r0 = *(u32 *)skb[r2 + 6]'],
  ];
  for (const [src, want] of cases) it(`${src} → ${want}`, () => expect(text(src)).toBe(want));
  it('lddw with a pseudo source and a second imm', () => {
    expect(disassembleInsn({ kind: 'lddw', dst: 1, pseudo: 2, lo: 3, hi: 16 }, 0)).toBe('ld_pseudo\tr1, 2, 3, 16');
  });
});

describe('disassembleInsn: the core\'s extensions', () => {
  const cases: [string, string][] = [
    ['exit 2', 'exit 2'], ['ldx6 %r1, [%r2+6]', 'r1 = *(u48 *)(r2 + 6)'], ['stx6 [%r10-8], %r3', '*(u48 *)(r10 - 8) = r3'],
    ['add %r1, %r2, 14', 'r1 = r2 + 14'], ['sub32 %r1, %r2, %r3', 'w1 = w2 - w3'], ['arsh %r0, %r0, 3', 'r0 = r0 s>> 3'],
    ['smod32 %r4, %r5, -7', 'w4 = w5 s% -7'],
  ];
  for (const [src, want] of cases) it(`${src} → ${want}`, () => expect(text(src)).toBe(want));
});

describe('disassembleInsn: alu32 listing, labels', () => {
  it('alu32 puts w registers on narrow loads, stores and atomics only', () => {
    expect(text('ldxw %r1, [%r2+0]', { alu32: true })).toBe('w1 = *(u32 *)(r2 + 0)');
    expect(text('ldxdw %r1, [%r2+0]', { alu32: true })).toBe('r1 = *(u64 *)(r2 + 0)');
    expect(text('stxb [%r2+1], %r3', { alu32: true })).toBe('*(u8 *)(r2 + 1) = w3');
    expect(text('lock add32 [%r2+0], %r3', { alu32: true })).toBe('lock *(u32 *)(r2 + 0) += w3');
    expect(text('stxb [%r2+1], %r3')).toBe('*(u8 *)(r2 + 1) = r3');
  });
  it('a jump names the symbol at its target, or the nearest one before it with a byte offset', () => {
    const symbols = new Map([[0, 'prog'], [4, 'LBB0_2']]);
    const jmp = (off: number, pc: number) => disassembleInsn({ kind: 'ja', off, wide: false }, pc, { symbols });
    expect(jmp(2, 1)).toBe('goto +2 <LBB0_2>');
    expect(jmp(3, 1)).toBe('goto +3 <LBB0_2+0x8>');
    expect(jmp(-2, 3)).toBe('goto -2 <prog+0x10>');
    expect(jmp(0, 5)).toBe('goto +0 <LBB0_2+0x10>');
    expect(disassembleInsn({ kind: 'ja', off: 0, wide: false }, 5)).toBe('goto +0');
  });
});

describe('disassemble: llvm-objdump line layout', () => {
  it('pc, hex bytes (16 for lddw), text; a header before each symbol', () => {
    const p = decodeProgram(encodeProgram(assemble('mov %r1, 0\nlddw %r0, -1\njeq %r1, 0, +0\nexit')));
    expect(disassemble(p, { symbols: new Map([[0, 'f'], [4, 'LBB0_1']]) })).toEqual([
      '', '0000000000000000 <f>:',
      '       0:\tb7 01 00 00 00 00 00 00\tr1 = 0',
      '       1:\t18 00 00 00 ff ff ff ff 00 00 00 00 ff ff ff ff\tr0 = -1 ll',
      '       3:\t15 01 00 00 00 00 00 00\tif r1 == 0 goto +0 <LBB0_1>',
      '', '0000000000000020 <LBB0_1>:',
      '       4:\t95 00 00 00 00 00 00 00\texit',
    ]);
    expect(hexBytes({ kind: 'exit' })).toBe('95 00 00 00 00 00 00 00');
  });
});

describe('disassemble: conformance programs', () => {
  const programs = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8').split('\n').filter(Boolean)
    .map((l) => decodeProgram(Buffer.from((JSON.parse(l) as { bytecode: string }).bytecode, 'hex')));
  // what the suite lacks: the core's extensions, legacy packet loads, st, kfunc calls
  const extras = decodeProgram(encodeProgram(assemble(
    ['jlen 34, +0', 'exit 1', 'ldx6 %r1, [%r2+6]', 'stx6 [%r1+0], %r2', 'xor %r1, %r2, %r3', 'ldabsb 3', 'ldindh %r1, 2', 'stdw [%r10-8], 1', 'call kfunc 3', 'exit'].join('\n'),
  )));

  it('never throws, and every line has pc, bytes and text', () => {
    let n = 0;
    for (const p of [...programs, extras]) {
      for (const line of disassemble(p)) {
        expect(line).toMatch(/^ {0,7}\d+:\t[0-9a-f]{2}( [0-9a-f]{2}){7}(( [0-9a-f]{2}){8})?\t\S/);
        n++;
      }
    }
    expect(n).toBeGreaterThan(2500);
  });

  it('covers every instruction kind', () => {
    // a Record over InsnKind: adding a kind to the union breaks this line until it is listed
    const seen: Record<InsnKind, number> = {
      alu: 0, end: 0, jmp: 0, ja: 0, call: 0, 'call-local': 0, callx: 0, exit: 0, lddw: 0, ldx: 0, st: 0, stx: 0, atomic: 0,
      'ld-abs': 0, 'ld-ind': 0, 'exit-imm': 0, ldx6: 0, stx6: 0, alu3: 0, jlen: 0,
    };
    const all: Insn[] = [...programs, extras].flatMap((p) => p.insns);
    all.forEach((insn, i) => {
      expect(disassembleInsn(insn, i).length).toBeGreaterThan(0);
      seen[insn.kind]++;
    });
    expect(Object.entries(seen).filter(([, n]) => n === 0).map(([k]) => k)).toEqual([]);
  });
});

// Our disassembly against the real llvm-objdump (LLVM 14): XDP programs compiled by clang at test
// time, and every conformance instruction put into an object by llvm-mc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProgram, encodeProgram, exitImm, ldx6, stx6, alu3, reg, imm, assemble } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { CONFORMANCE_DIR, ROOT } from '../helpers/paths.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { compareSections } from './llvm14.js';
import type { Comparison } from './llvm14.js';
import { objdump } from './objdump.js';
import type { ObjdumpSection } from './objdump.js';

const FIXTURES = join(ROOT, 'tests/isa/fixtures');
const sources = readdirSync(FIXTURES).filter((f) => f.endsWith('.c')).sort();

const report = (name: string, c: Comparison) => {
  const skipped = [...c.skipped].map(([why, n]) => `${n} × ${why}`).join('; ');
  console.log(`${name}: ${c.equal} lines equal to llvm-objdump${skipped ? `; skipped ${skipped}` : ''}`);
};

describe.skipIf(needs(toolMissing('clang'), toolMissing('llvm-objdump')))('disassemble = llvm-objdump -d on clang -mcpu=v3 XDP programs', () => {
  const listings = new Map<string, { plain: ObjdumpSection[]; alu32: ObjdumpSection[] }>();
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xdp2hw-disasm-'));
    for (const src of sources) {
      const obj = join(dir, basename(src, '.c') + '.o');
      execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(FIXTURES, src), '-o', obj]);
      listings.set(src, { plain: objdump(obj), alu32: objdump(obj, true) });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has fixtures', () => expect(sources.length).toBeGreaterThanOrEqual(5));
  for (const src of sources) {
    for (const alu32 of [false, true]) {
      it(`${src}${alu32 ? ' (--mattr=+alu32)' : ''}`, () => {
        const sections = listings.get(src)![alu32 ? 'alu32' : 'plain'];
        expect(sections.length).toBeGreaterThan(0);
        const c = compareSections(sections, alu32);
        report(`${src}${alu32 ? ' alu32' : ''}`, c);
        expect(c.failures).toEqual([]);
        expect(c.equal).toBeGreaterThan(0);
      });
    }
  }

  it('the fixtures cover ALU32/64, every jump kind, every access size, atomics, byte swaps, maps and both calls', () => {
    const insns: Insn[] = [];
    for (const { plain } of listings.values()) for (const s of plain) insns.push(...decodeProgram(s.bytes).insns);
    const seen = new Set<string>();
    for (const i of insns) {
      seen.add(i.kind);
      if (i.kind === 'alu') seen.add(`alu${i.width}-${i.src.type}`);
      if (i.kind === 'jmp') seen.add(`jmp${i.width}-${i.src.type}`).add(`cond-${i.cond}`);
      if (i.kind === 'ldx' || i.kind === 'stx') seen.add(`${i.kind}${i.size}`);
      if (i.kind === 'atomic') seen.add(`atomic${i.size}-${i.op}${i.fetch ? '-fetch' : ''}`);
      if (i.kind === 'end') seen.add(`${i.order}${i.bits}`);
    }
    const want = [
      'alu32-reg', 'alu32-imm', 'alu64-reg', 'alu64-imm', 'jmp64-reg', 'jmp64-imm', 'jmp32-reg', 'jmp32-imm', 'ja', 'call',
      'call-local', 'exit', 'lddw', ...[1, 2, 4, 8].flatMap((n) => [`ldx${n}`, `stx${n}`]),
      ...['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle'].map((c) => `cond-${c}`),
      ...[4, 8].flatMap((n) => ['add', 'or', 'and', 'xor'].flatMap((op) => [`atomic${n}-${op}`, `atomic${n}-${op}-fetch`])),
      'atomic4-xchg-fetch', 'atomic8-xchg-fetch', 'atomic4-cmpxchg-fetch', 'atomic8-cmpxchg-fetch', 'be16', 'be32', 'be64',
    ];
    expect(want.filter((k) => !seen.has(k))).toEqual([]);
  });
});

/** Instructions the conformance suite lacks: extensions, legacy loads, st, kfunc, pseudo lddw. */
function extras(): Insn[] {
  return [
    ...assemble(['stw [%r10-4], -3', 'stdw [%r1+8], 0x7fffffff', 'ldabsh 12', 'ldindw %r2, 0', 'ldindb %r3, -2', 'call kfunc 7', 'le64 %r3', 'jset %r1, %r2, +0', 'jset32 %r1, 4, +0', 'exit'].join('\n')),
    { kind: 'lddw', dst: 1, pseudo: 1, lo: 5, hi: 0 },
    { kind: 'lddw', dst: 2, pseudo: 2, lo: 5, hi: 16 },
    exitImm(2), ldx6(1, 2, 6), stx6(10, 1, -8), alu3('add', 64, 1, 2, imm(14)), alu3('sdiv', 32, 3, 4, reg(5)),
  ];
}

describe.skipIf(needs(toolMissing('llvm-mc'), toolMissing('llvm-objdump')))('disassemble = llvm-objdump -d on every conformance instruction (object built by llvm-mc)', () => {
  const programs = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8').split('\n').filter(Boolean)
    .map((l) => Buffer.from((JSON.parse(l) as { bytecode: string }).bytecode, 'hex'));
  const bytes = Buffer.concat([...programs, Buffer.from(encodeProgram(extras()))]);
  let dir = '';
  let obj = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xdp2hw-disasm-mc-'));
    const lines = ['.text'];
    for (let i = 0; i < bytes.length; i += 8) lines.push('.byte ' + [...bytes.subarray(i, i + 8)].map((b) => `0x${b.toString(16)}`).join(', '));
    writeFileSync(join(dir, 'all.s'), lines.join('\n') + '\n');
    obj = join(dir, 'all.o');
    execFileSync('llvm-mc', ['-triple=bpfel', '-filetype=obj', join(dir, 'all.s'), '-o', obj]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const alu32 of [false, true]) {
    it(`${programs.length} programs and the extras${alu32 ? ' (--mattr=+alu32)' : ''}`, () => {
      const sections = objdump(obj, alu32);
      expect(sections.map((s) => s.name)).toEqual(['.text']);
      expect(Buffer.from(sections[0].bytes).equals(bytes)).toBe(true);
      const c = compareSections(sections, alu32);
      report(`conformance${alu32 ? ' alu32' : ''}`, c);
      expect(c.failures).toEqual([]);
      expect(c.equal).toBeGreaterThan(2000);
    });
  }
});

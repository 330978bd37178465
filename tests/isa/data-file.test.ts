import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsmError, dataFileProgram, parseDataFile } from '../../isa/index.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';

interface Assembled { file: string; mem: string; result: string; error: string; bytecode: string }

const cases: Assembled[] = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l) as Assembled);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('parseDataFile', () => {
  it('reads every section of the format', () => {
    const d = parseDataFile([
      '# Copyright line', '-- asm', 'mov %r0, 1 # a comment', 'exit', '-- mem', '00 01 # two bytes', 'ff', '',
      '-- result', '0x10', '-- c', '#include <stdint.h>', 'int x;', '-- no register offset', 'call instruction',
    ].join('\n'));
    expect(d.asm).toBe('mov %r0, 1 # a comment\nexit');
    expect(d.asmLine).toBe(3);
    expect([...d.mem]).toEqual([0, 1, 0xff]);
    expect(d.result).toBe(16n);
    expect(d.raw).toBeUndefined();
    expect(d.error).toBeUndefined();
    expect(d.other).toEqual({ 'no register offset': 'call instruction' });
    expect(hex(dataFileProgram(d))).toBe('b7000000010000009500000000000000');
  });

  it('results: decimal without 0x, hex with it, negative as unsigned 64-bit', () => {
    expect(parseDataFile('-- result\n10').result).toBe(10n);
    expect(parseDataFile('-- result\n0x10').result).toBe(16n);
    expect(parseDataFile('-- result\n-1').result).toBe(0xffffffffffffffffn);
    expect(parseDataFile('-- asm\nexit').result).toBeUndefined();
  });

  it('raw overrides asm: one little-endian 64-bit word per token', () => {
    const d = parseDataFile('-- asm\nexit\n-- raw\n0x00000001000000b7\n0x0000000000000095\n-- error\nsomething failed\n');
    expect(hex(d.raw!)).toBe('b7000000010000009500000000000000');
    expect(hex(dataFileProgram(d))).toBe('b7000000010000009500000000000000');
    expect(d.error).toBe('something failed');
  });

  it('errors carry the line of the file', () => {
    expect(() => parseDataFile('mov %r0, 1\n-- asm')).toThrow(AsmError);
    expect(() => parseDataFile('-- mem\n0g')).toThrow(/mem: '0g'/);
    expect(() => parseDataFile('-- result\nten')).toThrow(/line 1: result/);
    const d = parseDataFile('# header\n-- asm\nmov %r0, 1\nfrob\n');
    expect(() => dataFileProgram(d)).toThrow('line 4: unknown instruction \'frob\'');
    expect(() => dataFileProgram(parseDataFile('-- result\n1'))).toThrow(/neither an asm nor a raw/);
  });
});

describe('parseDataFile on the 313 conformance tests agrees with assembled.jsonl', () => {
  it('has all 313 tests', () => expect(cases.length).toBe(313));
  for (const c of cases) {
    it(c.file, () => {
      const d = parseDataFile(readFileSync(`${CONFORMANCE_DIR}/${c.file}`, 'utf8'));
      expect(hex(d.mem)).toBe(c.mem);
      expect(d.result).toBe(c.result === '' ? undefined : BigInt(c.result));
      expect(d.error ?? '').toBe(c.error);
      expect(hex(dataFileProgram(d))).toBe(c.bytecode);
    });
  }
});

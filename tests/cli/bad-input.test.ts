// Bad input to `xdp2hw info` and `xdp2hw disasm`: one line on stderr naming the file (and the
// instruction where it applies), exit 1; usage errors exit 2; never a stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildElf, code, mapDef } from '../loader/elf-builder.js';
import { runCli } from './run.js';

let dir: string;
const file = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

/** An object with one program whose map load has relocation type `relocType`. */
const object = (relocType: number) =>
  buildElf(
    [{ name: 'xdp', data: code('b701000000000000', '1801000000000000', '0000000000000000', '8500000001000000', '9500000000000000') }, { name: 'maps', flags: 3, data: mapDef(1, 4, 8, 16) }],
    [{ name: 'prog', section: 0, size: 40 }, { name: 'm', section: 1, type: 1, size: 20 }],
    [{ section: 0, offset: 8, type: relocType, symbol: 1 }],
  );

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xdp2hw-bad-'));
});

/** Runs the command and checks the one-line contract; returns the line. */
function failsWith(args: string[], exit: number): string {
  const r = runCli(args);
  expect(r.status, r.stderr).toBe(exit);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  if (exit === 1) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  return r.stderr.split('\n')[0];
}

describe.each(['info', 'disasm'])('xdp2hw %s on bad input', (cmd) => {
  it('a missing file', () => {
    const p = join(dir, 'nope.o');
    expect(failsWith([cmd, p], 1)).toBe(`xdp2hw: ${p}: no such file`);
  });

  it('garbage bytes', () => {
    const p = file('garbage.bin', Uint8Array.from({ length: 333 }, (_, i) => (i * 37 + 11) & 0xff));
    expect(failsWith([cmd, p], 1)).toBe(`xdp2hw: ${p}: not an ELF object, an llvm-objdump listing or raw bytecode`);
  });

  it('an empty file', () => {
    const p = file('empty.o', new Uint8Array(0));
    expect(failsWith([cmd, p], 1)).toBe(`xdp2hw: ${p}: empty file`);
  });

  it('a truncated ELF object', () => {
    const whole = object(1);
    const p = file('truncated.o', whole.subarray(0, whole.length - 100));
    expect(failsWith([cmd, p], 1)).toMatch(new RegExp(`^xdp2hw: ${p}: truncated ELF: `));
  });

  it('raw bytecode with a truncated instruction', () => {
    const p = file('cut.bin', code('b700000002000000', '9500000000000000').subarray(0, 12));
    expect(failsWith([cmd, p], 1)).toBe(`xdp2hw: ${p}: instruction 1: truncated instruction: 4 byte(s) left over after 1 whole instruction(s)`);
  });

  it('an invalid opcode', () => {
    const p = file('invalid.bin', code('b700000002000000', 'b700000000000000', 'fe00000000000000', '9500000000000000'));
    expect(failsWith([cmd, p], 1)).toBe(`xdp2hw: ${p}: instruction 2: unknown opcode 0xfe`);
  });

  it('an unknown relocation type', () => {
    const p = file('reloc.o', object(77));
    expect(failsWith([cmd, p], 1)).toBe(`xdp2hw: ${p}: instruction 1: unknown relocation type 77 (unknown) against symbol 'm' (section xdp)`);
  });

  it('an unknown option is a usage error (exit 2)', () => {
    const p = file('ok.o', object(1));
    expect(failsWith([cmd, p, '--frobnicate'], 2)).toMatch(/^xdp2hw: Unknown argument: frobnicate/);
  });

  it('a missing file argument is a usage error (exit 2)', () => {
    expect(failsWith([cmd], 2)).toMatch(/^xdp2hw: Not enough non-option arguments/);
  });
});

describe('xdp2hw disasm --program', () => {
  it('a program that is not in the object', () => {
    const p = file('prog.o', object(1));
    expect(failsWith(['disasm', p, '--program', 'nope'], 1)).toBe(`xdp2hw: ${p}: no program named 'nope' (programs: prog)`);
  });

  it('a program that is: its function only', () => {
    const r = runCli(['disasm', file('prog2.o', object(1)), '--program', 'prog']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('0000000000000000 <prog>:\n       0:\tb7 01 00 00 00 00 00 00\tr1 = 0\n');
  });
});

// The loader applies the kernel verifier's structural checks (compiler/loader/structure.ts, after
// check_subprogs in kernel/bpf/verifier.c): a function must end in exit or goto, a jump must stay
// in its function and off the second half of an lddw, a call must land on a function start. Each
// case loads raw bytecode with `xdp2hw info`: exit 1 and one line in the kernel's words.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, encodeProgram } from '../../isa/index.js';
import { runCli } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-structure-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASES = [
  { name: 'fall', asm: 'mov %r0, 2\nadd %r0, 1', line: 'instruction 1: last insn is not an exit or jmp (program fall)' },
  {
    name: 'sub', asm: 'mov %r0, 2\ncall local sub\nexit\nsub: mov %r0, 1',
    line: 'instruction 3: last insn is not an exit or jmp (function sub_3 of program sub)',
  },
  {
    // the entry (slots 0-3) jumps into the subprogram that starts at 4
    name: 'out', asm: 'mov %r0, 2\ncall local sub\njeq %r0, 0, in\nexit\nsub: mov %r0, 1\nin: exit',
    line: 'instruction 2: jump out of range from insn 2 to 5 (program out)',
  },
  { name: 'mid', asm: 'ja +1\nlddw %r0, 1\nexit', line: 'instruction 0: jump into the middle of ldimm64 insn 1 (program mid)' },
  {
    name: 'call', asm: 'mov %r0, 2\ncall local +1\nlddw %r1, 5\nexit',
    line: 'instruction 1: call to insn 3, which is not the start of a function (program call)',
  },
] as const;

function rawFile(name: string, asm: string): string {
  const p = join(tmp, `${name}.bin`);
  writeFileSync(p, encodeProgram(assemble(asm)));
  return p;
}

describe('the verifier\'s structural checks', () => {
  for (const c of CASES)
    it(`${c.name}: ${c.line}`, () => {
      const p = rawFile(c.name, c.asm);
      const r = runCli(['info', p]);
      expect(r.status, r.stdout).toBe(1);
      expect(r.stderr).toBe(`xdp2hw: ${p}: ${c.line}\n`);
    });

  it('a well-formed program with a subprogram loads', () => {
    const r = runCli(['info', rawFile('ok', 'mov %r0, 2\ncall local sub\nexit\nsub: mov %r0, 1\nexit')]);
    expect(r.status, r.stderr).toBe(0);
  });
});

// The pointer-and-scalar domain's facts the passes of issue 11 rely on: frame pointers from r10
// and a negative immediate, frame bytes known by value, map values with their size and identity
// (a null check covers a copy spilled before it), and ranges kept through acyclic joins.
import { describe, expect, it } from 'vitest';
import { lift, walk } from '../../compiler/ir/index.js';
import type { IrInsn } from '../../compiler/ir/index.js';
import { analyze } from '../../compiler/analysis/absint.js';
import { mapDef, program } from '../interpreter/objects.js';

const OPTS = { minFrame: 60, clearsStack: true, clearsRegisters: true };
function states(src: string, maps = [] as ReturnType<typeof mapDef>[]) {
  const ir = lift(program('p', src, maps));
  const a = analyze(ir, { ...OPTS, maps });
  const insns = [...walk(ir)].map((s) => s.insn);
  return { a, at: (k: number) => a.before.get(insns[k] as IrInsn)! };
}

describe('the domain', () => {
  it('r10 plus a negative immediate is a frame pointer, and stores through it are placed', () => {
    const { at } = states('mov %r2, %r10\nadd %r2, -16\nstw [%r2+4], 11\nldxw %r0, [%r10-12]\nexit');
    expect(at(2).regs[2]).toEqual({ k: 'fp', off: -16 });
    // the load after the store sees the constant
    expect(at(4).regs[0]).toEqual({ k: 'num', lo: 11, hi: 11 });
  });
  it('frame bytes keep the constant stored on every path, and forget it where paths disagree', () => {
    const src = 'ldxw %r2, [%r1+0]\nldxb %r4, [%r2+20]\nstw [%r10-8], 7\njeq %r4, 1, skip\nstw [%r10-8], 9\nskip:\nldxw %r0, [%r10-8]\nstw [%r10-4], 5\nldxw %r5, [%r10-4]\nexit';
    const { at } = states(src);
    // the paths disagree on byte r10-8: the load is any 32-bit value
    expect(at(6).regs[0]).toEqual({ k: 'num', lo: 0, hi: 2 ** 32 - 1 });
    expect(at(8).regs[5]).toEqual({ k: 'num', lo: 5, hi: 5 });
  });
  it('a map value spilled before its null check is non-null when reloaded after it, with the map value size', () => {
    const src = 'stw [%r10-4], 0\nlddw %r1, map:arr\nmov %r2, %r10\nadd %r2, -4\ncall 1\nstxdw [%r10-16], %r0\njeq %r0, 0, out\nldxdw %r6, [%r10-16]\nldxw %r0, [%r6+4]\nexit\nout:\nmov %r0, 0\nexit';
    const { at } = states(src, [mapDef('arr', 'array', 4, 8, 4)]);
    expect(at(8).regs[6]).toMatchObject({ k: 'mapval', nullable: false, size: 8 });
  });
  it('ranges survive a chain of acyclic joins (widening only at loop heads)', () => {
    // nine diamonds in a row, each joining r6 = r6 + 0 or r6 + 1
    const diamond = (k: number) => `ldxb %r4, [%r2+${20 + k}]\njeq %r4, 0, j${k}\nadd %r6, 1\nj${k}:\n`;
    const src = `ldxw %r2, [%r1+0]\nmov %r6, 0\n${Array.from({ length: 9 }, (_, k) => diamond(k)).join('')}mov %r0, %r6\nexit`;
    const { a } = states(src);
    const last = [...a.before.entries()].find(([i]) => i.insn.kind === 'exit')!;
    expect(last[1].regs[0]).toEqual({ k: 'num', lo: 0, hi: 9 });
  });
});

// The passes on small programs whose answer is known: each removal happens exactly when its
// obligation is provable ((a) an earlier check, (b) the minimum frame, zeroing only on a core that
// clears its stack), never otherwise; and the jlen syllable on the interpreter.
import { describe, expect, it } from 'vitest';
import { lift, walk } from '../../compiler/ir/index.js';
import { analyze } from '../../compiler/analysis/absint.js';
import { obligations } from '../../compiler/analysis/obligations.js';
import { compileObject } from '../../compiler/pipeline.js';
import { PassNameError, runPasses } from '../../compiler/passes/index.js';
import { CORE_PRESETS } from '../../isa/index.js';
import { InterpreterEngine } from '../../simulator/interpreter/engine.js';
import { object, program } from '../interpreter/objects.js';

const HEAD = 'ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\n';
const check = (n: number) => `mov %r4, %r2\nadd %r4, ${n}\njgt %r4, %r3, drop\n`;
const TAIL = 'ldxb %r0, [%r2+33]\nexit\ndrop:\nmov %r0, 1\nexit';
const obj = (src: string) => object([program('p', src)]);
const kinds = (src: string, minFrame: number, core = CORE_PRESETS.xdp2hw) =>
  compileObject(obj(src), { minFrame, core });

describe('analysis: packet bounds obligations', () => {
  it('a check implied by an earlier one is proven (a); a longer one is not', () => {
    const ir = lift(program('p', HEAD + check(80) + check(34) + check(90) + TAIL));
    const obs = obligations(ir, analyze(ir, { minFrame: 14, clearsStack: true, clearsRegisters: true }));
    expect(obs.map((o) => [o.pc, o.need, o.proven])).toEqual([[4, 80, false], [7, 34, true], [10, 90, false]]);
    expect(obs[1].why).toMatch(/check at pc 4/);
  });
  it('a packet-resizing helper makes every earlier fact stale', () => {
    const src = HEAD + check(80) + 'mov %r6, %r1\nmov %r1, %r6\nmov %r2, 0\ncall 44\nldxw %r2, [%r6+0]\nldxw %r3, [%r6+4]\n' + check(34) + TAIL;
    const ir = lift(program('p', src));
    const obs = obligations(ir, analyze(ir, { minFrame: 14, clearsStack: true, clearsRegisters: true }));
    expect(obs.map((o) => o.proven)).toEqual([false, false]);
  });
});

describe('passes', () => {
  it('(b) removes a check the minimum frame covers, with its proof, and only then', () => {
    const at60 = kinds(HEAD + check(54) + TAIL, 60);
    const bounds = at60.report.changes.filter((c) => c.pass === 'bounds');
    expect(bounds).toHaveLength(1);
    expect(bounds[0]).toMatchObject({ pc: 4 });
    expect(bounds[0].proof).toMatch(/^\(b\).*60 bytes/);
    const at14 = kinds(HEAD + check(54) + TAIL, 14);
    expect(at14.report.changes.some((c) => c.pass === 'bounds')).toBe(false);
    // the check stays, fused into the core's syllable, and its pointer arithmetic dies
    expect(at14.optimized.program.code.insns.filter((i) => i.kind === 'jlen')).toEqual([{ kind: 'jlen', len: 54, off: expect.any(Number) }]);
    expect(at14.insns.optimized).toBeLessThan(at14.insns.original);
  });
  it('every change carries a proof', () => {
    const c = kinds(HEAD + check(80) + check(34) + 'stdw [%r10-8], 0\n' + TAIL, 60);
    expect(c.report.changes.length).toBeGreaterThan(3);
    for (const ch of c.report.changes) expect(ch.proof.trim().length, ch.what).toBeGreaterThan(10);
  });
  it('zeroing: a zero store to a cleared stack goes on xdp2hw, stays on hxdp (its core does not clear the stack)', () => {
    const src = HEAD + 'stdw [%r10-8], 0\nmov %r5, %r10\nadd %r5, -8\nldxdw %r0, [%r5+0]\nexit';
    const zeroing = (core: keyof typeof CORE_PRESETS) => kinds(src, 60, CORE_PRESETS[core]).report.changes.filter((c) => c.pass === 'zeroing');
    expect(zeroing('xdp2hw')).toHaveLength(1);
    expect(zeroing('hxdp')).toHaveLength(0);
  });
  it('a zero store after a non-zero store to the same bytes stays', () => {
    const src = HEAD + 'stdw [%r10-8], 7\nldxdw %r6, [%r10-8]\nstdw [%r10-8], 0\nldxdw %r0, [%r10-8]\nadd %r0, %r6\nexit';
    expect(kinds(src, 60).report.changes.filter((c) => c.pass === 'zeroing')).toHaveLength(0);
  });
  it('alu3, exit-imm and wide loads', () => {
    const src = HEAD + check(20) + 'ldxw %r5, [%r2+16]\nlsh %r5, 32\nldxw %r6, [%r2+12]\nor %r5, %r6\nmov %r7, %r5\nadd %r7, %r2\nstxdw [%r2+40], %r7\nstxdw [%r2+48], %r5\nmov %r0, 2\nexit\ndrop:\nmov %r0, 1\nexit';
    const c = kinds(src, 60);
    const out = c.optimized.program.code.insns;
    expect(out.some((i) => i.kind === 'ldx' && i.size === 8 && i.off === 12)).toBe(true);
    expect(out.some((i) => i.kind === 'alu3')).toBe(true);
    expect(out.filter((i) => i.kind === 'exit-imm')).toEqual([{ kind: 'exit-imm', action: 2 }]);
  });
  it('mac6: a MAC swap through 2-byte loads and stores becomes two 6-byte loads and two 6-byte stores', () => {
    const swap = ['ldxh %r1, [%r2+0]', 'ldxh %r4, [%r2+6]', 'stxh [%r2+0], %r4', 'ldxh %r4, [%r2+8]', 'ldxh %r5, [%r2+2]', 'stxh [%r2+8], %r5',
      'stxh [%r2+2], %r4', 'ldxh %r4, [%r2+10]', 'ldxh %r5, [%r2+4]', 'stxh [%r2+10], %r5', 'stxh [%r2+6], %r1', 'stxh [%r2+4], %r4'].join('\n');
    const c = kinds(HEAD + swap + '\nmov %r0, 3\nexit', 60, CORE_PRESETS.xdp2hw);
    const out = c.optimized.program.code.insns;
    expect(out.filter((i) => i.kind === 'ldx6').map((i) => i.kind === 'ldx6' && i.off).sort()).toEqual([0, 6]);
    expect(out.filter((i) => i.kind === 'stx6').map((i) => i.kind === 'stx6' && i.off).sort()).toEqual([0, 6]);
    // the same run through a pointer the domain cannot place in the packet (loaded from the stack) stays
    const unproven = kinds(HEAD + 'ldxdw %r2, [%r10-8]\n' + swap + '\nmov %r0, 3\nexit', 60, CORE_PRESETS.xdp2hw);
    expect(unproven.optimized.program.code.insns.some((i) => i.kind === 'ldx6')).toBe(false);
  });
  it('refuses an unknown pass name', () => {
    expect(() => runPasses(lift(program('p', 'mov %r0, 2\nexit')), { minFrame: 60, core: CORE_PRESETS.xdp2hw, passes: ['nope'] })).toThrow(PassNameError);
  });
  it('--passes runs only the named passes', () => {
    const c = compileObject(obj(HEAD + check(80) + TAIL), { minFrame: 60, passes: ['exit-imm'] });
    expect(new Set(c.report.changes.map((x) => x.pass))).toEqual(new Set(['exit-imm']));
    expect([...walk(c.ir)].some((s) => s.insn.insn.kind === 'jmp')).toBe(true);
  });
});

describe('jlen on the interpreter', () => {
  it('jumps exactly when the packet is shorter than N', async () => {
    const s = await new InterpreterEngine().open(obj('jlen 34, short\nmov %r0, 2\nexit\nshort:\nmov %r0, 1\nexit'), 'p');
    const run = async (n: number) => (await s.run({ packet: new Uint8Array(n) })).code;
    expect([await run(14), await run(33), await run(34), await run(60)]).toEqual([1, 1, 2, 2]);
    await s.close();
  });
});

// The removals added for issue 11's ratios, each alone (`passes: [name]`) on a small program:
// the change happens where its obligation holds (with a proof), not where it fails, and the
// optimized program agrees with the original on the reference interpreter (translation validation).
import { describe, expect, it } from 'vitest';
import { compileObject } from '../../compiler/pipeline.js';
import type { Compiled } from '../../compiler/pipeline.js';
import { validateTranslation } from '../../cli/validate.js';
import { object, program } from '../interpreter/objects.js';

const HEAD = 'ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\n';
const obj = (src: string) => object([program('p', HEAD + src)]);
const only = (pass: string, src: string, minFrame = 60) => compileObject(obj(src), { minFrame, passes: [pass] });
const changes = (c: Compiled, pass: string) => c.report.changes.filter((x) => x.pass === pass);
const kinds = (c: Compiled) => c.optimized.program.code.insns.map((i) => (i.kind === 'jmp' ? `jmp:${i.cond}` : i.kind === 'alu' || i.kind === 'alu3' ? `${i.kind}:${i.op}${i.width}` : i.kind === 'ldx' || i.kind === 'stx' || i.kind === 'st' ? `${i.kind}${i.size}` : i.kind));

/** The change is reported with a proof, the count drops, and the two programs agree on packets. */
async function removed(c: Compiled, pass: string, saved: number, proof: RegExp): Promise<void> {
  const ch = changes(c, pass);
  expect(ch.length).toBeGreaterThan(0);
  for (const x of ch) expect(x.proof.trim().length, x.what).toBeGreaterThan(20);
  expect(ch.map((x) => x.proof).join(' | ')).toMatch(proof);
  expect(c.insns.original - c.insns.optimized).toBe(saved);
  const v = await validateTranslation(c.object.programs === undefined ? c.object : objOf(c), c.object, { program: 'p', pcap: [], packets: 60, minFrame: c.options.minFrame, passes: c.options.passes });
  expect(v.mismatches, JSON.stringify(v.firstMismatch)).toBe(0);
  expect(v.packets).toBeGreaterThanOrEqual(60);
}
const objOf = (c: Compiled) => object([c.original]);
const kept = (c: Compiled, pass: string) => {
  expect(changes(c, pass)).toEqual([]);
  expect(c.insns.optimized).toBe(c.insns.original);
};

describe('layout', () => {
  it('removes a conditional jump to where its fall-through goto goes', async () => {
    const c = only('layout', 'ldxb %r4, [%r2+20]\njeq %r4, 7, out\nja out\nmov %r0, 3\nexit\nout:\nmov %r0, 2\nexit');
    // the goto then jumps to a chain only jumps enter, which moves after it (a second removal)
    await removed(c, 'layout', 2, /both edges of the jump reach/);
  });
  it('inverts a jump over a lone goto; not a jset (no negation)', async () => {
    const src = (cond: string) => `ldxb %r4, [%r2+20]\n${cond} %r4, 7, yes\nja no\nyes:\nmov %r0, 2\nexit\nno:\nmov %r0, 1\nexit`;
    const c = only('layout', src('jeq'));
    await removed(c, 'layout', 1, /exactly when it does not hold/);
    expect(kinds(c)).toContain('jmp:jne');
    expect(kinds(c)).not.toContain('ja');
    // jset has no negation: no inversion (the goto may still go by moving its target after it)
    const j = only('layout', src('jset'));
    expect(changes(j, 'layout').filter((x) => x.what.includes('->'))).toEqual([]);
    expect(kinds(j)).toContain('jmp:jset');
  });
  it('moves a chain entered only by jumps after a goto to it; not one control falls into', async () => {
    const src = (mid: string) => `ldxb %r4, [%r2+20]\njeq %r4, 7, mid\nmov %r0, 3\nja far\nmid:\nmov %r0, 1\n${mid}far:\nadd %r0, 1\nexit`;
    await removed(only('layout', src('exit\n')), 'layout', 1, /entered only by jumps/);
    kept(only('layout', src('')), 'layout');
  });
});

describe('wide: stores and copies', () => {
  it('two 4-byte stores of a value\'s halves become one 8-byte store; not when the shifted register is read after', async () => {
    const tail = (after: string) => `ldxdw %r5, [%r2+0]\nstxw [%r10-8], %r5\nrsh %r5, 32\nstxw [%r10-4], %r5\n${after}ldxdw %r0, [%r10-8]\nexit`;
    const c = only('wide', tail(''));
    await removed(c, 'wide', 2, /inside the frame/);
    expect(kinds(c)).toContain('stx8');
    kept(only('wide', tail('stxdw [%r10-16], %r5\n')), 'wide');
  });
  it('adjacent 2-byte copies become one 4-byte copy; not when the first store writes what the second load reads, nor outside the proven length', async () => {
    const c = only('wide', 'ldxh %r4, [%r2+6]\nstxh [%r2+0], %r4\nldxh %r5, [%r2+8]\nstxh [%r2+2], %r5\nmov %r0, 2\nexit');
    await removed(c, 'wide', 2, /inside the proven packet length/);
    expect(kinds(c)).toEqual(expect.arrayContaining(['ldx4', 'stx4']));
    kept(only('wide', 'ldxh %r4, [%r2+0]\nstxh [%r2+2], %r4\nldxh %r5, [%r2+2]\nstxh [%r2+4], %r5\nmov %r0, 2\nexit'), 'wide');
    kept(only('wide', 'ldxh %r4, [%r2+20]\nstxh [%r2+30], %r4\nldxh %r5, [%r2+22]\nstxh [%r2+32], %r5\nmov %r0, 2\nexit', 14), 'wide');
  });
});

describe('coalesce', () => {
  it('a load copied to another register loads there; not when the first register is still read', async () => {
    const c = only('coalesce', 'ldxw %r4, [%r2+20]\nmov %r6, %r4\nmov %r0, %r6\nexit');
    await removed(c, 'coalesce', 2, /dead after the copy/);
    kept(only('coalesce', 'ldxw %r4, [%r2+20]\nmov %r6, %r4\nmov %r0, %r4\nadd %r0, %r6\nexit'), 'coalesce');
  });
  it('a 2-operand op followed by a copy becomes the 3-operand syllable', async () => {
    const c = only('coalesce', 'ldxw %r4, [%r2+20]\nlsh %r4, 3\nmov %r0, %r4\nexit');
    await removed(c, 'coalesce', 1, /straight to r0/);
    expect(kinds(c)).toContain('alu3:lsh64');
  });
});

describe('frame stores', () => {
  it('dse: a store nobody reads goes; one a later load reads stays', async () => {
    await removed(only('dse', 'stdw [%r10-16], 5\nmov %r0, 2\nexit'), 'dse', 1, /no path reads any of those bytes/);
    kept(only('dse', 'stdw [%r10-16], 5\nldxdw %r0, [%r10-16]\nexit'), 'dse');
  });
  it('zeroing: a store of the constant the bytes already hold goes; a different constant stays', async () => {
    const src = (v: number) => `stw [%r10-8], 11\nldxb %r4, [%r2+20]\nstw [%r10-8], ${v}\nldxw %r0, [%r10-8]\nexit`;
    await removed(only('zeroing', src(11)), 'zeroing', 1, /already hold the bytes \[11, 0, 0, 0\]/);
    kept(only('zeroing', src(12)), 'zeroing');
  });
});

describe('copies', () => {
  it('copy-prop: a compare reads the register the copy came from; not once that register changed', async () => {
    const c = only('copy-prop', 'ldxw %r4, [%r2+20]\nmov %r5, %r4\njeq %r5, 3, x\nmov %r0, 2\nexit\nx:\nmov %r0, 1\nexit');
    const ch = changes(c, 'copy-prop');
    expect(ch).toHaveLength(1);
    expect(ch[0].proof).toMatch(/r5 is a copy of r4/);
    expect(c.optimized.program.code.insns.find((i) => i.kind === 'jmp')).toMatchObject({ dst: 4 });
    kept(only('copy-prop', 'ldxw %r4, [%r2+20]\nmov %r5, %r4\nadd %r4, 1\njeq %r5, 3, x\nmov %r0, 2\nexit\nx:\nmov %r0, 1\nexit'), 'copy-prop');
  });
  it('redundant: a copy between registers already equal goes; not after one was written', async () => {
    const src = (mid: string) => `ldxw %r4, [%r2+20]\nmov %r5, %r4\nldxw %r6, [%r2+24]\n${mid}mov %r5, %r4\nmov %r0, %r5\nadd %r0, %r6\nexit`;
    await removed(only('redundant', src('')), 'redundant', 1, /already equals r4/);
    kept(only('redundant', src('add %r4, 1\n')), 'redundant');
  });
});

describe('zext32: a mask of bits k..31 before a shift by k', () => {
  it('becomes a 32-bit shift; a mask of other bits stays', async () => {
    const src = (mask: string) => `ldxdw %r4, [%r2+0]\nlddw %r5, ${mask}\nand %r4, %r5\nrsh %r4, 17\nmov %r0, %r4\nexit`;
    const c = only('zext32', src('0xfffe0000'));
    await removed(c, 'zext32', 1, /2\^32 - 2\^17/);
    expect(kinds(c)).toContain('alu:rsh32');
    kept(only('zext32', src('0xfffc0000')), 'zext32');
  });
});

describe('mac6-spill', () => {
  const spill = 'ldxh %r1, [%r2+0]\nstxdw [%r10-8], %r1\nldxh %r1, [%r2+2]\nstxdw [%r10-16], %r1\nldxh %r1, [%r2+4]\nstxdw [%r10-24], %r1\n';
  const reload = 'ldxdw %r1, [%r10-8]\nstxh [%r2+6], %r1\nldxdw %r1, [%r10-16]\nstxh [%r2+8], %r1\nldxdw %r1, [%r10-24]\nstxh [%r2+10], %r1\n';
  const src = (skip: string) => `${spill}ldxb %r4, [%r2+20]\njeq %r4, 1, skip\n${reload}skip:\n${skip}mov %r0, 3\nexit`;
  it('a 6-byte field spilled as three halves and stored back becomes ldx6, one spill, one reload and stx6', async () => {
    const c = only('mac6-spill', src(''));
    await removed(c, 'mac6-spill', 8, /dominates/);
    expect(kinds(c)).toEqual(expect.arrayContaining(['ldx6', 'stx6']));
  });
  it('not when another instruction reads one of the slots', () => {
    kept(only('mac6-spill', src('ldxdw %r5, [%r10-16]\n')), 'mac6-spill');
  });
});

describe('csum-fold', () => {
  // a sum of three 16-bit words, folded three times (csum_fold of programs/common/csum.h)
  const SUM = 'ldxh %r4, [%r2+14]\nldxh %r5, [%r2+16]\nadd %r4, %r5\nldxh %r5, [%r2+18]\nadd %r4, %r5\n';
  const fold = 'mov %r5, %r4\nrsh %r5, 16\nand %r4, 0xffff\nadd %r4, %r5\n';
  it('the fold of a value already below 2^16 goes (its shift becomes 0, its mask and add go)', async () => {
    // csum-fold removes the mask and the add, and leaves `r5 = r4; r5 = 0` to dce (which also
    // drops the unused data_end load of HEAD: 5 in all)
    const c = compileObject(obj(`${SUM}${fold}${fold}${fold}mov %r0, %r4\nexit`), { minFrame: 60, passes: ['csum-fold', 'dce'] });
    await removed(c, 'csum-fold', 5, /at most 65535/);
    expect(changes(c, 'csum-fold').filter((x) => x.removed === 1)).toHaveLength(2);
  });
  it('not the first fold of a value the domain cannot bound', () => {
    kept(only('csum-fold', `ldxdw %r4, [%r2+14]\n${fold}mov %r0, %r4\nexit`), 'csum-fold');
  });
});

describe('bounds-merge (c)', () => {
  const chk = (n: number) => `mov %r4, %r2\nadd %r4, ${n}\njgt %r4, %r3, drop\n`;
  const src = (mid: string) => `${chk(20)}ldxb %r5, [%r2+12]\n${mid}jeq %r5, 9, drop\n${chk(40)}ldxb %r0, [%r2+33]\nexit\ndrop:\nmov %r0, 1\nexit`;
  it('a chain of checks failing to one block becomes one check of the largest length at the first', async () => {
    const c = only('bounds-merge', src(''), 14);
    await removed(c, 'bounds-merge', 1, /^\(c\)/);
    expect(c.optimized.program.code.insns.filter((i) => i.kind === 'jlen')).toEqual([{ kind: 'jlen', len: 40, off: expect.any(Number) }]);
  });
  it('not when the chain writes the packet (a short packet would leave it changed in the original)', () => {
    kept(only('bounds-merge', src('stb [%r2+12], 1\n'), 14), 'bounds-merge');
  });
});

// Facts of a path (compiler/verify/facts.ts, docs/VERIFY.md "Facts of a path"), checked both ways:
// a packet check decides a later check it implies and the guards of the accesses it covers, and
// refuses to decide what it does not imply (a weaker earlier check, an access past its end); a
// compiled program without a check an earlier one implies is proved, and one without the check an
// access needs gives a counterexample that replays. A branch `r == K` gives r the constant K on
// its side (exec.ts refine): storing K instead of r there is proved, storing another is not.

import { describe, expect, it } from 'vitest';
import { imm, reg } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { Program } from '../../compiler/loader/types.js';
import { proveEquivalent, z3 } from '../../compiler/verify/index.js';
import { bv64, cond } from '../../compiler/verify/alu.js';
import { symbolicEnv } from '../../compiler/verify/env.js';
import { execute } from '../../compiler/verify/exec.js';
import { factsOf, foldByFacts } from '../../compiler/verify/facts.js';
import { HEADROOM, negate } from '../../compiler/verify/state.js';
import { addBV } from '../../compiler/verify/symmem.js';
import type { B } from '../../compiler/verify/z3.js';
import { objectOf, programOf, replay } from './harness.js';

const ldx = (size: 1 | 2 | 4 | 8, dst: number, src: number, off: number): Insn => ({ kind: 'ldx', size, signed: false, dst, src, off });
const movr = (dst: number, src: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: reg(src) });
const add = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'add', width: 64, dst, src: imm(k) });
const mov = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: imm(k) });
const exit: Insn = { kind: 'exit' };

/**
 * r6 = data, r7 = data_end; for each k of `checks`: if data + k > data_end goto DROP; then a 4-byte
 * load at data + `at`; r0 = (r2 & 1) + 2. DROP: r0 = 1.
 */
function checked(checks: number[], at: number): Program {
  const tail: Insn[] = [ldx(4, 2, 6, at), movr(0, 2), { kind: 'alu', op: 'and', width: 64, dst: 0, src: imm(1) }, add(0, 2), exit];
  const insns: Insn[] = [ldx(4, 6, 1, 0), ldx(4, 7, 1, 4)];
  checks.forEach((k, i) => {
    const after = (checks.length - 1 - i) * 3 + tail.length; // instructions between this jump and DROP
    insns.push(movr(8, 6), add(8, k), { kind: 'jmp', cond: 'jgt', width: 64, dst: 8, src: reg(7), off: after });
  });
  return programOf([...insns, ...tail, mov(0, 1), exit]);
}

describe('facts: implied packet checks and guards', () => {
  it('a check not taken decides a weaker later check and the guards within it; it refuses a stronger check and an access past it', async () => {
    const Z = await z3();
    const { env } = symbolicEnv(Z, { maps: [] });
    const start = bv64(Z, HEADROOM), end = start.add(env.len);
    const known = (x: Parameters<typeof env.ranges.leadingZeros>[0]): number => env.ranges.leadingZeros(x);
    // `if data + k > data_end`, as the executor builds it (alu.ts cond)
    const check = (k: number): B => cond(Z, 'jgt', 64, addBV(Z, start, bv64(Z, k)), end, known);
    const facts = factsOf(Z, negate(Z, check(100)));
    expect(Z.isFalse(foldByFacts(Z, env.ranges, facts, check(90)))).toBe(true); // implied: never taken
    expect(Z.isFalse(foldByFacts(Z, env.ranges, facts, check(100)))).toBe(true);
    expect(foldByFacts(Z, env.ranges, facts, check(120)).eqIdentity(check(120))).toBe(true); // not implied
    expect(foldByFacts(Z, env.ranges, [], check(90)).eqIdentity(check(90))).toBe(true); // no facts: nothing decided
    // the guard of an n-byte access at data + off (memory.ts place)
    const guard = (off: number, n: number): B => {
      const addr = addBV(Z, start, bv64(Z, off));
      return Z.And(addr.uge(start), addr.ule(end), addBV(Z, addr, bv64(Z, n)).ule(end));
    };
    expect(Z.isTrue(foldByFacts(Z, env.ranges, facts, guard(96, 4)))).toBe(true);
    expect(Z.isTrue(foldByFacts(Z, env.ranges, facts, guard(97, 4)))).toBe(false); // reads byte 100
    // a weaker check first does not decide a stronger one
    const weak = factsOf(Z, negate(Z, check(90)));
    expect(Z.isFalse(foldByFacts(Z, env.ranges, weak, check(100)))).toBe(false);
    expect(Z.isTrue(foldByFacts(Z, env.ranges, weak, guard(96, 4)))).toBe(false);
  });

  it('the executor leaves no guard for a load a check covers', async () => {
    const Z = await z3();
    const { env } = symbolicEnv(Z, { maps: [] });
    const exits = await execute(env, checked([100, 90], 96), 'original');
    expect(exits.filter((e) => e.aborted)).toHaveLength(0);
    expect(exits.filter((e) => !e.aborted)).toHaveLength(2); // the load's end and DROP
    // without the covering check, the load keeps its guard
    expect((await execute(env, checked([90], 96), 'compiled')).filter((e) => e.aborted)).toHaveLength(1);
  });

  it('a check implied by an earlier one, removed: proved', async () => {
    const proof = await proveEquivalent(checked([100, 90], 96), checked([100], 96), { maps: [] });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
  }, 60_000);

  it('the earlier (needed) check removed, the weaker one kept: a counterexample that replays', async () => {
    const original = checked([100, 90], 96), compiled = checked([90], 96);
    const proof = await proveEquivalent(original, compiled, { maps: [] });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
    const cex = proof.counterexample!;
    const a = await replay(objectOf(original), original.name, cex);
    const b = await replay(objectOf(compiled), compiled.name, cex);
    expect(b, JSON.stringify(cex)).not.toEqual(a);
  }, 60_000);
});

describe('facts: a register compared equal to a constant', () => {
  // r2 = the ethertype; if r2 != 0x0008 goto PASS; *(u16 *)(data + 20) = r2 (or a constant); r0 = 3 (TX)
  const program = (store: Insn): Program => programOf([
    ldx(4, 6, 1, 0), ldx(2, 2, 6, 12), { kind: 'jmp', cond: 'jne', width: 64, dst: 2, src: imm(8), off: 3 },
    store, mov(0, 3), exit, mov(0, 2), exit,
  ]);
  const original = program({ kind: 'stx', size: 2, dst: 6, src: 2, off: 20 });

  it('the constant stored where the branch made the register equal to it: proved', async () => {
    const proof = await proveEquivalent(original, program({ kind: 'st', size: 2, dst: 6, off: 20, imm: 8 }), { maps: [] });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
  }, 60_000);

  it('another constant stored: a counterexample that replays', async () => {
    const wrong = program({ kind: 'st', size: 2, dst: 6, off: 20, imm: 9 });
    const proof = await proveEquivalent(original, wrong, { maps: [] });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
    const cex = proof.counterexample!;
    expect(await replay(objectOf(wrong), wrong.name, cex)).not.toEqual(await replay(objectOf(original), original.name, cex));
  }, 60_000);
});

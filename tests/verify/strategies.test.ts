// The prover's ways of keeping formulas alike (docs/VERIFY.md, "Keeping the two programs' terms
// alike"), each checked both ways: the pieces' rewrites equal the plain bit-vector operations
// (proved by Z3 on symbolic bytes); conditions decided by the packet length's range prove a check
// the minimum frame covers and give a real counterexample below it; values chosen by flow
// conditions (guards apart) still tell a wider load that reads past the packet; a changed perf
// event record gives a counterexample whose replay shows the events differ.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imm, reg } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject, Program } from '../../compiler/loader/types.js';
import { proveEquivalent, z3 } from '../../compiler/verify/index.js';
import type { ProveOptions } from '../../compiler/verify/index.js';
import { concatPieces, extractBits, maskPieces, orPieces, shiftLeft, shiftRight, zeroExtend } from '../../compiler/verify/pieces.js';
import { alu as aluTerm } from '../../compiler/verify/alu.js';
import type { BV } from '../../compiler/verify/z3.js';
import { objectOf, programOf, replay } from './harness.js';
import { rewrite } from './rewrite.js';

const ldx = (size: 1 | 2 | 4 | 8, dst: number, src: number, off: number): Insn => ({ kind: 'ldx', size, signed: false, dst, src, off });
const movr = (dst: number, src: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: reg(src) });
const alu = (op: 'add' | 'and' | 'lsh' | 'or', dst: number, src: number, isReg = false): Insn => ({ kind: 'alu', op, width: 64, dst, src: isReg ? reg(src) : imm(src) });
const exit: Insn = { kind: 'exit' };
const mov = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: imm(k) });

/** r6 = data, r7 = data_end; if data + `check` > data_end: DROP; body; r0 = (r2 & 1) + 2 (PASS or TX) */
function program(check: number, body: Insn[]): Program {
  return programOf([
    ldx(4, 6, 1, 0), ldx(4, 7, 1, 4), movr(8, 6), alu('add', 8, check),
    { kind: 'jmp', cond: 'jgt', width: 64, dst: 8, src: reg(7), off: body.length + 4 },
    ...body, movr(0, 2), alu('and', 0, 1), alu('add', 0, 2), exit,
    mov(0, 1), exit,
  ]);
}

async function realDifference(obj: LoadedObject, original: Program, compiled: Program, opts: Partial<ProveOptions> = {}): Promise<string> {
  const proof = await proveEquivalent(original, compiled, { maps: obj.maps, ...opts });
  expect(proof.status, JSON.stringify(proof.regions)).toBe('counterexample');
  const cex = proof.counterexample!;
  const a = await replay({ ...obj, programs: [original] }, original.name, cex);
  const b = await replay({ ...obj, programs: [compiled] }, compiled.name, cex);
  expect(b, `counterexample (${cex.region}) ${JSON.stringify(cex)}`).not.toEqual(a);
  return cex.region;
}

describe('pieces: the rewrites equal the plain operations', () => {
  it('shifts, ors, extracts and concatenations of loaded bytes and zeros (Z3 proves each equal)', async () => {
    const Z = await z3();
    const byte = (i: number): BV => Z.BitVec.const(`b${i}`, 8);
    // a value: k symbolic bytes (some zero), zero-extended to 64 bits
    const value = fc.array(fc.oneof(fc.integer({ min: 0, max: 7 }), fc.constant(-1)), { minLength: 1, maxLength: 8 })
      .map((xs) => concatPieces(Z, xs.map((i) => (i < 0 ? Z.BitVec.val(0n, 8) : byte(i)))).zeroExt(64 - 8 * xs.length));
    const same = async (x: BV, y: BV): Promise<void> => {
      const s = new Z.Solver();
      s.add(x.neq(y));
      expect(await s.check(), `${x.toString()} != ${y.toString()}`).toBe('unsat');
    };
    await fc.assert(fc.asyncProperty(value, value, fc.integer({ min: 1, max: 63 }), fc.integer({ min: 0, max: 63 }), async (a, b, k, lo) => {
      await same(shiftLeft(Z, a, k) ?? a.shl(k), a.shl(Z.BitVec.val(BigInt(k), 64)));
      await same(shiftRight(Z, a, k) ?? a.lshr(k), a.lshr(Z.BitVec.val(BigInt(k), 64)));
      const or = orPieces(Z, a, shiftLeft(Z, b, k)!);
      if (or) await same(or, a.or(b.shl(Z.BitVec.val(BigInt(k), 64))));
      const hi = Math.min(63, lo + k);
      await same(extractBits(Z, a, hi, lo), a.extract(hi, lo));
    }), { numRuns: 40 });
  }, 60_000);

  it('masks of one or two runs of ones, zero extensions, and a value cut into extracts and joined (Z3 proves each equal)', async () => {
    const Z = await z3();
    const word = Z.BitVec.const('w', 64);
    const same = async (x: BV, y: BV): Promise<void> => {
      const s = new Z.Solver();
      s.add(x.neq(y));
      expect(await s.check(), `${x.toString()} != ${y.toString()}`).toBe('unsat');
    };
    // a run of ones [hi, lo], and maybe a second one below it
    const mask = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }))
      .map(([a, b, c]) => {
        const [hi, mid, lo] = [a, b, c].sort((x, y) => y - x);
        const run = (h: number, l: number): bigint => ((1n << BigInt(h - l + 1)) - 1n) << BigInt(l);
        return mid > lo + 1 ? run(hi, mid) | run(mid - 2, lo) : run(hi, lo);
      });
    await fc.assert(fc.asyncProperty(mask, fc.integer({ min: 1, max: 63 }), async (m, cut) => {
      const mv = Z.BitVec.val(m, 64);
      const masked = maskPieces(Z, word, mv);
      expect(masked, m.toString(16)).toBeDefined();
      await same(masked!, word.and(mv));
      await same(zeroExtend(Z, extractBits(Z, word, cut - 1, 0), 64 - cut), word.and(Z.BitVec.val((1n << BigInt(cut)) - 1n, 64)));
      // bits [63, cut] and [cut - 1, 0] joined again are the word itself, one term
      const joined = concatPieces(Z, [extractBits(Z, word, 63, cut), extractBits(Z, word, cut - 1, 0)]);
      expect(joined.eqIdentity(word)).toBe(true);
    }), { numRuns: 30 });
    // l4lb's rotate: (x & 0xfffe0000) >> 17 in 64 bits and a 32-bit >> 17 of x's low word are one term
    const rotate = aluTerm(Z, 'rsh', 64, aluTerm(Z, 'and', 64, word, Z.BitVec.val(0xfffe0000n, 64)), Z.BitVec.val(17n, 64));
    expect(rotate.eqIdentity(aluTerm(Z, 'rsh', 32, word, Z.BitVec.val(17n, 64)))).toBe(true);
  }, 60_000);
});

describe('ranges: checks the packet length decides', () => {
  // the original checks 20 bytes before reading a 4-byte word at data + 16; the compiled does not
  const body = [ldx(4, 2, 6, 16)];
  const original = program(20, body);
  const unchecked = programOf([ldx(4, 6, 1, 0), ...body, movr(0, 2), alu('and', 0, 1), alu('add', 0, 2), exit]);

  it('a check the minimum frame (60) covers, removed: proved', async () => {
    const proof = await proveEquivalent(original, unchecked, { maps: [], minLength: 60 });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
  }, 60_000);

  it('the same removal when frames of 14 bytes come: a counterexample that replays', async () => {
    await realDifference(objectOf(original), original, unchecked, { minLength: 14 });
  }, 60_000);
});

describe('flow conditions: guards apart, an access past the packet still tells', () => {
  // two 2-byte loads at data + 56 and + 58 combined; 60 bytes are checked
  const parts = [ldx(2, 2, 6, 56), ldx(2, 3, 6, 58), alu('lsh', 3, 16), alu('or', 2, 3, true)];

  it('merged into one 4-byte load: proved', async () => {
    await expect(proveEquivalent(program(60, parts), program(60, [ldx(4, 2, 6, 56)]), { maps: [], minLength: 14 }))
      .resolves.toMatchObject({ status: 'proved' });
  }, 60_000);

  it('merged into one 8-byte load (reads 4 bytes past a 60-byte packet): a counterexample that replays', async () => {
    const original = program(60, parts);
    await realDifference(objectOf(original), original, program(60, [ldx(8, 2, 6, 56), alu('and', 2, 0xffff)]), { minLength: 14 });
  }, 60_000);
});

describe('perf events: the record is compared', () => {
  it('xdp_sample with another cookie in its sample record: a counterexample whose events differ', async () => {
    const obj = loadFile('programs/xdp_sample/xdp_sample.o');
    const p = obj.programs[0];
    // r2 = 0xdead, the cookie stored into the record
    const at = p.code.insns.findIndex((x) => x.kind === 'alu' && x.op === 'mov' && x.src.type === 'imm' && x.src.value === 0xdead);
    expect(at).toBeGreaterThan(-1);
    const mov = p.code.insns[at] as Extract<Insn, { kind: 'alu' }>;
    const wrong = rewrite(p, [{ at, remove: 1, insert: [{ ...mov, src: imm(0xbeef) }] }]);
    expect(await realDifference(obj, p, wrong)).toBe('perf events');
  }, 60_000);
});

// ALU, byte-swap, sign-extension and jump instructions against a BigInt model of the kernel's
// semantics (RFC 9669 + REFERENCE.md §3), with fast-check operands biased to the edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeProgram } from '../../isa/index.js';
import type { AluOp, Insn, JmpCond, Operand } from '../../isa/index.js';
import { runConformance } from '../../simulator/interpreter/conformance.js';

const M64 = (1n << 64n) - 1n;
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const u32 = (x: bigint) => BigInt.asUintN(32, x);
const s32 = (x: bigint) => BigInt.asIntN(32, x);

/** The kernel's result of `a op b` (a, b unsigned 64-bit; 32-bit forms read the low halves). */
function model(op: AluOp, w: 32 | 64, a: bigint, b: bigint): bigint {
  const bits = BigInt(w), U = w === 64 ? u64 : u32, S = w === 64 ? s64 : s32;
  const x = U(a), y = U(b);
  switch (op) {
    case 'add': return U(x + y);
    case 'sub': return U(x - y);
    case 'mul': return U(x * y);
    case 'div': return y === 0n ? 0n : x / y;
    case 'mod': return y === 0n ? x : x % y;
    case 'sdiv': return y === 0n ? 0n : U(S(x) / S(y));
    case 'smod': return y === 0n ? x : U(S(x) % S(y));
    case 'or': return x | y;
    case 'and': return x & y;
    case 'xor': return x ^ y;
    case 'lsh': return U(x << (y & (bits - 1n)));
    case 'rsh': return x >> (y & (bits - 1n));
    case 'arsh': return U(S(x) >> (y & (bits - 1n)));
    case 'neg': return U(-x);
    case 'mov': return y;
    case 'movsx': throw new Error('see movsx test');
  }
}

function condModel(c: JmpCond, w: 32 | 64, a: bigint, b: bigint): boolean {
  const U = w === 64 ? u64 : u32, S = w === 64 ? s64 : s32;
  const x = U(a), y = U(b);
  switch (c) {
    case 'jeq': return x === y;
    case 'jne': return x !== y;
    case 'jset': return (x & y) !== 0n;
    case 'jgt': return x > y;
    case 'jge': return x >= y;
    case 'jlt': return x < y;
    case 'jle': return x <= y;
    case 'jsgt': return S(x) > S(y);
    case 'jsge': return S(x) >= S(y);
    case 'jslt': return S(x) < S(y);
    case 'jsle': return S(x) <= S(y);
  }
}

const lddw = (dst: number, v: bigint): Insn => ({ kind: 'lddw', dst, pseudo: 0, lo: Number(v & 0xffffffffn), hi: Number((v >> 32n) & 0xffffffffn) });
const EXIT: Insn = { kind: 'exit' };

function run(insns: Insn[]): bigint {
  const r = runConformance(encodeProgram(insns), new Uint8Array(0));
  if (!r.ok) throw new Error(r.error);
  return r.r0;
}

const edge = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 1n << 63n, M64, M64 - 1n, (1n << 63n) - 1n),
  fc.bigInt({ min: 0n, max: M64 }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }),
  fc.bigInt({ min: 0n, max: 70n }),
);
const imm32 = fc.oneof(fc.constantFrom(0, 1, -1, 31, 32, 63, 0x7fffffff, -0x80000000), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const ALU: AluOp[] = ['add', 'sub', 'mul', 'div', 'mod', 'sdiv', 'smod', 'or', 'and', 'xor', 'lsh', 'rsh', 'arsh', 'neg', 'mov'];
const CONDS: JmpCond[] = ['jeq', 'jne', 'jset', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle'];

describe('ALU against a BigInt model', () => {
  for (const w of [64, 32] as const)
    for (const op of ALU) {
      it(`${op}${w === 32 ? '32' : ''} reg`, () =>
        fc.assert(fc.property(edge, edge, (a, b) => {
          const src: Operand = { type: 'reg', reg: 2 };
          const got = run([lddw(1, a), lddw(2, b), { kind: 'alu', op, width: w, dst: 1, src }, { kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'reg', reg: 1 } }, EXIT]);
          expect(got).toBe(model(op, w, a, b));
        }), { numRuns: 300 }));
      it(`${op}${w === 32 ? '32' : ''} imm (sign-extended for 64-bit)`, () =>
        fc.assert(fc.property(edge, imm32, (a, k) => {
          const src: Operand = op === 'neg' ? { type: 'imm', value: 0 } : { type: 'imm', value: k };
          const got = run([lddw(1, a), { kind: 'alu', op, width: w, dst: 1, src }, { kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'reg', reg: 1 } }, EXIT]);
          expect(got).toBe(model(op, w, a, op === 'neg' ? 0n : u64(BigInt(k))));
        }), { numRuns: 200 }));
    }

  it('movsx sign-extends 8/16/32 bits (the 32-bit form then zero-extends)', () =>
    fc.assert(fc.property(edge, fc.constantFrom(8, 16, 32) as fc.Arbitrary<8 | 16 | 32>, fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>, (a, bits, w) => {
      fc.pre(!(w === 32 && bits === 32));
      const got = run([lddw(1, a), { kind: 'alu', op: 'movsx', width: w, dst: 0, src: { type: 'reg', reg: 1 }, extBits: bits }, EXIT]);
      const ext = BigInt.asIntN(bits, a);
      expect(got).toBe(w === 64 ? u64(ext) : u32(ext));
    }), { numRuns: 300 }));

  it('le/be/bswap 16/32/64', () =>
    fc.assert(fc.property(edge, fc.constantFrom('le', 'be', 'bswap') as fc.Arbitrary<'le' | 'be' | 'bswap'>, fc.constantFrom(16, 32, 64) as fc.Arbitrary<16 | 32 | 64>, (a, order, bits) => {
      const got = run([lddw(0, a), { kind: 'end', order, bits, dst: 0 }, EXIT]);
      const v = BigInt.asUintN(bits, a);
      let swapped = 0n;
      for (let i = 0; i < bits / 8; i++) swapped = (swapped << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
      expect(got).toBe(order === 'le' ? v : swapped);
    }), { numRuns: 300 }));
});

describe('jumps against a BigInt model', () => {
  for (const w of [64, 32] as const)
    for (const cond of CONDS)
      it(`${cond}${w === 32 ? '32' : ''} reg and imm`, () =>
        fc.assert(fc.property(edge, edge, imm32, (a, b, k) => {
          for (const src of [{ type: 'reg', reg: 2 }, { type: 'imm', value: k }] as Operand[]) {
            const got = run([lddw(1, a), lddw(2, b), { kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'imm', value: 0 } },
              { kind: 'jmp', cond, width: w, dst: 1, src, off: 1 }, EXIT, { kind: 'alu', op: 'mov', width: 64, dst: 0, src: { type: 'imm', value: 1 } }, EXIT]);
            expect(got).toBe(condModel(cond, w, a, src.type === 'reg' ? b : u64(BigInt(k))) ? 1n : 0n);
          }
        }), { numRuns: 200 }));
});

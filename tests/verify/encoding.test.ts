// The Z3 encoding against the reference interpreter: for every instruction kind and extended
// syllable, random operands and packets (fast-check) give exactly the interpreter's action and
// output packet. A proof over a wrong encoding proves nothing (STYLE.md habit 14).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALU_OPS, ATOMIC_OPS, JMP_CONDS, alu3, exitImm, imm, jlen, ldx6, reg, stx6 } from '../../isa/index.js';
import type { AluOp, Insn, Operand } from '../../isa/index.js';
import { ALU3_OPS } from '../../isa/syllables.js';
import { evaluate, interpret, programOf } from './harness.js';

const RUNS = { numRuns: 4 };
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** values that hit the corner cases (0, 1, -1, sign bits, shift counts) as often as random ones */
const val = fc.oneof(u64, fc.constantFrom(0n, 1n, 2n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 63n, (1n << 64n) - 1n));
const imm32 = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, 1, -1, 31, 32, 63, 64));

const lddw = (dst: number, v: bigint): Insn => ({ kind: 'lddw', dst, pseudo: 0, lo: Number(v & 0xffffffffn), hi: Number(v >> 32n) });
const ldxw = (dst: number, src: number, off: number): Insn => ({ kind: 'ldx', size: 4, signed: false, dst, src, off });
const stxdw = (dst: number, src: number, off: number): Insn => ({ kind: 'stx', size: 8, dst, src, off });

/**
 * r6 = data, r7 = data_end; exit DROP unless 24 bytes are there; r2, r3, r4 = a, b, c; body;
 * the packet's first 24 bytes = r2, r3, r4; exit PASS.
 */
function harness(a: bigint, b: bigint, c: bigint, body: Insn[]): Insn[] {
  const head: Insn[] = [
    ldxw(6, 1, 0), ldxw(7, 1, 4),
    { kind: 'alu', op: 'mov', width: 64, dst: 8, src: reg(6) },
    { kind: 'alu', op: 'add', width: 64, dst: 8, src: imm(24) },
  ];
  const tail: Insn[] = [stxdw(6, 2, 0), stxdw(6, 3, 8), stxdw(6, 4, 16), { kind: 'alu', op: 'mov', width: 64, dst: 0, src: imm(2) }, { kind: 'exit' }];
  const mid = [lddw(2, a), lddw(3, b), lddw(4, c), ...body, ...tail];
  const skip = mid.reduce((n, insn) => n + (insn.kind === 'lddw' ? 2 : 1), 0);
  return [...head, { kind: 'jmp', cond: 'jgt', width: 64, dst: 8, src: reg(7), off: skip }, ...mid, exitImm(1)];
}

const packetArb = fc.uint8Array({ minLength: 14, maxLength: 80 });

async function agree(body: Insn[], a: bigint, b: bigint, c: bigint, packet: Uint8Array): Promise<void> {
  const p = programOf(harness(a, b, c, body));
  const [want, got] = [await interpret(p, packet), await evaluate(p, packet)];
  expect(got, JSON.stringify(body)).toEqual(want);
}

const operand = (isReg: boolean, v: number): Operand => (isReg ? reg(3) : imm(v));

describe('the Z3 encoding equals the interpreter', () => {
  const ops = ALU_OPS.filter((o): o is Exclude<AluOp, 'movsx'> => o !== 'movsx');
  for (const width of [64, 32] as const)
    for (const op of ops)
      it(`alu ${op}${width}`, async () => {
        await fc.assert(fc.asyncProperty(val, val, fc.boolean(), imm32, packetArb, async (a, b, isReg, k, pkt) =>
          agree([{ kind: 'alu', op, width, dst: 2, src: op === 'neg' ? imm(0) : operand(isReg, k) }], a, b, 0n, pkt)), RUNS);
      });

  it('movsx 8/16/32, 64- and 32-bit', async () => {
    await fc.assert(fc.asyncProperty(val, fc.constantFrom(8, 16, 32), fc.constantFrom(64, 32), async (b, ext, width) =>
      agree([{ kind: 'alu', op: 'movsx', width: width as 32 | 64, dst: 2, src: reg(3), extBits: ext as 8 | 16 | 32 }], 0n, b, 0n, new Uint8Array(64))), { numRuns: 20 });
  });

  for (const width of [64, 32] as const)
    it(`alu3 (every op, register and immediate) ${width}`, async () => {
      await fc.assert(fc.asyncProperty(fc.constantFrom(...ALU3_OPS), val, val, fc.boolean(), imm32, async (op, a, b, isReg, k) =>
        agree([alu3(op, width, 4, 2, operand(isReg, k))], a, b, 0n, new Uint8Array(64))), { numRuns: 20 });
    });

  it('end: le, be, bswap at 16, 32, 64 bits', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('le', 'be', 'bswap'), fc.constantFrom(16, 32, 64), val, async (order, bits, a) =>
      agree([{ kind: 'end', order: order as 'le', bits: bits as 16, dst: 2 }], a, 0n, 0n, new Uint8Array(64))), { numRuns: 25 });
  });

  for (const width of [64, 32] as const)
    it(`jmp (every condition, register and immediate) ${width} and ja`, async () => {
      await fc.assert(fc.asyncProperty(fc.constantFrom(...JMP_CONDS), val, val, fc.boolean(), imm32, async (c, a, b, isReg, k) =>
        agree([
          { kind: 'jmp', cond: c, width, dst: 2, src: operand(isReg, k), off: 2 },
          { kind: 'alu', op: 'mov', width: 64, dst: 4, src: imm(0x77) },
          { kind: 'ja', off: 1, wide: false },
          { kind: 'alu', op: 'mov', width: 64, dst: 4, src: imm(0x55) },
        ], a, b, 0n, new Uint8Array(64))), { numRuns: 20 });
    });

  it('jlen: if the packet is shorter than N, at and around its length', async () => {
    const around = fc.integer({ min: 14, max: 80 }).chain((n) => fc.tuple(fc.uint8Array({ minLength: n, maxLength: n }), fc.integer({ min: n - 2, max: n + 2 })));
    await fc.assert(fc.asyncProperty(fc.oneof(around, fc.tuple(packetArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }))), async ([pkt, n]) =>
      agree([
        jlen(n, 2),
        { kind: 'alu', op: 'mov', width: 64, dst: 4, src: imm(0x77) },
        { kind: 'ja', off: 1, wide: false },
        { kind: 'alu', op: 'mov', width: 64, dst: 4, src: imm(0x55) },
      ], 0n, 0n, 0n, pkt)), { numRuns: 20 });
  });

  it('exit-imm: any action', async () => {
    await fc.assert(fc.asyncProperty(imm32, async (k) => agree([exitImm(k)], 0n, 0n, 0n, new Uint8Array(64))), RUNS);
  });

  it('ldx (1, 2, 4, 8 bytes, zero- and sign-extended) and ldx6 from the packet, in and out of bounds', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(1, 2, 4, 8, 6), fc.boolean(), fc.integer({ min: -6, max: 84 }), packetArb, async (size, signed, off, pkt) => {
      const load: Insn = size === 6 ? ldx6(2, 6, off) : { kind: 'ldx', size: size as 1, signed: signed && size !== 8, dst: 2, src: 6, off };
      await agree([load], 0n, 0n, 0n, pkt);
    }), { numRuns: 25 });
  });

  it('st, stx (1, 2, 4, 8 bytes) and stx6 into the packet, in and out of bounds', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(1, 2, 4, 8, 6), fc.boolean(), fc.integer({ min: -6, max: 84 }), val, imm32, packetArb, async (size, isImm, off, b, k, pkt) => {
      // the store goes after the harness writes the first 24 bytes: write r2..r4 first, then store
      const s: Insn = size === 6 ? stx6(6, 3, off) : isImm ? { kind: 'st', size: size as 1, dst: 6, off, imm: k } : { kind: 'stx', size: size as 1, dst: 6, src: 3, off };
      const p = harness(0n, b, 0n, []);
      p.splice(p.length - 3, 0, s);
      const prog = programOf(p);
      expect(await evaluate(prog, pkt)).toEqual(await interpret(prog, pkt));
    }), { numRuns: 25 });
  });

  it('atomic (every op, fetch or not, 4 and 8 bytes) on the stack', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ATOMIC_OPS), fc.boolean(), fc.constantFrom(4, 8), val, val, val, async (op, fetch, size, a, b, c) => {
      const body: Insn[] = [
        stxdw(10, 2, -8),
        { kind: 'alu', op: 'mov', width: 64, dst: 0, src: reg(4) },
        { kind: 'atomic', op, fetch: fetch || op === 'xchg' || op === 'cmpxchg', size: size as 4, dst: 10, src: 3, off: -8 },
        { kind: 'alu', op: 'mov', width: 64, dst: 4, src: reg(0) },
        { kind: 'ldx', size: 8, signed: false, dst: 2, src: 10, off: -8 },
      ];
      await agree(body, a, b, c, new Uint8Array(64));
    }), { numRuns: 20 });
  });

  it('stack stores and loads of every size, and a pointer spilled and reloaded', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(1, 2, 4, 8), fc.integer({ min: 1, max: 64 }), val, async (size, slot, a) => {
      const body: Insn[] = [
        { kind: 'stx', size: size as 1, dst: 10, src: 2, off: -slot - 8 },
        { kind: 'ldx', size: size as 1, signed: false, dst: 3, src: 10, off: -slot - 8 },
        stxdw(10, 6, -128),
        { kind: 'ldx', size: 8, signed: false, dst: 5, src: 10, off: -128 },
        { kind: 'ldx', size: 1, signed: false, dst: 4, src: 5, off: 30 },
      ];
      await agree(body, a, 0n, 0n, new Uint8Array(64).map((_, i) => i * 7));
    }), { numRuns: 20 });
  });
});

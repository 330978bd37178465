// Bounded loops: the prover unrolls them (the `unroll` option), proves first that no run of either
// program goes past the unrolling (`loop bound`), and answers unknown when one can. A loop against
// its hand-unrolled form is proved; a wrong unrolling gives a counterexample that replays.

import { describe, expect, it } from 'vitest';
import { exitImm, imm, reg } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { proveEquivalent } from '../../compiler/verify/index.js';
import type { Program } from '../../compiler/loader/types.js';
import { objectOf, programOf, replay } from './harness.js';

const mov = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: imm(k) });
const movr = (dst: number, src: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: reg(src) });
const add = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'add', width: 64, dst, src: imm(k) });
const addr = (dst: number, src: number): Insn => ({ kind: 'alu', op: 'add', width: 64, dst, src: reg(src) });
const ldb = (dst: number, src: number, off: number): Insn => ({ kind: 'ldx', size: 1, signed: false, dst, src, off });

/** r6 = data; drop unless 16 bytes; body (sum in r3); the packet's first 8 bytes = r3; pass. */
function program(body: Insn[]): Program {
  const rest = [mov(3, 0), ...body, { kind: 'stx', size: 8, dst: 6, src: 3, off: 0 } as Insn, mov(0, 2), { kind: 'exit' } as Insn];
  return programOf([
    { kind: 'ldx', size: 4, signed: false, dst: 6, src: 1, off: 0 }, { kind: 'ldx', size: 4, signed: false, dst: 7, src: 1, off: 4 },
    movr(8, 6), add(8, 16), { kind: 'jmp', cond: 'jgt', width: 64, dst: 8, src: reg(7), off: rest.length }, ...rest, exitImm(1),
  ]);
}

/** sum of the first n bytes (n = packet[15] & 7 when `byPacket`, else 8), as a loop */
const loop = (byPacket: boolean): Insn[] => [
  ...(byPacket ? [ldb(9, 6, 15), { kind: 'alu', op: 'and', width: 64, dst: 9, src: imm(7) } as Insn] : [mov(9, 8)]),
  mov(2, 0),
  { kind: 'jmp', cond: 'jge', width: 64, dst: 2, src: reg(9), off: 6 },
  movr(4, 6), addr(4, 2), ldb(5, 4, 0), addr(3, 5), add(2, 1),
  { kind: 'ja', off: -7, wide: false },
];
/** the same, unrolled by hand for n = 8 (wrong: `count` < 8 bytes) */
const unrolled = (count: number): Insn[] => [...Array(count).keys()].flatMap((k) => [ldb(5, 6, k), addr(3, 5)]);

describe('bounded loops', () => {
  it('a loop of 8 against its unrolled form: proved with unroll 8', async () => {
    const proof = await proveEquivalent(program(loop(false)), program(unrolled(8)), { maps: [], unroll: 8 });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
  }, 60_000);

  it('unrolled too little: unknown, at the loop bound', async () => {
    const proof = await proveEquivalent(program(loop(false)), program(unrolled(8)), { maps: [], unroll: 5 });
    expect(proof).toMatchObject({ status: 'unknown', region: 'loop bound' });
  }, 60_000);

  it('a loop bounded by a packet byte (0-7) against itself in another register: proved with unroll 7', async () => {
    const renamed = loop(true).map((x) => ((x.kind === 'alu' || x.kind === 'ldx') && x.dst === 9 ? { ...x, dst: 1 } : x.kind === 'jmp' ? { ...x, src: reg(1) } : x));
    const proof = await proveEquivalent(program(loop(true)), program(renamed), { maps: [], unroll: 7 });
    expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
    // the bound depends on the packet: that no run needs an 8th round is proved (by the solver, or
    // by the byte's range: then no run reaches one and there is no obligation), not assumed
    const bound = proof.regions.find((r) => r.name === 'loop bound');
    if (bound) expect(bound.status).toBe('proved');
    const short = await proveEquivalent(program(loop(true)), program(renamed), { maps: [], unroll: 6 });
    expect(short).toMatchObject({ status: 'unknown', region: 'loop bound' });
  }, 60_000);

  it('a wrong unrolling (7 bytes of 8): a counterexample that replays as a real difference', async () => {
    const [orig, wrong] = [program(loop(false)), program(unrolled(7))];
    const proof = await proveEquivalent(orig, wrong, { maps: [], unroll: 8 });
    expect(proof.status).toBe('counterexample');
    const a = await replay(objectOf(orig), orig.name, proof.counterexample!);
    const b = await replay(objectOf(wrong), wrong.name, proof.counterexample!);
    expect(b).not.toEqual(a);
  }, 60_000);
});

// The prover both ways on real programs (programs/): correct hand-made transformations (exit-imm,
// alu3, ldx6/stx6 fusion, a dominated bounds check removed) are proved; wrong ones (a needed bounds
// check dropped, a wrong fusion, a 32-bit op for a 64-bit one, a dependent pair swapped) give a
// counterexample that, replayed on both programs with the interpreter, really differs.

import { describe, expect, it } from 'vitest';
import { exitImm, imm, ldx6, reg, stx6 } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject, Program } from '../../compiler/loader/types.js';
import { proveEquivalent } from '../../compiler/verify/index.js';
import type { ProveOptions } from '../../compiler/verify/index.js';
import { replay } from './harness.js';
import { exitImms, peephole, rewrite } from './rewrite.js';

const load = (name: string): LoadedObject => loadFile(`programs/${name}/${name}.o`);

async function expectProved(obj: LoadedObject, compiled: Program, opts: Partial<ProveOptions> = {}, original = obj.programs[0]): Promise<void> {
  const proof = await proveEquivalent(original, compiled, { maps: obj.maps, ...opts });
  expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
}

/** A counterexample, and both programs on the interpreter really differ on it. */
async function expectRealDifference(obj: LoadedObject, compiled: Program, opts: Partial<ProveOptions> = {}): Promise<void> {
  const original = obj.programs[0];
  const proof = await proveEquivalent(original, compiled, { maps: obj.maps, ...opts });
  expect(proof.status).toBe('counterexample');
  const cex = proof.counterexample!;
  const a = await replay(obj, original.name, cex);
  const b = await replay({ ...obj, programs: [compiled] }, compiled.name, cex);
  expect(b, `counterexample (${cex.region}) ${JSON.stringify(cex)}`).not.toEqual(a);
}

const at = (p: Program, slot: number): number => p.code.pcs.indexOf(slot);

describe('correct transformations are proved', () => {
  for (const name of ['xdp1', 'xdp2', 'router_ipv4', 'simple_firewall'])
    it(`${name}: every r0 = A; exit → exit-imm, every mov + add → alu3`, async () => {
      const obj = load(name);
      const p = obj.programs[0];
      const q = peephole(p);
      expect(q.code.insns.length).toBeLessThan(p.code.insns.length);
      await expectProved(obj, q);
    }, 60_000);

  it('xdp2: the MAC swap by 2-byte loads and stores → ldx6/stx6', async () => {
    const obj = load('xdp2');
    const p = obj.programs[0];
    const swap = [ldx6(1, 6, 0), ldx6(2, 6, 6), stx6(6, 2, 0), stx6(6, 1, 6)];
    await expectProved(obj, rewrite(p, [{ at: at(p, 57), remove: 12, insert: swap }]));
  }, 60_000);

  it('xdp2: a bounds check dominated by a larger one, removed', async () => {
    const obj = load('xdp2');
    const p = obj.programs[0];
    // the original gets a second, smaller check (data + 10 > data_end) after its check of 14 bytes;
    // jumping to the exit as clang's checks do; the compiled program is xdp2 as clang built it
    const check: Insn[] = [
      { kind: 'alu', op: 'mov', width: 64, dst: 5, src: reg(6) },
      { kind: 'alu', op: 'add', width: 64, dst: 5, src: imm(10) },
      { kind: 'jmp', cond: 'jgt', width: 64, dst: 5, src: reg(2), off: 0 },
    ];
    const withCheck = insertCheck(p, at(p, 6), check, at(p, 70));
    await expectProved(obj, p, { minLength: 14 }, withCheck);
  }, 60_000);
});

/** Inserts a bounds check before instruction `before`, its jump going to instruction `target`. */
function insertCheck(p: Program, before: number, check: Insn[], target: number): Program {
  const q = rewrite(p, [{ at: before, remove: 1, insert: [...check, p.code.insns[before]] }]);
  const j = before + check.length - 1;
  const t = target + check.length;
  const jmp = { ...(check[check.length - 1] as Extract<Insn, { kind: 'jmp' }>), off: q.code.pcs[t] - q.code.pcs[j] - 1 };
  const insns = q.code.insns.slice();
  insns[j] = jmp;
  return { ...q, code: { ...q.code, insns } };
}

describe('wrong transformations give a counterexample that replays as a real difference', () => {
  it('xdp2: the IPv4 header bounds check dropped', async () => {
    const obj = load('xdp2');
    const p = obj.programs[0];
    await expectRealDifference(obj, rewrite(p, [{ at: at(p, 23), remove: 3, insert: [] }]), { minLength: 14 });
  }, 60_000);

  it('xdp2: a wrong MAC fusion (the source MAC is not swapped in)', async () => {
    const obj = load('xdp2');
    const p = obj.programs[0];
    const swap = [ldx6(1, 6, 0), ldx6(2, 6, 6), stx6(6, 2, 0), stx6(6, 1, 5)];
    await expectRealDifference(obj, rewrite(p, [{ at: at(p, 57), remove: 12, insert: swap }]));
  }, 60_000);

  it('xdp2: the counter increment as a 32-bit add', async () => {
    const obj = load('xdp2');
    const p = obj.programs[0];
    const i = at(p, 55);
    expect(p.code.insns[i]).toMatchObject({ kind: 'alu', op: 'add', width: 64 });
    await expectRealDifference(obj, rewrite(p, [{ at: i, remove: 1, insert: [{ ...(p.code.insns[i] as Extract<Insn, { kind: 'alu' }>), width: 32 }] }]));
  }, 60_000);

  it('xdp2: a shift and the mask that follows it swapped', async () => {
    const obj = load('xdp2');
    const p = obj.programs[0];
    const i = at(p, 30);
    await expectRealDifference(obj, rewrite(p, [{ at: i, remove: 2, insert: [p.code.insns[i + 1], p.code.insns[i]] }]));
  }, 60_000);

  it('xdp1: a wrong exit-imm (PASS for DROP)', async () => {
    const obj = load('xdp1');
    const p = obj.programs[0];
    const e = exitImms(p)[0];
    const wrong = { ...e, insert: [exitImm(((e.insert[0] as { action: number }).action + 1) % 5)] };
    await expectRealDifference(obj, rewrite(p, [wrong]));
  }, 60_000);
});

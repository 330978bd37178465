// proveEquivalent's contract: the JSON shape of `proof`, `unknown` naming the obligation that ran
// out of time, counterexample maps that load as a fixture, and one-line errors (VerifyError with
// the instruction) for code outside the model, such as a loop.

import { describe, expect, it } from 'vitest';
import { exitImm, imm, reg } from '../../isa/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import { proveEquivalent, VerifyError } from '../../compiler/verify/index.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { programOf } from './harness.js';
import { peephole } from './rewrite.js';

describe('proveEquivalent', () => {
  it('answers proved with seconds and one region per observable part', async () => {
    const obj = loadFile('programs/xdp1/xdp1.o');
    const proof = await proveEquivalent(obj.programs[0], peephole(obj.programs[0]), { maps: obj.maps });
    expect(proof.status).toBe('proved');
    expect(proof.seconds).toBeGreaterThan(0);
    expect(proof.regions.map((r) => r.name)).toEqual(['action', 'packet length', 'packet bytes', 'redirect target', 'perf events', 'map rxcnt']);
    expect(proof.counterexample).toBeUndefined();
    expect(JSON.parse(JSON.stringify({ proof }))).toMatchObject({ proof: { status: 'proved' } });
  }, 60_000);

  it('answers unknown, naming the obligation, when the time limit is too short', async () => {
    const obj = loadFile('programs/simple_firewall/simple_firewall.o');
    const proof = await proveEquivalent(obj.programs[0], peephole(obj.programs[0]), { maps: obj.maps, timeoutSeconds: 0.001 });
    expect(proof.status).toBe('unknown');
    expect(proof.region).toBe(proof.regions[proof.regions.length - 1].name);
  }, 60_000);

  it('gives a counterexample whose maps load as a fixture', async () => {
    const obj = loadFile('programs/xdp1/xdp1.o');
    const p = obj.programs[0];
    // the final exit (r0 = the action) replaced by `exit XDP_TX`
    const insns = [...p.code.insns.slice(0, -1), exitImm(3)];
    const proof = await proveEquivalent(p, { ...p, code: { ...p.code, insns } }, { maps: obj.maps, minLength: 14 });
    expect(proof.status).toBe('counterexample');
    const cex = proof.counterexample!;
    expect(cex.packet).toMatch(/^([0-9a-f]{2})+$/);
    expect(cex.packet.length / 2).toBeGreaterThanOrEqual(14);
    expect(() => parseFixture({ maps: cex.maps }, 'counterexample')).not.toThrow();
    expect(cex.original.action).not.toBe(cex.compiled.action);
  }, 60_000);

  it('refuses a loop with one line naming the instruction', async () => {
    const loop = programOf([
      { kind: 'alu', op: 'mov', width: 64, dst: 0, src: imm(0) },
      { kind: 'alu', op: 'add', width: 64, dst: 0, src: imm(1) },
      { kind: 'jmp', cond: 'jlt', width: 64, dst: 0, src: imm(4), off: -2 },
      { kind: 'exit' },
    ]);
    const err = await proveEquivalent(loop, loop, { maps: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect((err as Error).message).toBe('original: instruction 2: a loop (back to instruction 1): unroll it first, or give an unroll bound');
  });

  it('refuses a number used as a pointer, naming the instruction', async () => {
    const bad = programOf([{ kind: 'ldx', size: 4, signed: false, dst: 0, src: 2, off: 0 }, { kind: 'exit' }]);
    await expect(proveEquivalent(bad, bad, { maps: [] })).rejects.toThrow(/^original: instruction 0: r2 is used as a pointer but holds a number$/);
  });

  it('takes a register used after a helper call clobbered it as an error, not a proof', async () => {
    const p = programOf([
      { kind: 'alu', op: 'mov', width: 64, dst: 1, src: imm(5) },
      { kind: 'call', target: 'helper', id: 5 },
      { kind: 'alu', op: 'mov', width: 64, dst: 0, src: reg(1) },
      { kind: 'exit' },
    ]);
    await expect(proveEquivalent(p, p, { maps: [] })).rejects.toThrow(/instruction 2: r1 is read while it holds an undefined value \(r1 clobbered by the helper call at instruction 1\)/);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IsaError, assemble, decodeProgram, encodeProgram, layoutProgram, validateProgram } from '../../isa/index.js';
import type { DecodedProgram, Insn } from '../../isa/index.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';

const decoded = (insns: Insn[]): DecodedProgram => decodeProgram(encodeProgram(insns));
const program = (...lines: string[]) => decoded(assemble(lines.join('\n')));

/** The IsaError validateProgram throws, checked to be one. */
function rejection(p: DecodedProgram): IsaError {
  try {
    validateProgram(p);
  } catch (e) {
    expect(e).toBeInstanceOf(IsaError);
    return e as IsaError;
  }
  throw new Error('validateProgram accepted the program');
}

describe('validateProgram', () => {
  it('accepts all 313 conformance programs', () => {
    const lines = readFileSync(`${CONFORMANCE_DIR}/assembled.jsonl`, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(313);
    for (const l of lines) validateProgram(decodeProgram(Buffer.from((JSON.parse(l) as { bytecode: string }).bytecode, 'hex')));
  });

  it('accepts programs ending in goto or exit N, and stores through r10', () => {
    validateProgram(program('L: stxdw [%r10-8], %r1', 'ja L'));
    validateProgram(program('mov %r0, 1', 'jeq %r0, 1, +1', 'ja32 -3', 'exit 2'));
    validateProgram(program('lock cmpxchg [%r1+0], %r10', 'exit'));
  });

  it('rejects an empty program', () => {
    const e = rejection(layoutProgram([]));
    expect(e.index).toBe(-1);
    expect(e.why).toMatch(/empty program/);
  });

  it('rejects jump targets outside the program, in either direction', () => {
    expect(rejection(program('mov %r0, 0', 'jeq %r0, 0, +1', 'exit'))).toMatchObject({ index: 1, why: expect.stringMatching(/jump target 3 .*outside/) });
    expect(rejection(program('ja -2', 'exit'))).toMatchObject({ index: 0, why: expect.stringMatching(/jump target -1/) });
    expect(rejection(program('exit', 'ja32 +1'))).toMatchObject({ index: 1, why: expect.stringMatching(/outside/) });
    expect(rejection(decoded([{ kind: 'call-local', off: 5 }, { kind: 'exit' }])))
      .toMatchObject({ index: 0, why: expect.stringMatching(/call target 6 .*outside/) });
  });

  it('rejects jumps and calls into the second half of an lddw', () => {
    expect(rejection(program('ja +1', 'lddw %r0, 1', 'exit'))).toMatchObject({ index: 0, why: expect.stringMatching(/second half of the lddw at 1/) });
    expect(rejection(decoded([{ kind: 'call-local', off: 1 }, { kind: 'lddw', dst: 0, pseudo: 0, lo: 0, hi: 0 }, { kind: 'exit' }])))
      .toMatchObject({ index: 0, why: expect.stringMatching(/call target 2 is the second half/) });
    expect(rejection(program('lddw %r1, 5', 'jne %r1, 0, -2', 'exit'))).toMatchObject({ index: 2, why: expect.stringMatching(/second half/) });
  });

  it('rejects every instruction that writes r10', () => {
    const writes = [
      'mov %r10, 1', 'add32 %r10, %r1', 'neg %r10', 'be16 %r10', 'ldxdw %r10, [%r1]', 'lddw %r10, 1', 'ldx6 %r10, [%r1+0]',
      'add %r10, %r1, 4', 'lock fetch add [%r1+0], %r10', 'lock xchg32 [%r1+0], %r10', 'movsx1664 %r10, %r1',
    ];
    for (const w of writes) {
      const e = rejection(program('mov %r0, 0', w, 'exit'));
      expect(e.index, w).toBe(1);
      expect(e.why, w).toMatch(/writes r10/);
    }
  });

  it('rejects a last instruction that falls off the end', () => {
    for (const last of ['mov %r0, 0', 'jeq %r0, 0, -1', 'call 1', 'stxw [%r10-4], %r0', 'lddw %r0, 7']) {
      const p = program('mov %r0, 0', last);
      const e = rejection(p);
      expect(e.index, last).toBe(1);
      expect(e.why, last).toMatch(/falls off the end/);
    }
  });
});

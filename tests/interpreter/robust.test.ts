// Nothing throws: random programs built from the opcode table (every instruction kind, random
// registers, offsets and immediates, map loads and helper calls) run to an action or a trap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALU_OPS, IsaError, JMP_CONDS, decodeProgram, encodeProgram } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { XDP_ACTIONS } from '../../simulator/engine.js';
import { mapDef, object, udpPacket } from './objects.js';

const HELPERS = [1, 2, 3, 5, 7, 8, 12, 23, 28, 44, 51, 54, 65, 69, 188, 189, 190, 6];
const maps = [mapDef('h', 'hash', 4, 8, 4), mapDef('a', 'array', 4, 8, 4), mapDef('j', 'prog_array', 4, 4, 2), mapDef('d', 'devmap', 4, 4, 4)];

const reg = fc.nat(9);
const anyReg = fc.nat(10);
const imm = fc.oneof(fc.integer({ min: -16, max: 64 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const operand = fc.oneof(reg.map((r) => ({ type: 'reg' as const, reg: r })), imm.map((v) => ({ type: 'imm' as const, value: v })));
const off = fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -520, max: 520 }));
const size = fc.constantFrom(1, 2, 4, 8) as fc.Arbitrary<1 | 2 | 4 | 8>;

/** Every instruction kind of RFC 9669, fields within their encodings. */
const insn: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({ kind: fc.constant('alu' as const), op: fc.constantFrom(...ALU_OPS.filter((o) => o !== 'movsx' && o !== 'neg')), width: fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>, dst: reg, src: operand }),
  fc.record({ kind: fc.constant('end' as const), order: fc.constantFrom('le', 'be') as fc.Arbitrary<'le' | 'be'>, bits: fc.constantFrom(16, 32, 64) as fc.Arbitrary<16 | 32 | 64>, dst: reg }),
  fc.record({ kind: fc.constant('jmp' as const), cond: fc.constantFrom(...JMP_CONDS), width: fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>, dst: anyReg, src: operand, off: fc.integer({ min: -4, max: 6 }) }),
  fc.record({ kind: fc.constant('ja' as const), off: fc.integer({ min: -3, max: 5 }), wide: fc.constant(false) }),
  fc.record({ kind: fc.constant('call' as const), target: fc.constant('helper' as const), id: fc.constantFrom(...HELPERS) }),
  fc.record({ kind: fc.constant('call-local' as const), off: fc.integer({ min: -4, max: 6 }) }),
  fc.constant({ kind: 'exit' as const }),
  fc.record({ kind: fc.constant('lddw' as const), dst: reg, pseudo: fc.constantFrom(0, 5, 4), lo: fc.nat(3), hi: fc.constant(0) }),
  fc.record({ kind: fc.constant('ldx' as const), size, signed: fc.constant(false), dst: reg, src: anyReg, off }),
  fc.record({ kind: fc.constant('st' as const), size, dst: anyReg, off, imm }),
  fc.record({ kind: fc.constant('stx' as const), size, dst: anyReg, src: reg, off }),
  fc.record({ kind: fc.constant('atomic' as const), op: fc.constantFrom('add', 'or', 'xchg', 'cmpxchg') as fc.Arbitrary<'add'>, fetch: fc.boolean(), size: fc.constantFrom(4, 8) as fc.Arbitrary<4 | 8>, dst: anyReg, src: reg, off }),
);

describe('robustness', () => {
  it('random programs end with an action or a trap, never an exception', () => {
    let ran = 0;
    const kinds = new Set<string>();
    fc.assert(fc.property(fc.array(insn, { minLength: 1, maxLength: 24 }), fc.nat(200), (insns, size) => {
      let code;
      try {
        const exit: Insn = { kind: 'exit' };
        const all: Insn[] = [...insns, exit].map((i: Insn) => (i.kind === 'atomic' && (i.op === 'xchg' || i.op === 'cmpxchg') ? { ...i, fetch: true } : i));
        code = decodeProgram(encodeProgram(all));
      } catch (e) {
        if (e instanceof IsaError) return;
        throw e;
      }
      const prog = { name: 'r', section: 'xdp', code, functions: [{ name: 'r', start: 0 }], mapRefs: new Map() };
      const s = new InterpreterSession(object([prog], maps), 'r', { maps: { j: { entries: [{ key: '00000000', program: 'r' }] } } }, { budget: 5000 });
      ran++;
      for (let i = 0; i < 2; i++) {
        const r = s.runSync({ packet: udpPacket(14 + size) });
        kinds.add(r.trap?.kind ?? r.action);
        if (r.trap) expect(r.code).toBe(0);
        expect(typeof r.action).toBe('string');
        if (r.code < 5) expect(r.action).toBe(XDP_ACTIONS[r.code]);
        expect(r.insnsExecuted).toBeLessThanOrEqual(5000);
      }
    }), { numRuns: 3000, seed: 20261123 });
    expect(ran).toBeGreaterThan(1000);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['out-of-bounds', 'bad-pointer', 'budget', 'invalid-insn', 'XDP_ABORTED', 'XDP_DROP']));
  });
});

// The helper models against the interpreter: map lookup (and a write through the pointer), update
// with every flag, delete, on a hash map and an array map with random contents; adjust_head,
// adjust_tail and redirect with random arguments. Same action, packet, map entries and redirect.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitImm, imm, reg } from '../../isa/index.js';
import type { Insn } from '../../isa/index.js';
import type { MapDef } from '../../compiler/loader/types.js';
import { evaluate, interpret, programOf } from './harness.js';
import type { MapSetup } from './harness.js';

const RUNS = { numRuns: 15 };
const defs: MapDef[] = [
  { name: 'h', type: 'hash', typeId: 1, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0 },
  { name: 'a', type: 'array', typeId: 2, keySize: 4, valueSize: 8, maxEntries: 3, flags: 0 },
];

const mov = (dst: number, src: number | Insn['kind']): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: typeof src === 'number' ? imm(src) : reg(0) });
const movr = (dst: number, src: number): Insn => ({ kind: 'alu', op: 'mov', width: 64, dst, src: reg(src) });
const add = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'add', width: 64, dst, src: imm(k) });
const and = (dst: number, k: number): Insn => ({ kind: 'alu', op: 'and', width: 64, dst, src: imm(k) });
const ldx = (size: 1 | 4 | 8, dst: number, src: number, off: number): Insn => ({ kind: 'ldx', size, signed: false, dst, src, off });
const stx = (size: 4 | 8, dst: number, src: number, off: number): Insn => ({ kind: 'stx', size, dst, src, off });
const call = (id: number): Insn => ({ kind: 'call', target: 'helper', id });
const mapFd = (dst: number, map: number): Insn => ({ kind: 'lddw', dst, pseudo: 5, lo: map, hi: 0 });
const jgt = (dst: number, src: number, off: number): Insn => ({ kind: 'jmp', cond: 'jgt', width: 64, dst, src: reg(src), off });
const keyPtr: Insn[] = [movr(2, 10), add(2, -4)];

/** r9 = ctx, r6 = data; exit DROP unless 16 bytes; key (u32 at r10 - 4) = packet[0] & 3; body; exit PASS. */
function program(body: Insn[]): Insn[] {
  const rest = [ldx(1, 8, 6, 0), and(8, 3), stx(4, 10, 8, -4), ...body, mov(0, 2), { kind: 'exit' } as Insn];
  const skip = rest.reduce((n, insn) => n + (insn.kind === 'lddw' ? 2 : 1), 0);
  return [movr(9, 1), ldx(4, 6, 1, 0), ldx(4, 7, 1, 4), movr(8, 6), add(8, 16), jgt(8, 7, skip), ...rest, exitImm(1)];
}

const lookup = (map: number): Insn[] => [
  mapFd(1, map), ...keyPtr, call(1), { kind: 'jmp', cond: 'jeq', width: 64, dst: 0, src: imm(0), off: 4 },
  ldx(8, 1, 0, 0), add(1, 1), stx(8, 0, 1, 0), stx(8, 6, 1, 8),
];
const update = (map: number): Insn[] => [
  ldx(8, 1, 6, 8), stx(8, 10, 1, -16), ldx(1, 4, 6, 1), and(4, 3),
  mapFd(1, map), ...keyPtr, movr(3, 10), add(3, -16), call(2), stx(8, 6, 0, 8),
];
const remove = (map: number): Insn[] => [mapFd(1, map), ...keyPtr, call(3), stx(8, 6, 0, 8)];
/** adjust_head (44) or adjust_tail (65) by the signed byte at packet[2]; its result at data + 8 when 16 bytes remain */
const adjust = (id: 44 | 65): Insn[] => [
  ldx(1, 2, 6, 2), { kind: 'alu', op: 'movsx', width: 64, dst: 2, src: reg(2), extBits: 8 }, movr(1, 9), call(id),
  ldx(4, 6, 9, 0), ldx(4, 7, 9, 4), movr(8, 6), add(8, 16), jgt(8, 7, 1), stx(8, 6, 0, 8),
];
const redirect: Insn[] = [ldx(1, 1, 6, 3), and(1, 7), ldx(1, 2, 6, 4), and(2, 1), call(23), { kind: 'exit' }];

const entry = fc.record({ present: fc.boolean(), value: fc.uint8Array({ minLength: 8, maxLength: 8 }) });
const setup = fc.tuple(fc.array(entry, { minLength: 4, maxLength: 4 }), fc.array(fc.uint8Array({ minLength: 8, maxLength: 8 }), { minLength: 3, maxLength: 3 }))
  .map(([h, a]): MapSetup => ({
    defs, keys: 4,
    entries: [
      h.flatMap((e, k) => (e.present ? [{ key: Uint8Array.of(k, 0, 0, 0), value: e.value }] : [])),
      a.map((value, k) => ({ key: Uint8Array.of(k, 0, 0, 0), value })),
    ],
  }));
const packet = fc.uint8Array({ minLength: 14, maxLength: 80 });

async function agree(body: Insn[], maps: MapSetup, pkt: Uint8Array): Promise<void> {
  const p = programOf(program(body));
  expect(await evaluate(p, pkt, maps)).toEqual(await interpret(p, pkt, maps));
}

describe('helper models equal the interpreter', () => {
  for (const [name, body] of [
    ['lookup (hash)', lookup(0)], ['lookup (array)', lookup(1)], ['update (hash)', update(0)], ['update (array)', update(1)],
    ['delete (hash)', remove(0)], ['delete (array)', remove(1)], ['adjust_head', adjust(44)], ['adjust_tail', adjust(65)], ['redirect', redirect],
  ] as const)
    it(name, async () => {
      await fc.assert(fc.asyncProperty(setup, packet, async (maps, pkt) => agree([...body], maps, pkt)), RUNS);
    });
});

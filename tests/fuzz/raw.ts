// Fuzz harness: raw bytecode. Code sections of the clang objects and the conformance programs,
// mutated per instruction field (opcode, registers, offset, immediate) and by random byte edits.

import fc from 'fast-check';
import { exerciseObject } from './harness.js';
import type { FuzzInput, Harness } from './harness.js';
import { applyByte, byteMutation, describeByte, INTERESTING, pick, writeInt } from './mutate.js';
import type { ByteMutation } from './mutate.js';
import { judge } from './oracle.js';
import { rawSeeds } from './seeds.js';

/** [slot, field (0 opcode, 1 regs, 2 off, 3 imm), value] */
type SlotMutation = readonly ['slot', number, number, number] | readonly ['bytes', ByteMutation];

const FIELDS = [[0, 1], [1, 1], [2, 2], [4, 4]] as const;
/** opcodes worth trying: lddw, calls, exits, jumps, atomics, the core's syllables, invalid ones */
const OPCODES = [0x18, 0x85, 0x8d, 0x95, 0x96, 0x05, 0x06, 0x15, 0xdb, 0xc3, 0xe1, 0xe3, 0x20, 0x40, 0x00, 0xff, 0x8e, 0xd4, 0xdc];

const slotMutation: fc.Arbitrary<SlotMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('slot' as const), fc.nat(), fc.nat({ max: 3 }), fc.nat()) },
  { weight: 2, arbitrary: byteMutation.map((m) => ['bytes', m] as const) },
);

function apply(seed: Uint8Array, muts: readonly SlotMutation[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  for (const m of muts) {
    if (m[0] === 'bytes') {
      b = applyByte(b, m[1]);
      continue;
    }
    const slots = Math.floor(b.length / 8);
    if (!slots) continue;
    const [off, width] = FIELDS[m[2]];
    const r = m[3];
    const v = m[2] === 0 ? BigInt(r % 2 ? OPCODES[r % OPCODES.length] : r & 0xff) : r % 3 === 0 ? INTERESTING[r % INTERESTING.length] : BigInt(r);
    writeInt(b, (m[1] % slots) * 8 + off, width, v);
  }
  return b;
}

export const rawHarness: Harness<Uint8Array> = {
  format: 'raw',
  async inputs() {
    return fc.tuple(pick(rawSeeds()), fc.array(slotMutation, { minLength: 1, maxLength: 6 })).map(([s, muts]): FuzzInput<Uint8Array> => ({
      label: `${s.name} ${muts.map((m) => (m[0] === 'bytes' ? describeByte(m[1]) : `slot${m[1]}.f${m[2]}=${m[3]}`)).join('; ')}`,
      value: apply(s.value, muts),
    }));
  },
  check: (bytes) => judge(() => exerciseObject(bytes, 'fuzz.bin'), 'fuzz.bin'),
};

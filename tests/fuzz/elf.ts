// Fuzz harness: ELF objects. Real clang objects mutated by structure (header, section header,
// symbol, relocation, instruction, map and BTF fields set to boundary, huge or borrowed values;
// cuts at section boundaries; swapped section headers) and by random byte edits.

import fc from 'fast-check';
import { elfLayout } from './elf-fields.js';
import type { ElfLayout } from './elf-fields.js';
import { exerciseObject } from './harness.js';
import type { FuzzInput, Harness } from './harness.js';
import { applyByte, byteMutation, describeByte, INTERESTING, pick, writeInt } from './mutate.js';
import type { ByteMutation } from './mutate.js';
import { judge } from './oracle.js';
import { objectSeeds } from './seeds.js';

const U64 = (1n << 64n) - 1n;
const STRATEGIES = 8;

type ElfMutation =
  | readonly ['field', number, number, bigint, number]
  | readonly ['cut', number, number]
  | readonly ['swap', number, number]
  | readonly ['bytes', ByteMutation];

const elfMutation: fc.Arbitrary<ElfMutation> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constant('field' as const), fc.nat(), fc.nat({ max: STRATEGIES - 1 }), fc.bigInt({ min: 0n, max: U64 }), fc.integer({ min: -16, max: 16 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('cut' as const), fc.nat(), fc.integer({ min: -3, max: 3 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('swap' as const), fc.nat(), fc.nat()) },
  { weight: 3, arbitrary: byteMutation.map((m) => ['bytes', m] as const) },
);

function readInt(b: Uint8Array, off: number, width: number): bigint {
  let v = 0n;
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

/** The new value of a field: a boundary value, a nudge, a random value, the file size, a bit flip, another field's value. */
function fieldValue(b: Uint8Array, layout: ElfLayout, old: bigint, width: number, strategy: number, r: bigint, delta: number): bigint {
  const mask = (1n << BigInt(width * 8)) - 1n;
  switch (strategy) {
    case 0: return INTERESTING[Number(r % BigInt(INTERESTING.length))];
    case 1: return (old + BigInt(delta)) & mask;
    case 2: return r & mask;
    case 3: return BigInt(Math.max(0, b.length + delta));
    case 4: return old ^ (1n << (r % BigInt(width * 8)));
    case 5: {
      const f = layout.fields[Number(r % BigInt(layout.fields.length))];
      return readInt(b, f.off, f.width);
    }
    case 6: return (old + (1n << 32n) * BigInt(delta || 1)) & mask;
    default: return mask - BigInt(Math.abs(delta));
  }
}

function apply(seed: Uint8Array, layout: ElfLayout, muts: readonly ElfMutation[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seed);
  for (const m of muts) {
    if (m[0] === 'field' && layout.fields.length) {
      const f = layout.fields[m[1] % layout.fields.length];
      if (f.off + f.width > b.length) continue;
      writeInt(b, f.off, f.width, fieldValue(b, layout, readInt(b, f.off, f.width), f.width, m[2], m[3], m[4]));
    } else if (m[0] === 'cut') {
      const at = layout.cuts[m[1] % layout.cuts.length] + m[2];
      b = b.subarray(0, Math.max(0, Math.min(b.length, at)));
    } else if (m[0] === 'swap') {
      const heads = layout.fields.filter((f) => f.name.endsWith('.sh_name')).map((f) => f.off);
      if (heads.length < 2) continue;
      const [x, y] = [heads[m[1] % heads.length], heads[m[2] % heads.length]];
      if (Math.max(x, y) + 64 > b.length) continue;
      const tmp = b.slice(x, x + 64);
      b.copyWithin(x, y, y + 64);
      b.set(tmp, y);
    } else if (m[0] === 'bytes') b = applyByte(b, m[1]);
  }
  return b;
}

function describe(layout: ElfLayout, m: ElfMutation): string {
  switch (m[0]) {
    case 'field': return `${layout.fields.length ? layout.fields[m[1] % layout.fields.length].name : '-'}:s${m[2]}:${m[3].toString(16)}:${m[4]}`;
    case 'cut': return `cut@${layout.cuts[m[1] % layout.cuts.length]}${m[2] >= 0 ? '+' : ''}${m[2]}`;
    case 'swap': return `swap-shdr ${m[1]},${m[2]}`;
    case 'bytes': return describeByte(m[1]);
  }
}

export const elfHarness: Harness<Uint8Array> = {
  format: 'elf',
  async inputs() {
    const seeds = objectSeeds().map((s) => ({ ...s, layout: elfLayout(s.value) }));
    return fc.tuple(pick(seeds), fc.array(elfMutation, { minLength: 1, maxLength: 6 })).map(([s, muts]): FuzzInput<Uint8Array> => ({
      label: `${s.name} ${muts.map((m) => describe(s.layout, m)).join('; ')}`,
      value: apply(s.value, s.layout, muts),
    }));
  },
  check: (bytes) => judge(() => exerciseObject(bytes, 'fuzz.o'), 'fuzz.o'),
};

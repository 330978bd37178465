// Fuzz harness: llvm-objdump listings (-d, -dr, -dS) of the clang objects, mutated by lines
// (dropped, repeated, swapped, tokens replaced: bytes, addresses, relocation types and symbols)
// and by random byte edits of the text.

import fc from 'fast-check';
import { exerciseObject } from './harness.js';
import type { FuzzInput, Harness } from './harness.js';
import { applyBytes, applyLines, byteMutations, describeByte, describeLine, lineMutations, pick } from './mutate.js';
import { judge } from './oracle.js';
import { listingSeeds } from './seeds.js';

const enc = new TextEncoder();

export const listingHarness: Harness<Uint8Array> = {
  format: 'listing',
  async inputs() {
    const seeds = listingSeeds().map((s) => ({ ...s, bytes: enc.encode(s.value) }));
    const byLines = fc.tuple(pick(seeds), lineMutations()).map(([s, muts]): FuzzInput<Uint8Array> => ({
      label: `${s.name} ${muts.map(describeLine).join('; ')}`,
      value: enc.encode(applyLines(s.value, muts)),
    }));
    const byBytes = fc.tuple(pick(seeds), byteMutations(4)).map(([s, muts]): FuzzInput<Uint8Array> => ({
      label: `${s.name} ${muts.map(describeByte).join('; ')}`,
      value: applyBytes(s.bytes, muts),
    }));
    return fc.oneof({ weight: 3, arbitrary: byLines }, { weight: 1, arbitrary: byBytes });
  },
  check: (bytes) => judge(() => exerciseObject(bytes, 'fuzz.lst'), 'fuzz.lst'),
};

// Robustness of the loader: mutated, truncated and random inputs give a LoadError or a result,
// never another exception (a later issue fuzzes the loader at length; this is the smoke test).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBytes, LoadError } from '../../compiler/loader/index.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { C_PROGRAMS, compiled, llvmObjdump } from './compile.js';

/** Loads, and fails the property only when something other than a LoadError is thrown. */
function survives(bytes: Uint8Array): boolean {
  try {
    loadBytes(bytes, 'fuzz.o');
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    expect(e.message.startsWith('fuzz.o: ')).toBe(true);
    expect(e.message).not.toContain('\n');
  }
  return true;
}

const mutate = (base: Uint8Array) =>
  fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
    const b = Uint8Array.from(base);
    for (const [at, v] of edits) b[at] = v;
    return b;
  });

describe('random input', () => {
  it('random bytes', () => fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), survives), { numRuns: 500 }));
  it('random text', () => fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => survives(new TextEncoder().encode(s))), { numRuns: 300 }));
});

describe.skipIf(needs(toolMissing('clang'), toolMissing('llvm-objdump')))('mutated clang objects and listings', () => {
  for (const name of C_PROGRAMS) {
    it(`${name}.o with bytes changed`, () => {
      fc.assert(fc.property(mutate(new Uint8Array(readFileSync(compiled(name)))), survives), { numRuns: 300 });
    });
    it(`${name}.o cut at every 7th byte`, () => {
      const bytes = new Uint8Array(readFileSync(compiled(name)));
      for (let n = 0; n < bytes.length; n += 7) survives(bytes.subarray(0, n));
    });
    it(`${name} llvm-objdump -dr listing with bytes changed`, () => {
      const text = new TextEncoder().encode(llvmObjdump(['-dr'], compiled(name)));
      fc.assert(fc.property(mutate(text), survives), { numRuns: 200 });
    });
  }
});

// Every loop over input is bounded by the input's size: large well-formed inputs of each format
// (many functions, sections, lines, records, entries) load without overflowing the stack, and
// eight times the input takes about eight times as long, not sixty-four (no loop quadratic in a
// count the file chooses). Timings are the best of five, compared as a ratio, to stand machine load.

import { describe, expect, it } from 'vitest';
import { loadBytes } from '../../compiler/loader/index.js';
import { disasmLines } from '../../compiler/loader/print.js';
import { dataFileProgram, parseDataFile } from '../../isa/index.js';
import { parsePcap } from '../../simulator/pcap/index.js';
import { compileSpec, generateTraffic } from '../../simulator/traffic/index.js';
import type { TrafficSpec } from '../../simulator/traffic/index.js';
import { exerciseObject } from '../fuzz/harness.js';
import { dataFileLines, elfManyCalls, elfManySections, listingManyCalls, pcapRecords, specManyEntries } from './large-inputs.js';

const FACTOR = 8;
/** Linear work gives a ratio near 8; quadratic near 64 (the margin is for GC and a loaded machine). */
const MAX_RATIO = 24;
const enc = new TextEncoder();

function best(f: () => void): number {
  let ms = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

const CASES: [string, number, (n: number) => () => void][] = [
  ['ELF, an entry calling n functions (info, disasm, --program, run)', 2000, (n) => {
    const b = elfManyCalls(n);
    return () => exerciseObject(b, 'big.o');
  }],
  ['ELF, n code sections', 2000, (n) => {
    const b = elfManySections(n);
    return () => exerciseObject(b, 'big.o');
  }],
  ['llvm-objdump listing, n functions and relocations', 2000, (n) => {
    const b = enc.encode(listingManyCalls(n));
    return () => exerciseObject(b, 'big.lst');
  }],
  ['.data file, n labels and jumps', 2500, (n) => {
    const t = dataFileLines(n);
    return () => dataFileProgram(parseDataFile(t));
  }],
  ['pcap, n empty records', 100_000, (n) => {
    const b = pcapRecords(n, 0);
    return () => parsePcap(b, 'big.pcap');
  }],
  ['traffic spec, n entries and replies', 500, (n) => {
    const s = specManyEntries(n) as TrafficSpec;
    return () => {
      for (const p of generateTraffic(compileSpec(s, 'big.json'), { packets: 200 })) void p;
    };
  }],
];

describe.each(CASES)('%s', (_, n, make) => {
  it(`${FACTOR} × ${n} takes less than ${MAX_RATIO} × the time of ${n}`, () => {
    const small = best(make(n));
    const large = best(make(FACTOR * n));
    console.log(`${_}: ${n} in ${small.toFixed(1)} ms, ${FACTOR * n} in ${large.toFixed(1)} ms (× ${(large / small).toFixed(1)})`);
    expect(large / Math.max(small, 1)).toBeLessThan(MAX_RATIO);
  }, 120_000);
});

describe('more lines than a call may take arguments (was: RangeError, stack overflow in push(...lines))', () => {
  it('disassembles a 200,000-instruction program, whole, linked and by program', () => {
    const b = Uint8Array.from(Buffer.from('b700000000000000'.repeat(200_000) + '9500000000000000', 'hex'));
    const obj = loadBytes(b, 'long.bin');
    expect(disasmLines(obj).length).toBeGreaterThan(200_000);
    expect(disasmLines(obj, { linked: true, program: 'long' }).length).toBeGreaterThan(200_000);
  });

  it('info and disasm --program on an object with 32,000 functions', () => {
    expect(() => exerciseObject(elfManyCalls(32_000), 'big.o')).not.toThrow();
  }, 60_000);
});

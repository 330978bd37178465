// Every bpf_conformance test of ../shared/conformance on every engine that runs raw programs
// (the interpreter, and a naive per-instruction stepper over the shared machine's semantics,
// tests/machine/stepper.ts; later engines join ENGINES): the program assembled from the .data file
// (isa/asm), run on its memory, r0 compared with `-- result` (or the error with `-- error`).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFileProgram, parseDataFile } from '../../isa/index.js';
import { runConformance } from '../../simulator/interpreter/conformance.js';
import type { ConformanceOutcome } from '../../simulator/interpreter/conformance.js';
import { CONFORMANCE_DIR } from '../helpers/paths.js';
import { stepConformance } from '../machine/stepper.js';

const files = readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.data')).sort();

const ENGINES: { name: string; run: (program: Uint8Array, mem: Uint8Array) => ConformanceOutcome }[] = [
  { name: 'interpreter', run: (p, m) => runConformance(p, m) },
  { name: 'machine stepper', run: (p, m) => stepConformance(p, m) },
];

describe('bpf_conformance', () => {
  it('finds all 313 test files', () => expect(files.length).toBe(313));

  for (const e of ENGINES) for (const f of files) {
    it(`${f} [${e.name}]`, () => {
      const d = parseDataFile(readFileSync(join(CONFORMANCE_DIR, f), 'utf8'));
      const out = e.run(dataFileProgram(d), d.mem);
      if (d.error !== undefined) {
        expect(out.ok).toBe(false);
        if (!out.ok) expect(out.error).toContain(d.error);
        return;
      }
      if (!out.ok) throw new Error(`${f}: ${out.error}`);
      expect('0x' + out.r0.toString(16)).toBe('0x' + d.result!.toString(16));
    });
  }
});

// The differential comparison as a fast-check property on simple programs (xdp1, router_ipv4):
// every run starts from the fixture's maps (a fresh interpreter session, the kernel's changed
// entries written back), so runs are independent and a counterexample shrinks to a small frame.

import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import type { MapsSnapshot } from '../../simulator/engine.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { compareMaps, compareOutcomes } from './compare.js';
import { inputArbitrary } from './packets.js';
import { EnginePair, loadProgram } from './pair.js';

const RUNS = Number(process.env.XDP2HW_DIFF_PROPERTY_RUNS ?? 150);
const SEED = Number(process.env.XDP2HW_DIFF_SEED ?? 0x7e57);
const PROGRAMS = ['xdp1', 'router_ipv4'] as const;

const open = new Set<EnginePair>();
afterAll(async () => {
  for (const p of open) await p.close();
});

describe.skipIf(needs(kernelMissing()))('differential property: one frame from the fixture state', () => {
  for (const name of PROGRAMS) {
    it(`${name}: interpreter = kernel on ${RUNS} independent frames`, async () => {
      const c = loadProgram(PROGRAMS_DIR, name);
      const pair = await EnginePair.open(c.obj, c.obj.programs[0].name, c.fixture);
      open.add(pair);
      try {
        const start: MapsSnapshot = await pair.kernel.readMaps();
        const filled = compareMaps(start, await pair.interp.readMaps());
        if (filled) throw new Error(`maps after filling differ:\n  kernel:      ${filled.kernel}\n  interpreter: ${filled.interpreter}`);
        const property = fc.asyncProperty(inputArbitrary(c.plan), async (input) => {
          await pair.reset(start);
          const { kernel, interp } = await pair.run(input);
          const differences = compareOutcomes(kernel, interp);
          if (differences.length === 0) return;
          const lines = differences.map((d) => `  ${d.field}:\n    kernel:      ${d.kernel}\n    interpreter: ${d.interpreter}`);
          throw new Error(`${input.label}: ${bytesToHex(input.packet)}\n${lines.join('\n')}`);
        });
        await fc.assert(property, { seed: SEED, numRuns: RUNS });
      } finally {
        open.delete(pair);
        await pair.close();
      }
    }, 300_000);
  }
});

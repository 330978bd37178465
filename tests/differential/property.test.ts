// The differential comparison as a fast-check property on simple programs (xdp1, router_ipv4), on
// the engines of XDP2HW_DIFF_ENGINES (default kernel, interpreter): every run starts from the
// fixture's maps (each engine's changed entries written back), so runs are independent and a
// counterexample shrinks to a small frame.

import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import type { MapsSnapshot } from '../../simulator/engine.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { compareMaps, compareOutcomes } from './compare.js';
import type { Difference } from './compare.js';
import { inputArbitrary } from './packets.js';
import { differentialEngines, EngineSet, loadProgram } from './engines.js';

const RUNS = Number(process.env.XDP2HW_DIFF_PROPERTY_RUNS ?? 150);
const SEED = Number(process.env.XDP2HW_DIFF_SEED ?? 0x7e57);
const PROGRAMS = ['xdp1', 'router_ipv4'] as const;
const ENGINES = differentialEngines();
const NAMES = ENGINES.map((e) => e.name);
const NEEDS_KERNEL = NAMES.includes('kernel');

const open = new Set<EngineSet>();
afterAll(async () => {
  for (const p of open) await p.close();
});

/** Both sides of each difference, under the two engines' names. */
function describeDifferences(differences: Difference[], other: string): string {
  return differences.map((d) => `  ${d.field}:\n    ${NAMES[0]}: ${d.reference}\n    ${other}: ${d.other}`).join('\n');
}

describe.skipIf(needs(NEEDS_KERNEL ? kernelMissing() : undefined))('differential property: one frame from the fixture state', () => {
  for (const name of PROGRAMS) {
    it(`${name}: ${NAMES.slice(1).join(', ')} = ${NAMES[0]} on ${RUNS} independent frames`, async () => {
      const c = loadProgram(PROGRAMS_DIR, name);
      const set = await EngineSet.open(ENGINES, c.obj, c.obj.programs[0].name, c.fixture);
      open.add(set);
      try {
        const start: MapsSnapshot = await set.reference.readMaps();
        for (const other of set.others) {
          const filled = compareMaps(start, await other.readMaps());
          if (filled) throw new Error(`maps after filling differ:\n${describeDifferences([filled], other.engine)}`);
        }
        const property = fc.asyncProperty(inputArbitrary(c.plan), async (input) => {
          await set.reset(start);
          const [ref, ...others] = await set.run(input);
          others.forEach((o, k) => {
            const differences = compareOutcomes(ref, o);
            if (differences.length > 0) throw new Error(`${input.label}: ${bytesToHex(input.packet)}\n${describeDifferences(differences, NAMES[k + 1])}`);
          });
        });
        await fc.assert(property, { seed: SEED, numRuns: RUNS });
      } finally {
        open.delete(set);
        await set.close();
      }
    }, 300_000);
  }
});

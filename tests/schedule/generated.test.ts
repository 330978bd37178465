// Issue 18 acceptance on fast-check-generated programs (gen.ts: straight-line ALU, packet loads
// and stores after a bounds check, branches, helper calls, map lookups): the rows engine equals
// the interpreter for every strategy, lanes 1, 2, 4 and 8, on both core presets (and motion with
// the speculative-load extension).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleObject, STRATEGIES } from '../../compiler/schedule/index.js';
import { HXDP, XDP2HW } from '../../isa/index.js';
import { createEngine } from '../../simulator/engines.js';
import { compareOutcomes } from '../differential/compare.js';
import { EngineSet, loadProgram } from '../differential/engines.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { buildProgram, itemsArb, objectWith } from './gen.js';
import { EXTENDED } from './rows-diff.js';

const shell = loadProgram(PROGRAMS_DIR, 'xdp1');
const PROGRAMS = Number(process.env.XDP2HW_SCHED_PROGRAMS ?? 25);

describe('rows engine = interpreter on generated programs', () => {
  it(`${PROGRAMS} programs × every strategy × lanes 1, 2, 4, 8 × hxdp, xdp2hw, hxdp+crossbar+extensions`, async () => {
    const packets = fc.array(fc.uint8Array({ minLength: 64, maxLength: 120 }), { minLength: 3, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(itemsArb, packets, async (items, frames) => {
        const obj = objectWith(shell.obj, buildProgram(items, 'gen'));
        const combos = STRATEGIES.flatMap((strategy) => [1, 2, 4, 8].flatMap((lanes) => [HXDP, XDP2HW].map((core) => ({ strategy, lanes, core, speculativeLoads: false }))));
        combos.push(...[1, 2, 4, 8].map((lanes) => ({ strategy: 'motion' as const, lanes, core: HXDP, speculativeLoads: true })));
        combos.push(...STRATEGIES.flatMap((strategy) => [1, 2, 4, 8].map((lanes) => ({ strategy, lanes, core: EXTENDED, speculativeLoads: false }))));
        for (const { strategy, lanes, core, speculativeLoads } of combos) {
          const schedule = () => scheduleObject(obj, 'gen', { core, lanes, strategy, timeLimitMs: 5, speculativeLoads }).program;
          const set = await EngineSet.open([createEngine('interpreter'), createEngine('rows', { schedule })], obj, 'gen', shell.fixture);
          try {
            for (const packet of frames) {
              const [ref, rows] = await set.run({ packet, label: '' });
              expect(ref.kind === 'ran' && ref.result.trap).toBeFalsy();
              const d = compareOutcomes(ref, rows);
              expect(d, `${strategy} ${lanes} lanes ${core.name}${speculativeLoads ? ' speculative loads' : ''}: ${JSON.stringify(d)}`).toEqual([]);
            }
          } finally {
            await set.close();
          }
        }
      }),
      { numRuns: PROGRAMS, seed: 0x5c4ed },
    );
  }, 120_000);
});

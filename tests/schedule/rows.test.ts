// Issue 18 acceptance, kept fast: the rows engine equals the interpreter on every program of
// programs/ for every strategy, lanes 1, 2, 4 and 8 and both core presets (a few fast-check
// exchanges and traffic packets per combination; bench/schedule-diff.ts runs them all).

import { describe, expect, it } from 'vitest';
import { scheduleObject, ScheduleError, STRATEGIES } from '../../compiler/schedule/index.js';
import { HXDP, XDP2HW } from '../../isa/index.js';
import { loadProgram, programNames } from '../differential/engines.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { EXTENDED, inputsOf, rowsDiff } from './rows-diff.js';

const LANES = [1, 2, 4, 8];
const EXCHANGES = 3;
const TRAFFIC = 6;

describe('rows engine = interpreter', () => {
  for (const name of programNames(PROGRAMS_DIR)) {
    it(`${name}: every strategy × lanes 1, 2, 4, 8 × hxdp, xdp2hw; × lanes 4 × hxdp+crossbar+extensions (rows, core)`, async () => {
      const c = loadProgram(PROGRAMS_DIR, name);
      const inputs = inputsOf(c, EXCHANGES, TRAFFIC);
      const shown: string[] = [];
      let mismatches = 0, runs = 0;
      for (const p of c.obj.programs) {
        try {
          scheduleObject(c.obj, p.name, { core: HXDP, strategy: 'sequential' });
        } catch (e) {
          // refused programs (BPF-to-BPF calls, tail calls) must be refused with a reason
          expect(e).toBeInstanceOf(ScheduleError);
          continue;
        }
        for (const strategy of STRATEGIES)
          for (const lanes of LANES)
            for (const core of [HXDP, XDP2HW]) {
              const r = await rowsDiff(c, p.name, { strategy, lanes, core }, inputs);
              mismatches += r.mismatches;
              runs += r.packets;
              shown.push(...r.shown);
            }
        // the speculative-load extension (motion only)
        for (const lanes of LANES) {
          const r = await rowsDiff(c, p.name, { strategy: 'motion', lanes, core: HXDP, speculativeLoads: true }, inputs);
          mismatches += r.mismatches;
          shown.push(...r.shown);
        }
        // the crossbar core with every extension (fused call, memory add, speculative loads) at 4 lanes on
        // the row executor and the cycle-accurate core (generated.test.ts and bench/schedule.ts: all lanes)
        for (const strategy of STRATEGIES)
          for (const lanes of [4])
            for (const engine of ['rows', 'core'] as const) {
              const r = await rowsDiff(c, p.name, { strategy, lanes, core: EXTENDED, engine }, inputs);
              mismatches += r.mismatches;
              shown.push(...r.shown.map((s) => `${engine}: ${s}`));
            }
      }
      expect(shown.slice(0, 5).join('\n')).toBe('');
      expect(mismatches).toBe(0);
      expect(runs >= 0).toBe(true);
    });
  }
});

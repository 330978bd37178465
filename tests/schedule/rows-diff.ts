// The rows engine against the reference interpreter on one program: the same inputs through
// both (maps accumulate in each), mismatches on action, code, packet, maps and instruction
// count. Shared by tests/schedule/rows.test.ts (few packets) and bench/schedule-diff.ts (all).

import fc from 'fast-check';
import { scheduleObject } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { HXDP } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { createEngine } from '../../simulator/engines.js';
import { bytesToHex } from '../../simulator/maps/fixture.js';
import { compareOutcomes } from '../differential/compare.js';
import { EngineSet, trafficInputs } from '../differential/engines.js';
import type { ProgramCase } from '../differential/engines.js';
import type { DiffInput } from '../differential/frame.js';
import { exchangeArbitrary } from '../differential/packets.js';
import { trafficProfile } from './profile.js';

export interface RowsCombo {
  readonly strategy: Strategy;
  readonly lanes: number;
  readonly core: CoreConfig;
  /** optimal's time per block */
  readonly timeLimitMs?: number;
  readonly speculativeLoads?: boolean;
  /** the engine run against the interpreter (default rows) */
  readonly engine?: 'rows' | 'core';
}

/** hXDP's core with a crossbar and every extension of CoreConfig.extensions on. */
export const EXTENDED: CoreConfig = {
  ...HXDP, name: 'hxdp+crossbar+extensions', forwarding: 'crossbar',
  extensions: { fusedCallNullTest: true, memoryAdd: true, speculativeLoads: true },
};

/** `exchanges` fast-check exchanges (seeded by the name) and the first `traffic` packets of the program's own traffic. */
export function inputsOf(c: ProgramCase, exchanges: number, traffic: number, seed = 0x5eed): DiffInput[] {
  let h = seed;
  for (const ch of c.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) | 0;
  return [...fc.sample(exchangeArbitrary(c.plan), { seed: h, numRuns: exchanges }).flat(), ...trafficInputs(c, traffic)];
}

/** Runs `inputs` through interpreter and rows; returns one line per mismatching input (at most `shown` listed, all counted). */
export async function rowsDiff(c: ProgramCase, program: string, combo: RowsCombo, inputs: readonly DiffInput[]): Promise<{ packets: number; mismatches: number; shown: string[] }> {
  // superblock: the profile of these very inputs on the interpreter
  const profile = combo.strategy === 'superblock' ? await trafficProfile(c.obj, program, c.fixture, inputs) : undefined;
  const schedule = (obj: typeof c.obj, name: string) =>
    scheduleObject(obj, name, { core: combo.core, lanes: combo.lanes, strategy: combo.strategy, timeLimitMs: combo.timeLimitMs ?? 10, speculativeLoads: combo.speculativeLoads, profile }).program;
  const set = await EngineSet.open([createEngine('interpreter'), createEngine(combo.engine ?? 'rows', { schedule, core: combo.core })], c.obj, program, c.fixture);
  const shown: string[] = [];
  let mismatches = 0;
  try {
    for (const [i, input] of inputs.entries()) {
      const [ref, rows] = await set.run(input);
      const diffs = compareOutcomes(ref, rows);
      // every instruction the interpreter ran runs once as a syllable; motion also runs speculated ones
      const a = ref.kind === 'ran' ? ref.result.insnsExecuted ?? 0 : 0;
      const b = rows.kind === 'ran' ? rows.result.insnsExecuted ?? 0 : 0;
      // motion and superblock also run speculated syllables (and superblock the ja its layout adds)
      if (combo.strategy === 'motion' || combo.strategy === 'superblock' ? b < a : a !== b)
        diffs.push({ field: 'code', reference: `${a} insns`, other: `${b} syllables` });
      if (diffs.length === 0) continue;
      mismatches++;
      if (shown.length < 3)
        shown.push(`${c.name} ${combo.strategy}/${combo.lanes}/${combo.core.name} #${i} (${input.label}) ${bytesToHex(input.packet).slice(0, 80)}: ${diffs.map((d) => `${d.field}: ${d.reference} vs ${d.other}`).join('; ')}`);
      if (diffs.some((d) => d.field === 'maps')) await set.resync();
    }
  } finally {
    await set.close();
  }
  return { packets: inputs.length, mismatches, shown };
}

// Issue 3 item 7: for every program in programs/, every engine equals the reference (by default
// the interpreter equals the kernel: bpftool, BPF_PROG_TEST_RUN on CPU 0; XDP2HW_DIFF_ENGINES
// names others, engines.ts) on action, return code, output bytes and every map, after every
// packet of a fixed fast-check sample (XDP2HW_DIFF_PACKETS exchanges of 1-2 frames, default 200;
// map state accumulates in both) followed by the program's own traffic.pcap in its run.json
// context (XDP2HW_DIFF_TRAFFIC packets, default all). Refused inputs (frames below 14 bytes,
// contexts test_run rejects) must be refused by both.
// Nothing is left out of the comparison. What could make the kernel non-deterministic does not
// arise here: bpftool runs on CPU 0 only (bpf_get_smp_processor_id is 0, per-CPU values are CPU
// 0's), no program reads the clock or the PRNG, and LRU maps (l4lb's conn_table, 65536 entries)
// never fill in a run, so no eviction depends on the kernel's per-CPU free lists.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../simulator/maps/fixture.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { compareMaps, compareOutcomes } from './compare.js';
import type { Difference } from './compare.js';
import type { DiffInput } from './frame.js';
import { exchangeArbitrary } from './packets.js';
import { differentialEngines, EngineSet, loadProgram, programNames, trafficInputs } from './engines.js';
import type { ProgramCase } from './engines.js';

const EXCHANGES = Number(process.env.XDP2HW_DIFF_PACKETS ?? 200);
/** packets of traffic.pcap per program (default: all of them) */
const TRAFFIC = Number(process.env.XDP2HW_DIFF_TRAFFIC ?? Infinity);
const SEED = Number(process.env.XDP2HW_DIFF_SEED ?? 0x7e57);
/** Mismatches shown in full in a failure message (all are counted). */
const SHOWN = 5;
const ENGINES = differentialEngines();
const [REFERENCE, ...OTHERS] = ENGINES.map((e) => e.name);
const NEEDS_KERNEL = ENGINES.some((e) => e.name === 'kernel');

interface Mismatch {
  program: string;
  /** the engine that differs from the reference */
  engine: string;
  index: number;
  label: string;
  hex: string;
  differences: Difference[];
}

interface Summary {
  program: string;
  packets: number;
  refused: number;
  actions: Record<string, number>;
  mismatches: number;
  ms: number;
}

/** A seed per program (from the name), so that programs do not all see the same frames. */
function seedFor(name: string): number {
  let h = SEED >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h | 0;
}

function inputsFor(c: ProgramCase): DiffInput[] {
  const sample = fc.sample(exchangeArbitrary(c.plan), { seed: seedFor(c.name), numRuns: EXCHANGES }).flat();
  return [...sample, ...trafficInputs(c, TRAFFIC)];
}

function report(m: Mismatch): string {
  const w = Math.max(REFERENCE.length, m.engine.length) + 1;
  const lines = m.differences.map((d) => `    ${d.field}:\n      ${`${REFERENCE}:`.padEnd(w)} ${d.reference}\n      ${`${m.engine}:`.padEnd(w)} ${d.other}`);
  return `  ${m.program} packet ${m.index} (${m.label}) [${m.engine}]: ${m.hex}\n${lines.join('\n')}`;
}

const open = new Set<EngineSet>();
const summaries: Summary[] = [];

/** Runs every input through every engine on one program; returns the mismatches with the reference. */
async function differential(c: ProgramCase, program: string, inputs: DiffInput[], s: Summary): Promise<Mismatch[]> {
  const set = await EngineSet.open(ENGINES, c.obj, program, c.fixture);
  open.add(set);
  const found: Mismatch[] = [];
  const mismatch = (engine: string, index: number, label: string, hex: string, differences: Difference[]) =>
    found.push({ program: c.obj.programs.length > 1 ? `${c.name}/${program}` : c.name, engine, index, label, hex, differences });
  try {
    const start = await set.reference.readMaps();
    let resync = false;
    for (const other of set.others) {
      const filled = compareMaps(start, await other.readMaps());
      if (filled) mismatch(other.engine, -1, 'maps after filling from the fixture', '', [filled]);
      resync ||= filled !== undefined;
    }
    if (resync) await set.resync();
    for (const [index, input] of inputs.entries()) {
      const [ref, ...others] = await set.run(input);
      s.packets++;
      if (ref.kind === 'refused') s.refused++;
      else s.actions[ref.result.action] = (s.actions[ref.result.action] ?? 0) + 1;
      resync = false;
      others.forEach((o, k) => {
        const differences = compareOutcomes(ref, o);
        if (differences.length === 0) return;
        mismatch(OTHERS[k], index, input.label, bytesToHex(input.packet), differences);
        resync ||= differences.some((d) => d.field === 'maps');
      });
      if (resync) await set.resync();
    }
  } finally {
    open.delete(set);
    await set.close();
  }
  return found;
}

afterAll(async () => {
  for (const p of open) await p.close();
  if (summaries.length === 0) return;
  const rows = summaries.map((s) => {
    const actions = Object.entries(s.actions).sort().map(([a, n]) => `${a.replace('XDP_', '')} ${n}`).join(', ');
    return `${s.program.padEnd(18)} ${String(s.packets).padStart(6)} ${String(s.mismatches).padStart(10)}  ${(s.ms / 1000).toFixed(1).padStart(6)}s  ${actions}${s.refused ? `, refused ${s.refused}` : ''}`;
  });
  console.log(`${'program'.padEnd(18)} ${'packets'.padStart(6)} ${'mismatches'.padStart(10)}  ${'time'.padStart(7)}  actions (${REFERENCE})\n${rows.join('\n')}`);
});

describe.skipIf(needs(NEEDS_KERNEL ? kernelMissing() : undefined))(`differential: ${OTHERS.join(', ')} = ${REFERENCE}`, () => {
  const names = programNames(PROGRAMS_DIR);

  it('finds the programs of programs/', () => {
    expect(names.length).toBeGreaterThanOrEqual(16);
  });

  for (const name of names) {
    it(`${name}: ${EXCHANGES} random exchanges and its traffic`, async () => {
      const c = loadProgram(PROGRAMS_DIR, name);
      const inputs = inputsFor(c);
      expect(inputs.length).toBeGreaterThanOrEqual(EXCHANGES);
      const found: Mismatch[] = [];
      for (const p of c.obj.programs) {
        const s: Summary = { program: c.obj.programs.length > 1 ? `${name}/${p.name}` : name, packets: 0, refused: 0, actions: {}, mismatches: 0, ms: 0 };
        const t0 = performance.now();
        const m = await differential(c, p.name, inputs, s);
        s.mismatches = m.length;
        s.ms = performance.now() - t0;
        summaries.push(s);
        found.push(...m);
      }
      const shown = found.slice(0, SHOWN).map(report).join('\n');
      expect(found.length, `${found.length} mismatches (first ${Math.min(SHOWN, found.length)}):\n${shown}`).toBe(0);
    }, 600_000);
  }
});

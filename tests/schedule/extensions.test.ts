// The core extensions of CoreConfig.extensions (issue 18) and the superblock strategy: the
// scheduler uses them (fused null tests and memory adds appear on a crossbar core with them on,
// never without), Z3 proves such rows equal to the original (and finds the difference when a
// fused null test loses its mark), the executor checks the fused form's rule, the ROM holds them
// and hXDP's format refuses them with a reason, and a JSON core file names them exactly.

import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { romHex, RomError } from '../../compiler/emit/rom.js';
import { scheduleObject, scheduleProgram } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { proveEquivalent } from '../../compiler/verify/index.js';
import { checkCoreConfig, CoreConfigError, HXDP } from '../../isa/index.js';
import type { CoreConfig, RowProgram } from '../../isa/index.js';
import { createEngine } from '../../simulator/engines.js';
import { EngineSet, loadProgram, trafficInputs } from '../differential/engines.js';
import { compareOutcomes } from '../differential/compare.js';
import { compileObject } from '../../compiler/pipeline.js';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { trafficProfile } from './profile.js';
import { EXTENDED } from './rows-diff.js';

const load = (name: string): LoadedObject => loadFile(`programs/${name}/${name}.o`);
const rowsOf = (obj: LoadedObject, core: CoreConfig, strategy: Strategy): RowProgram =>
  scheduleObject(obj, obj.programs[0].name, { core, lanes: 4, strategy }).program;
const count = (p: RowProgram, f: 'fusedNullTest' | 'memoryAdd') => p.rows.reduce((n, row) => n + row.filter((s) => s?.[f]).length, 0);

describe('core extensions', () => {
  it('rxq_info: fused null tests and memory adds only where the core has them', () => {
    const obj = load('rxq_info');
    const on = rowsOf(obj, EXTENDED, 'motion');
    const off = rowsOf(obj, { ...EXTENDED, extensions: undefined }, 'motion');
    expect(count(on, 'fusedNullTest')).toBeGreaterThan(0);
    expect(count(on, 'memoryAdd')).toBeGreaterThan(0);
    expect(count(off, 'fusedNullTest') + count(off, 'memoryAdd')).toBe(0);
    expect(on.rows.length).toBeLessThan(off.rows.length);
  });

  for (const [name, strategy] of [['rxq_info', 'motion'], ['xdp1', 'superblock'], ['xdp2', 'list']] as const)
    it(`${name}: 4 lanes of ${strategy} with every extension, proved equal to the original`, async () => {
      const obj = load(name);
      const rows = rowsOf(obj, EXTENDED, strategy);
      expect(count(rows, 'fusedNullTest') + count(rows, 'memoryAdd')).toBeGreaterThan(0);
      const proof = await proveEquivalent(obj.programs[0], rows, { maps: obj.maps });
      expect(proof.status, JSON.stringify(proof.regions)).toBe('proved');
    }, 60_000);

  it('xdp1: a fused null test read at row start (its mark dropped) is not proved', async () => {
    const obj = load('xdp1');
    const rows = rowsOf(obj, EXTENDED, 'list');
    const broken: RowProgram = { ...rows, rows: rows.rows.map((row) => row.map((s) => (s?.fusedNullTest ? { ...s, fusedNullTest: false } : s))) };
    expect(count(rows, 'fusedNullTest')).toBeGreaterThan(0);
    const proof = await proveEquivalent(obj.programs[0], broken, { maps: obj.maps });
    expect(proof.status).not.toBe('proved');
  }, 60_000);

  it('xdp1 after the passes: a memory add whose immediate no other syllable has (the constant pool) counts as the interpreter', async () => {
    const c = loadProgram(PROGRAMS_DIR, 'xdp1');
    const p = c.obj.programs[0].name;
    const schedule = (obj: LoadedObject, prog: string) => {
      const cc = compileObject(obj, { program: prog, core: EXTENDED });
      return scheduleProgram(cc.ir, cc.insns.original, { core: EXTENDED, lanes: 1, strategy: 'sequential' }).program;
    };
    expect(count(schedule(c.obj, p), 'memoryAdd')).toBeGreaterThan(0);
    const set = await EngineSet.open([createEngine('interpreter'), createEngine('rows', { schedule })], c.obj, p, c.fixture);
    try {
      for (const input of trafficInputs(c, 40).filter((i) => i.packet.length >= 60)) {
        const [a, b] = await set.run(input);
        expect(compareOutcomes(a, b), input.label).toEqual([]);
      }
    } finally {
      await set.close();
    }
  });

  it('the executor refuses a fused null test with no call in a lower lane', async () => {
    const obj = load('xdp1');
    const rows = rowsOf(obj, EXTENDED, 'list');
    // the fused test moved to a row of its own, before its call's row
    const r = rows.rows.findIndex((row) => row.some((s) => s?.fusedNullTest));
    const test = rows.rows[r].find((s) => s?.fusedNullTest)!;
    const bad: RowProgram = { ...rows, rows: [...rows.rows.slice(0, r), [test, undefined, undefined, undefined], ...rows.rows.slice(r)] };
    const session = createEngine('rows', { schedule: () => bad }).open(obj, obj.programs[0].name);
    await expect(session).rejects.toThrow(/fused null test without a helper call in a lower lane/);
  });

  it('the ROM holds the extended syllables; hXDP\'s format refuses them with a reason', () => {
    const obj = load('rxq_info');
    expect(() => romHex(rowsOf(obj, EXTENDED, 'list'))).not.toThrow();
    expect(() => romHex(rowsOf(obj, EXTENDED, 'list'), 'hxdp')).toThrow(RomError);
    expect(() => romHex(rowsOf(obj, EXTENDED, 'list'), 'hxdp')).toThrow(/(memoryAdd|fusedCallNullTest)/);
    expect(() => romHex(rowsOf(obj, HXDP, 'list'), 'hxdp')).not.toThrow();
  });

  it('a JSON core file names its extensions exactly', () => {
    const json = JSON.parse(JSON.stringify({ ...HXDP, offload: undefined, packetPath: undefined }));
    expect(checkCoreConfig({ ...json, extensions: { fusedCallNullTest: true, memoryAdd: false, speculativeLoads: true } }).extensions)
      .toEqual({ fusedCallNullTest: true, memoryAdd: false, speculativeLoads: true });
    expect(checkCoreConfig(json).extensions).toBeUndefined();
    expect(() => checkCoreConfig({ ...json, extensions: { fusedCallNullTest: true, memoryAdd: false } })).toThrow(CoreConfigError);
    expect(() => checkCoreConfig({ ...json, extensions: { fusedCallNullTest: true, memoryAdd: false, speculativeLoads: true, memAdd: true } })).toThrow(/unknown field memAdd/);
  });
});

describe('superblock', () => {
  it('router_ipv4: with its traffic profile, no more rows than motion, and the rows run as the interpreter', async () => {
    const c = loadProgram(PROGRAMS_DIR, 'router_ipv4');
    const p = c.obj.programs[0].name;
    const inputs = trafficInputs(c, 300);
    const profile = await trafficProfile(c.obj, p, c.fixture, inputs);
    expect(profile.some((n) => n > 0)).toBe(true);
    const sb = scheduleObject(c.obj, p, { core: HXDP, lanes: 4, strategy: 'superblock', profile });
    const motion = scheduleObject(c.obj, p, { core: HXDP, lanes: 4, strategy: 'motion' });
    expect(sb.stats.rows).toBeLessThanOrEqual(motion.stats.rows);
    const engines = [createEngine('interpreter'), createEngine('rows', { schedule: () => sb.program })];
    const [a, b] = await Promise.all(engines.map((e) => e.open(c.obj, p, c.fixture)));
    for (const input of inputs.slice(0, 100)) {
      const [x, y] = [await a.run(input), await b.run(input)];
      expect({ code: y.code, packet: Buffer.from(y.packet).toString('hex') }, input.label).toEqual({ code: x.code, packet: Buffer.from(x.packet).toString('hex') });
    }
  });
});

// The core extensions (CoreConfig.extensions) in the RTL: for each, a core with only that one on,
// a program whose schedule uses it, and the RTL equal to the TypeScript core packet by packet and
// cycle for cycle in Icarus; and an RTL whose fused null tests lose their mark (they read r0 at row
// start) differs, so the check can fail. xdp1's traffic makes its speculative loads fault (2 of
// the 120 packets read past data_end on the TypeScript core), so the RTL's region check runs too. The full matrix (Icarus and Verilator, lanes 1, 2, 4):
// scripts/cosim-all.ts --core FILE --strategy motion.

import { describe, expect, it } from 'vitest';
import { emitVerilog, mapBankFiles } from '../../compiler/emit/verilog/index.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { HXDP, XDP2HW, XDP2HW_EXT } from '../../isa/index.js';
import type { CoreConfig, CoreExtensions, RowProgram } from '../../isa/index.js';
import { CoreEngine } from '../../simulator/core/engine.js';
import { cosimulate } from '../../simulator/cosim.js';
import { RtlEngine } from '../../simulator/rtl/engine.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { cosimCase, programCase } from './case.js';

const NONE: CoreExtensions = { fusedCallNullTest: false, memoryAdd: false, speculativeLoads: false };
const only = (name: keyof CoreExtensions): CoreConfig => ({ ...XDP2HW, name: `xdp2hw+${name}`, extensions: { ...NONE, [name]: true } });
const count = (p: RowProgram, f: 'fusedNullTest' | 'memoryAdd' | 'speculative') => p.rows.reduce((n, row) => n + row.filter((s) => s?.[f]).length, 0);

const CASES: [keyof CoreExtensions, 'fusedNullTest' | 'memoryAdd' | 'speculative', string, number, Strategy][] = [
  ['fusedCallNullTest', 'fusedNullTest', 'xdp1', 4, 'list'],
  ['memoryAdd', 'memoryAdd', 'rxq_info', 2, 'list'],
  ['speculativeLoads', 'speculative', 'xdp1', 4, 'motion'],
];

describe.skipIf(needs(toolMissing('iverilog'), toolMissing('vvp')))('core extensions in the RTL (Icarus)', () => {
  for (const [ext, mark, name, lanes, strategy] of CASES)
    it(`${ext}: ${name}, ${lanes} lanes, ${strategy}: the schedule uses it, the RTL equals the TypeScript core, cycles included`, async () => {
      const core = only(ext);
      const packets = ext === 'speculativeLoads' ? 120 : 60;
      const c = programCase(name, packets);
      const rows = scheduleObject(c.obj, c.program, { core, lanes, strategy, timeLimitMs: 200 }).program;
      expect(count(rows, mark)).toBeGreaterThan(0);
      const s = await cosimCase(c, core, lanes, 'icarus', strategy);
      expect(s.firstMismatches).toEqual([]);
      expect(s.packets).toBeGreaterThanOrEqual(packets - 5);
      expect(s.mismatches).toBe(0);
      expect(s.cycleMismatches).toBe(0);
    }, 120_000);

  it('xdp2hw-ext (crossbar and all three): rxq_info, 4 lanes, motion; and a fused test whose call answers in its own cycle (hxdp latencies): xdp1, 4 lanes', async () => {
    const fusedNow: CoreConfig = { ...HXDP, name: 'hxdp+fusedCallNullTest', extensions: { ...NONE, fusedCallNullTest: true } };
    for (const [core, name, strategy] of [[XDP2HW_EXT, 'rxq_info', 'motion'], [fusedNow, 'xdp1', 'list']] as const) {
      const c = programCase(name, 60);
      const rows = scheduleObject(c.obj, c.program, { core, lanes: 4, strategy, timeLimitMs: 200 }).program;
      expect(count(rows, 'fusedNullTest')).toBeGreaterThan(0);
      const s = await cosimCase(c, core, 4, 'icarus', strategy);
      expect(s.firstMismatches, core.name).toEqual([]);
      expect(s.packets).toBeGreaterThanOrEqual(55);
      expect(s.cycleMismatches).toBe(0);
    }
  }, 120_000);

  it('a fused null test read at row start in the RTL (its mark dropped) differs from the TypeScript core', async () => {
    const core = only('fusedCallNullTest');
    const c = programCase('xdp1', 40);
    const rows = scheduleObject(c.obj, c.program, { core, lanes: 4, strategy: 'list', timeLimitMs: 200 }).program;
    const unmarked: RowProgram = { ...rows, rows: rows.rows.map((row) => row.map((s) => (s?.fusedNullTest ? { ...s, fusedNullTest: false } : s))) };
    const ts = await new CoreEngine({ schedule: () => rows, core }).open(c.obj, c.program, c.fixture);
    const rtl = await new RtlEngine({ schedule: () => unmarked, emit: (r, k, o) => emitVerilog(r, k, o), banks: mapBankFiles, core, simulator: 'icarus' }).open(c.obj, c.program, c.fixture);
    const s = await cosimulate(ts, rtl, 'icarus', c.inputs);
    expect(s.mismatches + s.cycleMismatches).toBeGreaterThan(0);
  }, 120_000);
});

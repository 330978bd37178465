// The RTL against the cycle-accurate TypeScript core, packet by packet on each program's traffic:
// action, output bytes, redirect, every map and the core cycles. Icarus on every program the RTL
// runs (lanes 1, 2, 4), Verilator on one build (the full Verilator matrix: scripts/cosim-all.ts).

import { describe, expect, it } from 'vitest';
import { CORE_PRESETS, XDP2HW } from '../../isa/index.js';
import { cosimulate } from '../../simulator/cosim.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { cosimCase, programCase, sessions } from './case.js';

/** csum's traffic holds runts the test run refuses: 106 packets leave at least 100 run. */
const PACKETS = 106;
const ICARUS_PROGRAMS = ['xdp_drop', 'xdp_pass', 'xdp_tx', 'xdp1', 'xdp2', 'rxq_info', 'csum', 'helper_calls_1', 'helper_calls_40'];

describe.skipIf(needs(toolMissing('iverilog'), toolMissing('vvp')))('RTL co-simulation in Icarus', () => {
  for (const name of ICARUS_PROGRAMS)
    for (const lanes of [1, 2, 4])
      it(`${name}, ${lanes} lane${lanes > 1 ? 's' : ''}: equal to the TypeScript core, cycles included`, async () => {
        const s = await cosimCase(programCase(name, PACKETS), XDP2HW, lanes, 'icarus');
        expect(s.firstMismatches).toEqual([]);
        expect(s.packets).toBeGreaterThanOrEqual(100);
        expect(s.mismatches).toBe(0);
        expect(s.cycleMismatches).toBe(0);
      });

  it('hxdp preset (no stack clear, helper call 0, early exit in lane 0): xdp1 and helper_calls_10 on 4 lanes', async () => {
    for (const name of ['xdp1', 'helper_calls_10']) {
      const s = await cosimCase(programCase(name, 40), CORE_PRESETS.hxdp, 4, 'icarus');
      expect(s.firstMismatches).toEqual([]);
      expect(s.packets).toBe(40);
    }
  });

  it('sees a timing difference: an RTL built with a costlier taken branch mismatches in cycles only', async () => {
    const c = programCase('xdp1', 20);
    const { ts } = await sessions(c, XDP2HW, 2, 'icarus');
    const slow = { ...XDP2HW, latency: { ...XDP2HW.latency, takenBranch: XDP2HW.latency.takenBranch + 1 } };
    const { rtl } = await sessions(c, slow, 2, 'icarus');
    const s = await cosimulate(ts, rtl, 'icarus', c.inputs);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBeGreaterThan(0);
    expect(s.firstMismatches[0].field).toBe('cycles');
  });

  it('carries maps from one batch to the next, and refuses a packet past the buffer', async () => {
    const c = programCase('xdp1', 30);
    const { ts, rtl } = await sessions(c, XDP2HW, 1, 'icarus');
    const a = await cosimulate(ts, rtl, 'icarus', c.inputs, 10);
    expect(a.firstMismatches).toEqual([]);
    expect(a.packets).toBe(30);
    expect(await rtl.readMaps()).toEqual(await ts.readMaps());
    const [big] = await rtl.runBatch([{ packet: new Uint8Array(4000) }]);
    expect(big).toBeInstanceOf(Error);
    expect((big as Error).message).toMatch(/longer than the RTL packet buffer \(2048 bytes\)/);
  });
});

describe.skipIf(needs(toolMissing('verilator')))('RTL co-simulation in Verilator', () => {
  it('xdp1, 2 lanes: equal to the TypeScript core, cycles included', { timeout: 300_000 }, async () => {
    const s = await cosimCase(programCase('xdp1', PACKETS), XDP2HW, 2, 'verilator');
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBe(PACKETS);
  });
});

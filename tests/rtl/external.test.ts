// External memory in the RTL (isa/extmem.ts, docs/RTL.md): katran_lb's read-only ch_rings
// (33,554,944 entries, 134 MB) lives off chip on xdp2hw, read through the top's external ports
// from the testbench's model; a row loading from it waits latency.externalLoad cycles. Against the
// TypeScript core packet by packet, maps and cycles included; an RTL built with a longer wait
// differs in cycles only, one whose model lost ch_rings' words in results.

import { describe, expect, it } from 'vitest';
import { XDP2HW } from '../../isa/index.js';
import { cosimulate } from '../../simulator/cosim.js';
import { needs, toolMissing } from '../helpers/tools.js';
import { programCase, sessions } from './case.js';

describe.skipIf(needs(toolMissing('iverilog'), toolMissing('vvp')))('RTL external memory in Icarus', () => {
  it('katran_lb, 4 lanes: equal to the TypeScript core with ch_rings off chip; a wait one cycle longer shows in cycles only', async () => {
    const c = programCase('katran_lb', 60);
    const { ts, rtl } = await sessions(c, XDP2HW, 4, 'icarus');
    expect(rtl.design.layout.maps.find((m) => m.name === 'ch_rings')?.external).toBe(true);
    const s = await cosimulate(ts, rtl, 'icarus', c.inputs);
    expect(s.firstMismatches).toEqual([]);
    expect(s.packets).toBeGreaterThanOrEqual(55);
    expect(s.mismatches).toBe(0);
    expect(s.cycleMismatches).toBe(0);
    expect(await rtl.readMaps()).toEqual(await ts.readMaps());
    const slow = { ...XDP2HW, latency: { ...XDP2HW.latency, externalLoad: XDP2HW.latency.externalLoad! + 1 } };
    const short = programCase('katran_lb', 20);
    const late = await sessions(short, slow, 4, 'icarus');
    const fresh = await sessions(short, XDP2HW, 4, 'icarus');
    const t = await cosimulate(fresh.ts, late.rtl, 'icarus', short.inputs);
    expect(t.mismatches).toBe(0);
    expect(t.cycleMismatches).toBeGreaterThan(0);
    expect(t.firstMismatches[0].field).toBe('cycles');
  }, 600_000);
});

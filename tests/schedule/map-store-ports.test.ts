// CoreConfig.mapStorePorts: a row holds at most that many stores that may write a map value (the
// RTL's map memory then has one write port and fits block RAM, docs/HARDWARE.md). The row table
// refuses the second such store in a row; on simple_firewall (two atomic counter adds on one
// flow's value) the xdp2hw preset's schedule has no row with two map atomics, and without the
// limit the same schedule has some (so the check can fail).

import { describe, expect, it } from 'vitest';
import { RowTable } from '../../compiler/schedule/resources.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { checkCoreConfig, XDP2HW } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { programCase } from '../rtl/case.js';

const mapStore = { unit: 'memory' as const, packetLoad: false, mapStore: true };
const otherStore = { unit: 'memory' as const, packetLoad: false, mapStore: false };

describe('mapStorePorts', () => {
  it('the row table takes one map store a row when mapStorePorts is 1, any number without it', () => {
    const one = new RowTable(XDP2HW);
    expect(XDP2HW.mapStorePorts).toBe(1);
    expect(one.lanes(0, mapStore)).toEqual([0, 1, 2, 3]);
    one.reserve(0, 0, 0, mapStore);
    expect(one.lanes(0, mapStore)).toEqual([]);
    expect(one.lanes(0, otherStore)).toEqual([1, 2, 3]);
    one.release(0, 0, mapStore);
    expect(one.lanes(0, mapStore)).toEqual([0, 1, 2, 3]);
    const { mapStorePorts: _, ...rest } = XDP2HW;
    const free = new RowTable(rest as CoreConfig);
    free.reserve(0, 0, 0, mapStore);
    expect(free.lanes(0, mapStore)).toEqual([1, 2, 3]);
  });

  it('a JSON core file may give it (1-8) or leave it out', () => {
    const json = JSON.parse(JSON.stringify(XDP2HW)) as Record<string, unknown>;
    expect(checkCoreConfig(json).mapStorePorts).toBe(1);
    delete json.mapStorePorts;
    expect(checkCoreConfig(json).mapStorePorts).toBeUndefined();
    expect(() => checkCoreConfig({ ...json, mapStorePorts: 0 })).toThrow(/mapStorePorts/);
  });

  it('simple_firewall at 4 lanes: no row with two map atomics under xdp2hw, some without the limit', () => {
    const c = programCase('simple_firewall', 1);
    const atomicRows = (core: CoreConfig) => scheduleObject(c.obj, c.program, { core, lanes: 4, strategy: 'list', timeLimitMs: 200 })
      .program.rows.filter((row) => row.filter((s) => s?.insn.kind === 'atomic').length > 1).length;
    const { mapStorePorts: _, ...rest } = XDP2HW;
    expect(atomicRows(XDP2HW)).toBe(0);
    expect(atomicRows(rest as CoreConfig)).toBeGreaterThan(0);
  });
});

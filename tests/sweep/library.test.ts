// The sweep library in-process: shards are disjoint, cover the grid and are balanced; ids follow
// every coordinate; worker threads load from TypeScript source (vitest, through tsx) and give the
// records the same point gives in this thread.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORE_PRESETS } from '../../isa/index.js';
import { expandGrid, shardOf, sweepInput, pointId } from '../../cli/sweep/points.js';
import { runPoints } from '../../cli/sweep/pool.js';
import { runPoint, TIMING_FIELDS } from '../../cli/sweep/run-point.js';
import type { PointRecord } from '../../cli/sweep/run-point.js';
import { readFileSync } from 'node:fs';
import { PROGRAMS_DIR } from '../helpers/paths.js';

const design = (p: PointRecord) => Object.fromEntries(Object.entries(p).filter(([k]) => !(TIMING_FIELDS as readonly string[]).includes(k)));

describe('shardOf', () => {
  it('splits any set of points into disjoint, covering slices whose sizes differ by at most one', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{16}$/), { maxLength: 200 }), fc.integer({ min: 1, max: 17 }), (ids, n) => {
      const pts = ids.map((id) => ({ id }));
      const shards = Array.from({ length: n }, (_, i) => shardOf(pts, i, n));
      const all = shards.flat().map((p) => p.id);
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual([...ids].sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      // the slices do not depend on the order points are given in
      expect(shardOf([...pts].reverse(), 0, n)).toEqual(shards[0]);
    }));
  });
});

describe('points', () => {
  const file = join(PROGRAMS_DIR, 'xdp2', 'xdp2.o');
  const input = sweepInput(file, 'xdp2_prog', readFileSync(file));
  const grid = {
    inputs: [input], lanes: [1, 2], strategies: ['list', 'motion'] as const, cores: [{ arg: 'hxdp', core: CORE_PRESETS.hxdp }],
    passes: ['all', 'none'], clocks: [undefined, 250], packets: 40, timeLimitMs: 200, lineRateGbps: 40,
  };

  it('the grid is the cross product, each point with its own id', () => {
    const pts = expandGrid({ ...grid, strategies: [...grid.strategies] });
    expect(pts).toHaveLength(16);
    expect(new Set(pts.map((p) => p.id)).size).toBe(16);
    expect(pts.filter((p) => p.clockMHz === 250).every((p) => p.core.clockMHz === 250)).toBe(true);
    expect(pts.filter((p) => p.clockMHz !== 250).every((p) => p.clockMHz === CORE_PRESETS.hxdp.clockMHz)).toBe(true);
  });

  it('an id changes with every coordinate and with the bytes read', () => {
    const p = expandGrid({ ...grid, strategies: ['list'], lanes: [2], passes: ['all'], clocks: [undefined] })[0];
    const ids = [
      pointId(p), pointId({ ...p, lanes: 4 }), pointId({ ...p, strategy: 'motion' }), pointId({ ...p, passes: 'none' }),
      pointId({ ...p, clockMHz: 100 }), pointId({ ...p, packets: 41 }), pointId({ ...p, core: CORE_PRESETS.xdp2hw }),
      pointId({ ...p, core: { ...p.core, forwarding: 'crossbar' } }), pointId({ ...p, input: { ...p.input, contentSha: '0'.repeat(64) } }),
      pointId({ ...p, lineRateGbps: 10 }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(pointId({ ...p, timeLimitMs: 5 })).toBe(ids[0]); // the time limit matters to optimal only
  });

  it('worker threads load from TypeScript source and give the records of this thread', async () => {
    const pts = expandGrid({ ...grid, strategies: ['list', 'motion'], lanes: [2], passes: ['all'], clocks: [undefined] });
    const got: PointRecord[] = [];
    await runPoints(pts, 2, (r) => got.push(r));
    expect(got).toHaveLength(2);
    const here = pts.map(runPoint);
    expect(new Map(got.map((r) => [r.id, design(r)]))).toEqual(new Map(here.map((r) => [r.id, design(r)])));
    for (const r of here) expect(r).toMatchObject({ program: 'xdp2_prog', mismatches: 0 });
    expect(here.every((r) => r.refused === undefined)).toBe(true);
    expect(here.every((r) => r.packets! > 0)).toBe(true);
  });
});

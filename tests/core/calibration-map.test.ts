// hXDP's map-access microbenchmark on the hxdp preset (REFERENCE.md §1: about 7 cycles per packet
// for a program with one map access): tests/core/c/map_lookup_fixed.c, a lookup with a fixed key
// and no header parsing, compiled by clang here. docs/CORE.md ("Calibration") explains the figures.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { compileObject, DEFAULT_MIN_FRAME } from '../../compiler/pipeline.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { HXDP } from '../../isa/index.js';
import type { TraceSink } from '../../simulator/core/pipeline.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { simulate } from '../../simulator/simulate/run.js';
import type { SimulateReport } from '../../simulator/simulate/run.js';
import { needs, toolMissing } from '../helpers/tools.js';

const C = join(import.meta.dirname, 'c', 'map_lookup_fixed.c');
const within = (got: number, want: number, tol = 0.15) => Math.abs(got - want) / want <= tol;

/** 64-byte IPv4 frames (the program reads none of it). */
const packets = Array.from({ length: 8 }, (_, i) => {
  const p = new Uint8Array(64);
  p.set([0x08, 0x00, 0x45], 12);
  p[63] = i;
  return { data: p };
});

/** What the trace saw of the last packet: rows issued, and whether its exit was caught at fetch. */
interface Seen {
  rows: number;
  early: boolean;
}

describe.skipIf(needs(toolMissing('clang')))('calibration: one map access on the hxdp preset (hXDP ≈ 7 cycles/packet)', () => {
  let dir = '';
  let obj: LoadedObject;
  const fixture = parseFixture({ maps: { table: { entries: [{ key: '07000000', value: '0000000000000000' }] } } }, 'test');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xdp2hw-core-calib-'));
    const out = join(dir, 'map_lookup_fixed.o');
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', C, '-o', out], { stdio: 'pipe' });
    obj = loadFile(out);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (program: string): { r: SimulateReport; seen: Seen } => {
    const c = compileObject(obj, { core: HXDP, program });
    const seen: Seen = { rows: 0, early: false };
    const trace: TraceSink = {
      packet: () => Object.assign(seen, { rows: 0, early: false }),
      row: () => void seen.rows++,
      exit: (_c, _code, early) => void (seen.early = early),
    };
    const r = simulate(packets, {
      reference: obj, compiled: c.object, program: c.optimized.program.name, core: HXDP, fixture, trace,
      lineRateGbps: 0.5, minFrame: DEFAULT_MIN_FRAME,
      schedule: (o, p) => scheduleObject(o, p, { core: HXDP, strategy: 'list' }).program,
    });
    expect(r.mismatchList).toEqual([]);
    expect(r.packets).toBe(packets.length);
    return { r, seen };
  };

  const drain = (early: boolean) => (early ? HXDP.latency.exit - HXDP.latency.earlyExitSaving : HXDP.latency.exit);

  it('a lookup with a fixed key, then the verdict: ≈ 7 cycles/packet (±15 %)', () => {
    const { r, seen } = run('map_lookup_fixed');
    expect(r.actions).toEqual({ XDP_DROP: packets.length });
    expect(within(r.cycles.mean, 7), `${r.cycles.mean} cycles (${seen.rows} rows, exit early: ${seen.early})`).toBe(true);
  });

  it('the lookup stalls nothing (combinational, hash and array alike): every cycle is a row issued or the exit drain', () => {
    for (const program of ['map_lookup_fixed', 'map_lookup_verdict', 'map_lookup_array']) {
      const { r, seen } = run(program);
      expect(r.stalls.helper + r.stalls.memory + r.stalls.data + r.stalls.branch, program).toBe(0);
      expect(r.cycles.max, program).toBe(r.cycles.min);
      expect(r.cycles.mean, `${program}: ${seen.rows} rows + drain`).toBe(seen.rows + drain(seen.early));
    }
    expect(run('map_lookup_array').r.cycles.mean).toBe(run('map_lookup_verdict').r.cycles.mean);
  });

  it('a verdict from the lookup\'s result: more rows and a normal exit, outside 7 ± 15 % (docs/CORE.md: if this fails, update it)', () => {
    const fixed = run('map_lookup_fixed');
    const verdict = run('map_lookup_verdict');
    expect(verdict.r.actions).toEqual({ XDP_DROP: packets.length });
    expect(verdict.seen.early).toBe(false);
    expect(verdict.seen.rows).toBeGreaterThan(fixed.seen.rows);
    expect(verdict.r.cycles.mean, `${verdict.seen.rows} rows`).toBeGreaterThan(7 * 1.15);
  });
});

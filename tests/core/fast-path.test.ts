// The core's two loops (simulator/core): the generated per-row functions of untraced runs
// (specialize.ts) against the generic row-by-row loop a trace sink gets (pipeline.ts), packet by
// packet: cycles, helper calls, result, stall totals, rows issued per lane, and a budget trap.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../compiler/loader/index.js';
import { compileObject, DEFAULT_MIN_FRAME } from '../../compiler/pipeline.js';
import { scheduleObject } from '../../compiler/schedule/index.js';
import { CORE_PRESETS, Stall } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { CoreSession } from '../../simulator/core/engine.js';
import type { TraceSink } from '../../simulator/core/pipeline.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS } from './sim-case.js';

const quiet: TraceSink = { packet: () => {}, row: () => {}, exit: () => {} };

function sessions(name: string, core: CoreConfig, lanes: number, budget?: number): { fast: CoreSession; traced: CoreSession; packets: Uint8Array[] } {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const fx = join(dir, 'maps.json');
  const fixture = existsSync(fx) ? parseFixture(JSON.parse(readFileSync(fx, 'utf8')), fx) : undefined;
  const c = compileObject(obj, { core });
  const open = () => new CoreSession(c.object, c.optimized.program.name, fixture, {
    core, budget, schedule: (o, p) => scheduleObject(o, p, { core, lanes, strategy: 'list' }).program,
  });
  const traced = open();
  traced.pipeline.trace = quiet;
  const packets = readPcapFile(join(dir, 'traffic.pcap')).slice(0, 60).map((r) => r.data).filter((d) => d.length >= DEFAULT_MIN_FRAME);
  return { fast: open(), traced, packets };
}

describe('core: the generated fast path equals the traced loop', () => {
  for (const name of ['xdp1', 'l4lb', 'router_ipv4', 'adjust_tail', 'katran_lb'])
    it(`${name}: hxdp and xdp2hw, 1 and 4 lanes`, () => {
      for (const core of [CORE_PRESETS.hxdp, CORE_PRESETS.xdp2hw])
        for (const lanes of [1, 4]) {
          const { fast, traced, packets } = sessions(name, core, lanes);
          for (const [i, packet] of packets.entries()) {
            const a = fast.runSync({ packet });
            const b = traced.runSync({ packet });
            expect([a.action, fast.pipeline.cycles, fast.pipeline.calls], `${core.name} ${lanes} lanes packet ${i}`).toEqual([b.action, traced.pipeline.cycles, traced.pipeline.calls]);
            expect(a.packet).toEqual(b.packet);
            expect(a.maps).toEqual(b.maps);
          }
          expect(Array.from(fast.pipeline.stalls)).toEqual(Array.from(traced.pipeline.stalls));
          expect(fast.pipeline.laneBusy()).toEqual(traced.pipeline.laneBusy());
        }
    }, 60_000);

  it('a syllable budget running out traps at the same row and cycle on both', () => {
    const { fast, traced, packets } = sessions('l4lb', CORE_PRESETS.xdp2hw, 4, 40);
    const a = fast.runSync({ packet: packets[0] });
    const b = traced.runSync({ packet: packets[0] });
    expect(a.trap?.kind).toBe('budget');
    expect(a.trap).toEqual(b.trap);
    expect(fast.pipeline.cycles).toBe(traced.pipeline.cycles);
  });
});

describe('core: a row loading from external memory waits latency.externalLoad cycles before it issues', () => {
  it('katran_lb on xdp2hw (ch_rings off chip): each packet\'s cycles grow by the wait times the rows that read ch_rings, on both loops', () => {
    const withWait = (w: number): CoreConfig => ({ ...CORE_PRESETS.xdp2hw, latency: { ...CORE_PRESETS.xdp2hw.latency, externalLoad: w } });
    const runs = [0, 20, 21].map((w) => sessions('katran_lb', withWait(w), 4));
    let reads = 0;
    for (const [i, packet] of runs[0].packets.entries()) {
      const cycles = runs.flatMap((r) => {
        const a = r.fast.runSync({ packet });
        const b = r.traced.runSync({ packet });
        expect(a.action, `packet ${i}`).toBe(b.action);
        expect(r.fast.pipeline.cycles, `packet ${i}`).toBe(r.traced.pipeline.cycles);
        return [r.fast.pipeline.cycles];
      });
      const rows = cycles[2] - cycles[1]; // rows of this packet that read ch_rings
      expect(cycles[1] - cycles[0], `packet ${i}`).toBe(20 * rows);
      reads += rows;
    }
    expect(reads).toBeGreaterThan(10);
    for (const r of runs) expect(Array.from(r.fast.pipeline.stalls)).toEqual(Array.from(r.traced.pipeline.stalls));
    // the memory stalls differ by exactly the waits
    const memory = runs.map((r) => r.fast.pipeline.stalls[Stall.MEMORY]);
    expect(memory[1] - memory[0]).toBe(20 * reads);
  }, 60_000);
});

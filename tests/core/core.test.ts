// The cycle-accurate core: hXDP's microbenchmarks with the hxdp preset (REFERENCE.md §1, each
// within 15 %), agreement with the reference interpreter on every program × lanes × preset (few
// packets; bench/simulate-all.ts runs them all), the packet path's queue, and the trace sinks.

import { describe, expect, it } from 'vitest';
import { PASS_NAMES } from '../../compiler/passes/index.js';
import { CORE_PRESETS, HXDP } from '../../isa/index.js';
import type { CoreConfig } from '../../isa/index.js';
import { TextTrace, VcdTrace } from '../../simulator/core/trace.js';
import { PacketPathModel } from '../../simulator/simulate/path.js';
import { programNames, simulateProgram } from './sim-case.js';

const within = (got: number, want: number, tol = 0.15) => Math.abs(got - want) / want <= tol;
const cyclesOf = (name: string, core: CoreConfig = HXDP) => simulateProgram(name, core, { packets: 16 }).cycles.mean;

describe('calibration: the hxdp preset against hXDP\'s microbenchmarks (±15 %)', () => {
  it('XDP_DROP with early exit ≈ 3 cycles/packet (52 Mpps)', () => {
    const c = cyclesOf('xdp_drop');
    expect(within(c, 3), `${c} cycles`).toBe(true);
  });
  it('XDP_DROP without early exit ≈ 7 cycles/packet (22 Mpps)', () => {
    const noEarly: CoreConfig = { ...HXDP, laneCaps: HXDP.laneCaps.map((c) => ({ ...c, earlyExit: false })) };
    const c = simulateProgram('xdp_drop', noEarly, { packets: 16, passes: PASS_NAMES.filter((p) => p !== 'exit-imm') }).cycles.mean;
    expect(within(c, 7), `${c} cycles`).toBe(true);
  });
  it('XDP_TX ≈ 7 cycles/packet (22.5 Mpps)', () => {
    const c = cyclesOf('xdp_tx');
    expect(within(c, 7), `${c} cycles`).toBe(true);
  });
  it('≈ +1 cycle per additional helper call (22.4 → 9.8 → 3.35 Mpps for 1, 10, 40 calls)', () => {
    const [c1, c10, c40] = ['helper_calls_1', 'helper_calls_10', 'helper_calls_40'].map((n) => cyclesOf(n));
    expect(within((c10 - c1) / 9, 1), `1→10 calls: ${c1} → ${c10}`).toBe(true);
    expect(within((c40 - c1) / 39, 1), `1→40 calls: ${c1} → ${c40}`).toBe(true);
    expect(within(c40, 1000 / 3.35 / (1000 / 156.25)), `40 calls: ${c40} cycles`).toBe(true);
  });
  it('a map lookup costs the same for keys of 1-16 B (the lookup row; the key copy is the program\'s)', () => {
    const lookupCycles = [1, 2, 4, 8, 16].map((k) => {
      const r = simulateProgram(`map_access_${k}`, HXDP, { packets: 16 });
      return r.stalls.helper;
    });
    expect(new Set(lookupCycles).size, lookupCycles.join(' ')).toBe(1);
  });
});

describe('agreement with the reference interpreter (action, output, maps)', () => {
  for (const name of programNames())
    it(`${name}: lanes 1, 2, 4, 8 × hxdp, xdp2hw`, () => {
      for (const core of [CORE_PRESETS.hxdp, CORE_PRESETS.xdp2hw])
        for (const lanes of [1, 2, 4, 8]) {
          const r = simulateProgram(name, core, { lanes, packets: 6 });
          expect(r.mismatchList, `${core.name} ${lanes} lanes`).toEqual([]);
          expect(r.packets + r.runts).toBeGreaterThan(0);
        }
    }, 60_000);
});

describe('timing', () => {
  it('more lanes never cost cycles on xdp1, and a taken branch costs takenBranch', () => {
    const one = simulateProgram('xdp1', HXDP, { lanes: 1, packets: 16 });
    const four = simulateProgram('xdp1', HXDP, { lanes: 4, packets: 16 });
    expect(four.cycles.mean).toBeLessThanOrEqual(one.cycles.mean);
    expect(four.stalls.branch % HXDP.latency.takenBranch).toBe(0);
    const cheap = simulateProgram('xdp1', { ...HXDP, latency: { ...HXDP.latency, takenBranch: 0 } }, { packets: 16 });
    expect(cheap.cycles.mean).toBeCloseTo(four.cycles.mean - four.stalls.branch / four.packets, 6);
  });
});

describe('packet path', () => {
  const path = HXDP.packetPath!;
  it('back to back 64 B at 40 Gb/s: a 3-cycle core keeps up, a 20-cycle core fills the queue and drops', () => {
    const run = (cycles: number, n: number) => {
      const m = new PacketPathModel({ path, clockMHz: 156.25, lineRateGbps: 40 });
      let done = 0;
      for (let i = 0; i < n; i++) if (m.admit(64)) {
        m.complete(cycles, 0);
        done++;
      }
      return { done, ...m.totals };
    };
    const fast = run(2, 2000);
    expect(fast.dropped).toBe(0);
    const slow = run(20, 2000);
    expect(slow.dropped).toBeGreaterThan(0);
    expect(slow.maxQueueFrames).toBeLessThanOrEqual(path.queueFrames);
    expect(slow.maxQueueFrames).toBeGreaterThan(path.queueFrames - 2);
  });
  it('latency of one packet = its frames in (selector at the last frame) + core cycles + its frames out', () => {
    const m = new PacketPathModel({ path, clockMHz: 156.25, lineRateGbps: 40 });
    m.admit(64);
    // 64 B at 40 Gb/s = 12.8 ns = 2 cycles on the wire; two 32 B frames; last frame in at cycle 2
    const { latency } = m.complete(10, 64);
    expect(latency).toBeCloseTo(2 + 10 + 2, 6);
  });
});

describe('trace sinks', () => {
  it('--trace prints stages, stalls and taken branches; --vcd has the documented signals', () => {
    const lines: string[] = [];
    const text = new TextTrace((l) => lines.push(l));
    const vcd = new VcdTrace(4, 156.25);
    const sink = { packet: (i: number, c: number) => (text.packet(i, c), vcd.packet(i, c)), row: (...a: Parameters<TextTrace['row']>) => (text.row(...a), vcd.row(...a)), exit: (...a: Parameters<TextTrace['exit']>) => (text.exit(...a), vcd.exit(...a)) };
    sink.packet(0, 0);
    sink.row(0, 0, 0, -1, 0b11, 0, true, 0, 5);
    sink.row(6, 5, 1, 3, 0b1, 1 << 2, false, 0, -1);
    sink.exit(12, 1, false);
    expect(lines.join('\n')).toMatch(/taken -> row 5/);
    expect(lines.join('\n')).toMatch(/stall \(data\)/);
    expect(lines.join('\n')).toMatch(/fwd r2/);
    const v = vcd.text();
    for (const sig of ['clk', 'pc', 'issue_valid', 'lane_valid', 'stall', 'stall_cause', 'flush', 'exit_valid', 'exit_action', 'early_exit', 'pkt_start'])
      expect(v).toMatch(new RegExp(`\\$var wire \\d+ \\S+ ${sig} \\$end`));
    const times = [...v.matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

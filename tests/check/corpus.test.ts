// `check` over the whole corpus: each program's verdict on both presets with its reasons, and for
// every packet of its traffic, simulated on the core in-process, cycles equal to the static bound of
// the path it took and at most the worst case; the worst case reached where the traffic takes the
// worst path, else that path named as untested.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProgram } from '../../compiler/check/index.js';
import type { CheckReport } from '../../compiler/check/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import { pathCycles, pathKey } from '../../compiler/wcet/index.js';
import { CORE_PRESETS, externalMaps, hashWorstCycles } from '../../isa/index.js';
import { readFixture } from '../../cli/inputs.js';
import { simulateAgainstBound } from '../../cli/check-runs.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { PROGRAMS, programNames } from '../core/sim-case.js';

/** What does not fit, and why (finding kinds), at 4 lanes; every other program fits. */
const DOES_NOT_FIT: Record<string, Record<string, string[]>> = {
  hxdp: {
    katran_lb: ['insn', 'map-type', 'map-memory'],
    l4lb: ['insn', 'map-type', 'map-memory', 'rows'],
    router_ipv4: ['map-type', 'map-memory'],
    simple_firewall: ['map-type', 'map-memory'],
    xdp_sample: ['helper', 'map-type'],
  },
  xdp2hw: {},
};

/** Programs also checked and simulated on 1, 2 and 8 lanes. */
const LANE_SWEEP = ['xdp1', 'map_access_1', 'router_ipv4', 'redirect_map'];

function runCase(name: string, preset: string, lanes: number): void {
  const dir = join(PROGRAMS, name);
  const obj = loadFile(join(dir, `${name}.o`));
  const core = CORE_PRESETS[preset];
  const r: CheckReport = checkProgram(obj, { core, lanes });
  const want = lanes === 4 ? DOES_NOT_FIT[preset][name] : undefined;
  if (lanes === 4) {
    expect(r.fits, `${name} on ${preset}: ${r.findings.map((f) => f.what).join('; ')}`).toBe(want === undefined);
    expect([...new Set(r.findings.map((f) => f.kind))].sort()).toEqual([...(want ?? [])].sort());
    for (const f of r.findings) expect(f.fix.length).toBeGreaterThan(10);
  }
  expect(r.rows, `${name}: scheduled`).toBeDefined();
  expect(r.wcet?.bounded).toBe(true);
  if (!r.wcet?.bounded || !r.rows || !r.compiled) return;
  const w = r.wcet.wcet;
  expect(w.best.cycles).toBeLessThanOrEqual(w.cycles);
  expect(w.path.cycles).toBe(w.cycles);
  expect(w.mppsGuaranteed).toBeCloseTo(Math.min(core.clockMHz / w.cycles, w.lineMpps), 9);
  const fx = join(dir, 'maps.json');
  const packets = readPcapFile(join(dir, 'traffic.pcap')).map((p) => ({ data: p.data }));
  const sim = simulateAgainstBound(obj, r.rows, r.compiled, core, packets, existsSync(fx) ? readFixture(fx) : undefined, 40)!;
  expect(sim.report.mismatches).toBe(0);
  const runs = sim.runs;
  expect(runs.packets).toBeGreaterThan(50);
  expect(runs.violations).toEqual([]);
  expect(runs.maxSimulated).toBe(sim.report.cycles.max);
  // every packet's cycles are its path's static cycles exactly (the presets' loads and lookups are
  // uniform), or at most them when a hash map or LPM trie walks chains (hashWalk: data-dependent)
  // or bpf_perf_event_output streams a sample whose length the flags give at run time, or maps live
  // in external memory (the bound makes every row with a load wait for it, a run only those reading it)
  const opts = { mapTypes: obj.maps.map((m) => m.type), maps: obj.maps };
  const perf = obj.programs.some((p) => p.code.insns.some((i) => i.kind === 'call' && i.target === 'helper' && i.id === 25));
  const walks = perf || obj.maps.some((m) => hashWorstCycles(core, m) !== undefined) || externalMaps(obj.maps, core).some(Boolean);
  const bound = new Map<string, number | undefined>();
  for (const p of sim.paths) {
    const key = pathKey(p.issued);
    if (!bound.has(key)) bound.set(key, pathCycles(r.rows, core, opts, p.issued));
    if (walks) expect(p.cycles, `packet ${p.packet}`).toBeLessThanOrEqual(bound.get(key)!);
    else expect(p.cycles, `packet ${p.packet}`).toBe(bound.get(key));
  }
  if (w.perPath) {
    // small programs list every path: the longest is the bound, the shortest the best case, each simulated path one of them
    expect(w.perPath).toHaveLength(w.paths);
    expect(w.perPath[0].cycles).toBe(w.cycles);
    expect(w.perPath[w.perPath.length - 1].cycles).toBe(w.best.cycles);
    const listed = new Map(w.perPath.map((p) => [p.key, p.cycles]));
    for (const [key, cycles] of bound) expect(listed.get(key), key).toBe(cycles);
    expect(runs.untestedPaths?.map((p) => p.key).sort()).toEqual(w.perPath.filter((p) => !bound.has(p.key)).map((p) => p.key).sort());
  }
  expect(runs.maxSimulated).toBeLessThanOrEqual(w.cycles);
  // a walking map's bound is its longest chain, which a path's packets need not meet
  if (walks) return;
  if (runs.onWorstPath > 0) expect(runs.reached).toBe(true);
  if (runs.reached) expect(runs.onWorstPath).toBeGreaterThan(0);
  else {
    expect(runs.untested?.key).toBe(w.path.key);
    expect(runs.untested?.packetClass).toMatch(/→ (XDP_\w+|r0)$/);
  }
}

describe('check over programs/', () => {
  for (const name of programNames())
    for (const preset of ['hxdp', 'xdp2hw'])
      it(`${name} on ${preset}, 4 lanes: verdict with reasons; every packet within the bound`, () => runCase(name, preset, 4), 60_000);
  for (const name of LANE_SWEEP)
    for (const preset of ['hxdp', 'xdp2hw'])
      for (const lanes of [1, 2, 8])
        it(`${name} on ${preset}, ${lanes} lanes: every packet within the bound`, () => runCase(name, preset, lanes), 60_000);
});

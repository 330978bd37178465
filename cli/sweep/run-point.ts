// One point of a sweep: compile (passes), schedule (lanes, strategy, core) and simulate the
// program on its traffic through the cycle-accurate core, checked packet by packet against the
// reference interpreter (simulator/simulate); the figures as one flat record. Inputs (object,
// traffic, fixture) are read once per thread and kept.

import { readFileSync } from 'node:fs';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { compileObject, DEFAULT_MIN_FRAME, PipelineError } from '../../compiler/pipeline.js';
import { PASS_NAMES, PassNameError } from '../../compiler/passes/index.js';
import { scheduleProgram, ScheduleError } from '../../compiler/schedule/index.js';
import { RunInputError } from '../../simulator/engine.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { parseFixture } from '../../simulator/maps/fixture.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { simulate } from '../../simulator/simulate/run.js';
import type { SimPacket } from '../../simulator/simulate/run.js';
import { generateTraffic, genericSpec } from '../../simulator/traffic/index.js';
import type { PointSpec } from './points.js';

/** Fields that measure this machine's speed, not the design: left out when runs are compared. */
export const TIMING_FIELDS = ['compileMs', 'simulateMs'] as const;

/** One line of a sweep's output (docs/CLI.md, "sweep"). Figures are null when the point was refused. */
export interface PointRecord {
  id: string;
  program: string;
  file: string;
  lanes: number;
  strategy: string;
  core: string;
  passes: string;
  clockMHz: number;
  /** 'pcap': traffic.pcap beside the object; 'generic': a generated mix (seed 1) */
  traffic: 'pcap' | 'generic';
  maxPackets: number;
  insnsOriginal: number | null;
  insnsOptimized: number | null;
  rows: number | null;
  /** syllables per row of the schedule */
  ipc: number | null;
  cyclesMean: number | null;
  cyclesMax: number | null;
  cyclesP50: number | null;
  cyclesP99: number | null;
  packets: number | null;
  runts: number | null;
  dropped: number | null;
  mpps: number | null;
  coreMpps: number | null;
  latencyNsMean: number | null;
  latencyNsP99: number | null;
  laneUtilisation: number | null;
  compileMs: number | null;
  simulateMs: number | null;
  mismatches: number | null;
  /** why the point could not run (a program the scheduler refuses): absent when it ran */
  refused?: string;
}

interface Inputs {
  readonly obj: LoadedObject;
  readonly fixture?: MapFixture;
  readonly packets: SimPacket[];
}

const INPUTS = new Map<string, Inputs>();

/** GENERIC_SEED: the generated traffic of an object without traffic.pcap is the same everywhere. */
const GENERIC_SEED = 1;

function inputsOf(p: PointSpec): Inputs {
  const key = `${p.input.file}\0${p.input.contentSha}\0${p.packets}`;
  let got = INPUTS.get(key);
  if (got) return got;
  const obj = loadFile(p.input.file);
  const fixture = p.input.maps === undefined ? undefined : parseFixture(JSON.parse(readFileSync(p.input.maps, 'utf8')), p.input.maps);
  const packets = p.input.pcap !== undefined
    ? readPcapFile(p.input.pcap).slice(0, p.packets).map((r) => ({ data: r.data }))
    : [...generateTraffic(genericSpec({ count: p.packets, seed: GENERIC_SEED }))].map((g) => ({ data: g.data }));
  got = { obj, fixture, packets };
  INPUTS.set(key, got);
  return got;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/** The pass list of a pass set ('all', 'none', 'a+b'). */
export function passList(passes: string): string[] {
  if (passes === 'all') return [...PASS_NAMES];
  if (passes === 'none') return [];
  return passes.split('+');
}

/** Runs one point. A program the compiler or scheduler refuses gives a record with `refused`. */
export function runPoint(p: PointSpec): PointRecord {
  const base = {
    id: p.id, program: p.input.program, file: p.input.file, lanes: p.lanes, strategy: p.strategy, core: p.core.name,
    passes: p.passes, clockMHz: p.clockMHz, traffic: p.input.pcap === undefined ? 'generic' as const : 'pcap' as const, maxPackets: p.packets,
  };
  const nulls = {
    insnsOriginal: null, insnsOptimized: null, rows: null, ipc: null, cyclesMean: null, cyclesMax: null, cyclesP50: null, cyclesP99: null,
    packets: null, runts: null, dropped: null, mpps: null, coreMpps: null, latencyNsMean: null, latencyNsP99: null, laneUtilisation: null,
    compileMs: null, simulateMs: null, mismatches: null,
  };
  const inputs = inputsOf(p);
  try {
    const t0 = performance.now();
    const c = compileObject(inputs.obj, { program: p.input.program, core: p.core, passes: passList(p.passes), minFrame: DEFAULT_MIN_FRAME });
    const sched = scheduleProgram(c.ir, c.insns.original, { core: p.core, lanes: p.lanes, strategy: p.strategy, timeLimitMs: p.timeLimitMs });
    const compileMs = performance.now() - t0;
    const t1 = performance.now();
    const r = simulate(inputs.packets, {
      reference: inputs.obj, compiled: c.object, program: c.optimized.program.name, core: p.core, fixture: inputs.fixture,
      schedule: () => sched.program, lineRateGbps: p.lineRateGbps, minFrame: DEFAULT_MIN_FRAME,
    });
    const simulateMs = performance.now() - t1;
    return {
      ...base, insnsOriginal: c.insns.original, insnsOptimized: c.insns.optimized, rows: sched.stats.rows, ipc: round(sched.stats.ipc, 3),
      cyclesMean: r.cycles.mean, cyclesMax: r.cycles.max, cyclesP50: r.cycles.p50, cyclesP99: r.cycles.p99,
      packets: r.packets, runts: r.runts, dropped: r.dropped, mpps: round(r.mpps, 4), coreMpps: round(r.coreMpps, 4),
      latencyNsMean: r.latencyNs.mean, latencyNsP99: r.latencyNs.p99, laneUtilisation: round(r.laneUtilisation.mean, 4),
      compileMs: round(compileMs, 1), simulateMs: round(simulateMs, 1), mismatches: r.mismatches,
    };
  } catch (e) {
    if (e instanceof ScheduleError || e instanceof PipelineError || e instanceof PassNameError || e instanceof RunInputError)
      return { ...base, ...nulls, refused: e.message.split('\n')[0] };
    throw e;
  }
}

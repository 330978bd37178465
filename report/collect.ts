// Measures what a report shows for one program: instructions left by each pass alone and by all
// (compiler/pipeline), rows by lane count and by strategy (compiler/schedule), one schedule's lane
// map, and, on the program's traffic (traffic.pcap and maps.json beside the object), the
// cycle-accurate core (simulator/simulate) with the kernel JIT and the x86 model beside it.
// It measures and returns data; it prints nothing and draws nothing.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileObject, DEFAULT_MIN_FRAME, PipelineError } from '../compiler/pipeline.js';
import type { Compiled } from '../compiler/pipeline.js';
import type { LoadedObject } from '../compiler/loader/types.js';
import { PASS_NAMES } from '../compiler/passes/index.js';
import { scheduleProgram, ScheduleError } from '../compiler/schedule/index.js';
import type { ScheduleOptions, Strategy } from '../compiler/schedule/index.js';
import { disassembleInsn } from '../isa/index.js';
import type { CoreConfig, Insn, RowProgram, Syllable } from '../isa/index.js';
import type { TraceSink } from '../simulator/core/pipeline.js';
import { RunInputError } from '../simulator/engine.js';
import { parseJson } from '../simulator/io/json.js';
import { parseFixture } from '../simulator/maps/fixture.js';
import type { MapFixture } from '../simulator/maps/fixture.js';
import { readPcapFile } from '../simulator/pcap/index.js';
import { kernelNsPerPacket } from '../simulator/simulate/baseline.js';
import { simulate } from '../simulator/simulate/run.js';
import { displayName } from './inputs.js';
import type { InsnClass, LaneMap, MapCell, Measured, ProgramFigures, RowsCell, SimFigures } from './types.js';

export interface CollectOptions {
  readonly core: CoreConfig;
  /** lane counts of the rows-by-lanes chart */
  readonly laneCounts: readonly number[];
  /** the strategy of the lanes chart, the lane map and the simulation */
  readonly strategy: Strategy;
  /** the strategies compared side by side (at the core's lane count) */
  readonly strategies: readonly Strategy[];
  readonly timeLimitMs: number;
  /** packets simulated per program (the first of its traffic); 0: no simulation */
  readonly maxPackets: number;
  /** whether to time the kernel JIT (root and bpftool) */
  readonly kernel: boolean;
  /** whether to keep the lane map (only the charts' first program needs one) */
  readonly laneMap: boolean;
  /** 40 Gb/s by default, as `simulate` */
  readonly lineRateGbps?: number;
}

export function classOf(insn: Insn): InsnClass {
  switch (insn.kind) {
    case 'alu': case 'end': return 'alu';
    case 'ldx': case 'st': case 'stx': case 'atomic': case 'ld-abs': case 'ld-ind': return 'memory';
    case 'jmp': case 'ja': return 'branch';
    case 'call': case 'call-local': case 'callx': return 'call';
    case 'exit': return 'exit';
    case 'lddw': return 'lddw';
    case 'exit-imm': case 'ldx6': case 'stx6': case 'alu3': case 'jlen': return 'extended';
  }
}

function cellOf(s: Syllable): MapCell {
  let text = disassembleInsn(s.insn, s.source.pc ?? 0);
  if (s.target !== undefined) text = text.replace(/(goto|call) [^\s]+/, `$1 row ${s.target}`);
  const where = s.source.index === undefined ? 'made by the compiler' : `insn ${s.source.index}`;
  const line = s.source.line ? ` — ${s.source.line.file.split('/').pop()}:${s.source.line.line}: ${s.source.line.text.trim()}` : '';
  return { cls: classOf(s.insn), text, source: `${where}${line}` };
}

export function laneMapOf(p: RowProgram, strategy: string): LaneMap {
  return { program: p.name, lanes: p.lanes, strategy, rows: p.rows.map((r) => r.map((s) => (s ? cellOf(s) : null))) };
}

function rowsCell(c: Compiled, opts: ScheduleOptions): { cell: RowsCell; program?: RowProgram } {
  const base = { lanes: opts.lanes ?? opts.core.lanes, strategy: opts.strategy };
  try {
    const r = scheduleProgram(c.ir, c.insns.original, opts);
    const s = r.stats;
    return { cell: { ...base, rows: s.rows, ipc: Number(s.ipc.toFixed(3)), blocks: s.blocks, ...(s.exactBlocks === undefined ? {} : { exactBlocks: s.exactBlocks }) }, program: r.program };
  } catch (e) {
    if (!(e instanceof ScheduleError)) throw e;
    return { cell: { ...base, rows: null, refused: e.message } };
  }
}

/** The traffic beside an object (programs/<name>/traffic.pcap, maps.json), when there. */
export function trafficOf(file: string): { pcap?: string; maps?: string } {
  const dir = dirname(file);
  const pcap = join(dir, 'traffic.pcap');
  const maps = join(dir, 'maps.json');
  return { pcap: existsSync(pcap) ? pcap : undefined, maps: existsSync(maps) ? maps : undefined };
}

export function readFixtureFile(path: string): MapFixture {
  return parseFixture(parseJson(readFileSync(path, 'utf8')), path);
}

interface SimOutcome {
  readonly sim: Measured<SimFigures>;
  readonly modelNs: number | null;
  readonly packets: Uint8Array[];
  readonly fixture?: MapFixture;
}

function simulateProgram(obj: LoadedObject, c: Compiled, file: string, o: CollectOptions, sched: { cell: RowsCell; program?: RowProgram }): SimOutcome {
  const none = (why: string): SimOutcome => ({ sim: { why }, modelNs: null, packets: [] });
  if (o.maxPackets === 0) return none('not simulated (--max-packets 0)');
  const rows = sched.program;
  if (!rows) return none(`refused by the scheduler: ${sched.cell.refused}`);
  const t = trafficOf(file);
  if (!t.pcap) return none(`no traffic.pcap beside ${file}`);
  const packets = readPcapFile(t.pcap).slice(0, o.maxPackets).map((r) => r.data);
  const fixture = t.maps ? readFixtureFile(t.maps) : undefined;
  const coreNs: number[] = [];
  const nsPerCycle = 1000 / o.core.clockMHz;
  const sink: TraceSink = { packet: () => undefined, row: () => undefined, exit: (cycle) => void coreNs.push(cycle * nsPerCycle) };
  try {
    const r = simulate(packets.map((data) => ({ data })), {
      reference: obj, compiled: c.object, program: c.optimized.program.name, core: o.core,
      schedule: () => rows, fixture, lineRateGbps: o.lineRateGbps ?? 40,
      minFrame: DEFAULT_MIN_FRAME, trace: sink,
    });
    if (r.packets === 0) return { ...none(`no packet of ${t.pcap} reached the core`), fixture };
    const sim: SimFigures = {
      packets: r.packets, cyclesMean: r.cycles.mean, cyclesP50: r.cycles.p50, cyclesP99: r.cycles.p99, cyclesMax: r.cycles.max,
      coreMpps: r.coreMpps, pathMpps: r.mpps, latencyNs: r.latencyNs, coreNs, ipc: r.laneUtilisation.mean * r.lanes,
      mismatches: r.mismatches, clockMHz: r.clockMHz, lanes: r.lanes, strategy: o.strategy, core: o.core.name, traffic: t.pcap,
    };
    return { sim, modelNs: r.baseline.modelNsPerPacket, packets, fixture };
  } catch (e) {
    if (e instanceof RunInputError) return none(e.message);
    throw e;
  }
}

/** Every figure of one program; a program the compiler or scheduler refuses gets `refused` or per-cell reasons. */
export async function collectProgram(obj: LoadedObject, file: string, program: string, o: CollectOptions): Promise<ProgramFigures> {
  const name = displayName(file);
  let c: Compiled;
  try {
    c = compileObject(obj, { program, core: o.core });
  } catch (e) {
    if (!(e instanceof PipelineError || e instanceof ScheduleError)) throw e;
    return { file, name, program, insns: { original: 0, optimized: 0 }, passAlone: [], lanes: [], strategies: [], sim: { why: e.message }, kernelNs: { why: e.message }, modelNs: null, refused: e.message };
  }
  const passAlone = PASS_NAMES.map((pass) => ({ pass, insns: compileObject(obj, { program, core: o.core, passes: [pass] }).insns.optimized }));
  const done = new Map<string, ReturnType<typeof rowsCell>>();
  const rows = (lanes: number, strategy: Strategy) => {
    const key = `${lanes}/${strategy}`;
    if (!done.has(key)) done.set(key, rowsCell(c, { core: o.core, lanes, strategy, timeLimitMs: o.timeLimitMs }));
    return done.get(key)!;
  };
  const lanes = o.laneCounts.map((l) => rows(l, o.strategy).cell);
  const strategies = o.strategies.map((s) => rows(o.core.lanes, s).cell);
  const mapRows = o.laneMap ? rows(o.core.lanes, o.strategy).program : undefined;
  const s = simulateProgram(obj, c, file, o, rows(o.core.lanes, o.strategy));
  const kernelNs = await kernelFigure(obj, program, s, o.kernel);
  return {
    file, name, program, insns: c.insns, passAlone, lanes, strategies,
    ...(o.laneMap && mapRows ? { map: laneMapOf(mapRows, o.strategy) } : {}),
    sim: s.sim, kernelNs, modelNs: s.modelNs,
  };
}

async function kernelFigure(obj: LoadedObject, program: string, s: SimOutcome, wanted: boolean): Promise<Measured<{ ns: number }>> {
  if (!wanted) return { why: 'not asked for (--baseline kernel or both measures it: root and bpftool)' };
  const packets = s.packets.filter((d) => d.length >= DEFAULT_MIN_FRAME);
  if (packets.length === 0) return { why: 'no traffic to time it on' };
  const k = await kernelNsPerPacket(obj, program, packets, s.fixture);
  return 'ns' in k ? { ns: Math.round(k.ns * 100) / 100 } : { why: k.why };
}

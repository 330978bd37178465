// `xdp2hw simulate <file> [--program P] [--pcap F | --packet HEX] [--maps F] [--lanes N] [--strategy S]
// [--core C] [--clock-mhz M] [--line-rate G] [--baseline B] [--trace] [--vcd F] [--json]`: compiles
// and schedules the program, runs the trace through the cycle-accurate core and its packet path
// (simulator/simulate), checks every packet against the reference interpreter, prints the figures.

import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import { compileObject, DEFAULT_MIN_FRAME, PipelineError } from '../../compiler/pipeline.js';
import { TextTrace, VcdTrace } from '../../simulator/core/trace.js';
import type { TraceSink } from '../../simulator/core/pipeline.js';
import { RunInputError } from '../../simulator/engine.js';
import { createProgress } from '../../simulator/io/progress.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { kernelNsPerPacket } from '../../simulator/simulate/baseline.js';
import { simulate } from '../../simulator/simulate/run.js';
import type { SimPacket, SimulateReport } from '../../simulator/simulate/run.js';
import { UsageError, UserError } from '../errors.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE, PROGRAM_TO_RUN } from '../options.js';
import { CORE, LANES, scheduleOptions, scheduleOrFail, STRATEGY, TIME_LIMIT } from '../schedule-options.js';
import type { ScheduleArgs } from '../schedule-options.js';
import { readFixture, readPacket } from '../inputs.js';
import { formatReport } from './simulate-format.js';
import { refuseUnfit } from './check.js';
import { PathRecorder } from '../check-runs.js';
import { wcetJson } from '../check-format.js';
import { staticWcet } from '../../compiler/wcet/index.js';
import { compareRuns } from '../../compiler/wcet/compare.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import type { CoreConfig, RowProgram } from '../../isa/index.js';

const BASELINES = ['kernel', 'model', 'both', 'none'] as const;
type Baseline = (typeof BASELINES)[number];

interface SimulateArgs extends ScheduleArgs {
  file: string;
  program?: string;
  pcap?: string;
  packet?: string;
  maps?: string;
  'clock-mhz'?: number;
  'line-rate': number;
  arrivals: 'line' | 'pcap';
  baseline: Baseline;
  trace: boolean;
  vcd?: string;
  json: boolean;
  'max-packets'?: number;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate <file>',
  describe: 'Cycle-accurate simulation of the VLIW core and its packet path: cycles, latency, Mpps, stalls, checked against the interpreter',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('program', PROGRAM_TO_RUN)
      .option('pcap', { type: 'string', describe: 'the packets: a pcap file' })
      .option('packet', { type: 'string', describe: 'one packet: hex bytes, or a file of raw bytes' })
      .conflicts('packet', 'pcap')
      .option('maps', MAP_FIXTURE)
      .option('lanes', LANES)
      .option('strategy', STRATEGY)
      .option('core', CORE)
      .option('time-limit', TIME_LIMIT)
      .option('clock-mhz', { type: 'number', describe: 'core clock, MHz (default: the core\'s, 156.25 for both presets)' })
      .option('line-rate', { type: 'number', default: 40, describe: 'Gb/s of back-to-back arrivals (preamble and inter-frame gap included)' })
      .option('arrivals', { choices: ['line', 'pcap'] as const, default: 'line' as const, describe: 'line: back to back at --line-rate; pcap: at the capture\'s timestamps' })
      .option('baseline', { choices: BASELINES, default: 'model' as Baseline, describe: 'CPU figures beside: the kernel JIT measured (root, bpftool), the x86 model, both, none' })
      .option('max-packets', { type: 'number', describe: 'stop after N packets' })
      .option('trace', { type: 'boolean', default: false, describe: 'print the pipeline cycle by cycle (use with few packets)' })
      .option('vcd', { type: 'string', describe: 'write a VCD waveform (GTKWave) to this file' })
      .option('json', JSON_OUTPUT)
      .check((a) => {
        if (a.packet === undefined && a.pcap === undefined) throw new UsageError('give --pcap or --packet');
        return true;
      })
      .epilog('Exit status: 0 when every packet agreed with the reference interpreter, 1 on a mismatch or bad input, 2 for usage errors.') as unknown as Argv<SimulateArgs>,
  handler: async (a) => {
    const obj = loadFile(a.file);
    const program = a.program ?? obj.programs[0]?.name;
    if (program === undefined) throw new UserError(`${a.file}: the file has no programs`);
    const sched = scheduleOptions(a);
    const clock = a['clock-mhz'];
    if (clock !== undefined && !(clock > 0 && clock <= 2000)) throw new UserError(`--clock-mhz must be above 0 and at most 2000, not ${clock}`);
    if (!(a['line-rate'] > 0)) throw new UserError(`--line-rate must be above 0, not ${a['line-rate']}`);
    const core = clock === undefined ? sched.core : { ...sched.core, clockMHz: clock };
    let compiled;
    try {
      compiled = compileObject(obj, { program, core });
      refuseUnfit(obj, { program, core, lanes: sched.lanes, strategy: sched.strategy, timeLimitMs: sched.timeLimitMs });
    } catch (e) {
      throw e instanceof PipelineError ? new UserError(e.message) : e;
    }
    const fixture = a.maps === undefined ? undefined : readFixture(a.maps);
    const packets = readPackets(a);
    const progress = createProgress('simulate', 'pkts');
    const sinks: TraceSink[] = [];
    if (a.trace) sinks.push(new TextTrace((l) => process.stdout.write(`${l}\n`)));
    const vcd = a.vcd === undefined ? undefined : new VcdTrace(a.lanes ?? core.lanes, core.clockMHz);
    if (vcd) sinks.push(vcd);
    const paths = a.json ? new PathRecorder() : undefined; // the static bound beside the packets (the wcet block)
    if (paths) sinks.push(paths);
    let rows: RowProgram | undefined;
    let report: SimulateReport;
    try {
      report = simulate(packets, {
        reference: obj, compiled: compiled.object, program: compiled.optimized.program.name, core,
        // the rows of the program after the passes, with every program a tail call may reach after its own passes (compile's ROM)
        schedule: () => (rows = scheduleOrFail(obj, program, { ...sched, core }, compiled).program), fixture, lineRateGbps: a['line-rate'],
        minFrame: DEFAULT_MIN_FRAME, trace: fanOut(sinks), progress: (i) => progress.update(i, packets.length),
      });
    } catch (e) {
      throw e instanceof RunInputError ? new UserError(e.message) : e;
    } finally {
      progress.end();
    }
    if (vcd) writeFileSync(a.vcd!, vcd.text());
    if (a.baseline === 'none' || a.baseline === 'kernel') report.baseline.modelNsPerPacket = null;
    let kernelWhy: string | undefined;
    if (a.baseline === 'kernel' || a.baseline === 'both') {
      const k = await kernelNsPerPacket(obj, program, packets.map((p) => p.data).filter((d) => d.length >= DEFAULT_MIN_FRAME), fixture);
      if ('ns' in k) report.baseline.kernelNsPerPacket = Math.round(k.ns * 100) / 100;
      else kernelWhy = k.why;
    }
    if (a.json) {
      const { mismatchList, ...rest } = report;
      const wcet = rows && paths ? boundBeside(obj, rows, core, a['line-rate'], paths) : null;
      process.stdout.write(`${JSON.stringify({ program, core: core.name, strategy: a.strategy, ...rest, mismatchList, wcet, ...(kernelWhy ? { kernelUnavailable: kernelWhy } : {}) }, null, 2)}\n`);
    } else process.stdout.write(formatReport(program, core.name, a.strategy, report, kernelWhy));
    for (const m of report.mismatchList) process.stderr.write(`${a.file}: packet ${m.packet}: ${m.field} differs: reference ${m.reference}, core ${m.core}\n`);
    if (report.mismatches > 0) process.exitCode = 1;
  },
};

/** The static worst case of the rows simulated, with the packets' paths beside it (simulate --json's `wcet`). */
function boundBeside(obj: LoadedObject, rows: RowProgram, core: CoreConfig, lineRateGbps: number, paths: PathRecorder): Record<string, unknown> | null {
  const opts = { mapTypes: obj.maps.map((m) => m.type), maps: obj.maps, lineRateGbps };
  const w = staticWcet(rows, core, opts);
  return wcetJson(w, w.bounded ? compareRuns(rows, core, opts, w.wcet, paths.runs) : undefined);
}

function fanOut(sinks: TraceSink[]): TraceSink | undefined {
  if (sinks.length === 0) return undefined;
  if (sinks.length === 1) return sinks[0];
  return {
    packet: (i, c) => sinks.forEach((s) => s.packet(i, c)),
    row: (...args) => sinks.forEach((s) => s.row(...args)),
    exit: (...args) => sinks.forEach((s) => s.exit(...args)),
  };
}

function readPackets(a: SimulateArgs): SimPacket[] {
  const max = a['max-packets'];
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new UserError(`--max-packets must be a positive integer, not ${max}`);
  if (a.packet !== undefined) return [{ data: readPacket(a.packet) }];
  const recs = readPcapFile(a.pcap!).slice(0, max ?? Infinity);
  if (a.arrivals === 'line') return recs.map((r) => ({ data: r.data }));
  const t0 = recs.length > 0 ? recs[0].tsSec * 1e9 + recs[0].tsNsec : 0;
  return recs.map((r) => ({ data: r.data, atNs: r.tsSec * 1e9 + r.tsNsec - t0 }));
}

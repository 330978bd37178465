// `xdp2hw run <file> --packet <hex|file> [--program P] [--maps fixture.json] [--engine E] [--json]`:
// one packet through an engine (the reference interpreter by default, or the kernel); prints the
// action, the output packet, changed map entries and the instruction count (and
// bpf_perf_event_output calls; `--perf-out` writes their samples as a pcap). With `--pcap`
// instead, streams a trace and prints a summary. Exit 0 when the run completed (a trap is a
// result: action XDP_ABORTED and the trap printed), 1 for bad input (file, fixture, packet), 2 for
// usage. Output formats: run-output.ts.

import type { Argv, CommandModule } from 'yargs';
import { packetFindings, findingLine } from '../../compiler/analysis/packet-check.js';
import type { PacketFinding } from '../../compiler/analysis/packet-check.js';
import { IrError } from '../../compiler/ir/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { RunInputError } from '../../simulator/engine.js';
import type { EngineSession, MapsSnapshot, PerfEvent, RunResult } from '../../simulator/engine.js';
import { createEngine, ENGINE_NAMES } from '../../simulator/engines.js';
import type { EngineName, EngineOptions } from '../../simulator/engines.js';
import type { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { createProgress } from '../../simulator/io/progress.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { diffSnapshots } from '../../simulator/maps/set.js';
import { runPcap } from '../../simulator/pcap-run.js';
import type { PcapRunOptions, PcapRunSummary } from '../../simulator/pcap-run.js';
import { PcapWriter, writePcapFile } from '../../simulator/pcap/index.js';
import type { PcapRecord } from '../../simulator/pcap/index.js';
import { parseIntList } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { readFixture, readPacket } from '../inputs.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE, PROGRAM_TO_RUN, traceOptions } from '../options.js';
import { rejectOutOfMode } from '../validate-options.js';
import { formatPacket, formatSummary, packetJson, traceJson } from './run-output.js';
import type { TraceLine } from './run-output.js';
import { CORE, LANES, PASSES, scheduleOptions, scheduleOrFail, STRATEGY, TIME_LIMIT } from '../schedule-options.js';
import { emitVerilog, mapBankFiles } from '../../compiler/emit/verilog/index.js';
import { RTL_SIMULATORS } from '../../simulator/rtl/engine.js';
import type { RtlSession, RtlSimulator } from '../../simulator/rtl/engine.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import type { ScheduleArgs } from '../schedule-options.js';

interface RunArgs extends Partial<ScheduleArgs> {
  file: string;
  passes?: boolean;
  program?: string;
  packet?: string;
  pcap?: string;
  'max-packets'?: number;
  'ingress-ifindex'?: string;
  'rx-queues'?: string;
  maps?: string;
  json: boolean;
  'dump-maps'?: boolean;
  'ctx-ifindex'?: number;
  'rx-queue'?: number;
  budget?: number;
  engine: EngineName;
  'perf-out'?: string;
  'egress-ifindex'?: number;
  cosim?: RtlSimulator;
}

/** The most trace lines a --pcap --json run keeps (the rest are counted in traceOmitted). */
const MAX_TRACE_LINES = 100_000;

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run one packet, or every packet of a pcap, through an engine, the reference interpreter by default (exit 0 also when the program traps)',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('packet', { type: 'string', describe: 'the packet: hex bytes, or a file of raw bytes' })
      .option('pcap', { type: 'string', describe: 'run every packet of a pcap file instead, and print a summary' })
      .options(traceOptions('with --pcap: '))
      .conflicts('packet', 'pcap')
      .check((a) => {
        if (a.packet === undefined && a.pcap === undefined) throw new UsageError('give --packet or --pcap');
        if (a.pcap !== undefined) rejectOutOfMode(a, 'pcap', ['ctx-ifindex', 'rx-queue', 'egress-ifindex']);
        else rejectOutOfMode(a, 'packet', ['max-packets', 'ingress-ifindex', 'rx-queues']);
        return true;
      })
      .option('program', PROGRAM_TO_RUN)
      .option('maps', MAP_FIXTURE)
      .option('json', JSON_OUTPUT)
      .option('dump-maps', { type: 'boolean', describe: 'also print every map\'s entries after the run (with --packet: besides the changed ones)' })
      .option('ctx-ifindex', { type: 'number', describe: 'with --packet: xdp_md.ingress_ifindex (default 1, as the kernel test run)' })
      .option('rx-queue', { type: 'number', describe: 'with --packet: xdp_md.rx_queue_index (default 0)' })
      .option('egress-ifindex', { type: 'number', describe: 'with --packet: xdp_md.egress_ifindex, for xdp/devmap programs (default 1)' })
      .option('budget', { type: 'number', describe: 'instructions one packet may execute (default 1000000)' })
      .option('perf-out', { type: 'string', describe: 'write the packet samples of bpf_perf_event_output calls to this pcap file' })
      .option('engine', { choices: ENGINE_NAMES, default: 'interpreter' as EngineName, describe: 'the engine that runs the program (kernel: BPF_PROG_TEST_RUN, needs root and bpftool; rows: the scheduled rows; core: the cycle-accurate core; rtl: the core\'s Verilog in a simulator)' })
      .option('cosim', { choices: RTL_SIMULATORS, describe: 'with --engine rtl: the Verilog simulator (default icarus)' })
      .option('lanes', { ...LANES, describe: `with --engine rows, core or rtl: ${LANES.describe}` })
      .option('strategy', { ...STRATEGY, describe: `with --engine rows, core or rtl: ${STRATEGY.describe}` })
      .option('core', { ...CORE, describe: `with --engine rows, core or rtl: ${CORE.describe}` })
      .option('time-limit', { ...TIME_LIMIT, describe: `with --engine rows, core or rtl: ${TIME_LIMIT.describe}` })
      .option('passes', { ...PASSES, describe: `with --engine rows, core or rtl: ${PASSES.describe}` })
      .epilog(
        'The packet runs as under the kernel\'s BPF_PROG_TEST_RUN (256 bytes of headroom, 14 to 73152 bytes). '
        + 'Lines the program prints with bpf_printk go to stderr (with --json: the "trace" field; interpreter only). '
        + 'Exit status: 0 when the run completed, also when the program trapped (the trap is printed, the action is '
        + 'XDP_ABORTED); 1 for bad input (file, fixture, packet, program name); 2 for usage errors.',
      ) as unknown as Argv<RunArgs>,
  handler: async (argv) => (argv.pcap !== undefined ? runTrace(argv) : runPacket(argv)),
};

/** For --engine rows and core: the scheduler the engine runs the program through (the CLI compiles, the engine executes). */
function rowsOptions(engine: EngineName | undefined, a: Partial<ScheduleArgs> & { passes?: boolean; cosim?: RtlSimulator }): EngineOptions {
  if (engine !== 'rows' && engine !== 'core' && engine !== 'rtl') return {};
  const opts = scheduleOptions({ strategy: a.strategy ?? 'list', core: a.core ?? 'xdp2hw', lanes: a.lanes, 'time-limit': a['time-limit'] ?? 200 });
  const rows: EngineOptions = { core: opts.core, schedule: (obj, program) => scheduleOrFail(obj, program, opts, a.passes ?? false).program };
  if (engine !== 'rtl') return rows;
  // the RTL engine: the Verilog of the rows (compiler/emit/verilog), run by Icarus or Verilator
  return { ...rows, emit: (r, core, obj) => emitVerilog(r, core, obj), mapBanks: mapBankFiles, cosim: a.cosim ?? 'icarus' };
}

/** A session of the named engine; an engine this machine cannot run is one line for the user. */
async function openSession(name: EngineName, obj: LoadedObject, program: string, fixture: MapFixture | undefined, opts: EngineOptions): Promise<EngineSession> {
  const engine = createEngine(name, opts);
  const why = await engine.unavailable();
  if (why) throw new UserError(`--engine ${name}: not available on this machine: ${why}`);
  try {
    return await engine.open(obj, program, fixture);
  } catch (e) {
    throw asUserError(e);
  }
}

/** A bad run input (program name, fixture against the maps, packet) is the user's to fix: one line. */
function asUserError(e: unknown): unknown {
  return e instanceof RunInputError ? new UserError(e.message) : e;
}

/** The object, the fixture and the program to run, checked in the order a user gives them. */
function inputs(argv: RunArgs): { obj: LoadedObject; fixture: MapFixture | undefined; program: string; warnings: PacketFinding[] } {
  const obj = loadFile(argv.file);
  const fixture = argv.maps === undefined ? undefined : readFixture(argv.maps);
  const program = argv.program ?? firstXdpProgram(obj, argv.file);
  return { obj, fixture, program, warnings: packetWarnings(obj, program, argv.file) };
}

/**
 * Packet accesses the kernel verifier would reject (compiler/analysis/packet-check.ts), each printed
 * on stderr before the run; the run goes ahead unchanged. A program the IR cannot lift is not judged.
 */
function packetWarnings(obj: LoadedObject, program: string, file: string): PacketFinding[] {
  const p = obj.programs.find((q) => q.name === program);
  if (!p) return [];
  let found: PacketFinding[];
  try {
    found = packetFindings(p);
  } catch (e) {
    if (e instanceof IrError) return [];
    throw e;
  }
  for (const f of found) process.stderr.write(`warning: ${findingLine(file, program, f)}\n`);
  return found;
}

/** The program `run` takes when none is named: the object's first XDP program. */
export function firstXdpProgram(obj: LoadedObject, file: string): string {
  if (obj.programs.length === 0) throw new UserError(`${file}: the file has no programs`);
  const p = obj.programs.find((x) => x.type?.kind !== 'other');
  if (!p) throw new UserError(`${file}: no XDP program to run (programs: ${obj.programs.map((x) => `${x.name} (${x.type?.kind === 'other' ? x.type.type : 'xdp'})`).join(', ')})`);
  return p.name;
}

async function runPacket(argv: RunArgs): Promise<void> {
  const { obj, fixture, program, warnings } = inputs(argv);
  const packet = readPacket(argv.packet ?? '');
  let result: RunResult, before;
  const session = await openSession(argv.engine, obj, program, fixture, { budget: argv.budget, ...rowsOptions(argv.engine, argv) });
  try {
    before = await session.readMaps();
    result = await session.run({ packet, ctx: { ingressIfindex: argv['ctx-ifindex'], rxQueueIndex: argv['rx-queue'], egressIfindex: argv['egress-ifindex'] } });
  } catch (e) {
    throw asUserError(e);
  } finally {
    await session.close();
  }
  const changed = diffSnapshots(before, result.maps);
  if (argv['perf-out'] !== undefined) await writePerfSamples(argv['perf-out'], result.perfEvents ?? []);
  const maps = argv['dump-maps'] ? result.maps : undefined;
  if (argv.json) process.stdout.write(`${JSON.stringify(packetJson(program, result, changed, maps, warnings), null, 2)}\n`);
  else {
    for (const line of result.trace ?? []) process.stderr.write(`${line}\n`);
    process.stdout.write(formatPacket(program, result, changed, maps));
  }
}

async function runTrace(argv: RunArgs): Promise<void> {
  const { obj, fixture, program, warnings } = inputs(argv);
  const trace: TraceLine[] = [];
  let omitted = 0;
  const onTrace = (packet: number, lines: readonly string[]) => {
    for (const line of lines)
      if (!argv.json) process.stderr.write(`packet ${packet}: ${line}\n`);
      else if (trace.length < MAX_TRACE_LINES) trace.push({ packet, line });
      else omitted++;
  };
  const perf = argv['perf-out'] === undefined ? undefined : await PcapWriter.create(argv['perf-out']);
  const onResult = perf && (async (r: RunResult, rec: PcapRecord) => {
    for (const e of r.perfEvents ?? []) if (e.sample.length > 0) await perf.write(e.sample, rec.tsSec, rec.tsNsec, e.packetLen);
  });
  let run;
  try {
    run = await runTraceOn(obj, program, fixture, argv, false, { onTrace, onResult, dumpMaps: argv['dump-maps'] });
  } catch (e) {
    await perf?.abort();
    throw e;
  }
  await perf?.close();
  const { session: _session, maps, ...summary } = run;
  process.stdout.write(argv.json
    ? `${JSON.stringify(traceJson(program, summary, { trace, omitted }, maps, warnings), null, 2)}\n`
    : formatSummary(program, summary, maps));
}

type TraceArgs = Pick<RunArgs, 'pcap' | 'max-packets' | 'ingress-ifindex' | 'rx-queues' | 'budget' | 'cosim'> & Partial<ScheduleArgs> & { engine?: EngineName; passes?: boolean };

interface TraceHooks {
  /** the lines bpf_trace_printk printed while running packet `packet` */
  onTrace?: (packet: number, lines: readonly string[]) => void;
  /** called with every run's result (the input record for its timestamp) */
  onResult?: PcapRunOptions['onResult'];
  /** read every map after the last packet, before the session closes (the result's `maps`) */
  dumpMaps?: boolean;
}

type TraceRun<S> = PcapRunSummary & { session: S; maps?: MapsSnapshot };

/** Opens a session (the interpreter's with coverage when asked) and streams `argv.pcap` through it. */
export async function runTraceOn(
  obj: LoadedObject, program: string, fixture: MapFixture | undefined, argv: TraceArgs, coverage: true, hooks?: TraceHooks,
): Promise<TraceRun<InterpreterSession>>;
export async function runTraceOn(
  obj: LoadedObject, program: string, fixture: MapFixture | undefined, argv: TraceArgs, coverage?: false, hooks?: TraceHooks,
): Promise<TraceRun<EngineSession>>;
export async function runTraceOn(
  obj: LoadedObject, program: string, fixture: MapFixture | undefined, argv: TraceArgs, coverage = false, hooks: TraceHooks = {},
): Promise<TraceRun<EngineSession>> {
  const ingressIfindexes = argv['ingress-ifindex'] === undefined ? undefined : parseIntList(argv['ingress-ifindex'], 'ingress-ifindex', 1);
  const rxQueues = argv['rx-queues'] === undefined ? undefined : parseIntList(argv['rx-queues'], 'rx-queues');
  const max = argv['max-packets'];
  const engine = coverage ? 'interpreter' : argv.engine ?? 'interpreter';
  const session = await openSession(engine, obj, program, fixture, { budget: argv.budget, coverage, ...rowsOptions(engine, argv) });
  const bar = createProgress('run', 'pkts');
  try {
    if (engine === 'rtl') await primeRtl(session as RtlSession, argv.pcap!, max, ingressIfindexes, rxQueues);
    const summary = await runPcap(session, argv.pcap!, { maxPackets: max, ingressIfindexes, rxQueues, onTrace: hooks.onTrace, onResult: hooks.onResult, onProgress: (n) => bar.update(n, max) });
    const maps = hooks.dumpMaps ? await session.readMaps() : undefined;
    return { ...summary, session, ...(maps ? { maps } : {}) };
  } finally {
    bar.end();
    await session.close();
  }
}

/** The RTL runs the whole trace in one simulator process; the runs that follow read its results. */
async function primeRtl(session: RtlSession, pcap: string, max: number | undefined, ifs: number[] | undefined, queues: number[] | undefined): Promise<void> {
  let recs;
  try {
    recs = readPcapFile(pcap);
  } catch {
    return; // runPcap reports the pcap's problem in its own words
  }
  const inputs = recs.slice(0, max ?? recs.length).map((r, i) => ({ packet: r.data, ctx: { ingressIfindex: ifs?.[i % ifs.length], rxQueueIndex: queues?.[i % queues.length] } }));
  await session.prime(inputs, { snapshot: false });
}

/** The samples of one run as a pcap (a record per call that sampled bytes; the original length is the packet's). */
async function writePerfSamples(path: string, events: readonly PerfEvent[]): Promise<void> {
  await writePcapFile(path, events.filter((e) => e.sample.length > 0).map((e) => ({ tsSec: 0, tsNsec: 0, data: e.sample, origLen: e.packetLen })));
}

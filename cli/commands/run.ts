// `xdp2hw run <file> --packet <hex|file> [--program P] [--maps fixture.json] [--engine E] [--json]`:
// one packet through an engine (the reference interpreter by default, or the kernel); prints the
// action, the output packet, changed map entries and the instruction count. With `--pcap` instead, streams a trace and prints a summary. Exit 0 when the run completed (a trap is a result: action
// XDP_ABORTED and the trap printed), 1 for bad input (file, fixture, packet), 2 for usage.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import { RunInputError } from '../../simulator/engine.js';
import type { EngineSession, RunResult } from '../../simulator/engine.js';
import { createEngine, ENGINE_NAMES } from '../../simulator/engines.js';
import type { EngineName, EngineOptions } from '../../simulator/engines.js';
import type { InterpreterSession } from '../../simulator/interpreter/engine.js';
import { bytesToHex, hexToBytes, parseFixture } from '../../simulator/maps/fixture.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { diffSnapshots } from '../../simulator/maps/set.js';
import type { ChangedEntry } from '../../simulator/maps/set.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { createProgress } from '../../simulator/io/progress.js';
import { runPcap } from '../../simulator/pcap-run.js';
import type { PcapRunSummary } from '../../simulator/pcap-run.js';
import { parseIntList } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE, PROGRAM_TO_RUN, traceOptions } from '../options.js';
import { CORE, LANES, PASSES, scheduleOptions, scheduleOrFail, STRATEGY, TIME_LIMIT } from '../schedule-options.js';
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
  'ctx-ifindex'?: number;
  'rx-queue'?: number;
  budget?: number;
  engine: EngineName;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run one packet through an engine, the reference interpreter by default (exit 0 also when the program traps)',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('packet', { type: 'string', describe: 'the packet: hex bytes, or a file of raw bytes' })
      .option('pcap', { type: 'string', describe: 'run every packet of a pcap file instead, and print a summary' })
      .options(traceOptions('with --pcap: '))
      .conflicts('packet', 'pcap')
      .check((a) => {
        if (a.packet === undefined && a.pcap === undefined) throw new UsageError('give --packet or --pcap');
        return true;
      })
      .option('program', PROGRAM_TO_RUN)
      .option('maps', MAP_FIXTURE)
      .option('json', JSON_OUTPUT)
      .option('ctx-ifindex', { type: 'number', describe: 'xdp_md.ingress_ifindex (default 1, as the kernel test run)' })
      .option('rx-queue', { type: 'number', describe: 'xdp_md.rx_queue_index (default 0)' })
      .option('budget', { type: 'number', describe: 'instruction budget (default 1000000)' })
      .option('engine', { choices: ENGINE_NAMES, default: 'interpreter' as EngineName, describe: 'the engine that runs the program (kernel: BPF_PROG_TEST_RUN, needs root and bpftool; rows: the scheduled rows)' })
      .option('lanes', { ...LANES, describe: `with --engine rows: ${LANES.describe}` })
      .option('strategy', { ...STRATEGY, describe: `with --engine rows: ${STRATEGY.describe}` })
      .option('core', { ...CORE, describe: `with --engine rows: ${CORE.describe}` })
      .option('time-limit', { ...TIME_LIMIT, describe: `with --engine rows: ${TIME_LIMIT.describe}` })
      .option('passes', { ...PASSES, describe: `with --engine rows: ${PASSES.describe}` })
      .epilog(
        'The packet runs as under the kernel\'s BPF_PROG_TEST_RUN (256 bytes of headroom, 14 to 73152 bytes). '
        + 'Exit status: 0 when the run completed, also when the program trapped (the trap is printed, the action is '
        + 'XDP_ABORTED); 1 for bad input (file, fixture, packet, program name); 2 for usage errors.',
      ) as unknown as Argv<RunArgs>,
  handler: async (argv) => {
    if (argv.pcap !== undefined) return runTrace(argv);
    const obj = loadFile(argv.file);
    const packet = readPacket(argv.packet ?? '');
    const fixture = argv.maps === undefined ? undefined : readFixture(argv.maps);
    const program = argv.program ?? obj.programs[0]?.name;
    if (program === undefined) throw new UserError(`${argv.file}: the file has no programs`);
    for (const [name, v] of [['ctx-ifindex', argv['ctx-ifindex']], ['rx-queue', argv['rx-queue']], ['budget', argv.budget]] as const)
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) throw new UserError(`--${name} must be an integer from 0 to 4294967295`);
    let result: RunResult, before;
    const session = await openSession(argv.engine, obj, program, fixture, { budget: argv.budget, ...rowsOptions(argv.engine, argv) });
    try {
      before = await session.readMaps();
      result = await session.run({ packet, ctx: { ingressIfindex: argv['ctx-ifindex'], rxQueueIndex: argv['rx-queue'] } });
    } catch (e) {
      throw asUserError(e);
    } finally {
      await session.close();
    }
    const changed = diffSnapshots(before, result.maps);
    process.stdout.write(argv.json ? `${JSON.stringify(toJson(program, result, changed), null, 2)}\n` : formatRun(program, result, changed));
  },
};

/** For --engine rows and core: the scheduler the engine runs the program through (the CLI compiles, the engine executes). */
function rowsOptions(engine: EngineName | undefined, a: Partial<ScheduleArgs> & { passes?: boolean }): EngineOptions {
  if (engine !== 'rows' && engine !== 'core') return {};
  const opts = scheduleOptions({ strategy: a.strategy ?? 'list', core: a.core ?? 'xdp2hw', lanes: a.lanes, 'time-limit': a['time-limit'] ?? 200 });
  return { core: opts.core, schedule: (obj, program) => scheduleOrFail(obj, program, opts, a.passes ?? false).program };
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

/** The packet argument: an existing file's bytes, else hex text ("0x", spaces and colons allowed). */
export function readPacket(arg: string): Uint8Array {
  if (existsSync(arg) && statSync(arg).isFile()) return readFileSync(arg);
  const hex = arg.replace(/^0x/i, '').replace(/[\s:]+/g, '');
  if (/\.(bin|raw|pkt)$/i.test(arg)) throw new UserError(`--packet ${arg}: no such file`);
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new UserError(`--packet: neither a file nor hex bytes: "${arg.length > 40 ? arg.slice(0, 40) + '...' : arg}"`);
  return hexToBytes(hex);
}

async function runTrace(argv: RunArgs): Promise<void> {
  const obj = loadFile(argv.file);
  const fixture = argv.maps === undefined ? undefined : readFixture(argv.maps);
  const program = argv.program ?? obj.programs[0]?.name;
  if (program === undefined) throw new UserError(`${argv.file}: the file has no programs`);
  const { session: _session, ...summary } = await runTraceOn(obj, program, fixture, argv);
  process.stdout.write(argv.json ? `${JSON.stringify({ program, ...summary }, null, 2)}\n` : formatSummary(program, summary));
}

type TraceArgs = Pick<RunArgs, 'pcap' | 'max-packets' | 'ingress-ifindex' | 'rx-queues' | 'budget'> & Partial<ScheduleArgs> & { engine?: EngineName; passes?: boolean };

/** Opens a session (the interpreter's with coverage when asked) and streams `argv.pcap` through it. */
export async function runTraceOn(
  obj: LoadedObject, program: string, fixture: MapFixture | undefined, argv: TraceArgs, coverage: true,
): Promise<PcapRunSummary & { session: InterpreterSession }>;
export async function runTraceOn(
  obj: LoadedObject, program: string, fixture: MapFixture | undefined, argv: TraceArgs, coverage?: false,
): Promise<PcapRunSummary & { session: EngineSession }>;
export async function runTraceOn(
  obj: LoadedObject, program: string, fixture: MapFixture | undefined, argv: TraceArgs, coverage = false,
): Promise<PcapRunSummary & { session: EngineSession }> {
  const ingressIfindexes = argv['ingress-ifindex'] === undefined ? undefined : parseIntList(argv['ingress-ifindex'], 'ingress-ifindex', 1);
  const rxQueues = argv['rx-queues'] === undefined ? undefined : parseIntList(argv['rx-queues'], 'rx-queues');
  const max = argv['max-packets'];
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) throw new UserError('--max-packets must be a whole number');
  const engine = coverage ? 'interpreter' : argv.engine ?? 'interpreter';
  const session = await openSession(engine, obj, program, fixture, { budget: argv.budget, coverage, ...rowsOptions(engine, argv) });
  const bar = createProgress('run', 'pkts');
  try {
    const summary = await runPcap(session, argv.pcap!, { maxPackets: max, ingressIfindexes, rxQueues, onProgress: (n) => bar.update(n, max) });
    return { ...summary, session };
  } finally {
    bar.end();
    await session.close();
  }
}

function formatSummary(program: string, s: PcapRunSummary): string {
  const pct = (n: number) => `${((100 * n) / Math.max(1, s.packets)).toFixed(1)} %`;
  const out = [`program ${program}: ${s.packets} packets in ${s.seconds.toFixed(2)} s${s.refused ? ` (${s.refused} frames under 14 bytes refused, as the kernel's test run does)` : ''}`];
  out.push('actions:');
  for (const [a, n] of Object.entries(s.actions).sort((x, y) => y[1] - x[1])) out.push(`  ${a.padEnd(13)} ${String(n).padStart(8)}  ${pct(n)}`);
  if (Object.keys(s.traps).length) {
    out.push('traps:');
    for (const [k, n] of Object.entries(s.traps)) out.push(`  ${k.padEnd(18)} ${n}`);
    for (const t of s.firstTraps) out.push(`  packet ${t.packet}: ${t.kind} at instruction ${t.pc} of ${t.program}: ${t.message}`);
  }
  if (s.insns) out.push(`instructions per packet: mean ${s.insns.mean.toFixed(1)}, max ${s.insns.max}`);
  out.push(`bytes: ${s.bytesIn} in, ${s.bytesOut} out`);
  return out.join('\n') + '\n';
}

export function readFixture(path: string): MapFixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`--maps ${path}: cannot read: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`--maps ${path}: not JSON: ${(e as Error).message}`);
  }
  return parseFixture(json, path);
}

function toJson(program: string, r: RunResult, changed: Record<string, ChangedEntry[]>) {
  return {
    program, action: r.action, code: r.code, packet: bytesToHex(r.packet), maps: r.maps, changed,
    insnsExecuted: r.insnsExecuted, ...(r.trap ? { trap: r.trap } : {}), ...(r.redirect ? { redirect: r.redirect } : {}),
  };
}

/** A classic hex dump: offset, 16 bytes, ASCII. */
function hexDump(b: Uint8Array): string[] {
  const lines: string[] = [];
  for (let o = 0; o < b.length; o += 16) {
    const row = [...b.subarray(o, o + 16)];
    const hex = row.map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`  ${o.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines;
}

function formatRun(program: string, r: RunResult, changed: Record<string, ChangedEntry[]>): string {
  const out = [`program ${program}`, `action: ${r.action} (${r.code})`];
  if (r.trap) out.push(`trap: ${r.trap.kind} at instruction ${r.trap.pc} of ${r.trap.program}: ${r.trap.message}`);
  if (r.redirect) out.push(`redirect: ${r.redirect.map !== undefined ? `map ${r.redirect.map} key ${r.redirect.key}` : `ifindex ${r.redirect.ifindex}`}`);
  out.push(`packet (${r.packet.length} bytes):`, ...hexDump(r.packet));
  const names = Object.keys(changed);
  out.push(names.length ? 'changed map entries:' : 'changed map entries: none');
  for (const name of names)
    for (const c of changed[name]) out.push(`  ${name}[${c.key}]: ${c.before ?? '(none)'} -> ${c.after ?? '(deleted)'}`);
  if (r.insnsExecuted !== undefined) out.push(`instructions executed: ${r.insnsExecuted}`);
  return out.join('\n') + '\n';
}

// `xdp2hw verilog <file> [--program P] --out DIR [--lanes N] [--core C] [--strategy S] [--passes]
// [--cosim icarus|verilator] [--pcap F] [--maps F] [--max-packets N] [--json]`: schedules the
// program, writes its Verilog design directory (compiler/emit/verilog) whole or not at all, and
// with --cosim runs the pcap through the RTL and the TypeScript core side by side (simulator/cosim).
// Exit 0 when written (and co-simulated without a difference), 1 for bad input, an unsupported
// program or a co-simulation mismatch, 2 for usage.

import type { Argv, CommandModule } from 'yargs';
import { emitVerilog, mapBankFiles, RtlRefusal, writeDesign } from '../../compiler/emit/verilog/index.js';
import type { VerilogDesign } from '../../compiler/emit/verilog/index.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { CoreSession } from '../../simulator/core/engine.js';
import { cosimulate } from '../../simulator/cosim.js';
import type { CosimSummary } from '../../simulator/cosim.js';
import { RunInputError } from '../../simulator/engine.js';
import type { RunInput } from '../../simulator/engine.js';
import { createEngine } from '../../simulator/engines.js';
import { PcapError, readPcapFile } from '../../simulator/pcap/index.js';
import { RTL_SIMULATORS } from '../../simulator/rtl/engine.js';
import type { RtlSession, RtlSimulator } from '../../simulator/rtl/engine.js';
import { parseIntList } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { readFixture } from '../inputs.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE, traceOptions } from '../options.js';
import { CORE, LANES, PASSES, scheduleOptions, scheduleOrFail, STRATEGY, TIME_LIMIT } from '../schedule-options.js';
import type { ScheduleArgs } from '../schedule-options.js';
import { firstXdpProgram } from './run.js';
import { runSynth, synthJson, synthLine, synthOptions } from './verilog-synth.js';
import type { SynthArgs } from './verilog-synth.js';

interface VerilogArgs extends ScheduleArgs, SynthArgs {
  file: string;
  program?: string;
  out: string;
  passes: boolean;
  cosim?: RtlSimulator;
  pcap?: string;
  maps?: string;
  'max-packets'?: number;
  'ingress-ifindex'?: string;
  'rx-queues'?: string;
  json: boolean;
}

export const verilogCommand: CommandModule<object, VerilogArgs> = {
  command: 'verilog <file>',
  describe: 'Write the Verilog of a program on the VLIW core (hdl-templates + ROM + maps + testbench), optionally co-simulated against the TypeScript core',
  builder: (y: Argv) =>
    synthOptions(y
      .positional('file', OBJECT_FILE)
      .option('program', { type: 'string', describe: 'program to emit (default: the first XDP program)' })
      .option('out', { type: 'string', demandOption: true, describe: 'the design directory to write (new or empty, or one this command wrote)' })
      .option('lanes', LANES)
      .option('core', CORE)
      .option('strategy', STRATEGY)
      .option('time-limit', TIME_LIMIT)
      .option('passes', PASSES)
      .option('maps', { ...MAP_FIXTURE, describe: 'map fixture JSON (docs/FIXTURES.md): the initial map memory' })
      .option('cosim', { choices: RTL_SIMULATORS, describe: 'run --pcap through the RTL in this simulator and through the TypeScript core, packet by packet' })
      .option('pcap', { type: 'string', describe: 'with --cosim: the traffic' })
      .options(traceOptions('with --cosim: '))
      .option('json', JSON_OUTPUT))
      .check((a) => {
        if (a.cosim !== undefined && a.pcap === undefined) throw new UsageError('--cosim needs --pcap (the traffic to co-simulate)');
        if (a.cosim === undefined) for (const k of ['pcap', 'max-packets', 'ingress-ifindex', 'rx-queues'] as const)
          if (a[k] !== undefined) throw new UsageError(`--${k} is for --cosim`);
        return true;
      })
      .epilog('Exit status: 0 when the design was written (and co-simulated with no difference); 1 for bad input, a program '
        + 'the RTL core does not run (the helper or map type is named), or a co-simulation mismatch; 2 for usage errors.') as unknown as Argv<VerilogArgs>,
  handler: async (a) => {
    const obj = loadFile(a.file);
    const program = a.program ?? firstXdpProgram(obj, a.file);
    const fixture = a.maps === undefined ? undefined : readFixture(a.maps);
    const sched = scheduleOptions(a);
    const max = a['max-packets'];
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new UserError(`--max-packets must be a positive integer, not ${max}`);
    const ifs = a['ingress-ifindex'] === undefined ? undefined : parseIntList(a['ingress-ifindex'], 'ingress-ifindex', 1);
    const queues = a['rx-queues'] === undefined ? undefined : parseIntList(a['rx-queues'], 'rx-queues');
    const schedule = (o: typeof obj, p: string) => scheduleOrFail(o, p, sched, a.passes).program;
    const emit = (rows: Parameters<typeof emitVerilog>[0], core: Parameters<typeof emitVerilog>[1], o: typeof obj) => emitVerilog(rows, core, o);
    const opts = { schedule, emit, mapBanks: mapBankFiles, core: sched.core, cosim: a.cosim ?? 'icarus' as RtlSimulator };
    let rtl: RtlSession;
    try {
      rtl = await createEngine('rtl', opts).open(obj, program, fixture) as RtlSession;
    } catch (e) {
      throw e instanceof RunInputError || e instanceof RtlRefusal ? new UserError(e.message) : e;
    }
    const inputs = a.pcap === undefined ? [] : readTraffic(a.pcap, max, ifs, queues);
    const design = rtl.design as VerilogDesign;
    let files: string[];
    try {
      files = writeDesign({ ...design, files: { ...design.files, ...mapBankFiles(rtl.mapImage()) } }, a.out);
    } catch (e) {
      throw e instanceof RtlRefusal ? new UserError(e.message) : e;
    }
    let cosim: CosimSummary | undefined;
    if (a.cosim !== undefined) {
      const engine = createEngine('rtl', opts);
      const why = await engine.unavailable();
      if (why) throw new UserError(`--cosim ${a.cosim}: not available on this machine: ${why}`);
      const core = await createEngine('core', opts).open(obj, program, fixture) as CoreSession;
      cosim = await cosimulate(core, rtl, a.cosim, inputs);
    }
    const synth = await runSynth(a, a.out);
    const rows = rtl.rows;
    if (a.json) {
      const out = {
        program, core: sched.core.name, lanes: rows.lanes, rows: rows.rows.length, out: a.out, files,
        ...(cosim ? { cosim: { simulator: cosim.simulator, packets: cosim.packets, refused: cosim.refused, mismatches: cosim.mismatches, cycleMismatches: cosim.cycleMismatches, cycles: cosim.cycles } } : {}),
        ...(synth ? { synth: synthJson(synth) } : {}),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      process.stdout.write(`${program}: ${rows.rows.length} rows × ${rows.lanes} lanes on core ${sched.core.name}: ${files.length} files in ${a.out}\n`);
      if (cosim) {
        process.stdout.write(`co-simulation (${cosim.simulator} vs the TypeScript core): ${cosim.packets} packets, ${cosim.refused} refused, `
          + `${cosim.mismatches} mismatches, ${cosim.cycleMismatches} cycle mismatches, ${cosim.cycles} cycles\n`);
        for (const m of cosim.firstMismatches) process.stdout.write(`  packet ${m.packet}: ${m.field}: core ${m.core}, rtl ${m.rtl}\n`);
      }
      if (synth) process.stdout.write(synthLine(synth));
    }
    if (cosim && (cosim.mismatches > 0 || cosim.cycleMismatches > 0)) process.exitCode = 1;
  },
};

/** The pcap's packets with the run context in turn (as `run --pcap` assigns it). */
function readTraffic(path: string, max: number | undefined, ifs: number[] | undefined, queues: number[] | undefined): RunInput[] {
  let recs;
  try {
    recs = readPcapFile(path);
  } catch (e) {
    if (e instanceof PcapError || (e as NodeJS.ErrnoException).code) throw new UserError(`${path}: ${(e as Error).message}`);
    throw e;
  }
  return recs.slice(0, max ?? recs.length).map((r, i) => ({
    packet: r.data,
    ctx: { ingressIfindex: ifs?.[i % ifs.length], rxQueueIndex: queues?.[i % queues.length] },
  }));
}

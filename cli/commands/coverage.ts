// `xdp2hw coverage <file> --pcap P [--maps F] [--program P] [--min PCT] [--json]`: the share of a
// program's basic blocks that a trace executes on the reference interpreter, and the blocks missed.

import type { Argv, CommandModule } from 'yargs';
import { buildCfg, blockCoverage } from '../../compiler/analysis/cfg.js';
import { loadFile } from '../../compiler/loader/index.js';
import type { Program } from '../../compiler/loader/types.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE, PROGRAM_TO_RUN, traceOptions } from '../options.js';
import { UserError } from '../errors.js';
import { readFixture } from '../inputs.js';
import { firstXdpProgram, runTraceOn } from './run.js';
import { refusedLine } from './run-output.js';
import type { PcapRunSummary } from '../../simulator/pcap-run.js';

interface CoverageArgs {
  file: string;
  pcap: string;
  program?: string;
  maps?: string;
  'max-packets'?: number;
  'ingress-ifindex'?: string;
  'rx-queues'?: string;
  min?: number;
  json: boolean;
}

export interface ProgramCoverage {
  program: string;
  packets: number;
  /** frames the kernel's test run would refuse, by reason (not run, so not counted in packets) */
  refused: PcapRunSummary['refused'];
  blocks: number;
  covered: number;
  percent: number;
  /** missed blocks: label and the slot range [first, last] */
  missed: { label: string; slots: [number, number] }[];
}

/** Block coverage of `program` from per-instruction execution counts. */
export function coverageOf(program: Program, hits: Uint32Array, packets: number, refused: PcapRunSummary['refused']): ProgramCoverage {
  const cfg = buildCfg(program);
  const c = blockCoverage(cfg, (i) => hits[i] > 0);
  const byLabel = new Map(cfg.blocks.map((b) => [b.label, b]));
  const pcs = program.code.pcs;
  const missed = c.missed.map((label) => {
    const b = byLabel.get(label)!;
    return { label, slots: [pcs[b.start], pcs[b.end - 1]] as [number, number] };
  });
  return { program: program.name, packets, refused, blocks: c.total, covered: c.covered, percent: c.total ? (100 * c.covered) / c.total : 100, missed };
}

export const coverageCommand: CommandModule<object, CoverageArgs> = {
  command: 'coverage <file>',
  describe: 'Basic-block coverage of a program by a pcap, on the reference interpreter',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('pcap', { type: 'string', demandOption: true, describe: 'the traffic (pcap file)' })
      .option('program', PROGRAM_TO_RUN)
      .option('maps', MAP_FIXTURE)
      .options(traceOptions())
      .option('min', { type: 'number', describe: 'exit 1 when coverage is below this percentage' })
      .option('json', JSON_OUTPUT) as unknown as Argv<CoverageArgs>,
  handler: async (argv) => {
    const obj = loadFile(argv.file);
    const fixture = argv.maps === undefined ? undefined : readFixture(argv.maps);
    const name = argv.program ?? firstXdpProgram(obj, argv.file);
    const program = obj.programs.find((p) => p.name === name);
    if (!program) throw new UserError(`${argv.file}: no program named ${name ?? '(none)'}`);
    const run = await runTraceOn(obj, program.name, fixture, { ...argv, budget: undefined }, true);
    const cov = coverageOf(program, run.session.hits.get(program.name)!, run.packets, run.refused);
    if (argv.json) process.stdout.write(`${JSON.stringify(cov, null, 2)}\n`);
    else {
      process.stdout.write(`${cov.program}: ${cov.covered}/${cov.blocks} basic blocks executed (${cov.percent.toFixed(1)} %) by ${cov.packets} packets\n`);
      const refused = refusedLine(cov.refused);
      if (refused) process.stdout.write(`${refused}\n`);
      for (const m of cov.missed) process.stdout.write(`  missed ${m.label} (instructions ${m.slots[0]}-${m.slots[1]})\n`);
    }
    if (argv.min !== undefined && cov.percent < argv.min)
      throw new UserError(`${argv.file}: coverage ${cov.percent.toFixed(1)} % is below --min ${argv.min} %`);
  },
};

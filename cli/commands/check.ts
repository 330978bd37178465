// `xdp2hw check <file> [--program P] [--core C] [--lanes N] [--strategy S] [--clock-mhz M] [--line-rate G]
// [--pcap F [--maps F] [--max-packets N]] [--json]`: whether the program fits the core (compiler/check:
// every obstacle with its instruction, source line and fix) and its static worst case (compiler/wcet);
// with --pcap, the simulated packets beside the bound. Exit 0 when it fits, 1 when it does not.

import type { Argv, CommandModule } from 'yargs';
import { checkProgram, doesNotFit } from '../../compiler/check/index.js';
import type { CheckOptions, CheckReport } from '../../compiler/check/index.js';
import type { LoadedObject } from '../../compiler/loader/types.js';
import { loadFile } from '../../compiler/loader/index.js';
import { PipelineError } from '../../compiler/pipeline.js';
import type { WcetVsRuns } from '../../compiler/wcet/compare.js';
import { RunInputError } from '../../simulator/engine.js';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { UserError } from '../errors.js';
import { JSON_OUTPUT, MAP_FIXTURE, OBJECT_FILE } from '../options.js';
import { CORE, LANES, scheduleOptions, STRATEGY, TIME_LIMIT } from '../schedule-options.js';
import type { ScheduleArgs } from '../schedule-options.js';
import { readFixture } from '../inputs.js';
import { checkJson, formatCheck } from '../check-format.js';
import { simulateAgainstBound } from '../check-runs.js';

interface CheckArgs extends ScheduleArgs {
  file: string;
  program?: string;
  'clock-mhz'?: number;
  'line-rate': number;
  pcap?: string;
  maps?: string;
  'max-packets'?: number;
  json: boolean;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <file>',
  describe: 'Whether a program fits the core (every obstacle with its instruction, source line and fix) and its guaranteed worst case',
  builder: (y: Argv) =>
    y
      .positional('file', OBJECT_FILE)
      .option('program', { type: 'string', describe: 'program to check (default: the first)' })
      .option('core', CORE)
      .option('lanes', LANES)
      .option('strategy', STRATEGY)
      .option('time-limit', TIME_LIMIT)
      .option('clock-mhz', { type: 'number', describe: 'core clock for the guaranteed rate, MHz (default: the core\'s)' })
      .option('line-rate', { type: 'number', default: 40, describe: 'Gb/s of minimum frames the guaranteed rate is set against' })
      .option('pcap', { type: 'string', describe: 'simulate these packets on the core and set their cycles beside the bound' })
      .option('maps', { ...MAP_FIXTURE, describe: 'with --pcap: map fixture JSON (docs/FIXTURES.md)' })
      .option('max-packets', { type: 'number', describe: 'with --pcap: stop after N packets' })
      .option('json', JSON_OUTPUT)
      .epilog('Exit status: 0 when the program fits the core, 1 when it does not (or on bad input), 2 for usage errors.') as unknown as Argv<CheckArgs>,
  handler: (a) => {
    const obj = loadFile(a.file);
    const sched = scheduleOptions(a);
    const clock = a['clock-mhz'];
    if (clock !== undefined && !(clock > 0 && clock <= 2000)) throw new UserError(`--clock-mhz must be above 0 and at most 2000, not ${clock}`);
    if (!(a['line-rate'] > 0 && a['line-rate'] <= 10_000)) throw new UserError(`--line-rate must be above 0 and at most 10000 Gb/s, not ${a['line-rate']}`);
    const max = a['max-packets'];
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new UserError(`--max-packets must be a positive integer, not ${max}`);
    const core = clock === undefined ? sched.core : { ...sched.core, clockMHz: clock };
    let report: CheckReport;
    try {
      report = checkProgram(obj, { program: a.program, core, lanes: sched.lanes, strategy: sched.strategy, timeLimitMs: sched.timeLimitMs, lineRateGbps: a['line-rate'] });
    } catch (e) {
      throw e instanceof PipelineError ? new UserError(e.message) : e;
    }
    let runs: WcetVsRuns | undefined;
    if (a.pcap !== undefined) {
      const packets = readPcapFile(a.pcap).slice(0, max ?? Infinity).map((r) => ({ data: r.data }));
      const fixture = a.maps === undefined ? undefined : readFixture(a.maps);
      if (report.rows && report.compiled) {
        try {
          runs = simulateAgainstBound(obj, report.rows, report.compiled, core, packets, fixture, a['line-rate'])?.runs;
        } catch (e) {
          throw e instanceof RunInputError ? new UserError(e.message) : e;
        }
      }
    }
    process.stdout.write(a.json ? `${JSON.stringify(checkJson(report, runs), null, 2)}\n` : formatCheck(report, runs));
    // exit 1 says why on one stderr line, as every failing command does (a UserError: main prints it)
    if (!report.fits) throw new UserError(doesNotFit(report));
    if (runs && runs.violations.length > 0) throw new UserError(`${a.file}: ${runs.violations.length} packets above the static bound (a bug of xdp2hw: please report it)`);
  },
};

/** `compile` and `simulate` refuse a program that does not fit the core, with check's findings on one line. */
export function refuseUnfit(obj: LoadedObject, o: CheckOptions): void {
  const why = unfit(obj, o);
  if (why !== undefined) throw new UserError(why);
}

/** Why the program does not fit (the line `refuseUnfit` throws), or undefined when it fits. */
export function unfit(obj: LoadedObject, o: CheckOptions): string | undefined {
  let report: CheckReport;
  try {
    report = checkProgram(obj, o);
  } catch (e) {
    throw e instanceof PipelineError ? new UserError(e.message) : e;
  }
  return report.fits ? undefined : `${doesNotFit(report)} (xdp2hw check shows the details)`;
}

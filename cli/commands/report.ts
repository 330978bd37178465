// `xdp2hw report <files...> --out report.html [--sweep F.jsonl ...] [--synth F.json ...] [--lanes L]
// [--strategy S] [--strategies S,...] [--core C] [--max-packets N] [--baseline B]`: measures the
// programs (report/) and writes one static HTML page of SVG charts; prints what it wrote.

import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import { isStrategy, STRATEGIES } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { buildReport, CHART_NAMES, renderHtml, ReportInputError } from '../../report/index.js';
import { writeFileAtomicSync } from '../../simulator/io/atomic.js';
import { createProgress } from '../../simulator/io/progress.js';
import { parseIntList } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { checkLanes, CORE, readCore, STRATEGY, TIME_LIMIT } from '../schedule-options.js';

const BASELINES = ['kernel', 'model', 'both', 'none'] as const;

interface ReportArgs {
  files: string[];
  out: string;
  sweep?: string[];
  synth?: string[];
  lanes: string;
  strategy: Strategy;
  strategies: string;
  core: string;
  'time-limit': number;
  'max-packets': number;
  baseline: (typeof BASELINES)[number];
  title?: string;
}

/** A repeated option takes its last value, as everywhere else in the CLI. */
function last<T>(v: T | T[]): T {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(String));

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <files...>',
  describe: 'One static HTML page of SVG charts: instructions per pass, rows per lane count, a lane map, strategies, Mpps vs the CPU, latency, resources, sweeps',
  builder: (y: Argv) =>
    y
      // a variadic positional is a repeated argument to the parser: let it collect (as compare does); other options keep their last value
      .parserConfiguration({ 'duplicate-arguments-array': true })
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'ELF objects, listings or raw bytecode (traffic.pcap and maps.json beside each are simulated)' })
      .option('out', { type: 'string', demandOption: true, describe: 'the HTML file to write', coerce: last })
      .option('sweep', { type: 'string', array: true, describe: 'xdp2hw sweep output (JSON lines), one or more files' })
      .option('synth', { type: 'string', array: true, describe: 'xdp2hw verilog --synth --json output, one file per design' })
      .option('lanes', { type: 'string', default: '1,2,4,8', describe: 'lane counts of the rows-per-lanes chart', coerce: last })
      .option('strategy', { ...STRATEGY, coerce: last })
      .option('strategies', { type: 'string', default: 'sequential,list,motion', describe: `strategies side by side: ${STRATEGIES.join(', ')}`, coerce: last })
      .option('core', { ...CORE, coerce: last })
      .option('time-limit', { ...TIME_LIMIT, coerce: last })
      .option('max-packets', { type: 'number', default: 200, describe: 'packets of each program\'s traffic.pcap simulated (0: none)', coerce: last })
      .option('baseline', { choices: BASELINES, default: 'model' as const, describe: 'CPU figures beside the core: the kernel JIT measured (root, bpftool), the x86 model, both, none', coerce: last })
      .option('title', { type: 'string', describe: 'the page\'s title', coerce: last }) as unknown as Argv<ReportArgs>,
  handler: async (a) => {
    const laneCounts = parseIntList(a.lanes, 'lanes', 1, 8);
    laneCounts.forEach((l) => checkLanes(l));
    const strategies = a.strategies.split(',').map((s) => s.trim());
    const bad = strategies.find((s) => !isStrategy(s));
    if (bad !== undefined) throw new UsageError(`--strategies: no strategy ${bad} (strategies: ${STRATEGIES.join(', ')})`);
    if (!(a['time-limit'] > 0)) throw new UsageError('--time-limit must be above 0');
    if (a.out.trim() === '') throw new UsageError('--out: give the HTML file to write');
    const core = readCore(a.core);
    const inputs = a.files.map((file) => ({ file, obj: loadFile(file) }));
    const bar = createProgress('report', 'programs');
    let html: string;
    let programs: number;
    try {
      const data = await buildReport(inputs, {
        core, laneCounts, strategy: a.strategy, strategies: strategies as Strategy[], timeLimitMs: a['time-limit'], maxPackets: a['max-packets'],
        baseline: a.baseline, sweep: list(a.sweep), synth: list(a.synth), title: a.title, command: `xdp2hw report ${a.files.map((f) => basename(f)).join(' ')}`,
        progress: (n, t) => bar.update(n, t),
      });
      programs = data.programs.length;
      html = renderHtml(data);
    } catch (e) {
      throw e instanceof ReportInputError ? new UserError(e.message) : e;
    } finally {
      bar.end();
    }
    writeFileAtomicSync(a.out, html);
    process.stdout.write(`${a.out}: ${CHART_NAMES.length} charts (${CHART_NAMES.join(', ')}) for ${programs} program${programs === 1 ? '' : 's'}, ${Math.round(Buffer.byteLength(html) / 1024)} KiB\n`);
  },
};

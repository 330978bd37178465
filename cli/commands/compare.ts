// `xdp2hw compare <files...> --lanes 1,2,4,8 --strategies sequential,list,... [--core C] [--json]`:
// rows per program × lanes × strategy, rows per original instruction, hXDP's 4-lane rows beside
// them and how far the best heuristic is from optimal; a progress bar on a terminal.

import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadFile } from '../../compiler/loader/index.js';
import { compareSchedules, gapToOptimal, HXDP_ROWS } from '../../compiler/schedule/compare.js';
import type { CompareCell } from '../../compiler/schedule/compare.js';
import { isStrategy, STRATEGIES } from '../../compiler/schedule/index.js';
import type { Strategy } from '../../compiler/schedule/index.js';
import { createProgress } from '../../simulator/io/progress.js';
import { parseIntList } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { JSON_OUTPUT } from '../options.js';
import { checkLanes, CORE, PASSES, readCore, scheduleWith, TIME_LIMIT } from '../schedule-options.js';

/** A repeated option takes its last value, as everywhere else in the CLI. */
function last<T>(v: T | T[]): T {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

interface CompareArgs {
  files: string[];
  lanes: string;
  strategies: string;
  core: string;
  'time-limit': number;
  passes: boolean;
  json: boolean;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <files...>',
  describe: 'Rows per program × lanes × strategy (scheduling only), beside hXDP\'s published rows',
  builder: (y: Argv) =>
    y
      // a variadic positional is a repeated argument to the parser: let it collect (main.ts keeps the last value of repeated options)
      .parserConfiguration({ 'duplicate-arguments-array': true })
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'ELF objects, listings or raw bytecode' })
      .option('lanes', { type: 'string', default: '1,2,4,8', describe: 'lane counts, e.g. 1,2,4,8', coerce: last })
      .option('strategies', { type: 'string', default: STRATEGIES.join(','), describe: `strategies: ${STRATEGIES.join(', ')}`, coerce: last })
      .option('core', { ...CORE, coerce: last })
      .option('time-limit', { ...TIME_LIMIT, coerce: last })
      .option('passes', { ...PASSES, coerce: last })
      .option('json', { ...JSON_OUTPUT, coerce: last }) as unknown as Argv<CompareArgs>,
  handler: (argv) => {
    const lanes = parseIntList(argv.lanes, 'lanes', 1, 8);
    lanes.forEach((l) => checkLanes(l));
    const strategies = argv.strategies.split(',').map((s) => s.trim());
    const bad = strategies.find((s) => !isStrategy(s));
    if (bad !== undefined) throw new UsageError(`--strategies: no strategy ${bad} (strategies: ${STRATEGIES.join(', ')})`);
    if (!(argv['time-limit'] > 0)) throw new UserError('--time-limit must be above 0');
    const core = readCore(argv.core);
    const inputs = argv.files.map((f) => ({ obj: loadFile(f), name: basename(f).replace(/\.(o|elf|txt|bin|raw)$/i, '') }));
    const bar = createProgress('compare', 'schedules');
    let cells: CompareCell[];
    try {
      cells = compareSchedules(inputs, lanes, strategies as Strategy[], core, { timeLimitMs: argv['time-limit'] }, (n, t) => bar.update(n, t), (o, p, so) => scheduleWith(o, p, so, argv.passes));
    } finally {
      bar.end();
    }
    const out = argv.json ? `${JSON.stringify({ core: core.name, passes: argv.passes, cells: cells.map(({ blockRows: _r, blockExact: _e, ...c }) => c), summary: summary(cells, lanes, strategies as Strategy[]) }, null, 2)}\n` : format(cells, lanes, strategies as Strategy[]);
    process.stdout.write(out);
  },
};

interface SummaryLine {
  lanes: number;
  strategy: Strategy | 'best';
  rows: number;
  insns: number;
  rowsPerInsn: number;
  seconds: number;
}

/** Σ rows and Σ instructions per lanes × strategy (programs every strategy scheduled), and the best per program. */
function summary(cells: readonly CompareCell[], lanes: readonly number[], strategies: readonly Strategy[]): { totals: SummaryLine[]; gaps: Record<string, unknown>[] } {
  const totals: SummaryLine[] = [];
  const gaps: Record<string, unknown>[] = [];
  for (const l of lanes) {
    const at = cells.filter((c) => c.lanes === l && c.rows !== undefined);
    const keys = [...new Set(at.map((c) => `${c.file}/${c.program}`))];
    for (const s of strategies) {
      const xs = at.filter((c) => c.strategy === s);
      totals.push({ lanes: l, strategy: s, rows: sum(xs.map((c) => c.rows!)), insns: sum(xs.map((c) => c.insns)), rowsPerInsn: sum(xs.map((c) => c.rows!)) / Math.max(1, sum(xs.map((c) => c.insns))), seconds: sum(xs.map((c) => c.seconds ?? 0)) });
    }
    const best = keys.map((k) => at.filter((c) => `${c.file}/${c.program}` === k && c.strategy !== 'optimal').reduce((a, b) => (b.rows! < a.rows! ? b : a)));
    totals.push({ lanes: l, strategy: 'best', rows: sum(best.map((c) => c.rows!)), insns: sum(best.map((c) => c.insns)), rowsPerInsn: sum(best.map((c) => c.rows!)) / Math.max(1, sum(best.map((c) => c.insns))), seconds: 0 });
    const g = keys.map((k) => gapToOptimal(at.filter((c) => `${c.file}/${c.program}` === k))).filter((x) => x !== undefined);
    if (g.length > 0) {
      const h = sum(g.map((x) => x.heuristic)), o = sum(g.map((x) => x.optimal));
      gaps.push({ lanes: l, blocks: sum(g.map((x) => x.blocks)), heuristicRows: h, optimalRows: o, gapPercent: o === 0 ? 0 : (100 * (h - o)) / o });
    }
  }
  return { totals, gaps };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

const W = 38;

function format(cells: readonly CompareCell[], lanes: readonly number[], strategies: readonly Strategy[]): string {
  const lines: string[] = [];
  const head = ['program'.padEnd(W), 'insns'.padStart(6), 'lanes'.padStart(5), ...strategies.map((s) => s.padStart(11)), ' best/insn', '  hXDP 4-lane'];
  lines.push(head.join(' '));
  const keys = [...new Set(cells.map((c) => `${c.file}/${c.program}`))];
  for (const k of keys)
    for (const l of lanes) {
      const row = cells.filter((c) => `${c.file}/${c.program}` === k && c.lanes === l);
      const first = row[0];
      const ref = HXDP_ROWS[first.file];
      const cols = strategies.map((s) => {
        const c = row.find((x) => x.strategy === s);
        return (c?.rows === undefined ? 'refused' : `${c.rows}${c.exactBlocks !== undefined && c.exactBlocks < c.blocks! ? '*' : ''}`).padStart(11);
      });
      const hx = ref && l === 4 ? `  ${ref.rows}/${ref.insns} = ${(ref.rows / ref.insns).toFixed(3)}` : '';
      const rows = row.filter((c) => c.rows !== undefined && c.strategy !== 'optimal').map((c) => c.rows!);
      const best = rows.length > 0 ? (Math.min(...rows) / first.insns).toFixed(3).padStart(10) : ''.padStart(10);
      lines.push([k.padEnd(W), String(first.insns).padStart(6), String(l).padStart(5), ...cols, best].join(' ') + hx);
    }
  const refused = cells.filter((c) => c.refused !== undefined);
  for (const c of refused.filter((x, i) => refused.findIndex((y) => y.file === x.file && y.program === x.program) === i)) lines.push(`refused ${c.file}/${c.program}: ${c.refused}`);
  const s = summary(cells, lanes, strategies);
  lines.push('', 'Σ rows / Σ original instructions (and scheduling time):');
  for (const t of s.totals) lines.push(`  ${String(t.lanes).padStart(2)} lanes ${t.strategy.padEnd(10)} ${String(t.rows).padStart(6)} / ${t.insns} = ${t.rowsPerInsn.toFixed(3)}${t.strategy === 'best' ? '' : `  ${(t.seconds * 1000).toFixed(0)} ms`}`);
  for (const g of s.gaps) lines.push(`  ${g.lanes} lanes: best heuristic ${g.heuristicRows} vs optimal ${g.optimalRows} rows over ${g.blocks} blocks proven minimal (+${(g.gapPercent as number).toFixed(1)} %)`);
  if (cells.some((c) => c.exactBlocks !== undefined && c.exactBlocks < c.blocks!)) lines.push('  * optimal did not finish every block within the time limit (those blocks keep the list schedule)');
  const hx = Object.values(HXDP_ROWS);
  lines.push(`  hXDP (paper, 4 lanes): ${sum(hx.map((h) => h.rows))} / ${sum(hx.map((h) => h.insns))} = ${(sum(hx.map((h) => h.rows)) / sum(hx.map((h) => h.insns))).toFixed(3)}`);
  return `${lines.join('\n')}\n`;
}

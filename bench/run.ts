// `npm run bench [-- --quick] [--json] [--only NAME[,NAME]]`: runs every bench/*.suite.ts that
// exports `suite` (bench/suite.ts), one after the other, and prints their tables, or with --json
// one JSON document {quick, node, cpus, suites: [{name, seconds, tables}]} for machines. A suite
// that fails prints why and the run goes on (exit 1 at the end).

import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable } from './suite.js';
import type { BenchSuite, BenchTable } from './suite.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const USAGE = 'usage: npm run bench [-- --quick] [--json] [--only NAME[,NAME...]]';

interface Args {
  quick: boolean;
  json: boolean;
  only?: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { quick: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--quick') a.quick = true;
    else if (x === '--json') a.json = true;
    else if (x === '--only' || x.startsWith('--only=')) {
      const v = x === '--only' ? argv[++i] : x.slice('--only='.length);
      if (v === undefined || v === '') throw new Error(`--only needs a suite name\n${USAGE}`);
      a.only = v.split(',').map((s) => s.trim());
    } else if (x === '-h' || x === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${x}\n${USAGE}`);
  }
  return a;
}

/** Every bench/*.suite.ts (or .js) exporting `suite`, by name. */
async function loadSuites(): Promise<BenchSuite[]> {
  const files = readdirSync(HERE).filter((f) => /\.suite\.(ts|js)$/.test(f)).sort();
  const out: BenchSuite[] = [];
  for (const f of files) {
    const m = (await import(pathToFileURL(join(HERE, f)).href)) as { suite?: BenchSuite };
    if (m.suite && typeof m.suite.run === 'function') out.push(m.suite);
  }
  return out;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const all = await loadSuites();
  const unknown = args.only?.filter((n) => !all.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`bench: no suite ${unknown.join(', ')} (suites: ${all.map((s) => s.name).join(', ')})\n`);
    return 2;
  }
  const chosen = args.only ? all.filter((s) => args.only!.includes(s.name)) : all;
  const results: { name: string; seconds: number; tables?: BenchTable[]; error?: string }[] = [];
  if (!args.json) process.stdout.write(`xdp2hw bench${args.quick ? ' --quick' : ''}: ${chosen.map((s) => s.name).join(', ')} (node ${process.version}, ${cpus().length} CPUs: ${cpus()[0]?.model ?? '?'})\n\n`);
  for (const s of chosen) {
    const t0 = performance.now();
    try {
      const tables = await s.run({ quick: args.quick });
      const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
      results.push({ name: s.name, seconds, tables });
      if (!args.json) process.stdout.write(`${tables.map(formatTable).join('\n\n')}\n(${s.name}: ${seconds} s)\n\n`);
    } catch (e) {
      const error = (e as Error)?.stack ?? String(e);
      results.push({ name: s.name, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), error });
      process.stderr.write(`bench: suite ${s.name} failed: ${error}\n`);
    }
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ quick: args.quick, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? null, suites: results }, null, 2)}\n`);
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

process.exitCode = await main();

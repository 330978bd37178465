// bench/run.ts (npm run bench): finds every bench/*.suite.ts that exports a suite, refuses an
// unknown suite or argument with one line (exit 2), and prints a suite's tables as text or JSON.
// The measurements themselves are bench's to run; here one quick suite checks the wiring.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fig, formatTable } from '../../bench/suite.js';
import { ROOT } from '../helpers/paths.js';

const bench = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/run.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('npm run bench', () => {
  it('lists the suites it found when asked for one it does not have', () => {
    const r = bench(['--only', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bench: no suite nope \(suites: .*\bcompile\b.*\binterpreter\b.*\bsimulate\b.*\)\n$/);
  });

  it('refuses an unknown argument', () => {
    const r = bench(['--fast']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('bench: unknown argument --fast');
  });

  it('--quick --json --only simulate: one JSON document with the suite\'s table', () => {
    const r = bench(['--quick', '--json', '--only', 'simulate']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { quick: boolean; suites: { name: string; tables: { columns: string[]; rows: (string | number)[][] }[] }[] };
    expect(doc.quick).toBe(true);
    expect(doc.suites.map((s) => s.name)).toEqual(['simulate']);
    const [t] = doc.suites[0].tables;
    expect(t.rows.map((row) => row[0])).toEqual(['xdp1', 'l4lb']);
    const col = (name: string) => t.columns.indexOf(name);
    for (const row of t.rows) {
      expect(row[col('cycles/packet')] as number).toBeGreaterThan(1);
      expect(row[col('M cycles/CPU-s')] as number).toBeGreaterThan(0);
    }
  });

  it('formats tables with numbers right-aligned', () => {
    const text = formatTable({ title: 'T', columns: ['name', 'value'], rows: [['a', fig(1234.5)], ['bb', fig(3.14159)]], notes: ['n'] });
    expect(text).toBe(['T', 'name  value', '----  -----', 'a     1,235', 'bb     3.14', '  n'].join('\n'));
  });
});

// The scheduler through the built CLI: run --engine rows gives the interpreter's actions and
// output digest on a trace (with and without the passes); compile --lanes 4 writes a ROM and its
// listing and adds rows, ipc, strategy, lanes and core to --json; compare prints rows per program
// and strategy; bad scheduling input is one line.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from './run.js';

const prog = (name: string, f: string) => join(PROGRAMS_DIR, name, f);

function trace(name: string, extra: string[]): Record<string, unknown> {
  const r = runCli(['run', prog(name, `${name}.o`), '--maps', prog(name, 'maps.json'), '--pcap', prog(name, 'traffic.pcap'), '--max-packets', '200', '--json', ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('xdp2hw and the scheduler', () => {
  it('run --engine rows gives the interpreter\'s actions and output digest (router_ipv4, motion on 4 lanes of hxdp; list with --passes)', () => {
    const ref = trace('router_ipv4', []);
    for (const extra of [['--engine', 'rows', '--lanes', '4', '--strategy', 'motion', '--core', 'hxdp'], ['--engine', 'rows', '--passes']]) {
      const rows = trace('router_ipv4', extra);
      expect(rows.engine).toBe('rows');
      expect(rows.actions).toEqual(ref.actions);
      expect(rows.outputSha256).toBe(ref.outputSha256);
    }
  });

  it('compile --lanes 4 --out rom.hex writes the ROM (a line a row) and its listing; --json has rows, ipc, strategy, lanes, core', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-rom-'));
    const r = runCli(['compile', prog('xdp1', 'xdp1.o'), '--lanes', '4', '--strategy', 'motion', '--core', 'hxdp', '--out', join(dir, 'rom.hex'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ strategy: 'motion', lanes: 4, core: 'hxdp' });
    expect(j.rows).toBeGreaterThan(10);
    expect(j.ipc).toBeGreaterThan(1);
    const rom = readFileSync(join(dir, 'rom.hex'), 'utf8').trimEnd().split('\n');
    expect(rom.length).toBe(j.rows);
    expect(rom.every((l) => /^[0-9a-f]{64}$/.test(l))).toBe(true);
    expect(readFileSync(join(dir, 'rom.lst'), 'utf8')).toMatch(/^row 0:$/m);
  });

  it('compare prints rows per program × lanes × strategy and the sums; --json has the cells', () => {
    const files = [prog('xdp1', 'xdp1.o'), prog('xdp2', 'xdp2.o')];
    const r = runCli(['compare', ...files, '--lanes', '1,4', '--strategies', 'sequential,list,motion,optimal', '--time-limit', '20']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/xdp1\/xdp1_prog +56 +4 +\d+/);
    expect(r.stdout).toMatch(/4 lanes motion +\d+ \/ 126 = 0\.\d{3}/);
    const j = JSON.parse(runCli(['compare', ...files, '--lanes', '4', '--strategies', 'list', '--json']).stdout);
    expect(j.cells).toHaveLength(2);
    expect(j.cells[0]).toMatchObject({ program: 'xdp1_prog', lanes: 4, strategy: 'list', insns: 56 });
  });

  it('bad scheduling input is one line: unknown strategy and lanes out of range are usage errors (exit 2), a core file with a bad field bad input (exit 1)', () => {
    const bad: [string[], number][] = [
      [['compare', prog('xdp1', 'xdp1.o'), '--strategies', 'list,fast'], 2],
      [['compare', prog('xdp1', 'xdp1.o'), '--lanes', '9'], 2],
      [['run', prog('xdp1', 'xdp1.o'), '--packet', '00'.repeat(60), '--engine', 'rows', '--core', prog('xdp1', 'maps.json')], 1],
    ];
    for (const [args, status] of bad) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(status);
      const lines = r.stderr.trim().split('\n');
      // usage errors add the conventional hint line (docs/CLI.md, Conventions)
      expect(lines, r.stderr).toHaveLength(status === 2 ? 2 : 1);
      if (status === 2) expect(lines[1]).toBe('(see xdp2hw --help)');
      expect(lines[0]).toMatch(/^xdp2hw: /);
    }
  });

});

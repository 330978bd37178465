// `xdp2hw report` as a user runs it (the built CLI): it writes the page and says what is in it;
// bad input is one line and exit 1, bad usage exit 2, and nothing is written then.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_NAMES } from '../../report/index.js';
import { runCli } from '../cli/run.js';
import { objectPath, SWEEP_FIXTURE } from './common.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-report-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('xdp2hw report', () => {
  it('writes one page with every chart for every file given', () => {
    const out = join(tmp, 'r.html');
    const r = runCli(['report', objectPath('xdp1'), objectPath('xdp_tx'), '--out', out, '--sweep', SWEEP_FIXTURE, '--lanes', '1,4', '--max-packets', '20', '--core', 'hxdp']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${out}: ${CHART_NAMES.length} charts (${CHART_NAMES.join(', ')}) for 2 programs, ${Math.round(readFileSync(out).length / 1024)} KiB\n`);
    const html = readFileSync(out, 'utf8');
    for (const n of CHART_NAMES) expect(html).toContain(`data-chart="${n}"`);
    expect(html).toContain('Core hxdp (4 lanes)');
    expect(html).toContain('<td>xdp_tx</td>');
  });

  it('bad input: one line naming the file, exit 1, no page', () => {
    const out = join(tmp, 'bad.html');
    const synth = join(tmp, 'synth.json');
    writeFileSync(synth, '{"lanes": 4}');
    for (const [args, msg] of [
      [[objectPath('xdp1'), '--synth', synth], `xdp2hw: ${synth}: no "synth" object (write it with xdp2hw verilog FILE --out DIR --synth --json)\n`],
      [[objectPath('xdp1'), '--sweep', join(tmp, 'none.jsonl')], `xdp2hw: ${join(tmp, 'none.jsonl')}: no such file\n`],
      [[join(tmp, 'none.o')], `xdp2hw: ${join(tmp, 'none.o')}: no such file\n`],
    ] as const) {
      const r = runCli(['report', ...args, '--out', out, '--max-packets', '0']);
      expect(r.stderr).toBe(msg);
      expect(r.status).toBe(1);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('bad usage: exit 2', () => {
    for (const args of [['--lanes', '9'], ['--strategies', 'list,fastest'], ['--baseline', 'gpu'], ['--max-packets', '-1']]) {
      const r = runCli(['report', objectPath('xdp1'), '--out', join(tmp, 'u.html'), ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^xdp2hw: /);
    }
  });
});

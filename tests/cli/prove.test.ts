// compile --prove through the built CLI: the JSON proof (status, seconds, regions) for the passes
// and for passes + 4 lanes; a proof that runs out of time is `unknown` naming its obligation and
// exits 1; a bad --prove-timeout is a usage error; a program that does not fit
// is proved all the same but nothing is written and the exit is 1.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from './run.js';

const obj = (name: string) => join(PROGRAMS_DIR, name, `${name}.o`);

describe('xdp2hw compile --prove', () => {
  it('xdp2: proved for the passes and for passes + 4 lanes (motion), with every obligation', () => {
    for (const extra of [[], ['--lanes', '4', '--strategy', 'motion']]) {
      const r = runCli(['compile', obj('xdp2'), '--prove', '--json', ...extra]);
      expect(r.status, r.stderr).toBe(0);
      const { proof } = JSON.parse(r.stdout);
      expect(proof.status).toBe('proved');
      expect(proof.seconds).toBeGreaterThan(0);
      // with --lanes the proof runs in two steps (original = passes' output = rows), each obligation named by its step
      const names = ['action', 'packet length', 'packet bytes', 'redirect target', 'perf events', 'map rxcnt'];
      expect(proof.regions.map((x: { name: string }) => x.name)).toEqual(extra.length === 0 ? names : [...names.map((n) => `passes: ${n}`), ...names.map((n) => `schedule: ${n}`)]);
      expect(proof.counterexample).toBeUndefined();
    }
  }, 60_000);

  it('text: the status line; a time limit too short is unknown at a named obligation, exit 1', () => {
    const r = runCli(['compile', obj('simple_firewall'), '--prove', '--prove-timeout', '0.001']);
    expect(r.status).toBe(1);
    // which obligation runs out first depends on the machine's load (an obligation that simplify
    // alone decides needs no solver time): any named one will do
    expect(r.stdout).toMatch(/^proof: unknown in [\d.]+ s \(time limit in [a-z][\w ,-]*\)$/m);
  }, 60_000);

  it('--prove-timeout 0 is a usage error', () => {
    const r = runCli(['compile', obj('xdp1'), '--prove', '--prove-timeout', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toBe('xdp2hw: --prove-timeout must be a positive number of seconds');
  });
  it('a program that does not fit is still proved, nothing written, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-unfit-'));
    try {
      // xdp_sample does not fit hxdp (no bpf_perf_event_output); xdp2hw's RTL has it
      const r = runCli(['compile', obj('xdp_sample'), '--core', 'hxdp', '--prove', '--json', '--out', join(dir, 'o')]);
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout) as { fits?: boolean; unfit?: string; proof: { status: string } };
      expect(out.fits).toBe(false);
      expect(out.unfit).toMatch(/does not fit core hxdp.*bpf_perf_event_output/);
      expect(out.proof.status).toBe('proved');
      expect(r.stderr).toMatch(/does not fit core .*nothing written, proving the translation only/);
      expect(readdirSync(dir)).toEqual([]);
      const plain = runCli(['compile', obj('xdp_sample'), '--core', 'hxdp', '--json']);
      expect(plain.status).toBe(1);
      expect(plain.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

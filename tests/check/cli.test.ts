// `xdp2hw check` through the built CLI, and the refusal `compile` and `simulate` share with it: the
// verdict and exit status, the JSON contract (wcet: {cycles, path, mppsGuaranteed}), the simulated
// packets beside the bound, and one stderr line naming the obstacle.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from '../cli/run.js';

const prog = (n: string, f = `${n}.o`) => join(PROGRAMS_DIR, n, f);
const UNSUPPORTED = join(import.meta.dirname, 'fixtures', 'unsupported.o');

describe('xdp2hw check', () => {
  it('a program that fits: exit 0, the worst case and the best case, with the traffic beside the bound', () => {
    const r = runCli(['check', prog('xdp1'), '--core', 'hxdp', '--pcap', prog('xdp1', 'traffic.pcap'), '--maps', prog('xdp1', 'maps.json')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\S+xdp1\.o: program xdp1_prog on core hxdp \(4 lanes, list\): fits\n/);
    expect(r.stdout).toMatch(/^worst case \d+ cycles over \d+ paths: [\d.]+ Mpps guaranteed/m);
    expect(r.stdout).toMatch(/^ {2}best path +\d+ cycles/m);
    expect(r.stdout).toMatch(/^simulated +\d+ packets over \d+ paths: max \d+ cycles of the bound \d+/m);
    expect(r.stdout).toMatch(/taken +if r\d+ [=!<>]+ \S+ +\(row \d+ lane \d, insn \d+, \.\/common\/parse\.h:\d+:/);
  });

  it('--json: fits, findings, usage and wcet {cycles, path, mppsGuaranteed} with the simulated packets', () => {
    const r = runCli(['check', prog('map_access_1'), '--core', 'hxdp', '--json', '--clock-mhz', '200', '--pcap', prog('map_access_1', 'traffic.pcap'), '--maps', prog('map_access_1', 'maps.json')]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fits).toBe(true);
    expect(j.findings).toEqual([]);
    expect(typeof j.wcet.cycles).toBe('number');
    expect(j.wcet.path.rows.length).toBeGreaterThan(0);
    expect(j.wcet.path.cycles).toBe(j.wcet.cycles);
    expect(j.wcet.mppsGuaranteed).toBeCloseTo(Math.min(200 / j.wcet.cycles, j.wcet.lineMpps), 2);
    expect(j.wcet.best.cycles).toBeLessThanOrEqual(j.wcet.cycles);
    expect(j.wcet.simulated).toMatchObject({ reached: true, maxSimulated: j.wcet.cycles, violations: [] });
    expect(j.wcet.simulated.onWorstPath).toBeGreaterThan(0);
  });

  it('an object calling an unsupported helper: exit 1, the helper and its instruction, on stdout and in one stderr line', () => {
    const r = runCli(['check', UNSUPPORTED, '--core', 'xdp2hw']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/does not fit \(\d+ obstacles?\)/);
    expect(r.stdout).toMatch(/^ {2}insn 5 \(\.\/unsupported\.c:\d+: __u64 now = bpf_ktime_get_boot_ns\(\);\): helper bpf_ktime_get_boot_ns \(id 125\) is not in the helper unit of core xdp2hw/m);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^xdp2hw: \S+unsupported\.o: program unsupported_prog does not fit core xdp2hw \(4 lanes\): insn 5 .*bpf_ktime_get_boot_ns/);
    const j = JSON.parse(runCli(['check', UNSUPPORTED, '--json']).stdout);
    expect(j.findings.find((f: { kind: string }) => f.kind === 'helper')).toMatchObject({ index: 5, what: expect.stringMatching(/bpf_ktime_get_boot_ns/) });
  });

  it('compile and simulate refuse it with the same findings, on one line, exit 1', () => {
    const want = runCli(['check', UNSUPPORTED, '--core', 'hxdp']).stderr.trim().replace(/^xdp2hw: /, '');
    for (const args of [['compile', UNSUPPORTED, '--core', 'hxdp'], ['simulate', UNSUPPORTED, '--core', 'hxdp', '--pcap', prog('xdp1', 'traffic.pcap')]]) {
      const r = runCli(args);
      expect(r.status, args[0]).toBe(1);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(`xdp2hw: ${want} (xdp2hw check shows the details)`);
      expect(r.stdout).toBe('');
    }
  });

  it('simulate --json carries the wcet block beside the simulated cycles', () => {
    const r = runCli(['simulate', prog('xdp_tx'), '--pcap', prog('xdp_tx', 'traffic.pcap'), '--max-packets', '20', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.wcet.cycles).toBe(j.cycles.max);
    expect(j.wcet.simulated).toMatchObject({ reached: true, bound: j.wcet.cycles, violations: [] });
    expect(typeof j.wcet.mppsGuaranteed).toBe('number');
  });
});

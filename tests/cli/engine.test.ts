// `xdp2hw run --engine interpreter|kernel`: the kernel prints the same action and packet for one
// packet, and the same actions and output digest for a trace; an unknown engine is a usage error.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAMS_DIR } from '../helpers/paths.js';
import { kernelMissing, needs } from '../helpers/tools.js';
import { runCli } from './run.js';

const prog = (name: string, f: string) => join(PROGRAMS_DIR, name, f);

function trace(name: string, engine: string): Record<string, unknown> {
  const r = runCli(['run', prog(name, `${name}.o`), '--maps', prog(name, 'maps.json'), '--pcap', prog(name, 'traffic.pcap'),
    '--max-packets', '300', '--json', '--engine', engine]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('xdp2hw run --engine', () => {
  it('rejects an engine it does not know, naming the choices (exit 2)', () => {
    const r = runCli(['run', prog('xdp1', 'xdp1.o'), '--packet', '00'.repeat(14), '--engine', 'verilog']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/interpreter.*kernel/);
  });

  it('the interpreter is the default', () => {
    const r = runCli(['run', prog('xdp1', 'xdp1.o'), '--packet', '00'.repeat(14), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).insns.total).toBeGreaterThan(0);
  });
});

describe.skipIf(needs(kernelMissing()))('xdp2hw run --engine kernel', () => {
  for (const name of ['router_ipv4', 'l4lb']) {
    it(`${name}: the same actions and output packets as the interpreter on 300 packets of its traffic`, () => {
      const k = trace(name, 'kernel');
      const i = trace(name, 'interpreter');
      expect(k.engine).toBe('kernel');
      expect(i.engine).toBe('interpreter');
      for (const f of ['packets', 'refused', 'actions', 'outBytes', 'outputSha256']) expect(k[f], f).toEqual(i[f]);
    });
  }

  it('one packet: the same action, packet and changed entries', () => {
    const packet = '020000000002020000000001080045000028000100004006f97dc0a80001c0a800020400005000000000000000005002ffff3a0a0000';
    const run = (engine: string) => {
      const r = runCli(['run', prog('xdp1', 'xdp1.o'), '--packet', packet, '--json', '--engine', engine]);
      expect(r.status, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      return { action: j.action, packet: j.packet, changed: j.changed };
    };
    expect(run('kernel')).toEqual(run('interpreter'));
  });
});

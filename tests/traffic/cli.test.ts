// `xdp2hw traffic` and `xdp2hw pcap-info` as a user runs them (node dist/cli/xdp2hw.js): specs and
// the generic mix, overrides, summaries, --max-packets, stdin, and one-line errors.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPcapFile } from '../../simulator/pcap/index.js';
import { compileSpec } from '../../simulator/traffic/index.js';
import { ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-cli-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: Buffer): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/xdp2hw.js'), ...args], { encoding: 'utf8', input, maxBuffer: 16 << 20 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

const SPEC = {
  seed: 3, packets: 300,
  mix: [
    { name: 'web', ip: { src: '192.168.0.0/16', dst: '10.0.0.1' }, l4: { proto: 'tcp', dport: 443, flags: 'S' } },
    { reply: 'web', l4: { flags: 'SA' } },
    { weight: 0.5, eth: { vlan: [100] }, ip: { version: 6 }, l4: { proto: 'udp' } },
    { count: 5, malformed: 'truncated-eth' },
  ],
};

describe('xdp2hw traffic', () => {
  const spec = join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify(SPEC));

  it('writes the spec\'s packets; same seed same bytes; --seed and --packets override', () => {
    const a = join(dir, 'a.pcap');
    const r = cli(['traffic', '--spec', spec, '--out', a]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(new RegExp(`^${a}: 300 packets written, a file of \\d+ bytes, in [\\d.]+ s \\(time taken\\)\\n$`));
    expect(r.err).toBe('');
    expect(readPcapFile(a)).toHaveLength(300);
    const b = join(dir, 'b.pcap');
    cli(['traffic', '--spec', spec, '--out', b]);
    expect(sha(b)).toBe(sha(a));
    cli(['traffic', '--spec', spec, '--out', b, '--seed', '4', '--packets', '50']);
    expect(readPcapFile(b)).toHaveLength(50);
    expect(readPcapFile(b)[0].data).not.toEqual(readPcapFile(a)[0].data);
    cli(['traffic', '--spec', spec, '--out', b, '--nano']);
    expect(readFileSync(b).readUInt32LE(0)).toBe(0xa1b23c4d);
  });

  it('the generic mix follows its shares; --print-spec prints a spec that compiles', () => {
    const g = join(dir, 'g.pcap');
    expect(cli(['traffic', '--count', '2000', '--vlan-share', '1', '--ipv6-share', '0', '--malformed-share', '0', '--out', g]).status).toBe(0);
    const info = JSON.parse(cli(['pcap-info', g, '--json']).out);
    expect(info).toMatchObject({ packets: 2000, vlans: { 1: 2000 }, l3: { ipv4: 2000 } });
    expect(info.l4.tcp / 2000).toBeGreaterThan(0.65);
    const printed = cli(['traffic', '--count', '10', '--ipv6-share', '0.5', '--print-spec']);
    expect(printed.status).toBe(0);
    expect(() => compileSpec(JSON.parse(printed.out))).not.toThrow();
  });

  it('bad specs and arguments are one line, exit 1 or 2, and write nothing', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ mix: [{ l4: { proto: 'sctp' } }] }));
    const out = join(dir, 'never.pcap');
    const r = cli(['traffic', '--spec', bad, '--out', out]);
    expect([r.status, r.err]).toEqual([1, `xdp2hw: ${bad}: mix[0].l4.proto: expected "tcp", "udp", "icmp", "icmpv6" or a protocol number, not "sctp"\n`]);
    writeFileSync(bad, '{"mix": [');
    expect(cli(['traffic', '--spec', bad, '--out', out]).err).toMatch(/^xdp2hw: .*bad\.json: not JSON: line \d+, column \d+: .+\n$/);
    expect(cli(['traffic', '--out', out]).status).toBe(2);
    expect(cli(['traffic', '--count', '5']).err).toMatch(/--out is required/);
    expect(cli(['traffic', '--count', '5', '--vlan-share', '2', '--out', out]).err).toMatch(/^xdp2hw: --vlan-share 2: expected a number from 0 to 1\n/);
    expect(cli(['traffic', '--spec', spec, '--zipf', '2', '--out', out]).status).toBe(2);
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });
});

describe('xdp2hw pcap-info', () => {
  const f = join(dir, 'info.pcap');

  it('summarises counts, sizes, VLANs and protocols; --max-packets stops early; - reads stdin', () => {
    cli(['traffic', '--spec', join(dir, 'spec.json'), '--out', f]);
    const j = JSON.parse(cli(['pcap-info', f, '--json']).out);
    const recs = readPcapFile(f);
    expect(j.packets).toBe(300);
    expect(j.wireBytes).toBe(recs.reduce((s, r) => s + r.origLen, 0));
    expect(j.l3.short).toBe(5);
    expect(j.vlans['1']).toBeGreaterThan(0);
    expect(j.l3.ipv6).toBe(j.vlans['1']);
    expect(j.l4.udp).toBe(j.l3.ipv6);
    expect(j.l4.tcp).toBe(j.l3.ipv4);
    expect(JSON.parse(cli(['pcap-info', f, '--json', '--max-packets', '10']).out).packets).toBe(10);
    const stdin = cli(['pcap-info', '-', '--json'], readFileSync(f));
    expect(JSON.parse(stdin.out)).toMatchObject({ packets: 300, wireBytes: j.wireBytes });
    const text = cli(['pcap-info', f]);
    expect(text.out).toMatch(/: 300 packets, \d+ bytes on the wire/);
    expect(text.out).toMatch(/L4:\n {2}tcp/);
    expect(text.err).toBe('');
  });

  it('a damaged file is one line naming the record', () => {
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, readFileSync(f).subarray(0, 24 + 16 + 10));
    const r = cli(['pcap-info', cut]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^xdp2hw: .*cut\.pcap: record 0: truncated record at end of file \(10 of \d+ bytes\)\n$/);
  });
});

// Debian's tcpdump reads our pcap files without error and decodes what we meant: VLAN and QinQ
// tags, IPv6, ARP, tunnels; with -vv it finds no bad checksum in well-formed packets and a bad
// one in every packet made with bad-checksum / bad-l4-checksum.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTrafficPcap } from '../../simulator/traffic/index.js';
import type { MixEntry } from '../../simulator/traffic/index.js';
import { needs, toolMissing } from '../helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'xdp2hw-tcpdump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tcpdump(file: string, ...args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync('tcpdump', ['-nr', file, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

async function pcap(name: string, mix: MixEntry[], packets = 300, nano = false): Promise<string> {
  const file = join(dir, `${name}.pcap`);
  await writeTrafficPcap({ seed: 4, packets, mix }, file, { nano });
  return file;
}

const GOOD: MixEntry[] = [
  { ip: { version: 4, options: [false, true, 8], ttl: '1-255' }, l4: { proto: 'tcp', flags: ['S', 'SA', 'A', 'FA', 'R'], options: [true, false], dport: 8080 } },
  { eth: { vlan: [100] }, ip: { version: 6, ext: ['hop', 'routing', 'dest'] }, l4: { proto: 'udp', dport: 9999 } },
  { eth: { vlan: [200, 100] }, ip: { version: [4, 6] }, l4: { proto: ['icmp', 'icmpv6', 'udp'], dport: 7777 } },
  { ip: { version: 6, ext: ['frag'] }, l4: { proto: 'tcp', dport: 6000 } },
  { ip: { version: [4, 6], fragment: ['first', 'middle', 'last'] }, l4: { proto: 'udp', dport: 6001 } },
  { arp: { op: ['request', 'reply'] } },
  { encap: { type: ['ipip', 'gre', 'vxlan', 'udp'], ip: { version: [4, 6] } }, ip: { version: [4, 6] }, l4: { proto: ['tcp', 'udp'], dport: 5001 } },
  { encap: { type: 'gre', key: 42 }, l4: { proto: 'icmp' } },
  { name: 'ping', ip: { version: 6 }, l4: { proto: 'icmpv6' } },
  { reply: 'ping' },
];

describe.skipIf(needs(toolMissing('tcpdump')))('tcpdump reads our files', () => {
  it('well-formed traffic: no error, no bad checksum, and the protocols we asked for', async () => {
    const file = await pcap('good', GOOD, 600);
    const r = tcpdump(file, '-vv', '-e');
    expect(r.status).toBe(0);
    expect(r.err.trim()).toMatch(/^reading from file .*, link-type EN10MB \(Ethernet\), snapshot length 65535$/);
    expect(r.out).not.toMatch(/bad cksum|incorrect|truncated|\[\|/);
    for (const s of ['vlan 100', 'ethertype 802.1Q-QinQ (0x88a8)', 'vlan 200', 'ethertype IPv6 (0x86dd)', 'HBH', 'RT6', 'DSTOPT', 'frag (', 'Request who-has',
      'Reply 10.0.0.', 'GREv0', 'key=0x2a', 'VXLAN', 'ICMP echo request', 'ICMP6, echo request', 'ICMP6, echo reply', 'options [mss 1460',
      'options (RA)', 'proto IPIP', 'proto IPv6', '[udp sum ok]', 'cksum 0x']) {
      expect(r.out, s).toContain(s);
    }
    // every TCP checksum tcpdump could verify is correct
    expect((r.out.match(/\(correct\)/g) ?? []).length).toBeGreaterThan(50);
  });

  it('bad-checksum: every IPv4 header flagged; bad-l4-checksum: every L4 checksum flagged', async () => {
    const ip = tcpdump(await pcap('bad-ip', [{ malformed: 'bad-checksum', l4: { dport: 8080 } }], 50), '-vv');
    expect(ip.status).toBe(0);
    expect((ip.out.match(/bad cksum [0-9a-f]+ \(->[0-9a-f]+\)!/g) ?? []).length).toBe(50);
    const l4 = tcpdump(await pcap('bad-l4', [{ malformed: 'bad-l4-checksum', ip: { version: [4, 6] }, l4: { proto: ['tcp', 'udp', 'icmp'], dport: 8080 } }], 60), '-vv');
    expect(l4.status).toBe(0);
    const flagged = (l4.out.match(/incorrect ->|bad udp cksum|wrong icmp cksum|bad icmp6? cksum/g) ?? []).length;
    expect(flagged).toBe(60);
  });

  it('a mix with every malformed kind still opens without error, micro- and nanosecond files', async () => {
    const mix: MixEntry[] = [...GOOD, { weight: 3, malformed: ['truncated', 'truncated-ext', 'bad-ihl', 'bad-version', 'bad-checksum', 'bad-l4-checksum', 'bad-length', 'bad-tcp-offset', 'fragment', 'ttl-0', 'ttl-1'] }];
    for (const nano of [false, true]) {
      const r = tcpdump(await pcap(`all-${nano}`, mix, 1000, nano), '-vv');
      expect(r.status).toBe(0);
      expect(r.out.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d+ /.test(l))).toHaveLength(1000);
      expect(r.err).not.toMatch(/error|invalid|truncated dump file/i);
    }
  });
});

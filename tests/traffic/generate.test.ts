// The traffic generator from specs: headers and checksums (checked by an independent walker),
// sizes, determinism, counts and coverage, replies, and the spec errors users will see.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileSpec, generateTraffic, TrafficSpecError } from '../../simulator/traffic/index.js';
import type { GeneratedPacket, MixEntry, TrafficSpec } from '../../simulator/traffic/index.js';
import { walk } from './verify.js';

const gen = (spec: TrafficSpec, opts = {}): GeneratedPacket[] => [...generateTraffic(spec, opts)];
const one = (e: MixEntry, packets = 200, seed = 1): GeneratedPacket[] => gen({ seed, packets, mix: [e] });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ip4 = (b: Uint8Array): string => Array.from(b).join('.');

describe('well-formed packets', () => {
  it('IPv4/TCP with options: every checksum right, sizes in range, addresses in their prefixes', () => {
    const ps = one({ ip: { src: '192.168.0.0/16', dst: '10.100.0.1', options: [false, true, 12], ttl: '1-64' }, l4: { proto: 'tcp', flags: ['S', 'SA'], options: [true, false] }, size: '60-1518' });
    for (const p of ps) {
      const w = walk(p.data);
      expect(w).toMatchObject({ type: 0x0800, version: 4, ipv4Ok: true, l4Ok: true, proto: 6 });
      expect(p.data.length).toBeGreaterThanOrEqual(60);
      expect(p.data.length).toBeLessThanOrEqual(1518);
      expect(w.ipEnd).toBe(p.data.length);
      expect(ip4(w.src!)).toMatch(/^192\.168\./);
      expect(ip4(w.dst!)).toBe('10.100.0.1');
      expect(w.ttl! >= 1 && w.ttl! <= 64).toBe(true);
    }
    const ihls = new Set(ps.map((p) => p.data[14] & 15));
    expect([...ihls].sort()).toEqual([5, 6, 8]);
  });

  it('IPv6 with every extension header, UDP, ICMPv6: checksums right, chain in order', () => {
    for (const p of one({ ip: { version: 6, dst: '2001:db8::/64', ext: ['hop', 'routing', 'frag', 'dest'] }, l4: { proto: ['udp', 'icmpv6'] } })) {
      const w = walk(p.data);
      expect(w).toMatchObject({ type: 0x86dd, version: 6, exts: [0, 43, 44, 60], l4Ok: true });
      expect([17, 58]).toContain(w.proto);
      expect(w.ipEnd).toBe(p.data.length);
    }
  });

  it('VLAN and QinQ: TPIDs 0x88a8 outside, 0x8100 inside; VIDs as given', () => {
    const [p] = one({ eth: { vlan: [200, 100] }, ip: { version: 6 } }, 1);
    expect(walk(p.data).tags).toEqual([{ tpid: 0x88a8, vid: 200 }, { tpid: 0x8100, vid: 100 }]);
    const [q] = one({ eth: { vlan: [{ vid: 7, pcp: 5, tpid: '0x9100' }] } }, 1);
    expect(hex(q.data.subarray(12, 16))).toBe('9100a007');
  });

  it('size 0 is headers only, padded with zeros to 60; exact sizes are exact', () => {
    for (const p of one({ ip: { version: 4 }, l4: { proto: 'udp' }, size: 0 }, 5)) {
      expect(p.data.length).toBe(60);
      expect(walk(p.data).totalLen).toBe(28);
      expect(p.data.subarray(42).every((x) => x === 0)).toBe(true);
    }
    for (const p of one({ eth: { vlan: [5] }, size: [64, 1518] }, 20)) expect([64, 1518]).toContain(p.data.length);
  });

  it('ARP requests are broadcast with the sender taken from eth.src; other EtherTypes are kept', () => {
    const [a] = one({ eth: { src: '02:00:00:00:00:0a' }, arp: { op: 'request', tpa: '10.9.9.9' }, size: 0 }, 1);
    expect(hex(a.data.subarray(0, 14))).toBe('ffffffffffff02000000000a0806');
    expect(hex(a.data.subarray(14, 22))).toBe('0001080006040001');
    expect(hex(a.data.subarray(22, 28))).toBe('02000000000a');
    expect(ip4(a.data.subarray(38, 42))).toBe('10.9.9.9');
    const [r] = one({ arp: { op: 'reply' } }, 1);
    expect(hex(r.data.subarray(0, 6))).toBe('020000000002');
    expect(r.data.length).toBe(60);
    const [x] = one({ eth: { type: '0x88cc' }, size: 100 }, 1);
    expect(hex(x.data.subarray(12, 14))).toBe('88cc');
    expect(x.data.length).toBe(100);
  });

  it('tunnels: outer headers and inner packet both check out', () => {
    const kinds = { ipip: [4, 4], gre: [47], vxlan: [17], udp: [17] } as const;
    for (const [type, [proto]] of Object.entries(kinds)) {
      for (const p of one({ encap: { type, ip: { src: '192.0.2.1', dst: '192.0.2.2' } }, l4: { proto: 'tcp' } }, 5)) {
        const w = walk(p.data);
        expect(w).toMatchObject({ ipv4Ok: true, proto });
        if (proto === 17) expect(w.l4Ok).toBe(true);
        // the inner packet, behind a made-up Ethernet header (VXLAN carries a real one)
        const innerAt = { ipip: 34, gre: 38, udp: 42, vxlan: 50 }[type];
        const inner = walk(type === 'vxlan' ? p.data.subarray(innerAt) : Uint8Array.of(...new Array(12).fill(0), 0x08, 0x00, ...p.data.subarray(innerAt)));
        expect(inner).toMatchObject({ version: 4, ipv4Ok: true, proto: 6, l4Ok: true });
      }
    }
  });
});

describe('determinism, counts and coverage', () => {
  const spec: TrafficSpec = {
    seed: 9, packets: 500,
    mix: [
      { name: 'a', weight: 10, ip: { version: [4, 6] }, l4: { proto: ['tcp', 'udp', 'icmp'] } },
      { weight: 0.001, eth: { vlan: [3] } },
      { count: 7, malformed: 'truncated' },
      { count: 2, raw: ['00112233445566778899aabb88b5ff', 'ffffffffffff'] },
    ],
  };
  const digest = (ps: GeneratedPacket[]) => createHash('sha256').update(Buffer.concat(ps.map((p) => p.data))).digest('hex');

  it('the same seed gives the same bytes; --seed and --packets override', () => {
    expect(digest(gen(spec))).toBe(digest(gen(spec)));
    expect(digest(gen(spec, { seed: 10 }))).not.toBe(digest(gen(spec)));
    expect(gen(spec, { packets: 50 })).toHaveLength(50);
  });

  it('counts are exact, a rare weighted entry still appears, raw frames are verbatim', () => {
    const ps = gen(spec);
    const by = (i: number) => ps.filter((p) => p.entry === i);
    expect(by(2)).toHaveLength(7);
    expect(by(3)).toHaveLength(2);
    expect(by(1).length).toBeGreaterThanOrEqual(1);
    for (const p of by(3)) expect(['00112233445566778899aabb88b5ff', 'ffffffffffff']).toContain(hex(p.data));
    expect((ps[1].tsSec - ps[0].tsSec) * 1e9 + ps[1].tsNsec - ps[0].tsNsec).toBe(1000);
    expect(ps[0].tsSec).toBe(1700000000);
  });

  it('flows follow the Zipf law: the hottest flow is much more frequent than the median one', () => {
    const ps = one({ flows: 50, zipf: 1.2, l4: { proto: 'udp' } }, 5000);
    const counts = new Map<string, number>();
    for (const p of ps) {
      const w = walk(p.data);
      const k = `${ip4(w.src!)}:${w.sport}>${ip4(w.dst!)}:${w.dport}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(counts.size).toBeLessThanOrEqual(50);
    expect(sorted[0] / 5000).toBeGreaterThan(0.15);
    expect(sorted[0]).toBeGreaterThan(10 * sorted[24]);
  });
});

describe('replies', () => {
  it('answer only flows already sent, with addresses, ports and MACs swapped', () => {
    const ps = gen({
      seed: 3, packets: 400,
      mix: [
        { name: 'out', ip: { src: '192.168.1.0/24', dst: '8.8.0.0/16' }, l4: { proto: 'tcp', flags: 'S' }, flows: 20 },
        { reply: 'out', l4: { flags: 'SA' }, weight: 2 },
        { name: 'ping', ip: { version: 6 }, l4: { proto: 'icmpv6' }, weight: 0.3 },
        { reply: 'ping', weight: 0.3 },
      ],
    });
    const sent = new Set<string>();
    let replies = 0;
    for (const p of ps) {
      const w = walk(p.data);
      if (p.entry === 0) sent.add(`${ip4(w.src!)}:${w.sport}>${ip4(w.dst!)}:${w.dport}|${hex(p.data.subarray(6, 12))}`);
      if (p.entry === 1) {
        replies++;
        expect(sent.has(`${ip4(w.dst!)}:${w.dport}>${ip4(w.src!)}:${w.sport}|${hex(p.data.subarray(0, 6))}`)).toBe(true);
        expect(p.data[w.l4! + 13]).toBe(0x12);
        expect(w.l4Ok).toBe(true);
      }
      if (p.entry === 3) expect(p.data[w.l4!]).toBe(129);
      if (p.entry === 2) expect(p.data[w.l4!]).toBe(128);
    }
    expect(replies).toBeGreaterThan(150);
  });
});

describe('spec errors name the field', () => {
  const bad: [string, unknown, RegExp][] = [
    ['unknown field', { mix: [{ ip: { sorce: '1.2.3.4' } }] }, /^s\.json: mix\[0\]\.ip\.sorce: unknown field/],
    ['bad address', { mix: [{ ip: { dst: ['10.0.0.1', '10.0.0.999'] } }] }, /mix\[0\]\.ip\.dst\[1\]: expected an address/],
    ['version/address mismatch', { mix: [{ ip: { version: [4, 6], src: '10.0.0.0/8' } }] }, /mix\[0\]\.ip\.src: lists no IPv6 address/],
    ['range out of bounds', { mix: [{ l4: { dport: '1-70000' } }] }, /mix\[0\]\.l4\.dport: "1-70000" is outside 0\.\.65535/],
    ['empty range', { mix: [{ ip: { ttl: '9-1' } }] }, /empty range/],
    ['reply to nobody', { mix: [{ reply: 'nope' }] }, /mix\[0\]\.reply: names no entry: "nope"/],
    ['two kinds', { mix: [{ raw: '00', malformed: 'bad-ihl' }] }, /one of reply, malformed or raw/],
    ['malformed kind', { mix: [{ malformed: 'bad-everything' }] }, /mix\[0\]\.malformed: expected one of "truncated"/],
    ['malformed on ARP', { mix: [{ arp: {}, malformed: 'bad-checksum' }] }, /"bad-checksum" needs an IP packet, and this entry builds ARP/],
    ['counts over packets', { packets: 3, mix: [{ count: 5 }] }, /packets: 3 packets cannot hold the 5/],
    ['duplicate names', { mix: [{ name: 'x' }, { name: 'x' }] }, /mix\[1\]\.name: "x" is also the name of mix\[0\]/],
    ['empty mix', { mix: [] }, /^s\.json: mix: expected a non-empty list/],
    ['odd hex', { mix: [{ raw: 'abc' }] }, /mix\[0\]\.raw: expected an even-length hex string/],
    ['tcp flags', { mix: [{ l4: { flags: 'SYN' } }] }, /mix\[0\]\.l4\.flags: expected TCP flag letters/],
  ];
  it.each(bad)('%s', (_, spec, re) => {
    let err: unknown;
    try {
      compileSpec(spec as TrafficSpec, 's.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrafficSpecError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain('\n');
  });
});

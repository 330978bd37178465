// Each malformed kind does exactly what docs/TRAFFIC.md says: truncated frames end inside the
// named header, corrupted fields are wrong while everything else (other checksums) stays right.

import { describe, expect, it } from 'vitest';
import { generateTraffic, MALFORMED_KINDS } from '../../simulator/traffic/index.js';
import type { MalformedKind, MixEntry } from '../../simulator/traffic/index.js';
import { walk } from './verify.js';

function frames(malformed: MalformedKind | MalformedKind[], extra: MixEntry = {}): Uint8Array[] {
  return [...generateTraffic({ seed: 5, packets: 150, mix: [{ malformed, ...extra }] })].map((p) => p.data);
}

const lengths = (fs: Uint8Array[]) => fs.map((f) => f.length);
const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];

describe('truncated frames end inside the named header (no padding)', () => {
  it('truncated-eth: 1..13 bytes', () => {
    const ls = lengths(frames('truncated-eth'));
    expect(Math.min(...ls)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ls)).toBeLessThanOrEqual(13);
  });

  it('truncated-vlan: a tag is added and the frame ends within the tag stack', () => {
    for (const f of frames('truncated-vlan', { eth: { vlan: [10, 20] } })) {
      expect(f.length).toBeGreaterThanOrEqual(13);
      expect(f.length).toBeLessThanOrEqual(21);
      if (f.length >= 14) expect(u16(f, 12)).toBe(0x88a8);
    }
    for (const f of frames('truncated-vlan')) expect(f.length >= 13 && f.length <= 17 && (f.length < 14 || u16(f, 12) === 0x8100)).toBe(true);
  });

  it('truncated-ip: inside the IPv4 header with options, or the IPv6 header', () => {
    const v4 = lengths(frames('truncated-ip', { ip: { options: 8 } }));
    expect(Math.min(...v4)).toBeGreaterThanOrEqual(14);
    expect(Math.max(...v4)).toBeLessThanOrEqual(14 + 28 - 1);
    expect(Math.max(...v4)).toBeGreaterThan(14 + 20);
    const v6 = lengths(frames('truncated-ip', { ip: { version: 6 } }));
    expect(Math.max(...v6)).toBeLessThanOrEqual(53);
  });

  it('truncated-ext: IPv6 with a hop-by-hop header, cut inside it', () => {
    for (const f of frames('truncated-ext')) {
      expect(u16(f, 12)).toBe(0x86dd);
      expect(f[14 + 6]).toBe(0);
      expect(f.length >= 54 && f.length <= 61).toBe(true);
    }
  });

  it('truncated-l4: inside the TCP / UDP / ICMP header', () => {
    for (const f of frames('truncated-l4', { l4: { proto: ['tcp', 'udp', 'icmp'] } })) {
      const proto = f[14 + 9];
      expect(f.length).toBeGreaterThanOrEqual(34);
      expect(f.length).toBeLessThan(34 + (proto === 6 ? 20 : 8));
    }
  });

  it('truncated: a mix of the kinds that fit the template', () => {
    const ls = new Set(lengths(frames('truncated')).map((l) => (l < 14 ? 'eth' : l < 18 ? 'vlan-or-ip' : l < 34 ? 'ip' : 'l4')));
    expect(ls).toEqual(new Set(['eth', 'vlan-or-ip', 'ip', 'l4']));
  });
});

describe('corrupted fields', () => {
  it('bad-ihl: IHL below 5 or past the packet; header checksum right for the written header', () => {
    for (const f of frames('bad-ihl')) {
      const ihl = f[14] & 15;
      expect(ihl < 5 || ihl * 4 > u16(f, 16)).toBe(true);
      expect(f[14] >> 4).toBe(4);
    }
  });

  it('bad-version: the version disagrees with the EtherType', () => {
    for (const f of frames('bad-version', { ip: { version: [4, 6] } })) {
      const type = u16(f, 12);
      expect(f[14] >> 4).not.toBe(type === 0x0800 ? 4 : 6);
    }
  });

  it('bad-checksum: IPv4 header checksum wrong, L4 checksum right', () => {
    for (const f of frames('bad-checksum', { l4: { proto: ['tcp', 'udp'] } })) expect(walk(f)).toMatchObject({ ipv4Ok: false, l4Ok: true });
  });

  it('bad-l4-checksum: L4 checksum wrong (never 0 for UDP), IP header right', () => {
    for (const f of frames('bad-l4-checksum', { ip: { version: [4, 6] }, l4: { proto: ['tcp', 'udp', 'icmp'] } })) {
      const w = walk(f);
      expect(w.l4Ok).toBe(false);
      if (w.version === 4) expect(w.ipv4Ok).toBe(true);
      if (w.proto === 17) expect(u16(f, w.l4! + 6)).not.toBe(0);
    }
  });

  it('bad-length: IPv4 total length past the frame or below the header; IPv6 payload length past the frame', () => {
    for (const f of frames('bad-length', { ip: { version: [4, 6] }, size: 200 })) {
      const w = walk(f);
      if (w.version === 4) {
        expect(w.ipv4Ok).toBe(true);
        expect(w.totalLen! > f.length - 14 || w.totalLen! < 20).toBe(true);
      } else {
        expect(w.ipEnd!).toBeGreaterThan(f.length);
      }
    }
  });

  it('bad-tcp-offset: data offset below 5 or past the packet; the TCP checksum still right', () => {
    for (const f of frames('bad-tcp-offset', { ip: { version: [4, 6] } })) {
      const w = walk(f);
      const off = f[w.l4! + 12] >> 4;
      expect(off < 5 || off * 4 > f.length - w.l4!).toBe(true);
      expect(w.l4Ok).toBe(true);
    }
  });

  it('fragment: IPv4 fragments, first ones with MF, later ones with an offset and no L4 header', () => {
    const flags = frames('fragment').map((f) => u16(f, 20));
    expect(flags.some((x) => x === 0x2000)).toBe(true);
    expect(flags.some((x) => (x & 0x1fff) > 0)).toBe(true);
  });

  it('ttl-0 and ttl-1 keep every checksum right', () => {
    for (const k of ['ttl-0', 'ttl-1'] as const) {
      for (const f of frames(k, { ip: { version: [4, 6] } })) {
        const w = walk(f);
        expect(w.ttl).toBe(k === 'ttl-0' ? 0 : 1);
        expect(w.l4Ok).toBe(true);
        if (w.version === 4) expect(w.ipv4Ok).toBe(true);
      }
    }
  });

  it('every kind is accepted in one list and each appears', () => {
    const ps = [...generateTraffic({ seed: 2, packets: 2000, mix: [{ malformed: [...MALFORMED_KINDS] }] })];
    expect(ps).toHaveLength(2000);
    expect(new Set(ps.map((p) => p.data.length < 60)).size).toBe(2);
  });
});

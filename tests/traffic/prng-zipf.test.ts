// The seeded PRNG (deterministic, in range, roughly uniform) and the Zipf sampler (frequencies
// within tolerance of 1/k^s), and address text parsing.

import { describe, expect, it } from 'vitest';
import { formatIp, formatMac, mixSeed, parseIpv4, parseIpv6, parseMac, Prng, Zipf } from '../../simulator/traffic/index.js';

describe('Prng', () => {
  it('the same seed gives the same sequence; another seed another', () => {
    const seq = (s: number) => Array.from({ length: 8 }, ((r) => () => r.u32())(new Prng(s)));
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    expect(mixSeed(1, 2, 3)).toBe(mixSeed(1, 2, 3));
    expect(mixSeed(1, 2, 3)).not.toBe(mixSeed(1, 3, 2));
  });

  it('int stays in its bounds and hits both ends; float is uniform enough', () => {
    const r = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const v = r.int(3, 9);
      expect(v >= 3 && v <= 9).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(r.float() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});

describe('Zipf', () => {
  it.each([[100, 1.1], [1000, 0.8], [10, 2]])('n=%i s=%f: the top ranks follow 1/k^s within 3 sigma', (n, s) => {
    const z = new Zipf(n, s);
    const r = new Prng(11);
    const N = 200_000;
    const counts = new Array(n).fill(0);
    for (let i = 0; i < N; i++) counts[z.sample(r)]++;
    const h = Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, s)).reduce((a, b) => a + b, 0);
    for (let k = 0; k < Math.min(n, 10); k++) {
      const p = 1 / Math.pow(k + 1, s) / h;
      expect(z.p(k)).toBeCloseTo(p, 12);
      const sigma = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(counts[k] - N * p)).toBeLessThan(3 * sigma + 1);
    }
    // monotone on average: the first rank is the most frequent
    expect(counts[0]).toBe(Math.max(...counts));
  });

  it('s = 0 is uniform', () => {
    const z = new Zipf(4, 0);
    const r = new Prng(5);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[z.sample(r)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});

describe('addresses', () => {
  it('parse and format IPv4, IPv6 and MACs', () => {
    expect(formatIp(parseIpv4('192.168.1.2')!)).toBe('192.168.1.2');
    expect(parseIpv4('1.2.3.256')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
    for (const [text, canon] of [['2001:db8::1', '2001:db8::1'], ['::', '::'], ['::1', '::1'], ['fe80:0:0:0:1:0:0:2', 'fe80::1:0:0:2'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'], ['::ffff:10.0.0.1', '::ffff:a00:1']]) {
      expect(formatIp(parseIpv6(text)!)).toBe(canon);
    }
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7']) expect(parseIpv6(bad)).toBeUndefined();
    expect(formatMac(parseMac('02:00:0A:ff:1:2')!)).toBe('02:00:0a:ff:01:02');
    expect(parseMac('02:00:00:00:00')).toBeUndefined();
  });
});

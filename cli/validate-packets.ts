// The packets translation validation sends: every traffic record, every truncation of each traffic
// shape at every length from the minimum frame up to 128 bytes and at every header boundary past
// that, then fast-check mutations and random frames until the count is reached. Deterministic (seed).

import type fcType from 'fast-check';

export interface TestPacket {
  readonly data: Uint8Array;
  /** 'pcap', 'truncation', 'length', 'fast-check' */
  readonly kind: string;
  readonly source: string;
}

export interface PacketSetOptions {
  readonly minFrame: number;
  readonly count: number;
  readonly seed: number;
  readonly fc: typeof fcType;
}

/** The smallest length every truncation sweep covers fully. */
const SWEEP_TO = 128;

/** Header boundaries of an Ethernet frame (VLAN tags, IPv4/IPv6, the L4 header, an inner IPv4 header). */
export function headerBoundaries(p: Uint8Array): number[] {
  const out = [14];
  let at = 12;
  let type = (p[at] << 8) | p[at + 1];
  while ((type === 0x8100 || type === 0x88a8) && at + 6 <= p.length) {
    at += 4;
    out.push(at + 2);
    type = (p[at] << 8) | p[at + 1];
  }
  let l3 = at + 2;
  for (let depth = 0; depth < 2 && l3 < p.length; depth++) {
    const v4 = type === 0x0800 || (depth > 0 && p[l3] >> 4 === 4);
    const hlen = v4 ? (p[l3] & 0x0f) * 4 : type === 0x86dd || p[l3] >> 4 === 6 ? 40 : 0;
    if (hlen < 20) break;
    const proto = v4 ? p[l3 + 9] : p[l3 + 6];
    out.push(l3 + hlen);
    const l4 = l3 + hlen;
    if (proto === 6 && l4 + 13 < p.length) out.push(l4 + (p[l4 + 12] >> 4) * 4);
    else if (proto === 17 || proto === 1 || proto === 58) out.push(l4 + 8);
    if (proto !== 4 && proto !== 41) break;
    l3 = l4;
    type = proto === 4 ? 0x0800 : 0x86dd;
  }
  return out.filter((n) => n <= p.length);
}

/** A shape: what distinguishes frames for the program (length bucket and the header bytes that select paths). */
const shapeOf = (p: Uint8Array) => `${Math.min(p.length, 256) >> 4}:${Buffer.from(p.subarray(12, 14)).toString('hex')}:${p[23] ?? ''}:${p[20] ?? ''}`;

export function packetSet(pcap: readonly Uint8Array[], o: PacketSetOptions): TestPacket[] {
  const out: TestPacket[] = [];
  const ok = (d: Uint8Array) => d.length >= Math.max(14, o.minFrame);
  pcap.forEach((d, i) => ok(d) && out.push({ data: d, kind: 'pcap', source: `pcap #${i}` }));
  const shapes = new Map<string, number>();
  pcap.forEach((d, i) => shapes.has(shapeOf(d)) || shapes.set(shapeOf(d), i));
  for (const i of shapes.values()) {
    const d = pcap[i];
    const lengths = new Set<number>(headerBoundaries(d));
    for (let n = 14; n <= Math.min(d.length, SWEEP_TO); n++) lengths.add(n);
    for (const n of [...lengths].sort((x, y) => x - y)) {
      const t = d.slice(0, n);
      if (ok(t) && n < d.length) out.push({ data: t, kind: 'truncation', source: `pcap #${i} truncated to ${n} bytes` });
    }
  }
  // every length from 14 to 128, from the longest record (zero-padded when it is shorter)
  const longest = pcap.reduce<Uint8Array>((m, d) => (d.length > m.length ? d : m), new Uint8Array(0));
  for (let n = 14; n <= SWEEP_TO; n++) {
    const t = new Uint8Array(n);
    t.set(longest.subarray(0, n));
    if (ok(t)) out.push({ data: t, kind: 'length', source: `longest record cut or zero-padded to ${n} bytes` });
  }
  // fast-check fills up to the count, and always adds a quarter of it
  out.push(...fuzzed(pcap, Math.max(o.count - out.length, Math.ceil(o.count / 4)), o));
  return out;
}

/** fast-check samples: a record with byte mutations and a new length, or a random frame. */
function fuzzed(pcap: readonly Uint8Array[], n: number, o: PacketSetOptions): TestPacket[] {
  const { fc } = o;
  const lo = Math.max(14, o.minFrame);
  const mutation = fc.record({
    base: fc.nat(Math.max(0, pcap.length - 1)),
    edits: fc.array(fc.tuple(fc.nat(255), fc.nat(255)), { maxLength: 6 }),
    len: fc.option(fc.integer({ min: lo, max: Math.max(lo, 256) }), { freq: 3 }),
  });
  const random = fc.uint8Array({ minLength: lo, maxLength: Math.max(lo, 128) });
  const arb = pcap.length > 0 ? fc.oneof({ arbitrary: mutation, weight: 4 }, { arbitrary: random.map((data) => ({ data })), weight: 1 }) : random.map((data) => ({ data }));
  return fc.sample(arb, { numRuns: n, seed: o.seed }).map((s, k) => {
    if ('data' in s) return { data: s.data, kind: 'fast-check', source: `fast-check #${k} (random frame)` };
    const src = pcap[s.base];
    const len = s.len ?? src.length;
    const d = new Uint8Array(Math.max(len, lo));
    d.set(src.subarray(0, d.length));
    for (const [at, v] of s.edits) if (at < d.length) d[at] = v;
    return { data: d, kind: 'fast-check', source: `fast-check #${k} (pcap #${s.base}, ${s.edits.length} bytes changed, ${d.length} bytes)` };
  });
}

// A summary of a pcap trace for `xdp2hw pcap-info`: packet and byte counts, sizes, time span,
// VLAN depth, L3 and L4 protocols, distinct flows. Frames are classified by a small header walk
// that never reads past the captured bytes; it does not validate checksums.

import { PcapReader } from './reader.js';
import type { ReaderOptions } from './reader.js';
import type { PcapRecord } from './format.js';
import type { Readable } from 'node:stream';

export interface FrameClass {
  vlans: number;
  l3: 'ipv4' | 'ipv6' | 'arp' | 'other' | 'short';
  l4: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'fragment' | 'other' | 'short' | 'none';
  /** "proto src sport dst dport" for TCP/UDP, else undefined */
  flow: string | undefined;
}

const V6_EXT = new Set([0, 43, 60]);
const u16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
const L4_NAMES: Record<number, FrameClass['l4']> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
const hex = (b: Uint8Array, s: number, e: number): string => Buffer.from(b.subarray(s, e)).toString('hex');

function l4Of(b: Uint8Array, proto: number, pos: number, srcOff: number, alen: number): Pick<FrameClass, 'l4' | 'flow'> {
  const l4 = L4_NAMES[proto] ?? 'other';
  const need = l4 === 'tcp' ? 20 : l4 === 'udp' || l4 === 'icmp' || l4 === 'icmpv6' ? 8 : 0;
  if (b.length < pos + need) return { l4: 'short', flow: undefined };
  if (l4 !== 'tcp' && l4 !== 'udp') return { l4, flow: undefined };
  const flow = `${proto} ${hex(b, srcOff, srcOff + alen)} ${u16(b, pos)} ${hex(b, srcOff + alen, srcOff + 2 * alen)} ${u16(b, pos + 2)}`;
  return { l4, flow };
}

/** Classifies one frame by its headers, reading only captured bytes. */
export function classifyFrame(b: Uint8Array): FrameClass {
  if (b.length < 14) return { vlans: 0, l3: 'short', l4: 'none', flow: undefined };
  let pos = 12;
  let vlans = 0;
  let type = u16(b, pos);
  while ((type === 0x8100 || type === 0x88a8) && b.length >= pos + 6) {
    vlans++;
    pos += 4;
    type = u16(b, pos);
  }
  if (type === 0x8100 || type === 0x88a8) return { vlans: vlans + 1, l3: 'short', l4: 'none', flow: undefined };
  pos += 2;
  if (type === 0x0806) return { vlans, l3: b.length >= pos + 28 ? 'arp' : 'short', l4: 'none', flow: undefined };
  if (type === 0x0800) {
    if (b.length < pos + 20) return { vlans, l3: 'short', l4: 'none', flow: undefined };
    const ihl = (b[pos] & 0x0f) * 4;
    if (b[pos] >> 4 !== 4 || ihl < 20) return { vlans, l3: 'other', l4: 'none', flow: undefined };
    if ((u16(b, pos + 6) & 0x1fff) !== 0) return { vlans, l3: 'ipv4', l4: 'fragment', flow: undefined };
    return { vlans, l3: 'ipv4', ...l4Of(b, b[pos + 9], pos + ihl, pos + 12, 4) };
  }
  if (type === 0x86dd) {
    if (b.length < pos + 40) return { vlans, l3: 'short', l4: 'none', flow: undefined };
    if (b[pos] >> 4 !== 6) return { vlans, l3: 'other', l4: 'none', flow: undefined };
    let next = b[pos + 6];
    let at = pos + 40;
    while (V6_EXT.has(next) || next === 44) {
      if (b.length < at + 8) return { vlans, l3: 'ipv6', l4: 'short', flow: undefined };
      if (next === 44 && (u16(b, at + 2) & 0xfff8) !== 0) return { vlans, l3: 'ipv6', l4: 'fragment', flow: undefined };
      const len = next === 44 ? 8 : (b[at + 1] + 1) * 8;
      next = b[at];
      at += len;
    }
    return { vlans, l3: 'ipv6', ...l4Of(b, next, at, pos + 8, 16) };
  }
  return { vlans, l3: 'other', l4: 'none', flow: undefined };
}

export const SIZE_BUCKETS = [[0, 59], [60, 127], [128, 255], [256, 511], [512, 1023], [1024, 1518], [1519, Infinity]] as const;
/** Distinct flows are counted up to this many. */
export const MAX_FLOWS_COUNTED = 1_000_000;

export class PcapSummary {
  packets = 0;
  capturedBytes = 0;
  wireBytes = 0;
  /** records cut by the snaplen (caplen < origLen) */
  snapped = 0;
  minSize = Infinity;
  maxSize = 0;
  first: number | undefined;
  last: number | undefined;
  readonly sizes = SIZE_BUCKETS.map(() => 0);
  readonly vlans: Record<string, number> = {};
  readonly l3: Record<string, number> = {};
  readonly l4: Record<string, number> = {};
  private readonly flowSet = new Set<string>();

  add(r: PcapRecord): void {
    const n = r.data.length;
    this.packets++;
    this.capturedBytes += n;
    this.wireBytes += r.origLen;
    if (n < r.origLen) this.snapped++;
    this.minSize = Math.min(this.minSize, r.origLen);
    this.maxSize = Math.max(this.maxSize, r.origLen);
    const t = r.tsSec + r.tsNsec / 1e9;
    this.first ??= t;
    this.last = t;
    this.sizes[SIZE_BUCKETS.findIndex(([lo, hi]) => r.origLen >= lo && r.origLen <= hi)]++;
    const c = classifyFrame(r.data);
    this.vlans[c.vlans] = (this.vlans[c.vlans] ?? 0) + 1;
    this.l3[c.l3] = (this.l3[c.l3] ?? 0) + 1;
    if (c.l4 !== 'none') this.l4[c.l4] = (this.l4[c.l4] ?? 0) + 1;
    if (c.flow && this.flowSet.size < MAX_FLOWS_COUNTED) this.flowSet.add(c.flow);
  }

  get flows(): number {
    return this.flowSet.size;
  }

  toJSON(): Record<string, unknown> {
    const sizes: Record<string, number> = {};
    SIZE_BUCKETS.forEach(([lo, hi], i) => (sizes[hi === Infinity ? `${lo}+` : `${lo}-${hi}`] = this.sizes[i]));
    return {
      packets: this.packets, capturedBytes: this.capturedBytes, wireBytes: this.wireBytes, snapped: this.snapped,
      minSize: this.packets ? this.minSize : 0, maxSize: this.maxSize,
      spanSeconds: this.first === undefined ? 0 : this.last! - this.first,
      sizes, vlans: this.vlans, l3: this.l3, l4: this.l4, flows: this.flows,
    };
  }
}

/** Streams a pcap file into a summary. */
export async function summarizePcap(
  source: string | Readable, opts: ReaderOptions & { onProgress?: (r: PcapReader) => void } = {},
): Promise<PcapSummary> {
  const reader = new PcapReader(source, opts);
  const s = new PcapSummary();
  for await (const rec of reader) {
    s.add(rec);
    if (opts.onProgress && (s.packets & 0x3fff) === 0) opts.onProgress(reader);
  }
  opts.onProgress?.(reader);
  return s;
}

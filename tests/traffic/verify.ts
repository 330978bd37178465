// An independent frame walker for the tests: finds the headers of a frame and checks every
// checksum (IPv4 header, TCP/UDP/ICMP/ICMPv6 with pseudo-header), written separately from
// simulator/traffic so that the two must agree.

export interface Walk {
  tags: { tpid: number; vid: number }[];
  type: number;
  l3: number;
  version?: number;
  ipv4Ok?: boolean;
  totalLen?: number;
  proto?: number;
  exts: number[];
  l4?: number;
  l4Ok?: boolean;
  ttl?: number;
  src?: Uint8Array;
  dst?: Uint8Array;
  sport?: number;
  dport?: number;
  /** offset of the IP payload's end as the IP header says */
  ipEnd?: number;
}

const be16 = (b: Uint8Array, o: number): number => b[o] * 256 + b[o + 1];

/** True when the one's-complement sum over the range (and extra words) is 0xffff. */
function sumsToOnes(b: Uint8Array, s: number, e: number, extra: number[]): boolean {
  let acc = extra.reduce((a, x) => a + x, 0);
  for (let i = s; i < e; i += 2) acc += b[i] * 256 + (i + 1 < e ? b[i + 1] : 0);
  while (acc > 0xffff) acc = (acc % 0x10000) + Math.floor(acc / 0x10000);
  return acc === 0xffff;
}

function words(a: Uint8Array): number[] {
  const w: number[] = [];
  for (let i = 0; i < a.length; i += 2) w.push(a[i] * 256 + a[i + 1]);
  return w;
}

export function walk(b: Uint8Array): Walk {
  const w: Walk = { tags: [], type: 0, l3: 0, exts: [] };
  let off = 12;
  while (be16(b, off) === 0x8100 || be16(b, off) === 0x88a8) {
    w.tags.push({ tpid: be16(b, off), vid: be16(b, off + 2) & 0xfff });
    off += 4;
  }
  w.type = be16(b, off);
  w.l3 = off + 2;
  const l3 = w.l3;
  if (w.type === 0x0800) {
    const ihl = (b[l3] & 15) * 4;
    Object.assign(w, { version: b[l3] >> 4, totalLen: be16(b, l3 + 2), proto: b[l3 + 9], ttl: b[l3 + 8], src: b.slice(l3 + 12, l3 + 16), dst: b.slice(l3 + 16, l3 + 20) });
    w.ipv4Ok = sumsToOnes(b, l3, l3 + ihl, []);
    w.ipEnd = l3 + w.totalLen!;
    if ((be16(b, l3 + 6) & 0x1fff) === 0) w.l4 = l3 + ihl;
  } else if (w.type === 0x86dd) {
    Object.assign(w, { version: b[l3] >> 4, ttl: b[l3 + 7], src: b.slice(l3 + 8, l3 + 24), dst: b.slice(l3 + 24, l3 + 40) });
    w.ipEnd = l3 + 40 + be16(b, l3 + 4);
    let next = b[l3 + 6];
    let at = l3 + 40;
    let first = true;
    while (next === 0 || next === 43 || next === 60 || next === 44) {
      w.exts.push(next);
      if (next === 44 && (be16(b, at + 2) & 0xfff8) !== 0) first = false;
      const len = next === 44 ? 8 : (b[at + 1] + 1) * 8;
      next = b[at];
      at += len;
    }
    w.proto = next;
    if (first) w.l4 = at;
  }
  if (w.l4 !== undefined && w.ipEnd !== undefined && [6, 17, 1, 58].includes(w.proto!)) {
    const len = w.ipEnd - w.l4;
    const pseudo = w.proto === 1 ? [] : [...words(w.src!), ...words(w.dst!), w.proto!, Math.floor(len / 65536), len % 65536];
    w.l4Ok = sumsToOnes(b, w.l4, w.ipEnd, pseudo);
    if (w.proto === 6 || w.proto === 17) [w.sport, w.dport] = [be16(b, w.l4), be16(b, w.l4 + 2)];
  }
  return w;
}

// Malformed and truncated frames (docs/TRAFFIC.md "Malformed kinds"): what each kind needs from
// the template (a VLAN tag, IPv4, IPv6 with an extension header, a TCP header), and how it cuts
// or corrupts a correctly built frame. Everything else about the frame stays correct.

import { finish, pseudoSum, readU16, sum16, writeU16 } from './checksum.js';
import type { Frame } from './packet.js';
import type { Prng } from './prng.js';
import { at, fail } from './values.js';
import type { Where } from './values.js';

export const MALFORMED_KINDS = [
  'truncated', 'truncated-eth', 'truncated-vlan', 'truncated-ip', 'truncated-ext', 'truncated-l4',
  'bad-ihl', 'bad-version', 'bad-checksum', 'bad-l4-checksum', 'bad-length', 'bad-tcp-offset',
  'fragment', 'ttl-0', 'ttl-1',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

type Obj = Record<string, unknown>;

/** The kinds `truncated` stands for, given the body the template builds. */
export function expandTruncated(bodyKind: 'ip' | 'arp' | 'ether', t: Obj): MalformedKind[] {
  if (bodyKind === 'ether') return ['truncated-eth', 'truncated-vlan'];
  if (bodyKind === 'arp') return ['truncated-eth', 'truncated-vlan', 'truncated-ip'];
  const ext = (t.ip as Obj | undefined)?.ext;
  const kinds: MalformedKind[] = ['truncated-eth', 'truncated-vlan', 'truncated-ip', 'truncated-l4'];
  return Array.isArray(ext) && ext.length > 0 ? [...kinds, 'truncated-ext'] : kinds;
}

const merge = (t: Obj, key: string, fields: Obj): Obj => ({ ...t, [key]: { ...((t[key] as Obj | undefined) ?? {}), ...fields } });
/** Changes the outermost IP header: the tunnel's when there is one. */
const mergeIp = (t: Obj, fields: Obj): Obj => (t.encap ? merge(t, 'encap', { ip: { ...(((t.encap as Obj).ip as Obj | undefined) ?? {}), ...fields } }) : merge(t, 'ip', fields));
/** The template without its tunnel: for kinds about the L4 header or fragments. */
const noEncap = (t: Obj): Obj => ({ ...t, encap: undefined });

/** The template `t` changed so that it builds what `kind` corrupts; fails if it cannot. */
export function adaptTemplate(kind: MalformedKind, bodyKind: 'ip' | 'arp' | 'ether', t: Obj, w: Where): Obj {
  const needsIp = !['truncated', 'truncated-eth', 'truncated-vlan'].includes(kind) && !(kind === 'truncated-ip' && bodyKind === 'arp');
  if (needsIp && bodyKind !== 'ip') fail(at(w, 'malformed'), `"${kind}" needs an IP packet, and this entry builds ${bodyKind === 'arp' ? 'ARP' : 'a bare Ethernet frame'}`);
  const ip = ((t.encap ? (t.encap as Obj).ip : t.ip) as Obj | undefined) ?? {};
  const l4 = (t.l4 as Obj | undefined) ?? {};
  const named = (x: unknown): boolean => x === 'tcp' || x === 'udp' || x === 'icmp' || x === 'icmpv6';
  const protos = Array.isArray(l4.proto) ? l4.proto.filter(named) : named(l4.proto) ? [l4.proto] : [];
  const l4Proto = protos.length ? protos : 'tcp';
  switch (kind) {
    case 'truncated-vlan': {
      const vlan = (t.eth as Obj | undefined)?.vlan;
      return Array.isArray(vlan) && vlan.length > 0 ? t : merge(t, 'eth', { vlan: [100] });
    }
    case 'truncated-ext':
      return mergeIp(t, { version: 6, ext: Array.isArray(ip.ext) && ip.ext.length > 0 ? ip.ext : ['hop'], fragment: 'none' });
    case 'bad-ihl': case 'bad-checksum':
      return mergeIp(t, { version: 4 });
    case 'fragment':
      return merge(noEncap(t), 'ip', { version: 4, fragment: ['first', 'middle', 'last'] });
    case 'truncated-l4': case 'bad-l4-checksum':
      return merge(merge(noEncap(t), 'ip', { fragment: 'none' }), 'l4', { proto: l4Proto });
    case 'bad-tcp-offset':
      return merge(merge(noEncap(t), 'ip', { fragment: 'none' }), 'l4', { proto: 'tcp' });
    case 'ttl-0': case 'ttl-1':
      return mergeIp(t, { ttl: kind === 'ttl-0' ? 0 : 1 });
    default:
      return t;
  }
}

/** Cuts the frame to `len` bytes (a short frame on the wire: no padding). */
const cut = (f: Frame, lo: number, hi: number, rng: Prng): Uint8Array => f.bytes.slice(0, rng.int(lo, Math.max(lo, hi)));

function fixIpv4Checksum(b: Uint8Array, l3: number, hlen: number): void {
  writeU16(b, l3 + 10, 0);
  writeU16(b, l3 + 10, finish(sum16(b, l3, l3 + hlen)));
}

/** A 16-bit value xor-ed with a random non-zero mask (never 0, which means "no UDP checksum"). */
function spoil(v: number, rng: Prng): number {
  let r = v;
  while (r === v || r === 0) r = v ^ rng.int(1, 0xffff);
  return r;
}

/** The frame with `kind` applied; `f` was built from the template adaptTemplate returned. */
export function corrupt(kind: MalformedKind, f: Frame, rng: Prng): Uint8Array {
  const L = f.layout;
  const b = f.bytes;
  switch (kind) {
    case 'truncated-eth':
      return cut(f, 1, 13, rng);
    case 'truncated-vlan':
      return cut(f, 13, L.l3 - 1, rng);
    case 'truncated-ip':
      return cut(f, L.l3, L.l3 + L.l3Len - 1, rng);
    case 'truncated-ext':
      return cut(f, L.ext[0].off, L.ext[0].off + L.ext[0].len - 1, rng);
    case 'truncated-l4':
      return cut(f, L.l4!.off, L.l4!.off + L.l4!.len - 1, rng);
    case 'bad-ihl': {
      // IHL below 5, or (when the packet is short enough) pointing past its end
      const total = L.end - L.l3;
      const choices = [0, 1, 2, 3, 4, ...[6, 7, 8, 9, 10, 11, 12, 13, 14, 15].filter((x) => x * 4 > total)];
      b[L.l3] = 0x40 | rng.pick(choices);
      fixIpv4Checksum(b, L.l3, L.l3Len);
      return b;
    }
    case 'bad-version': {
      const ok = L.l3Kind === 'ipv4' ? 4 : 6;
      const versions = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].filter((x) => x !== ok);
      b[L.l3] = (rng.pick(ok === 4 ? [6, 6, 6, ...versions] : [4, 4, 4, ...versions]) << 4) | (b[L.l3] & 0x0f);
      if (L.l3Kind === 'ipv4') fixIpv4Checksum(b, L.l3, L.l3Len);
      return b;
    }
    case 'bad-checksum':
      writeU16(b, L.l3 + 10, spoil(readU16(b, L.l3 + 10), rng));
      return b;
    case 'bad-l4-checksum': {
      const at = L.l4!.off + (L.l4!.proto === 'tcp' ? 16 : L.l4!.proto === 'udp' ? 6 : 2);
      writeU16(b, at, spoil(readU16(b, at), rng));
      return b;
    }
    case 'bad-length':
      return badLength(f, rng);
    case 'bad-tcp-offset':
      return badTcpOffset(f, rng);
    default:
      // truncated (expanded before), fragment, ttl-0, ttl-1: the template already did it
      return b;
  }
}

function badLength(f: Frame, rng: Prng): Uint8Array {
  const { l3, l3Kind, l3Len, end } = f.layout;
  const b = f.bytes;
  if (l3Kind === 'ipv6') {
    writeU16(b, l3 + 4, Math.min(0xffff, end - l3 - 40 + rng.int(1, 1000)));
    return b;
  }
  const tooShort = rng.chance(0.5);
  writeU16(b, l3 + 2, tooShort ? rng.int(0, l3Len - 1) : Math.min(0xffff, end - l3 + rng.int(1, 1000)));
  fixIpv4Checksum(b, l3, l3Len);
  return b;
}

function badTcpOffset(f: Frame, rng: Prng): Uint8Array {
  const L = f.layout;
  const b = f.bytes;
  const l4 = L.l4!.off;
  const choices = [0, 1, 2, 3, 4, ...[6, 7, 8, 9, 10, 11, 12, 13, 14, 15].filter((x) => x * 4 > L.end - l4)];
  b[l4 + 12] = (rng.pick(choices) << 4) | (b[l4 + 12] & 0x0f);
  // only the offset is wrong: the checksum matches the new header
  writeU16(b, l4 + 16, 0);
  const v6 = L.l3Kind === 'ipv6';
  const src = b.subarray(L.l3 + (v6 ? 8 : 12), L.l3 + (v6 ? 24 : 16));
  const dst = b.subarray(L.l3 + (v6 ? 24 : 16), L.l3 + (v6 ? 40 : 20));
  writeU16(b, l4 + 16, finish(sum16(b, l4, L.end, pseudoSum(src, dst, 6, L.end - l4))));
  return b;
}

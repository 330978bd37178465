// Builds frame bytes from a concrete Packet: Ethernet with 802.1Q/QinQ tags, IPv4 (options,
// fragments), IPv6 (extension headers), TCP/UDP/ICMP/ICMPv6, ARP and tunnels, every length and
// checksum correct. Headers are written first, the payload next, then lengths and checksums
// from the innermost header out. Corruption is malformed.ts's job.

import { finish, pseudoSum, sum16, writeU16, writeU32 } from './checksum.js';
import { ETH_TYPE, IP_PROTO, MIN_FRAME, TCP_FLAG } from './packet.js';
import type { Body, EthHeader, ExtKind, Frame, IpHeader, L4Header, Layout, Packet } from './packet.js';

type Fixup = (b: Uint8Array, end: number) => void;

/** Headers never exceed this (tags, two IP headers with options and extensions, TCP options). */
const MAX_HEADERS = 1024;

class HeaderWriter {
  readonly b = new Uint8Array(MAX_HEADERS);
  off = 0;
  readonly fixups: Fixup[] = [];
  readonly layout: Layout = { tags: [], l3: 0, l3Kind: 'other', l3Len: 0, ext: [], l4: undefined, end: 0 };
  private outerDone = false;

  u8(v: number): void {
    this.b[this.off++] = v & 0xff;
  }
  u16(v: number): void {
    writeU16(this.b, this.off, v);
    this.off += 2;
  }
  u32(v: number): void {
    writeU32(this.b, this.off, v >>> 0);
    this.off += 4;
  }
  bytes(v: Uint8Array): void {
    this.b.set(v, this.off);
    this.off += v.length;
  }
  /** True once: the first L3 header written is the one the layout describes. */
  claimOuter(): boolean {
    if (this.outerDone) return false;
    this.outerDone = true;
    return true;
  }
}

function l4ProtoNumber(l4: L4Header): number {
  return l4.proto === 'other' ? l4.number : IP_PROTO[l4.proto];
}

function bodyType(body: Body): number {
  if (body.kind === 'arp') return ETH_TYPE.arp;
  if (body.kind === 'ether') return 0x88b5; // IEEE local experimental
  const ip = body.encap ? body.encap.ip : body.ip;
  return ip.version === 4 ? ETH_TYPE.ipv4 : ETH_TYPE.ipv6;
}

function writeEth(w: HeaderWriter, eth: EthHeader, type: number, outer: boolean): void {
  w.bytes(eth.dst);
  w.bytes(eth.src);
  for (const t of eth.tags) {
    if (outer) w.layout.tags.push(w.off);
    w.u16(t.tpid);
    w.u16(((t.pcp & 7) << 13) | (t.vid & 0xfff));
  }
  w.u16(eth.type ?? type);
}

function writeIpv4(w: HeaderWriter, ip: IpHeader, proto: number): void {
  const start = w.off;
  const hlen = 20 + ip.options.length;
  if (w.claimOuter()) Object.assign(w.layout, { l3: start, l3Kind: 'ipv4', l3Len: hlen });
  w.u8(0x40 | (hlen >> 2));
  w.u8(ip.tos);
  w.u16(0); // total length: fixup
  w.u16(ip.id & 0xffff);
  const mf = ip.frag === 'first' || ip.frag === 'middle' ? 0x2000 : 0;
  const offset = ip.frag === 'middle' || ip.frag === 'last' ? 185 : 0; // 1480 bytes, in 8-byte units
  w.u16((ip.df ? 0x4000 : 0) | mf | offset);
  w.u8(ip.ttl);
  w.u8(proto);
  w.u16(0); // checksum: fixup
  w.bytes(ip.src);
  w.bytes(ip.dst);
  w.bytes(ip.options);
  w.fixups.push((b, end) => {
    writeU16(b, start + 2, end - start);
    writeU16(b, start + 10, finish(sum16(b, start, start + hlen)));
  });
}

const EXT_PROTO: Record<ExtKind, number> = { hop: IP_PROTO.hop, routing: IP_PROTO.routing, frag: IP_PROTO.frag, dest: IP_PROTO.dest };

function writeExt(w: HeaderWriter, ip: IpHeader, kind: ExtKind, next: number, outer: boolean): void {
  const start = w.off;
  w.u8(next);
  if (kind === 'hop' || kind === 'dest') {
    w.u8(0); // 8 bytes: next header, length 0, then a PadN option of 4 bytes
    w.bytes(Uint8Array.of(1, 4, 0, 0, 0, 0));
  } else if (kind === 'routing') {
    w.u8(2); // segment routing header (type 4) with one segment: the destination
    w.bytes(Uint8Array.of(4, 0, 0, 0, 0, 0));
    w.bytes(ip.dst);
  } else {
    w.u8(0);
    const offset = ip.frag === 'middle' || ip.frag === 'last' ? 185 : 0;
    const more = ip.frag === 'first' || ip.frag === 'middle' ? 1 : 0;
    w.u16((offset << 3) | more);
    w.u32(ip.id);
  }
  if (outer) w.layout.ext.push({ off: start, len: w.off - start });
}

function writeIpv6(w: HeaderWriter, ip: IpHeader, proto: number): void {
  const start = w.off;
  const outer = w.claimOuter();
  if (outer) Object.assign(w.layout, { l3: start, l3Kind: 'ipv6', l3Len: 40 });
  const ext = ip.frag !== 'none' && !ip.ext.includes('frag') ? [...ip.ext, 'frag' as const] : ip.ext;
  w.u32((6 << 28) | ((ip.tos & 0xff) << 20) | (ip.flowLabel & 0xfffff));
  w.u16(0); // payload length: fixup
  w.u8(ext.length ? EXT_PROTO[ext[0]] : proto);
  w.u8(ip.ttl);
  w.bytes(ip.src);
  w.bytes(ip.dst);
  ext.forEach((k, i) => writeExt(w, ip, k, i + 1 < ext.length ? EXT_PROTO[ext[i + 1]] : proto, outer));
  w.fixups.push((b, end) => writeU16(b, start + 4, end - start - 40));
}

function writeIp(w: HeaderWriter, ip: IpHeader, proto: number): void {
  if (ip.version === 4) writeIpv4(w, ip, proto);
  else writeIpv6(w, ip, proto);
}

/** Writes the L4 header (none for non-first fragments) and registers its checksum. */
function writeL4(w: HeaderWriter, ip: IpHeader, l4: L4Header): void {
  if (l4.proto === 'other' || ip.frag === 'middle' || ip.frag === 'last') return;
  const start = w.off;
  if (l4.proto === 'tcp') {
    const hlen = 20 + l4.options.length;
    w.u16(l4.sport);
    w.u16(l4.dport);
    w.u32(l4.seq);
    w.u32(l4.ack);
    w.u16(((hlen >> 2) << 12) | (l4.flags & 0xff));
    w.u16(l4.window);
    w.u32(0); // checksum, urgent pointer
    w.bytes(l4.options);
  } else if (l4.proto === 'udp') {
    w.u16(l4.sport);
    w.u16(l4.dport);
    w.u32(0); // length, checksum: fixup
  } else {
    w.u8(l4.type);
    w.u8(l4.code);
    w.u16(0);
    w.u16(l4.id);
    w.u16(l4.seq);
  }
  if (w.layout.l4 === undefined) w.layout.l4 = { off: start, len: w.off - start, proto: l4.proto };
  const csumAt = start + (l4.proto === 'tcp' ? 16 : l4.proto === 'udp' ? 6 : 2);
  const proto = l4ProtoNumber(l4);
  w.fixups.push((b, end) => {
    if (l4.proto === 'udp') writeU16(b, start + 4, end - start);
    if (l4.proto === 'udp' && l4.zeroChecksum && ip.version === 4) return;
    const pseudo = l4.proto === 'icmp' ? 0 : pseudoSum(ip.src, ip.dst, proto, end - start);
    let c = finish(sum16(b, start, end, pseudo));
    if (c === 0 && l4.proto === 'udp') c = 0xffff;
    writeU16(b, csumAt, c);
  });
}

function writeArp(w: HeaderWriter, body: Extract<Body, { kind: 'arp' }>): void {
  Object.assign(w.layout, { l3: w.off, l3Kind: 'arp', l3Len: 28 });
  const a = body.arp;
  w.u16(1);
  w.u16(ETH_TYPE.ipv4);
  w.u8(6);
  w.u8(4);
  w.u16(a.op);
  w.bytes(a.sha);
  w.bytes(a.spa);
  w.bytes(a.tha);
  w.bytes(a.tpa);
}

/** The outer IP, UDP/GRE and VXLAN headers of a tunnel; the inner packet follows. */
function writeEncap(w: HeaderWriter, body: Extract<Body, { kind: 'ip' }>): void {
  const e = body.encap!;
  const innerType = body.ip.version === 4 ? ETH_TYPE.ipv4 : ETH_TYPE.ipv6;
  if (e.type === 'ipip') {
    writeIp(w, e.ip, body.ip.version === 4 ? IP_PROTO.ipip : IP_PROTO.ipv6);
  } else if (e.type === 'gre') {
    writeIp(w, e.ip, IP_PROTO.gre);
    w.u16(e.key === undefined ? 0 : 0x2000);
    w.u16(innerType);
    if (e.key !== undefined) w.u32(e.key);
  } else {
    const udp: L4Header = { proto: 'udp', sport: e.sport, dport: e.dport, zeroChecksum: false };
    writeIp(w, e.ip, IP_PROTO.udp);
    writeL4(w, e.ip, udp);
    if (e.type === 'vxlan') {
      w.u32(0x08000000);
      w.u32((e.vni & 0xffffff) << 8);
      writeEth(w, e.eth, innerType, false);
    }
  }
}

/** Builds the frame: headers, `payload`, filler from `filler` at `fillerOff`, zero padding to 60. */
export function buildFrame(p: Packet, filler: Uint8Array, fillerOff = 0): Frame {
  const w = new HeaderWriter();
  writeEth(w, p.eth, bodyType(p.body), true);
  w.layout.l3 = w.off;
  const body = p.body;
  if (body.kind === 'arp') writeArp(w, body);
  if (body.kind === 'ip') {
    if (body.encap) writeEncap(w, body);
    writeIp(w, body.ip, l4ProtoNumber(body.l4));
    writeL4(w, body.ip, body.l4);
  }
  const end = Math.max(p.size, w.off + (p.payload?.length ?? 0));
  const b = new Uint8Array(Math.max(end, MIN_FRAME));
  b.set(w.b.subarray(0, w.off));
  let at = w.off;
  if (p.payload) {
    b.set(p.payload, at);
    at += p.payload.length;
  }
  for (let src = fillerOff % filler.length; at < end; src = 0) {
    const n = Math.min(end - at, filler.length - src);
    b.set(filler.subarray(src, src + n), at);
    at += n;
  }
  for (let i = w.fixups.length - 1; i >= 0; i--) w.fixups[i](b, end);
  w.layout.end = end;
  return { bytes: b, layout: w.layout };
}

/** TCP flags from letters ("SA", "FPA"); undefined if a letter is unknown. */
export function parseTcpFlags(text: string): number | undefined {
  let f = 0;
  for (const ch of text.toUpperCase()) {
    const bit = (TCP_FLAG as Record<string, number>)[ch];
    if (bit === undefined) return undefined;
    f |= bit;
  }
  return f;
}

export const TCP_OPTIONS = ['mss', 'sackok', 'ts', 'ws', 'nop'] as const;
export type TcpOption = (typeof TCP_OPTIONS)[number];

/** Encodes TCP options in the order given, padded with EOL to a multiple of 4 bytes. */
export function tcpOptionBytes(opts: readonly TcpOption[], tsval: number): Uint8Array {
  const out: number[] = [];
  for (const o of opts) {
    if (o === 'mss') out.push(2, 4, 0x05, 0xb4);
    else if (o === 'sackok') out.push(4, 2);
    else if (o === 'ws') out.push(3, 3, 7);
    else if (o === 'nop') out.push(1);
    else out.push(8, 10, tsval >>> 24, (tsval >>> 16) & 0xff, (tsval >>> 8) & 0xff, tsval & 0xff, 0, 0, 0, 0);
  }
  while (out.length % 4) out.push(0);
  return Uint8Array.from(out);
}

/** IPv4 options: `true` is router alert; a byte count is that many NOPs ending with EOL. */
export function ipv4OptionBytes(opt: boolean | number): Uint8Array {
  if (opt === false || opt === 0) return new Uint8Array(0);
  if (opt === true) return Uint8Array.of(0x94, 4, 0, 0);
  const b = new Uint8Array(opt).fill(1);
  b[opt - 1] = 0;
  return b;
}

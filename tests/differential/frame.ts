// Frame descriptions for the differential tests and their bytes: a description names every header
// field (addresses as picks from the program's address plan), simulator/traffic's buildFrame
// writes the frame, then an optional corruption (traffic's malformed kinds) and a cut inside one
// header. The fast-check arbitraries that draw descriptions are in packets.ts.

import type { XdpContextInput } from '../../simulator/engine.js';
import type { Prefix } from '../../simulator/net/addr.js';
import { buildFrame, ipv4OptionBytes, tcpOptionBytes } from '../../simulator/traffic/build.js';
import type { TcpOption } from '../../simulator/traffic/build.js';
import { corrupt } from '../../simulator/traffic/malformed.js';
import type { MalformedKind } from '../../simulator/traffic/malformed.js';
import type { Body, Encap, EthHeader, ExtKind, FragPos, IpHeader, L4Header, Layout, Packet, VlanTag } from '../../simulator/traffic/packet.js';
import { Prng } from '../../simulator/traffic/prng.js';
import type { AddressPlan, FlowTemplate, NumPool } from './plan.js';

/** An address: a prefix of the plan (`pick`, when the plan has one of the version) with host bits. */
export interface AddrDesc {
  pick: number | undefined;
  /** 16 random bytes; the host bits (and the whole address without a pick) come from here */
  bits: Uint8Array;
  /** host part 1..4 (so that a few addresses per prefix recur and flows meet again) */
  small: number | undefined;
}

/** A port or sequence number: from the plan's list (`pick`) or `value`. */
export interface NumDesc {
  pick: number | undefined;
  value: number;
}

export interface IpDesc {
  version: 4 | 6;
  src: AddrDesc;
  dst: AddrDesc;
  ttl: number;
  tos: number;
  id: number;
  df: boolean;
  options: boolean | number;
  ext: ExtKind[];
  frag: FragPos;
  flowLabel: number;
}

/** The transport header: `proto` picks which fields are used (a template may pick another). */
export interface L4Desc {
  proto: 'tcp' | 'udp' | 'icmp' | 'other';
  /** picks the protocol and the TCP flags from a template's lists */
  pick: number;
  sport: NumDesc;
  dport: NumDesc;
  flags: number;
  seq: NumDesc;
  ack: number;
  window: number;
  options: TcpOption[];
  zeroChecksum: boolean;
  type: number;
  code: number;
  id: number;
  /** the protocol number of 'other' */
  number: number;
}

export interface EncapDesc {
  type: Encap['type'];
  ip: IpDesc;
  sport: number;
  dport: number;
  vni: number;
  key: number | undefined;
}

export type BodyDesc =
  | { kind: 'ip'; ip: IpDesc; l4: L4Desc; encap: EncapDesc | undefined }
  | { kind: 'arp'; op: number; sha: Uint8Array; spa: AddrDesc; tha: Uint8Array; tpa: AddrDesc }
  | { kind: 'ether' };

export const CUT_AT = ['eth', 'vlan', 'l3', 'ext', 'l4'] as const;
export type CutAt = (typeof CUT_AT)[number];

export interface FrameDesc {
  /** a flow template of the plan to aim at (index, modulo their number), or none */
  template: number | undefined;
  eth: EthHeader;
  body: BodyDesc;
  /** wanted frame length (0: the headers only); content below 60 bytes is zero-padded */
  size: number;
  /** where the payload filler starts */
  fill: number;
  corrupt: { kind: MalformedKind; seed: number } | undefined;
  /** the frame ends inside a header: `at` picks the byte; `tiny`: the first 0..13 bytes only */
  cut: { where: CutAt; at: number } | { tiny: number } | undefined;
  ctx: XdpContextInput | undefined;
}

/** One test run's input, with a short description for reports. */
export interface DiffInput {
  packet: Uint8Array;
  ctx?: XdpContextInput;
  label: string;
}

const FILLER = new Prng(0xd1ff).fill(new Uint8Array(1 << 16));

/** An address: a prefix of the pool (always, with a template) with host bits, or random bits. */
function address(a: AddrDesc, version: 4 | 6, pool: readonly Prefix[], aimed: boolean): Uint8Array {
  const len = version === 4 ? 4 : 16;
  const fitting = pool.filter((p) => p.bytes.length === len);
  const out = a.bits.slice(0, len);
  const pick = a.pick ?? (aimed ? a.bits[15] : undefined);
  if (pick === undefined || fitting.length === 0) return out;
  const p = fitting[pick % fitting.length];
  if (a.small !== undefined) {
    out.fill(0);
    out[len - 1] = a.small;
  }
  for (let i = 0; i < len; i++) {
    const keep = Math.max(0, Math.min(8, p.len - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    out[i] = (p.bytes[i] & mask) | (out[i] & ~mask & 0xff);
  }
  return out;
}

/** A port or sequence number: from the pool (always, with a template) or the value drawn. */
function num(n: NumDesc, pool: NumPool, aimed: boolean): number {
  const pick = n.pick ?? (aimed ? n.value : undefined);
  if (pick === undefined || pool.length === 0) return n.value;
  const [lo, hi] = pool[pick % pool.length];
  return lo + (n.value % (hi - lo + 1));
}

/** What a frame aims at: a flow template's lists where it has them, else the plan's pools. */
interface Aim {
  tpl: FlowTemplate | undefined;
  plan: AddressPlan;
}

const pools = (a: Aim, own: Prefix[] | undefined): Prefix[] => (own?.length ? own : [...a.plan.v4, ...a.plan.v6]);

function ipHeader(d: IpDesc, aim: Aim): IpHeader {
  const vs = aim.tpl?.versions;
  const version = !vs?.length || vs.includes(d.version) ? d.version : vs[d.id % vs.length];
  const aimed = aim.tpl !== undefined;
  return {
    version, src: address(d.src, version, pools(aim, aim.tpl?.src), aimed), dst: address(d.dst, version, pools(aim, aim.tpl?.dst), aimed),
    ttl: d.ttl, tos: d.tos, id: d.id, df: d.df, options: version === 4 ? ipv4OptionBytes(d.options) : new Uint8Array(0),
    flowLabel: d.flowLabel, ext: version === 6 ? d.ext : [], frag: d.frag,
  };
}

/** The protocol: a template's (tcp, udp, icmp or a number) or the one drawn. */
function protocol(d: L4Desc, tpl: FlowTemplate | undefined): { proto: L4Desc['proto']; number: number } {
  const p = tpl?.protos.length ? tpl.protos[d.pick % tpl.protos.length] : d.proto;
  if (p === 'tcp' || p === 6) return { proto: 'tcp', number: 6 };
  if (p === 'udp' || p === 17) return { proto: 'udp', number: 17 };
  if (p === 'icmp' || p === 1 || p === 58) return { proto: 'icmp', number: 1 };
  return { proto: 'other', number: typeof p === 'number' ? p : d.number };
}

function l4Header(d: L4Desc, version: 4 | 6, aim: Aim): L4Header {
  const { tpl, plan } = aim;
  const aimed = tpl !== undefined;
  const { proto, number } = protocol(d, tpl);
  const sport = num(d.sport, tpl?.sport.length ? tpl.sport : plan.ports, aimed);
  const dport = num(d.dport, tpl?.dport.length ? tpl.dport : plan.ports, aimed);
  switch (proto) {
    case 'tcp': {
      const flags = tpl?.flags.length ? tpl.flags[(d.pick >>> 4) % tpl.flags.length] : d.flags;
      const seq = num(d.seq, tpl?.seqs.length ? tpl.seqs : plan.seqs, aimed) >>> 0;
      return { proto, sport, dport, flags, seq, ack: d.ack, window: d.window, options: tcpOptionBytes(d.options, d.ack) };
    }
    case 'udp':
      return { proto, sport, dport, zeroChecksum: d.zeroChecksum };
    case 'icmp':
      return { proto: version === 4 ? 'icmp' : 'icmpv6', type: d.type, code: d.code, id: d.id, seq: d.seq.value & 0xffff };
    case 'other':
      return { proto, number };
  }
}

function body(d: BodyDesc, eth: EthHeader, aim: Aim): Body {
  if (d.kind === 'ether') return d;
  if (d.kind === 'arp') {
    const pool = aim.plan.v4;
    return { kind: 'arp', arp: { op: d.op, sha: d.sha, spa: address(d.spa, 4, pool, false), tha: d.tha, tpa: address(d.tpa, 4, pool, false) } };
  }
  // a template describes a plain packet: no tunnel around it
  const e = aim.tpl ? undefined : d.encap;
  const encap: Encap | undefined = e && { ...e, ip: ipHeader(e.ip, aim), eth: { src: eth.dst, dst: eth.src, tags: [] } };
  const ip = ipHeader(d.ip, aim);
  return { kind: 'ip', ip, l4: l4Header(d.l4, ip.version, aim), encap };
}

/** The VLAN tags of a template (802.1Q, or QinQ for two), else the ones drawn. */
function tags(d: FrameDesc, tpl: FlowTemplate | undefined): VlanTag[] {
  if (!tpl) return d.eth.tags;
  return tpl.vlan.map((vid, i) => ({ tpid: i === tpl.vlan.length - 1 ? 0x8100 : 0x88a8, vid, pcp: 0 }));
}

/** The corruptions that make sense for the frame's outermost headers. */
function corruptionFits(kind: MalformedKind, L: Layout): boolean {
  switch (kind) {
    case 'bad-ihl': case 'bad-checksum':
      return L.l3Kind === 'ipv4';
    case 'bad-version': case 'bad-length':
      return L.l3Kind === 'ipv4' || L.l3Kind === 'ipv6';
    case 'bad-l4-checksum':
      return L.l4 !== undefined && L.l4.off + L.l4.len <= L.end;
    case 'bad-tcp-offset':
      return L.l4?.proto === 'tcp';
    default:
      return false;
  }
}

/** The headers of the frame as [start, length) ranges, outermost first, each with its kind. */
function regions(L: Layout): { where: CutAt; off: number; len: number }[] {
  const out: { where: CutAt; off: number; len: number }[] = [{ where: 'eth', off: 0, len: 14 }];
  for (const t of L.tags) out.push({ where: 'vlan', off: t, len: 4 });
  if (L.l3Len > 0) out.push({ where: 'l3', off: L.l3, len: L.l3Len });
  for (const x of L.ext) out.push({ where: 'ext', off: x.off, len: x.len });
  if (L.l4) out.push({ where: 'l4', off: L.l4.off, len: L.l4.len });
  return out;
}

/** The frame length a cut leaves: a byte inside the named header (another one if it has none). */
function cutLength(cut: { where: CutAt; at: number }, L: Layout): { len: number; where: CutAt } {
  const all = regions(L);
  const named = all.filter((r) => r.where === cut.where);
  const list = named.length > 0 ? named : all;
  const r = list[cut.at % list.length];
  return { len: r.off + (Math.floor(cut.at / list.length) % r.len), where: r.where };
}

/** The concrete packet a description stands for (a template's fields resolved), and its name. */
export function resolve(d: FrameDesc, plan: AddressPlan): { packet: Packet; note: string } {
  const tpl = d.template !== undefined && plan.templates.length > 0 ? plan.templates[d.template % plan.templates.length] : undefined;
  const eth = { ...d.eth, tags: tags(d, tpl) };
  const packet: Packet = { eth, body: body(d.body, eth, { tpl, plan }), size: d.size, payload: undefined };
  return { packet, note: `${describe(packet)}${tpl ? ` (${tpl.name})` : ''}` };
}

/** The bytes of a packet with the description's corruption, cut and context, and a label. */
export function finish(packet: Packet, d: Pick<FrameDesc, 'fill' | 'corrupt' | 'cut' | 'ctx'>, note: string): DiffInput {
  const frame = buildFrame(packet, FILLER, d.fill);
  let bytes = frame.bytes;
  const notes: string[] = [note];
  if (d.corrupt && corruptionFits(d.corrupt.kind, frame.layout)) {
    bytes = corrupt(d.corrupt.kind, frame, new Prng(d.corrupt.seed));
    notes.push(d.corrupt.kind);
  }
  if (d.cut && 'tiny' in d.cut) {
    bytes = bytes.slice(0, d.cut.tiny);
    notes.push(`cut@${d.cut.tiny}`);
  } else if (d.cut) {
    const c = cutLength(d.cut, frame.layout);
    bytes = bytes.slice(0, Math.min(c.len, bytes.length));
    notes.push(`cut:${c.where}@${bytes.length}`);
  }
  if (d.ctx) notes.push(`ctx:${d.ctx.ingressIfindex}/${d.ctx.rxQueueIndex}`);
  return { packet: bytes, ctx: d.ctx, label: notes.join(' ') };
}

/** The bytes, context and label of a description. */
export function toInput(d: FrameDesc, plan: AddressPlan): DiffInput {
  const { packet, note } = resolve(d, plan);
  return finish(packet, d, note);
}

export function describe(p: Packet): string {
  const tags = p.eth.tags.length ? `vlan${p.eth.tags.length} ` : '';
  const b = p.body;
  if (b.kind !== 'ip') return `${tags}${b.kind}${p.eth.type !== undefined ? ` 0x${p.eth.type.toString(16)}` : ''}`;
  const l4 = b.l4.proto === 'other' ? `proto${b.l4.number}` : b.l4.proto;
  const frag = b.ip.frag === 'none' ? '' : ` frag-${b.ip.frag}`;
  return `${tags}${b.encap ? `${b.encap.type}/` : ''}v${b.ip.version}/${l4}${frag} ${p.size}B`;
}

/** The answer to a packet: MACs, addresses and ports swapped, ICMP echo requests become replies. */
export function reverse(p: Packet): Packet {
  const eth = { ...p.eth, src: p.eth.dst, dst: p.eth.src };
  const b = p.body;
  if (b.kind !== 'ip') return { ...p, eth };
  const ip = { ...b.ip, src: b.ip.dst, dst: b.ip.src };
  const encap = b.encap && { ...b.encap, ip: { ...b.encap.ip, src: b.encap.ip.dst, dst: b.encap.ip.src }, sport: b.encap.dport, dport: b.encap.sport };
  let l4 = b.l4;
  if (l4.proto === 'tcp' || l4.proto === 'udp') l4 = { ...l4, sport: l4.dport, dport: l4.sport };
  else if (l4.proto === 'icmp' || l4.proto === 'icmpv6') l4 = { ...l4, type: ({ 8: 0, 128: 129 } as Record<number, number>)[l4.type] ?? l4.type };
  return { ...p, eth, body: { ...b, ip, l4, encap } };
}

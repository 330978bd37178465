// Samplers for the header fields of a traffic spec template (`eth`, `ip`, `l4`, `arp`): each
// checks its JSON once, with the field's path in errors, and returns a function of the PRNG.
// template.ts assembles them into flows and packets.

import { ipv4OptionBytes, parseTcpFlags, TCP_OPTIONS, tcpOptionBytes } from './build.js';
import type { TcpOption } from './build.js';
import { ETH_TYPE } from './packet.js';
import type { Encap, EthHeader, ExtKind, FragPos, IpHeader, L4Header, VlanTag } from './packet.js';
import type { Prng } from './prng.js';
import {
  addrValue, at, boolValue, fail, intValue, keywordValue, macValue, oneOf, stringValue,
} from './values.js';
import type { AddrSampler, Sampler, Where } from './values.js';

/** The identity of a flow: what stays the same for all its packets. */
export interface Flow {
  eth: EthHeader;
  version: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  flowLabel: number;
  l4: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | number;
  sport: number;
  dport: number;
  /** ICMP echo identifier */
  icmpId: number;
  encap: { type: Encap['type']; version: 4 | 6; src: Uint8Array; dst: Uint8Array; sport: number; dport: number; vni: number; eth: EthHeader } | undefined;
  arp: { op: number; sha: Uint8Array; spa: Uint8Array; tha: Uint8Array; tpa: Uint8Array } | undefined;
}

type Obj = Record<string, unknown>;
const U32 = 0xffffffff;

/** `v` as an object with only `allowed` keys (plus "comment"); undefined stays undefined. */
export function object(v: unknown, w: Where, allowed: readonly string[]): Obj {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(w, `expected an object, not ${JSON.stringify(v)}`);
  for (const k of Object.keys(v)) {
    if (k !== 'comment' && !allowed.includes(k)) fail(at(w, k), `unknown field (expected one of ${allowed.join(', ')})`);
  }
  return v as Obj;
}

export const ETH_KEYS = ['src', 'dst', 'vlan', 'type'] as const;
export const IP_KEYS = ['version', 'src', 'dst', 'ttl', 'tos', 'id', 'df', 'options', 'flowLabel', 'ext', 'fragment'] as const;
export const L4_KEYS = ['proto', 'sport', 'dport', 'flags', 'seq', 'ack', 'window', 'options', 'type', 'code', 'id', 'payload', 'checksum'] as const;
export const ARP_KEYS = ['op', 'sha', 'spa', 'tha', 'tpa'] as const;
export const ENCAP_KEYS = ['type', 'ip', 'sport', 'dport', 'vni', 'key', 'eth'] as const;

function tagsSampler(v: unknown, w: Where): Sampler<VlanTag[]> {
  if (v === undefined) return () => [];
  if (!Array.isArray(v)) fail(w, 'expected a list of tags, outermost first ([] for none)');
  const tags = v.map((t, i) => {
    const wt = at(w, i);
    const inner = i === v.length - 1;
    const o = typeof t === 'object' && t !== null && !Array.isArray(t) ? object(t, wt, ['vid', 'pcp', 'tpid']) : ({ vid: t } as Obj);
    if (o.vid === undefined) fail(at(wt, 'vid'), 'a tag needs a vid');
    const vid = intValue(o.vid, at(wt, 'vid'), 0, 4095);
    const pcp = intValue(o.pcp ?? 0, at(wt, 'pcp'), 0, 7);
    const tpid = intValue(o.tpid ?? (inner ? ETH_TYPE.vlan : ETH_TYPE.qinq), at(wt, 'tpid'), 0, 0xffff);
    return (rng: Prng): VlanTag => ({ tpid: tpid(rng), vid: vid(rng), pcp: pcp(rng) });
  });
  return (rng) => tags.map((t) => t(rng));
}

export function ethSampler(v: unknown, w: Where, defaultDst = '02:00:00:00:00:02'): Sampler<EthHeader> {
  const o = object(v, w, ETH_KEYS);
  const src = macValue(o.src ?? '02:00:00:00:00:01', at(w, 'src'));
  const dst = macValue(o.dst ?? defaultDst, at(w, 'dst'));
  const tags = tagsSampler(o.vlan, at(w, 'vlan'));
  const type = o.type === undefined ? undefined : intValue(o.type, at(w, 'type'), 0, 0xffff);
  return (rng) => ({ src: src(rng), dst: dst(rng), tags: tags(rng), type: type?.(rng) });
}

export function versionSampler(v: unknown, w: Where, dflt: 4 | 6): Sampler<4 | 6> {
  const s = intValue(v ?? dflt, w, 4, 6);
  const items = Array.isArray(v) ? v : [v ?? dflt];
  items.forEach((x, i) => {
    if (x !== 4 && x !== 6) fail(Array.isArray(v) ? at(w, i) : w, `IP version must be 4 or 6, not ${JSON.stringify(x)}`);
  });
  return s as Sampler<4 | 6>;
}

/** Address sampler for a version; a family the value lacks takes the default, if there is one. */
export function addrFor(v: unknown, w: Where, d4: string, d6: string, versions: readonly number[]): (ver: 4 | 6) => Sampler<Uint8Array> {
  const given: AddrSampler = v === undefined ? { v4: undefined, v6: undefined } : addrValue(v, w);
  const defaults = addrValue([d4, d6], w);
  for (const ver of versions) {
    if (v !== undefined && (ver === 4 ? !given.v4 : !given.v6)) fail(w, `lists no IPv${ver} address, but the IP version may be ${ver}`);
  }
  return (ver) => (ver === 4 ? given.v4 ?? defaults.v4! : given.v6 ?? defaults.v6!);
}

export function versionsOf(v: unknown, dflt: number): number[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'number') : [typeof v === 'number' ? v : dflt];
}

/** The per-packet IP fields: everything but version and addresses. */
export function ipFieldsSampler(o: Obj, w: Where): (rng: Prng, flow: { version: 4 | 6; src: Uint8Array; dst: Uint8Array; flowLabel: number }) => IpHeader {
  const ttl = intValue(o.ttl ?? 64, at(w, 'ttl'), 0, 255);
  const tos = intValue(o.tos ?? 0, at(w, 'tos'), 0, 255);
  const id = intValue(o.id ?? '0-65535', at(w, 'id'), 0, 0xffff);
  const df = boolValue(o.df ?? false, at(w, 'df'));
  const opts = optionsSampler(o.options, at(w, 'options'));
  const ext = extList(o.ext, at(w, 'ext'));
  const frag = keywordValue<FragPos>(o.fragment ?? 'none', at(w, 'fragment'), ['none', 'first', 'middle', 'last']);
  return (rng, f) => ({
    version: f.version, src: f.src, dst: f.dst, flowLabel: f.flowLabel,
    ttl: ttl(rng), tos: tos(rng), id: id(rng), df: df(rng), options: f.version === 4 ? opts(rng) : new Uint8Array(0),
    ext: f.version === 6 ? ext : [], frag: frag(rng),
  });
}

function optionsSampler(v: unknown, w: Where): Sampler<Uint8Array> {
  const items = Array.isArray(v) ? v : [v ?? false];
  const opts = items.map((x, i) => {
    const wx = Array.isArray(v) ? at(w, i) : w;
    if (typeof x === 'boolean') return ipv4OptionBytes(x);
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 40 && x % 4 === 0) return ipv4OptionBytes(x);
    return fail(wx, `expected true, false or a byte count 0..40, multiple of 4, not ${JSON.stringify(x)}`);
  });
  return (rng) => rng.pick(opts);
}

function extList(v: unknown, w: Where): ExtKind[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(w, 'expected a list of extension headers, in order');
  return v.map((x, i) => oneOf<ExtKind>(x, at(w, i), ['hop', 'routing', 'frag', 'dest']));
}

export type L4Kind = Flow['l4'];

export function protoSampler(v: unknown, w: Where): Sampler<L4Kind> {
  const items = Array.isArray(v) ? v : [v ?? 'tcp'];
  const protos = items.map((x, i): L4Kind => {
    const wx = Array.isArray(v) ? at(w, i) : w;
    if (x === 'tcp' || x === 'udp' || x === 'icmp' || x === 'icmpv6') return x;
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255) return x;
    return fail(wx, `expected "tcp", "udp", "icmp", "icmpv6" or a protocol number, not ${JSON.stringify(x)}`);
  });
  return (rng) => rng.pick(protos);
}

function tcpOptionsSampler(v: unknown, w: Where): (rng: Prng) => Uint8Array {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    const names = v.map((x, i) => oneOf<TcpOption>(x, at(w, i), TCP_OPTIONS));
    return (rng) => tcpOptionBytes(names, rng.u32());
  }
  const on = boolValue(v ?? false, w);
  return (rng) => (on(rng) ? tcpOptionBytes(['mss', 'sackok', 'ts', 'nop', 'ws'], rng.u32()) : new Uint8Array(0));
}

/** The per-packet L4 fields. */
export function l4Sampler(o: Obj, w: Where): (rng: Prng, f: Flow, icmpReply: boolean) => L4Header {
  const flagsText = stringValue(o.flags ?? 'A', at(w, 'flags'), /^[FSRPAUECfsrpauec]*$/, 'TCP flag letters like "SA"');
  const seq = intValue(o.seq ?? `0-${U32}`, at(w, 'seq'), 0, U32);
  const ack = intValue(o.ack ?? `0-${U32}`, at(w, 'ack'), 0, U32);
  const window = intValue(o.window ?? 65535, at(w, 'window'), 0, 0xffff);
  const tcpOpts = tcpOptionsSampler(o.options, at(w, 'options'));
  const type = o.type === undefined ? undefined : intValue(o.type, at(w, 'type'), 0, 255);
  const code = intValue(o.code ?? 0, at(w, 'code'), 0, 255);
  const checksum = boolValue(o.checksum ?? true, at(w, 'checksum'));
  return (rng, f, icmpReply) => {
    if (f.l4 === 'tcp') {
      return { proto: 'tcp', sport: f.sport, dport: f.dport, flags: parseTcpFlags(flagsText(rng))!, seq: seq(rng), ack: ack(rng), window: window(rng), options: tcpOpts(rng) };
    }
    if (f.l4 === 'udp') return { proto: 'udp', sport: f.sport, dport: f.dport, zeroChecksum: !checksum(rng) };
    if (typeof f.l4 === 'number') return { proto: 'other', number: f.l4 };
    const proto = f.version === 4 ? 'icmp' : 'icmpv6';
    const echo = proto === 'icmp' ? (icmpReply ? 0 : 8) : icmpReply ? 129 : 128;
    return { proto, type: type ? type(rng) : echo, code: code(rng), id: f.icmpId, seq: seq(rng) & 0xffff };
  };
}

export function arpSampler(v: unknown, w: Where): Sampler<NonNullable<Flow['arp']>> {
  const o = object(v, w, ARP_KEYS);
  const op = (Array.isArray(o.op) ? o.op : [o.op ?? 'request']).map((x, i) => {
    if (x === 'request' || x === 1) return 1;
    if (x === 'reply' || x === 2) return 2;
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffff) return x;
    return fail(Array.isArray(o.op) ? at(at(w, 'op'), i) : at(w, 'op'), `expected "request", "reply" or a number, not ${JSON.stringify(x)}`);
  });
  const sha = o.sha === undefined ? undefined : macValue(o.sha, at(w, 'sha'));
  const tha = o.tha === undefined ? undefined : macValue(o.tha, at(w, 'tha'));
  const v4 = (x: unknown, d: string, key: string): Sampler<Uint8Array> => {
    const s = addrValue(x ?? d, at(w, key));
    if (!s.v4) fail(at(w, key), 'ARP addresses are IPv4');
    return s.v4;
  };
  const spa = v4(o.spa, '10.0.0.1', 'spa');
  const tpa = v4(o.tpa, '10.0.0.2', 'tpa');
  return (rng) => {
    const opv = rng.pick(op);
    return { op: opv, sha: sha?.(rng) ?? new Uint8Array(6), spa: spa(rng), tha: tha?.(rng) ?? new Uint8Array(6), tpa: tpa(rng) };
  };
}


// Compiles a packet template of a traffic spec (`eth`, `ip`, `l4`, `arp`, `encap`, `size`) into
// two samplers: the flow identity (drawn once per flow) and the per-packet fields, and reverses a
// flow for replies. Field checking lives in fields.ts; bytes in build.ts.

import {
  addrFor, arpSampler, ENCAP_KEYS, ETH_KEYS, ethSampler, IP_KEYS, ipFieldsSampler, L4_KEYS, l4Sampler,
  object, protoSampler, versionSampler, versionsOf,
} from './fields.js';
import type { Flow } from './fields.js';
import { VXLAN_PORT } from './packet.js';
import type { Body, Encap, Packet } from './packet.js';
import type { Prng } from './prng.js';
import { at, fail, hexValue, intValue, keywordValue } from './values.js';
import type { Sampler, Where } from './values.js';

export interface Template {
  kind: Body['kind'];
  flow: Sampler<Flow>;
  /** a packet of `flow`; `reply` turns ICMP echo requests into echo replies */
  packet: (flow: Flow, rng: Prng, reply?: boolean) => Packet;
}

export const TEMPLATE_KEYS = ['eth', 'ip', 'l4', 'arp', 'encap', 'size'] as const;
const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
const U32 = 0xffffffff;
/** The MAC an ARP reply comes from when the request named none. */
const REPLIER_MAC = Uint8Array.of(2, 0, 0, 0, 0, 0xfe);

function kindOf(t: Record<string, unknown>, w: Where): Body['kind'] {
  if (t.arp !== undefined) {
    for (const k of ['ip', 'l4', 'encap']) if (t[k] !== undefined) fail(at(w, k), 'an ARP entry has no IP layer');
    return 'arp';
  }
  const eth = t.eth as Record<string, unknown> | undefined;
  if (t.ip === undefined && t.l4 === undefined && t.encap === undefined && eth?.type !== undefined) return 'ether';
  return 'ip';
}

type EncapFlow = NonNullable<Flow['encap']>;

function encapSampler(v: unknown, w: Where): { flow: Sampler<EncapFlow>; packet: (f: EncapFlow, rng: Prng) => Encap } | undefined {
  if (v === undefined) return undefined;
  const o = object(v, w, ENCAP_KEYS);
  keywordValue<Encap['type']>(o.type, at(w, 'type'), ['ipip', 'gre', 'vxlan', 'udp']);
  const ipo = object(o.ip, at(w, 'ip'), IP_KEYS);
  const version = versionSampler(ipo.version, at(at(w, 'ip'), 'version'), 4);
  const versions = versionsOf(ipo.version, 4);
  const src = addrFor(ipo.src, at(at(w, 'ip'), 'src'), '172.16.0.1', 'fd10::1', versions);
  const dst = addrFor(ipo.dst, at(at(w, 'ip'), 'dst'), '172.16.0.2', 'fd10::2', versions);
  const fields = ipFieldsSampler(ipo, at(w, 'ip'));
  const sport = intValue(o.sport ?? '49152-65535', at(w, 'sport'), 0, 0xffff);
  const dport = o.dport === undefined ? undefined : intValue(o.dport, at(w, 'dport'), 0, 0xffff);
  const vni = intValue(o.vni ?? 1, at(w, 'vni'), 0, 0xffffff);
  const key = o.key === undefined ? undefined : intValue(o.key, at(w, 'key'), 0, U32);
  const eth = ethSampler(o.eth, at(w, 'eth'), '02:00:00:00:00:04');
  // the tunnel type is part of the flow: it decides the default port
  const types: Encap['type'][] = Array.isArray(o.type) ? (o.type as Encap['type'][]) : [o.type as Encap['type']];
  return {
    flow: (rng) => {
      const ver = version(rng);
      const t = rng.pick(types);
      const dp = dport ? dport(rng) : t === 'vxlan' ? VXLAN_PORT : 5555;
      return { type: t, version: ver, src: src(ver)(rng), dst: dst(ver)(rng), sport: sport(rng), dport: dp, vni: vni(rng), eth: eth(rng) };
    },
    packet: (f, rng) => ({
      type: f.type,
      ip: fields(rng, { version: f.version, src: f.src, dst: f.dst, flowLabel: 0 }),
      sport: f.sport, dport: f.dport, vni: f.vni, key: key?.(rng), eth: f.eth,
    }),
  };
}

/** Compiles the template fields of `t` (an entry with defaults merged); `w` locates it. */
export function compileTemplate(t: Record<string, unknown>, w: Where): Template {
  const kind = kindOf(t, w);
  const ethObj = object(t.eth, at(w, 'eth'), ETH_KEYS);
  const ipo = object(t.ip, at(w, 'ip'), IP_KEYS);
  const l4o = object(t.l4, at(w, 'l4'), L4_KEYS);
  const eth = ethSampler(t.eth, at(w, 'eth'));
  // ARP requests go to the broadcast address unless eth.dst says otherwise
  const arpBroadcast = kind === 'arp' && ethObj.dst === undefined;
  const size = intValue(t.size ?? (kind === 'arp' ? 0 : '60-1518'), at(w, 'size'), 0, 16384);
  const version = versionSampler(ipo.version, at(at(w, 'ip'), 'version'), 4);
  const versions = versionsOf(ipo.version, 4);
  const src = addrFor(ipo.src, at(at(w, 'ip'), 'src'), '10.0.0.0/24', 'fd00::/64', versions);
  const dst = addrFor(ipo.dst, at(at(w, 'ip'), 'dst'), '10.1.0.0/24', 'fd01::/64', versions);
  const flowLabel = intValue(ipo.flowLabel ?? 0, at(at(w, 'ip'), 'flowLabel'), 0, 0xfffff);
  const ipFields = ipFieldsSampler(ipo, at(w, 'ip'));
  const proto = protoSampler(l4o.proto, at(at(w, 'l4'), 'proto'));
  const sport = intValue(l4o.sport ?? '1024-65535', at(at(w, 'l4'), 'sport'), 0, 0xffff);
  const dport = intValue(l4o.dport ?? 80, at(at(w, 'l4'), 'dport'), 0, 0xffff);
  const icmpId = intValue(l4o.id ?? '0-65535', at(at(w, 'l4'), 'id'), 0, 0xffff);
  const l4 = l4Sampler(l4o, at(w, 'l4'));
  const payload = l4o.payload === undefined ? undefined : hexValue(l4o.payload, at(at(w, 'l4'), 'payload'));
  const encap = encapSampler(t.encap, at(w, 'encap'));
  const arp = kind === 'arp' ? arpSampler(t.arp, at(w, 'arp')) : undefined;

  const flow = (rng: Prng): Flow => {
    const ver = version(rng);
    const e = eth(rng);
    const a = arp?.(rng);
    if (a && a.sha.every((x) => x === 0)) a.sha = e.src;
    if (a && a.op === 2 && a.tha.every((x) => x === 0)) a.tha = e.dst;
    if (a && a.op === 1 && arpBroadcast) e.dst = BROADCAST;
    return {
      eth: e, version: ver, src: src(ver)(rng), dst: dst(ver)(rng), flowLabel: flowLabel(rng),
      l4: proto(rng), sport: sport(rng), dport: dport(rng), icmpId: icmpId(rng), encap: encap?.flow(rng), arp: a,
    };
  };
  const packet = (f: Flow, rng: Prng, reply = false): Packet => {
    let body: Body;
    if (kind === 'arp') body = { kind: 'arp', arp: f.arp! };
    else if (kind === 'ether') body = { kind: 'ether' };
    else {
      const ip = ipFields(rng, f);
      body = { kind: 'ip', ip, l4: l4(rng, f, reply), encap: f.encap && encap ? encap.packet(f.encap, rng) : undefined };
    }
    return { eth: f.eth, body, size: size(rng), payload: payload?.(rng) };
  };
  return { kind, flow, packet };
}

/** The reverse direction of a flow: MACs, addresses and ports swapped, the tunnel's too. */
export function reverseFlow(f: Flow): Flow {
  let eth = { ...f.eth, src: f.eth.dst, dst: f.eth.src };
  const encap = f.encap && {
    ...f.encap, src: f.encap.dst, dst: f.encap.src, sport: f.encap.dport, dport: f.encap.sport,
    eth: { ...f.encap.eth, src: f.encap.eth.dst, dst: f.encap.eth.src },
  };
  let arp = f.arp;
  if (arp) {
    // the answer comes from the target: its MAC is tha if known, else the frame's destination
    const known = (m: Uint8Array, v: number): boolean => !m.every((x) => x === v);
    const sha = known(arp.tha, 0) ? arp.tha : known(f.eth.dst, 0xff) ? f.eth.dst : REPLIER_MAC;
    arp = { op: arp.op === 1 ? 2 : arp.op, sha, spa: arp.tpa, tha: arp.sha, tpa: arp.spa };
    eth = { ...eth, src: sha };
  }
  return { ...f, eth, src: f.dst, dst: f.src, sport: f.dport, dport: f.sport, encap, arp };
}

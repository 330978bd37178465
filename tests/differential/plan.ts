// A program's address plan for the differential tests: the IPv4/IPv6 prefixes, ports and TCP
// sequence numbers its map fixture and traffic spec use, and each traffic mix entry as a flow
// template (addresses, protocols, ports, flags and tags together), so random packets hit its
// maps. Read-only; drawing from the plan is frame.ts's and packets.ts's business.

import type { MapDef } from '../../compiler/loader/types.js';
import type { MapFixture } from '../../simulator/maps/fixture.js';
import { hexToBytes } from '../../simulator/maps/fixture.js';
import { parsePrefix } from '../../simulator/net/addr.js';
import type { Prefix } from '../../simulator/net/addr.js';
import { parseTcpFlags } from '../../simulator/traffic/build.js';
import { deepMerge } from '../../simulator/traffic/spec.js';

/** Ports and sequence numbers: values and ranges, as [lo, hi] (a value is [v, v]). */
export type NumPool = [number, number][];

/**
 * One entry of the traffic spec as a flow to aim at: its addresses, protocols, ports, sequence
 * numbers, TCP flags and VLAN tags (empty lists: the entry leaves the field to chance).
 */
export interface FlowTemplate {
  name: string;
  versions: (4 | 6)[];
  src: Prefix[];
  dst: Prefix[];
  /** 'tcp', 'udp', 'icmp' (ICMPv6 over IPv6) or a protocol number */
  protos: (string | number)[];
  sport: NumPool;
  dport: NumPool;
  seqs: NumPool;
  flags: number[];
  /** VLAN IDs, outermost first */
  vlan: number[];
}

export interface AddressPlan {
  v4: Prefix[];
  v6: Prefix[];
  ports: NumPool;
  seqs: NumPool;
  templates: FlowTemplate[];
}

/** Hash-like maps whose keys start with addresses (array and per-CPU array keys are indexes). */
const KEYED = new Set(['hash', 'lru_hash', 'percpu_hash', 'lru_percpu_hash']);
/** Source port ranges at least this wide are left out of the global port pool (ephemeral ports). */
const NARROW = 1024;
/** IPv4-mapped IPv6 (::ffff:0:0/96): the 12 bytes before the IPv4 address. */
const MAPPED = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);

export function emptyPlan(): AddressPlan {
  return { v4: [], v6: [], ports: [], seqs: [], templates: [] };
}

class PlanBuilder {
  readonly plan = emptyPlan();
  private readonly seen = new Set<string>();

  prefix(p: Prefix): void {
    const id = `${Array.from(p.bytes).join('.')}/${p.len}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    (p.bytes.length === 4 ? this.plan.v4 : this.plan.v6).push(p);
  }

  /** An address or prefix given as 4 or 16 bytes (an IPv4-mapped one gives its IPv4 prefix too). */
  bytes(b: Uint8Array, len = b.length * 8): void {
    if (b.every((x) => x === 0)) return;
    this.prefix({ bytes: b, len });
    if (b.length === 16 && len >= 96 && MAPPED.every((x, i) => b[i] === x)) this.prefix({ bytes: b.slice(12), len: len - 96 });
  }
}

/** Every value under `v` (lists flattened), as given in a traffic spec. */
function leaves(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(leaves) : v === undefined ? [] : [v];
}

/** A traffic spec's integer values ("1024-65535", 80, "0x50", lists) as ranges. */
function numPool(v: unknown): NumPool {
  const out: NumPool = [];
  for (const x of leaves(v)) {
    const m = typeof x === 'string' ? /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(x) : null;
    if (m) out.push([Number(m[1]), Number(m[2])]);
    else if (typeof x === 'number' || (typeof x === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(x.trim()))) out.push([Number(x), Number(x)]);
  }
  return out;
}

function prefixes(v: unknown): Prefix[] {
  return leaves(v).flatMap((t) => {
    const p = typeof t === 'string' ? parsePrefix(t) : undefined;
    return p ? [p] : [];
  });
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The flow template of a mix entry (defaults merged in); undefined for ARP, raw and bare frames. */
function template(e: Obj, name: string): FlowTemplate | undefined {
  const ip = obj(e.ip);
  const l4 = obj(e.l4);
  if (e.ip === undefined && e.l4 === undefined) return undefined;
  const src = prefixes(ip.src);
  const dst = prefixes(ip.dst);
  const given = leaves(ip.version).filter((v): v is 4 | 6 => v === 4 || v === 6);
  const seen = [...src, ...dst].map((p) => (p.bytes.length === 4 ? 4 : 6) as 4 | 6);
  const versions = given.length ? given : seen.length ? [...new Set(seen)] : [4 as const];
  const protos = leaves(l4.proto ?? 'tcp').map((p) => (p === 'icmpv6' ? 'icmp' : p)).filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  const flags = leaves(l4.flags).flatMap((f) => {
    const n = typeof f === 'string' ? parseTcpFlags(f) : undefined;
    return n === undefined ? [] : [n];
  });
  const vlan = leaves(obj(e.eth).vlan).flatMap((t) => (typeof t === 'number' ? [t] : typeof obj(t).vid === 'number' ? [obj(t).vid as number] : []));
  return { name, versions, src, dst, protos, sport: numPool(l4.sport), dport: numPool(l4.dport), seqs: numPool(l4.seq), flags, vlan };
}

/** The template answering another: addresses and ports swapped, the reply's own fields on top. */
function replyTemplate(t: FlowTemplate, e: Obj, name: string): FlowTemplate {
  const own = template({ l4: obj(e.l4) }, name);
  return { ...t, name, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport, flags: own?.flags.length ? own.flags : t.flags };
}

/** Walks a traffic spec: its mix entries as flow templates, and their addresses, ports, seqs. */
function walkSpec(spec: unknown, b: PlanBuilder): void {
  const top = obj(spec);
  const defaults = obj(top.defaults);
  const mix = Array.isArray(top.mix) ? top.mix.map(obj) : [];
  const byName = new Map<string, FlowTemplate>();
  mix.forEach((raw, i) => {
    const e = deepMerge(defaults, raw);
    const name = typeof e.name === 'string' ? e.name : `mix[${i}]`;
    const target = typeof e.reply === 'string' ? byName.get(e.reply) : undefined;
    const t = target ? replyTemplate(target, e, name) : e.reply === undefined ? template(e, name) : undefined;
    if (!t) return;
    byName.set(name, t);
    b.plan.templates.push(t);
    [...t.src, ...t.dst].forEach((p) => b.prefix(p));
    b.plan.ports.push(...t.sport.filter(([lo, hi]) => hi - lo < NARROW), ...t.dport);
    b.plan.seqs.push(...t.seqs);
    for (const a of prefixes([obj(e.arp).spa, obj(e.arp).tpa])) b.prefix(a);
  });
}

/** Addresses at the start of hash keys: an IPv6 address (16 bytes) or IPv4 ones (offsets 0, 4). */
function keyAddresses(key: Uint8Array, b: PlanBuilder): void {
  if (key.length >= 16 && key.subarray(4, 16).some((x) => x !== 0)) {
    b.bytes(key.slice(0, 16));
    return;
  }
  if (key.length >= 4) b.bytes(key.slice(0, 4));
  if (key.length >= 8 && key.length < 16) b.bytes(key.slice(4, 8));
}

function walkFixture(fixture: MapFixture, maps: readonly MapDef[], b: PlanBuilder): void {
  for (const [name, m] of Object.entries(fixture.maps)) {
    const def = maps.find((d) => d.name === name);
    for (const e of m.entries) {
      if (e.prefix !== undefined && e.prefixLen !== undefined) {
        const bytes = hexToBytes(e.prefix);
        if (bytes.length === 4 || bytes.length === 16) b.bytes(bytes, e.prefixLen);
      } else if (e.key !== undefined && def && KEYED.has(def.type)) keyAddresses(hexToBytes(e.key), b);
    }
  }
  for (const r of fixture.fib ?? []) {
    const p = parsePrefix(r.dst);
    if (p) b.prefix(p);
  }
}

/** The plan of a program: its fixture's keys and prefixes, then its traffic spec's values. */
export function addressPlan(maps: readonly MapDef[], fixture: MapFixture | undefined, spec: unknown): AddressPlan {
  const b = new PlanBuilder();
  if (fixture) walkFixture(fixture, maps, b);
  if (spec !== undefined) walkSpec(spec, b);
  return b.plan;
}

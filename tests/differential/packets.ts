// fast-check arbitraries of XDP test inputs for the differential tests: Ethernet with 0-3 VLAN
// tags, IPv4 (options, fragments, TTL 0/1/64), IPv6 (extension headers), tunnels, ARP and unknown
// EtherTypes; TCP (flags, options), UDP, ICMP/ICMPv6 and other protocols; sizes 14..1518 and a few
// jumbo frames; traffic's malformed kinds; cuts inside each header; xdp_md contexts. Half of the
// frames aim at a flow template of the program's plan (plan.ts), and half of the other addresses,
// ports and sequence numbers come from its pools, so its maps are hit.
// Frames of 0..13 bytes are drawn too: both engines must refuse them (the kernel's test run
// answers EINVAL below ETH_HLEN), and the tests check that they do.

import fc from 'fast-check';
import { TCP_OPTIONS } from '../../simulator/traffic/build.js';
import type { TcpOption } from '../../simulator/traffic/build.js';
import type { MalformedKind } from '../../simulator/traffic/malformed.js';
import type { EthHeader, ExtKind, VlanTag } from '../../simulator/traffic/packet.js';
import { CUT_AT, describe, finish, resolve, reverse, toInput } from './frame.js';
import type { AddrDesc, BodyDesc, DiffInput, EncapDesc, FrameDesc, IpDesc, L4Desc, NumDesc } from './frame.js';
import type { AddressPlan } from './plan.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });
/** the corruptions of simulator/traffic that keep the frame's length */
const CORRUPTIONS: readonly MalformedKind[] = ['bad-ihl', 'bad-version', 'bad-checksum', 'bad-l4-checksum', 'bad-length', 'bad-tcp-offset'];
/** TCP flag sets that mean something to stateful programs (SYN, SYN-ACK, RST, FIN, ...) */
const TCP_FLAGS = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01];
const ICMP_TYPES = [0, 3, 5, 8, 11, 12, 1, 2, 4, 128, 129, 133, 135, 136];
const ETHERTYPES = [0x88b5, 0x88cc, 0x8847, 0x8906, 0x0000, 0x05dc, 0xffff, 0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8];
const IP_PROTOS = [0, 2, 4, 41, 43, 44, 47, 50, 51, 59, 60, 89, 132, 255];

/** `arb` once in `1 + odds` draws, else undefined. */
function rarely<T>(arb: fc.Arbitrary<T>, odds: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** Half the time a pick from the plan (a list index, resolved against the plan in frame.ts). */
const pick = rarely(fc.nat(1 << 16), 1);

const addr: fc.Arbitrary<AddrDesc> = fc.record({
  pick,
  bits: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  small: rarely(fc.integer({ min: 1, max: 4 }), 1),
});

const port: fc.Arbitrary<NumDesc> = fc.record({ pick, value: fc.oneof(u16, fc.constantFrom(0, 22, 53, 80, 443, 4789)) });
const seq: fc.Arbitrary<NumDesc> = fc.record({ pick, value: u32 });

const tag: fc.Arbitrary<VlanTag> = fc.record({ tpid: fc.constantFrom(0x8100, 0x88a8, 0x9100), vid: fc.integer({ min: 0, max: 0xfff }), pcp: fc.integer({ min: 0, max: 7 }) });

/** No tag, 802.1Q, QinQ (S-tag 0x88a8 then C-tag 0x8100), or any stack of up to three tags. */
const tags: fc.Arbitrary<VlanTag[]> = fc.oneof(
  { weight: 16, arbitrary: fc.constant<VlanTag[]>([]) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xfff }).map((vid) => [{ tpid: 0x8100, vid, pcp: 0 }]) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xfff }), fc.integer({ min: 0, max: 0xfff })).map(([s, c]) => [{ tpid: 0x88a8, vid: s, pcp: 0 }, { tpid: 0x8100, vid: c, pcp: 0 }]) },
  { weight: 1, arbitrary: fc.array(tag, { minLength: 1, maxLength: 3 }) },
);

const eth: fc.Arbitrary<EthHeader> = fc.record({
  dst: mac,
  src: mac,
  tags,
  type: rarely(fc.oneof(fc.constantFrom(...ETHERTYPES), u16), 20),
});

function ip(version: fc.Arbitrary<4 | 6>): fc.Arbitrary<IpDesc> {
  return fc.record({
    version,
    src: addr,
    dst: addr,
    ttl: fc.oneof(fc.constantFrom(0, 1, 2, 64, 255), u8),
    tos: u8,
    id: u32,
    df: fc.boolean(),
    options: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => n * 4) }),
    ext: fc.oneof({ weight: 3, arbitrary: fc.constant<ExtKind[]>([]) }, { weight: 2, arbitrary: fc.array(fc.constantFrom('hop', 'routing', 'frag', 'dest'), { minLength: 1, maxLength: 4 }) }),
    frag: fc.oneof({ weight: 8, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('first', 'middle', 'last') }),
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
  });
}

const l4: fc.Arbitrary<L4Desc> = fc.record({
  proto: fc.oneof({ weight: 5, arbitrary: fc.constant('tcp' as const) }, { weight: 4, arbitrary: fc.constant('udp' as const) }, { weight: 2, arbitrary: fc.constant('icmp' as const) }, { weight: 1, arbitrary: fc.constant('other' as const) }),
  pick: fc.nat(0xffff),
  sport: port,
  dport: port,
  flags: fc.oneof(fc.constantFrom(...TCP_FLAGS), u8),
  seq,
  ack: u32,
  window: u16,
  options: fc.oneof({ weight: 2, arbitrary: fc.constant<TcpOption[]>([]) }, { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...TCP_OPTIONS), { maxLength: TCP_OPTIONS.length }) }),
  zeroChecksum: fc.boolean(),
  type: fc.oneof(fc.constantFrom(...ICMP_TYPES), u8),
  code: fc.oneof(fc.constantFrom(0, 1, 4), u8),
  id: u16,
  number: fc.oneof(fc.constantFrom(...IP_PROTOS), u8),
});

const encap: fc.Arbitrary<EncapDesc> = fc.record({
  type: fc.constantFrom('ipip', 'gre', 'vxlan', 'udp'),
  ip: ip(fc.constantFrom(4, 6)).map((x) => ({ ...x, frag: 'none' as const, ext: [] })),
  sport: u16,
  dport: fc.constantFrom(4789, 5555, 6081),
  vni: fc.integer({ min: 0, max: 0xffffff }),
  key: rarely(u32, 1),
});

const ipBody: fc.Arbitrary<BodyDesc> = fc.record({
  kind: fc.constant('ip' as const),
  ip: ip(fc.constantFrom(4, 6)),
  l4,
  encap: rarely(encap, 12),
});

const arpBody: fc.Arbitrary<BodyDesc> = fc.record({
  kind: fc.constant('arp' as const), op: fc.oneof(fc.constantFrom(1, 2), u16), sha: mac, spa: addr, tha: mac, tpa: addr,
});

const body: fc.Arbitrary<BodyDesc> = fc.oneof(
  { weight: 12, arbitrary: ipBody },
  { weight: 1, arbitrary: arpBody },
  { weight: 1, arbitrary: fc.constant({ kind: 'ether' as const }) },
);

/**
 * The headers only, any size from 14 to 1518, sizes around thresholds programs use, and now and
 * then a jumbo frame: past 3520 bytes the test run builds a multi-buffer packet (fragments of
 * 4096), and 73152 is the largest it takes.
 */
const size = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 8, arbitrary: fc.integer({ min: 14, max: 1518 }) },
  { weight: 4, arbitrary: fc.constantFrom(60, 64, 98, 128, 576, 590, 591, 592, 1280, 1500, 1514, 1518) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1519, max: 16384 }), fc.constantFrom(3519, 3520, 3521, 4096, 7616, 9000, 73152)) },
);

const cut = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.record({ where: fc.constantFrom(...CUT_AT.filter((w) => w !== 'eth')), at: fc.nat(1 << 16) }) },
  { weight: 1, arbitrary: fc.record({ tiny: fc.integer({ min: 0, max: 13 }) }) },
);

/**
 * No context (test_run's default: lo, queue 0), or an ingress interface of the oracle's namespace
 * (0: none given, i.e. lo; 1: lo, one queue; 2-8: devices with 8 queues) and one of its queues;
 * now and then a queue on 0 or 1, which test_run refuses (EINVAL).
 * Not drawn: interfaces past 8 and queues past 7, which exist or not by the oracle's namespace
 * (the kernel answers ENODEV or EINVAL), a device model the interpreter does not have
 * (docs/FIXTURES.md: interface numbers are 1 to 8).
 */
const ctx = rarely(
  fc.record({ ifindex: fc.integer({ min: 0, max: 8 }), queue: fc.nat(7), odd: fc.integer({ min: 0, max: 7 }) })
    .map(({ ifindex, queue, odd }) => ({ ingressIfindex: ifindex, rxQueueIndex: ifindex <= 1 && odd > 0 ? 0 : queue })),
  1,
);

export const frameDesc: fc.Arbitrary<FrameDesc> = fc.record({
  template: pick,
  eth,
  body,
  size,
  fill: fc.nat(0xffff),
  corrupt: rarely(fc.record({ kind: fc.constantFrom(...CORRUPTIONS), seed: u32 }), 8),
  cut,
  ctx,
});

/** One input, built against the program's address plan. */
export function inputArbitrary(plan: AddressPlan): fc.Arbitrary<DiffInput> {
  return frameDesc.map((d) => toInput(d, plan));
}

/**
 * A short exchange: a frame alone, then sometimes the answer to it (a reply: addresses and ports
 * swapped) or the same flow again with other TCP flags, so that stateful programs (flow tables,
 * connection tables) see their entries found as well as missed.
 */
export function exchangeArbitrary(plan: AddressPlan): fc.Arbitrary<DiffInput[]> {
  return fc.record({
    first: frameDesc,
    follow: fc.constantFrom('none', 'none', 'reply', 'again'),
    flags: fc.constantFrom(...TCP_FLAGS),
    size,
  }).map(({ first, follow, flags, size: n }) => {
    const { packet, note } = resolve(first, plan);
    const out = [finish(packet, first, note)];
    if (follow === 'none') return out;
    const p = follow === 'reply' ? reverse(packet) : packet;
    const b = p.body;
    const body = b.kind === 'ip' && b.l4.proto === 'tcp' ? { ...b, l4: { ...b.l4, flags } } : b;
    const clean = { fill: first.fill, corrupt: undefined, cut: undefined, ctx: first.ctx };
    const next = { ...p, body, size: n };
    out.push(finish(next, clean, `${follow} of the previous: ${describe(next)}`));
    return out;
  });
}

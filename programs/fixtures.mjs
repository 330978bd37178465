#!/usr/bin/env node
// Writes programs/<name>/maps.json, the initial map contents of every program (docs/FIXTURES.md),
// from the readable address plans below. The plans are the ones each program's README paragraph
// and traffic.json describe; change all three together.
//
//   node programs/fixtures.mjs           rewrite every maps.json
//   node programs/fixtures.mjs --check   exit 1 if a committed maps.json differs from its plan
//
// Encodings follow the C structs of each program: integers little-endian (host order on the
// machines the kernel and the interpreter run on), addresses and ports in network order.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---- byte encoders: each returns lowercase hex ----

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const u8 = (v) => hex([v & 0xff]);
const u16le = (v) => hex([v & 0xff, (v >>> 8) & 0xff]);
const u32le = (v) => hex([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
const u64le = (v) => u32le(Number(BigInt(v) & 0xffffffffn)) + u32le(Number(BigInt(v) >> 32n));
const be16 = (v) => hex([(v >>> 8) & 0xff, v & 0xff]);
const zeros = (n) => '00'.repeat(n);

function ipv4(text) {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 address ${text}`);
  return hex(parts);
}

function ipv6(text) {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 address ${text}`);
  return groups.map((g) => be16(parseInt(g, 16))).join('');
}

function mac(text) {
  const h = text.split(':').join('').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(h)) throw new Error(`bad MAC ${text}`);
  return h;
}

/** An address in a 16-byte union ip6_addr: IPv4 in the first 4 bytes (d[0]), the rest zero. */
const addr16 = (text) => (text.includes(':') ? ipv6(text) : ipv4(text) + zeros(12));
/** IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d. */
const mapped = (text) => zeros(10) + 'ffff' + ipv4(text);

const entry = (key, value) => ({ key, value });
const lpm = (prefix, prefixLen, value) => ({ prefix, prefixLen, value });

const PROTO = { icmp: 1, tcp: 6, udp: 17 };
const XDP = { ABORTED: 0, DROP: 1, PASS: 2, TX: 3, REDIRECT: 4 };

// ---- one plan per program ----

const plans = {};
const none = () => ({});

for (const p of ['xdp_drop', 'xdp_pass', 'xdp_tx', 'xdp1', 'xdp2', 'csum']) plans[p] = none;
for (const n of [1, 10, 20, 30, 40]) plans[`helper_calls_${n}`] = none;

// adjust_tail: the narrow link's MTU is 576 bytes (the IPv4 minimum datagram every host accepts).
plans.adjust_tail = () => ({ config: [entry(u32le(0), u32le(576))] });

// rxq_info: config[0..63] per RX queue, config[64] the default (a queue entry with action 0
// follows it). The oracle's dummy devices have 8 queues: the default sends frames back with the
// MACs swapped and the frame read (queues 0-3 have no entry); queue 4 reflects without the read
// option (the swap reads the header anyway), queue 5 is a sink that drops, queue 6 hands frames to
// the stack after reading them, and queue 7 is misconfigured with XDP_REDIRECT, which the program
// does not implement: its frames are dropped and counted as bad_action.
const RXQ_SWAP_MACS = 1;
const RXQ_READ_DATA = 2;
const rxqConfig = (queue, action, options) => entry(u32le(queue), u32le(action) + u32le(options));
plans.rxq_info = () => ({
  config: [
    rxqConfig(4, XDP.TX, RXQ_SWAP_MACS),
    rxqConfig(5, XDP.DROP, 0),
    rxqConfig(6, XDP.PASS, RXQ_READ_DATA),
    rxqConfig(7, XDP.REDIRECT, 0),
    rxqConfig(64, XDP.TX, RXQ_SWAP_MACS | RXQ_READ_DATA),
  ],
});

// redirect_map: a patch panel over the oracle's devices (ifindex 1 = lo, 2..8; docs/FIXTURES.md):
// lo (a test run's default ingress) → 2, 2 ↔ 3, 4 ↔ 5. Ingress 6..8 is not patched (dropped).
plans.redirect_map = () => ({
  tx_ports: [[1, 2], [2, 3], [3, 2], [4, 5], [5, 4]].map(([i, o]) => entry(u32le(i), u32le(o))),
});

// router_ipv4: egress ports 0..3 are ifindex 2..5 (port 4 has no interface: its traffic is
// dropped); port n's own MAC is 02:00:00:00:01:0n.
const ROUTER_PORTS = { 0: 2, 1: 3, 2: 4, 3: 5 };
const ROUTE_LOCAL = 1;
const ROUTE_BLACKHOLE = 2;
const route = (gw, flags = 0) => (gw ? ipv4(gw) : zeros(4)) + u32le(flags);
const neighbour = (dmac, port) => mac(dmac) + mac(`02:00:00:00:01:0${port}`) + u32le(port);
plans.router_ipv4 = () => ({
  routes: [
    lpm(ipv4('10.0.0.0'), 8, route('10.255.0.1')), // → port 1
    lpm(ipv4('10.1.0.0'), 16, route(null)), // on-link, port 2
    lpm(ipv4('10.1.2.0'), 24, route('10.255.0.2')), // more specific, → port 3
    lpm(ipv4('172.16.0.0'), 12, route('10.255.0.3')), // next hop on port 4: no interface
    lpm(ipv4('100.64.0.0'), 10, route('10.255.0.4')), // next hop not resolved
    lpm(ipv4('203.0.113.0'), 24, route(null)), // on-link, port 0 (the uplink)
    lpm(ipv4('192.0.2.0'), 24, route(null, ROUTE_BLACKHOLE)),
    lpm(ipv4('198.51.100.1'), 32, route(null, ROUTE_LOCAL)),
  ],
  neighbours: [
    entry(ipv4('10.255.0.1'), neighbour('02:00:00:00:02:01', 1)),
    entry(ipv4('10.255.0.2'), neighbour('02:00:00:00:02:02', 3)),
    entry(ipv4('10.255.0.3'), neighbour('02:00:00:00:02:03', 4)),
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => entry(ipv4(`10.1.0.${i}`), neighbour(`02:00:00:00:03:0${i}`, 2))),
    ...[1, 2, 3, 4].map((i) => entry(ipv4(`203.0.113.${i}`), neighbour(`02:00:00:00:04:0${i}`, 0))),
  ],
  tx_ports: Object.entries(ROUTER_PORTS).map(([port, ifindex]) => entry(u32le(Number(port)), u32le(ifindex))),
});

// tx_ip_tunnel: IPv4 VIPs 10.100.1.0/24 and IPv6 VIPs fd00:100:1::/64, tunnelled from
// 10.250.1.1 / fd00:250:1::1 to endpoints in 10.200.1.0/24 / fd00:200:1::/64 via 02:00:00:00:00:fe.
const GATEWAY = '02:00:00:00:00:fe';
const vip = (addr, port, proto) => addr16(addr) + be16(port) + u8(addr.includes(':') ? 6 : 4) + u8(PROTO[proto]);
const tunnel = (src, dst, family) => addr16(src) + addr16(dst) + mac(GATEWAY) + u16le(family);
plans.tx_ip_tunnel = () => ({
  vip2tnl: [
    entry(vip('10.100.1.1', 80, 'tcp'), tunnel('10.250.1.1', '10.200.1.1', 4)),
    entry(vip('10.100.1.1', 443, 'tcp'), tunnel('10.250.1.1', '10.200.1.1', 4)),
    entry(vip('10.100.1.2', 53, 'udp'), tunnel('10.250.1.1', '10.200.1.2', 4)),
    entry(vip('fd00:100:1::1', 443, 'tcp'), tunnel('fd00:250:1::1', 'fd00:200:1::1', 6)),
    entry(vip('fd00:100:1::2', 53, 'udp'), tunnel('fd00:250:1::1', 'fd00:200:1::2', 6)),
    // a configuration error: an IPv4 VIP with an IPv6 tunnel (dropped)
    entry(vip('10.100.1.3', 80, 'tcp'), tunnel('fd00:250:1::1', 'fd00:200:1::3', 6)),
  ],
});

// simple_firewall: the site is 192.168.0.0/16, 10.10.0.0/16 and fd00:10::/48. The flow table
// starts empty.
const internal = (addr, len, zone) =>
  addr.includes(':') ? lpm(ipv6(addr), len, u32le(zone)) : lpm(mapped(addr), 96 + len, u32le(zone));
plans.simple_firewall = () => ({
  internal_nets: [internal('192.168.0.0', 16, 1), internal('10.10.0.0', 16, 2), internal('fd00:10::', 48, 1)],
});

// l4lb: VIPs in 10.100.0.0/24 and fd00:100::/64; reals 1-4 are 10.200.0.1-4, reals 5-8
// fd00:200::1-4 (real 0 means "none"); tunnels from 10.250.x.y / fd00:250::x:y (the low bits carry
// the flow hash) to the reals, via the gateway 02:00:00:00:00:fe.
const RING_SIZE = 61;
const VIP_HASH_NO_SPORT = 1;
const VIP_NO_CONN_TABLE = 2;
const REAL_V6 = 1;
const L4LB_REALS = {
  1: '10.200.0.1', 2: '10.200.0.2', 3: '10.200.0.3', 4: '10.200.0.4',
  5: 'fd00:200::1', 6: 'fd00:200::2', 7: 'fd00:200::3', 8: 'fd00:200::4',
};
const L4LB_VIPS = [
  // [vip_num, address, port (0: every port), protocol, flags, reals]
  [0, '10.100.0.1', 80, 'tcp', 0, [1, 2, 3, 4]],
  [1, '10.100.0.1', 443, 'tcp', 0, [5, 6, 7, 8]], // IPv4 in IPv6
  [2, '10.100.0.2', 53, 'udp', VIP_NO_CONN_TABLE, [1, 2, 3, 4]],
  [3, '10.100.0.3', 0, 'tcp', 0, [1, 2]],
  [4, 'fd00:100::1', 80, 'tcp', 0, [5, 6, 7, 8]],
  [5, 'fd00:100::1', 443, 'udp', VIP_HASH_NO_SPORT, [5, 6]],
  [6, 'fd00:100::2', 80, 'tcp', 0, [1, 2]], // misconfigured: IPv6 VIP, IPv4 reals (dropped)
  [7, '10.100.0.4', 80, 'tcp', 0, []], // drained: no reals (dropped)
];

/** FNV-1a, 32 bits, of a string, with a seed mixed in first. */
function fnv1a(text, seed) {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of Buffer.from(text)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  return h;
}

/** Maglev's lookup table (Eisenbud et al., NSDI 2016, §3.4) of `reals` over `size` slots (prime); `names` permute them. */
function maglev(reals, size, names = L4LB_REALS) {
  const table = new Array(size).fill(0);
  if (reals.length === 0) return table;
  const perms = reals.map((r) => {
    const name = names[r];
    return { offset: fnv1a(name, 1) % size, skip: (fnv1a(name, 2) % (size - 1)) + 1, next: 0 };
  });
  let filled = 0;
  for (;;) {
    for (let i = 0; i < reals.length; i++) {
      const p = perms[i];
      let slot = (p.offset + p.next * p.skip) % size;
      while (table[slot] !== 0) slot = (p.offset + ++p.next * p.skip) % size;
      table[slot] = reals[i];
      p.next++;
      if (++filled === size) return table;
    }
  }
}

plans.l4lb = () => ({
  vips: L4LB_VIPS.map(([num, addr, port, proto, flags]) =>
    entry(addr16(addr) + be16(port) + u8(PROTO[proto]) + u8(addr.includes(':') ? 6 : 4), u32le(flags) + u32le(num))),
  ch_ring: L4LB_VIPS.flatMap(([num, , , , , reals]) =>
    reals.length === 0 ? [] : maglev(reals, RING_SIZE).map((real, slot) => entry(u32le(num * RING_SIZE + slot), u32le(real)))),
  reals: Object.entries(L4LB_REALS).map(([i, addr]) => entry(u32le(Number(i)), addr16(addr) + u32le(addr.includes(':') ? REAL_V6 : 0))),
  lb_config: [entry(u32le(0), ipv4('10.250.0.0') + ipv6('fd00:250::') + mac(GATEWAY) + u16le(0))],
});

// katran_lb: IPv4 VIPs in 10.101.0.0/24; reals 1-6 are 10.201.0.1-6 (real 0 means "none"; real
// 7 is configured with no address). Rings sit at vip_num * 65537 of ch_rings (512 rings: 33,554,944
// slots, most never written); each VIP fills `ring_size` slots of its ring (a prime), Maglev-style.
const KATRAN_RING = 65537;
const F_HASH_NO_SRC_PORT = 1;
const F_LRU_BYPASS = 2;
const KATRAN_REALS = { 1: '10.201.0.1', 2: '10.201.0.2', 3: '10.201.0.3', 4: '10.201.0.4', 5: '10.201.0.5', 6: '10.201.0.6', 7: '0.0.0.0' };
const KATRAN_VIPS = [
  // [vip_num, address, port (0: every port), protocol, flags, ring size, reals]
  [0, '10.101.0.1', 80, 'tcp', 0, 61, [1, 2, 3, 4]],
  [7, '10.101.0.1', 443, 'tcp', F_HASH_NO_SRC_PORT, 127, [3, 4, 5, 6]],
  [100, '10.101.0.2', 53, 'udp', F_LRU_BYPASS, 31, [1, 2]],
  [300, '10.101.0.3', 0, 'tcp', 0, 61, [5, 6]],
  [511, '10.101.0.4', 8080, 'tcp', 0, 13, [2, 7]], // real 7 has no address: its slots drop
  [42, '10.101.0.5', 80, 'tcp', 0, 61, []], // drained: an empty ring
];

plans.katran_lb = () => ({
  vip_map: KATRAN_VIPS.map(([num, addr, port, proto, flags, ring]) =>
    entry(ipv4(addr) + be16(port) + u8(PROTO[proto]) + u8(0), u32le(flags) + u32le(num) + u32le(ring))),
  ch_rings: KATRAN_VIPS.flatMap(([num, , , , , ring, reals]) =>
    reals.length === 0 ? [] : maglev(reals, ring, KATRAN_REALS).map((real, slot) => entry(u32le(num * KATRAN_RING + slot), u32le(real)))),
  reals: Object.entries(KATRAN_REALS).map(([i, addr]) => entry(u32le(Number(i)), ipv4(addr) + u32le(0))),
  ctl_array: [entry(u32le(0), mac(GATEWAY) + u16le(0))],
});

// xdp_sample: one packet in 2 is sampled with its first 128 bytes (shorter frames: EFAULT).
plans.xdp_sample = () => ({ config: [entry(u32le(0), u32le(2) + u32le(128))] });

// map_access_<N>: blocked keys are the first N bytes from the IPv4 source address. Traffic from
// 198.51.100.0/28 (port 7000 → 9000, TCP sequence number 1 for the 16-byte key) is blocked.
const BLOCKED_SRC = Array.from({ length: 16 }, (_, i) => `198.51.100.${i}`);
plans.map_access_1 = () => ({ blocked: [entry(ipv4('198.0.0.0').slice(0, 2), u64le(0))] });
plans.map_access_2 = () => ({ blocked: [entry(ipv4('198.51.0.0').slice(0, 4), u64le(0))] });
plans.map_access_4 = () => ({ blocked: BLOCKED_SRC.map((a) => entry(ipv4(a), u64le(0))) });
plans.map_access_8 = () => ({ blocked: BLOCKED_SRC.map((a) => entry(ipv4(a) + ipv4('10.1.0.1'), u64le(0))) });
plans.map_access_16 = () => ({
  blocked: BLOCKED_SRC.map((a) => entry(ipv4(a) + ipv4('10.1.0.1') + be16(7000) + be16(9000) + hex([0, 0, 0, 1]), u64le(0))),
});

// ---- output ----

/** maps.json text: one entry per line, so diffs stay readable. */
function render(maps) {
  const names = Object.keys(maps);
  if (names.length === 0) return '{ "maps": {} }\n';
  const blocks = names.map((name) => {
    const lines = maps[name].map((e) => `      ${JSON.stringify(e)}`);
    return `    ${JSON.stringify(name)}: { "entries": [\n${lines.join(',\n')}\n    ] }`;
  });
  return `{\n  "maps": {\n${blocks.join(',\n')}\n  }\n}\n`;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const [name, plan] of Object.entries(plans).sort()) {
  const file = join(HERE, name, 'maps.json');
  const text = render(plan());
  if (check) {
    let old = '';
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      old = '';
    }
    if (old !== text) {
      console.error(`stale: ${name}/maps.json (run: node programs/fixtures.mjs)`);
      stale++;
    }
  } else {
    writeFileSync(file, text);
  }
}
if (stale) process.exit(1);

// bpf_fib_lookup answered from the fixture's `fib` routes (docs/FIXTURES.md): longest-prefix
// match on the IPv4/IPv6 destination of struct bpf_fib_lookup, then the kernel's outputs for XDP
// (ifindex, MACs, MTU check and mtu_result, VLAN fields cleared) or the route's result code.

import { FixtureError, hexToBytes } from '../maps/fixture.js';
import type { FibRoute } from '../maps/fixture.js';
import { Errno } from '../maps/types.js';
import { parseIpv4, parseIpv6 } from '../net/addr.js';
import { flagsArg, memArg, ret, u32Arg } from './args.js';
import type { Route, XdpHelper } from './env.js';

/** struct bpf_fib_lookup (linux/bpf.h): 64 bytes */
export const Fib = {
  SIZE: 64, family: 0, tot_len: 6, mtu_result: 6, ifindex: 8, rt_metric: 12, ipv4_dst: 32, ipv6_dst: 32,
  h_vlan_proto: 48, h_vlan_TCI: 50, smac: 52, dmac: 58,
} as const;
export const AF_INET = 2;
export const AF_INET6 = 10;
/** BPF_FIB_LKUP_RET_* */
export const FibRet = { SUCCESS: 0, NOT_FWDED: 4, NO_NEIGH: 7, FRAG_NEEDED: 8 } as const;
/** DIRECT | OUTPUT | SKIP_NEIGH | TBID | SRC | MARK */
const FLAGS_MASK = 0x3f;
/** the MTU of the oracle's dummy devices; ifindex 1 is lo */
const mtuOf = (ifindex: number) => (ifindex === 1 ? 65536 : 1500);

/** Routes sorted longest prefix first; throws FixtureError naming the route. */
export function compileRoutes(routes: readonly FibRoute[]): Route[] {
  return routes
    .map((r, i) => {
      const where = `fib route ${i}`;
      const [a, l] = r.dst.split('/');
      const v4 = parseIpv4(a);
      const addr = v4 ?? parseIpv6(a);
      if (!addr) throw new FixtureError(where, `"${r.dst}" is not an IPv4 or IPv6 address[/len]`);
      const len = l === undefined ? addr.length * 8 : Number(l);
      if (!Number.isInteger(len) || len < 0 || len > addr.length * 8) throw new FixtureError(where, `bad prefix length in "${r.dst}"`);
      return { family: v4 ? AF_INET : AF_INET6, addr, len, ifindex: r.ifindex, smac: hexToBytes(r.smac), dmac: hexToBytes(r.dmac), result: r.result ?? 0 };
    })
    .sort((x, y) => y.len - x.len);
}

function matches(r: Route, family: number, dst: Uint8Array): boolean {
  if (r.family !== family) return false;
  const full = r.len >> 3, rest = r.len & 7;
  for (let i = 0; i < full; i++) if (dst[i] !== r.addr[i]) return false;
  return rest === 0 || ((dst[full] ^ r.addr[full]) & (0xff << (8 - rest)) & 0xff) === 0;
}

const put16 = (p: Uint8Array, at: number, v: number) => ((p[at] = v & 0xff), (p[at + 1] = v >> 8));
const put32 = (p: Uint8Array, at: number, v: number) => (put16(p, at, v & 0xffff), put16(p, at + 2, v >>> 16));

/** The lookup on a struct bpf_fib_lookup in place; returns the helper's result. */
export function fibLookup(routes: readonly Route[], p: Uint8Array, flags: number): number {
  if (flags < 0 || flags & ~FLAGS_MASK) return -Errno.EINVAL;
  const family = p[Fib.family];
  if (family !== AF_INET && family !== AF_INET6) return -Errno.EAFNOSUPPORT;
  if ((p[Fib.ifindex] | p[Fib.ifindex + 1] | p[Fib.ifindex + 2] | p[Fib.ifindex + 3]) === 0) return -Errno.ENODEV;
  const dst = p.subarray(Fib.ipv4_dst, Fib.ipv4_dst + (family === AF_INET ? 4 : 16));
  const r = routes.find((x) => matches(x, family, dst));
  if (!r) return FibRet.NOT_FWDED;
  if (r.result !== FibRet.SUCCESS && r.result !== FibRet.NO_NEIGH && r.result !== FibRet.FRAG_NEEDED) return r.result;
  const mtu = mtuOf(r.ifindex);
  if (r.result === FibRet.FRAG_NEEDED || p[Fib.tot_len] + (p[Fib.tot_len + 1] << 8) > mtu) {
    put16(p, Fib.mtu_result, mtu);
    return FibRet.FRAG_NEEDED;
  }
  put32(p, Fib.ifindex, r.ifindex);
  put32(p, Fib.rt_metric, 0);
  if (r.result === FibRet.NO_NEIGH) return r.result;
  p.set(r.dmac, Fib.dmac);
  p.set(r.smac, Fib.smac);
  put32(p, Fib.h_vlan_proto, 0);
  put16(p, Fib.mtu_result, mtu);
  return FibRet.SUCCESS;
}

export const fibLookupHelper: XdpHelper = (m, h, pc) => {
  const plen = u32Arg(m, 3);
  if (plen < Fib.SIZE) return ret(m, -Errno.EINVAL);
  const p = memArg(m, 2, Fib.SIZE, true, 'bpf_fib_lookup', pc);
  if (p) ret(m, fibLookup(h.fib, p, flagsArg(m, 4)));
};

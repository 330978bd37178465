// The spec `xdp2hw traffic` uses without --spec: IPv4/IPv6 × untagged/VLAN × TCP/UDP/ICMP by
// the given shares, plus a share of malformed frames. Returns an ordinary TrafficSpec.

import { MALFORMED_KINDS } from './malformed.js';
import type { MixEntry, TrafficSpec } from './spec.js';

export interface GenericOptions {
  count: number;
  seed?: number;
  /** shares in [0, 1] */
  vlanShare?: number;
  ipv6Share?: number;
  malformedShare?: number;
  flows?: number;
  zipf?: number;
  /** frame size value (docs/TRAFFIC.md), default "60-1518" */
  size?: string | number;
}

/** Shares of TCP, UDP and ICMP among well-formed packets. */
const L4_SHARES = [['tcp', 0.75], ['udp', 0.2], ['icmp', 0.05]] as const;

export function genericSpec(o: GenericOptions): TrafficSpec {
  const share = (v: number | undefined, d: number, what: string): number => {
    const s = v ?? d;
    if (!(s >= 0 && s <= 1)) throw new RangeError(`${what} must be between 0 and 1, not ${v}`);
    return s;
  };
  const vlan = share(o.vlanShare, 0.1, 'the VLAN share');
  const v6 = share(o.ipv6Share, 0.2, 'the IPv6 share');
  const bad = share(o.malformedShare, 0.02, 'the malformed share');
  const common = { flows: o.flows ?? 1000, zipf: o.zipf ?? 1.1, size: o.size ?? '60-1518' };
  const mix: MixEntry[] = [];
  for (const [tagged, pv] of [[false, 1 - vlan], [true, vlan]] as const) {
    for (const [version, pver] of [[4, 1 - v6], [6, v6]] as const) {
      for (const [proto, pp] of L4_SHARES) {
        const weight = (1 - bad) * pv * pver * pp;
        if (weight <= 0) continue;
        mix.push({
          name: `v${version}-${proto}${tagged ? '-vlan' : ''}`, weight, ...common,
          eth: { src: 'random', dst: 'random', vlan: tagged ? ['1-4094'] : [] },
          ip: { version, src: version === 4 ? '10.0.0.0/8' : 'fd00::/16', dst: version === 4 ? '10.0.0.0/8' : 'fd00::/16', ttl: '1-255' },
          l4: proto === 'tcp' ? { proto, sport: '1024-65535', dport: '1-65535', flags: ['S', 'SA', 'A', 'PA', 'FA', 'R'] }
            : proto === 'udp' ? { proto, sport: '1024-65535', dport: '1-65535' } : { proto },
        });
      }
    }
  }
  if (bad > 0) mix.push({ name: 'malformed', weight: bad, ...common, malformed: MALFORMED_KINDS.filter((k) => k !== 'truncated') });
  return { seed: o.seed ?? 1, packets: o.count, mix };
}

// Concrete packet descriptions (every field decided) that build.ts turns into frame bytes, and
// the layout of a built frame (where each header starts) that malformed.ts cuts and corrupts.

export const ETH_TYPE = { ipv4: 0x0800, ipv6: 0x86dd, arp: 0x0806, vlan: 0x8100, qinq: 0x88a8, teb: 0x6558 } as const;
export const IP_PROTO = { icmp: 1, ipip: 4, tcp: 6, udp: 17, ipv6: 41, gre: 47, icmpv6: 58, hop: 0, routing: 43, frag: 44, dest: 60, none: 59 } as const;
export const TCP_FLAG = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 } as const;
export const VXLAN_PORT = 4789;
/** The shortest Ethernet frame without FCS; shorter content is padded with zeros. */
export const MIN_FRAME = 60;

export interface VlanTag {
  tpid: number;
  vid: number;
  pcp: number;
}

export interface EthHeader {
  src: Uint8Array;
  dst: Uint8Array;
  /** outermost first */
  tags: VlanTag[];
  /** the EtherType; undefined: the one the body calls for */
  type?: number;
}

export type ExtKind = 'hop' | 'routing' | 'frag' | 'dest';
export type FragPos = 'none' | 'first' | 'middle' | 'last';

export interface IpHeader {
  version: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  ttl: number;
  tos: number;
  /** IPv4 identification / IPv6 fragment identification */
  id: number;
  df: boolean;
  /** IPv4 options, a multiple of 4 bytes */
  options: Uint8Array;
  flowLabel: number;
  ext: ExtKind[];
  frag: FragPos;
}

export type L4Header =
  | { proto: 'tcp'; sport: number; dport: number; flags: number; seq: number; ack: number; window: number; options: Uint8Array }
  | { proto: 'udp'; sport: number; dport: number; zeroChecksum: boolean }
  | { proto: 'icmp' | 'icmpv6'; type: number; code: number; id: number; seq: number }
  | { proto: 'other'; number: number };

export interface Encap {
  type: 'ipip' | 'gre' | 'vxlan' | 'udp';
  ip: IpHeader;
  sport: number;
  dport: number;
  vni: number;
  /** GRE key, when present */
  key: number | undefined;
  /** the inner Ethernet header of VXLAN */
  eth: EthHeader;
}

export interface ArpBody {
  op: number;
  sha: Uint8Array;
  spa: Uint8Array;
  tha: Uint8Array;
  tpa: Uint8Array;
}

export type Body =
  | { kind: 'ip'; ip: IpHeader; l4: L4Header; encap: Encap | undefined }
  | { kind: 'arp'; arp: ArpBody }
  | { kind: 'ether' };

export interface Packet {
  eth: EthHeader;
  body: Body;
  /** the frame length wanted (the headers if longer; 0: headers only) */
  size: number;
  /** bytes at the start of the L4 payload */
  payload: Uint8Array | undefined;
}

/** Where the outermost headers of a built frame start (offsets in bytes). */
export interface Layout {
  /** offsets of the VLAN tags' TPID fields */
  tags: number[];
  /** start of the L3 header (after the last EtherType) */
  l3: number;
  l3Kind: 'ipv4' | 'ipv6' | 'arp' | 'other';
  /** IPv4 header length with options, 40 for IPv6, 28 for ARP, 0 otherwise */
  l3Len: number;
  /** IPv6 extension headers */
  ext: { off: number; len: number }[];
  /** start and header length of the L4 header; absent for non-first fragments, ARP, ... */
  l4: { off: number; len: number; proto: L4Header['proto'] } | undefined;
  /** end of the content (frame length before padding) */
  end: number;
}

export interface Frame {
  bytes: Uint8Array;
  layout: Layout;
}

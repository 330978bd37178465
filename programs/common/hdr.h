/* Packet header layouts used by the xdp2hw program corpus.
 * Every multi-byte field is in network byte order, as on the wire; no bitfields, so the layout
 * is the same whatever the host's byte order. Only layouts and protocol numbers live here. */
#ifndef XDP2HW_HDR_H
#define XDP2HW_HDR_H

#include <linux/types.h>

#define ETH_ALEN 6

/* EtherTypes (host order; compare with bpf_htons()) */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100 /* 802.1Q C-tag */
#define ETHERTYPE_QINQ 0x88a8 /* 802.1ad S-tag */
#define ETHERTYPE_IPV6 0x86dd

/* IP protocol numbers (IANA) */
#define PROTO_HOPOPTS 0
#define PROTO_ICMP 1
#define PROTO_IPIP 4
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_IPV6 41
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_GRE 47
#define PROTO_ESP 50
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define PROTO_NONE 59
#define PROTO_DSTOPTS 60

struct eth_hdr {
	__u8 dst[ETH_ALEN];
	__u8 src[ETH_ALEN];
	__be16 proto;
};

struct vlan_tag {
	__be16 tci; /* PCP:3 DEI:1 VID:12 */
	__be16 proto; /* EtherType of what follows */
};

struct ipv4_hdr {
	__u8 ver_ihl; /* version:4 (high nibble) | IHL:4 in 32-bit words */
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off; /* reserved:1 DF:1 MF:1 offset:13 (8-byte units) */
	__u8 ttl;
	__u8 proto;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff

union ip6_addr {
	__u8 b[16];
	__be16 w[8];
	__be32 d[4];
};

struct ipv6_hdr {
	__be32 ver_tc_flow; /* version:4 traffic class:8 flow label:20 */
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	union ip6_addr saddr;
	union ip6_addr daddr;
};

/* Hop-by-hop, routing and destination options: length in 8-byte units, not counting the first 8. */
struct ipv6_opt_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset:13 (8-byte units) res:2 M:1 */
	__be32 id;
};

struct tcp_hdr {
	__be16 sport;
	__be16 dport;
	__be32 seq;
	__be32 ack;
	__u8 doff_res; /* data offset:4 (high nibble) in 32-bit words */
	__u8 flags;
	__be16 window;
	__sum16 check;
	__be16 urg_ptr;
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

struct udp_hdr {
	__be16 sport;
	__be16 dport;
	__be16 len;
	__sum16 check;
};

struct icmp_hdr {
	__u8 type;
	__u8 code;
	__sum16 check;
	union {
		struct {
			__be16 id;
			__be16 seq;
		} echo;
		struct {
			__be16 unused;
			__be16 mtu;
		} frag;
		__be32 rest;
	} un;
};

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4 /* code of ICMP_DEST_UNREACH */
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11

struct icmp6_hdr {
	__u8 type;
	__u8 code;
	__sum16 check;
	union {
		struct {
			__be16 id;
			__be16 seq;
		} echo;
		__be32 mtu;
		__be32 rest;
	} un;
};

#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129

#endif

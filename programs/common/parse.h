/* Header parsing for the xdp2hw program corpus: a cursor walks the frame, and every step checks
 * its bounds against data_end before it reads (the pattern the kernel verifier proves and the
 * xdp2hw compiler recognises). The parsers only read; programs decide what to do. */
#ifndef XDP2HW_PARSE_H
#define XDP2HW_PARSE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "hdr.h"

#ifndef VLAN_MAX_DEPTH
#define VLAN_MAX_DEPTH 2 /* 802.1Q, or QinQ (802.1ad S-tag then C-tag) */
#endif
#ifndef IPV6_EXT_MAX
#define IPV6_EXT_MAX 2 /* extension headers skipped before giving up: hop-by-hop and one more */
#endif

/* Where parsing has got to; `end` is the packet's data_end. */
struct cursor {
	void *pos;
	void *end;
};

static __always_inline void cursor_init(struct cursor *c, struct xdp_md *ctx)
{
	c->pos = (void *)(long)ctx->data;
	c->end = (void *)(long)ctx->data_end;
}

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETHERTYPE_VLAN) || proto == bpf_htons(ETHERTYPE_QINQ);
}

/* Ethernet header and up to VLAN_MAX_DEPTH tags. Returns the EtherType after the tags (network
 * order), or -1 when the frame ends inside them. *vlans: number of tags seen (may be NULL). */
static __always_inline int parse_eth(struct cursor *c, struct eth_hdr **ethp, int *vlans)
{
	struct eth_hdr *eth = c->pos;
	int n = 0;

	if ((void *)(eth + 1) > c->end)
		return -1;
	c->pos = eth + 1;
	*ethp = eth;
	__be16 proto = eth->proto;

#pragma unroll
	for (int i = 0; i < VLAN_MAX_DEPTH; i++) {
		struct vlan_tag *tag = c->pos;

		if (!is_vlan(proto))
			break;
		if ((void *)(tag + 1) > c->end)
			return -1;
		proto = tag->proto;
		c->pos = tag + 1;
		n++;
	}
	if (vlans)
		*vlans = n;
	return proto;
}

/* IPv4 header with its options (IHL). Returns the protocol, or -1 for a truncated header, a
 * version other than 4 or an IHL below 5. */
static __always_inline int parse_ipv4(struct cursor *c, struct ipv4_hdr **iphp)
{
	struct ipv4_hdr *iph = c->pos;
	int hlen;

	if ((void *)(iph + 1) > c->end)
		return -1;
	if ((iph->ver_ihl & 0xf0) != 0x40)
		return -1;
	hlen = (iph->ver_ihl & 0x0f) << 2;
	if (hlen < (int)sizeof(*iph))
		return -1;
	if (c->pos + hlen > c->end)
		return -1;
	c->pos += hlen;
	*iphp = iph;
	return iph->proto;
}

/* A non-first IPv4 fragment carries no transport header. */
static __always_inline int ipv4_is_later_fragment(const struct ipv4_hdr *iph)
{
	return (iph->frag_off & bpf_htons(IPV4_OFFSET_MASK)) != 0;
}

static __always_inline int ipv4_is_fragment(const struct ipv4_hdr *iph)
{
	return (iph->frag_off & bpf_htons(IPV4_MF | IPV4_OFFSET_MASK)) != 0;
}

/* The fixed IPv6 header. Returns its next header, or -1 (truncated, version other than 6). */
static __always_inline int parse_ipv6(struct cursor *c, struct ipv6_hdr **ip6p)
{
	struct ipv6_hdr *ip6 = c->pos;

	if ((void *)(ip6 + 1) > c->end)
		return -1;
	if ((*(__u8 *)ip6 & 0xf0) != 0x60)
		return -1;
	c->pos = ip6 + 1;
	*ip6p = ip6;
	return ip6->nexthdr;
}

#define FRAG_NONE 0 /* not a fragment (or an atomic fragment: offset 0, no more fragments) */
#define FRAG_FIRST 1 /* the first fragment: the transport header follows, the rest of the datagram does not */
#define FRAG_LATER 2 /* a later fragment: no transport header */

static __always_inline int ipv6_is_ext(int nexthdr)
{
	return nexthdr == PROTO_HOPOPTS || nexthdr == PROTO_ROUTING || nexthdr == PROTO_DSTOPTS ||
	       nexthdr == PROTO_FRAGMENT || nexthdr == PROTO_AH;
}

/* Skips IPv6 extension headers (hop-by-hop, routing, destination options, fragment, AH) after
 * the fixed header. Returns the upper-layer protocol, or -1 when the frame ends inside an
 * extension header. *frag tells whether a fragment header was seen (FRAG_*). Gives up after
 * IPV6_EXT_MAX headers and returns the next header it stopped at (the caller sees an extension
 * number, not TCP/UDP). */
static __always_inline int skip_ipv6_ext(struct cursor *c, int nexthdr, int *frag)
{
	int f = FRAG_NONE;

#pragma unroll
	for (int i = 0; i < IPV6_EXT_MAX; i++) {
		/* every extension header is at least 8 bytes long: check those once */
		struct ipv6_frag_hdr *h = c->pos;
		int len;

		if (!ipv6_is_ext(nexthdr))
			break;
		if ((void *)(h + 1) > c->end)
			return -1;
		if (nexthdr == PROTO_FRAGMENT) {
			__u16 off = bpf_ntohs(h->frag_off);

			if (off & 0xfff8)
				f = FRAG_LATER;
			else if (off & 1)
				f = FRAG_FIRST;
			len = sizeof(*h);
		} else {
			len = ((struct ipv6_opt_hdr *)h)->hdrlen + 1;
			/* AH counts 4-byte units minus 2, the others 8-byte units minus 1 (RFC 4302, 8200) */
			len = nexthdr == PROTO_AH ? (len << 2) + 4 : len << 3;
		}
		nexthdr = h->nexthdr;
		if (c->pos + len > c->end)
			return -1;
		c->pos += len;
	}
	*frag = f;
	return nexthdr;
}

/* Source and destination ports of a TCP or UDP header at the cursor (both start with them).
 * Returns 0, or -1 when the frame ends before the full header of `proto`. */
static __always_inline int parse_ports(struct cursor *c, int proto, __be16 *sport, __be16 *dport)
{
	if (proto == PROTO_TCP) {
		struct tcp_hdr *th = c->pos;

		if ((void *)(th + 1) > c->end)
			return -1;
		*sport = th->sport;
		*dport = th->dport;
		return 0;
	}
	if (proto == PROTO_UDP) {
		struct udp_hdr *uh = c->pos;

		if ((void *)(uh + 1) > c->end)
			return -1;
		*sport = uh->sport;
		*dport = uh->dport;
		return 0;
	}
	return -1;
}

/* Swaps the Ethernet source and destination addresses (16-bit accesses: the header is 2-aligned). */
static __always_inline void swap_macs(struct eth_hdr *eth)
{
	__u16 *w = (__u16 *)eth;
	__u16 d0 = w[0], d1 = w[1], d2 = w[2];

	w[0] = w[3];
	w[1] = w[4];
	w[2] = w[5];
	w[3] = d0;
	w[4] = d1;
	w[5] = d2;
}

/* Copies a MAC address between 2-aligned places (three 16-bit moves). */
static __always_inline void copy_mac(void *dst, const void *src)
{
	__u16 *d = dst;
	const __u16 *s = src;

	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
}

#endif

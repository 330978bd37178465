/* The parser and counter shared by xdp1 and xdp2: per-IP-protocol packet counts in a per-CPU
 * array. Frames that are not IPv4 or IPv6 (ARP, LLDP, ...) are counted under NON_IP_KEY. */
#ifndef XDP2HW_PROTO_COUNT_H
#define XDP2HW_PROTO_COUNT_H

#include "xdp.h"

#define NON_IP_KEY 255 /* IANA "reserved": no IP packet carries it */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} rxcnt SEC(".maps");

/* Parses Ethernet (with 802.1Q/QinQ tags) and the IPv4 or IPv6 header. Returns the IP protocol
 * (IPv4 protocol, or the IPv6 fixed header's next header), NON_IP_KEY for other EtherTypes, or -1
 * for a frame that ends inside its headers or carries a malformed IP header. */
static __always_inline int ip_protocol(struct cursor *c, struct eth_hdr **eth)
{
	int ethertype = parse_eth(c, eth, NULL);

	if (ethertype < 0)
		return -1;
	if (ethertype == bpf_htons(ETHERTYPE_IPV4)) {
		struct ipv4_hdr *iph;

		return parse_ipv4(c, &iph);
	}
	if (ethertype == bpf_htons(ETHERTYPE_IPV6)) {
		struct ipv6_hdr *ip6;

		return parse_ipv6(c, &ip6);
	}
	return NON_IP_KEY;
}

static __always_inline void count_protocol(__u32 proto)
{
	__u64 *value = bpf_map_lookup_elem(&rxcnt, &proto);

	if (value)
		*value += 1; /* per-CPU: no other CPU writes this copy */
}

#endif

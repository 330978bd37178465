/* router_ipv4: the fast path of an IPv4 router. For a well-formed, option-less IPv4 packet with a
 * valid header checksum (RFC 1812 §5.2.2) it looks the destination up in an LPM routing table,
 * resolves the next hop (the route's gateway, or the destination itself for on-link routes) in a
 * neighbour (ARP) table giving the egress port and both MACs, decrements the TTL with an
 * incremental checksum update (RFC 1624), rewrites the MACs, counts the packet on its egress
 * port and redirects it through a devmap of egress interfaces.
 *
 * Everything the fast path does not handle goes to the kernel's stack (XDP_PASS): non-IPv4
 * frames (ARP, IPv6), VLAN-tagged frames, IPv4 options, multicast and broadcast destinations,
 * TTL <= 1 (the stack sends Time Exceeded), destinations without a route (the stack answers) or
 * whose next hop is not resolved yet (the stack does ARP), and routes to the router itself.
 * Malformed packets (cut short, bad header checksum, a total length beyond the frame) and
 * blackhole routes are dropped. Every outcome is counted in `counters` by reason. */
#include "xdp.h"

#define MAX_PORTS 16

struct route_key {
	__u32 prefixlen;
	__u8 addr[4]; /* network order */
};

#define ROUTE_LOCAL 1 /* an address of this router: deliver to the stack */
#define ROUTE_BLACKHOLE 2 /* drop silently */

struct route {
	__be32 gateway; /* 0: the destination is on-link, it is its own next hop */
	__u32 flags;
};

struct neighbour {
	__u8 dmac[ETH_ALEN]; /* the next hop's MAC */
	__u8 smac[ETH_ALEN]; /* the egress port's MAC */
	__u32 port; /* key of the egress port in tx_ports and port_stats */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct route_key);
	__type(value, struct route);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __be32); /* next-hop IPv4 address */
	__type(value, struct neighbour);
} neighbours SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32); /* ifindex */
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_PORTS);
	__type(key, __u32);
	__type(value, struct pkt_bytes);
} port_stats SEC(".maps");

enum reason {
	R_FORWARDED,
	R_NOT_IPV4, /* pass */
	R_VLAN, /* pass */
	R_OPTIONS, /* pass */
	R_MULTICAST, /* pass */
	R_TTL_EXPIRED, /* pass */
	R_NO_ROUTE, /* pass */
	R_LOCAL, /* pass */
	R_NO_NEIGHBOUR, /* pass */
	R_MALFORMED, /* drop */
	R_BAD_CHECKSUM, /* drop */
	R_BLACKHOLE, /* drop */
	R_NO_PORT, /* drop: the neighbour's port is not in tx_ports */
	R_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, R_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* The header checksum of an option-less IPv4 header verifies (sums to 0xffff). */
static __always_inline int ipv4_csum_ok(const struct ipv4_hdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u64 sum = 0;

#pragma unroll
	for (int i = 0; i < (int)(sizeof(*iph) / 2); i++)
		sum += w[i];
	return csum_fold(sum) == 0xffff;
}

static __always_inline int forward(struct xdp_md *ctx, __u32 *reason)
{
	struct cursor c;
	struct eth_hdr *eth;
	struct ipv4_hdr *iph;
	struct route_key rk;
	struct route *rt;
	struct neighbour *nb;
	struct pkt_bytes *ps;
	__be32 nexthop;
	int ethertype, vlans, action;

	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, &vlans);
	if (ethertype < 0)
		return *reason = R_MALFORMED, XDP_DROP;
	if (vlans)
		return *reason = R_VLAN, XDP_PASS;
	if (ethertype != bpf_htons(ETHERTYPE_IPV4))
		return *reason = R_NOT_IPV4, XDP_PASS;
	if (parse_ipv4(&c, &iph) < 0)
		return *reason = R_MALFORMED, XDP_DROP;
	if (iph->ver_ihl != 0x45)
		return *reason = R_OPTIONS, XDP_PASS;
	if (!ipv4_csum_ok(iph))
		return *reason = R_BAD_CHECKSUM, XDP_DROP;
	if (bpf_ntohs(iph->tot_len) < sizeof(*iph) || (void *)iph + bpf_ntohs(iph->tot_len) > c.end)
		return *reason = R_MALFORMED, XDP_DROP;
	if ((bpf_ntohl(iph->daddr) >> 28) >= 0xe)
		return *reason = R_MULTICAST, XDP_PASS;
	if (iph->ttl <= 1)
		return *reason = R_TTL_EXPIRED, XDP_PASS;

	rk.prefixlen = 32;
	__builtin_memcpy(rk.addr, &iph->daddr, sizeof(rk.addr));
	rt = bpf_map_lookup_elem(&routes, &rk);
	if (!rt)
		return *reason = R_NO_ROUTE, XDP_PASS;
	if (rt->flags & ROUTE_BLACKHOLE)
		return *reason = R_BLACKHOLE, XDP_DROP;
	if (rt->flags & ROUTE_LOCAL)
		return *reason = R_LOCAL, XDP_PASS;
	nexthop = rt->gateway ? rt->gateway : iph->daddr;
	nb = bpf_map_lookup_elem(&neighbours, &nexthop);
	if (!nb)
		return *reason = R_NO_NEIGHBOUR, XDP_PASS;

	/* TTL and protocol share one 16-bit word of the header (RFC 1624 update of that word). */
	__u16 *ttl_word = (__u16 *)&iph->ttl;
	__u16 before = *ttl_word;

	iph->ttl--;
	csum_replace16(&iph->check, before, *ttl_word);
	copy_mac(eth->dst, nb->dmac);
	copy_mac(eth->src, nb->smac);

	action = bpf_redirect_map(&tx_ports, nb->port, XDP_DROP);
	if (action != XDP_REDIRECT)
		return *reason = R_NO_PORT, action;
	ps = bpf_map_lookup_elem(&port_stats, &nb->port);
	if (ps) {
		ps->packets++;
		ps->bytes += frame_len(ctx);
	}
	*reason = R_FORWARDED;
	return action;
}

SEC("xdp")
int router_ipv4_prog(struct xdp_md *ctx)
{
	__u32 reason = R_MALFORMED;
	int action = forward(ctx, &reason);
	__u64 *n = bpf_map_lookup_elem(&counters, &reason);

	if (n)
		*n += 1;
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";

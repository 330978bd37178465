/* tx_ip_tunnel: a tunnel ingress for service addresses. TCP and UDP packets addressed to a VIP
 * (address, port, protocol) found in `vip2tnl` are encapsulated, IPv4 in IPv4 (RFC 2003,
 * protocol 4) or IPv6 in IPv6 (RFC 2473, next header 41), towards the tunnel endpoint the map
 * gives, and sent back out of the port they came in on (XDP_TX) to the next-hop MAC the map gives.
 * The outer IPv4 header copies the inner TOS and DF bit and gets a fresh header checksum; the
 * outer IPv6 header copies the inner traffic class. The frame grows at the front with
 * bpf_xdp_adjust_head.
 *
 * Packets for other destinations, non-first fragments (no ports), other protocols, VLAN-tagged
 * and non-IP frames go to the stack (XDP_PASS). Frames cut short inside their headers, IPv4
 * packets whose total length disagrees with the frame, and VIPs whose tunnel is of the other
 * family (a configuration error) are dropped. Outcomes are counted in `stats`. */
#include "xdp.h"

#define FAMILY_V4 4
#define FAMILY_V6 6

struct vip {
	union ip6_addr daddr; /* IPv4: d[0], the rest zero */
	__be16 dport;
	__u8 family; /* FAMILY_V4 or FAMILY_V6 */
	__u8 protocol; /* PROTO_TCP or PROTO_UDP */
};

struct tunnel {
	union ip6_addr saddr; /* outer source (IPv4: d[0]) */
	union ip6_addr daddr; /* outer destination, the tunnel endpoint */
	__u8 dmac[ETH_ALEN]; /* next hop towards the endpoint */
	__u16 family; /* FAMILY_V4 or FAMILY_V6: must be the VIP's */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct vip);
	__type(value, struct tunnel);
} vip2tnl SEC(".maps");

enum outcome {
	OUT_ENCAP_V4,
	OUT_ENCAP_V6,
	OUT_PASS,
	OUT_DROP,
	OUT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OUT_MAX);
	__type(key, __u32);
	__type(value, struct pkt_bytes);
} stats SEC(".maps");

/* Wraps the IPv4 packet in an outer IPv4 header; the frame is data..data_end after the call. */
static __always_inline int encap_ipv4(struct xdp_md *ctx, const struct tunnel *tnl)
{
	void *data, *data_end;
	struct eth_hdr *eth, *old_eth;
	struct ipv4_hdr *outer, *inner;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv4_hdr)))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	inner = (void *)(outer + 1);
	old_eth = (void *)outer;
	if ((void *)(inner + 1) > data_end)
		return XDP_DROP;

	copy_mac(eth->src, old_eth->dst);
	copy_mac(eth->dst, tnl->dmac);
	eth->proto = bpf_htons(ETHERTYPE_IPV4);

	outer->ver_ihl = 0x45;
	outer->tos = inner->tos;
	outer->tot_len = bpf_htons(bpf_ntohs(inner->tot_len) + sizeof(*outer));
	outer->id = 0;
	outer->frag_off = inner->frag_off & bpf_htons(IPV4_DF);
	outer->ttl = 64;
	outer->proto = PROTO_IPIP;
	outer->saddr = tnl->saddr.d[0];
	outer->daddr = tnl->daddr.d[0];
	outer->check = ipv4_csum20(outer);
	return XDP_TX;
}

/* Wraps the IPv6 packet in an outer IPv6 header. */
static __always_inline int encap_ipv6(struct xdp_md *ctx, const struct tunnel *tnl)
{
	void *data, *data_end;
	struct eth_hdr *eth, *old_eth;
	struct ipv6_hdr *outer, *inner;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv6_hdr)))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	inner = (void *)(outer + 1);
	old_eth = (void *)(data + sizeof(struct ipv6_hdr));
	if ((void *)(inner + 1) > data_end)
		return XDP_DROP;

	copy_mac(eth->src, old_eth->dst);
	copy_mac(eth->dst, tnl->dmac);
	eth->proto = bpf_htons(ETHERTYPE_IPV6);

	/* version 6, the inner traffic class, flow label 0 */
	outer->ver_tc_flow = (inner->ver_tc_flow & bpf_htonl(0x0ff00000)) | bpf_htonl(0x60000000);
	outer->payload_len = bpf_htons(bpf_ntohs(inner->payload_len) + sizeof(*inner));
	outer->nexthdr = PROTO_IPV6;
	outer->hop_limit = 64;
	outer->saddr = tnl->saddr;
	outer->daddr = tnl->daddr;
	return XDP_TX;
}

static __always_inline int tunnel(struct xdp_md *ctx, __u32 *outcome)
{
	struct cursor c;
	struct eth_hdr *eth;
	struct vip vip = {};
	struct tunnel *tnl;
	__be16 sport;
	int ethertype, vlans, proto, action;

	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, &vlans);
	if (ethertype < 0)
		return XDP_DROP;
	if (vlans)
		return XDP_PASS;

	if (ethertype == bpf_htons(ETHERTYPE_IPV4)) {
		struct ipv4_hdr *iph;

		proto = parse_ipv4(&c, &iph);
		if (proto < 0)
			return XDP_DROP;
		if (bpf_ntohs(iph->tot_len) < ((iph->ver_ihl & 0xf) << 2) ||
		    (void *)iph + bpf_ntohs(iph->tot_len) > c.end)
			return XDP_DROP;
		if (ipv4_is_later_fragment(iph))
			return XDP_PASS;
		if (bpf_ntohs(iph->tot_len) > 0xffff - sizeof(*iph))
			return XDP_PASS; /* the outer header would not fit its length field */
		vip.daddr.d[0] = iph->daddr;
		vip.family = FAMILY_V4;
	} else if (ethertype == bpf_htons(ETHERTYPE_IPV6)) {
		struct ipv6_hdr *ip6;
		int frag;

		proto = parse_ipv6(&c, &ip6);
		if (proto < 0)
			return XDP_DROP;
		proto = skip_ipv6_ext(&c, proto, &frag);
		if (proto < 0)
			return XDP_DROP;
		if (frag == FRAG_LATER)
			return XDP_PASS;
		if (bpf_ntohs(ip6->payload_len) > 0xffff - sizeof(*ip6))
			return XDP_PASS;
		vip.daddr = ip6->daddr;
		vip.family = FAMILY_V6;
	} else {
		return XDP_PASS;
	}

	if (proto != PROTO_TCP && proto != PROTO_UDP)
		return XDP_PASS;
	if (parse_ports(&c, proto, &sport, &vip.dport) < 0)
		return XDP_DROP;
	vip.protocol = proto;

	tnl = bpf_map_lookup_elem(&vip2tnl, &vip);
	if (!tnl)
		return XDP_PASS;
	if (tnl->family != vip.family)
		return XDP_DROP;
	if (vip.family == FAMILY_V4) {
		action = encap_ipv4(ctx, tnl);
		*outcome = OUT_ENCAP_V4;
	} else {
		action = encap_ipv6(ctx, tnl);
		*outcome = OUT_ENCAP_V6;
	}
	return action;
}

SEC("xdp")
int tx_ip_tunnel_prog(struct xdp_md *ctx)
{
	__u32 outcome = OUT_MAX;
	int action = tunnel(ctx, &outcome);
	struct pkt_bytes *s;

	if (action != XDP_TX)
		outcome = action == XDP_PASS ? OUT_PASS : OUT_DROP;
	s = bpf_map_lookup_elem(&stats, &outcome);
	if (s) {
		s->packets++;
		s->bytes += frame_len(ctx);
	}
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";

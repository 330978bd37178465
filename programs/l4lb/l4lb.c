/* l4lb: a layer-4 load balancer in the style of Katran. Clients send TCP or UDP to a virtual IP
 * (VIP); the balancer picks one of the VIP's real servers and forwards the packet to it inside an
 * IP tunnel (IPv4 in IPv4, IPv4 in IPv6 or IPv6 in IPv6), out of the port it came in on, towards
 * the default gateway; the real server decapsulates it and answers the client directly.
 *
 * Per packet: parse Ethernet, IPv4 (any IHL) or IPv6 (extension headers skipped), TCP or UDP;
 * look the VIP up by (address, port, protocol), or by (address, port 0, protocol) for VIPs that
 * take every port. The connection table (an LRU hash of 5-tuples) keeps packets of a connection on
 * the real that got its first packet; a new connection (a miss, or a TCP SYN, which always
 * rehashes) hashes its 5-tuple onto the VIP's slice of a consistent-hashing ring (filled by the
 * control plane, Maglev-style, so a change of reals moves few connections), and the ring slot names
 * the real. VIP flags can leave the source port out of the hash (clients keep their real across
 * connections) or skip the connection table (stateless UDP services). Each VIP counts packets and
 * bytes; the balancer counts its own events in `lb_stats`.
 *
 * The outer header is built in front of the packet with bpf_xdp_adjust_head: the outer source is
 * the balancer's tunnel prefix with the flow hash in its low bits (so the real's NIC spreads
 * tunnels over its RX queues), the outer destination the real; an outer IPv4 header gets its
 * checksum here. Packets that are not for a VIP, ICMP, VLAN-tagged and non-IP frames go to the
 * stack. Dropped: frames cut short inside their headers, fragments (no ports to hash), packets
 * too big to encapsulate within MAX_OUTER_MTU, VIPs without a real, IPv6 to an IPv4 real. */
#include "xdp.h"

#define MAX_VIPS 16
#define RING_SIZE 61 /* slots per VIP; a prime, as Maglev needs */
#define MAX_REALS 64
#define MAX_CONNS 65536
#define MAX_OUTER_MTU 1500 /* largest IP packet after encapsulation */

#define FAMILY_V4 4
#define FAMILY_V6 6

struct vip_key {
	union ip6_addr addr; /* IPv4: d[0], the rest zero */
	__be16 port; /* 0: every port */
	__u8 proto; /* PROTO_TCP or PROTO_UDP */
	__u8 family; /* FAMILY_V4 or FAMILY_V6 */
};

#define VIP_HASH_NO_SPORT 1 /* leave the source port out of the hash and the connection key */
#define VIP_NO_CONN_TABLE 2 /* stateless: always hash, never remember */

struct vip_meta {
	__u32 flags;
	__u32 vip_num; /* index in vip_stats and ring slice */
};

#define REAL_V6 1

struct real {
	union ip6_addr addr; /* IPv4: d[0] */
	__u32 flags; /* REAL_V6 */
};

struct flow_key {
	union ip6_addr src;
	union ip6_addr dst;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct conn {
	__u32 real; /* index in reals */
	__u32 vip_num;
};

struct lb_config {
	__be32 tunnel_src4; /* outer IPv4 source; its low 16 bits are replaced by the flow hash */
	union ip6_addr tunnel_src6; /* outer IPv6 source; its low 32 bits are replaced by the hash */
	__u8 gateway_mac[ETH_ALEN]; /* next hop towards every real */
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_VIPS);
	__type(key, struct vip_key);
	__type(value, struct vip_meta);
} vips SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_VIPS * RING_SIZE);
	__type(key, __u32);
	__type(value, __u32); /* real index; 0: none */
} ch_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_REALS);
	__type(key, __u32);
	__type(value, struct real);
} reals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_CONNS);
	__type(key, struct flow_key);
	__type(value, struct conn);
} conn_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_config);
} lb_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_VIPS);
	__type(key, __u32);
	__type(value, struct pkt_bytes);
} vip_stats SEC(".maps");

enum lb_event {
	LB_FORWARDED, /* tx */
	LB_CONN_HIT, /* tx, real from the connection table */
	LB_CONN_NEW, /* tx, real from the ring */
	LB_NOT_VIP, /* pass */
	LB_NOT_TCP_UDP, /* pass */
	LB_NON_IP, /* pass, includes VLAN-tagged frames */
	LB_MALFORMED, /* drop */
	LB_FRAGMENT, /* drop */
	LB_TOO_BIG, /* drop */
	LB_NO_REAL, /* drop */
	LB_FAMILY, /* drop: IPv6 packet, IPv4 real */
	LB_ENCAP_FAILED, /* drop */
	LB_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lb_stats SEC(".maps");

static __always_inline void count(__u32 event)
{
	__u64 *n = bpf_map_lookup_elem(&lb_stats, &event);

	if (n)
		*n += 1;
}

/* MurmurHash3 (x86, 32-bit) of the flow: source address words, then the ports; the VIP is
 * already chosen, so the destination does not need to be hashed. */
static __always_inline __u32 rotl32(__u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static __always_inline __u32 mix_word(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51;
	k = rotl32(k, 15);
	k *= 0x1b873593;
	h ^= k;
	h = rotl32(h, 13);
	return h * 5 + 0xe6546b64;
}

static __always_inline __u32 flow_hash(const struct flow_key *f)
{
	__u32 h = 0x4c344c42; /* seed */

#pragma unroll
	for (int i = 0; i < 4; i++)
		h = mix_word(h, f->src.d[i]);
	h = mix_word(h, ((__u32)f->sport << 16) | f->dport);
	h ^= 20;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* The real for a flow: from the connection table, else from the ring (and remembered). */
static __always_inline struct real *choose_real(struct flow_key *f, const struct vip_meta *vip,
						 int tcp_syn, __u32 *hash, __u32 *event)
{
	struct conn *known, fresh = {};
	__u32 slot, *real_idx;

	*hash = flow_hash(f);
	if (!(vip->flags & VIP_NO_CONN_TABLE) && !tcp_syn) {
		known = bpf_map_lookup_elem(&conn_table, f);
		if (known && known->vip_num == vip->vip_num) {
			*event = LB_CONN_HIT;
			return bpf_map_lookup_elem(&reals, &known->real);
		}
	}
	if (vip->vip_num >= MAX_VIPS)
		return 0;
	slot = vip->vip_num * RING_SIZE + *hash % RING_SIZE;
	real_idx = bpf_map_lookup_elem(&ch_ring, &slot);
	if (!real_idx || !*real_idx)
		return 0;
	if (!(vip->flags & VIP_NO_CONN_TABLE)) {
		fresh.real = *real_idx;
		fresh.vip_num = vip->vip_num;
		bpf_map_update_elem(&conn_table, f, &fresh, BPF_ANY);
	}
	*event = LB_CONN_NEW;
	return bpf_map_lookup_elem(&reals, real_idx);
}

/* IPv4 in IPv4 (RFC 2003). */
static __always_inline int encap_ipip(struct xdp_md *ctx, const struct real *dst,
				      const struct lb_config *cfg, __u32 hash)
{
	void *data, *data_end;
	struct eth_hdr *eth, *old_eth;
	struct ipv4_hdr *outer, *inner;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv4_hdr)))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	inner = (void *)(outer + 1);
	old_eth = (void *)outer;
	if ((void *)(inner + 1) > data_end)
		return -1;

	copy_mac(eth->src, old_eth->dst);
	copy_mac(eth->dst, cfg->gateway_mac);
	eth->proto = bpf_htons(ETHERTYPE_IPV4);

	outer->ver_ihl = 0x45;
	outer->tos = inner->tos;
	outer->tot_len = bpf_htons(bpf_ntohs(inner->tot_len) + sizeof(*outer));
	outer->id = 0;
	outer->frag_off = bpf_htons(IPV4_DF);
	outer->ttl = 64;
	outer->proto = PROTO_IPIP;
	outer->saddr = (cfg->tunnel_src4 & bpf_htonl(0xffff0000)) | bpf_htonl(hash & 0xffff);
	outer->daddr = dst->addr.d[0];
	outer->check = ipv4_csum20(outer);
	return 0;
}

/* IPv4 or IPv6 in IPv6 (RFC 2473); inner_v4 says which. */
static __always_inline int encap_ip6(struct xdp_md *ctx, const struct real *dst,
				     const struct lb_config *cfg, __u32 hash, int inner_v4)
{
	void *data, *data_end;
	struct eth_hdr *eth, *old_eth;
	struct ipv6_hdr *outer;
	__u32 tc, payload;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv6_hdr)))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	old_eth = (void *)(outer + 1) - sizeof(struct eth_hdr);
	/* room for the inner header: an IPv6 one is the larger */
	if ((void *)(outer + 1) + sizeof(struct ipv6_hdr) > data_end)
		return -1;

	if (inner_v4) {
		struct ipv4_hdr *inner = (void *)(outer + 1);

		tc = inner->tos;
		payload = bpf_ntohs(inner->tot_len);
		outer->nexthdr = PROTO_IPIP;
	} else {
		struct ipv6_hdr *inner = (void *)(outer + 1);

		tc = (bpf_ntohl(inner->ver_tc_flow) >> 20) & 0xff;
		payload = bpf_ntohs(inner->payload_len) + sizeof(*inner);
		outer->nexthdr = PROTO_IPV6;
	}
	copy_mac(eth->src, old_eth->dst);
	copy_mac(eth->dst, cfg->gateway_mac);
	eth->proto = bpf_htons(ETHERTYPE_IPV6);

	outer->ver_tc_flow = bpf_htonl(0x60000000 | (tc << 20));
	outer->payload_len = bpf_htons(payload);
	outer->hop_limit = 64;
	outer->saddr.d[0] = cfg->tunnel_src6.d[0];
	outer->saddr.d[1] = cfg->tunnel_src6.d[1];
	outer->saddr.d[2] = cfg->tunnel_src6.d[2];
	outer->saddr.d[3] = bpf_htonl(hash);
	outer->daddr = dst->addr;
	return 0;
}

static __always_inline int balance(struct xdp_md *ctx, __u32 *event)
{
	struct flow_key flow = {};
	struct vip_key vk = {};
	struct cursor c;
	struct eth_hdr *eth;
	struct vip_meta *vip;
	struct lb_config *cfg;
	struct real *dst;
	struct pkt_bytes *vs;
	__u32 zero = 0, hash, ip_len;
	int ethertype, vlans, proto, tcp_syn = 0, inner_v4;

	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, &vlans);
	if (ethertype < 0)
		goto malformed;
	if (vlans)
		return *event = LB_NON_IP, XDP_PASS;
	if (ethertype == bpf_htons(ETHERTYPE_IPV4)) {
		struct ipv4_hdr *iph;

		proto = parse_ipv4(&c, &iph);
		if (proto < 0)
			goto malformed;
		if (ipv4_is_fragment(iph))
			return *event = LB_FRAGMENT, XDP_DROP;
		ip_len = bpf_ntohs(iph->tot_len);
		flow.src.d[0] = iph->saddr;
		flow.dst.d[0] = iph->daddr;
		inner_v4 = 1;
		barrier();
	} else if (ethertype == bpf_htons(ETHERTYPE_IPV6)) {
		struct ipv6_hdr *ip6;
		int frag;

		proto = parse_ipv6(&c, &ip6);
		if (proto < 0)
			goto malformed;
		ip_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		flow.src = ip6->saddr;
		flow.dst = ip6->daddr;
		inner_v4 = 0;
		barrier();
		proto = skip_ipv6_ext(&c, proto, &frag);
		if (proto < 0)
			goto malformed;
		if (frag != FRAG_NONE)
			return *event = LB_FRAGMENT, XDP_DROP;
	} else {
		return *event = LB_NON_IP, XDP_PASS;
	}

	if (proto == PROTO_TCP) {
		struct tcp_hdr *th = c.pos;

		if ((void *)(th + 1) > c.end)
			goto malformed;
		flow.sport = th->sport;
		flow.dport = th->dport;
		tcp_syn = (th->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	} else if (proto == PROTO_UDP) {
		struct udp_hdr *uh = c.pos;

		if ((void *)(uh + 1) > c.end)
			goto malformed;
		flow.sport = uh->sport;
		flow.dport = uh->dport;
	} else {
		return *event = LB_NOT_TCP_UDP, XDP_PASS;
	}
	flow.proto = proto;

	vk.addr = flow.dst;
	vk.port = flow.dport;
	vk.proto = proto;
	vk.family = inner_v4 ? FAMILY_V4 : FAMILY_V6;
	vip = bpf_map_lookup_elem(&vips, &vk);
	if (!vip) {
		vk.port = 0;
		vip = bpf_map_lookup_elem(&vips, &vk);
		if (!vip)
			return *event = LB_NOT_VIP, XDP_PASS;
	}
	if (vip->flags & VIP_HASH_NO_SPORT)
		flow.sport = 0;

	dst = choose_real(&flow, vip, tcp_syn, &hash, event);
	if (!dst)
		return *event = LB_NO_REAL, XDP_DROP;
	if (!(dst->flags & REAL_V6) && !inner_v4)
		return *event = LB_FAMILY, XDP_DROP;
	if (ip_len + (dst->flags & REAL_V6 ? sizeof(struct ipv6_hdr) : sizeof(struct ipv4_hdr)) > MAX_OUTER_MTU)
		return *event = LB_TOO_BIG, XDP_DROP;
	cfg = bpf_map_lookup_elem(&lb_config, &zero);
	if (!cfg)
		return *event = LB_ENCAP_FAILED, XDP_DROP;

	vs = bpf_map_lookup_elem(&vip_stats, &vip->vip_num);
	if (vs) {
		vs->packets++;
		vs->bytes += ip_len;
	}
	if (dst->flags & REAL_V6) {
		if (encap_ip6(ctx, dst, cfg, hash, inner_v4))
			return *event = LB_ENCAP_FAILED, XDP_DROP;
	} else {
		if (encap_ipip(ctx, dst, cfg, hash))
			return *event = LB_ENCAP_FAILED, XDP_DROP;
	}
	return XDP_TX;

malformed:
	*event = LB_MALFORMED;
	return XDP_DROP;
}

SEC("xdp")
int l4lb_prog(struct xdp_md *ctx)
{
	__u32 event = LB_MALFORMED;
	int action = balance(ctx, &event);

	count(event);
	if (action == XDP_TX)
		count(LB_FORWARDED);
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";

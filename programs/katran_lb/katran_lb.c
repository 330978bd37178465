/* katran_lb: a consistent-hashing layer-4 load balancer laid out like Facebook's Katran, the
 * balancer hXDP evaluated: VIPs in a hash map, one consistent-hashing ring per VIP in a single
 * array `ch_rings` of MAX_VIPS x CH_RING_SIZE slots (512 x 65,537 = 33,554,944 entries, Katran's
 * sizes, which the kernel allocates whole: 128 MiB), the reals in an array, an LRU connection
 * table, and IPv4-in-IPv4 (IPIP) encapsulation sent back out with XDP_TX.
 *
 * Per packet: parse Ethernet and IPv4 (any IHL), TCP or UDP; look the VIP up by (address, port,
 * protocol), or (address, port 0, protocol) for VIPs that take every port. A connection keeps the
 * real of its first packet through the LRU table; a new connection (a miss, or a TCP SYN, which
 * always rehashes) hashes its source address and ports with the kernel's jhash onto the VIP's
 * ring: slot vip_num * CH_RING_SIZE + hash % ring_size, where ring_size (a prime no larger than
 * CH_RING_SIZE) is how much of its ring the control plane filled. The slot names the real. VIP
 * flags leave the source port out of the hash (F_HASH_NO_SRC_PORT) or skip the connection table
 * (F_LRU_BYPASS). The outer IPv4 header goes in front with bpf_xdp_adjust_head: source 10.250.x.y
 * with the flow hash in its low 16 bits (so the real spreads tunnels over its RX queues),
 * destination the real, a fresh checksum; the next hop's MAC comes from `ctl_array`.
 *
 * To the stack (XDP_PASS): non-IPv4 frames (IPv6 included: this balancer has IPv4 VIPs only),
 * VLAN-tagged frames, ICMP and other protocols, packets to no VIP. Dropped: frames cut short
 * inside their headers, fragments, packets too big to encapsulate within MAX_OUTER_MTU, and
 * ring slots or reals the control plane left empty. `stats` counts per VIP and per event. */
#include "xdp.h"

#define MAX_VIPS 512
#define CH_RING_SIZE 65537 /* Katran's ring: a prime */
#define MAX_REALS 4096
#define MAX_CONNS 65536
#define MAX_OUTER_MTU 1500 /* largest IP packet after encapsulation */
#define CTL_GATEWAY_MAC 0 /* ctl_array index of the next hop's MAC */

struct vip_key {
	__be32 addr;
	__be16 port; /* 0: every port */
	__u8 proto;
	__u8 pad;
};

#define F_HASH_NO_SRC_PORT 1
#define F_LRU_BYPASS 2

struct vip_meta {
	__u32 flags;
	__u32 vip_num; /* the VIP's ring and stats index */
	__u32 ring_size; /* slots of its ring in use (a prime, at most CH_RING_SIZE) */
};

struct real_def {
	__be32 addr;
	__u32 flags;
};

struct flow_key {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct real_pos {
	__u32 real;
	__u32 vip_num;
};

struct ctl_value {
	__u8 mac[ETH_ALEN];
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_VIPS);
	__type(key, struct vip_key);
	__type(value, struct vip_meta);
} vip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_VIPS * CH_RING_SIZE);
	__uint(map_flags, BPF_F_RDONLY_PROG); /* the control plane writes rings, the program reads them */
	__type(key, __u32);
	__type(value, __u32); /* real index; 0: empty slot */
} ch_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_REALS);
	__type(key, __u32);
	__type(value, struct real_def);
} reals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_CONNS);
	__type(key, struct flow_key);
	__type(value, struct real_pos);
} lru_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct ctl_value);
} ctl_array SEC(".maps");

enum lb_event {
	LB_TX, /* encapsulated and sent */
	LB_LRU_HIT, /* real from the connection table */
	LB_LRU_MISS, /* real from the ring */
	LB_NOT_VIP,
	LB_NOT_TCP_UDP,
	LB_NON_IPV4,
	LB_MALFORMED,
	LB_FRAGMENT,
	LB_TOO_BIG,
	LB_NO_REAL,
	LB_ENCAP_FAILED,
	LB_EVENTS,
};

/* stats[vip_num]: packets and bytes per VIP; stats[MAX_VIPS + event]: events (packets only) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_VIPS + LB_EVENTS);
	__type(key, __u32);
	__type(value, struct pkt_bytes);
} stats SEC(".maps");

static __always_inline void count(__u32 idx, __u64 bytes)
{
	struct pkt_bytes *s = bpf_map_lookup_elem(&stats, &idx);

	if (s) {
		s->packets++;
		s->bytes += bytes;
	}
}

/* Bob Jenkins' lookup3 final mix, as the kernel's jhash_2words uses it. */
#define rol32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))
#define JHASH_INITVAL 0xdeadbeef

static __always_inline __u32 jhash_2words(__u32 a, __u32 b, __u32 initval)
{
	__u32 c = initval + JHASH_INITVAL + (2 << 2);

	a += c;
	b += c;
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

/* The real for a flow: from the connection table, else from the VIP's ring (and remembered). */
static __always_inline struct real_def *choose_real(struct flow_key *f, const struct vip_meta *vip,
						     int tcp_syn, __u32 *hash, __u32 *event)
{
	struct real_pos *known, fresh = {};
	__u32 slot, ring, *real_idx;

	*hash = jhash_2words(f->src, ((__u32)f->sport << 16) | f->dport, MAX_VIPS);
	if (!(vip->flags & F_LRU_BYPASS) && !tcp_syn) {
		known = bpf_map_lookup_elem(&lru_cache, f);
		if (known && known->vip_num == vip->vip_num) {
			*event = LB_LRU_HIT;
			return bpf_map_lookup_elem(&reals, &known->real);
		}
	}
	ring = vip->ring_size;
	if (vip->vip_num >= MAX_VIPS || ring == 0 || ring > CH_RING_SIZE)
		return 0;
	slot = vip->vip_num * CH_RING_SIZE + *hash % ring;
	real_idx = bpf_map_lookup_elem(&ch_rings, &slot);
	if (!real_idx || !*real_idx)
		return 0;
	if (!(vip->flags & F_LRU_BYPASS)) {
		fresh.real = *real_idx;
		fresh.vip_num = vip->vip_num;
		bpf_map_update_elem(&lru_cache, f, &fresh, BPF_ANY);
	}
	*event = LB_LRU_MISS;
	return bpf_map_lookup_elem(&reals, real_idx);
}

/* IPv4 in IPv4 (RFC 2003). */
static __always_inline int encap_ipip(struct xdp_md *ctx, const struct real_def *dst,
				      const struct ctl_value *gw, __u32 hash)
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
	copy_mac(eth->dst, gw->mac);
	eth->proto = bpf_htons(ETHERTYPE_IPV4);

	outer->ver_ihl = 0x45;
	outer->tos = inner->tos;
	outer->tot_len = bpf_htons(bpf_ntohs(inner->tot_len) + sizeof(*outer));
	outer->id = 0;
	outer->frag_off = bpf_htons(IPV4_DF);
	outer->ttl = 64;
	outer->proto = PROTO_IPIP;
	outer->saddr = bpf_htonl(0x0afa0000 | (hash & 0xffff)); /* 10.250.x.y */
	outer->daddr = dst->addr;
	outer->check = ipv4_csum20(outer);
	return 0;
}

static __always_inline int balance(struct xdp_md *ctx, __u32 *event, __u32 *vip_num, __u32 *ip_len)
{
	struct flow_key flow = {};
	struct vip_key vk = {};
	struct cursor c;
	struct eth_hdr *eth;
	struct ipv4_hdr *iph;
	struct vip_meta *vip;
	struct real_def *dst;
	struct ctl_value *gw;
	__u32 gw_idx = CTL_GATEWAY_MAC, hash;
	int ethertype, vlans, proto, tcp_syn = 0;

	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, &vlans);
	if (ethertype < 0)
		goto malformed;
	if (vlans || ethertype != bpf_htons(ETHERTYPE_IPV4))
		return *event = LB_NON_IPV4, XDP_PASS;
	proto = parse_ipv4(&c, &iph);
	if (proto < 0)
		goto malformed;
	if (ipv4_is_fragment(iph))
		return *event = LB_FRAGMENT, XDP_DROP;
	*ip_len = bpf_ntohs(iph->tot_len);
	flow.src = iph->saddr;
	flow.dst = iph->daddr;

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
	vip = bpf_map_lookup_elem(&vip_map, &vk);
	if (!vip) {
		vk.port = 0;
		vip = bpf_map_lookup_elem(&vip_map, &vk);
		if (!vip)
			return *event = LB_NOT_VIP, XDP_PASS;
	}
	if (vip->flags & F_HASH_NO_SRC_PORT)
		flow.sport = 0;

	dst = choose_real(&flow, vip, tcp_syn, &hash, event);
	if (!dst || !dst->addr)
		return *event = LB_NO_REAL, XDP_DROP;
	if (*ip_len + sizeof(struct ipv4_hdr) > MAX_OUTER_MTU)
		return *event = LB_TOO_BIG, XDP_DROP;
	gw = bpf_map_lookup_elem(&ctl_array, &gw_idx);
	if (!gw)
		return *event = LB_ENCAP_FAILED, XDP_DROP;
	*vip_num = vip->vip_num;
	if (encap_ipip(ctx, dst, gw, hash))
		return *event = LB_ENCAP_FAILED, XDP_DROP;
	return XDP_TX;

malformed:
	*event = LB_MALFORMED;
	return XDP_DROP;
}

SEC("xdp")
int balancer_ingress(struct xdp_md *ctx)
{
	__u32 event = LB_MALFORMED, vip_num = MAX_VIPS, ip_len = 0;
	int action = balance(ctx, &event, &vip_num, &ip_len);

	count(MAX_VIPS + event, 0);
	if (action == XDP_TX) {
		count(MAX_VIPS + LB_TX, 0);
		if (vip_num < MAX_VIPS)
			count(vip_num, ip_len);
	}
	return action;
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* adjust_tail: path-MTU enforcement at the edge of a narrow link. An IPv4 packet with DF set whose
 * total length exceeds the configured MTU is not forwarded: the program turns the frame itself
 * into the ICMP "destination unreachable, fragmentation needed" answer (RFC 792, RFC 1191) and
 * sends it back out of the port it came from. The frame is cut after the original IP header and
 * 8 bytes of its payload (bpf_xdp_adjust_tail), grown at the front for the new IP and ICMP
 * headers (bpf_xdp_adjust_head), and both checksums are computed with bpf_csum_diff.
 *
 * As RFC 1122 §3.2.2 asks, no answer is sent for ICMP error messages, for non-first fragments,
 * or for packets to or from multicast/broadcast/unspecified addresses; those, packets within the
 * MTU, packets without DF, IPv4 with options, VLAN-tagged frames and non-IPv4 frames go to the
 * network stack (XDP_PASS). Frames cut short inside their headers are dropped. */
#include "xdp.h"

#define ICMP_QUOTE 8 /* bytes of the original datagram's payload quoted after its header */

struct mtu_cfg {
	__u32 mtu; /* largest IPv4 total length forwarded; 0: no limit */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mtu_cfg);
} config SEC(".maps");

enum {
	STAT_ICMP_SENT,
	STAT_TOO_BIG_NO_DF,
	STAT_NOT_ANSWERED,
	STAT_ERRORS,
	STAT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &what);

	if (v)
		*v += 1;
}

/* Not a host's unicast address: 0.0.0.0/8, 224.0.0.0/4 and above (multicast, reserved, broadcast). */
static __always_inline int ipv4_not_unicast(__be32 addr)
{
	__u32 a = bpf_ntohl(addr);

	return (a >> 24) == 0 || (a >> 28) >= 0xe;
}

static __always_inline __sum16 fold_diff(__s64 sum)
{
	return ~csum_fold((__u32)sum);
}

SEC("xdp")
int adjust_tail_prog(struct xdp_md *ctx)
{
	struct cursor c;
	struct eth_hdr *eth;
	struct ipv4_hdr *iph;
	struct mtu_cfg *cfg;
	__u32 key = 0, mtu;
	int ethertype, proto, vlans;

	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, &vlans);
	if (ethertype < 0)
		return XDP_DROP;
	if (ethertype != bpf_htons(ETHERTYPE_IPV4) || vlans)
		return XDP_PASS;
	proto = parse_ipv4(&c, &iph);
	if (proto < 0)
		return XDP_DROP;
	if (iph->ver_ihl != 0x45)
		return XDP_PASS;

	cfg = bpf_map_lookup_elem(&config, &key);
	if (!cfg)
		return XDP_PASS;
	mtu = cfg->mtu;
	if (!mtu || bpf_ntohs(iph->tot_len) <= mtu)
		return XDP_PASS;
	if (!(iph->frag_off & bpf_htons(IPV4_DF))) {
		count(STAT_TOO_BIG_NO_DF); /* the stack fragments it */
		return XDP_PASS;
	}
	if (c.pos + ICMP_QUOTE > c.end)
		return XDP_DROP; /* the header claims more than the frame holds */
	if (ipv4_is_later_fragment(iph) || ipv4_not_unicast(iph->saddr) || ipv4_not_unicast(iph->daddr))
		goto not_answered;
	if (proto == PROTO_ICMP) {
		struct icmp_hdr *icmp = c.pos;

		if (icmp->type != ICMP_ECHO && icmp->type != ICMP_ECHOREPLY)
			goto not_answered;
	}

	/* Everything the answer needs from the original frame, before it is overwritten. */
	__u16 macs[6];
	__be32 orig_src = iph->saddr, orig_dst = iph->daddr;
	__u8 tos = iph->tos;

	copy_mac(&macs[0], eth->src);
	copy_mac(&macs[3], eth->dst);

	int keep = sizeof(struct eth_hdr) + sizeof(struct ipv4_hdr) + ICMP_QUOTE;
	int len = (int)frame_len(ctx);

	if (bpf_xdp_adjust_tail(ctx, keep - len))
		goto error;
	if (bpf_xdp_adjust_head(ctx, -(int)(sizeof(struct ipv4_hdr) + sizeof(struct icmp_hdr))))
		goto error;

	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_hdr *reth = data;
	struct ipv4_hdr *rip = (void *)(reth + 1);
	struct icmp_hdr *ricmp = (void *)(rip + 1);

	/* eth + new IPv4 + ICMP + quoted IPv4 header + quoted payload */
	if ((void *)(ricmp + 1) + sizeof(struct ipv4_hdr) + ICMP_QUOTE > data_end)
		goto error;

	copy_mac(reth->dst, &macs[0]);
	copy_mac(reth->src, &macs[3]);
	reth->proto = bpf_htons(ETHERTYPE_IPV4);

	rip->ver_ihl = 0x45;
	rip->tos = tos & 0xfc; /* keep the DSCP, not the ECN bits */
	rip->tot_len = bpf_htons(sizeof(struct ipv4_hdr) + sizeof(struct icmp_hdr) + sizeof(struct ipv4_hdr) + ICMP_QUOTE);
	rip->id = 0;
	rip->frag_off = 0;
	rip->ttl = 64;
	rip->proto = PROTO_ICMP;
	rip->check = 0;
	rip->saddr = orig_dst;
	rip->daddr = orig_src;
	rip->check = fold_diff(bpf_csum_diff(0, 0, (__be32 *)rip, sizeof(*rip), 0));

	ricmp->type = ICMP_DEST_UNREACH;
	ricmp->code = ICMP_FRAG_NEEDED;
	ricmp->check = 0;
	ricmp->un.frag.unused = 0;
	ricmp->un.frag.mtu = bpf_htons((__u16)mtu);
	ricmp->check = fold_diff(bpf_csum_diff(0, 0, (__be32 *)ricmp,
					       sizeof(*ricmp) + sizeof(struct ipv4_hdr) + ICMP_QUOTE, 0));
	count(STAT_ICMP_SENT);
	return XDP_TX;

not_answered:
	count(STAT_NOT_ANSWERED);
	return XDP_PASS;
error:
	count(STAT_ERRORS);
	return XDP_DROP;
}

char _license[] SEC("license") = "Dual MIT/GPL";

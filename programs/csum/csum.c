/* csum: the checksum microbenchmark. Verifies the IPv4 header checksum of every IPv4 packet (RFC
 * 1071) with a loop over the header's 16-bit words, options included: the loop runs to the
 * largest header (60 bytes) and is fully unrolled, each word past the IHL adding nothing, so the
 * program has no back edge. A header that verifies is passed to the stack, one that does not is
 * dropped; both are counted. Non-IPv4 frames pass uncounted; frames cut short inside their
 * headers, or with an IHL below 5, are dropped as bad. */
#include "xdp.h"

#define IPV4_MAX_HDR 60

enum {
	CSUM_GOOD,
	CSUM_BAD,
	CSUM_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CSUM_MAX);
	__type(key, __u32);
	__type(value, __u64);
} csum_stats SEC(".maps");

static __always_inline int ipv4_header_ok(struct cursor *c)
{
	struct ipv4_hdr *iph;
	__u16 *w;
	__u64 sum = 0;
	int words;

	if (parse_ipv4(c, &iph) < 0)
		return 0;
	words = (iph->ver_ihl & 0x0f) * 2;
	w = (__u16 *)iph;
	/* the fixed header: parse_ipv4 checked it is in the frame */
#pragma unroll
	for (int i = 0; i < (int)sizeof(*iph) / 2; i++)
		sum += w[i];
	/* options, up to the largest header; the bounds check is for the verifier, which does not
	 * carry parse_ipv4's variable-length check over to constant offsets */
#pragma unroll
	for (int i = sizeof(*iph) / 2; i < IPV4_MAX_HDR / 2; i++)
		if (i < words && (void *)(w + i + 1) <= c->end)
			sum += w[i];
	return csum_fold(sum) == 0xffff;
}

SEC("xdp")
int csum_prog(struct xdp_md *ctx)
{
	struct cursor c;
	struct eth_hdr *eth;
	__u32 verdict;
	__u64 *n;
	int ethertype;

	cursor_init(&c, ctx);
	ethertype = parse_eth(&c, &eth, 0);
	if (ethertype < 0)
		return XDP_DROP;
	if (ethertype != bpf_htons(ETHERTYPE_IPV4))
		return XDP_PASS;
	verdict = ipv4_header_ok(&c) ? CSUM_GOOD : CSUM_BAD;
	n = bpf_map_lookup_elem(&csum_stats, &verdict);
	if (n)
		*n += 1;
	return verdict == CSUM_GOOD ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* xdp1: a protocol census that drops everything. Parses Ethernet (untagged, 802.1Q or QinQ),
 * then IPv4 (with options) or IPv6, counts the frame under its IP protocol in the per-CPU array
 * `rxcnt`, and drops it. Frames cut short inside their headers are dropped uncounted. */
#include "proto_count.h"

SEC("xdp")
int xdp1_prog(struct xdp_md *ctx)
{
	struct cursor c;
	struct eth_hdr *eth;
	int proto;

	cursor_init(&c, ctx);
	proto = ip_protocol(&c, &eth);
	if (proto >= 0)
		count_protocol(proto);
	return XDP_DROP;
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* xdp2: xdp1's protocol census, then the frame goes back out of its port: source and destination
 * MACs swapped, XDP_TX. Frames cut short inside their headers are dropped uncounted. */
#include "proto_count.h"

SEC("xdp")
int xdp2_prog(struct xdp_md *ctx)
{
	struct cursor c;
	struct eth_hdr *eth;
	int proto;

	cursor_init(&c, ctx);
	proto = ip_protocol(&c, &eth);
	if (proto < 0)
		return XDP_DROP;
	count_protocol(proto);
	swap_macs(eth);
	return XDP_TX;
}

char _license[] SEC("license") = "Dual MIT/GPL";

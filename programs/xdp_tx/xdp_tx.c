/* xdp_tx: a reflector. Swaps the Ethernet source and destination and sends the frame back out of
 * the port it came in on (hXDP's XDP_TX microbenchmark). Runt frames are dropped. */
#include "xdp.h"

SEC("xdp")
int xdp_tx_prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_hdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	swap_macs(eth);
	return XDP_TX;
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* xdp_drop: drops every frame. The floor of the per-packet cost (hXDP's XDP_DROP microbenchmark). */
#include "xdp.h"

SEC("xdp")
int xdp_drop_prog(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char _license[] SEC("license") = "Dual MIT/GPL";

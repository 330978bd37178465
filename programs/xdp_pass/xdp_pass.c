/* xdp_pass: hands every frame to the network stack unchanged. */
#include "xdp.h"

SEC("xdp")
int xdp_pass_prog(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* helper_calls_40: the helper-call microbenchmark with 40 calls (common/helper_calls.h). */
#define CALLS 40
#include "helper_calls.h"

SEC("xdp")
int helper_calls_40_prog(struct xdp_md *ctx)
{
	return helper_calls(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

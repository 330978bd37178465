/* helper_calls_30: the helper-call microbenchmark with 30 calls (common/helper_calls.h). */
#define CALLS 30
#include "helper_calls.h"

SEC("xdp")
int helper_calls_30_prog(struct xdp_md *ctx)
{
	return helper_calls(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* helper_calls_10: the helper-call microbenchmark with 10 calls (common/helper_calls.h). */
#define CALLS 10
#include "helper_calls.h"

SEC("xdp")
int helper_calls_10_prog(struct xdp_md *ctx)
{
	return helper_calls(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

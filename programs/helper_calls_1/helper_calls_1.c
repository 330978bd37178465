/* helper_calls_1: the helper-call microbenchmark with 1 calls (common/helper_calls.h). */
#define CALLS 1
#include "helper_calls.h"

SEC("xdp")
int helper_calls_1_prog(struct xdp_md *ctx)
{
	return helper_calls(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

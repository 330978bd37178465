/* helper_calls_20: the helper-call microbenchmark with 20 calls (common/helper_calls.h). */
#define CALLS 20
#include "helper_calls.h"

SEC("xdp")
int helper_calls_20_prog(struct xdp_md *ctx)
{
	return helper_calls(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

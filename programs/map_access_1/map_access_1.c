/* map_access_1: the map-access microbenchmark with a 1-byte key (common/map_access.h). */
#define KEY_SIZE 1
#include "map_access.h"

SEC("xdp")
int map_access_1_prog(struct xdp_md *ctx)
{
	return map_access(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

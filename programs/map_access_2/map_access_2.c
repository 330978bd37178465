/* map_access_2: the map-access microbenchmark with a 2-byte key (common/map_access.h). */
#define KEY_SIZE 2
#include "map_access.h"

SEC("xdp")
int map_access_2_prog(struct xdp_md *ctx)
{
	return map_access(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* map_access_4: the map-access microbenchmark with a 4-byte key (common/map_access.h). */
#define KEY_SIZE 4
#include "map_access.h"

SEC("xdp")
int map_access_4_prog(struct xdp_md *ctx)
{
	return map_access(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

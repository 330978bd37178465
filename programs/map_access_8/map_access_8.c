/* map_access_8: the map-access microbenchmark with a 8-byte key (common/map_access.h). */
#define KEY_SIZE 8
#include "map_access.h"

SEC("xdp")
int map_access_8_prog(struct xdp_md *ctx)
{
	return map_access(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* map_access_16: the map-access microbenchmark with a 16-byte key (common/map_access.h). */
#define KEY_SIZE 16
#include "map_access.h"

SEC("xdp")
int map_access_16_prog(struct xdp_md *ctx)
{
	return map_access(ctx);
}

char _license[] SEC("license") = "Dual MIT/GPL";

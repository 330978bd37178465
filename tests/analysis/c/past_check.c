// Reads past its bounds check as xdp-tutorial's packet01 does: the check proves one byte of the
// Ethernet header present, the program reads h_proto at bytes 12-13. The kernel verifier rejects it.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int past_check(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if (data + 1 > data_end)
		return XDP_ABORTED;
	if (eth->h_proto == 0x0008)
		return XDP_PASS;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";

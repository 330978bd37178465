// RTL test: bpf_redirect_map through a cpumap (tests/rtl/helpers-env.test.ts): p[14] the CPU
// index, p[15] the flags' low byte (action bits, invalid bits), p[13] bit 0 adds BPF_F_BROADCAST
// (invalid on a cpumap: XDP_ABORTED).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

SEC("xdp") int rtl_cpumap(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;
	if ((void *)(p + 16) > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	__u64 flags = p[15];
	if (p[13] & 1)
		flags |= BPF_F_BROADCAST;
	return bpf_redirect_map(&cpus, p[14], flags);
}

char _license[] SEC("license") = "GPL";

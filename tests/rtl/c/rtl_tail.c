// RTL test: a tail call through a prog array (the rows link rtl_tail_next after rtl_tail).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jump SEC(".maps");

SEC("xdp") int rtl_tail_next(struct xdp_md *ctx) {
	return XDP_TX;
}

SEC("xdp") int rtl_tail(struct xdp_md *ctx) {
	bpf_tail_call(ctx, &jump, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

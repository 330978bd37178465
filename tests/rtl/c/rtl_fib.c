// RTL refusal test: a program calling bpf_fib_lookup (the RTL has no route table).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int fib(struct xdp_md *ctx) {
	struct bpf_fib_lookup p = {};
	p.family = 2;
	p.ifindex = ctx->ingress_ifindex;
	long r = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	return r == 0 ? XDP_TX : XDP_PASS;
}
char _license[] SEC("license") = "GPL";

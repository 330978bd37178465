// Loader test program: XDP programs of each section form libbpf knows (xdp, xdp.frags,
// xdp/devmap reading egress_ifindex) beside a TC and a kprobe program in one object.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_plain(struct xdp_md *ctx) { return ctx->ingress_ifindex == 1 ? XDP_PASS : XDP_DROP; }

SEC("xdp.frags")
int xdp_mb(struct xdp_md *ctx) { return (ctx->data_end - ctx->data) > 100 ? XDP_PASS : XDP_DROP; }

SEC("xdp/devmap")
int xdp_egress(struct xdp_md *ctx) { return ctx->egress_ifindex == 3 ? XDP_DROP : XDP_PASS; }

SEC("tc")
int tc_len(struct __sk_buff *skb) { return skb->len > 100 ? 2 : 0; }

SEC("kprobe/do_sys_openat2")
int kprobe_open(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";

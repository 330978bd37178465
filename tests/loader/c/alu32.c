// Loader test program: 32-bit ALU and JMP32 (-mcpu=v3)
// cflags: -mcpu=v3
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp")
int xdp_alu32(struct xdp_md *ctx) {
  __u32 a = ctx->rx_queue_index, b = ctx->ingress_ifindex;
  __u32 c = a * 7 + (b >> 3) - (a ^ b);
  if (c > 1000) c /= 3;
  if ((int)c < -5) return XDP_ABORTED;
  return c & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";

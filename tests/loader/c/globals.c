// Loader test program: global data (.rodata, .data, .bss) as array maps
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
const volatile __u32 limit = 100;
const volatile __u32 other = 7;
__u64 hits = 5;
__u64 zero_count;
__u32 arr[4];
SEC("xdp")
int xdp_glob(struct xdp_md *ctx) {
  hits++;
  zero_count += other;
  arr[ctx->rx_queue_index & 3] = 1;
  if (ctx->data_end - ctx->data > limit) return XDP_DROP;
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";

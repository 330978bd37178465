// Test program for the kernel oracle: moves the packet's head and tail by the signed byte counts
// in bytes 0 and 1, then writes 0xee into the first byte of the result.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int oracle_adjust(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
  if (d + 2 > end) return XDP_ABORTED;
  int head = (signed char)d[0], tail = (signed char)d[1];
  if (bpf_xdp_adjust_head(ctx, head)) return XDP_DROP;
  if (bpf_xdp_adjust_tail(ctx, tail)) return XDP_ABORTED;
  d = (void *)(long)ctx->data;
  end = (void *)(long)ctx->data_end;
  if (d + 1 > end) return XDP_ABORTED;
  d[0] = 0xee;
  return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

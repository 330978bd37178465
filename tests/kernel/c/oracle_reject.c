// Test program for the kernel oracle: reads the packet without a bounds check, which the
// verifier rejects.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int oracle_reject(struct xdp_md *ctx) {
  unsigned char *d = (void *)(long)ctx->data;
  return d[3];
}

char _license[] SEC("license") = "GPL";

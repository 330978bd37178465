// Test program for the kernel oracle: a global larger than a bpftool batch line holds, so the
// fixture's update takes the slow path; the program returns its last byte.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

unsigned char big[6000];

SEC("xdp") int oracle_big(struct xdp_md *ctx) {
  big[0] += 1;
  return big[5999];
}

char _license[] SEC("license") = "GPL";

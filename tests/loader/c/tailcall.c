// Loader test program: a prog array declared with BTF (values are programs) and bpf_tail_call.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp")
int xdp_leaf(struct xdp_md *ctx) { return XDP_DROP; }
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, __u32); __array(values, int (void *)); } jumps SEC(".maps") = { .values = { [1] = (void *)&xdp_leaf } };
SEC("xdp")
int xdp_entry(struct xdp_md *ctx) {
  bpf_tail_call(ctx, &jumps, 1);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
